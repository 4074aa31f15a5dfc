"""Edges found cell by cell on a growing grid, never sharing a cell with another source's edge.

Pure, App-free. The eager pane's first iteration (:mod:`tui.drawing.append`) adds boxes and
edges one at a time and never moves one, so an edge cannot wait for a lane to be kept free
for it: it is searched for (A*, fewest cells and turns) through the cells left free, in the
abstract (u along layers, v across them) grid. What it may do in a cell that another edge
already takes:

* an edge of the same source, or into the same target: share it (a fan-out's trunk, a merge
  before the arrow), as :func:`tui.drawing.quality.measure` allows;
* any other edge: cross it straight where that one runs straight the other way (a clean
  ``┼``), nothing else; only where no path is left does it share, at a high cost.

A box's cells are closed, and so are the cells its edges leave and enter by (its ports), to
every edge but its own: a box placed later finds its ports free.
"""

from __future__ import annotations

import heapq
from itertools import count
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

    from tui.drawing.layout import NodeId

__all__ = ["ALONG_U", "ALONG_V", "Cells", "Cell"]

Cell = tuple[int, int]
"""(u, v): u along the layers, v across them."""
ALONG_U, ALONG_V, OTHER = 1, 2, 3
"""How an edge passes a cell: straight along u, straight along v, or otherwise (it turns,
starts or ends there)."""
STEPS = ((1, 0), (0, 1), (-1, 0), (0, -1))
"""The four directions, by index; (d + 2) % 4 is d's reverse."""
TURN = 2
"""Cost of a turn, in cells."""
CROSS = 3
"""Cost of crossing another edge."""
SHARE = 400
"""Cost of sharing a cell with another source's edge: only where nothing else is left."""
TRUNK = 0.5
"""Cost of a cell the edge's own source's edges take already (a fan-out's trunk)."""
ASIDE = 8
"""Cost of an arrow entered from the side, not along u: only where the cell before it along
u is closed (the layer before's edges leave there)."""
GREED = 1.5
"""Weight of the distance left in the search's guess: above 1 it looks at far fewer cells
for a path a little longer than the shortest."""
NEAR = 8
"""Cells around the two ends' box where a path is looked for first."""
SEARCHED = 60_000
"""Cells a search looks at before it gives up (and, the first time, tries again sharing)."""


class Cells:
    """What takes each cell of the grid: boxes, ports, and the edges found so far."""

    def __init__(self) -> None:
        self.boxes: dict[Cell, NodeId] = {}
        """Cells inside a box, by box."""
        self.ports: dict[Cell, tuple[bool, NodeId]] = {}
        """A box's port cells: (out, box): only edges out of (out) or into the box enter."""
        self.edges: dict[Cell, list[tuple[NodeId, NodeId, int]]] = {}
        """The edges through each cell: (source, target, how it passes: ALONG_U...)."""

    def add_box(self, nid: NodeId, u: int, v: int, du: int, dv: int) -> None:
        """Close a box's cells (u, v is its first corner; du, dv its size)."""
        for a in range(u, u + du):
            for b in range(v, v + dv):
                self.boxes[(a, b)] = nid

    def drop_box(self, nid: NodeId) -> None:
        """Open a box's cells and ports, and drop the edges into and out of it."""
        for cell in [c for c, n in self.boxes.items() if n == nid]:
            del self.boxes[cell]
        for cell in [c for c, (_, n) in self.ports.items() if n == nid]:
            del self.ports[cell]
        for cell, runs in list(self.edges.items()):
            kept = [r for r in runs if nid not in (r[0], r[1])]
            if kept:
                self.edges[cell] = kept
            else:
                del self.edges[cell]

    def taken(self, cell: Cell) -> bool:
        """Whether a box or an edge takes the cell."""
        return cell in self.boxes or cell in self.edges

    def find(
        self,
        src: NodeId,
        dst: NodeId,
        start: Cell,
        end: Cell,
        bounds: tuple[int, int],
        extra: Callable[[Cell, int], float],
    ) -> list[Cell]:
        """The cells of the cheapest path from ``start`` (the cell just past the source box)
        to ``end`` (the arrow's cell just before the target box), entering ``end`` along +u
        where it can, within ``bounds`` (u, v: cells from 0 up to them); ``extra(cell, d)``
        adds a cost for entering ``cell`` in direction ``d`` (an index of :data:`STEPS`).
        Only where no path is left does it share a cell with another source's edge."""
        whole = (0, 0, *bounds)
        near = (  # first, near the two ends: a long way round is looked for only where needed
            max(0, min(start[0], end[0]) - NEAR),
            max(0, min(start[1], end[1]) - NEAR),
            min(bounds[0], max(start[0], end[0]) + NEAR + 1),
            min(bounds[1], max(start[1], end[1]) + NEAR + 1),
        )
        for area, share in ((near, False), (whole, False), (whole, True)):
            if area is near and near == whole:
                continue
            path = self._search(src, dst, start, end, area, extra, share)
            if path is not None:
                return path
        # no way at all (a pane full to its edges): straight at it
        return [start, (start[0], end[1]), end] if start[0] < end[0] else [start, end]

    def _search(
        self,
        src: NodeId,
        dst: NodeId,
        start: Cell,
        end: Cell,
        area: tuple[int, int, int, int],
        extra: Callable[[Cell, int], float],
        share: bool,
    ) -> list[Cell] | None:
        lo_u, lo_v, hi_u, hi_v = area
        last = (end[0] - 1, end[1])  # the arrow is entered along +u, from here
        eu, ev = end
        tie = count()
        heap: list[tuple[float, int, float, Cell, int, bool]] = []
        seen: dict[tuple[Cell, int], float] = {(start, -1): 0.0}
        parent: dict[tuple[Cell, int], tuple[Cell, int] | None] = {(start, -1): None}
        heapq.heappush(heap, (0.0, next(tie), 0.0, start, -1, False))
        goal: tuple[Cell, int] | None = None
        left = SEARCHED
        while heap and left:
            left -= 1
            _, _, g, cell, d, straight = heapq.heappop(heap)
            if g > seen.get((cell, d), g):
                continue
            if cell == end:
                goal = (cell, d)
                break
            for nd, (du, dv) in enumerate(STEPS):
                if (d >= 0 and nd == (d + 2) % 4) or (straight and nd != d):
                    continue
                nxt = (cell[0] + du, cell[1] + dv)
                if not (lo_u <= nxt[0] < hi_u and lo_v <= nxt[1] < hi_v):
                    continue
                if nxt == end and nd == 2:
                    continue  # (an arrow points at its box, along u or from the side)
                cost = self._enter(src, dst, nxt, nd, nxt == last or nxt == end, share)
                if cost is None:
                    continue
                step, cross = cost
                ng = g + step + (TURN if d >= 0 and nd != d else 0) + extra(nxt, nd)
                if nxt == end and nd != 0:
                    ng += ASIDE
                if ng < seen.get((nxt, nd), float("inf")):
                    seen[(nxt, nd)] = ng
                    parent[(nxt, nd)] = (cell, d)
                    h = abs(nxt[0] - eu) + abs(nxt[1] - ev)
                    heapq.heappush(heap, (ng + GREED * h, next(tie), ng, nxt, nd, cross))
        if goal is None:
            return None
        path: list[Cell] = []
        state: tuple[Cell, int] | None = goal
        while state is not None:
            path.append(state[0])
            state = parent[state]
        path.reverse()
        return path

    def _enter(
        self, src: NodeId, dst: NodeId, cell: Cell, d: int, at_end: bool, share: bool
    ) -> tuple[float, bool] | None:
        """The cost of entering ``cell`` in direction ``d`` and whether the path must go on
        straight through it (it crosses another edge there); None: closed (a cell another
        source's edge takes, unless ``share``)."""
        if cell in self.boxes:
            return None
        port = self.ports.get(cell)
        if port is not None and port[1] != (src if port[0] else dst):
            return None
        runs = self.edges.get(cell)
        if not runs:
            return 1.0, False
        cost, cross = 1.0, False
        across = ALONG_V if d % 2 == 0 else ALONG_U
        for s, t, how in runs:
            if s == src:
                cost = min(cost, TRUNK)
            elif t != dst:
                if how == across and not at_end:
                    cost, cross = cost + CROSS, True
                elif share:
                    return float(SHARE), False
                else:
                    return None
        return cost, cross

    def lay(self, src: NodeId, dst: NodeId, path: list[Cell]) -> None:
        """Record an edge's cells (``path``, one cell a step)."""
        for k, cell in enumerate(path):
            how = OTHER
            if 0 < k < len(path) - 1:
                (u0, v0), (u1, v1) = path[k - 1], path[k + 1]
                how = ALONG_U if v0 == v1 == cell[1] else ALONG_V if u0 == u1 == cell[0] else OTHER
            self.edges.setdefault(cell, []).append((src, dst, how))

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
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Sequence
    from typing import TypeAlias

    from tui.drawing.layout import NodeId

    Extra: TypeAlias = Callable[[int, int, int, int], Iterable[tuple[Sequence[int], Sequence[int]]]]
    """``extra(lo_u, hi_u, lo_v, hi_v)``: for each u from lo_u up to hi_u, what entering
    each cell v from lo_v up to hi_v costs besides its step, in half cells (:data:`HALF`),
    along u and along v."""

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
CROSS = 15
"""Cost of crossing another edge: an edge goes up to that many cells round rather than
across another's run (at 3, the backward pass's long edges crossed their way down the bands:
torch-tensors' first iteration had 37 crossings at 160x48, 26 at 15)."""
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
HALF = 2
"""Costs are searched in half cells, as integers (every cost above is a multiple of a half)."""
CLOSED, BIG = -(1 << 60), 1 << 60


class Cells:
    """What takes each cell of the grid: boxes, ports, and the edges found so far."""

    def __init__(self) -> None:
        self.boxes: dict[Cell, NodeId] = {}
        """Cells inside a box, by box."""
        self.ports: dict[Cell, tuple[bool, NodeId]] = {}
        """A box's port cells: (out, box): only edges out of (out) or into the box enter."""
        self.edges: dict[Cell, list[tuple[NodeId, NodeId, int]]] = {}
        """The edges through each cell: (source, target, how it passes: ALONG_U...)."""
        self.rows: dict[int, set[int]] = {}
        """The cells a box, a port or an edge takes, v by u: a search looks only these up."""

    def _take(self, u: int, v: int) -> None:
        self.rows.setdefault(u, set()).add(v)

    def add_box(self, nid: NodeId, u: int, v: int, du: int, dv: int) -> None:
        """Close a box's cells (u, v is its first corner; du, dv its size)."""
        for a in range(u, u + du):
            for b in range(v, v + dv):
                self.boxes[(a, b)] = nid
                self._take(a, b)

    def add_port(self, cell: Cell, out: bool, nid: NodeId) -> None:
        """Keep ``cell`` for the edges out of (``out``) or into box ``nid``."""
        self.ports[cell] = (out, nid)
        self._take(*cell)

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
        self.rows = {}
        for u, v in [*self.boxes, *self.ports, *self.edges]:
            self._take(u, v)

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
        extra: Extra,
    ) -> list[Cell]:
        """The cells of the cheapest path from ``start`` (the cell just past the source box)
        to ``end`` (the arrow's cell just before the target box), entering ``end`` along +u
        where it can, within ``bounds`` (u, v: cells from 0 up to them); ``extra`` adds a cost
        for entering each cell (:data:`Extra`).
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
        extra: Extra,
        share: bool,
    ) -> list[Cell] | None:
        lo_u, lo_v, hi_u, hi_v = area
        if not (lo_u <= start[0] < hi_u and lo_v <= start[1] < hi_v):
            return None
        # Cells by number, row by row along u, with a closed border round the area (no
        # bounds to check); a state is a cell and the direction it was entered in (4: none,
        # the start). Costs are in half cells, as integers; a heap entry is one integer: the
        # cost so far and the guess, then the order pushed (first pushed, first out among
        # equals), then the state.
        wide = hi_v - lo_v + 2
        size = (hi_u - lo_u + 2) * wide

        def number(cell: Cell) -> int:
            return (cell[0] - lo_u + 1) * wide + cell[1] - lo_v + 1

        first, last, goal = number(start), number((end[0] - 1, end[1])), number(end)
        if not (lo_u <= end[0] < hi_u and lo_v <= end[1] < hi_v):
            goal = -1
        eu, ev = divmod(goal, wide)
        # what entering each cell costs besides its step, along u and along v (the border:
        # closed); a taken cell is looked at the first time the search reaches it
        costs = ([CLOSED] * size, [CLOSED] * size)
        crosses = (bytearray(size), bytearray(size))  # ...crossing another edge there
        taken = bytearray(size)
        for r, (along_u, along_v) in enumerate(extra(lo_u, hi_u, lo_v, hi_v)):
            k = (r + 1) * wide + 1
            costs[0][k : k + wide - 2] = along_u
            costs[1][k : k + wide - 2] = along_v
        for u in range(lo_u, hi_u):
            k = (u - lo_u + 1) * wide + 1 - lo_v
            for v in self.rows.get(u, ()):
                if lo_v <= v < hi_v:
                    taken[k + v] = 1

        def fill(k: int) -> None:
            r, c = divmod(k, wide)
            cell = (r + lo_u - 1, c + lo_v - 1)
            taken[k] = 0
            for way in (0, 1):
                entered = self._enter(src, dst, cell, way, k == last or k == goal, share)
                if entered is None:
                    costs[way][k] = CLOSED
                else:
                    costs[way][k] += round(HALF * (entered[0] - 1))
                    crosses[way][k] = entered[1]

        moves = [(d, du * wide + dv) for d, (du, dv) in enumerate(STEPS)]
        turns = [  # from each direction (4: none), the directions on: step and turn's cost
            [
                (d, k, HALF + (0 if d in (e, 4) else TURN * HALF), costs[d & 1])
                for d, k in moves
                if e == 4 or d != (e + 2) % 4
            ]
            for e in range(5)
        ]
        ahead = [[(d, k, HALF, costs[d & 1]) for d, k in moves if d == e] for e in range(4)]
        greed, aside = round(GREED * HALF), ASIDE * HALF
        # the guess at the cost left, by cell: GREED times the cells left, in half cells
        along_v = [greed * abs(c - ev) for c in range(wide)]
        guess: list[int] = []
        for r in range(size // wide):
            left_u = greed * abs(r - eu)
            guess.extend([left_u + x for x in along_v])
        # a state: its cell's number times 8 plus the direction it was entered in
        s_bits = (8 * size).bit_length()
        shift = s_bits + (4 * SEARCHED + 8).bit_length()
        s_mask = (1 << s_bits) - 1
        best = [BIG] * (8 * size)
        parent = [-1] * (8 * size)
        s0 = first << 3 | 4
        best[s0] = 0
        heap = [guess[first] << shift | s0]
        tie = 1
        found = -1
        left = SEARCHED
        pop, push = heapq.heappop, heapq.heappush
        while heap and left:
            left -= 1
            key = pop(heap)
            s = key & s_mask
            k = s >> 3
            g = best[s]
            if key >> shift != g + guess[k]:
                continue  # a state reached since at a lower cost
            if k == goal:
                found = s
                break
            d = s & 7
            for nd, step, turn, cost_of in ahead[d] if d < 4 and crosses[d & 1][k] else turns[d]:
                j = k + step
                if taken[j]:
                    fill(j)
                cost = cost_of[j]
                if cost == CLOSED:
                    continue
                ng = g + cost + turn
                if j == goal:
                    if nd == 2:
                        continue  # (an arrow points at its box, along u or from the side)
                    if nd:
                        ng += aside
                t = j << 3 | nd
                if ng < best[t]:
                    best[t] = ng
                    parent[t] = s
                    push(heap, (ng + guess[j]) << shift | tie << s_bits | t)
                    tie += 1
        if found < 0:
            return None
        path: list[Cell] = []
        s = found
        while s >= 0:
            r, c = divmod(s >> 3, wide)
            path.append((r + lo_u - 1, c + lo_v - 1))
            s = parent[s]
        path.reverse()
        return path

    def _enter(
        self, src: NodeId, dst: NodeId, cell: Cell, way: int, at_end: bool, share: bool
    ) -> tuple[float, bool] | None:
        """The cost of entering ``cell`` along u (``way`` 0) or along v (1) and whether the
        path must go on straight through it (it crosses another edge there); None: closed (a
        cell another source's edge takes, unless ``share``)."""
        if cell in self.boxes:
            return None
        port = self.ports.get(cell)
        if port is not None and port[1] != (src if port[0] else dst):
            return None
        runs = self.edges.get(cell)
        if not runs:
            return 1.0, False
        cost, cross = 1.0, False
        across = ALONG_U if way else ALONG_V
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
            self._take(*cell)

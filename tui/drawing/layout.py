"""DAG layout on a character grid: the shapes every drawing shares, and the densest drawing.

Pure, no App needed. The static graph is drawn by the layered layout in
:mod:`tui.drawing.plan`, the eager first iteration by :mod:`tui.drawing.append`; this module
keeps what they share (:class:`Box`, :class:`Edge`, :class:`Layout`) and the grid drawing:

* :func:`place_dense` - a whole graph on a grid of layers and slots, the densest picture
  (longest-path layers, barycentre order): the static pane's last resort where no layered
  drawing fits.
* :func:`geometry` turns (layer, slot) placements into cell boxes and routes every edge
  orthogonally through the gaps between boxes, so no edge ever crosses a box. Coordinates
  are worked out on an abstract (u along layers, v across them) grid and swapped for
  top-to-bottom.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Literal

Orientation = Literal["LR", "TB"]
NodeId = Hashable

BOX_W = 20
"""Width of a node box in cells (both orientations)."""
MARGIN = 1
"""Blank cells around the drawing."""


@dataclass(frozen=True)
class Box:
    """A node's rectangle in cells."""

    x: int
    y: int
    w: int
    h: int

    @property
    def x2(self) -> int:
        """One past the right edge."""
        return self.x + self.w

    @property
    def y2(self) -> int:
        """One past the bottom edge."""
        return self.y + self.h

    def overlaps(self, other: Box) -> bool:
        """True if the two rectangles share a cell."""
        return self.x < other.x2 and other.x < self.x2 and self.y < other.y2 and other.y < self.y2


@dataclass(frozen=True)
class Edge:
    """An orthogonal polyline from a source box to a target box (the last point is the head)."""

    src: NodeId
    dst: NodeId
    points: tuple[tuple[int, int], ...]
    kind: str = "data"
    """"data", or "control": a control dependency (``tf.group``'s, an initializer's), drawn
    dashed."""


def corners(points: Iterable[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    """The points where an orthogonal path through ``points`` starts, turns and ends."""
    out: list[tuple[int, int]] = []
    for p in points:
        if out and out[-1] == p:
            continue
        if len(out) >= 2:
            (x0, y0), (x1, y1) = out[-2], out[-1]
            if (x0 == x1 == p[0]) or (y0 == y1 == p[1]):
                out[-1] = p
                continue
        out.append(p)
    return tuple(out)


@dataclass
class Layout:
    """Where everything goes: boxes by node id, routed edges, and the drawing's size."""

    orientation: Orientation
    boxes: dict[NodeId, Box] = field(default_factory=dict)
    edges: list[Edge] = field(default_factory=list)
    width: int = 0
    height: int = 0

    def reach(self) -> tuple[int, int]:
        """The column and row just past the last cell a box or an edge takes (no margin)."""
        right = [b.x2 for b in self.boxes.values()] + [
            x + 1 for e in self.edges for x, _ in e.points
        ]
        bottom = [b.y2 for b in self.boxes.values()] + [
            y + 1 for e in self.edges for _, y in e.points
        ]
        return max(right, default=0), max(bottom, default=0)


@dataclass(frozen=True)
class Spacing:
    """Box size and gaps on the abstract grid (u: along layers, v: across layers)."""

    box_u: int
    box_v: int
    gap_u: int
    gap_v: int
    stub: int = 1
    """Cells between a box and the first lane of the channel after it (0: an edge turns right
    under a one-row box)."""

    @property
    def lanes_u(self) -> int:
        """Lanes in the channel between two layers (the rest: the stub and the arrow cell)."""
        return self.gap_u - 1 - self.stub

    @staticmethod
    def for_(
        orientation: Orientation, box_h: int = 4, box_w: int = BOX_W, lanes: int | None = None
    ) -> Spacing:
        """The spacing used for an orientation and a box size.

        Args:
            orientation: "LR" or "TB".
            box_h: box height in rows (4 full, 3 compact, 1 mini).
            box_w: box width in cells.
            lanes: lanes between two layers (None: the default for the box size); fewer lanes
                draw a denser picture whose edges share more of their runs.
        """
        stub = 0 if box_h < 3 else 1
        if orientation == "LR":
            sp = Spacing(
                box_u=box_w, box_v=box_h, gap_u=7 - 2 * (1 - stub), gap_v=2 - (1 - stub), stub=stub
            )
        else:
            sp = Spacing(box_u=box_h, box_v=box_w, gap_u=4 - (1 - stub), gap_v=3, stub=stub)
        if lanes is not None:
            sp = Spacing(sp.box_u, sp.box_v, max(1, lanes) + 1 + stub, sp.gap_v, stub)
        return sp


# ---------------------------------------------------------------- placement


def _layers_longest_path(nodes: Sequence[tuple[NodeId, Sequence[NodeId]]]) -> dict[NodeId, int]:
    known = {n for n, _ in nodes}
    layer: dict[NodeId, int] = {}
    pending = list(nodes)
    while pending:  # creation order is usually topological; loop covers the rest
        rest = []
        for nid, ins in pending:
            ins = [i for i in ins if i in known and i != nid]
            if all(i in layer for i in ins):
                layer[nid] = 1 + max((layer[i] for i in ins), default=-1)
            else:
                rest.append((nid, ins))
        if len(rest) == len(pending):  # a cycle: break it where it starts
            nid, _ = rest.pop(0)
            layer[nid] = 0
        pending = rest
    return layer


def place_dense(nodes: Sequence[tuple[NodeId, Sequence[NodeId]]]) -> dict[NodeId, tuple[int, int]]:
    """Place a whole graph densely on a (layer, slot) grid: the static pane's last resort when
    no layered drawing fits (its edges share runs; see :mod:`tui.drawing.plan` for the real
    layout). Returns node id -> (layer, slot).

    Args:
        nodes: (id, input ids) in creation order; unknown inputs are ignored.
    """
    layer = _layers_longest_path(nodes)
    known = set(layer)
    inputs = {n: [i for i in ins if i in known and i != n] for n, ins in nodes}
    consumers: dict[NodeId, list[NodeId]] = {n: [] for n in layer}
    for n, ins in inputs.items():
        for i in ins:
            consumers[i].append(n)
    for n, _ in reversed(nodes):  # pull sources (and chains of them) next to their consumer
        if not inputs[n] and consumers[n]:
            layer[n] = min(layer[c] for c in consumers[n]) - 1
    by_layer: dict[int, list[NodeId]] = {}
    for n, _ in nodes:
        by_layer.setdefault(layer[n], []).append(n)
    order = {n: i for lay in by_layer.values() for i, n in enumerate(lay)}

    def sweep(layers: Iterable[int], neighbours: dict[NodeId, list[NodeId]]) -> None:
        for lay in layers:
            members = by_layer.get(lay, [])

            def bary(n: NodeId) -> float:
                ns = neighbours[n]
                return sum(order[m] for m in ns) / len(ns) if ns else order[n]

            members.sort(key=lambda n: (bary(n), order[n]))
            for i, n in enumerate(members):
                order[n] = i

    depth = sorted(by_layer)
    for _ in range(3):
        sweep(depth[1:], inputs)
        sweep(reversed(depth[:-1]), consumers)
    sweep(depth[1:], inputs)
    lowest = min(depth, default=0)
    return {n: (layer[n] - lowest, order[n]) for n in layer}


def place_like(
    nodes: Sequence[tuple[NodeId, Sequence[NodeId]]], base: dict[NodeId, tuple[int, int]]
) -> dict[NodeId, tuple[int, int]]:
    """Place a graph derived from another (the static graph as run, from the graph as built):
    nodes the two share keep their (layer, slot); a new node goes into the layer after its
    deepest input, at the first free slot; a node whose input moved to or past its layer moves
    down likewise. Emptied places stay empty, so switching views moves nothing else.

    Args:
        nodes: (id, input ids) of the derived graph, inputs before consumers.
        base: :func:`place_dense` of the graph it was derived from.
    """
    known = {n for n, _ in nodes}
    inputs = {n: [i for i in ins if i in known and i != n] for n, ins in nodes}
    placed = {n: base[n] for n, _ in nodes if n in base}
    taken = set(placed.values())

    def put(n: NodeId, layer: int) -> None:
        slot = 0
        while (layer, slot) in taken:
            slot += 1
        taken.discard(placed.get(n, (None, None)))
        placed[n] = (layer, slot)
        taken.add((layer, slot))

    for n, _ in nodes:
        if n not in placed:
            lays = [placed[i][0] for i in inputs[n] if i in placed]
            put(n, max(lays) + 1 if lays else 0)
    for _ in range(len(nodes)):  # inputs above their consumers (edges run one way)
        moved = False
        for n, _ in nodes:
            deepest = max((placed[i][0] for i in inputs[n]), default=-1)
            if deepest >= placed[n][0]:
                put(n, deepest + 1)
                moved = True
        if not moved:
            break
    return placed


# ---------------------------------------------------------------- geometry and routing


class Lanes:
    """Tracks in channels, handed out first-fit in creation order (old edges never move):
    an edge takes the first lane where no other source's span overlaps its own, else the
    one where fewest do. A channel has ``counts[channel]`` lanes, else ``default``, unless
    :meth:`take` is told how many."""

    def __init__(self, default: int, counts: dict[object, int] | None = None) -> None:
        self.default = max(1, default)
        self.counts = counts or {}
        self.used: dict[tuple[object, int], list[tuple[int, int, NodeId]]] = {}

    def take(self, channel: object, lo: int, hi: int, owner: NodeId, count: int = 0) -> int:
        """The lane of ``channel`` for ``owner``'s span ``lo``..``hi``."""
        best, best_clash = 0, None
        for lane in range(max(1, count or self.counts.get(channel, self.default))):
            spans = self.used.setdefault((channel, lane), [])
            clash = sum(1 for a, b, o in spans if o != owner and a <= hi + 1 and lo <= b + 1)
            if clash == 0:
                best = lane
                break
            if best_clash is None or clash < best_clash:
                best, best_clash = lane, clash
        self.used[(channel, best)].append((lo, hi, owner))
        return best


def geometry(
    placements: dict[NodeId, tuple[int, int]],
    inputs: Sequence[tuple[NodeId, Sequence[NodeId]]],
    orientation: Orientation = "LR",
    box_h: int = 4,
    box_w: int = BOX_W,
    lanes: int | None = None,
) -> Layout:
    """Turn (layer, slot) placements into boxes and routed edges.

    Args:
        placements: node id -> (layer, slot).
        inputs: (node id, input ids) in creation order; edges are routed in this order, so a
            new node's edges never reroute older ones.
        orientation: "LR" (layers left to right) or "TB" (layers top to bottom).
        box_h: box height in rows (4 full, 3 compact, 1 mini).
        box_w: box width in cells.
        lanes: lanes between two layers (None: the default for the box size).

    Returns:
        The layout; its width and height cover every box and edge plus a margin.
    """
    sp = Spacing.for_(orientation, box_h, box_w, lanes)
    pitch_u, pitch_v = sp.box_u + sp.gap_u, sp.box_v + sp.gap_v
    lay_out = Layout(orientation)

    def u0(layer: int) -> int:
        return MARGIN + layer * pitch_u

    def v0(slot: int) -> int:
        return MARGIN + sp.gap_v + slot * pitch_v

    def to_xy(u: int, v: int) -> tuple[int, int]:
        return (u, v) if orientation == "LR" else (v, u)

    max_u = max_v = 0
    for nid, (lay, slot) in placements.items():
        x, y = to_xy(u0(lay), v0(slot))
        w, h = (sp.box_u, sp.box_v) if orientation == "LR" else (sp.box_v, sp.box_u)
        lay_out.boxes[nid] = Box(x, y, w, h)
        max_u, max_v = max(max_u, u0(lay) + sp.box_u), max(max_v, v0(slot) + sp.box_v)

    lanes_u = Lanes(sp.lanes_u)  # channel between layers: stub, lanes, arrow cell
    lanes_v = Lanes(sp.gap_v)  # gap between slots: all cells are lanes
    for src, dst, k in grid_edges(placements, inputs):
        (ls, ss), (ld, sd) = placements[src], placements[dst]
        ue, ve = u0(ls) + sp.box_u, v0(ss) + exit_v(sp, orientation)
        ua, va = u0(ld) - 1, v0(sd) + entry_v(sp, orientation, k)
        pts: list[tuple[int, int]] = [(ue, ve)]
        if ld == ls + 1:
            c = ue + sp.stub + lanes_u.take(ld, min(ve, va), max(ve, va), src)
            pts += [(c, ve), (c, va)]
        else:
            down = va >= ve
            gap_slot = sd if down else sd + 1  # gap just before the target's slot, facing src
            gap_start = v0(gap_slot) - sp.gap_v
            c1 = ue + sp.stub + lanes_u.take(ls + 1, min(ve, gap_start), max(ve, gap_start), src)
            vr = gap_start + lanes_v.take(gap_slot, c1, u0(ld), src)
            c2 = u0(ld) - sp.gap_u + sp.stub + lanes_u.take(ld, min(vr, va), max(vr, va), src)
            pts += [(c1, ve), (c1, vr), (c2, vr), (c2, va)]
            max_v = max(max_v, vr + 1)
        pts.append((ua, va))
        lay_out.edges.append(Edge(src, dst, tuple(to_xy(u, v) for u, v in _dedupe(pts))))
    w, h = to_xy(max_u + MARGIN, max_v + MARGIN)
    lay_out.width, lay_out.height = w, h
    return lay_out


def grid_edges(
    placed: dict[NodeId, tuple[int, int]], inputs: Iterable[tuple[NodeId, Iterable[NodeId]]]
) -> Iterator[tuple[NodeId, NodeId, int]]:
    """The edges of a grid placement (``placed``: node -> (layer, slot)) that go forward, to
    a later layer, as (source, target, k): each once, ``k`` counting the target's in-edges
    so far (where it enters the target's side, :func:`entry_v`)."""
    entries: dict[NodeId, int] = {}
    for dst, ins in inputs:
        if dst not in placed:
            continue
        seen: set[NodeId] = set()
        for src in ins:
            if src not in placed or src == dst or src in seen:
                continue
            seen.add(src)
            if placed[dst][0] <= placed[src][0]:
                continue
            k = entries.get(dst, 0)
            entries[dst] = k + 1
            yield src, dst, k


def exit_v(sp: Spacing, orientation: Orientation) -> int:
    """The cell across a box (from its top or left side) that its out-edges leave from."""
    if orientation == "LR":
        return 1 if sp.box_v >= 3 else 0  # the first row inside the border (a mini box: its row)
    return sp.box_v // 2


def entry_v(sp: Spacing, orientation: Orientation, k: int) -> int:
    """The cell across a box (from its top or left side) that its ``k``-th in-edge enters at:
    in-edges spread over the box's side so that their arrows do not meet."""
    if orientation == "LR":
        if sp.box_v < 3:
            return 0
        inner = max(1, sp.box_v - 2)
        return 1 + k % inner
    mid = sp.box_v // 2
    spots = [s for s in (0, -3, 3, -6, 6, -8, 8) if 1 <= mid + s <= sp.box_v - 2]
    return mid + spots[k % len(spots)]


def _dedupe(points: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for p in points:
        if not out or out[-1] != p:
            out.append(p)
    return out

"""A graph derived from another (the static graph as run, from the graph as built), drawn so
that every box the two share stays where it was. Pure and App-free.

A shared node keeps its layer and position in the original's drawing; a new node goes into
the layer after its deepest input, at the free place
nearest the median of its inputs; a long edge reuses the original's dummies where the two
graphs share it, and takes the free place nearest its upper end elsewhere. Channels are at
least as deep as the original's, so layers stay where they were too::

    as built:  [a]  [b]        as run (b and c fused into bc):  [a]  [bc]
                │    │                                           │    │
                ▼    ▼                                           ▼    ▼
               [c]  [d]                                         ...  [d]
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from tui.drawing.layers import Ranking
from tui.drawing.order import Dummy, proper
from tui.drawing.plan import Extents, Sizes, emit

if TYPE_CHECKING:
    from tui.drawing.layout import Layout, NodeId, Orientation
    from tui.drawing.plan import Plan, Widths

__all__ = ["DerivedPlan"]


class DerivedPlan:
    """A derived graph laid out in its original's places; draws like a :class:`Plan`."""

    def __init__(self, nodes: Sequence[tuple[NodeId, Sequence[NodeId]]], base: Plan) -> None:
        self.base = base
        order = [n for n, _ in nodes]
        known = set(order)
        inputs = {n: [i for i in dict.fromkeys(ins) if i in known and i != n] for n, ins in nodes}
        layer: dict[NodeId, int] = {}
        for n in order:
            if n in base.ranking.layer:
                layer[n] = base.ranking.layer[n]
        for n in order:  # new nodes, inputs first where creation order allows
            if n not in layer:
                layer[n] = 1 + max((layer[i] for i in inputs[n] if i in layer), default=-1)
        edges = [(i, n) for n in order for i in inputs[n] if layer[i] < layer[n]]
        side = {}  # a collector keeps its tall box, down from its inputs' highest layer
        for n, top in base.ranking.side.items():
            if n in known:
                side[n] = min([top] + [layer[i] for i in inputs[n] if layer[i] < layer[n]])
        self.ranking = Ranking(order, layer, edges, frozenset(), side)
        self.ordered = proper(self.ranking)

    def draw(
        self,
        orientation: Orientation,
        box_h: int,
        box_w: int,
        lanes: int | None = None,
        widths: Widths = None,
    ) -> Layout:
        """Boxes and routed edges for one orientation and box size (``widths``: each box's
        own width, as :meth:`Plan.draw`)."""
        return self._emit(orientation, box_h, box_w, lanes, widths)[0]

    def rooms(
        self,
        orientation: Orientation,
        box_h: int,
        box_w: int,
        lanes: int | None = None,
        widths: Widths = None,
    ) -> list[int]:
        """The room each channel takes drawn so (at least the original's): the original drawn
        with these rooms lines its layers up with this drawing's."""
        return self._emit(orientation, box_h, box_w, lanes, widths)[1]

    def _emit(
        self,
        orientation: Orientation,
        box_h: int,
        box_w: int,
        lanes: int | None,
        widths: Widths,
    ) -> tuple[Layout, list[int]]:
        sz = Sizes.for_(orientation, box_h, box_w, lanes)
        base = self.base
        base_ext = Extents.of(base.ordered, sz, widths)
        base_pos = base.positions(sz, base_ext)
        drawn, rooms = emit(base.ranking, base.ordered, base_pos, sz, ext=base_ext)
        g = self.ordered
        old = base.ordered
        at = list(base_pos)  # where the original draws each box: one may have moved a cell
        for n, b in drawn.boxes.items():  # aside, keeping two edges apart (tui.drawing.swaps)
            if n not in base.ranking.side:
                i = old.index[n]
                at[i] = b.x + b.w // 2 if sz.orientation == "TB" else b.y + base_ext.port[i]
        old_dummy = {
            (old.vertex[c[0]], old.vertex[c[-1]], old.vertex[d].layer): base_pos[d]  # type: ignore[attr-defined]
            for c in old.chains
            for d in c[1:-1]
        }
        ext = Extents.of(g, sz, widths)
        if sz.orientation == "LR":  # layers keep the built graph's widths
            along = [max(a, b) for a, b in zip(ext.along, base_ext.along, strict=False)]
            ext = Extents(ext.across, ext.port, along + ext.along[len(along) :], ext.own)
        pos: list[int | None] = [None] * len(g.vertex)
        for v, n in enumerate(g.vertex):
            if not g.dummy[v] and n in old.index:
                pos[v] = at[old.index[n]]
        for v, own in enumerate(g.box):  # a collector's box: one column, where it was
            if own >= 0:
                pos[v] = pos[own]
        for lay in g.layers:
            taken = [(pos[v] - ext.port[v], ext.across[v]) for v in lay if pos[v] is not None]  # type: ignore[operator]
            walls = [pos[v] - ext.port[v] for v in lay if g.box[v] >= 0]  # type: ignore[operator]
            limit = min(walls) - sz.gap if walls else None  # new boxes stay before it
            for v in sorted(lay, key=lambda v: g.dummy[v]):
                if pos[v] is not None:
                    continue
                n = g.vertex[v]
                if isinstance(n, Dummy):
                    a, b = self.ranking.edges[n.edge]
                    want = old_dummy.get((a, b, n.layer))
                    if want is None:
                        want = pos[g.up[v][0]] or 0
                    width, p0 = 1, 0
                else:
                    ups = sorted(pos[u] or 0 for u in g.up[v])
                    want = ups[len(ups) // 2] if ups else MARGIN_POS
                    width, p0 = ext.across[v], ext.port[v]
                pos[v] = _free(taken, want - p0, width, sz.gap, limit) + p0
                taken.append((pos[v] - p0, width))  # type: ignore[operator]
        final = [p or 0 for p in pos]
        for lay in g.layers:
            lay.sort(key=final.__getitem__)
        return emit(self.ranking, g, final, sz, rooms, ext)


MARGIN_POS = 2
"""Where a new node with no inputs is wanted (it moves right to the first free place)."""


def _free(
    taken: list[tuple[int, int]], want: int, width: int, gap: int, limit: int | None = None
) -> int:
    """The free start nearest ``want`` for ``width`` cells, ``gap`` clear of every taken
    (start, width) interval (one cell clear next to a dummy), ending before ``limit`` where
    one is given (a collector's box, which must stay last in its layer) if it can."""

    def fits(x: int) -> bool:
        if limit is not None and x + width > limit and limit - width >= 1:
            return False
        for s, w in taken:
            g = gap if w > 1 and width > 1 else 1
            if x < s + w + g and s < x + width + g:
                return False
        return True

    for d in range(0, 4096):
        for x in (want + d, want - d):
            if x >= 1 and fits(x):
                return x
    return max((s + w for s, w in taken), default=0) + gap

"""The static graph's layered drawing: layers, order, coordinates and routes, put together.

Pure and App-free. :func:`place_full` does the work that does not depend on box sizes once
(layering and crossing reduction, see :mod:`tui.drawing.layers` and :mod:`tui.drawing.order`);
:meth:`Plan.draw` turns it into boxes and routed edges for one orientation and box size
(:mod:`tui.drawing.coords`, :mod:`tui.drawing.route`). The two-layer net's forward pass,
top to bottom (mini boxes)::

     [x 4×6]     [w1 6×5]
        │  ┌────────┘
        ▼  ▼
     [MatMul 4×5]    [0]
        │  ┌──────────┘
        ▼  ▼
     [h 4×5]   [w2 5×3]
        │  ┌──────┘
        ▼  ▼
     [y_pred 4×3]

A chain of one-input ops is one straight column; a side input sits beside the op it feeds;
a long edge runs in its own column through every layer it passes (the long edges of one
source share one trunk); two edges of different sources meet only where they cross (an
update turned back up into its variable ends at a port of its own, see
:func:`_turned_ports`). A
collector (``gradients/``, which reads nearly every forward value) is a tall box beside the
layers its inputs come from, each input entering its side in its own row, out of the
input's side where nothing stands between, else along a track of the channel below it::

     [x]─────────▶╭─ ▸ gradients/ ╮
      ▼           │ 13 ops        │
    [MatMul]─────▶│               │
      ▼           │               │
    [h]──────────▶│               │
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple, TypeVar
from weakref import WeakValueDictionary

from tui.drawing.coords import align, assign
from tui.drawing.layers import chain_edges, rank
from tui.drawing.layout import MARGIN, Box, Edge, Layout, corners
from tui.drawing.order import order
from tui.drawing.route import Net, apart, channels, entry_ports
from tui.drawing.swaps import unswap

if TYPE_CHECKING:
    from tui.drawing.layers import Ranking
    from tui.drawing.layout import NodeId, Orientation
    from tui.drawing.order import Ordered
    from tui.drawing.route import Channel

__all__ = ["Plan", "Sizes", "Widths", "forget", "layout_full", "place_full"]

Widths = Callable[[object], int | tuple[int, int]] | None
"""A node's box width in cells (a label as long as it needs, up to a cap), or (the room its
box keeps, the width it is drawn): a box whose label is longer in another drawing of the
graph (as built / as run) keeps that room, so nothing moves between the two, and is drawn as
wide as its own label needs, on the same port. None: every box the same width. Where the
callable has a ``tall`` attribute (a callable too), a collector's tall box is as wide as
``widths.tall(node)`` says: among one-row boxes a tall one has a border."""


@dataclass(frozen=True)
class Sizes:
    """Box size and spacing of one drawing, on the abstract grid (u along layers, v across)."""

    orientation: Orientation
    box_u: int
    box_v: int
    gap: int
    """Blank cells between two boxes of a layer (next to a long edge: one)."""
    stub: int
    """Cells out of a box before the first track."""
    min_tracks: int
    """Tracks every channel has at least."""
    merge: bool = False
    """A channel's one track lies on its arrow row where nothing else is on it (the densest
    drawing: ``lanes`` -1)."""

    @staticmethod
    def for_(orientation: Orientation, box_h: int, box_w: int, lanes: int | None = None) -> Sizes:
        """The sizes of ``box_h`` x ``box_w`` boxes; ``lanes``: the fewest tracks a channel
        has (None: one left to right, where arrows need room, none top to bottom; -1: none,
        and a channel's one track on its arrow row where it can be)."""
        stub = 1 if box_h >= 3 else 0
        lr = orientation == "LR"
        if lanes is None:  # a one-row box's edge needs a cell before its arrow
            least = max(1 if lr else 0, 1 - stub)
        else:  # 0: an edge that runs straight is its arrow alone
            least = max(0, lanes)
        merge = lanes is not None and lanes < 0 and not stub
        if lr:
            return Sizes("LR", box_w, box_h, 2 if box_h >= 3 else 1, stub, least, merge)
        return Sizes("TB", box_h, box_w, 3 if box_h >= 4 else 2, stub, least, merge)

    def routes(self) -> tuple[Orientation, int, int, int]:
        """What of these sizes the edges' routes depend on (:func:`_route`, given the
        positions): not the tracks a channel has at least, nor the densest drawing's merge
        (mini boxes with and without a lane to spare are routed the same)."""
        return self.orientation, self.box_u, self.box_v, self.stub

    def port(self) -> int:
        """Where edges leave a box, from its low side (the middle column; the first row)."""
        if self.orientation == "TB":
            return self.box_v // 2
        return 1 if self.box_v >= 3 else 0

    def entries(self, across: int | None = None) -> tuple[int, int]:
        """Lowest and highest place an edge may enter a box ``across`` cells wide (inside
        its border; None: this size's boxes)."""
        n = self.box_v if across is None else across
        if n >= 3:
            return 1, n - 2
        return 0, n - 1


class Plan:
    """A graph layered and ordered once, drawn in any box size.

    Attributes:
        ranking: layers and edges (:func:`tui.drawing.layers.rank`).
        ordered: the layers with dummies, in order (:func:`tui.drawing.order.order`).
    """

    def __init__(
        self,
        nodes: Sequence[tuple[NodeId, Sequence[NodeId]]],
        gather: bool = False,
        ranking: Ranking | None = None,
    ) -> None:
        """Layer and order ``nodes`` ((id, input ids) in creation order); ``gather``: each
        collector an ordinary box under its inputs, their long edges in one trunk (see
        :func:`tui.drawing.layers.rank`); ``ranking``: ``rank(nodes, gather)`` where the
        caller has it already."""
        self.nodes = list(nodes)
        """The graph: (id, input ids) in creation order."""
        self.ranking: Ranking = rank(nodes, gather) if ranking is None else ranking
        self.ordered: Ordered = order(self.ranking)
        straight = chain_edges(nodes)
        self._straight: set[tuple[int, int]] = {
            hop
            for k, (a, b) in enumerate(self.ranking.edges)
            if (a, b) in straight
            for hop in zip(self.ordered.chains[k], self.ordered.chains[k][1:], strict=False)
        }
        box = self.ordered.box
        self._straight |= {  # a collector's box is one straight block
            (u, v)
            for u in range(len(box))
            if box[u] >= 0
            for v in self.ordered.down[u]
            if box[v] == box[u]
        }
        self._blocks: list[int] | None = None
        """Each vertex's block (:func:`tui.drawing.coords.align`): the same in every size."""
        self._positions: OrderedDict[Hashable, list[int]] = OrderedDict()
        self._emitted: OrderedDict[Hashable, tuple[Layout, list[int]]] = OrderedDict()
        self._routed: OrderedDict[Hashable, _Routed] = OrderedDict()
        _plan_of[id(self.ordered)] = self

    @property
    def crossings(self) -> int:
        """Crossings of the order (between neighbouring layers, dummies included)."""
        return self.ordered.crossings

    def layer_of(self, nid: NodeId) -> int:
        """The layer of a node."""
        return self.ranking.layer[nid]

    def draw(
        self,
        orientation: Orientation,
        box_h: int,
        box_w: int,
        lanes: int | None = None,
        widths: Widths = None,
        rooms: Sequence[int] = (),
    ) -> Layout:
        """Boxes and routed edges for one orientation and box size.

        Args:
            orientation: "LR" or "TB".
            box_h: box height in rows.
            box_w: box width in cells (every box's, where ``widths`` is None).
            lanes: the fewest tracks a channel has (None: the box size's default).
            widths: each node's own box width (top to bottom: per box; left to right: the
                widest box of a layer sets the layer's width).
            rooms: the least room each channel takes (a graph derived from this one's, so
                both draw their layers at the same place).
        """
        sz = Sizes.for_(orientation, box_h, box_w, lanes)
        ext = Extents.of(self.ordered, sz, widths)
        return emit(self.ranking, self.ordered, self.positions(sz, ext), sz, rooms, ext)[0]

    def positions(self, sz: Sizes, ext: Extents | None = None) -> list[int]:
        """Every vertex's port position across its layer, for one box size."""
        g = self.ordered
        ext = ext or Extents.of(g, sz)
        key = (sz.gap, tuple(ext.across), tuple(ext.port))  # of the sizes, the gap alone
        pos = _kept(self._positions, key)
        if pos is None:
            pos = _keep(self._positions, key, self._positions_of(sz, ext))
        return list(pos)

    def _positions_of(self, sz: Sizes, ext: Extents) -> list[int]:
        g = self.ordered
        dummy = g.dummy
        across, ports = ext.across, ext.port

        def size(v: int) -> tuple[int, int]:
            return (1, 0) if dummy[v] else (across[v], ports[v])

        box = g.box

        def gap(a: int, b: int) -> int:
            if box[b] >= 0:  # room for an arrow into a collector's box
                return max(2, sz.gap)
            return 1 if dummy[a] or dummy[b] else sz.gap

        if self._blocks is None:
            self._blocks = align(g, self._straight)
        return [p + MARGIN + 1 for p in assign(g, size, gap, self._straight, self._blocks)]


KEPT = 64
"""Positions, routes and routed drawings a :class:`Plan` keeps, each by what it was made from
(a pane draws the same plan in a dozen ways, and as built it is drawn twice in each: for the
room its graph as run takes, then in that room, routed the same; positions and the plain
drawing repeat)."""
_plan_of: WeakValueDictionary[int, Plan] = WeakValueDictionary()
"""A plan by its ordered layers' id (:func:`emit` keeps what it routes for a plan's)."""


def forget() -> None:
    """Drop what every plan keeps (a benchmark measures drawings made afresh)."""
    for plan in list(_plan_of.values()):
        plan._positions.clear()
        plan._emitted.clear()
        plan._routed.clear()


K = TypeVar("K")
V = TypeVar("V")


def _kept(memo: OrderedDict[K, V], key: K) -> V | None:
    found = memo.get(key)
    if found is not None:
        memo.move_to_end(key)
    return found


def _keep(memo: OrderedDict[K, V], key: K, value: V) -> V:
    memo[key] = value
    if len(memo) > KEPT:
        memo.popitem(last=False)  # the least recently used
    return value


@dataclass(frozen=True)
class Extents:
    """Box extents of one drawing: across its layer and port offset per vertex, along the
    layers per layer."""

    across: list[int]
    port: list[int]
    along: list[int]
    own: list[int] | None = None
    """Each vertex's box width as drawn, where narrower than its room (top to bottom: across
    its layer, centred on its port; left to right: along, from the layer's start); None:
    every box fills its room."""

    @staticmethod
    def of(g: Ordered, sz: Sizes, widths: Widths = None) -> Extents:
        """The extents of ``sz``'s boxes, each ``widths(node)`` wide where given."""
        n = len(g.vertex)
        if widths is None:
            return Extents([sz.box_v] * n, [sz.port()] * n, [sz.box_u] * len(g.layers))
        box = g.box
        tall = getattr(widths, "tall", widths)
        wide, own = [0] * n, [0] * n
        for v in range(n):
            if g.dummy[v]:
                continue
            w = widths(g.vertex[v]) if box[v] < 0 else tall(g.vertex[box[v]])
            room, drawn = w if isinstance(w, tuple) else (w, w)
            wide[v] = max(3, room)
            own[v] = wide[v] if box[v] >= 0 else max(3, min(drawn, wide[v]))
        if sz.orientation == "TB":
            return Extents(wide, [w // 2 for w in wide], [sz.box_u] * len(g.layers), own)
        along = [
            max((wide[v] for v in lay if box[v] < 0), default=sz.box_u) or sz.box_u
            for lay in g.layers
        ]
        return Extents([sz.box_v] * n, [sz.port()] * n, along, own)

    def drawn(self, v: int, layer: int, orientation: Orientation) -> tuple[int, int]:
        """Vertex ``v``'s box as drawn in its layer ``layer``: (offset of its near side from
        its room's, cells along the port axis), across its layer top to bottom, else along."""
        if orientation == "TB":
            room = self.across[v]
            w = room if self.own is None else self.own[v]
            return self.port[v] - w // 2, w
        room = self.along[layer]
        return 0, room if self.own is None or not self.own[v] else min(room, self.own[v])


def emit(
    ranking: Ranking,
    g: Ordered,
    pos: list[int],
    sz: Sizes,
    rooms: Sequence[int] = (),
    ext: Extents | None = None,
) -> tuple[Layout, list[int]]:
    """Route the edges of a positioned graph and put it on the grid.

    Args:
        ranking: its nodes and edges.
        g: its layers, in order of position.
        pos: vertex -> port position.
        sz: box sizes.
        rooms: the least room each channel takes (another drawing's, to line up with it).
        ext: box extents (None: every box ``sz``'s size).

    Returns:
        The layout, and the room each channel took.
    """
    ext = ext or Extents.of(g, sz)
    plan = _plan_of.get(id(g))
    if plan is None or plan.ordered is not g or plan.ranking is not ranking:
        return _emit(ranking, g, pos, sz, rooms, ext)  # a derived plan's: its layers move
    own = None if ext.own is None else tuple(ext.own)
    made = (tuple(pos), sz.routes(), tuple(ext.across), tuple(ext.port), tuple(ext.along), own)
    found = _kept(plan._emitted, (*made, sz, tuple(rooms)))
    if found is None:
        routed = _kept(plan._routed, made)  # (drawn before for other rooms or lanes: routed)
        if routed is None:
            routed = _keep(plan._routed, made, _route(ranking, g, list(pos), sz, ext))
        layout, took = _place(ranking, g, sz, rooms, routed)
        found = (_copy(layout), list(took))
        _keep(plan._emitted, (*made, sz, tuple(rooms)), found)
        # drawn with the rooms it took as the least, it is drawn the same (each channel takes
        # its own room, or the least where that is more): a graph as built is drawn so for
        # the rooms its graph as run takes, mostly its own (see tui.drawing.pane.BuiltPlan)
        _keep(plan._emitted, (*made, sz, tuple(took)), found)
        return layout, list(took)
    return _copy(found[0]), list(found[1])


def _copy(layout: Layout) -> Layout:
    """A layout of its own (whoever is given one may change it)."""
    return Layout(
        layout.orientation, dict(layout.boxes), list(layout.edges), layout.width, layout.height
    )


def _emit(
    ranking: Ranking,
    g: Ordered,
    pos: list[int],
    sz: Sizes,
    rooms: Sequence[int],
    ext: Extents,
) -> tuple[Layout, list[int]]:
    return _place(ranking, g, sz, rooms, _route(ranking, g, pos, sz, ext))


class _Routed(NamedTuple):
    """A positioned graph's routes, whatever room each channel then takes (:func:`_route`)."""

    ext: Extents
    along: list[int]
    layer: list[int]
    beside: set[tuple[int, int]]
    pos: list[int]
    entry: dict[tuple[int, int], int]
    ports: dict[tuple[int, int], int]
    side: dict[tuple[int, int], int | None]
    chans: list[Channel]


def _route(ranking: Ranking, g: Ordered, pos: list[int], sz: Sizes, ext: Extents) -> _Routed:
    """Where every edge enters its box and which track it takes in each channel (what does
    not depend on the rooms the channels take: a graph as built is drawn in two)."""
    dummy = g.dummy
    along = list(ext.along)
    for n in ranking.side:  # a collector alone in its layer, read by nothing: no layer of its own
        i = g.index[n]
        if not g.down[i] and g.layers[ranking.layer[n]] == [i]:
            along[ranking.layer[n]] = 0
    ext = Extents(ext.across, ext.port, along, ext.own)
    tb = sz.orientation == "TB"
    layer = [0] * len(g.vertex)
    for i, lay in enumerate(g.layers):
        for v in lay:
            layer[v] = i

    firsts, lasts = _turned_hops(ranking, g)
    beside = set() if tb else set(lasts)  # left to right: into the box's top or bottom side

    def entries(
        at: list[int], lowers: Iterable[int] | None = None, into: dict | None = None
    ) -> dict[tuple[int, int], int]:
        def span(v: int) -> tuple[int, int] | None:
            if dummy[v]:
                return None
            off, w = ext.drawn(v, layer[v], sz.orientation) if tb else (0, ext.across[v])
            left = at[v] - ext.port[v] + off
            lo, hi = sz.entries(w)
            return left + lo, left + hi

        return entry_ports(g, at, span, 2 if tb else 1, lowers, into, beside)

    def extent(v: int, at: int) -> tuple[int, int]:
        if dummy[v]:
            return at, at
        return at - ext.port[v], at - ext.port[v] + ext.across[v] - 1

    pos, entry = unswap(g, pos, entries, extent)
    for s, t in beside:  # the row just above or below the box, on the side it comes from
        entry[(s, t)] = _outside(t, pos, ext, pos[s] < pos[t])
    ports = _turned_ports(g, firsts, pos, entry, ext, sz, layer)
    box = g.box
    last_real = {}  # layer -> the last node before a collector's box
    for i, lay in enumerate(g.layers):
        for v in lay:
            if box[v] >= 0:
                break
            if not dummy[v]:
                last_real[i] = v
    side: dict[tuple[int, int], int | None] = {}  # into a collector: None, out of its side
    for k, (_, b) in enumerate(ranking.edges):
        if b in ranking.side:
            u, t = g.chains[k]
            wall = pos[box[t]] - ext.port[box[t]]
            side[(u, t)] = None if last_real.get(layer[u]) == u else wall - 1
    chans = channels(g, pos, entry, sz.stub, side, ports)
    return _Routed(ext, along, layer, beside, pos, entry, ports, side, chans)


def _place(
    ranking: Ranking, g: Ordered, sz: Sizes, rooms: Sequence[int], routed: _Routed
) -> tuple[Layout, list[int]]:
    """The routed graph on the grid, each channel taking its own room or ``rooms``'."""
    ext, along, layer, beside, pos, entry, ports, side, chans = routed
    tb = sz.orientation == "TB"
    box = g.box
    starts = [MARGIN]
    took = []
    for k, ch in enumerate(chans):
        room = sz.stub + max(ch.tracks, sz.min_tracks)
        if sz.merge and ch.one_row():
            room = 0  # the densest drawing: its one track on the arrow row
        if _bare(g, k + 1, ch, along[k + 1]) and (k >= len(rooms) or rooms[k] < 0):
            room = -1  # no arrow into the next layer: no row of its own
        else:
            room = max(room, rooms[k] if k < len(rooms) else 0)
        took.append(room)
        starts.append(starts[-1] + ext.along[k] + room + 1)

    def xy(u: int, v: int) -> tuple[int, int]:
        return (u, v) if sz.orientation == "LR" else (v, u)

    out = Layout(sz.orientation)
    for n in ranking.order:
        i = g.index[n]
        first = layer[i] if n not in ranking.side else ranking.side[n]
        u0, u1 = starts[first], starts[layer[i]] + ext.along[layer[i]]
        v0, across = pos[i] - ext.port[i], ext.across[i]
        if n not in ranking.side:  # as wide as its own label, within its room
            off, wide = ext.drawn(i, layer[i], sz.orientation)
            if tb:
                v0, across = v0 + off, wide
            else:
                u1 = u0 + wide
        x, y = xy(u0, v0)
        w, h = xy(u1 - u0, across)
        out.boxes[n] = Box(x, y, w, h)
    turned = ranking.turned
    for k, (a, b) in enumerate(ranking.edges):
        chain = g.chains[k]
        ia = chain[0]
        out_u = starts[layer[ia]] + ext.along[layer[ia]]
        off, wide = ext.drawn(ia, layer[ia], sz.orientation)
        own_box = tb or a in ranking.side  # a collector's box fills its layers
        box_u = out_u if own_box else starts[layer[ia]] + wide  # where the edge leaves it
        if b in ranking.side:
            end = side[(ia, chain[1])]
            wall = pos[box[chain[1]]] - ext.port[box[chain[1]]]
            if end is None:  # out of its side, straight across to the box
                row = starts[layer[ia]] + ((ext.along[layer[ia]] if tb else wide) - 1) // 2
                near = pos[ia] - ext.port[ia] + (off + wide if tb else ext.across[ia])
                pts = [(row, near), (row, wall - 1)]
            else:  # down to its track, along it to the box
                ut = out_u + sz.stub + chans[layer[ia]].nets[ia].track
                pts = [(box_u, pos[ia]), (ut, pos[ia]), (ut, wall - 1)]
        else:
            first = (ia, chain[1])
            if first not in ports:
                pts = [(box_u, pos[ia])]
            elif tb:  # an update turned back into its variable: its own port
                pts = [(box_u, ports[first])]
            else:  # beside the box's far end, above or below it
                pts = [(box_u - 1, ports[first])]
            for s, t in zip(chain, chain[1:], strict=False):
                net = chans[layer[s]].nets[(s, t) if (s, t) in ports else s]
                col = entry[(s, t)]
                if net.track >= 0 and col != net.top:
                    ut = starts[layer[s]] + ext.along[layer[s]] + sz.stub + net.track
                    pts += [(ut, net.top), (ut, col)]
                pts.append((starts[layer[t]] - ((s, t) not in beside), col))
        cells = [xy(u, v) for u, v in corners(pts)]
        if (a, b) in turned:  # drawn downwards, its arrow at its real target above
            out.edges.append(Edge(b, a, tuple(reversed(cells))))
        else:
            out.edges.append(Edge(a, b, tuple(cells)))
    right = max((bx.x2 for bx in out.boxes.values()), default=0)
    bottom = max((bx.y2 for bx in out.boxes.values()), default=0)
    for e in out.edges:
        for x, y in e.points:
            if x >= right:
                right = x + 1
            if y >= bottom:
                bottom = y + 1
    out.width, out.height = right + MARGIN, bottom + MARGIN
    return out, took


def _turned_hops(
    ranking: Ranking, g: Ordered
) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """The first and the last hop (vertex pairs) of every turned edge: it is drawn from its
    target (a variable an update writes back into) down to its source."""
    firsts, lasts = [], []
    for k, e in enumerate(ranking.edges):
        if e in ranking.turned:
            chain = g.chains[k]
            firsts.append((chain[0], chain[1]))
            lasts.append((chain[-2], chain[-1]))
    return firsts, lasts


def _outside(v: int, pos: list[int], ext: Extents, before: bool) -> int:
    """The place just before (or after) vertex ``v``'s box across its layer."""
    low = pos[v] - ext.port[v]
    return low - 1 if before else low + ext.across[v]


def _turned_ports(
    g: Ordered,
    firsts: list[tuple[int, int]],
    pos: list[int],
    entry: dict[tuple[int, int], int],
    ext: Extents,
    sz: Sizes,
    layer: list[int],
) -> dict[tuple[int, int], int]:
    """Where each turned edge ends at its target (its first hop -> a place across the
    layer): not at the port its target's own edges leave from, so the two never share a
    run. Top to bottom, a column of the box's bottom side crossing the fewest of the box's
    own edges, a blank away from the port where it can, nearest where the edge goes; left to right
    (a one-row box has one row), the row just above or below the box, its arrow at the
    box's far end::

        [  w1  ]                  ▼───┐
         │   ▲                   [w1 ]──▶
      ┌──┘   │
    """
    out: dict[tuple[int, int], int] = {}
    taken: dict[int, set[int]] = {}
    turned = set(firsts)
    for s, t in firsts:
        want = entry[(s, t)]
        mine = taken.setdefault(s, {pos[s]})
        # the side it goes on to (straight down: the side away from the box's own edges)
        own = [
            entry[(s, v)] - pos[s] for v in g.down[s] if (s, v) in entry and (s, v) not in turned
        ]
        away = sum(own) > 0 if want == pos[s] else want < pos[s]
        if sz.orientation == "LR":
            out[(s, t)] = _outside(s, pos, ext, away)
            continue
        off, w = ext.drawn(s, layer[s], "TB")
        left = pos[s] - ext.port[s] + off
        lo, hi = (0, w - 1) if sz.box_u == 1 else sz.entries(w)  # ([ and ] are no corners)
        free = [c for c in range(left + lo, left + hi + 1) if c not in mine]
        side = -1 if away else 1
        mid = Net(pos[s], sorted(pos[s] + d for d in own)) if own else None
        ranked = [  # fewest crossings with the variable's own edges, a blank beside, nearest
            (
                apart(Net(c, [want]), mid) if mid else 0,
                any(abs(c - m) < 2 for m in mine),
                abs(c - want),
                (c - pos[s]) * side < 0,
                c,
            )
            for c in free
        ]
        c = min(ranked)[-1] if ranked else pos[s]
        out[(s, t)] = c
        mine.add(c)
    return out


def _bare(g: Ordered, layer: int, ch: Channel, along: int) -> bool:
    """The channel above ``layer`` needs no row at all: the layer holds a collector's own
    box (the last rows of its tall box, read further down) and long edges only, and no edge
    turns in the channel. Nothing there ends in an arrow (the collector's inputs enter its
    side), so the tall box's bottom comes right under its last input::

        [loss]─────▶│      │          [loss]─────▶│      │
                    │      │     ->               ╰──────╯
                    ╰──────╯
    """
    if not along or any(n.track >= 0 for n in ch.nets.values()):
        return False
    box = g.box
    return all(g.dummy[v] or (box and box[v] == v) for v in g.layers[layer])


def place_full(nodes: Sequence[tuple[NodeId, Sequence[NodeId]]]) -> Plan:
    """Layer and order a whole graph (the static graph); draw it with :meth:`Plan.draw`.

    Args:
        nodes: (id, input ids) in creation order; unknown inputs are ignored, cycles broken.
    """
    return Plan(nodes)


def layout_full(
    nodes: Sequence[tuple[NodeId, Sequence[NodeId]]],
    orientation: Orientation = "LR",
    box_h: int = 4,
    box_w: int = 20,
    lanes: int | None = None,
) -> Layout:
    """Lay out and draw a whole graph at once."""
    return Plan(nodes).draw(orientation, box_h, box_w, lanes)

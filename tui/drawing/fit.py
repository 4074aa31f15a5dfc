"""Box sizes for a graph pane: which size (and orientation) lets a drawing fit. Pure, App-free.

A pane tries sizes from the largest down (:data:`FIT_ORDER`) and keeps the first whose drawing
fits; where none fits, the one that shows the most of the graph (:func:`most_shown`). The
static graph is drawn by its layered plan, each box as wide as its label needs (``widths``);
only where no layered drawing fits, the last try is a dense grid whose edges share runs.
Where no way fits whole, a pane (and the eager map) wraps a drawing into columns or rows
(:func:`largest_wrap`, :mod:`tui.drawing.wrap`); where no wrap fits either, the static pane
wraps its graph drawn with each collector an ordinary box (:func:`wrap_gathered`).
"""

from __future__ import annotations

from collections import OrderedDict
from typing import TYPE_CHECKING
from weakref import WeakKeyDictionary

from tui.drawing import plan as plans_kept
from tui.drawing import wrap as wraps_kept
from tui.drawing.derived import DerivedPlan
from tui.drawing.layers import rank
from tui.drawing.layout import (
    BOX_W,
    MARGIN,
    Box,
    Edge,
    Layout,
    geometry,
    place_dense,
    place_like,
)
from tui.drawing.plan import Plan
from tui.drawing.quality import measure
from tui.drawing.wrap import wrap

if TYPE_CHECKING:
    from collections.abc import Callable, Hashable, Sequence

    from tui.drawing.layers import Ranking
    from tui.drawing.layout import NodeId

__all__ = [
    "BOX_SIZES",
    "FIT_ORDER",
    "Try",
    "candidates",
    "draw",
    "forget",
    "fit_first",
    "fits",
    "largest_wrap",
    "most_shown",
    "shifted",
    "tight",
    "wrap_gathered",
    "wrap_into",
]

COMPACT_W = 18
"""Box width of compact boxes."""
MINI_W = 15
"""Box width of mini and tiny (one-row) boxes."""
BOX_SIZES: dict[str, tuple[int, int]] = {
    "full": (4, BOX_W),
    "compact": (3, COMPACT_W),
    "mini": (1, MINI_W),
    "tiny": (1, MINI_W),
}
"""Box size name -> (rows, cells). A tiny box is a mini box that says its name alone (its
shape stays on the node card): ``[linear ∇]``."""
FIT_ORDER: tuple[tuple[str, int | None], ...] = (
    ("full", None),
    ("compact", None),
    ("mini", None),
    ("mini", 0),
    ("mini", -1),
    ("tiny", -1),
    ("mini", 1),
)
"""Box sizes (and lanes between layers) tried in turn until the drawing fits the pane: mini
boxes with no lane to spare draw a straight edge as its arrow alone (``▼`` between two
boxes); with -1 lanes, a channel's one track also lies on its arrow row where nothing else
is on it (``▼──┘``); tiny boxes then leave out the shapes; the last, mini boxes with one
lane, is the densest picture (for the static graph: a dense grid placement whose edges share
runs, used only where no layered drawing fits)."""

Try = tuple[str, str, int | None]
"""(orientation, box size, lanes) of one way to draw a graph."""


def candidates(mode: str, pref: str, auto_orientation: bool, box_size: str) -> list[Try]:
    """The ways a pane tries, in order.

    Args:
        mode: "static" (each size in both orientations, then the next size) or "eager" (every
            size in one orientation before the other: a growing graph turns at most once).
        pref: the orientation the pane's shape suggests (or the user picked).
        auto_orientation: the other orientation may be tried too.
        box_size: "auto", or the one size the user picked.
    """
    if box_size != "auto":
        return [(pref, box_size, None)]
    turns = (pref, "TB" if pref == "LR" else "LR") if auto_orientation else (pref,)
    if mode == "static":
        return [(o, size, lanes) for size, lanes in FIT_ORDER for o in turns]
    return [(o, size, lanes) for o in turns for size, lanes in FIT_ORDER]


def draw(
    placements: dict[NodeId, tuple[int, int]] | Plan | DerivedPlan,
    nodes: Sequence[tuple[NodeId, Sequence[NodeId]]],
    way: Try,
    widths: Callable[[NodeId, str], int | tuple[int, int]] | None = None,
) -> Layout:
    """The layout of placed nodes drawn one way: a layered :class:`Plan` (the static graph,
    or a :class:`DerivedPlan` of it), its boxes ``widths(node, size)`` wide where given, or
    (layer, slot) places on a grid (the eager graph, placed append-only). A collector's tall
    box among one-row boxes has a border, its name in the top one and its shape in it: it is
    as wide as a compact box (the pane draws it as one).

    A drawing is made once for the last :data:`DRAWN_KEPT` (placements, way, widths) asked
    for: a pane tries a dozen ways in each of its foldings, and the keys o and z (and a
    resize back) ask again for ways tried before; a drawing that depends on what was drawn
    before it (a :class:`DerivedPlan` keeps its layers in the order its last drawing put them)
    is kept by that order too, and leaves its plan as drawing it would have."""
    key = _drawing_key(placements, nodes, way, widths)
    if key is None:
        return _draw(placements, nodes, way, widths)
    kept = _drawn.get(key)
    if kept is None:
        layout = _draw(placements, nodes, way, widths)
        kept = _drawn[key] = (_copy(layout), _layers_of(placements))
        if len(_drawn) > DRAWN_KEPT:
            _drawn.popitem(last=False)  # the least recently used
        return layout
    _drawn.move_to_end(key)
    _restore(placements, kept[1])
    return _copy(kept[0])


DRAWN_KEPT = 256
"""Drawings kept by what they were drawn from (:func:`draw`)."""
_drawn: OrderedDict[Hashable, tuple[Layout, tuple[tuple[int, ...], ...]]] = OrderedDict()
_widths_seen: WeakKeyDictionary[Callable[..., object], dict[tuple[str, str], tuple[object, ...]]]
_widths_seen = WeakKeyDictionary()
_width_of: WeakKeyDictionary[Callable[..., object], dict[tuple[NodeId, str], object]]
_width_of = WeakKeyDictionary()


def forget() -> None:
    """Drop every drawing and wrap kept (a benchmark measures drawings made afresh)."""
    _drawn.clear()
    _wraps.clear()
    _gathered.clear()
    plans_kept.forget()
    wraps_kept.forget()


def _drawing_key(
    placements: object,
    nodes: Sequence[tuple[NodeId, Sequence[NodeId]]],
    way: Try,
    widths: Callable[[NodeId, str], int | tuple[int, int]] | None,
) -> Hashable | None:
    """What a drawing is made from, as a key (None: not kept): the plans (a :class:`Plan` is
    made once per graph, :func:`tui.drawing.pane.placed`, and never changes; a derived one is
    made again for each pane drawing: its ranking and its layers' order), the nodes, the way,
    and every node's box widths."""
    if isinstance(placements, Plan):
        plans: tuple[Hashable, ...] = (placements,)
        order = placements.ranking.order
    elif isinstance(placements, DerivedPlan):
        plans = ("derived", placements.base, _ranking_key(placements.ranking))
        order = [*placements.base.ranking.order, *placements.ranking.order]
    else:
        plan, derived = getattr(placements, "plan", None), getattr(placements, "derived", None)
        if not isinstance(plan, Plan) or not isinstance(derived, DerivedPlan):
            return None
        plans = ("built", plan, derived.base, _ranking_key(derived.ranking))
        order = [*plan.ranking.order, *derived.base.ranking.order, *derived.ranking.order]
    size = way[1]
    tall = "compact" if BOX_SIZES[size][0] == 1 else size
    shape = tuple((n, tuple(ins)) for n, ins in nodes)
    wide = None if widths is None else _widths_key(widths, order, size, tall)
    return (*plans, _layers_of(placements), shape, way, wide)


def _ranking_key(ranking: Ranking) -> Hashable:
    return (
        tuple(ranking.order),
        tuple(ranking.layer.items()),
        tuple(ranking.edges),
        ranking.turned,
        tuple(ranking.side.items()),
        ranking.gathered,
    )


def _widths_key(
    widths: Callable[[NodeId, str], int | tuple[int, int]],
    order: Sequence[NodeId],
    size: str,
    tall: str,
) -> tuple[object, ...]:
    """Every node's box width in ``size`` and in ``tall``, worked out once per ``widths``."""
    seen = _widths_seen.setdefault(widths, {})
    key = seen.get((size, tall))
    if key is None:
        ids = list(dict.fromkeys(order))
        each = _Each(widths, size, tall)
        key = seen[(size, tall)] = (
            tuple(ids),
            tuple(each(n) for n in ids),
            tuple(each.tall(n) for n in ids),
        )
    return key


def _layers_of(placements: object) -> tuple[tuple[int, ...], ...]:
    """The order of a derived plan's layers (a drawing of it leaves them sorted by its
    positions); () for a plan that draws the same whatever was drawn before."""
    derived = placements if isinstance(placements, DerivedPlan) else None
    derived = derived or getattr(placements, "derived", None)
    if not isinstance(derived, DerivedPlan):
        return ()
    return tuple(tuple(lay) for lay in derived.ordered.layers)


def _restore(placements: object, layers: tuple[tuple[int, ...], ...]) -> None:
    """Leave a derived plan's layers as drawing it would have (see :func:`_layers_of`)."""
    if not layers:
        return
    derived = placements if isinstance(placements, DerivedPlan) else None
    derived = derived or getattr(placements, "derived", None)
    assert isinstance(derived, DerivedPlan)
    for lay, kept in zip(derived.ordered.layers, layers, strict=True):
        lay[:] = kept


def _copy(layout: Layout) -> Layout:
    """A layout of its own (a pane marks its control edges on the one it is given)."""
    return Layout(
        layout.orientation, dict(layout.boxes), list(layout.edges), layout.width, layout.height
    )


def _draw(
    placements: dict[NodeId, tuple[int, int]] | Plan | DerivedPlan,
    nodes: Sequence[tuple[NodeId, Sequence[NodeId]]],
    way: Try,
    widths: Callable[[NodeId, str], int | tuple[int, int]] | None = None,
) -> Layout:
    orientation, size, lanes = way
    box_h, box_w = BOX_SIZES[size]
    tall = "compact" if box_h == 1 else size
    if not isinstance(placements, dict):
        if (size, lanes) == FIT_ORDER[-1]:  # the last resort: the densest picture
            base = getattr(placements, "base", None)  # as run: keep the built graph's places
            placed = place_like(nodes, place_dense(base.nodes)) if base else place_dense(nodes)
            return geometry(placed, nodes, orientation, box_h, box_w, lanes)  # type: ignore[arg-type]
        each = None if widths is None else _Each(widths, size, tall)
        return placements.draw(orientation, box_h, box_w, lanes, each)  # type: ignore[arg-type]
    return geometry(placements, nodes, orientation, box_h, box_w, lanes)  # type: ignore[arg-type]


class _Each:
    """Each box's width in one box size (a :data:`tui.drawing.plan.Widths`), and in ``tall``
    where it is a collector's tall box."""

    def __init__(
        self, widths: Callable[[NodeId, str], int | tuple[int, int]], size: str, tall: str
    ) -> None:
        self.widths, self.size, self.big = widths, size, tall
        self.seen = _width_of.setdefault(widths, {})
        """Widths asked before (of ``widths``, the same in every way a pane tries)."""

    def __call__(self, node: NodeId) -> int | tuple[int, int]:
        return self.width(node, self.size)

    def tall(self, node: NodeId) -> int | tuple[int, int]:
        """A collector's tall box's width."""
        return self.width(node, self.big)

    def width(self, node: NodeId, size: str) -> int | tuple[int, int]:
        """A box's width in a box size, measured once."""
        found = self.seen.get((node, size))
        if found is None:
            found = self.seen[(node, size)] = self.widths(node, size)
        return found


def fits(layout: Layout, width: int, height: int) -> bool:
    """The whole drawing is in a ``width`` x ``height`` view."""
    return layout.width <= width and layout.height <= height


def tight(layout: Layout) -> Layout:
    """The drawing without its blank margin (the pane's border frames it): the last resort
    of a pane one or two cells too small for the whole picture."""
    xs = [b.x for b in layout.boxes.values()] + [x for e in layout.edges for x, _ in e.points]
    ys = [b.y for b in layout.boxes.values()] + [y for e in layout.edges for _, y in e.points]
    if not xs:
        return layout
    return shifted(layout, min(xs), min(ys))


def _tight_fits(layout: Layout, width: int, height: int) -> bool:
    """``fits(tight(layout), width, height)``, without drawing it again."""
    xs = [b.x for b in layout.boxes.values()] + [x for e in layout.edges for x, _ in e.points]
    ys = [b.y for b in layout.boxes.values()] + [y for e in layout.edges for _, y in e.points]
    if not xs:
        return fits(layout, width, height)
    right, bottom = layout.reach()
    return right - min(xs) <= width and bottom - min(ys) <= height


def shifted(layout: Layout, dx: int, dy: int) -> Layout:
    """The drawing ``dx`` cells left and ``dy`` up, as wide and high as it reaches (a
    drawing without its margin, :func:`tight`, or another drawn on the same grid)."""
    out = Layout(layout.orientation)
    out.boxes = {n: Box(b.x - dx, b.y - dy, b.w, b.h) for n, b in layout.boxes.items()}
    out.edges = [
        Edge(e.src, e.dst, tuple((x - dx, y - dy) for x, y in e.points)) for e in layout.edges
    ]
    out.width, out.height = out.reach()
    return out


def most_shown(
    drawn: Sequence[tuple[int, Layout]], tries: Sequence[Try], width: int, height: int, pref: str
) -> tuple[int, Layout]:
    """Of drawings none of which fits, the one that shows the largest share of itself; on a
    tie the denser boxes, then the preferred orientation. The ways past mini boxes with no
    lane to spare (tracks on arrow rows, tiny boxes, the dense grid) are never the pick
    where another was drawn: they are last resorts for a whole picture, and one that
    scrolls anyway had better keep its shapes and every edge apart."""

    def score(k: int, layout: Layout) -> tuple[float, int, bool]:
        seen = min(1.0, width / layout.width) * min(1.0, height / layout.height)
        return round(seen, 3), FIT_ORDER.index(tries[k][1:]), tries[k][0] == pref

    last = FIT_ORDER.index(("mini", 0))
    plain = [kl for kl in drawn if FIT_ORDER.index(tries[kl[0]][1:]) <= last]
    return max(plain or drawn, key=lambda kl: score(*kl))


def fit_first(
    placements: dict[NodeId, tuple[int, int]] | Plan | DerivedPlan,
    nodes: Sequence[tuple[NodeId, Sequence[NodeId]]],
    tries: Sequence[Try],
    room: tuple[int, int],
    widths: Callable[[NodeId, str], int | tuple[int, int]] | None = None,
    pref: str = "TB",
    start: int = 0,
    drawn: list[tuple[int, Layout]] | None = None,
) -> tuple[int, Layout, bool]:
    """The first way of ``tries`` (from ``start``) whose drawing fits ``room`` (an empty room:
    the first), or fits it without its margin (:func:`tight`); where none does, the one that
    shows the most of the graph.

    Args:
        drawn: where given, gets every (way's index, drawing) tried that did not fit.

    Returns:
        (index of the way in ``tries``, its drawing, whether it fits).
    """
    width, height = room
    drawn = [] if drawn is None else drawn
    for i in range(start, len(tries)):
        layout = draw(placements, nodes, tries[i], widths)
        if not width * height or fits(layout, width, height):
            return i, layout, True
        drawn.append((i, layout))
    for k, each in drawn:  # none fits: the first that does without its margin
        if _tight_fits(each, width, height):
            return k, tight(each), True
    i, layout = most_shown(drawn, tries, width, height, pref)
    return i, layout, False


def largest_wrap(
    ks: Sequence[int],
    drawing: Callable[[int], Layout],
    tries: Sequence[Try],
    room: tuple[int, int],
) -> tuple[int, Layout] | None:
    """The first of the ways ``ks`` (indices into ``tries``, largest boxes first) whose
    drawing (``drawing(k)``) wraps to fit ``room``, and that wrap; None where none does.

    Each orientation's ways are wrapped from the densest up, stopping at the first that does
    not fit: larger boxes make a wider, deeper drawing, whose wrap fits no better. Where even
    the densest does not fit, one wrap is tried, not one per box size (a wrap tries its cuts
    one by one, a few ms each, and a pane whose graph fits nowhere had a dozen ways)."""
    best: tuple[int, Layout] | None = None
    for turn in dict.fromkeys(tries[k][0] for k in ks):
        for k in reversed([k for k in ks if tries[k][0] == turn]):
            if tries[k][1:] == FIT_ORDER[-1]:
                continue  # the dense grid's edges share runs: not wrapped
            wrapped = wrap_into(drawing(k), room)
            if wrapped is None:
                break
            if best is None or k < best[0]:
                best = (k, wrapped)
    return best


def wrap_gathered(
    nodes: Sequence[tuple[NodeId, Sequence[NodeId]]],
    tries: Sequence[Try],
    room: tuple[int, int],
    widths: Callable[[NodeId, str], int | tuple[int, int]] | None = None,
    shared: int | Callable[[], int] = 0,
) -> tuple[int, Layout] | None:
    """A graph that fits ``room`` no way, whole or wrapped, drawn with each collector an
    ordinary box in the layer under its inputs, the long edges into it gathered in one trunk
    (``Plan(nodes, gather=True)``), and wrapped (:func:`largest_wrap`). A collector's tall
    box spans every layer its inputs come from, so a drawing with one can be cut under it
    alone, and the chain beside it stays as deep as it was; gathered, it can be cut between
    any two layers, the trunk into the collector going round as one::

        [x  ]  [w1 ]  ┌──────┐
       ┌──▼  ▼──┘     │┌─┐   │
       │[mm ]         ││ │   ▼
       ├──▼           ││ │[pow]
       │[relu] [w2 ]  ││ ├──▼
       ├──▼  ▼──┘     ││ │[sum]
       │[mm2]         ││ └─▼ ▼
       │  ├───────────┘│ [grads]
       └──┴────────────┘

    Args:
        shared: the most pairs of edges sharing runs the wrap may have, or what works it out
            (asked only of a wrap that has any: measuring a drawing takes a few ms).

    Returns:
        (index of the way in ``tries``, the wrapped drawing); None where the graph has no
        collector, or no such wrap fits with at most ``shared`` pairs of edges sharing runs.
    """
    plan = gathered_plan(nodes)
    if plan is None:
        return None
    ks = [k for k, way in enumerate(tries) if way[1:] != FIT_ORDER[-1]]
    found = largest_wrap(ks, lambda k: draw(plan, nodes, tries[k], widths), tries, room)
    if found is None:
        return None
    mine = measure(found[1], ()).shared
    if mine and mine > (shared if isinstance(shared, int) else shared()):
        return None
    return found


_gathered: dict[tuple[tuple[NodeId, tuple[NodeId, ...]], ...], Plan | None] = {}


def gathered_plan(nodes: Sequence[tuple[NodeId, Sequence[NodeId]]]) -> Plan | None:
    """``Plan(nodes, gather=True)``, made once for the last :data:`PLANS_KEPT` graphs; None
    where it gathers no collector, found before its layers are ordered (an unfolded graph has
    no collector: ordering its 50-60 nodes took 13-17 ms, for a wrap never tried)."""
    key = tuple((n, tuple(ins)) for n, ins in nodes)
    if key in _gathered:
        plan = _gathered.pop(key)
    else:
        ranking = rank(nodes, gather=True)
        plan = Plan(nodes, gather=True, ranking=ranking) if ranking.gathered else None
    _gathered[key] = plan  # the most recently used goes last
    if len(_gathered) > PLANS_KEPT:
        del _gathered[next(iter(_gathered))]
    return plan


PLANS_KEPT = 16
"""Gathered plans kept by the nodes they were made from (:func:`gathered_plan`)."""
WRAPS_KEPT = 128
"""Wraps kept by the drawing and room they were made for (:func:`wrap_into`)."""
_wraps: OrderedDict[Hashable, Layout | None] = OrderedDict()


def wrap_into(layout: Layout, room: tuple[int, int]) -> Layout | None:
    """A drawing too large for ``room`` wrapped so that it fits, its margin left out where it
    fits only so (:func:`tui.drawing.wrap.wrap`); None where no wrap fits, or where the
    wrapped drawing has edges of different sources share cells the drawing did not. Worked
    out once for the last :data:`WRAPS_KEPT` drawings and rooms (a drawing is wrapped again
    for o, z and each folding a pane falls back to)."""
    key = (
        layout.orientation,
        tuple(layout.boxes.items()),
        tuple(layout.edges),
        layout.width,
        layout.height,
        room,
    )
    if key in _wraps:
        _wraps.move_to_end(key)
        kept = _wraps[key]
        return None if kept is None else _copy(kept)
    wrapped = _wrap_into(layout, room)
    _wraps[key] = None if wrapped is None else _copy(wrapped)
    if len(_wraps) > WRAPS_KEPT:
        _wraps.popitem(last=False)
    return wrapped


def _wrap_into(layout: Layout, room: tuple[int, int]) -> Layout | None:
    width, height = room
    if not width * height:
        return None
    wrapped = wrap(layout, width + 2 * MARGIN, height + 2 * MARGIN)
    if wrapped is None:
        return None
    shared = measure(wrapped, ()).shared  # (none: no more than the drawing's, unmeasured)
    if shared and shared > measure(layout, ()).shared:
        return None
    if fits(wrapped, width, height):
        return wrapped
    bare = tight(wrapped)
    return bare if fits(bare, width, height) else None

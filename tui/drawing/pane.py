"""What a graph pane draws for a graph and a room: the widget's way from a model to a Layout.

Pure, App-free. :class:`tui.widgets.graph_view.GraphView` and ``cgviz layout`` (which prints
the drawing as JSON) go through the same steps, so the exported drawing is the one on screen:

* the static pane: fold the graph (:func:`tui.drawing.fold.fold_view`), label every box
  (:func:`tui.drawing.labels.label_of`), lay it out with the layered plan
  (:func:`static_placements`; a graph as run keeps the places of the graph as built), and draw
  it in the first box size and orientation whose drawing fits the pane (:func:`fit_first`),
  or, where none fits with any folding, wrapped into columns or rows
  (:func:`tui.drawing.fit.largest_wrap`; failing that, with its collectors as ordinary
  boxes, :func:`tui.drawing.fit.wrap_gathered`, in its own folding, then with every
  variable's initial value folded into it, then its updates too);
* the eager pane: every iteration is drawn on the map the last finished one left
  (:class:`tui.drawing.eager.EagerMap`): :func:`map_draw` after every node, :func:`map_finish`
  when an iteration ends (a map that fits no way whole is wrapped). :class:`EagerPane`
  replays a run's iterations that way.

The pane's orientation until the user picks one follows its shape (:func:`pane_orientation`).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, replace
from functools import cache
from typing import TYPE_CHECKING

from tui.drawing.derived import DerivedPlan
from tui.drawing.eager import EagerMap, first_way, site_keys
from tui.drawing.fit import BOX_SIZES, candidates, fit_first, largest_wrap, wrap_gathered
from tui.drawing.fold import Folding, View, belongs, fold_view
from tui.drawing.labels import CAPS, Label, label_of, width_for
from tui.drawing.layout import Edge, Layout
from tui.drawing.plan import Plan, place_full
from tui.drawing.quality import measure

if TYPE_CHECKING:
    from tui.drawing.fit import Try
    from tui.drawing.layout import NodeId, Orientation
    from tui.drawing.plan import Widths
    from tui.view.model import GraphModel

__all__ = [
    "Drawing",
    "EagerPane",
    "box_title",
    "box_widths",
    "map_draw",
    "map_finish",
    "pane_orientation",
    "static_drawing",
    "static_placements",
]

Nodes = Sequence[tuple[Hashable, Sequence[Hashable]]]
Placements = dict[Hashable, tuple[int, int]] | DerivedPlan | Plan


@dataclass
class Drawing:
    """One pane's drawing: the layout, the folded view it draws, each box's label, and the
    box size ("full", "compact", "mini") the pane picked."""

    layout: Layout
    view: View
    labels: dict[NodeId, Label]
    box: str

    def __post_init__(self) -> None:
        """The edges of the view's control inputs are marked so (drawn dashed)."""
        control = {(c, v) for v, cs in self.view.control.items() for c in cs}
        if control:
            self.layout.edges = [
                replace(e, kind="control") if (e.src, e.dst) in control else e
                for e in self.layout.edges
            ]


def pane_orientation(width: int, height: int) -> Orientation:
    """A pane's own orientation (until the user picks one): left-to-right where it is at
    least three times as wide as high (a terminal cell is about twice as high as wide)."""
    return "LR" if width >= 3 * height else "TB"


def box_title(label: Label, size: str, fused_op: str = "") -> str:
    """A box's top line as the pane draws it: a one-row box's name and shape where both fit,
    else its title (a fused kernel's: its op)."""
    cap = CAPS[size][1]
    if size == "mini":
        return label.mini(cap)
    if size == "tiny":
        return label.title(size, cap)
    return fused_op or label.title(size, cap)


def static_placements(
    graph: GraphModel,
    nodes: Sequence[tuple[NodeId, Sequence[NodeId]]],
    labels: dict[NodeId, Label],
    folding: Folding,
) -> tuple[Plan | DerivedPlan | BuiltPlan, dict[NodeId, list[Label]]]:
    """The static graph's layered placement, and the labels each box's width is measured on
    (:func:`measured`)."""
    widths, others = measured(graph, labels, folding)
    placements: Plan | DerivedPlan | BuiltPlan
    if graph.base is not None:  # derived (as run): shared boxes stay where they were
        placements = DerivedPlan(nodes, placed(others["base"].drawn))
    else:
        placements = placed(nodes)
        if graph.derived is not None:  # as built, its layers where the graph as run has them
            placements = BuiltPlan(placements, DerivedPlan(others["derived"].drawn, placements))
    return placements, widths


def measured(
    graph: GraphModel, labels: dict[NodeId, Label], folding: Folding
) -> tuple[dict[NodeId, list[Label]], dict[str, View]]:
    """The labels each box's width is measured on: its own, and (as built / as run) its label
    in the other graph too, so a shared box keeps its width and place when the pane switches
    between them; and that other graph's folded view, by its role ("base", "derived")."""
    widths: dict[NodeId, list[Label]] = {vid: [label] for vid, label in labels.items()}
    others: dict[str, View] = {}
    for role, other in (("base", graph.base), ("derived", graph.derived)):
        if other is not None:
            view = others[role] = fold_view(other, folding)
            for vid, _ in view.nodes:
                widths.setdefault(vid, []).append(label_of(other, view, vid))
    return widths, others


PLANS_KEPT = 16
"""Layered plans kept by the nodes they were made from (:func:`placed`)."""
_plans: dict[tuple[tuple[NodeId, tuple[NodeId, ...]], ...], Plan] = {}


def placed(nodes: Sequence[tuple[NodeId, Sequence[NodeId]]]) -> Plan:
    """The layered plan of ``nodes`` (:func:`tui.drawing.plan.place_full`), made once for
    the last :data:`PLANS_KEPT` graphs: a plan is drawn in any box size and orientation, and
    layering and ordering it were about half of each drawing the keys o, z, f and g ask for."""
    key = tuple((vid, tuple(ins)) for vid, ins in nodes)
    plan = _plans.pop(key, None) or place_full(nodes)
    _plans[key] = plan  # the most recently used goes last
    if len(_plans) > PLANS_KEPT:
        del _plans[next(iter(_plans))]
    return plan


class BuiltPlan:
    """A graph as built that has a graph as run: drawn like its :class:`Plan`, each channel
    as deep as the graph as run needs it, so switching between them moves no shared box."""

    def __init__(self, plan: Plan, derived: DerivedPlan) -> None:
        self.plan = plan
        self.derived = derived

    def draw(
        self,
        orientation: Orientation,
        box_h: int,
        box_w: int,
        lanes: int | None = None,
        widths: Widths = None,
    ) -> Layout:
        """As :meth:`Plan.draw`."""
        rooms = self.derived.rooms(orientation, box_h, box_w, lanes, widths)
        return self.plan.draw(orientation, box_h, box_w, lanes, widths, rooms)


def box_widths(
    widths: dict[NodeId, list[Label]],
) -> Callable[[NodeId, str], tuple[int, int]]:
    """Each box's width in a box size: (the room it keeps, what the widest of its labels
    needs; the width it is drawn, what its own label, the first, needs)."""

    def each(vid: NodeId, size: str) -> tuple[int, int]:
        labels = widths.get(vid, ())
        if not labels:
            return 12, 12
        need = [width_for(lb, size) for lb in labels]
        return max(need), need[0]

    return each


def static_drawing(
    graph: GraphModel,
    room: tuple[int, int],
    folding: Folding | None = None,
    pref: str | None = None,
    auto_orientation: bool = True,
    box_size: str = "auto",
) -> Drawing:
    """The static pane's drawing of ``graph`` in a pane of ``room`` (width, height) cells.

    Args:
        folding: the pane's folding (None: the default, every scope folded).
        pref: the orientation (None: the pane's own, :func:`pane_orientation`).
        auto_orientation: the other orientation may be tried too (the user picked none).
        box_size: "auto" (the largest boxes that fit), or the size the user picked.
    """
    folding = folding or Folding()
    pref = pref or pane_orientation(*room)
    tries = candidates("static", pref, auto_orientation, box_size)
    first: Drawing | None = None
    seen: list[list[tuple[NodeId, list[NodeId]]]] = []
    over: list[tuple[View, dict[NodeId, Label], list[tuple[int, Layout]]]] = []
    views: dict[Folding, View] = {}  # the fallbacks and the wraps fold the same ways
    labelled: dict[Folding, dict[NodeId, Label]] = {}
    wide: dict[Folding, Callable[[NodeId, str], tuple[int, int]]] = {}  # one per folding:
    # the fit and the wraps then measure each box once in each size (fit keeps them by it)

    def folded(each: Folding) -> View:
        if each not in views:
            views[each] = fold_view(graph, each)
        return views[each]

    def labels_of(each: Folding) -> dict[NodeId, Label]:
        if each not in labelled:
            view = folded(each)
            labelled[each] = {vid: label_of(graph, view, vid) for vid, _ in view.nodes}
        return labelled[each]

    for each, loose in _fallbacks(folding):
        view = folded(each)
        if not loose and view.drawn in seen:
            continue  # folding more changed nothing here (no variable): drawn already
        seen.append(view.drawn)
        labels = labels_of(each)
        placements, widths = static_placements(graph, view.drawn, labels, each)
        if loose and isinstance(placements, BuiltPlan):
            placements = placements.plan
        elif loose:
            continue  # nothing to loosen: drawn already
        drawn: list[tuple[int, Layout]] = []
        each_width = wide.setdefault(each, box_widths(widths))
        i, layout, fit = fit_first(
            placements, view.drawn, tries, room, each_width, pref, drawn=drawn
        )
        drawing = Drawing(layout, view, labels, tries[i][1])
        if fit:
            return drawing
        first = first or drawing
        over.append((view, labels, drawn))
    for view, labels, drawn in over:  # nothing fits whole: wrapped into columns (or rows)
        found = largest_wrap([k for k, _ in drawn], dict(drawn).__getitem__, tries, room)
        if found is not None:
            k, wrapped = found
            return Drawing(wrapped, view, labels, tries[k][1])
    assert first is not None
    shown = first.layout
    shared = cache(lambda: measure(shown, ()).shared)  # measured where a wrap needs it
    done: list[list[tuple[NodeId, list[NodeId]]]] = []
    foldings = _gathered_foldings(folding)  # each collector an ordinary box; at the last,
    for each, plain in [*((f, False) for f in foldings), *((f, True) for f in foldings)]:
        view = folded(each)  # plain: without control edges, the very last way
        nodes = view.nodes if plain else view.drawn
        if nodes in done:
            continue  # folding more changed nothing here: wrapped already
        done.append(nodes)
        labels = labels_of(each)
        if each not in wide:
            wide[each] = box_widths(measured(graph, labels, each)[0])
        found = wrap_gathered(nodes, tries, room, wide[each], shared)
        if found is not None:
            return Drawing(found[1], view, labels, tries[found[0]][1])
    return first


def _gathered_foldings(folding: Folding) -> list[Folding]:
    """The foldings a static pane wraps with its collectors as ordinary boxes, in turn: its
    own; every variable's initial value folded into it (``random_normal/`` beside ``w1`` is
    a box and an edge across a column the wrap needs); every update folded in as well."""
    out = [folding, replace(folding, initial_in=True), folding.denser()]
    if folding.unfold_all:
        return out[:1]
    return list(dict.fromkeys(out))


def _fallbacks(folding: Folding) -> list[tuple[Folding, bool]]:
    """The foldings a static pane tries in turn until its graph fits, and whether the graph
    as built may leave the layers its graph as run lines up with (``loose``): the pane's own
    folding; every variable's update and initial value folded into it; that, its channels as
    deep as its own edges need (switching to the graph as run then moves boxes a row or two)."""
    dense = folding.denser()
    if dense == folding:
        return [(folding, False), (folding, True)]
    return [(folding, False), (dense, False), (dense, True)]


# ------------------------------------------------------------------ the eager pane


def _keyed(
    graph: GraphModel, nodes: Sequence[tuple[NodeId, Sequence[NodeId]]]
) -> tuple[dict[NodeId, Hashable], list[tuple[Hashable, list[Hashable]]]]:
    keys = site_keys(graph, nodes)
    return keys, [(keys[v], [keys[i] for i in ins if i in keys]) for v, ins in nodes]


def _belongs(graph: GraphModel, vid: NodeId) -> bool:
    node = graph.nodes.get(vid) if isinstance(vid, int) else None
    return node is not None and belongs(node)


_NONE = object()


def map_draw(
    emap: EagerMap,
    graph: GraphModel,
    nodes: Sequence[tuple[NodeId, Sequence[NodeId]]],
    labels: dict[NodeId, Label] | None = None,
) -> Layout:
    """The eager iteration so far (its folded ``nodes``), each box where its site was in the
    map (:meth:`EagerMap.draw`), on view ids; before any map, each box as wide as its label
    in ``labels`` needs (a leaf: with room for the ``∇`` its gradient brings)."""
    keys, on_keys = _keyed(graph, nodes)
    hidden = emap.hidden  # a leaf its group will take in, the group not made yet: not drawn
    if emap.plan is None:  # no map yet: a leaf that belongs to something is drawn once read
        read = {i for _, ins in nodes for i in ins}
        hidden = {k for v, k in keys.items() if v not in read and _belongs(graph, v)}
    if hidden:
        drop = {v for v in keys if keys[v] in hidden}
        if drop:
            nodes = [(v, [i for i in ins if i not in drop]) for v, ins in nodes if v not in drop]
            keys, on_keys = _keyed(graph, nodes)
    vid_of = {k: v for v, k in keys.items()}
    widths = None
    if emap.plan is None and labels:
        leaves = {v for v, ins in nodes if not ins}

        def widths(key: Hashable, size: str) -> int:
            vid = vid_of[key]
            label = labels.get(vid)
            if label is None:
                return BOX_SIZES[size][1]
            return width_for(replace(label, grad=True) if vid in leaves else label, size)

    drawn = emap.draw(on_keys, widths)
    out = Layout(drawn.orientation, width=drawn.width, height=drawn.height)
    out.boxes = {vid_of[k]: box for k, box in drawn.boxes.items() if k in vid_of}
    made = emap.on_vids  # each edge on view ids, made once (a frozen dataclass is slow to make)
    if len(made) > 2 * len(drawn.edges) + 64:
        made.clear()  # (edges drawn afresh every time, beside a map: kept no longer)
    for e in drawn.edges:
        src, dst = vid_of.get(e.src, _NONE), vid_of.get(e.dst, _NONE)
        if src is _NONE or dst is _NONE:
            continue
        known = made.get(id(e))
        if known is None or known[0] is not e or known[1].src != src or known[1].dst != dst:
            known = made[id(e)] = (e, Edge(src, dst, e.points))
        out.edges.append(known[1])
    return out


def map_finish(
    emap: EagerMap,
    graph: GraphModel,
    folding: Folding,
    room: tuple[int, int],
    pref: str,
    auto_orientation: bool = True,
    box_size: str = "auto",
) -> None:
    """An eager iteration ended: lay its whole graph out as the map for the next
    (:meth:`EagerMap.finish`), in the largest boxes that fit ``room``."""
    view = fold_view(graph, folding)
    keys, on_keys = _keyed(graph, view.nodes)
    labels = {keys[vid]: label_of(graph, view, vid) for vid, _ in view.nodes}
    tries = candidates("static", pref, auto_orientation, box_size)
    emap.finish(on_keys, tries, room, lambda k, size: width_for(labels[k], size), pref)
    emap.hidden = {  # leaves drawn inside a group: keyed as they are before it takes them
        site_keys(graph, [(n.id, [])])[n.id]
        for n in graph.nodes.values()
        if n.op == "Leaf" and isinstance(view.vid_of.get(n.id), str)
    }


class EagerPane:
    """An eager pane's placement replayed without the App: :meth:`show` each iteration's
    graph as it starts, :meth:`grow` after each of its nodes, :meth:`drawing` at the end.

    Mirrors the pane shown every iteration node by node (a paced run): the first iteration
    grows on the append-only grid, each later one on the map the one before it left.
    """

    def __init__(
        self,
        room: tuple[int, int],
        folding: Folding | None = None,
        pref: str | None = None,
        auto_orientation: bool = True,
        box_size: str = "auto",
    ) -> None:
        self.room = room
        self.folding = folding or Folding()
        self.pref = pref or pane_orientation(*room)
        self.auto_orientation = auto_orientation
        self.box_size = box_size
        self.graph: GraphModel | None = None
        self._map = EagerMap()
        self._ended: GraphModel | None = None
        self._labels: dict[NodeId, tuple[tuple[bool, bool], Label]] = {}
        """Each node's label, by whether it had a gradient (all else in it stays)."""
        self._drawn: tuple[list[tuple[NodeId, list[NodeId]]], Layout] | None = None
        """The view's nodes last drawn, and their layout (None: the map changed since)."""
        self._view: tuple[tuple[int, int, Folding], View] | None = None
        """The graph's folded view, and the nodes and folding it was made from."""

    def _way(self) -> Try:
        return first_way(self.pref, *self.room, self.box_size)

    def _finish(self, graph: GraphModel) -> None:
        """``graph``'s iteration has ended: the map for the next (:func:`map_finish`)."""
        map_finish(
            self._map,
            graph,
            self.folding,
            self.room,
            self.pref,
            self.auto_orientation,
            self.box_size,
        )

    def show(self, graph: GraphModel | None) -> None:
        """A new iteration starts (the one shown before has ended: the map for the next)."""
        if graph is self.graph:
            return
        old = self.graph
        if old is not None and old.nodes and old is not self._ended:
            self._finish(old)
        self.graph = graph
        self._labels.clear()
        self._drawn = self._view = None
        self._map.start(self._way(), self.room)
        self.grow()

    def grow(self) -> None:
        """Draw the iteration so far, as the pane does after every frame that added nodes:
        before the first map, that is where each node is placed (on the map, drawing it
        places nothing). An iteration that has ended is drawn on its own map."""
        graph = self.graph
        if graph is None:
            return
        if graph.ended and self._ended is not graph:
            self._ended = graph
            self._drawn = None
            self._finish(graph)
        elif self._map.plan is None:
            self.drawing()

    def drawing(self) -> Drawing | None:
        """The drawing of the iteration shown now (None: none)."""
        graph = self.graph
        if graph is None:
            return None
        made = (graph.struct_version, len(graph.nodes), self.folding)
        if self._view is None or self._view[0] != made:  # (nodes come only with a version)
            self._view = (made, fold_view(graph, self.folding))
        view = self._view[1]
        labels = {vid: self._label(graph, view, vid) for vid, _ in view.nodes}
        if self._drawn is None or self._drawn[0] != view.nodes:
            self._drawn = (view.nodes, map_draw(self._map, graph, view.nodes, labels))
        done = self._drawn[1]  # (nothing new since: drawn already; a copy, its edges marked)
        layout = Layout(
            done.orientation, dict(done.boxes), list(done.edges), done.width, done.height
        )
        return Drawing(layout, view, labels, self._map.way[1])

    def _label(self, graph: GraphModel, view: View, vid: NodeId) -> Label:
        """:func:`label_of`, once per eager node and gradient state: a node's label changes
        only where its gradient arrives."""
        node = graph.nodes.get(vid) if isinstance(vid, int) else None
        if node is None or graph.mode != "eager":
            return label_of(graph, view, vid)
        state = (node.id in graph.graded, bool(node.grad))
        known = self._labels.get(vid)
        if known is None or known[0] != state:
            known = self._labels[vid] = (state, label_of(graph, view, vid))
        return known[1]

"""The eager graph's placement, held still across iterations (a "mental map"). Pure, App-free.

An eager loop rebuilds its graph every iteration, and every iteration repeats the last one's
sites (the same line running the same op on the same shapes). So the finished drawing of one
iteration is the map for the next (North, "Incremental Layout in DynaDAG", GD 1995):

* the first iteration grows node by node on a growing grid (:class:`tui.drawing.append.Growing`)
  where nothing placed moves, in one box size and orientation picked from the pane before its
  first node (:func:`first_way`), each box as wide as its label, its layers wrapping into a
  new band at the pane's edge, so it grows across the pane, not past it, and each edge found
  through the cells left free, never sharing one with another source's edge;
* when an iteration ends, its whole graph is laid out with the static pane's layered layout
  (:class:`tui.drawing.plan.Plan`), in the largest boxes that fit the pane: that is the map;
* from then on, a node made at a site goes to the box its site had (:meth:`EagerMap.draw`),
  with the map's own routed edges, so the pane grows into the same picture every iteration
  and nothing moves. Only a node the map lacks (the loop took a branch, a shape changed) is
  placed, beside the map's nodes, by :class:`tui.drawing.derived.DerivedPlan`; the map
  keeps the places where the iteration ends so::

    iteration 1 (as made)     map (layered)          iteration 2, half made
    [x] [w1]                  [x]  [w1]              [x]  [w1]
     │ ┌─┘                     │ ┌──┘                 │ ┌──┘
     ▼ ▼      [w2]             ▼ ▼                    ▼ ▼
    [mm]                      [mm]   [w2]            [mm]   [w2]
     │                         │ ┌────┘               │ ┌────┘
     ▼                         ▼ ▼                    ▼ ▼
    [clamp]                   [mm2]                  [mm2]

A node's key is its site: its op, shape and source line and its inputs' keys, and how many
times that ran before in this iteration (:func:`site_keys`); a folded group's key is its
view id.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from typing import TYPE_CHECKING

from tui.drawing.append import Growing, band_layers
from tui.drawing.derived import DerivedPlan
from tui.drawing.fit import BOX_SIZES, FIT_ORDER, fit_first, largest_wrap, shifted
from tui.drawing.layout import Layout, Spacing
from tui.drawing.plan import Plan

if TYPE_CHECKING:
    from tui.drawing.fit import Try
    from tui.drawing.layout import Edge, NodeId
    from tui.view.model import GraphModel

__all__ = ["EagerMap", "first_way", "site_keys"]

Key = Hashable
Nodes = Sequence[tuple[Key, Sequence[Key]]]
Widths = Callable[[Key, str], int] | None

FIRST_LAYERS = 6
"""Layers the first iteration's boxes leave room for along the pane (its graph's depth is
not known yet; a deeper one wraps into bands)."""
REPLAN = 0.25
"""Share of an iteration's nodes new to the map past which the next map is laid out afresh
(the loop really changed, or the map was made from an iteration seen only in part)."""


def site_keys(
    graph: GraphModel, nodes: Sequence[tuple[NodeId, Sequence[NodeId]]]
) -> dict[NodeId, Key]:
    """Each view id's key, equal across iterations for the same site: the op, its shape and
    the source line that made it, its inputs' keys, and how many nodes with all of that came
    before in this iteration; a folded group's key is its view id.

    The keys are built from what the node is, not from the events' ``site`` numbers: those
    are not the same every iteration in every scene (inside an ``nn.Module`` they count on).
    """
    out: dict[NodeId, Key] = {}
    count: dict[Key, int] = {}
    for vid, ins in nodes:
        node = graph.nodes.get(vid) if isinstance(vid, int) else None
        if node is None:
            out[vid] = vid
            continue
        leaf = "" if ins else node.name  # a leaf: its name tells it from other leaves
        base = (node.op, node.shape, node.line, tuple(out.get(i, i) for i in ins), leaf)
        k = count.get(base, 0)
        count[base] = k + 1
        out[vid] = (base, k)
    return out


def first_way(pref: str, width: int, height: int, box_size: str = "auto") -> Try:
    """The orientation and box size of an iteration drawn before any map: the largest boxes
    that leave room for :data:`FIRST_LAYERS` layers along the pane and three boxes across;
    failing that, mini boxes with the most lanes between layers that still leave that room
    (where the grid wraps into bands, the edges into a later band run down these lanes too:
    each lane fewer is more edges sharing a track); failing that, left to right (an 80x24
    terminal's pane), tiny boxes (:data:`tui.drawing.append.TINY_U`) with one lane, seven
    layers a band where mini boxes left four: a pane that short has rows for two or three
    bands (torch-tensors' first iteration grew 25 rows high in mini boxes, in 18 rows)."""
    if box_size != "auto":
        return (pref, box_size, None)
    box_h, box_w = BOX_SIZES["mini"]
    most = Spacing.for_(pref, box_h, box_w).lanes_u  # type: ignore[arg-type]
    fewer = [("mini", lanes) for lanes in range(most - 1, 0, -1)]  # fewer lanes, mini boxes
    for size, lanes in [*FIT_ORDER[:3], *fewer, FIT_ORDER[3]]:
        box_h, box_w = BOX_SIZES[size]
        sp = Spacing.for_(pref, box_h, box_w, lanes)  # type: ignore[arg-type]
        along, across = (width, height) if pref == "LR" else (height, width)
        if FIRST_LAYERS * (sp.box_u + sp.gap_u) <= along and 3 * (sp.box_v + sp.gap_v) <= across:
            return (pref, size, lanes)
    return (pref, "tiny", 1) if pref == "LR" else (pref, "mini", None)


class EagerMap:
    """Where each site's box goes, kept from one iteration to the next.

    Use: :meth:`start` before an iteration's first node (and again whenever the pane's size,
    the orientation, the box size or the folding changed), :meth:`draw` after every node,
    :meth:`finish` with the whole graph once an iteration has ended.
    """

    def __init__(self) -> None:
        self.way: Try = ("TB", "mini", None)
        """The orientation, box size and lanes every drawing uses until the next map."""
        self.plan: Plan | None = None
        """The map's layered plan, on keys (None: no iteration has ended yet)."""
        self.held: Layout | None = None
        """The map's drawing, on keys: where each site's box and edges go."""
        self.shift: tuple[int, int] = (0, 0)
        """Cells the map's drawing is moved left and up: a map that fits its pane only
        without its margin (:func:`tui.drawing.fit.tight`); new nodes are drawn so too."""
        self.hidden: set[Key] = set()
        """Keys of leaves the last finished iteration drew inside a group (``w1.grad``, which
        only the optimizer's update reads): until their group appears they are not drawn, so
        no box shows up and then vanishes into the group."""
        self._widths: dict[Key, dict[str, int]] = {}
        self._grid = Growing(self.way, None)
        self._edges_of: Layout | None = None
        self._edges: set[tuple[Key, Key]] = set()
        self.on_vids: dict[int, tuple[Edge, Edge]] = {}
        """Each edge drawn on keys (by its id), and the same edge on view ids
        (:func:`tui.drawing.pane.map_draw`), made once an iteration."""

    def start(self, way: Try, room: tuple[int, int] = (0, 0)) -> None:
        """A new iteration (before its first node): the grid of a graph drawn before any map
        starts empty, in ``way``, wrapping into bands at the edge of a pane of ``room``
        (width, height; unknown: it does not wrap); a map keeps its own way."""
        if self.plan is None:
            self.way = way
        self._grid = Growing(self.way, band_layers(self.way, room))
        self.on_vids.clear()

    def forget(self) -> None:
        """Drop the map (the folding changed, or a replay stepped back)."""
        self.plan, self.held = None, None
        self.shift = (0, 0)
        self._widths.clear()
        self.hidden = set()

    def finish(
        self,
        nodes: Nodes,
        tries: Sequence[Try],
        room: tuple[int, int],
        widths: Widths = None,
        pref: str = "TB",
    ) -> None:
        """An iteration ended: its whole graph (on keys) becomes the map for the next one.

        A graph that adds little to the map keeps the map's places (its new nodes where
        :meth:`draw` put them); a new graph, or one that differs much, is laid out afresh in
        the first of ``tries`` whose drawing fits ``room`` (else the one showing the most).
        """
        if not nodes:
            return
        if widths is not None:
            for key, _ in nodes:
                self._widths[key] = {size: widths(key, size) for size in BOX_SIZES}
        if self.plan is not None and self.held is not None:
            if self._covered(nodes):
                return  # the same loop (or a part of it, a skimmed iteration): the map stays
            new = [k for k, _ in nodes if k not in self.plan.ranking.layer]
            if len(new) <= REPLAN * len(nodes):
                self.held = self.draw(nodes)
                return
        plan = Plan(nodes)
        drawn: list[tuple[int, Layout]] = []
        k, layout, fit = fit_first(plan, nodes, tries, room, self._width, pref, drawn=drawn)
        self.shift = (0, 0)
        if not fit:  # nothing fits whole: the first way that does wrapped
            found = largest_wrap([i for i, _ in drawn], dict(drawn).__getitem__, tries, room)
            k, layout = found or (k, layout)
        else:
            was = dict(drawn).get(k)
            if was is not None and was.boxes:  # it fits without its margin (tight)
                key = next(iter(was.boxes))
                self.shift = (
                    was.boxes[key].x - layout.boxes[key].x,
                    was.boxes[key].y - layout.boxes[key].y,
                )
        self.plan, self.held, self.way = plan, layout, tries[k]

    def draw(self, nodes: Nodes, widths: Widths = None) -> Layout:
        """The iteration so far (on keys), each node at its site's place in the map; nodes the
        map lacks are placed beside it, those before any map on the growing grid, each box
        ``widths(key, size)`` wide there (None: the box size's width)."""
        if self.plan is None or self.held is None:
            grid, size = self._grid, self.way[1]
            grid.keep(key for key, _ in nodes)
            placed = grid.placed
            for key, ins in nodes:
                if key in placed:  # placed before: only its edges from inputs made since
                    grid.join(key, ins)
                else:
                    grid.add(key, ins, widths(key, size) if widths else BOX_SIZES[size][1])
            for key, ins in nodes:  # an input placed after the node that reads it
                grid.join(key, ins)
            return grid.layout()
        if self._covered(nodes):
            return self._restricted(nodes)
        drawn = DerivedPlan(nodes, self.plan).draw(
            self.way[0],  # type: ignore[arg-type]
            *BOX_SIZES[self.way[1]],
            self.way[2],
            lambda key: self._width(key, self.way[1]),
        )
        return shifted(drawn, *self.shift) if self.shift != (0, 0) else drawn

    def _width(self, key: Key, size: str) -> int:
        known = self._widths.get(key)
        return known[size] if known else BOX_SIZES[size][1]

    def _covered(self, nodes: Nodes) -> bool:
        """Every node and edge of ``nodes`` is in the map."""
        held = self.held
        if held is None:
            return False
        boxes = held.boxes
        edges = self._edge_set()
        for key, ins in nodes:
            if key not in boxes:
                return False
            for i in ins:
                if i != key and (i, key) not in edges:
                    return False
        return True

    def _edge_set(self) -> set[tuple[Key, Key]]:
        held = self.held
        assert held is not None
        if self._edges_of is not held:
            self._edges_of = held
            self._edges = {(e.src, e.dst) for e in held.edges}
        return self._edges

    def _restricted(self, nodes: Nodes) -> Layout:
        """The map's drawing of the nodes made so far: their boxes, the edges between them, on
        the whole map's canvas (so it does not grow while the iteration does)."""
        held = self.held
        assert held is not None
        wanted = {(i, k) for k, ins in nodes for i in ins}
        out = Layout(held.orientation, width=held.width, height=held.height)
        out.boxes = {k: held.boxes[k] for k, _ in nodes}
        out.edges = [e for e in held.edges if (e.src, e.dst) in wanted]
        return out

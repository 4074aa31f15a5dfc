"""Eager placement holds still: one box size per iteration, a site's node where it was last
iteration, only a new part placed, every iteration scrolled to its first node."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import pytest

from tui.drawing.eager import EagerMap, first_way
from tui.drawing.fit import candidates


def loop_events(iterations: int, scene: str = "two-layer") -> list[list[dict[str, Any]]]:
    """The node_created events of each eager iteration of a real scene (run in-process)."""
    from engine.events import recording
    from engine.scenes import SCENES

    with recording() as events:
        side = "eager" if "eager" in SCENES[scene].sides else None
        SCENES[scene].run(iterations=iterations, side=side, small=True)
    per: dict[str, list[dict[str, Any]]] = {}
    for ev in events:
        if ev.get("kind") == "node_created" and ev.get("mode") == "eager":
            per.setdefault(str(ev["graph"]), []).append(ev)
    return list(per.values())


def chain_with_branch(branch: bool) -> list[tuple[Any, list[Any]]]:
    """x, w -> mm -> relu -> loss; with ``branch`` a side op on relu (a new site)."""
    nodes: list[tuple[Any, list[Any]]] = [
        ("x", []),
        ("w", []),
        ("mm", ["x", "w"]),
        ("relu", ["mm"]),
        ("loss", ["relu"]),
    ]
    if branch:
        nodes.insert(4, ("extra", ["relu"]))
    return nodes


def test_first_way_leaves_room_for_six_layers() -> None:
    assert first_way("TB", 52, 27) == ("TB", "mini", None)
    assert first_way("TB", 80, 60)[1] == "full"
    assert first_way("LR", 40, 10, "compact") == ("LR", "compact", None)
    assert first_way("LR", 118, 22) == ("LR", "mini", 3)
    # an 80x24 terminal's pane: no six layers of mini boxes, even with one lane
    assert first_way("LR", 78, 18) == ("LR", "tiny", 1)


def test_the_map_puts_every_site_where_it_was_and_grows_into_one_picture() -> None:
    emap = EagerMap()
    emap.start(("TB", "mini", None))
    nodes = chain_with_branch(False)
    for k in range(1, len(nodes) + 1):  # iteration 1: append-only, nothing moves
        emap.draw(nodes[:k])
    tries = candidates("static", "TB", True, "auto")
    emap.finish(nodes, tries, (80, 40))
    held = emap.held
    assert held is not None
    for _ in range(2):  # iterations 2 and 3: each node at its place, the canvas fixed
        emap.start(("TB", "mini", None))
        for k in range(1, len(nodes) + 1):
            layout = emap.draw(nodes[:k])
            assert {n: layout.boxes[n] for n, _ in nodes[:k]} == {
                n: held.boxes[n] for n, _ in nodes[:k]
            }
            assert (layout.width, layout.height) == (held.width, held.height)
            assert {(e.src, e.dst) for e in layout.edges} == {
                (i, n) for n, ins in nodes[:k] for i in ins
            }
        emap.finish(nodes, tries, (80, 40))
        assert emap.held is held


def test_a_map_that_fits_only_without_its_margin_draws_a_new_node_on_the_same_grid() -> None:
    """The pane is two cells smaller than the map's drawing: the map is drawn without its
    margin, and a node the next iteration adds is placed on that same grid (the map's boxes
    stay where they were)."""
    from tui.drawing.fit import draw, tight
    from tui.drawing.plan import Plan

    nodes = chain_with_branch(False)
    way = ("TB", "mini", -1)
    whole = draw(Plan(nodes), nodes, way)
    emap = EagerMap()
    emap.start(way)
    emap.finish(nodes, [way], (whole.width - 2, whole.height - 2))
    held = emap.held
    assert held is not None and held.boxes == tight(whole).boxes
    assert emap.shift == (whole.boxes["x"].x, whole.boxes["x"].y) and emap.shift[1] == 1
    emap.start(way)
    grown = emap.draw(chain_with_branch(True))
    assert {n: grown.boxes[n] for n, _ in nodes} == held.boxes
    assert min(b.x for b in grown.boxes.values()) == 0 == min(b.y for b in grown.boxes.values())
    emap.forget()
    assert emap.shift == (0, 0)


def test_a_branch_places_only_the_new_part() -> None:
    """Old sites keep their place across their layer (below the new part, the channel its
    edges need may push them a row or two along); from the next iteration nothing moves."""
    emap = EagerMap()
    tries = candidates("static", "TB", True, "auto")
    plain = chain_with_branch(False)
    emap.finish(plain, tries, (80, 40))
    held = emap.held
    assert held is not None
    branched = chain_with_branch(True)
    emap.start(("TB", "mini", None))
    for k in range(1, len(branched) + 1):
        layout = emap.draw(branched[:k])
        for n, _ in branched[:k]:
            if n in held.boxes:
                old, new = held.boxes[n], layout.boxes[n]
                assert new.x == old.x and 0 <= new.y - old.y <= 2, f"{n} moved: {old} {new}"
    extra = layout.boxes["extra"]
    assert all(not extra.overlaps(b) for n, b in layout.boxes.items() if n != "extra")
    for n in ("x", "w", "mm", "relu"):  # above the new part: exactly where they were
        assert layout.boxes[n] == held.boxes[n]
    emap.finish(branched, tries, (80, 40))  # one new node of six: the map keeps its places
    again = emap.held
    assert again is not None and again.boxes == layout.boxes
    emap.start(("TB", "mini", None))
    for k in range(1, len(branched) + 1):
        assert emap.draw(branched[:k]).boxes == {n: again.boxes[n] for n, _ in branched[:k]}


@pytest.mark.parametrize(
    ("scene", "size"),
    [("two-layer", (60, 27)), ("torch-nn", (60, 30)), ("torch-tensors", (110, 28))],
)
async def test_the_eager_pane_holds_still_over_iterations(
    scene: str, size: tuple[int, int]
) -> None:
    """Nothing moves while an iteration grows, nor from one iteration to the next; one box
    size per iteration; each iteration starts scrolled to its first node."""
    from textual.app import App
    from textual.geometry import Region

    from tui.view.model import GraphModel
    from tui.widgets import GraphView

    class One(App[None]):
        def compose(self):  # type: ignore[no-untyped-def]
            yield GraphView("eager", id="g")

    iterations = loop_events(4, scene)
    assert len(iterations) == 4
    app = One()
    async with app.run_test(size=size) as pilot:
        view = app.query_one(GraphView)
        await pilot.pause()
        last: dict[Any, Any] = {}
        for it, evs in enumerate(iterations):
            view.scroll_to(200, 200, animate=False, immediate=True)  # a stale scroll position
            graph = GraphModel(f"eager:{it}", "eager", iteration=it)
            view.show(graph)
            ways, boxes = set(), {}
            for k, ev in enumerate(evs):
                graph.add(ev)
                view.sync()
                await pilot.pause()
                ways.add(view._choice)
                if k == 0:
                    first = view.layout_.boxes[int(ev["node"])]
                    x, y = view.scroll_offset
                    shown = Region(int(x), int(y), *view.scrollable_content_region.size)
                    assert shown.contains_region(Region(first.x, first.y, first.w, first.h)), (
                        f"iteration {it}: its first node is out of view"
                    )
                for vid, box in view.layout_.boxes.items():  # nothing moves mid-iteration
                    assert boxes.setdefault(vid, box) == box, f"iteration {it}: {vid} moved"
            assert len(ways) == 1, f"iteration {it} changed box size or orientation: {ways}"
            if it >= 1:  # on the map, no box shows up that the finished iteration has not
                gone = set(boxes) - set(view.layout_.boxes)  # (w1.grad before no_grad takes it)
                assert not gone, f"iteration {it}: {gone} drawn, then gone"
            box_of = view._view.vid_of  # a folded node (no_grad, w1.grad) is drawn by its group
            here = {(n.index, n.op): view.layout_.boxes[box_of[n.id]] for n in graph.nodes.values()}
            if it >= 2:  # from the map on, a site's node goes where it was last time
                assert here == last, f"iteration {it} moved a site's box"
            last = here


def eager_room(scene: str, size: tuple[int, int]) -> tuple[int, int]:
    """The eager pane's inner size in a ``size`` terminal, as ``cgviz layout`` works it out."""
    from engine.scenes import SCENES
    from tui.cli.layout import pane_room
    from tui.i18n import scene_text
    from tui.view.lecture import scene_sides

    title, caption = scene_text(scene, SCENES[scene])
    sides = scene_sides(scene, SCENES[scene])
    return pane_room(*size, sides, f"{title}  ·  {caption}" if caption else title)["eager"]


def grown(scene: str, size: tuple[int, int]) -> tuple[tuple[int, int], Iterator[Any]]:
    """The eager pane's room in a ``size`` terminal and its drawings of ``scene``'s first
    iteration (small), one after each node, as a paced run shows them."""
    from tui.drawing.pane import EagerPane
    from tui.view.model import GraphModel

    room = eager_room(scene, size)
    events = loop_events(1, scene)[0]  # (a data loader's: its first batch)

    def drawings() -> Iterator[Any]:
        pane = EagerPane(room)
        graph = GraphModel("eager:0", "eager", iteration=0)
        pane.show(graph)
        for ev in events:
            graph.add(ev)
            pane.grow()
            drawing = pane.drawing()
            assert drawing is not None
            yield drawing

    return room, drawings()


def assert_clean(layout: Any) -> None:
    """No two boxes overlap, no edge runs through a box, every edge is orthogonal."""
    boxes = list(layout.boxes.values())
    for a, b in itertools.combinations(boxes, 2):
        assert not a.overlaps(b), f"boxes overlap: {a} {b}"
    for edge in layout.edges:
        for (x1, y1), (x2, y2) in zip(edge.points, edge.points[1:], strict=False):
            assert x1 == x2 or y1 == y2, f"{edge.src}->{edge.dst} is not orthogonal"
            for box in boxes:
                assert not (
                    box.x <= max(x1, x2)
                    and min(x1, x2) < box.x2
                    and box.y <= max(y1, y2)
                    and min(y1, y2) < box.y2
                ), f"{edge.src}->{edge.dst} runs through a box"


@pytest.mark.parametrize(("pref", "room"), [("LR", (80, 30)), ("TB", (90, 24))])
def test_a_first_iteration_deeper_than_its_pane_wraps_into_bands(
    pref: str, room: tuple[int, int]
) -> None:
    """A chain twice as deep as the pane is long: its layers wrap into bands (below, left to
    right; to the right, top to bottom), nothing placed moves, and every edge is drawn, the
    input read two bands on included (round the gutter)."""
    chain: list[tuple[Any, list[Any]]] = [("x", []), ("w", [])]
    chain += [(f"op{k}", [f"op{k - 1}" if k else "x", "w"][: 1 + (k == 0)]) for k in range(10)]
    chain += [("late", ["op9", "x"])]
    way = first_way(pref, *room)
    emap = EagerMap()
    emap.start(way, room)
    boxes: dict[Any, Any] = {}
    for k in range(1, len(chain) + 1):
        layout = emap.draw(chain[:k])
        assert layout.width <= room[0] and layout.height <= room[1], (layout.width, layout.height)
        for n, box in layout.boxes.items():
            assert boxes.setdefault(n, box) == box, f"{n} moved"
    assert_clean(layout)
    assert {(e.src, e.dst) for e in layout.edges} == {(i, n) for n, ins in chain for i in ins}
    across = (lambda b: b.y) if pref == "LR" else (lambda b: b.x)
    bands = {across(layout.boxes[n]) for n in ("op0", "op9", "late")}
    assert len(bands) >= 2, "the chain did not wrap"


def test_the_first_band_wraps_only_where_the_next_band_starts_inside_the_pane() -> None:
    """A top-to-bottom pane 27 rows high holds seven layers of mini boxes (the default
    scene's depth); a node past them starts a band beside the first only where that band's
    first box (as wide as its label needs) is inside the pane (else the first band goes on
    down: a second band out of view would scroll as far); a graph that has wrapped once goes
    on wrapping."""
    from tui.drawing.append import band_layers

    bands = band_layers(("TB", "mini", None), (60, 27))
    assert bands is not None and bands.first == 7
    assert not bands.wraps(0, 6, 20)  # inside the pane
    assert bands.wraps(0, 7, 20)  # past it: the next band, 20 cells across, fits beside
    assert not bands.wraps(0, 7, 50)  # at 50 cells a box of a mini box's width would not...
    assert bands.wraps(0, 7, 50, 7)  # ...one 7 cells wide would
    assert bands.wraps(1, bands.each, 90)
    assert band_layers(("TB", "mini", None), (0, 0)) is None


@pytest.mark.parametrize(
    ("scene", "size"),
    [
        ("two-layer", (160, 48)),
        ("torch-tensors", (160, 48)),
        ("torch-autograd", (160, 48)),
        ("torch-function", (160, 48)),
        ("torch-tensors", (120, 36)),
        ("torch-autograd", (120, 36)),
        ("torch-function", (120, 36)),
    ],
)
def test_the_first_iteration_grows_inside_the_pane_and_ends_on_its_map(
    scene: str, size: tuple[int, int]
) -> None:
    """The first iteration, placed node by node before any map, never grows past its pane
    (54x28 cells in the default scene; a lone left-to-right pane of 110x28 or 118x22 cells,
    where a loop deeper than the pane is long wraps into bands of layers), nothing placed
    moves, no box or edge overlaps a box, no two edges of different sources and targets
    share a cell; a weight goes beside the node it is read with; w1.grad is not drawn before
    no_grad takes it in. Once it has ended it is drawn on its own map, the picture every
    later iteration grows into."""
    from tui.drawing.pane import EagerPane
    from tui.drawing.quality import measure
    from tui.view.model import GraphModel

    room = eager_room(scene, size)
    pane = EagerPane(room)
    first, second = loop_events(2, scene)
    boxes: dict[Any, Any] = {}
    for it, evs in enumerate((first, second)):
        graph = GraphModel(f"eager:{it}", "eager", iteration=it)
        pane.show(graph)
        for ev in evs:
            graph.add(ev)
            pane.grow()
            drawing = pane.drawing()
            assert drawing is not None
            assert drawing.layout.width <= room[0] and drawing.layout.height <= room[1], (
                f"iteration {it} grew to {drawing.layout.width}x{drawing.layout.height}"
                f" in a {room[0]}x{room[1]} pane"
            )
            if it == 0:
                for vid, box in drawing.layout.boxes.items():
                    assert boxes.setdefault(vid, box) == box, f"{vid} moved"
                shared = measure(drawing.layout, ()).shared
                assert shared == 0, f"{shared} pairs of edges share cells"
        if it == 0:
            grown = pane.drawing()
            assert grown is not None
            assert_clean(grown.layout)
            graph.ended = True
            pane.grow()
            ended = pane.drawing()
            assert ended is not None
            assert ended.layout.boxes != grown.layout.boxes, "the map is the layered picture"
    again = pane.drawing()
    assert again is not None
    boxes_ended = [ended.layout.boxes[v] for v, _ in ended.view.nodes]
    assert [again.layout.boxes[v] for v, _ in again.view.nodes] == boxes_ended


async def test_a_restart_grows_its_first_iteration_afresh_not_on_the_old_runs_map() -> None:
    from tests.tui.conftest import finish
    from tests.tui.test_real_engine import real_app

    app = real_app(iterations=2)
    async with app.run_test(size=(160, 48)) as pilot:
        await finish(pilot)
        eager = app.eager_graph
        assert eager._map.plan is not None  # the runs' iterations grew on a map
        app.runner.pause(True)  # hold the new run at its first node
        await pilot.press("r")
        await pilot.pause()
        # the old run's last iteration (whole or half made) is no map for the new run: its
        # first iteration grows on the grid, in the way picked from the pane, as the first did
        assert eager._map.plan is None and eager._map.held is None
        w, h = eager.size
        assert eager._map.way == first_way(str(eager.orientation), w, h, str(eager.box_size))
        app.runner.pause(False)
        await finish(pilot)
        assert eager._map.plan is not None


def test_a_first_iteration_box_is_as_wide_as_its_label() -> None:
    """Before any map, a box is as wide as its label needs (a leaf: with room for its ∇),
    not one width for all: top to bottom, the columns are as wide as their boxes; left to
    right, a box never takes more than its layer's width."""
    from tui.drawing.fit import BOX_SIZES

    chain = chain_with_branch(False)
    names = {"x": 9, "w": 6, "mm": 7, "relu": 12, "loss": 30}  # label widths
    for pref in ("TB", "LR"):
        emap = EagerMap()
        emap.start((pref, "mini", None), (120, 40))
        layout = emap.draw(chain, lambda key, size: names[key])
        for n, box in layout.boxes.items():
            across = box.w if pref == "TB" else min(names[n], BOX_SIZES["mini"][1])
            assert (box.w, box.h) == ((names[n], 1) if pref == "TB" else (across, 1)), (n, box)
        x, w = layout.boxes["x"], layout.boxes["w"]
        if pref == "TB":  # the weight beside x, one gap of three cells after x's 9
            assert (w.x, w.y) == (x.x2 + 3, x.y)


def test_edges_of_different_sources_never_share_a_cell_while_it_grows() -> None:
    """Many inputs read by ops made far from them (the backward pass of a loop): every edge
    is found through free cells, so the only cells two edges share are a fan-out's trunk,
    a merge into one target, and clean crossings."""
    from tui.drawing.quality import measure

    nodes: list[tuple[Any, list[Any]]] = [("x", []), ("w1", []), ("w2", [])]
    nodes += [("h", ["x", "w1"]), ("r", ["h"]), ("y", ["r", "w2"]), ("d", ["y"])]
    nodes += [("g2", ["r", "d"]), ("gr", ["d", "w2"]), ("gh", ["gr", "h"])]
    nodes += [("g1", ["x", "gh"]), ("u1", ["w1", "g1"]), ("u2", ["w2", "g2"])]
    for pref, room in (("LR", (80, 24)), ("TB", (60, 30))):
        emap = EagerMap()
        emap.start(first_way(pref, *room), room)
        for k in range(1, len(nodes) + 1):
            layout = emap.draw(nodes[:k])
            assert measure(layout, nodes[:k]).shared == 0, (pref, nodes[k - 1][0])
        assert {(e.src, e.dst) for e in layout.edges} == {(i, n) for n, ins in nodes for i in ins}
        assert_clean(layout)


@pytest.mark.parametrize("size", [(160, 48), (120, 36)])
def test_loops_grows_inside_its_pane_in_boxes_as_wide_as_their_labels(
    size: tuple[int, int],
) -> None:
    """The loops scene's graph (four inputs read one by one down a chain of eight layers)
    grows inside its 54x28 (58x22) pane: in boxes of one width for all, its inputs side by
    side took 74 cells; nothing moves and no two edges share a cell while it grows."""
    from tui.drawing.quality import measure

    room, drawings = grown("loops", size)
    boxes: dict[Any, Any] = {}
    for drawing in drawings:
        layout = drawing.layout
        assert layout.width <= room[0] and layout.height <= room[1], (layout.width, layout.height)
        assert measure(layout, ()).shared == 0
        for vid, box in layout.boxes.items():
            assert boxes.setdefault(vid, box) == box, f"{vid} moved"
    assert_clean(layout)
    assert len({b.w for b in layout.boxes.values()}) > 2, "boxes of one width"


def test_an_edge_goes_round_a_box_and_crosses_another_sources_edge_straight() -> None:
    """Cells.find on a small grid: a box stands between the two ends and another source's
    edge runs across the way along v; the path steps cell by cell round the box, crosses
    that edge only going straight along u, and enters its arrow along +u."""
    from tui.drawing.paths import ALONG_V, Cells

    cells = Cells()
    cells.add_box("wall", 6, 2, 2, 9)  # u 6-7, v 2-10: between the ends
    cells.add_port((11, 5), False, "dst")
    other = [(3, v) for v in range(0, 14)]  # another source's edge, along v at u=3
    cells.lay("a", "b", other)

    def no_extra(lo_u: int, hi_u: int, lo_v: int, hi_v: int) -> Any:
        return [([0] * (hi_v - lo_v), [0] * (hi_v - lo_v)) for _ in range(lo_u, hi_u)]

    path = cells.find("src", "dst", (1, 5), (11, 5), (16, 16), no_extra)
    assert path[0] == (1, 5) and path[-1] == (11, 5) and path[-2] == (10, 5), path
    for (u0, v0), (u1, v1) in itertools.pairwise(path):
        assert abs(u1 - u0) + abs(v1 - v0) == 1, path
    assert not set(path) & set(cells.boxes), path
    crossed = [k for k, c in enumerate(path) if c in set(other)]
    assert crossed, path
    for k in crossed:
        assert cells.edges[path[k]][0][2] == ALONG_V
        assert path[k - 1][1] == path[k][1] == path[k + 1][1], ("not straight", path)
    assert len(path) < 30, path  # round the box's end, not far out


EAGER_SCENES = [
    "torch-graph",
    "torch-tensors",
    "torch-autograd",
    "torch-function",
    "torch-nn",
    "torch-optim",
    "torch-module",
    "torch-mix",
    "torch-dataloader",
    "data-loading",
    "two-layer",
    "conditional",
    "loops",
]


def test_the_list_of_eager_scenes_is_every_eager_scene() -> None:
    from engine.scenes import SCENES
    from tui.view.lecture import scene_sides

    eager = [n for n, s in SCENES.items() if "eager" in scene_sides(n, s)]
    assert sorted(eager) == sorted(EAGER_SCENES)


@pytest.mark.parametrize("scene", EAGER_SCENES)
def test_every_first_iteration_grows_inside_an_80x24_pane(scene: str) -> None:
    """In an 80x24 terminal (a 78x18 pane for most scenes) every eager scene's first
    iteration, drawn after each node, stays inside its pane, no two edges of different
    sources and targets share a cell, and nothing placed moves (torch-tensors' grew to
    74x25, with two shared runs, in mini boxes)."""
    from tui.drawing.quality import measure

    room, drawings = grown(scene, (80, 24))
    boxes: dict[Any, Any] = {}
    for drawing in drawings:
        layout = drawing.layout
        assert layout.width <= room[0] and layout.height <= room[1], (
            f"grew to {layout.width}x{layout.height} in a {room[0]}x{room[1]} pane"
        )
        shared = measure(layout, ()).shared
        assert shared == 0, f"{shared} pairs of edges share cells"
        for vid, box in layout.boxes.items():
            assert boxes.setdefault(vid, box) == box, f"{vid} moved"
    assert_clean(layout)


def test_the_eager_pane_draws_each_node_as_it_would_draw_it_afresh() -> None:
    """EagerPane keeps the folded view, the labels and the layout from one drawing to the
    next: after every node (drawn twice, as grow and a drawing after it ask), and after a
    gradient arrives, its drawing is the one made from a fresh fold_view and fresh labels on
    a map fed the same nodes."""
    from dataclasses import replace

    from tui.drawing.fold import Folding, fold_view
    from tui.drawing.labels import label_of
    from tui.drawing.pane import Drawing, EagerPane, map_draw
    from tui.view.model import GraphModel

    room = eager_room("torch-tensors", (80, 24))
    pane = EagerPane(room)
    ref = EagerMap()
    (events,) = loop_events(1, "torch-tensors")
    graph = GraphModel("eager:0", "eager", iteration=0)
    pane.show(graph)
    ref.start(first_way(pane.pref, *room), room)
    for k, ev in enumerate(events):
        graph.add(ev)
        if k == len(events) // 2:  # a gradient arrives: the first leaf's label says so
            first = next(iter(graph.nodes.values()))
            first.grad = "∇ 0.5"
        pane.grow()
        got = pane.drawing()
        view = fold_view(graph, Folding())
        labels = {vid: label_of(graph, view, vid) for vid, _ in view.nodes}
        want = Drawing(map_draw(ref, graph, view.nodes, labels), view, labels, ref.way[1])
        assert got is not None
        assert got.view.nodes == want.view.nodes, k
        assert got.labels == want.labels, k
        assert got.layout == want.layout, k
        assert pane.drawing() == got, k
    assert any(label.grad for label in got.labels.values())
    assert replace(got.labels[first.id], grad=False) != got.labels[first.id]


def test_the_backward_pass_grows_with_few_crossings() -> None:
    """torch-tensors' first iteration in a 160x48 terminal (a 110x28 pane): its backward pass
    reads the forward pass two bands up; its long edges go round other edges' runs where a
    short way round is free, so the drawing crosses at most 30 times (41 where a crossing
    cost three cells), no two edges of different sources and targets sharing a cell."""
    from tui.drawing.quality import measure

    *_, drawing = grown("torch-tensors", (160, 48))[1]
    quality = measure(drawing.layout, ())
    assert quality.shared == 0
    assert quality.crossings <= 30, quality.crossings

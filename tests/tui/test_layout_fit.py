"""It fits: the graphs a class sees are whole in their panes at the sizes a lecture uses.

The default scene at 160x48, 120x36 and 80x24 (one pane at a time) through ``cgviz layout``'s
pane sizes (checked against the app's own in ``test_layout_cli.py``), and presentation mode at
120x36 in the running app, where every TensorFlow scene's static graph must be whole.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.tui.conftest import CPU_FACTS
from tests.tui.test_layout import assert_clean
from tests.tui.test_layout_layered import CHAIN
from tui.drawing.fit import fits, tight
from tui.drawing.plan import layout_full

scenes = pytest.importorskip("engine.scenes")


def test_a_drawing_without_its_margin_is_the_same_drawing_one_cell_in() -> None:
    layout = layout_full(CHAIN, "TB", 1, 15)
    bare = tight(layout)
    assert bare.width <= layout.width - 2 and bare.height == layout.height - 2
    assert not fits(layout, bare.width, bare.height) and fits(bare, bare.width, bare.height)
    dx = layout.boxes["x"].x - bare.boxes["x"].x
    dy = layout.boxes["x"].y - bare.boxes["x"].y
    assert dx >= 1 and dy == 1
    for n, box in layout.boxes.items():
        assert bare.boxes[n] == type(box)(box.x - dx, box.y - dy, box.w, box.h), n
    for old, new in zip(layout.edges, bare.edges, strict=True):
        assert [(x - dx, y - dy) for x, y in old.points] == list(new.points)
    assert_clean(bare)
    assert min(b.y for b in bare.boxes.values()) == 0 == min(b.x for b in bare.boxes.values())


def _cli_layout(scene: str, size: str) -> dict[str, Any]:
    import contextlib
    import io
    import json

    from tui.cli.main import run_cli

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert run_cli(["layout", "--scene", scene, "--size", size, "--json"]) == 0
    return json.loads(out.getvalue())


@pytest.mark.parametrize("size", ["160x48", "120x36", "80x24"])
def test_the_default_scene_shows_both_whole_graphs(size: str) -> None:
    data = _cli_layout("two-layer", size)
    assert {g["pane"] for g in data["graphs"]} == {"static", "eager"}
    for g in data["graphs"]:
        w, h = g["room"]
        assert g["width"] <= w and g["height"] <= h, (size, g["pane"], g["width"], g["height"])


@pytest.mark.parametrize("scene", ["tf-optimizer", "serialization", "tf-variables", "tf-group"])
def test_a_tensorflow_scene_fits_at_160x48(scene: str) -> None:
    (g,) = _cli_layout(scene, "160x48")["graphs"]
    w, h = g["room"]
    assert g["pane"] == "static" and g["width"] <= w and g["height"] <= h, (g["room"], g)


OVER_AT_80X24: dict[str, str] = {}
"""Scenes with a graph still larger than its pane at 80x24 (one pane at a time)."""


@pytest.mark.parametrize(
    "scene",
    [
        pytest.param(n, marks=pytest.mark.xfail(reason=OVER_AT_80X24[n], strict=True))
        if n in OVER_AT_80X24
        else n
        for n in scenes.SCENES
    ],
)
def test_every_graph_of_a_scene_fits_one_pane_at_80x24(scene: str) -> None:
    data = _cli_layout(scene, "80x24")
    assert data["graphs"], scene
    for g in data["graphs"]:
        w, h = g["room"]
        assert g["width"] <= w and g["height"] <= h, (g["pane"], g["width"], g["height"], w, h)


TENSORFLOW = [
    name
    for name, scene in scenes.SCENES.items()
    if scene.section != "pytorch" and name != "torch-graph"
]


@pytest.mark.parametrize("scene", TENSORFLOW)
async def test_presentation_mode_at_120x36_shows_the_whole_static_graph(scene: str) -> None:
    from tui.app.cgviz_app import make_app

    app = make_app(
        scene=scene,
        deterministic=True,
        speed="full",
        iterations=1,
        present=True,
        gpu_status=lambda: (False, "no cupy (test)"),
        device_info=lambda name: dict(CPU_FACTS),
    )
    async with app.run_test(size=(120, 36)) as pilot:
        await app.workers.wait_for_complete()
        app.drain()
        await pilot.pause()
        view = app.static_graph
        assert view.display and view.graph is not None and view.graph.nodes, scene
        room = view.scrollable_content_region
        whole = view.virtual_size
        assert whole.width <= room.width and whole.height <= room.height, (scene, whole, room)


@pytest.mark.parametrize("scene", ["serialization", "tf-variables", "tf-group"])
def test_a_graph_wrapped_to_fit_80x24_is_whole_and_shares_no_runs(scene: str) -> None:
    """The TensorFlow scenes that fit 80x24 only wrapped (their collectors as ordinary boxes,
    initial values folded into their variables where that is what it takes) draw every box,
    every edge, and no two edges of different sources in one cell."""
    from tui.drawing.layout import Box, Edge, Layout
    from tui.drawing.quality import measure

    (g,) = _cli_layout(scene, "80x24")["graphs"]
    w, h = g["room"]
    assert g["width"] <= w and g["height"] <= h, (g["width"], g["height"], w, h)
    layout = Layout(g["orientation"])
    layout.boxes = {n["id"]: Box(n["x"], n["y"], n["w"], n["h"]) for n in g["nodes"]}
    layout.edges = [Edge(e["src"], e["dst"], tuple(map(tuple, e["points"]))) for e in g["edges"]]
    layout.width, layout.height = g["width"], g["height"]
    assert_clean(layout)
    ids = {n["id"] for n in g["nodes"]}
    assert all(e["src"] in ids and e["dst"] in ids for e in g["edges"])
    assert measure(layout, ()).shared == 0
    if scene != "serialization":  # w1 says its initial value on its card: no random_normal/
        labels = [n["label"] for n in g["nodes"]]
        assert "w1" in labels and not any("random_normal" in x for x in labels), labels


def test_tf_group_at_80x24_draws_its_control_edges_whole_and_apart() -> None:
    """The scene's point is the dummy node ``updates`` (a NoOp) that depends on the updates:
    at 80x24 its drawing keeps every control edge (``updates`` on the two assigns, ``init``
    on the two variables), fits the pane, and no two edges of different sources share a cell."""
    from tui.drawing.layout import Box, Edge, Layout
    from tui.drawing.quality import measure

    (g,) = _cli_layout("tf-group", "80x24")["graphs"]
    w, h = g["room"]
    assert g["width"] <= w and g["height"] <= h, (g["width"], g["height"], w, h)
    control = {(e["src"], e["dst"]) for e in g["edges"] if e.get("kind") == "control"}
    assert control == {
        ("Assign", "group_deps"),
        ("Assign_1", "group_deps"),
        ("scope:Variable", "init"),
        ("scope:Variable_1", "init"),
    }, control
    layout = Layout(g["orientation"])
    layout.boxes = {n["id"]: Box(n["x"], n["y"], n["w"], n["h"]) for n in g["nodes"]}
    layout.edges = [Edge(e["src"], e["dst"], tuple(map(tuple, e["points"]))) for e in g["edges"]]
    layout.width, layout.height = g["width"], g["height"]
    assert_clean(layout)
    assert measure(layout, ()).shared == 0


@pytest.mark.parametrize("scene", ["tf-group", "tf-optimizer"])
def test_a_drawing_kept_for_the_next_key_is_the_one_drawn_afresh(scene: str) -> None:
    """The static pane keeps the drawings, wraps and routes it made (the keys o and z ask for
    ways tried before; the graph as built is drawn in each way for its graph as run's room,
    then in it): what f, o, g and z draw next, and then from each of those, is the same
    drawing as one made with nothing kept."""
    from tui.cli.layout import _scene_events
    from tui.drawing import fit
    from tui.drawing.fold import Folding
    from tui.drawing.pane import pane_orientation, static_drawing
    from tui.view.state import ViewState
    from tui.widgets.graph_view import key_steps

    events, _, _ = _scene_events(scene, 3)
    state = ViewState(fake_timings=True)
    for ev in events:
        state.apply(ev)
    graph = state.graphs["static"]
    assert graph is not None and graph.derived is not None  # g has a graph as run to show
    for room in ((78, 18), (118, 22)):
        fit.forget()
        start = (graph, Folding(), (pane_orientation(*room), True, "auto"))
        first = static_drawing(graph, room, start[1], *start[2])
        for shown in key_steps(start, first.layout.orientation):
            kept = static_drawing(shown[0], room, shown[1], *shown[2])
            turned = key_steps(shown, kept.layout.orientation)[1]  # o, then z from there
            again = static_drawing(turned[0], room, turned[1], *turned[2])
            fit.forget()
            for was, (g, folding, way) in ((kept, shown), (again, turned)):
                fresh = static_drawing(g, room, folding, *way)
                fit.forget()
                assert (was.layout, was.box, was.labels) == (
                    fresh.layout,
                    fresh.box,
                    fresh.labels,
                ), (scene, room, folding, way)
            static_drawing(graph, room, start[1], *start[2])


def test_a_graph_that_gathers_no_collector_is_not_ordered_for_a_gathered_wrap(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A static pane's last resort wraps its graph with each collector gathered under its
    inputs (:func:`tui.drawing.fit.wrap_gathered`): a graph with none (every scope unfolded)
    has no such plan, found from its layers alone, before ordering them; a graph with one
    gets the very plan ``Plan(nodes, gather=True)`` makes."""
    from tests.tui.test_layout_layered import _scene_graphs
    from tui.drawing import fit, plan
    from tui.drawing.plan import Plan

    graphs = _scene_graphs()
    real = plan.order
    ordered = []

    def order(ranking):  # type: ignore[no-untyped-def]
        ordered.append(ranking)
        return real(ranking)

    monkeypatch.setattr(plan, "order", order)
    seen = set()
    for _, nodes in graphs:
        fit.forget()
        ordered.clear()
        found = fit.gathered_plan(nodes)
        whole = Plan(nodes, gather=True)
        if not whole.ranking.gathered:
            assert found is None and len(ordered) == 1  # (only ``whole``'s)
        else:
            assert found is not None
            assert found.ranking == whole.ranking and found.ordered == whole.ordered
        seen.add(found is None)
    assert seen == {True, False}


def test_a_static_drawing_folds_and_labels_each_folding_once(monkeypatch) -> None:
    """Where nothing fits (tf-group in an 80x24 terminal's static pane), the pane falls back
    to folding more and then wraps with each folding again: each folding is folded, and each
    box labelled, once a drawing."""
    from collections import Counter

    from tui.cli.layout import _scene_events
    from tui.drawing import fit, pane
    from tui.drawing.fold import Folding
    from tui.view.state import ViewState

    events, _, _ = _scene_events("tf-group", 1)
    state = ViewState(fake_timings=True)
    for ev in events:
        state.apply(ev)
    graph = state.graphs["static"]
    assert graph is not None
    folded: Counter[tuple[int, Folding]] = Counter()
    labelled: Counter[object] = Counter()
    real_fold, real_label = pane.fold_view, pane.label_of
    monkeypatch.setattr(
        pane, "fold_view", lambda g, f: folded.update([(id(g), f)]) or real_fold(g, f)
    )
    monkeypatch.setattr(
        pane, "label_of", lambda g, v, n: labelled.update([(id(v), n)]) or real_label(g, v, n)
    )
    fit.forget()
    pane.static_drawing(graph, (78, 18), Folding(), "TB", False, "mini")
    mine = [n for (g, _), n in folded.items() if g == id(graph)]  # (not its graph as run's)
    assert len(mine) > 1 and set(mine) == {1}
    assert set(labelled.values()) == {1}

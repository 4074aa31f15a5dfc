"""The static graph as built and as run (after the graph passes), from events alone."""

from __future__ import annotations

from typing import Any

from engine.events import EventStream, recording
from tests.tui.conftest import build_app, finish
from tests.tui.synthetic import STATIC, SyntheticScene
from tui.view.captions import passes_summary
from tui.view.rewrites import as_run, pass_counts
from tui.view.state import ViewState


def _events(**options: Any) -> list[dict[str, Any]]:
    stream = EventStream()
    with recording(stream) as events:
        SyntheticScene(stream=stream, optimized=True, **options).run(iterations=2)
    return events


def _state(events: list[dict[str, Any]]) -> ViewState:
    state = ViewState(fake_timings=True)
    for ev in events:
        state.apply(dict(ev))
    return state


def test_as_run_replays_the_passes() -> None:
    state = _state(_events())
    built, run = state.graphs["static"], state.as_run
    assert built is not None and run is not None
    assert len(built.nodes) == len(STATIC) == 27 and len(run.nodes) == 22
    names = {n.name: n for n in run.nodes.values()}
    assert "pow" not in names and "Sum" not in names and "random_normal" not in names
    fused = names["Maximum"]
    assert fused.op == "_FusedMatMul" and fused.fused == ("MatMul", "Maximum")
    assert names["Mean"].fused == ("pow", "Sum", "Mean")
    # replaced ids are redirected: the ReLU gradient reads the fused node, not MatMul
    select = names["gradients/Maximum_grad/Select"]
    assert fused.id in select.inputs and 6 not in select.inputs
    # the fused kernels ran, in both views, sharing one timing history per node
    assert fused.state == "done" and built.nodes[fused.id].state == "done"
    assert fused.stats is built.nodes[fused.id].stats and fused.stats.count == 2
    # shared nodes keep the built graph's order
    order = [n.name for n in run.nodes.values()]
    assert order.index("Placeholder") < order.index("Maximum") < order.index("MatMul_1")


def test_summary_counts_from_the_reports() -> None:
    state = _state(_events())
    steps, before, after = pass_counts(state.rewrites) or ([], 0, 0)
    assert steps == [("prune", 2), ("fuse_matmul", 1), ("fuse_elementwise", 2)]
    assert (before, after) == (27, 22)
    assert passes_summary(state.rewrites) == (
        "27 → 22 nodes · passes: pruning −2, fusion −1, elementwise fusion −2"
    )
    assert "노드 27 → 22개" in passes_summary(state.rewrites, "ko")
    assert passes_summary([]) == "no graph pass changed the graph"


def test_summary_fits_a_narrow_pane() -> None:
    """The as-run subtitle names the passes that removed the most nodes and counts the rest,
    instead of being cut off by the border."""
    from tui.view.captions import pane_subtitle

    state = _state(_events())
    assert passes_summary(state.rewrites, short=True, keep=1) == (
        "27 → 22 nodes · prune −2, +2 more"
    )
    for width in (30, 40, 50, 80):
        text = pane_subtitle(state, "static", as_run=True, width=width)
        assert text.startswith("27 → 22 nodes") or text.startswith("Session.run")
        assert len(text) <= width or text == "27 → 22 nodes · +3 more"


def test_a_graph_without_passes_is_its_plan() -> None:
    state = _state([ev for ev in _events() if ev["kind"] != "graph_rewritten"])
    built, run = state.graphs["static"], state.as_run
    assert built is not None and run is not None
    assert set(run.nodes) == built.plan


def test_as_run_is_a_pure_function_of_the_events() -> None:
    events = _events()
    a, b = _state(events).as_run, _state(events).as_run
    assert a is not None and b is not None
    assert [(n.id, n.name, n.inputs) for n in a.nodes.values()] == [
        (n.id, n.name, n.inputs) for n in b.nodes.values()
    ]
    built = _state(events).graphs["static"]
    assert built is not None
    again = as_run(built, _state(events).rewrites, sorted(a.nodes))
    assert list(again.nodes) == list(a.nodes)


async def test_toggle_switches_the_static_pane() -> None:
    app = build_app(iterations=2, scene_options={"optimized": True})
    async with app.run_test(size=(160, 48)) as pilot:
        await finish(pilot)
        view = app.static_graph
        assert view.graph is app.state.graphs["static"] and len(view.graph.nodes) == 27
        assert view.border_title == "static graph · TensorFlow 1 · as built"
        # as built, the parts of a fused kernel count as run (they ran inside it)
        assert view.border_subtitle == "Session.run #2 · 25 of 27 nodes run"
        await pilot.press("g")
        assert view.graph is app.state.as_run and len(view.graph.nodes) == 22
        assert view.border_title == "static graph · TensorFlow 1 · as run"
        assert view.border_subtitle.startswith("27 → 22 nodes · ")
        assert "_FusedMatMul" in view.drawing_text()
        view.box_size = "full"  # a full box also says what it fused
        assert "MatMul+Maximum" in view.drawing_text()
        # boxes both views share stay where they were (each as wide as its own label, on
        # the same port: top to bottom its middle column, left to right its left side)
        tb = view.layout_.orientation == "TB"

        def port(box: Any) -> tuple[int, int]:
            return (box.x + box.w // 2, box.y) if tb else (box.x, box.y)

        both = [
            nid
            for nid in view.layout_.boxes
            if isinstance(nid, int)
            and nid in app.state.graphs["static"].nodes
            and nid in app.state.as_run.nodes
        ]
        after = {nid: port(view.layout_.boxes[nid]) for nid in both}
        await pilot.press("g")
        assert view.graph is app.state.graphs["static"]
        assert view.border_title.endswith("as built")
        before = {nid: port(view.layout_.boxes[nid]) for nid in both}
        assert before == after


async def test_toggle_from_the_palette_and_before_any_run() -> None:
    app = build_app(iterations=1, autostart=False)
    async with app.run_test(size=(160, 48)) as pilot:
        app.set_as_run(True)
        await pilot.pause()
        assert app.static_graph.border_title.endswith("as run")
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "view: static graph as built / as run" in titles


def test_parts_of_a_fused_kernel_light_up_with_it_in_the_graph_as_built() -> None:
    from tui.view.state import ViewState

    state = ViewState()
    node = {
        "kind": "node_created",
        "graph": "static:1",
        "mode": "static",
        "inputs": [],
        "shape": [2, 2],
        "dtype": "float32",
        "device": "cpu",
        "scope": "",
    }
    for ev in (
        {"kind": "graph_created", "graph": "static:1", "mode": "static", "name": "g"},
        {**node, "node": 0, "name": "Placeholder", "op": "Placeholder"},
        {**node, "node": 1, "name": "MatMul", "op": "MatMul", "inputs": [0]},
        {**node, "node": 2, "name": "Maximum", "op": "Maximum", "inputs": [1]},
        {**node, "node": 3, "name": "Assign", "op": "Assign", "inputs": [2]},
        {
            "kind": "graph_rewritten",
            "graph": "static:1",
            "pass": "fuse_matmul",
            "removed": [1],
            "added": [],
            "replaced": {"1": 2},
            "stats": {"nodes_before": 4, "nodes_after": 3},
        },
        {"kind": "run_started", "graph": "static:1", "run": 1, "fetches": [2], "plan": [0, 2]},
    ):
        state.apply(ev)
    built = state.graphs["static"]
    assert [built.nodes[i].state for i in range(4)] == ["pending", "pending", "pending", "pruned"]
    for kind in ("node_started", "node_finished"):
        state.apply(
            {
                "kind": kind,
                "graph": "static:1",
                "node": 2,
                "device": "cpu",
                "dur_ns": 5,
                "fused": ["MatMul", "Maximum"],
            }
        )
    assert built.nodes[1].state == built.nodes[2].state == "done"
    assert built.nodes[3].state == "pruned"  # not fetched: stays dimmed


def test_runs_of_one_plan_share_one_graph_as_run_with_or_without_passes() -> None:
    """The graph as run is made again only when the plan or the passes change: a new one each
    run made both static drawings (as run, and as built, drawn on its layers) again."""
    for optimized in (False, True):
        stream = EventStream()
        with recording(stream) as events:
            SyntheticScene(stream=stream, optimized=optimized).run(iterations=2)
        state = ViewState(fake_timings=True)
        seen: list[object] = []
        for ev in events:
            state.apply(dict(ev))
            if state.as_run is not None and (not seen or seen[-1] is not state.as_run):
                seen.append(state.as_run)
        plans = {tuple(e["plan"]) for e in events if e.get("kind") == "run_started"}
        runs = sum(e.get("kind") == "run_started" for e in events)
        assert runs == 2 and len(plans) == 1 and len(seen) == 1, (optimized, len(seen))

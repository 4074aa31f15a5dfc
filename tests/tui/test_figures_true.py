"""Figures on screen are true: what the view state says about a real engine run."""

from __future__ import annotations

import pytest

from tui.view.state import ViewState

scenes = pytest.importorskip("engine.scenes")


def folded_run(scene: str, iterations: int = 1) -> tuple[ViewState, list[dict]]:
    from engine.events import STREAM

    events: list[dict] = []
    undo = STREAM.subscribe(events.append)
    try:
        scenes.SCENES[scene].run(device="cpu", iterations=iterations, seed=0)
    finally:
        undo()
    state = ViewState(fake_timings=True)
    for ev in events:
        state.apply(ev)
    return state, events


@pytest.mark.parametrize("scene", ["two-layer", "tf-train", "tf-losses"])
def test_a_node_the_fetches_need_is_never_drawn_pruned(scene: str) -> None:
    state, events = folded_run(scene)
    graph = state.graphs["static"]
    assert graph is not None and graph.plan is not None
    last_run = [e for e in events if e["kind"] == "run_started"][-1]
    needed = graph.ancestors([int(f) for f in last_run["fetches"]])
    wrongly = sorted(graph.nodes[n].name for n in needed if graph.nodes[n].state == "pruned")
    assert not wrongly, f"{scene}: needed but drawn pruned: {wrongly}"
    executed = set(last_run["plan"])
    folded = needed - executed
    assert all(graph.nodes[n].state == "done" for n in folded)
    # and "pruned" still means something: nodes outside the fetches' closure stay pruned
    unneeded = set(graph.nodes) - needed - executed
    assert all(graph.nodes[n].state == "pruned" for n in unneeded)


def test_the_default_scene_folds_constants_it_still_draws_done() -> None:
    state, events = folded_run("two-layer")
    graph = state.graphs["static"]
    assert graph is not None
    last_run = [e for e in events if e["kind"] == "run_started"][-1]
    consts = {n.name for n in graph.nodes.values() if n.op == "Const"}
    not_run = {graph.nodes[n].name for n in graph.nodes if n not in set(last_run["plan"])}
    shown_done = {n.name for n in graph.nodes.values() if n.state == "done"}
    # the graph passes fold some of the loss's constants; they are needed, so they read done
    assert consts & not_run, "expected folded constants in the default scene"
    assert (consts & not_run) <= shown_done

"""The view state survives pickling: a replay saves it at each segment's start (pickled and
compressed) and folds on from there, so a state restored mid-run must give the same picture
as the one that never stopped."""

from __future__ import annotations

import pickle
from typing import Any

import pytest

from engine.events import recording
from engine.scenes import get_scene
from tui.view.state import ViewState


def picture(state: ViewState) -> Any:
    """What the screen shows of a state: nodes and their figures, counts, losses, panels."""
    graphs = {
        mode: None
        if graph is None
        else sorted(
            (n.id, n.name, n.state, n.last_ns, n.grad, n.stats.count) for n in graph.nodes.values()
        )
        for mode, graph in state.graphs.items()
    }
    devices = {
        name: (
            sorted((op, s.count, s.total_ns, s.flops) for op, s in stats.ops.items()),
            {mode: list(times) for mode, times in stats.iterations.items()},
        )
        for name, stats in state.devices.items()
    }
    losses = {mode: list(points) for mode, points in state.loss.items()}
    return graphs, devices, losses, dict(state.iteration), dict(state.done), state.events


@pytest.mark.parametrize("scene", ["two-layer", "tf-optimizer", "torch-nn"])
def test_a_state_restored_mid_run_folds_on_to_the_same_picture(scene: str) -> None:
    with recording() as events:
        get_scene(scene).run(iterations=3, small=True)
    whole, restored = ViewState(fake_timings=True), ViewState(fake_timings=True)
    half = len(events) // 2
    for ev in events[:half]:
        whole.apply(ev)
        restored.apply(ev)
    restored = pickle.loads(pickle.dumps(restored))
    assert picture(restored) == picture(whole)
    for ev in events[half:]:
        whole.apply(ev)
        restored.apply(ev)
    assert picture(restored) == picture(whole)
    assert any(g is not None for g in picture(whole)[0].values()), "the scene drew something"

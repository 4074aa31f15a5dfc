"""The eager pane folds an optimizer's update (ops under torch.no_grad()) into one box."""

from __future__ import annotations

import pytest

from tui.drawing.fold import PREFIX, Folding, fold_view
from tui.view.state import ViewState

scenes = pytest.importorskip("engine.scenes")


def eager_graph():
    from engine.events import STREAM

    events: list[dict] = []
    undo = STREAM.subscribe(events.append)
    try:
        scenes.SCENES["two-layer"].run(device="cpu", iterations=1, seed=0, side="eager")
    finally:
        undo()
    state = ViewState(fake_timings=True)
    for ev in events:
        state.apply(ev)
    graph = state.graphs["eager"]
    assert graph is not None
    return graph


def test_the_update_folds_into_one_box_with_the_gradients_it_reads() -> None:
    graph = eager_graph()
    view = fold_view(graph, Folding())
    box = view.folds[PREFIX + "no_grad"]
    names = sorted(graph.nodes[m].name for m in box.members)
    assert names == ["mul", "mul", "sub_", "sub_", "w1.grad", "w2.grad", "zero_", "zero_"]
    shown = [graph.nodes[v].name if isinstance(v, int) else v for v, _ in view.nodes]
    assert shown == [
        "x",
        "w1",
        "mm",
        "clamp",
        "w2",
        "mm",
        "y",
        "sub",
        "pow",
        "sum",
        "scope:no_grad",
    ]
    inputs = dict(view.nodes)[PREFIX + "no_grad"]
    assert {graph.nodes[i].name for i in inputs} == {"w1", "w2"}  # the update writes them


def test_unfolding_shows_every_op_again() -> None:
    graph = eager_graph()
    view = fold_view(graph, Folding(unfold_all=True))
    assert not view.folds and len(view.nodes) == len(graph.nodes) == 18

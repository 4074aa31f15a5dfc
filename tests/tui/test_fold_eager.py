"""The eager pane folds an optimizer's update (ops under torch.no_grad()) into one box."""

from __future__ import annotations

import pytest

from tui.drawing.fold import PREFIX, Folding, fold_view
from tui.view.state import ViewState

scenes = pytest.importorskip("engine.scenes")


def eager_graph(scene: str = "two-layer"):
    from engine.events import STREAM

    events: list[dict] = []
    undo = STREAM.subscribe(events.append)
    try:
        side = {"side": "eager"} if scene == "two-layer" else {}
        scenes.SCENES[scene].run(device="cpu", iterations=1, seed=0, **side)
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


def test_a_module_is_one_box_with_its_parameters_and_the_input_stays_drawn() -> None:
    """torch-module: TwoLayerNet's linear1 and linear2 are boxes, its own clamp is drawn
    between them, the input x stays a box of its own (a module alone reads it)."""
    graph = eager_graph("torch-module")
    view = fold_view(graph, Folding())
    linear1 = view.folds[PREFIX + "linear1"]
    names = {graph.nodes[m].name for m in linear1.members}
    assert {"linear1.weight", "linear1.bias"} <= names
    shown = [graph.nodes[v].name if isinstance(v, int) else v for v, _ in view.nodes]
    forward = [s for s in shown if s in ("x", "scope:linear1", "clamp", "scope:linear2")]
    assert forward == ["x", "scope:linear1", "clamp", "scope:linear2"], shown
    assert not any(s.startswith("linear") and "." in s for s in shown), "parameters folded"

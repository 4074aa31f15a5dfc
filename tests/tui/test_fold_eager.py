"""The eager pane folds an optimizer's update (ops under torch.no_grad()) into one box, and
a module's parts (its parameters, its buffers) into the module's box."""

from __future__ import annotations

import pytest

from tui.drawing.fold import PREFIX, Folding, fold_view
from tui.drawing.labels import UPDATES, label_of
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
    return folded(events)


def folded(events: list[dict]):
    """The eager graph these events make."""
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


BUFFERS = ["1.num_batches_tracked", "1.running_mean", "1.running_var"]
"""The buffers of the BatchNorm1d below, named as ``model.named_buffers()`` names them."""


def batch_norm_graph(double: bool = False):
    """The eager graph of a training loop's last iteration through Linear -> BatchNorm1d ->
    ReLU -> Linear (in training mode: the BatchNorm updates its running statistics);
    ``double``: the model moved to float64 first (``model.double()`` makes new buffers)."""
    import engine.eager as torch
    from engine.eager import tracing
    from engine.events import recording

    tracing.reset(restart=True)  # a fresh trace: this loop's first iteration is announced
    torch.manual_seed(0)
    x, y = torch.randn(8, 6), torch.randn(8, 3)
    model = torch.nn.Sequential(
        torch.nn.Linear(6, 5), torch.nn.BatchNorm1d(5), torch.nn.ReLU(), torch.nn.Linear(5, 3)
    )
    if double:
        model, x, y = model.double(), x.double(), y.double()
    loss_fn = torch.nn.MSELoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=1e-2)
    with recording() as events:
        for _ in range(2):
            loss = loss_fn(model(x), y)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            torch.new_iteration()
    return folded(events)


@pytest.mark.parametrize("double", [False, True], ids=["float32", "moved-to-float64"])
def test_a_batch_norms_buffers_are_drawn_in_its_box_which_marks_their_update(
    double: bool,
) -> None:
    """Folded, running_mean, running_var and num_batches_tracked are inside the BatchNorm
    box with its weight and bias (no leaf of theirs drawn beside it, no edge from one into
    it), and the box's label says that it updates them."""
    graph = batch_norm_graph(double)
    view = fold_view(graph, Folding())
    box = view.folds[PREFIX + "BatchNorm1d_1"]
    names = [graph.nodes[m].name for m in box.members]
    assert set(BUFFERS) | {"1.weight", "1.bias"} <= set(names), names
    assert len(box.members) == len(set(box.members)), "each member counted once"
    assert sorted(graph.nodes[m].name for m in box.writes) == BUFFERS
    shown = [graph.nodes[v].name if isinstance(v, int) else v for v, _ in view.nodes]
    assert not any("running" in s or "batches" in s for s in shown), shown
    assert dict(view.nodes)[box.vid] == [PREFIX + "Linear_0"]  # its input, no buffer's edge
    label = label_of(graph, view, box.vid)
    assert label.updates and label.mini(20).endswith(UPDATES), label.mini(20)
    assert label.title("compact", 22).endswith(UPDATES)
    linear = label_of(graph, view, PREFIX + "Linear_0")  # its parameters: the optimizer's
    assert not linear.updates and UPDATES not in linear.mini(20)


def test_a_batch_norms_card_names_the_state_its_mark_stands_for() -> None:
    from tui.widgets.node_card import card_text

    graph = batch_norm_graph()
    view = fold_view(graph, Folding())
    card = card_text(graph, None, view.folds[PREFIX + "BatchNorm1d_1"]).splitlines()
    assert card[1] == f"{UPDATES} updates its own {', '.join(BUFFERS)} as it runs", card
    linear = card_text(graph, None, view.folds[PREFIX + "Linear_0"])
    assert UPDATES not in linear


def test_unfolded_a_batch_norms_buffers_are_drawn_by_name() -> None:
    graph = batch_norm_graph()
    view = fold_view(graph, Folding(unfold_all=True))
    shown = {label_of(graph, view, v).name for v, _ in view.nodes}
    assert set(BUFFERS) <= shown, sorted(shown)


def test_an_update_box_that_zeroes_gradients_is_not_marked() -> None:
    """two-layer's no_grad box zeroes w1.grad in place: a gradient, no state of its own."""
    graph = eager_graph()
    view = fold_view(graph, Folding())
    assert all(not box.writes for box in view.folds.values())
    assert not label_of(graph, view, PREFIX + "no_grad").updates


def test_a_module_box_is_found_by_the_name_it_shows() -> None:
    """Typing what a folded module's box says (``BatchNorm1d_1``, or part of it) finds its
    nodes: "/ BatchNorm" found nothing, its ops being named as PyTorch names them."""
    from tui.view.search import find

    graph = batch_norm_graph()
    for query in ("BatchNorm1d_1", "batchnorm"):
        found = find(graph, query)
        assert found and {graph.nodes[n].fold_key for n in found} == {"BatchNorm1d_1"}
    view = fold_view(graph, Folding())
    assert view.vid_of[find(graph, "BatchNorm")[0]] == PREFIX + "BatchNorm1d_1"

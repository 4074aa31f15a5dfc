"""The event folder: bounded memory over long runs, seq gaps counted, errors kept."""

from __future__ import annotations

from engine.events import EventStream, recording
from tests.tui.synthetic import SyntheticScene
from tui.engine_link.runner import Runner
from tui.view.state import LOSS_HISTORY, ViewState
from tui.view.stats import ITER_HISTORY
from tui.widgets.node_card import card_text


def events(iterations: int) -> list[dict]:
    stream = EventStream()
    with recording(stream) as out:
        SyntheticScene(stream=stream).run(iterations=iterations)
    return out


def test_long_runs_keep_every_history_bounded() -> None:
    state = ViewState()
    evs = events(LOSS_HISTORY + 50)
    for ev in evs:
        state.apply(ev)
    assert len(state.loss["eager"]) == LOSS_HISTORY
    assert len(state.devices["cpu"].iterations["eager"]) == ITER_HISTORY
    assert len(state._stats["eager"]) == 10  # one history per op of the loop, not per iteration
    eager = state.graphs["eager"]
    assert eager is not None and len(eager.nodes) == 10
    assert len(state._by_id) == 2  # only the current static and eager graphs are kept
    node = eager.nodes[4]
    assert node.stats.count == LOSS_HISTORY + 50 and len(node.stats.recent) <= 64


def test_seq_gaps_are_counted_as_dropped() -> None:
    state = ViewState()
    evs = events(2)
    for ev in evs[:10] + evs[15:]:
        state.apply(ev)
    assert state.dropped == 5


def test_runner_inbox_is_bounded_and_stop_is_prompt() -> None:
    stream = EventStream()
    runner = Runner(speed="full")
    runner.inbox = type(runner.inbox)(maxlen=100)
    runner.run(lambda: SyntheticScene(stream=stream).run(iterations=5), stream=stream)
    assert len(runner.inbox) == 100 and runner.inbox[-1]["kind"] == "runner"

    calls = []

    def target() -> None:
        for i in range(1000):
            calls.append(i)
            if i == 3:
                runner.stop()
            stream.emit("node_created", graph="g", node=i, name="n", op="op", inputs=[])

    runner.run(target, stream=stream)
    assert len(calls) == 4, "the pacer must stop the run at the next event"
    assert stream.pacer is None and not stream.active


def test_an_eager_node_runs_from_node_created_to_node_finished() -> None:
    state = ViewState()
    state.apply({"kind": "graph_created", "graph": "eager:0", "mode": "eager", "iteration": 0})
    state.apply(
        {
            "kind": "node_created",
            "graph": "eager:0",
            "node": 0,
            "name": "mm",
            "op": "MatMul",
            "inputs": [],
            "shape": [2, 2],
            "mode": "eager",
        }
    )
    node = state.graphs["eager"].nodes[0]
    assert node.state == "running" and state.current == ("eager", node)
    state.apply(
        {
            "kind": "node_finished",
            "graph": "eager:0",
            "node": 0,
            "device": "cpu",
            "dur_ns": 1000,
            "flops": 16,
        }
    )
    assert node.state == "done" and node.shape == (2, 2)
    assert state.devices["cpu"].ops["MatMul"].flops == 16


def test_an_eager_leaf_is_done_at_once() -> None:
    """A Leaf (an input tensor the loop uses) computes nothing: no node_finished comes."""
    state = ViewState()
    state.apply({"kind": "graph_created", "graph": "eager:0", "mode": "eager", "iteration": 0})
    state.apply(
        {
            "kind": "node_created",
            "graph": "eager:0",
            "node": 0,
            "name": "x",
            "op": "Leaf",
            "inputs": [],
            "shape": [2, 2],
            "mode": "eager",
        }
    )
    assert state.graphs["eager"].nodes[0].state == "done"


def test_static_nodes_carry_the_listing_variable_and_the_card_shows_both_names() -> None:
    state = ViewState()
    for ev in events(1):
        state.apply(ev)
    static = state.graphs["static"]
    assert static is not None
    by_name = {n.name: n for n in static.nodes.values()}
    assert (by_name["Placeholder"].var, by_name["Placeholder"].label) == ("x", "x")
    assert (by_name["Maximum"].label, by_name["MatMul"].label) == ("h", "MatMul")
    assert by_name["MatMul"].var == ""  # made by the inner call: TF's name, as before
    card = card_text(static, by_name["Maximum"], None).splitlines()
    assert card[0].startswith("Maximum   op Maximum") and card[1] == "var     h   (TF: Maximum)"
    assert not any(
        line.startswith("var") for line in card_text(static, by_name["MatMul"], None).splitlines()
    )

"""A parallel Session.run as the view state folds it: two nodes running at once (both lit),
the worker of each node (on its card), each worker's share of the run, what ran together."""

from __future__ import annotations

import numpy as np

import engine.static as tf
from engine.events import recording
from engine.static import schedule
from tests.engine.static.test_parallel import two_branches
from tui.view.captions import cue_text, overlap_text, pane_subtitle
from tui.view.state import ViewState
from tui.widgets.node_card import card_text


def parallel_run_events(runs: int = 2) -> list[dict]:
    g = tf.Graph()
    with g.as_default():
        x, _, left, right = two_branches(48)
    config = tf.ConfigProto(inter_op_parallelism_threads=2)
    feed = {x: np.full((48, 48), 0.01, np.float32)}
    with schedule.policy("always"), recording() as events:
        with tf.Session(graph=g, config=config) as sess:
            for _ in range(runs):
                sess.run([left, right], feed)
    return events


def test_two_nodes_run_at_once_and_both_are_lit() -> None:
    state = ViewState()
    most, lit = 0, 0
    for ev in parallel_run_events():
        state.apply(ev)
        most = max(most, len(state.running["static"]))
        graph = state.graphs["static"]
        if graph is not None:
            lit = max(lit, sum(n.state == "running" for n in graph.nodes.values()))
    assert most >= 2 and lit >= 2
    assert state.running["static"] == {}, "nothing runs after the run finished"
    graph = state.graphs["static"]
    assert graph is not None
    workers = {n.worker for n in graph.nodes.values() if n.op in ("MatMul", "_FusedMatMul")}
    assert {0, 1} <= workers


def test_workers_busy_and_what_ran_together() -> None:
    state = ViewState(fake_timings=True)
    for ev in parallel_run_events():
        state.apply(ev)
    assert set(state.workers_busy) == {0, 1}
    assert all(0 < share for share in state.workers_busy.values())
    assert state.overlap["pairs"], "the run had nodes running together"
    assert state.in_order == "", "the run named workers: it ran in parallel"
    assert overlap_text(state).count("‖") == 1
    assert "eager iteration" not in overlap_text(state), "no eager side ran"
    state.devices["cpu"].iteration("eager", 2 * state.overlap["static_ns"])
    state.overlap["eager_ns"] = state.devices["cpu"].recent_median("eager")
    assert overlap_text(state).endswith("Session.run 0.50× the eager iteration")
    assert overlap_text(state, "ko").endswith("Session.run이 즉시 반복의 0.50배")
    assert cue_text(state).startswith("Session.run #2 done · ")  # the cue after the run
    assert cue_text(state).endswith(overlap_text(state))
    assert pane_subtitle(state, "static").endswith("nodes run · ‖ on 2 workers")
    assert "workers" not in pane_subtitle(state, "static", width=30), "only where it fits"


def test_a_run_in_order_names_no_workers() -> None:
    g = tf.Graph()
    with g.as_default():
        x = tf.placeholder(tf.float32, shape=(4, 4))
        y = tf.matmul(x, x) + 1.0
    state = ViewState()
    with recording() as events, tf.Session(graph=g) as sess:
        sess.run(y, {x: np.ones((4, 4), np.float32)})
    for ev in events:
        state.apply(ev)
    assert state.workers_busy == {} and state.overlap == {}
    assert state.in_order.startswith("no kernels worth running at once"), state.in_order
    assert overlap_text(state) == "Session.run in order: no kernels worth running at once"
    assert overlap_text(state, "ko") == "Session.run 순서대로 실행: 동시에 돌려 이득인 커널 없음"
    graph = state.graphs["static"]
    assert graph is not None and all(n.worker is None for n in graph.nodes.values())


def test_the_card_names_the_worker() -> None:
    state = ViewState()
    for ev in parallel_run_events(1):
        state.apply(ev)
    graph = state.graphs["static"]
    assert graph is not None
    helper = next(n for n in graph.nodes.values() if n.worker == 1)
    assert any(
        line.split() == ["worker", "1"] for line in card_text(graph, helper, None).splitlines()
    )
    plain = next(n for n in graph.nodes.values() if n.worker is None)
    assert "worker" not in card_text(graph, plain, None)


def test_a_session_with_one_worker_says_so() -> None:
    g = tf.Graph()
    with g.as_default():
        x = tf.placeholder(tf.float32, shape=(4, 4))
        y = tf.matmul(x, x) + tf.matmul(x, x)
    state = ViewState()
    config = tf.ConfigProto(inter_op_parallelism_threads=1)
    with recording() as events, tf.Session(graph=g, config=config) as sess:
        sess.run(y, {x: np.ones((4, 4), np.float32)})
    for ev in events:
        state.apply(ev)
    assert overlap_text(state) == "Session.run in order: inter_op_parallelism_threads is 1"


async def test_the_device_panel_shows_each_workers_share() -> None:
    from rich.console import Console
    from textual.app import App, ComposeResult

    from tui.widgets.device_panel import DevicePanel

    class One(App[None]):
        def compose(self) -> ComposeResult:
            yield DevicePanel("cpu")

    state = ViewState(fake_timings=True)
    for ev in parallel_run_events():
        state.apply(ev)
    async with One().run_test(size=(60, 30)) as pilot:
        panel = pilot.app.query_one(DevicePanel)
        panel.set_stats(state.devices["cpu"], state.devices["gpu"], True)
        console = Console(width=60, record=True)

        def shown() -> str:
            console.print(panel.render())
            return console.export_text()

        assert "workers" not in shown(), "no workers: no row"
        panel.busy = state.workers_busy
        row = next(line for line in shown().splitlines() if "workers" in line)
    shares = [f"{share:.0%}" for share in state.workers_busy.values()]
    assert row.split() == ["workers", "2", "busy", shares[0], "·", shares[1]]

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


async def test_restart_clears_every_count_plot_and_table() -> None:
    from tests.tui.conftest import finish
    from tests.tui.test_real_engine import real_app

    app = real_app(iterations=3)
    async with app.run_test(size=(160, 48)) as pilot:
        await finish(pilot)
        st = app.state
        assert st.iteration["eager"] == 2 and st.iteration["static"] == 3
        assert st.loss["static"] and st.loss["eager"] and st.devices["cpu"].ops and st.events
        app.runner.pause(True)  # hold the new run at its first node
        await pilot.press("r")
        await pilot.pause()
        st = app.state
        assert st.iteration == {"static": 0, "eager": 0}
        assert not st.loss["static"] and not st.loss["eager"]
        assert all(s.count == 0 for s in st.devices["cpu"].ops.values())
        assert st.events < 10 and not st.errors
        app.runner.pause(False)
        await finish(pilot)
        # the run after a restart counts from the start, as the first one did
        assert st.iteration["eager"] == 2 and st.iteration["static"] == 3
        assert len(st.loss["eager"]) == 3 and len(st.loss["static"]) == 3


async def test_a_device_switch_keeps_the_other_devices_figures() -> None:
    from tests.tui.conftest import finish
    from tests.tui.test_real_engine import real_app

    app = real_app(iterations=2)
    async with app.run_test(size=(160, 48)) as pilot:
        await finish(pilot)
        cpu = app.state.devices["cpu"]
        app.state.reset_run(keep_device="cpu")
        assert app.state.devices["cpu"] is cpu and app.state.devices["cpu"].ops
        assert not app.state.loss["eager"]


async def test_the_status_line_puts_both_sides_times_and_their_ratio() -> None:
    from tests.tui.conftest import finish
    from tests.tui.test_real_engine import real_app
    from tui.view.captions import side_times
    from tui.view.stats import fmt_ns

    app = real_app(iterations=3)
    async with app.run_test(size=(200, 48)) as pilot:
        await finish(pilot)
        s, e = side_times(app.state, "cpu")
        status = app._status_text
        assert f"eager/static {e / s:.2f}×" in status and f"Session.run {fmt_ns(s)}" in status


def test_the_static_pane_numbers_the_run_it_draws_as_the_engine_does() -> None:
    """At full speed most runs are skimmed: the engine sends their ends, not their nodes. The
    pane's subtitle names the run it draws by the engine's number, as the status line counts
    runs, not by how many runs it was shown (it read 'Session.run #15' beside 'run 3271')."""
    from engine.events import recording
    from tui.engine_link.child import Job
    from tui.view.captions import pane_subtitle

    with recording() as events:
        Job(scene="two-layer", iterations=5, seed=0, side="static")()
    skimmed = {2, 3, 4}  # runs sent as totals: no run_started, no node events
    run = 0
    state = ViewState(fake_timings=True)
    for ev in events:
        if ev["kind"] == "iteration_started":
            run = ev["iteration"]
        if run in skimmed and ev["kind"] in ("run_started", "node_started", "node_finished"):
            continue
        state.apply(ev)
    graph = state.graphs["static"]
    assert graph is not None and graph.runs == 2 and state.iteration["static"] == 5
    assert pane_subtitle(state, "static").startswith("Session.run #5 ·")


def sampled_runs(monkeypatch: pytest.MonkeyPatch, runs: int) -> list[dict]:
    """``runs`` skimmed Session.runs of one plan, only the first of which times its ops."""
    import numpy as np

    import engine.static as tf
    from engine.events import recording
    from engine.static import execute

    monkeypatch.setattr(execute, "TIMED_HZ", 1e-6)  # one sample in 11 days
    g = tf.Graph()
    with g.as_default():
        x = tf.placeholder(tf.float32, shape=(8, 16))
        w = tf.placeholder(tf.float32, shape=(16, 4))
        loss = tf.reduce_sum(tf.maximum(tf.matmul(x, w), 0.0))
    feed = {x: np.ones((8, 16), np.float32), w: np.ones((16, 4), np.float32)}
    with tf.Session(graph=g) as sess, recording(detail="totals") as events:
        for _ in range(runs):
            sess.run(loss, feed)
    return events


def test_untimed_calls_count_and_their_time_is_never_made_up(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """At full speed most skimmed runs time no op: the panel counts their calls and FLOPs,
    takes the mean per call and the GFLOP/s from the timed calls alone, and says it samples."""
    events = sampled_runs(monkeypatch, 5)
    totals = [e for e in events if e["kind"] == "op_totals"]
    timed = [e for e in totals if e["ops"]]
    assert len(timed) == 1 and all("untimed" in e for e in totals if e is not timed[0])
    state = ViewState()
    for ev in events:
        state.apply(ev)
    stats = state.devices["cpu"]
    op = max(timed[0]["ops"], key=lambda o: timed[0]["ops"][o][2])  # the (fused) MatMul
    calls, ns, flops = timed[0]["ops"][op]
    matmul = stats.ops[op]
    assert (matmul.count, matmul.timed) == (5 * calls, calls)
    assert matmul.flops == 5 * flops == 5 * (2 * 8 * 16 * 4 + 8 * 4)  # the product, its max
    assert matmul.mean_ns == ns / calls  # the timed call's own time, not spread over five
    assert matmul.total_ns == ns
    timed_flops = sum(f for _, _, f in timed[0]["ops"].values())
    assert stats.gflops == timed_flops / sum(n for _, n, _ in timed[0]["ops"].values())
    all_calls = sum(o.count for o in stats.ops.values())
    assert stats.sampled == (all_calls // 5, all_calls)


async def test_the_device_panel_says_its_op_times_are_sampled(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from rich.console import Console
    from textual.app import App, ComposeResult

    from tui.view.stats import DeviceStats
    from tui.widgets.device_panel import DevicePanel

    class One(App[None]):
        def compose(self) -> ComposeResult:
            yield DevicePanel("cpu")

    state = ViewState()
    for ev in sampled_runs(monkeypatch, 4):
        state.apply(ev)
    async with One().run_test(size=(46, 30)) as pilot:  # the side panel's width at 160x48
        panel = pilot.app.query_one(DevicePanel)
        console = Console(width=46, record=True)

        def shown(stats: DeviceStats) -> str:
            panel.set_stats(stats, DeviceStats("gpu"), True)
            console.print(panel.render())
            return console.export_text()

        row = next(line for line in shown(state.devices["cpu"]).splitlines() if "sampled" in line)
        pilot.app.lang = "ko"  # type: ignore[attr-defined]  # (what DevicePanel.lang reads)
        cpu = state.devices["cpu"]
        cpu.iterations["static"].extend(range(100_000, 200_000, 1_000))  # a long sparkline
        cpu.version += 1
        korean = shown(cpu)
        timed = DeviceStats("cpu")
        timed.op_totals("MatMul", 1, 1000, 10)
        assert "sampled" not in shown(timed), "every call timed: nothing to say"
    assert row.split() == ["op", "times", "1", "in", "4", "calls", "timed", "(sampled)"]
    # a figure of wide characters keeps its cells: nothing in the panel is cut short
    assert "4회 중 1회" in korean and "Session.run" in korean and "…" not in korean, korean

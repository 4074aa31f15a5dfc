"""Race mode: both sides at full speed, each side's rate on its own clock, who is ahead."""

from __future__ import annotations

from tests.tui.conftest import build_app, finish
from tui.view.race import elapsed, race_lines, rate
from tui.view.state import ViewState

MS = 1_000_000
US = 1_000


def raced(static_ms: float, eager_ms: float, static_n: int, eager_n: int) -> ViewState:
    """A state whose sides finished ``*_n`` iterations of ``*_ms`` each, each on a clock of
    its own (the eager process's clock starts far from the static one's)."""
    state = ViewState()
    for mode, step, n, t0 in (
        ("static", static_ms, static_n, 0),
        ("eager", eager_ms, eager_n, 10**12),
    ):
        for i in range(n):
            t = t0 + int((i + 1) * step * MS)
            kind = "run_finished" if mode == "static" else "iteration_finished"
            state.apply({"kind": kind, "mode": mode, "t_ns": t, "dur_ns": int(step * MS)})
    return state


def test_rate_and_elapsed_come_from_each_sides_own_clock() -> None:
    state = raced(static_ms=0.5, eager_ms=1.0, static_n=11, eager_n=6)
    assert rate(state, "static") == 2000.0 and rate(state, "eager") == 1000.0
    assert elapsed(state, "static") == 11 * 0.5 * MS and elapsed(state, "eager") == 6 * MS


def test_the_side_with_more_done_leads_by_its_rate() -> None:
    state = raced(static_ms=0.5, eager_ms=1.0, static_n=40, eager_n=20)
    static, eager = race_lines(state, total=100, width=100).splitlines()
    assert static.startswith("static (TensorFlow)") and "40/100" in static
    assert static.endswith("ahead ×2.00") and "ahead" not in eager
    assert "2,000 it/s" in static and "1,000 it/s" in eager


def test_when_both_are_done_the_faster_finished_first() -> None:
    state = raced(static_ms=0.5, eager_ms=1.0, static_n=10, eager_n=10)
    static, eager = race_lines(state, total=10, width=120).splitlines()
    assert "finished first: 5.00ms against 10.00ms" in static and "finished" not in eager
    assert static.count("█") == eager.count("█") > 0 and "░" not in static


def test_a_panes_time_per_iteration_is_its_whole_loops_and_agrees_with_its_rate() -> None:
    # each Session.run takes 0.5 ms, and the loop spends another 0.5 ms between runs (the
    # lecture's numpy weight update): the loop does 1,000 it/s, one per 1 ms, not per 0.5 ms
    state = ViewState()
    for i in range(10):
        t = int((i * 1.0 + 0.5) * MS)
        state.apply({"kind": "run_finished", "mode": "static", "t_ns": t, "dur_ns": MS // 2})
    static = race_lines(state, total=10, width=120).splitlines()[0]
    assert "1,053 it/s · 950.0µs/it" in static  # 10 runs in 9.5 ms, first start to last end


def test_nothing_run_yet_has_no_leader() -> None:
    lines = race_lines(ViewState(), total=50, width=80).splitlines()
    assert len(lines) == 2 and all("0/50" in line and "ahead" not in line for line in lines)


async def test_race_mode_runs_at_full_speed_and_shows_both_sides() -> None:
    app = build_app(iterations=2, race=True)
    async with app.run_test(size=(160, 48)) as pilot:
        await finish(pilot)
        assert app.race and app.runner.speed == "full" and app.screen.has_class("-race")
        cue = str(app.cue.render())
        assert "static (TensorFlow)" in cue and "eager (PyTorch)" in cue and "2/2" in cue
        assert "it/s" in str(app.static_graph.border_subtitle)
        await pilot.press("R")
        assert not app.race and not app.screen.has_class("-race")


def run(state: ViewState, mode: str, first_ns: int, steps: list[int], t0: int = 0) -> None:
    """Fold one side's race: its first run / iteration ends ``first_ns`` after the side's
    start (the static side's: its graph's creation), then one more ends after each of
    ``steps`` (ns), on a clock starting at ``t0``."""
    run_kind = "run_finished" if mode == "static" else "iteration_finished"
    if mode == "static":
        state.apply({"kind": "graph_created", "mode": "static", "graph": "g", "t_ns": t0})
    first_dur = MS if mode == "static" else first_ns  # the first run's own time
    t = t0 + first_ns
    state.apply({"kind": run_kind, "mode": mode, "t_ns": t, "dur_ns": first_dur})
    for step in steps:
        t += step
        state.apply({"kind": run_kind, "mode": mode, "t_ns": t, "dur_ns": step})


def lecture(static_pace: int = 300 * US, eager_pace: int = 500 * US, n: int = 30) -> ViewState:
    """The lecture's race: the static side builds its graph for 19 ms and runs it once in
    1 ms, then runs every ``static_pace``; the eager side's first iteration takes 1.5 ms, the
    next ones ``eager_pace``, each on a clock of its own."""
    state = ViewState()
    run(state, "static", 20 * MS, [static_pace] * n)
    run(state, "eager", 1500 * US, [eager_pace] * n, t0=10**12)
    return state


def test_the_static_race_time_includes_building_its_graph() -> None:
    state = lecture()
    assert elapsed(state, "static") == 20 * MS + 30 * 300 * US  # from the graph's creation
    assert elapsed(state, "eager") == 1500 * US + 30 * 500 * US  # from its first iteration

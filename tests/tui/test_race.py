"""Race mode: both sides at full speed, each side's rate on its own clock, who is ahead and
why (the static side's one-time cost, each side's steady time per iteration, where they cross)."""

from __future__ import annotations

import pytest
from rich.cells import cell_len

from tests.tui.conftest import build_app, finish
from tui.view.race import (
    MIN_STEPS,
    brief_ns,
    elapsed,
    race_lines,
    rate,
    trade_off,
    why_lines,
)
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
    static, eager, _ = race_lines(state, total=100, width=100).splitlines()
    assert static.startswith("static (TensorFlow)") and "40/100" in static
    assert static.endswith("ahead ×2.00") and "ahead" not in eager
    assert "2,000 it/s" in static and "1,000 it/s" in eager


def test_when_both_are_done_the_faster_finished_first() -> None:
    state = raced(static_ms=0.5, eager_ms=1.0, static_n=10, eager_n=10)
    static, eager, *_ = race_lines(state, total=10, width=120).splitlines()
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


def test_one_time_cost_steady_times_and_where_the_lines_cross() -> None:
    trade = trade_off(lecture())
    assert trade is not None
    assert trade.pace == {"static": 300 * US, "eager": 500 * US}  # medians of the loop steps
    # beyond one steady iteration: static 20 - 0.3 ms, eager 1.5 - 0.5 ms
    assert trade.once == {"static": 19_700 * US, "eager": 1 * MS}
    # 19.7 + n * 0.3 <= 1 + n * 0.5 from n = 18.7 / 0.2 = 93.5 on
    assert trade.faster == "static" and trade.after == 94
    assert trade.slow == {"static": 0, "eager": 0}
    static, eager, why, stalls = race_lines(lecture(), 500, 104, rows=4).split("\n")
    assert why == (
        "static: built once 19.7ms, then 300µs/it · eager: 500µs/it, 1st +1.00ms"
        " · static ahead after ~94 it"
    )
    assert stalls == ""


def test_in_a_race_the_status_line_gives_the_steady_times_the_race_box_gives() -> None:
    """The status line said "Session.run 358.6µs · eager 489.3µs" (the last 20 runs and
    iterations) under a race box saying "then 394µs/it · eager: 633µs/it" (the race's loop
    steps): two figures each for one side's time per iteration."""
    from types import SimpleNamespace

    from tui.view.captions import fit_status

    state = lecture()
    for mode, ns in (("static", 250 * US), ("eager", 420 * US)):  # the panels' own medians
        state.devices["cpu"].iterations[mode].extend([ns] * 3)
    runner = SimpleNamespace(running=True, paused=False, speed="full", skimmed=0)
    for lang, words in (("en", "static 300µs/it · eager 500µs/it (1.67×)"), ("ko", "정적 300µs/")):
        raced = fit_status(state, runner, "cpu", 150, lang=lang, race=True)  # type: ignore[arg-type]
        assert words in raced and "250" not in raced, raced
    calm = fit_status(state, runner, "cpu", 150)  # type: ignore[arg-type]
    assert "/it" not in calm, calm  # out of a race: the recent medians, as the panels say


def test_the_lines_and_the_stalls_add_up_to_each_sides_race_time() -> None:
    state = ViewState()
    run(state, "static", 20 * MS, [300 * US] * 20 + [50 * MS] + [300 * US] * 20)
    run(state, "eager", 1500 * US, [500 * US] * 41, t0=10**12)
    trade = trade_off(state)
    assert trade is not None and trade.slow == {"static": 50 * MS - 300 * US, "eager": 0}
    for m in ("static", "eager"):
        lines = trade.once[m] + state.done[m] * trade.pace[m] + trade.slow[m]
        assert lines == elapsed(state, m), m
    _, _, _, stalls = race_lines(state, 500, 104, rows=4).split("\n")
    assert stalls.startswith("stalls") and "static +49.7ms, eager +0ns" in stalls


def test_eager_faster_per_iteration_too_static_never_leads() -> None:
    trade = trade_off(lecture(static_pace=600 * US))
    assert trade is not None and trade.faster == "eager" and trade.after == 0
    assert why_lines(lecture(static_pace=600 * US), 104)[0].endswith("static never ahead")


def test_a_slow_first_eager_iteration_puts_static_ahead_from_the_start() -> None:
    state = ViewState()
    run(state, "static", 20 * MS, [300 * US] * 30)
    run(state, "eager", 40 * MS, [500 * US] * 30, t0=10**12)
    trade = trade_off(state)
    assert trade is not None and trade.faster == "static" and trade.after == 0
    assert why_lines(state, 104)[0].endswith("static ahead from the start")


def test_a_faster_eager_side_with_the_slower_start_pulls_ahead_later() -> None:
    state = ViewState()
    run(state, "static", 20 * MS, [600 * US] * 30)
    run(state, "eager", 40 * MS, [500 * US] * 30, t0=10**12)
    trade = trade_off(state)
    # 20 - 0.6 + n * 0.6 > 40 - 0.5 + n * 0.5 from n = 20.1 / 0.1 = 201 on
    assert trade is not None and trade.faster == "eager" and trade.after == 201
    assert "eager ahead after ~200" in why_lines(state, 104)[0]


def test_equal_paces_cross_nowhere() -> None:
    trade = trade_off(lecture(static_pace=500 * US))
    assert trade is not None and trade.faster is None
    assert why_lines(lecture(static_pace=500 * US), 104)[0].endswith("equally fast per iteration")


@pytest.mark.parametrize("steps", [0, 1, MIN_STEPS - 1])
def test_nothing_is_told_before_both_sides_ran_enough(steps: int) -> None:
    state = ViewState()
    run(state, "static", 20 * MS, [300 * US] * steps)
    run(state, "eager", 1500 * US, [500 * US] * 30, t0=10**12)
    assert trade_off(state) is None and why_lines(state, 104, rows=2) == ["", ""]
    assert trade_off(ViewState()) is None  # nothing run at all


def test_a_restart_forgets_the_race() -> None:
    state = lecture()
    state.reset_run()
    assert trade_off(state) is None and not state.first_ns and not any(state.steps.values())


@pytest.mark.parametrize("lang", ["en", "ko"])
@pytest.mark.parametrize("width", [72, 104])
def test_every_line_fits_and_says_who_finished_first(width: int, lang: str) -> None:
    state = ViewState()
    run(state, "static", 74 * MS, [417 * US] * 250 + [569 * MS] + [417 * US] * 248)
    run(state, "eager", 15 * MS, [578 * US] * 250 + [445 * MS] + [578 * US] * 248, t0=10**12)
    lines = race_lines(state, 500, width, lang, rows=4).splitlines()
    assert len(lines) == 4 and all(cell_len(line) <= width for line in lines), lines
    won = "finished first" if lang == "en" else "먼저 끝남"
    assert won in lines[1] and won not in lines[0]  # eager: it stalled less
    assert ("~370" if lang == "en" else "약 370") in lines[2]  # the lines cross at 371


def test_brief_durations_have_three_figures() -> None:
    got = [brief_ns(ns) for ns in (812, 45_600, 456_000, 999_960, 18_800_000, 1_204_000_000)]
    assert got == ["812ns", "45.6µs", "456µs", "1.00ms", "18.8ms", "1.20s"]


async def test_the_race_box_says_why_inside_its_border_at_80_columns() -> None:
    app = build_app(iterations=12, race=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await finish(pilot)
        app.update_cue()
        await pilot.pause()
        lines = str(app.cue.content).split("\n")
        assert len(lines) == 4 and lines[2].endswith("static ahead from the start"), lines
        assert "finished first" in lines[0]  # fake timings: a run 0.9 ms, an iteration 1.5 ms
        assert all(cell_len(line) <= app.cue.content_size.width for line in lines), lines

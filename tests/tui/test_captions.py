"""The one-line texts around the panes fit the room they get, never cut mid-word."""

from __future__ import annotations

from rich.cells import cell_len

from tests.tui.conftest import build_app, finish
from tui.view.captions import legend, pane_title


def test_legend_keeps_every_swatch_when_narrow() -> None:
    wide = legend("state", width=160).plain
    assert wide.startswith("colour by state:") and "pruned (not fetched)" in wide
    for width in (100, 70, 60):
        line = legend("state", width=width)
        assert line.plain.count("■") == 6 and line.cell_length <= width, line.plain
    assert "colour by state:" in legend("state", width=80).plain


def test_static_pane_title_is_short_where_the_long_one_would_be_cut() -> None:
    assert pane_title("static", width=60) == "static graph · TensorFlow 1 · as built"
    assert pane_title("static", as_run=True, width=30) == "static · TF 1 · as run"
    assert pane_title("static", width=0) == "static graph · TensorFlow 1 · as built"


async def test_status_line_and_titles_fit_a_120_column_terminal() -> None:
    app = build_app(iterations=2)
    async with app.run_test(size=(120, 36)) as pilot:
        await finish(pilot)
        await pilot.pause()
        status = str(app.status.render())
        assert len(status) <= 118 and "events" in status, status
        view = app.static_graph
        assert len(str(view.border_title)) <= view.size.width - 4
        assert len(str(view.border_subtitle)) <= view.size.width - 4


async def test_a_long_status_line_drops_its_event_count_not_its_figures() -> None:
    """At 120 columns a running default scene's short line ("... · Session.run 1.47ms · eager
    911.9µs (0.62×) · 365 events") was cut in its event count."""
    app = build_app(iterations=2)
    async with app.run_test(size=(120, 36)) as pilot:
        await finish(pilot)
        state = app.state
        for mode, ns in (("static", 1_472_000), ("eager", 911_900)):
            state.devices["cpu"].iterations[mode].extend([ns] * 3)
        state.events = 1_234_567
        app.frame.update_status()
        status = app._status_text
        assert cell_len(status) <= 118 and "events" not in status, status
        assert "Session.run 1.47ms" in status and "911.9µs" in status, status


def test_a_tensorflow_only_run_reports_its_last_session_run() -> None:
    from collections import deque
    from types import SimpleNamespace

    from tui.view.captions import status_text
    from tui.view.model import GraphModel
    from tui.view.state import ViewState

    state = ViewState()
    state.graphs["static"] = GraphModel("static:0", "static")
    state.devices["cpu"].iterations["static"] = deque([2_000_000])
    runner = SimpleNamespace(running=False, paused=False, speed="lecture", skimmed=0)
    state.devices["cpu"].iterations["static"] = deque([2_000_000, 9_000_000, 3_000_000])
    text = status_text(state, runner, "cpu")  # type: ignore[arg-type]
    assert "median Session.run 3.00ms" in text and "iteration" not in text, text
    short = status_text(state, runner, "cpu", narrow=True)  # type: ignore[arg-type]
    assert "median 3.00ms" in short, "a narrow line keeps the time"


def _both_sides(runs: int, lang: str = "en") -> tuple[object, object]:
    from types import SimpleNamespace

    from tui.view.model import GraphModel
    from tui.view.state import ViewState

    state = ViewState()
    state.graphs["static"] = GraphModel("static:0", "static")
    state.graphs["eager"] = GraphModel("eager:0", "eager")
    state.iteration["static"], state.iteration["eager"] = runs, runs - 2  # "it" counts from 1
    for mode, ns in (("static", 1_092_000), ("eager", 779_600)):
        for _ in range(3):
            state.devices["cpu"].iteration(mode, ns)
    state.events = 2_358
    runner = SimpleNamespace(running=True, paused=False, speed="fast", skimmed=0)
    return state, runner


def test_a_small_terminal_keeps_the_numbers_and_times_and_drops_the_words() -> None:
    """At 80 columns the status line was cut right after "Session.run", before its time."""
    from tui.view.captions import fit_status

    for runs, lang in ((21, "en"), (12_345, "en"), (21, "ko")):
        state, runner = _both_sides(runs, lang)
        for width in (78, 72):
            text = fit_status(state, runner, "cpu", width, lang=lang)  # type: ignore[arg-type]
            assert cell_len(text) <= width, (width, text)
            for figure in (f"{runs}", f"{runs - 1}", "1.09ms", "779.6µs", "0.71×"):
                assert figure in text, (width, lang, text)
    wide = fit_status(*_both_sides(21), "cpu", 158)  # type: ignore[arg-type]
    assert wide.startswith("▶ running") and "events" in wide, "a wide one keeps its words"


def test_the_status_counts_the_session_run_under_way_and_every_skimmed_one() -> None:
    from types import SimpleNamespace

    from tui.view.captions import status_text
    from tui.view.model import GraphModel
    from tui.view.state import ViewState

    state = ViewState()
    graph = state.graphs["static"] = GraphModel("static:0", "static")
    runner = SimpleNamespace(running=True, paused=False, speed="lecture", skimmed=0)
    graph.runs, state.iteration["static"] = 2, 1  # run 2 under way, run 1 finished
    assert "static runs 2" in status_text(state, runner, "cpu"), "the run under way counts"
    graph.runs, state.iteration["static"] = 3, 480  # full speed: skimmed runs send no start
    assert "static runs 480" in status_text(state, runner, "cpu"), "every finished run counts"


def test_static_title_counts_the_runs_skimmed_after_the_one_drawn() -> None:
    import numpy as np

    import engine.static as tf
    from engine.events import recording
    from tui.view.captions import pane_subtitle
    from tui.view.state import ViewState

    g = tf.Graph()
    with recording() as drawn:  # built, then run #1 node by node, as full speed draws its first
        with g.as_default():
            x = tf.placeholder(tf.float32, shape=(4, 3))
            y = tf.reduce_sum(tf.matmul(x, tf.ones((3, 2))) ** 2)
        feed = {x: np.ones((4, 3), np.float32)}
        sess = tf.Session(graph=g)
        sess.run(y, feed)
    with sess:
        with recording(detail="totals") as skimmed:  # runs #2 and #3: their totals only
            sess.run(y, feed)
            sess.run(y, feed)
    state = ViewState()
    for ev in drawn:
        state.apply(ev)
    assert pane_subtitle(state, "static").startswith("Session.run #1 · ")
    for ev in skimmed:
        state.apply(ev)
    assert pane_subtitle(state, "static").startswith("Session.run #1 (of 3) · ")
    assert pane_subtitle(state, "static", lang="ko").startswith("Session.run #1 (전체 3) · ")


def test_a_leaf_has_its_own_cue_for_it_runs_nothing() -> None:
    """A leaf joining the eager graph read "w1 = Leaf runs at once, a new node"."""
    import engine.eager as torch
    from engine.events import recording
    from tui.view.captions import cue_text
    from tui.view.state import ViewState

    torch.new_iteration()  # a graph of its own, whatever ran before in this process
    with recording() as events:
        x = torch.randn(2, 3)
        w = torch.randn(3, 4, requires_grad=True)
        x.mm(w)
    state = ViewState()
    cues = []
    for ev in events:
        state.apply(ev)
        if ev["kind"] == "node_created":
            cues.append((ev["op"], cue_text(state), cue_text(state, "ko")))
    leaves = [c for c in cues if c[0] == "Leaf"]
    assert leaves and all("runs at once" not in en and "leaf" in en for _, en, _ in leaves), cues
    assert all("리프" in ko for _, _, ko in leaves), cues
    assert any(op != "Leaf" and "runs at once" in en for op, en, _ in cues), cues

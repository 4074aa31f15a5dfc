"""What keeps keys quick: the footer is rebuilt only when its keys change, the help is built
once, and a screen over the panes stops the frames from redrawing them."""

from __future__ import annotations

from textual.widgets._footer import FooterKey

from tests.tui.conftest import build_app, finish, wait_until
from tui.screens.help import HelpScreen


def footer_keys(app) -> dict[str, FooterKey]:
    return {key.action: key for key in app.screen.query(FooterKey)}


async def test_opening_and_closing_the_help_keeps_the_footers_keys() -> None:
    app = build_app(iterations=1)
    async with app.run_test(size=(160, 48)) as pilot:
        await finish(pilot)
        before = footer_keys(app)
        assert "help" in before and "toggle_pause" in before
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await pilot.pause()
        after = footer_keys(app)
        assert after.keys() == before.keys()
        assert all(after[a] is before[a] for a in before)  # the same widgets: no rebuild


async def test_the_footer_is_rebuilt_when_a_key_it_shows_changes() -> None:
    app = build_app(iterations=1, autostart=False)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        step = footer_keys(app)["step"]
        assert step.has_class("-disabled")  # nothing runs: no step
        app.runner.pause(True)
        app.start_run()
        await wait_until(pilot, lambda: app.source.running, timeout=20)

        def step_shown() -> bool:
            app.refresh_bindings()  # what a screen does when its keys may have changed
            key = footer_keys(app).get("step")  # (none while the footer is being rebuilt)
            return key is not None and not key.has_class("-disabled")

        await wait_until(pilot, step_shown, timeout=20)
        assert footer_keys(app)["step"] is not step
        app.runner.pause(False)
        await finish(pilot)


async def test_the_help_is_built_once_and_opens_at_its_top() -> None:
    app = build_app(iterations=1)
    async with app.run_test(size=(100, 30)) as pilot:
        await finish(pilot)
        await pilot.press("question_mark")
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        body = help_screen.query_one("#help-body")
        body.scroll_end(animate=False)
        await wait_until(pilot, lambda: body.scroll_y > 0)
        await pilot.press("escape")
        await pilot.press("question_mark")
        await pilot.pause()
        assert app.screen is help_screen
        await wait_until(pilot, lambda: body.scroll_y == 0)


async def test_the_help_draws_its_page_and_the_screen_under_it_once_per_opening(
    monkeypatch,
) -> None:
    """The help's page is drawn once for its width (a second opening draws none of it
    again), and the tinted main screen under it once per opening, from the main screen's own
    lines (every line of the screen, none of Textual's per-segment tint)."""
    from tui.screens import tint
    from tui.widgets import page_text

    pages: list[int] = []
    real_lines = page_text.page_lines
    monkeypatch.setattr(page_text, "page_lines", lambda *a: pages.append(a[1]) or real_lines(*a))
    unders: list[int] = []
    real_under = tint.TintedModal._tinted_under

    def counted(self):  # type: ignore[no-untyped-def]
        lines = real_under(self)
        unders.append(len(lines))
        return lines

    monkeypatch.setattr(tint.TintedModal, "_tinted_under", counted)
    app = build_app(iterations=1)
    async with app.run_test(size=(120, 40)) as pilot:
        await finish(pilot)
        for _ in range(2):
            await pilot.press("question_mark")
            await pilot.pause()
            assert isinstance(app.screen, HelpScreen)
            await pilot.press("escape")
            await pilot.pause()
        assert len(set(pages)) == len(pages)  # one drawing per width
        assert unders and set(unders) == {40}  # the whole screen under it
        assert len(unders) <= 2 + 2  # (once per opening, and once more for a first size)


async def test_a_screen_over_the_panes_holds_their_redraws_until_it_closes() -> None:
    app = build_app(iterations=3, deterministic=False, autodrain=True, autostart=False)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        app.start_run()
        await wait_until(pilot, lambda: app.state.finished, timeout=30)
        assert app.static_graph.graph is None  # folded, not drawn under the help
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.static_graph.graph is not None)


async def test_the_frame_after_a_screen_closes_leaves_the_panes_to_the_next() -> None:
    """The key that closed the help shows first: the panes' pending redraw waits a frame."""
    app = build_app(iterations=3, deterministic=False, autodrain=False, autostart=False)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        await pilot.press("question_mark")
        app.start_run()

        def folded() -> bool:
            app.drain()  # (no timer here: the test is the frame)
            return app.state.finished

        await wait_until(pilot, folded, timeout=30)
        assert app.static_graph.graph is None  # folded, not drawn under the help
        await pilot.press("escape")
        app.drain()
        assert app.static_graph.graph is None  # this frame: the closed help's screen
        app.drain()
        assert app.static_graph.graph is not None


async def test_a_key_pressed_twice_draws_the_static_graph_it_left_without_laying_it_out(
    monkeypatch,
) -> None:
    """f unfolds (a new layout), f again folds back: the folded drawing is the one kept from
    before, not laid out again. o turns the pane left to right, o again top to bottom (the
    user's pick now, not the pane's: one layout each); from then on o only switches between
    the two drawings kept."""
    import tui.widgets.graph_view as graph_view

    laid_out: list[object] = []
    real = graph_view.static_drawing

    def counted(*args, **kwargs):  # type: ignore[no-untyped-def]
        laid_out.append(args[2])  # the folding
        return real(*args, **kwargs)

    monkeypatch.setattr(graph_view, "static_drawing", counted)
    app = build_app(iterations=1)
    async with app.run_test(size=(160, 48)) as pilot:
        await finish(pilot)
        before = app.static_graph.drawing_text()
        laid_out.clear()
        await pilot.press("f")
        await pilot.pause()
        assert len(laid_out) == 1 and laid_out[0].unfold_all
        await pilot.press("f")
        await pilot.pause()
        assert len(laid_out) == 1, "the folded drawing was laid out again"
        assert app.static_graph.drawing_text() == before
        for _ in range(4):
            await pilot.press("o")
        await pilot.pause()
        assert len(laid_out) == 3


async def test_a_key_draws_what_the_pane_worked_out_ahead(monkeypatch) -> None:
    """Once the pane has worked out ahead (in its helper process) what f, o and z would draw,
    each of them draws it without laying the graph out while the key waits; what it draws is
    what laying it out then would have drawn."""
    import tui.widgets.graph_view as graph_view
    from tui.drawing.pane import static_drawing

    by_key: list[object] = []
    real = graph_view.static_drawing

    def counted(*args, **kwargs):  # type: ignore[no-untyped-def]
        by_key.append(args[2:])  # laid out here, in the app's process
        return real(*args, **kwargs)

    monkeypatch.setattr(graph_view, "static_drawing", counted)
    app = build_app(iterations=1, draw_ahead=True)
    async with app.run_test(size=(160, 48)) as pilot:
        await finish(pilot)
        view = app.static_graph
        for key in ("f", "o", "z"):
            await wait_until(pilot, lambda: view._ahead.idle, timeout=120)
            by_key.clear()
            await pilot.press(key)
            await pilot.pause()
            assert not by_key, f"{key} laid the graph out while the key waited"
            assert view.graph is not None
            way = (str(view.orientation), view.auto_orientation, str(view.box_size))
            fresh = static_drawing(view.graph, tuple(view.size), view.folding, *way)
            assert view.layout_.boxes == fresh.layout.boxes, key


async def test_a_kept_drawing_is_not_used_once_a_run_has_taught_a_shape() -> None:
    """A placeholder's shape first known when a run feeds it changes its label: the drawing
    kept from before is not drawn again (its box would say the old shape)."""
    app = build_app(iterations=1)
    async with app.run_test(size=(160, 48)) as pilot:
        await finish(pilot)
        view = app.static_graph
        graph = view.graph
        assert graph is not None
        drawn = view._view
        assert drawn is not None
        node = next(n for n in graph.nodes.values() if n.shape and drawn.vid_of[n.id] == n.id)
        await pilot.press("f")
        await pilot.press("f")
        await pilot.pause()
        node.shape = (7, 7)
        await pilot.press("f")
        await pilot.press("f")
        await pilot.pause()
        assert view._labels[node.id].shape == "7×7"


async def test_a_kept_drawing_of_the_graph_as_built_is_not_used_once_it_has_a_graph_as_run(
    monkeypatch,
) -> None:
    """The graph as built is drawn on the layers its graph as run needs (so switching with
    g moves no shared box): once the first run has made the graph as run, the drawing kept
    from before it (the graph just built) is not drawn again."""
    import contextlib
    import io

    from textual.app import App

    import tui.widgets.graph_view as graph_view
    from engine.events import recording
    from engine.scenes import SCENES
    from tui.view.state import ViewState
    from tui.widgets import GraphView

    with recording() as events, contextlib.redirect_stdout(io.StringIO()):
        SCENES["two-layer"].run(iterations=1, side="static", small=True)
    start = next(k for k, e in enumerate(events) if e.get("kind") == "run_started")
    laid_out: list[object] = []
    real = graph_view.static_drawing

    def counted(graph, *args, **kwargs):  # type: ignore[no-untyped-def]
        laid_out.append(graph.derived)
        return real(graph, *args, **kwargs)

    monkeypatch.setattr(graph_view, "static_drawing", counted)

    class One(App[None]):
        def compose(self):  # type: ignore[no-untyped-def]
            yield GraphView("static", id="g")

    state = ViewState(fake_timings=True)
    app = One()
    async with app.run_test(size=(60, 30)) as pilot:
        view = app.query_one(GraphView)
        await pilot.pause()
        for ev in events[:start]:
            state.apply(ev)
        view.show(state.graphs["static"])
        await pilot.pause()
        assert laid_out and laid_out[-1] is None  # just built: no graph as run yet
        for ev in events[start:]:
            state.apply(ev)
        view.sync()
        await pilot.pause()
        assert laid_out[-1] is not None, "the drawing from before the run was drawn again"


async def test_a_keys_redraw_leaves_the_side_panels_to_a_later_frame(monkeypatch) -> None:
    """A key redraws at once what it changed; a side panel (a table or a plot, ~5-12 ms) due
    then is drawn by a frame ``KEY_QUIET_S`` later, not before the key's effect shows."""
    import tui.app.frame as frame

    monkeypatch.setattr(frame, "KEY_QUIET_S", 60.0)  # (a slow machine's pause is not that long)

    app = build_app(iterations=1, deterministic=False, autodrain=False)
    async with app.run_test(size=(160, 48)) as pilot:
        await app.workers.wait_for_complete()
        drawn: list[bool] = []
        real = app.frame._update_panels

        def counted(whole: bool) -> None:
            drawn.append(whole)
            real(whole)

        monkeypatch.setattr(app.frame, "_update_panels", counted)
        app.frame._panels_at = 0.0  # (no throttle in the way)
        app.state.dirty.update(("devices", "loss"))
        app.action_toggle_pause()  # a key: the status line says paused at once
        await pilot.pause()
        assert not drawn and "devices" in app.state.dirty
        app.drain()  # a frame right after it (a step's node may show in it) leaves them too
        assert not drawn
        app.frame._key_at -= frame.KEY_QUIET_S  # (as if that much time had passed)
        app.drain()
        assert drawn


async def test_a_pane_told_the_cores_are_taken_works_out_only_what_one_key_draws() -> None:
    """Drawing everything ahead takes a core: during a run at full speed it would slow the
    engine the panes measure (the frames say the cores are spare only while the run is paced,
    paused or over), so a pane told they are taken asks only for what f, o, g and z would draw
    from the drawing shown, once per drawing, and for the rest once they free."""
    import tui.widgets.graph_view as graph_view

    app = build_app(iterations=1, draw_ahead=True)
    async with app.run_test(size=(160, 48)) as pilot:
        await finish(pilot)
        await pilot.pause()
        view = app.static_graph
        asked: list[list[object]] = []
        view._ahead.want = lambda jobs: asked.append([key for key, _ in jobs])  # type: ignore[method-assign]
        assert view.graph is not None
        room = (view.size.width, view.size.height)
        way = (str(view.orientation), view.auto_orientation, str(view.box_size))
        one_key = {
            graph_view.drawing_key(graph, room, folding, step_way)
            for graph, folding, step_way in graph_view.key_steps(
                (view.graph, view.folding, way), view.layout_.orientation
            )
        }
        view.spare_cores(False)
        assert asked[-1] and set(asked[-1]) <= one_key and len(asked[-1]) <= 4
        asked.clear()
        view._draw_ahead(view.graph, view.layout_.orientation)
        assert not asked  # (asked already, from this drawing)
        view.spare_cores(True)
        assert len(asked[-1]) > 4  # every drawing the keys reach, nearest first
        assert set(asked[-1][:4]) <= one_key


def test_the_collector_collects_the_old_generation_once_due_and_not_while_a_key_waits(
    monkeypatch,
) -> None:
    """Once it has taken over, the old generation is collected from the frame every
    ``FULL_EVERY_S``, never between a key and the refresh that shows it, unless the
    collection is overdue (a refresh that never came)."""
    import gc

    from tui.app import collector

    collected: list[int] = []
    monkeypatch.setattr(gc, "collect", lambda *a: collected.append(1) or 0)
    monkeypatch.setattr(gc, "freeze", lambda: None)
    monkeypatch.setattr(gc, "set_threshold", lambda *t: None)
    c = collector.Collector()
    assert not c.between_keys()  # Python collects until it takes over
    c.take_over()
    collected.clear()
    assert not c.between_keys()  # (not due yet)
    c._at -= collector.FULL_EVERY_S
    c.key()
    assert not c.between_keys()  # a key's effect is not on screen yet
    c.shown()  # the key's effect is on screen: the collection that came due runs now
    assert collected == [1]
    assert not c.between_keys()  # (done: due again FULL_EVERY_S later)
    c._at -= collector.FULL_EVERY_S
    c.key(hold=60.0)  # a step: its node comes later than the next refresh
    c.shown()
    assert not c.between_keys() and collected == [1]
    c._at -= collector.OVERDUE_S
    assert c.between_keys() and collected == [1, 1]  # overdue: nothing is waited for


def test_the_collector_freezes_what_survives_and_unfreezes_it_all_once_a_minute(
    monkeypatch,
) -> None:
    """A collection freezes what survived it, so the next walks only what was made since; a
    deep one, every ``DEEP_EVERY_S``, unfreezes everything first (its cyclic garbage goes)."""
    import gc

    from tui.app import collector

    calls: list[str] = []
    monkeypatch.setattr(gc, "collect", lambda *a: calls.append("collect") or 0)
    monkeypatch.setattr(gc, "freeze", lambda: calls.append("freeze"))
    monkeypatch.setattr(gc, "unfreeze", lambda: calls.append("unfreeze"))
    monkeypatch.setattr(gc, "set_threshold", lambda *t: None)
    c = collector.Collector()
    c.take_over()
    calls.clear()
    c._at -= collector.FULL_EVERY_S
    assert c.between_keys() and calls == ["collect", "freeze"]
    calls.clear()
    c._at -= collector.FULL_EVERY_S
    c._deep_at -= collector.DEEP_EVERY_S
    assert c.between_keys() and calls == ["unfreeze", "collect", "freeze"]
    calls.clear()
    c.give_back()  # the app ends: Python's own collections see everything again
    assert calls == ["unfreeze"]

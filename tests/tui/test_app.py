"""Pilot tests of behaviour: the run fills both panes, controls work, errors show."""

from __future__ import annotations

import threading
import time

import pytest

from tests.tui.conftest import Notified, build_app, finish, wait_until
from tui.app import collector
from tui.engine_link.controls import PACED, RunControls
from tui.widgets import GraphView, NodeCard


async def test_run_fills_both_panes_and_panels() -> None:
    app = build_app(iterations=3)
    async with app.run_test(size=(160, 48)) as pilot:
        await finish(pilot)
        static, eager = app.state.graphs["static"], app.state.graphs["eager"]
        assert static is not None and len(static.nodes) == 27
        assert static.plan is not None and len(static.plan) == 25
        assert {n.state for n in static.nodes.values()} == {"done", "pruned"}
        assert eager is not None and eager.id == "eager:2" and len(eager.nodes) == 10
        assert app.state.iteration["eager"] == 2
        assert list(app.state.loss["eager"])[-1] < list(app.state.loss["eager"])[0]
        assert app.state.devices["cpu"].ops["MatMul"].count == 15
        assert "Session.run #3" in str(app.static_graph.border_subtitle)
        assert "iteration 3" in str(app.eager_graph.border_subtitle)
        assert app.source_pane.current > 0
        text = app.static_graph.drawing_text()
        assert "MatMul" in text and "▸ gradients/" in text


class HoldWatch(threading.Condition):
    """The thread runner's control condition, watched: each time the run blocks paused,
    ``holds`` gets the number of events the stream has sent by then (once per hold)."""

    def __init__(self, controls: RunControls, sent: list[dict]) -> None:
        super().__init__()
        self.controls, self.sent = controls, sent
        self.holds: list[int] = []

    def wait(self, timeout: float | None = None) -> bool:
        c = self.controls
        if c.paused and c.steps == 0 and (not self.holds or self.holds[-1] != len(self.sent)):
            self.holds.append(len(self.sent))
        return super().wait(timeout)


async def test_pause_and_step_one_node() -> None:
    app = build_app(iterations=2, speed="lecture", autodrain=True, deterministic=False)
    sent: list[dict] = []
    app.source.stream.subscribe(sent.append)
    watch = app.runner.controls.cond = HoldWatch(app.runner.controls, sent)
    app.runner.pause(True)
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_until(pilot, lambda: len(watch.holds) == 1)
        await wait_until(pilot, lambda: not app.runner.inbox)  # the UI has every event sent
        before = app.state.events
        assert app.runner.paused and app.runner.running
        assert sent[-1]["kind"] in PACED and watch.holds == [len(sent)]  # held after it
        await pilot.press("s")
        await wait_until(pilot, lambda: len(watch.holds) == 2)
        await wait_until(pilot, lambda: not app.runner.inbox)
        stepped = app.state.events
        assert stepped > before and app.runner.paused
        # the step moved exactly one paced event on; held again, the run sends nothing more
        assert [e["kind"] in PACED for e in sent[watch.holds[0] :]].count(True) == 1
        assert sent[-1]["kind"] in PACED and watch.holds[-1] == len(sent)
        assert app.state.events == stepped, "a paused run must not move on"
        await pilot.press("plus", "minus", "plus")  # a new speed, still paused
        assert app.runner.paused and app.runner.speed == "brisk"
        await pilot.press("space")
        assert not app.runner.paused
        await pilot.press("plus", "plus", "plus")
        assert app.runner.speed == "full"
        await app.workers.wait_for_complete()
    assert sent[-1]["kind"] == "iteration_finished" and len(sent) > watch.holds[-1]


async def test_restart_switch_scene_and_gpu_reason() -> None:
    app = build_app(iterations=1)
    async with app.run_test(size=(160, 48)) as pilot:
        await finish(pilot)
        await pilot.press("c")
        await finish(pilot)
        assert app.scene_name == "two-layer-copy"
        assert app.state.graphs["static"] is not None
        await pilot.press("d")  # no GPU here: the key says why instead of doing nothing
        await pilot.pause()
        assert app.device == "cpu"
        assert any("no cupy (test)" in n.message for n in app._notifications)
        assert app.gpu_panel.info["reason"] == "no cupy (test)"
        await pilot.press("r")
        await finish(pilot)
        assert app.state.iteration["eager"] == 0


async def test_engine_error_shows_in_red_and_app_stays_usable() -> None:
    app, notified = build_app(iterations=3, fail_at=1), Notified()
    async with app.run_test(size=(160, 48), message_hook=notified) as pilot:
        await finish(pilot)
        eager = app.state.graphs["eager"]
        assert eager is not None
        assert app.state.errors and "not aligned" in app.state.errors[-1]["message"]
        assert any(n.severity == "error" and "not aligned" in n.message for n in notified.notes)
        await pilot.press("r")
        await finish(pilot)
        assert app.state.graphs["static"] is not None


async def test_engine_exception_becomes_an_error_event() -> None:
    app = build_app(iterations=1)

    class Broken:
        title, source = "broken", "x = 1\n"

        def run(self, device: str = "cpu", iterations: int | None = None, seed: int = 0) -> None:
            raise MemoryError("out of memory allocating 4.0 GiB on the GPU")

    app.scenes["broken"] = Broken()
    notified = Notified()
    async with app.run_test(size=(160, 48), message_hook=notified) as pilot:
        await finish(pilot)
        app.open_scene("broken")
        await finish(pilot)
        assert any("out of memory" in n.message for n in notified.notes)
        assert app.state.finished


async def test_an_error_message_with_brackets_is_shown_as_written() -> None:
    """A script's or the engine's words are never read as markup: "[/]" would crash the
    notice as it is drawn (tests draw no notices, so the flag is what is checked)."""
    from textual.content import Content
    from textual.markup import MarkupError

    message = "bad config [/] see [bold]docs[/bold]"
    app = build_app(iterations=1, autostart=False)

    class Broken:
        title, source = "broken", "x = 1\n"

        def run(self, device: str = "cpu", iterations: int | None = None, seed: int = 0) -> None:
            raise ValueError(message)

    app.scenes["broken"] = Broken()
    notified = Notified()
    async with app.run_test(size=(160, 48), message_hook=notified) as pilot:
        app.open_scene("broken")
        await finish(pilot)
        shown = [n for n in notified.notes if message in n.message]
        assert shown and shown[0].severity == "error"
        assert not shown[0].markup
    with pytest.raises(MarkupError):  # what drawing it as markup would do
        Content.from_markup(shown[0].message)


async def test_fold_orientation_colour_and_card() -> None:
    app = build_app(iterations=1)
    async with app.run_test(size=(160, 48)) as pilot:
        await finish(pilot)
        view = app.static_graph
        folded_boxes = len(view.layout_.boxes)
        await pilot.press("f")
        assert len(view.layout_.boxes) == len(view.graph.nodes) > folded_boxes  # every node
        orientation = view.orientation
        await pilot.press("o")
        assert view.orientation != orientation
        await pilot.press("m")
        assert view.colour_mode == "device" and app.eager_graph.colour_mode == "device"
        await pilot.press("m")
        assert view.colour_mode == "heat"
        view.focus()
        await pilot.press("right_square_bracket")
        await pilot.pause()
        card = app.query_one(NodeCard)
        assert card.display and "Placeholder" in str(card.render())
        await pilot.press("escape")
        assert not card.display


async def test_click_selects_a_node() -> None:
    app = build_app(iterations=1)
    async with app.run_test(size=(160, 48)) as pilot:
        await finish(pilot)
        view: GraphView = app.eager_graph
        box = view.layout_.boxes[4]  # "mm"
        view.reveal(4)
        await pilot.pause()
        x = box.x + 2 - int(view.scroll_offset.x)
        y = box.y + box.h // 2 - int(view.scroll_offset.y)
        await pilot.click(view, offset=(x + 1, y + 1))  # +1: the border
        await pilot.pause()
        assert view.selected == 4
        assert "mm" in str(app.card.render())
        node = app.state.graphs["eager"].nodes[4]
        app.source_pane.current = 1
        await pilot.click(view, offset=(x + 1, y + 1))
        await pilot.pause()
        assert node.line > 1 and app.source_pane.current == node.line  # its line, lit


async def test_small_and_large_terminals_and_resize() -> None:
    app = build_app(iterations=1)
    async with app.run_test(size=(80, 24)) as pilot:
        await finish(pilot)
        assert app.screen.has_class("-narrow") and app.screen.has_class("-short")
        assert not app.query_one("#side").display or app.query_one("#side").size.width == 0
        assert app.static_graph.size.width > 20 and app.static_graph.box_in_use in ("mini", "tiny")
        await pilot.resize_terminal(200, 60)
        await wait_until(pilot, lambda: not app.screen.has_class("-narrow"))
        assert not app.screen.has_class("-narrow")
        assert app.cpu_panel.size.width > 0
        view = app.static_graph
        await wait_until(pilot, lambda: fits(view))  # the whole static graph is in view


def fits(view: GraphView) -> bool:
    """The whole drawing is in view."""
    return view.layout_.width <= view.size.width and view.layout_.height <= view.size.height


async def test_boxes_fit_the_pane_and_z_cycles_their_size() -> None:
    app = build_app(iterations=1)
    async with app.run_test(size=(160, 48)) as pilot:
        await finish(pilot)
        view = app.static_graph
        assert view.box_size == "auto"
        assert fits(view) or view.box_in_use == "mini"  # the largest that fits, or the densest
        fitted = view.box_in_use
        sizes = []
        for _ in range(4):
            await pilot.press("z")
            sizes.append((view.box_size, view.box_in_use, view.layout_.boxes[0].h))
        assert sizes == [
            ("full", "full", 4),
            ("compact", "compact", 3),
            ("mini", "mini", 1),
            ("auto", fitted, sizes[fitted_index(fitted)][2]),
        ]
        await pilot.press("z")
        assert view.box_in_use == "full" and (fitted == "full" or not fits(view))
        full = view.drawing_text()  # the listing's name and TF's op, where both fit
        assert "╭─ x · Placeholder ╮" in full and "╭─ h · Maximum ─" in full
        assert "╭─ y_pred · MatMul ╮" in full and "╭─ MatMul ─" in full  # no var: as before
        await pilot.press("z")
        compact = view.drawing_text()
        assert "╭─ x ─" in compact and "Placeholder" not in compact
        await pilot.press("z")
        assert "[x 64×1000" in view.drawing_text()  # a one-row box: [var shape]


def fitted_index(size: str) -> int:
    return ["full", "compact", "mini"].index("mini" if size == "tiny" else size)  # one row


async def test_help_screen_and_theme_cycle() -> None:
    app = build_app(iterations=1, autostart=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        assert app.screen.__class__.__name__ == "HelpScreen"
        await pilot.press("escape")
        await pilot.pause()
        first = app.theme
        await pilot.press("t")
        assert app.theme != first


async def test_command_palette_lists_scenes_devices_and_speeds() -> None:
    from tui.app.commands import CgvizCommands

    app = build_app(iterations=1, autostart=False)
    async with app.run_test(size=(120, 40)) as pilot:
        provider = CgvizCommands(app.screen)
        titles = [title for title, _, _ in provider._entries()]
        assert "scene: open two-layer-copy" in titles
        assert "device: switch to GPU (cupy)" in titles and "speed: full" in titles
        dict((t, cb) for t, cb, _ in provider._entries())["speed: slow"]()
        assert app.runner.speed == "slow"
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert app.screen.__class__.__name__ == "CommandPalette"


async def test_an_app_run_by_the_cli_freezes_what_it_made_once_drawn(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With ``freeze_gc`` (the CLI's) the objects made up to the first frame leave the
    collector's generations (``gc.freeze``, after a collection), so a full collection later
    walks a few thousand objects, not the app's ~80,000, and the frame collects the old
    generation itself (Python's threshold for it goes out of reach until the app ends); an
    app in a test leaves the collector alone."""
    import gc

    calls: list[object] = []
    monkeypatch.setattr(gc, "collect", lambda *a: calls.append("collect") or 0)
    monkeypatch.setattr(gc, "freeze", lambda: calls.append("freeze"))
    monkeypatch.setattr(gc, "set_threshold", lambda *t: calls.append(t))
    monkeypatch.setattr(gc, "get_threshold", lambda: (700, 10, 10))
    plain = build_app()
    async with plain.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        assert calls == []
    frozen = build_app(freeze_gc=True)
    async with frozen.run_test(size=(160, 48)) as pilot:
        await wait_until(pilot, lambda: "freeze" in calls)
        assert calls[:3] == ["collect", "freeze", (700, 10, collector.BY_HAND)]
        assert frozen.frame.collector.active
    assert calls[-1] == (700, 10, 10)  # Python's own threshold again once the app ends


async def test_the_screen_is_repainted_once_a_notifications_toast_has_gone(monkeypatch) -> None:
    """Textual may leave an expired toast painted (in race mode at 80x24 one stayed over the
    status line until a resize): the app repaints the screen once the toast has gone."""
    from textual.screen import Screen

    app = build_app(iterations=1)
    async with app.run_test(size=(80, 24)) as pilot:
        await finish(pilot)
        repaints: list[float] = []
        real = Screen.refresh

        def counted(screen, *args, **kwargs):  # type: ignore[no-untyped-def]
            if not args and not kwargs:
                repaints.append(time.monotonic())
            return real(screen, *args, **kwargs)

        monkeypatch.setattr(Screen, "refresh", counted)
        raised = time.monotonic()
        app.notify("gone soon", timeout=0.2)
        await pilot.pause(1.5)  # (a loaded machine runs the timer late)
        assert any(t - raised >= 0.2 for t in repaints), repaints

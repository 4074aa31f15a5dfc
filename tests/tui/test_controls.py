"""Controls without surprises: every key shows its effect, on every screen."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.content import Content

from tests.tui.conftest import build_app, finish
from tui.app.commands import CgvizCommands
from tui.screens.help import HelpScreen


@pytest.mark.parametrize("screen", ["main", "help", "bench", "traceback"])
async def test_ctrl_s_saves_every_screen_where_the_notice_says(
    screen: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CGVIZ_SCREENSHOT_DIR", str(tmp_path))
    bench = Path(__file__).with_name("bench_small.json")
    app = build_app(iterations=1, bench=str(bench))
    async with app.run_test(size=(160, 48)) as pilot:
        await finish(pilot)
        if screen == "help":
            await pilot.press("question_mark")
            assert isinstance(app.screen, HelpScreen)
        elif screen == "bench":
            await pilot.press("b")
        elif screen == "traceback":
            from tui.screens.traceback import TracebackScreen

            await app.push_screen(TracebackScreen("ValueError: bad", "  File x.py", "escape"))
            assert isinstance(app.screen, TracebackScreen)
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        saved = list(tmp_path.glob("*.svg"))
        assert len(saved) == 1, f"{screen}: {saved}"
        assert any(str(saved[0]) in n.message for n in app._notifications)
        if screen == "help":
            assert "Keys" in saved[0].read_text() or "key" in saved[0].read_text().lower()


async def test_the_first_o_turns_what_is_on_screen() -> None:
    app = build_app(iterations=1)
    async with app.run_test(size=(160, 48)) as pilot:
        await finish(pilot)
        before = [v.layout_.orientation for v in (app.static_graph, app.eager_graph)]
        await pilot.press("o")
        await pilot.pause()
        after = [v.layout_.orientation for v in (app.static_graph, app.eager_graph)]
        assert all(a != b for a, b in zip(after, before, strict=True)), (before, after)


async def test_the_palette_keeps_brackets_in_its_help() -> None:
    app = build_app(iterations=1, autostart=False)
    async with app.run_test(size=(160, 48)):
        app._set_gpu(False, "no cupy (install the gpu extra: pip install '.[gpu]')")
        provider = CgvizCommands(app.screen)
        hits = [hit async for hit in provider.discover()]
        gpu = next(h for h in hits if "GPU" in str(h.display))
        assert Content.from_markup(str(gpu.help)).plain.endswith("pip install '.[gpu]')")


async def test_a_small_terminal_shows_one_graph_pane_and_w_switches() -> None:
    app = build_app(iterations=1)
    async with app.run_test(size=(80, 24)) as pilot:
        await finish(pilot)
        assert app.screen.has_class("-one-pane")
        assert app.static_graph.display and not app.eager_graph.display
        assert app.static_graph.size.width >= 70  # the whole width
        assert str(app.static_graph.border_title).endswith(" · w ▸ eager loop")  # says so
        await pilot.press("w")
        await pilot.pause()
        assert app.eager_graph.display and not app.static_graph.display
        assert str(app.eager_graph.border_title).endswith(" · w ▸ static graph")
        await pilot.resize_terminal(160, 48)
        await pilot.pause()
        await pilot.pause()
        assert app.static_graph.display and app.eager_graph.display  # both again
        assert "w ▸" not in str(app.static_graph.border_title) + str(app.eager_graph.border_title)


async def test_a_small_terminal_shows_the_side_a_one_sided_scene_runs() -> None:
    from types import SimpleNamespace

    app = build_app(iterations=1, autostart=False)
    async with app.run_test(size=(80, 24)) as pilot:
        app.show_scene("torch-x", SimpleNamespace(title="t", caption="", section="pytorch"))
        await pilot.pause()
        assert app.eager_graph.display and not app.static_graph.display
        assert "w ▸" not in str(app.eager_graph.border_title)  # nothing hidden to switch to


async def test_g_and_z_say_what_they_did_on_the_legend_line_without_a_toast() -> None:
    """g and z name what the pane shows now on the line under the panes (a toast would be
    mounted and removed, two layout passes of the whole screen); the legend comes back."""
    from textual.widgets._toast import Toast

    from tui.app.view_actions import NOTE_SECONDS
    from tui.i18n import tr

    app = build_app(iterations=1, scene_options={"optimized": True})
    async with app.run_test(size=(160, 48)) as pilot:
        await finish(pilot)
        legend = str(app.legend.render())
        await pilot.press("g")
        await pilot.pause()
        assert str(app.legend.render()) == tr("view.as_run", "en")
        await pilot.press("z")
        await pilot.pause()
        assert str(app.legend.render()) == tr(f"note.boxes.{app.static_graph.box_size}", "en")
        assert not app._notifications and not app.screen.query(Toast)
        await pilot.pause(NOTE_SECONDS + 0.2)
        assert str(app.legend.render()) == legend


async def test_where_the_legend_is_hidden_g_says_it_in_a_notification() -> None:
    from tui.i18n import tr

    app = build_app(iterations=1, scene_options={"optimized": True})
    async with app.run_test(size=(120, 36)) as pilot:  # narrow: no legend line
        await finish(pilot)
        assert not app.legend.display
        await pilot.press("g")
        await pilot.pause()
        assert [n.message for n in app._notifications] == [tr("view.as_run", "en")]

"""Lecture features: captions, the sides a scene runs, cues, presentation and race modes, the
traceback panel, and the device panels of a replay."""

from __future__ import annotations

from pathlib import PurePath
from typing import TYPE_CHECKING, Any

from rich.cells import cell_len
from textual.content import Content

from tui.i18n import scene_text, tr
from tui.screens.traceback import TracebackScreen
from tui.view.captions import cue_text, overlap_text, pane_title
from tui.view.lecture import BOTH, scene_sides
from tui.view.race import race_lines

if TYPE_CHECKING:
    from textual.app import App

    from tui.app.panes import Panes
    from tui.app.settings import Choices
    from tui.app.source import RunSource
    from tui.replay.load import Recording

PROJECTOR = "projector"


class Lecture:
    """Captions, cues and the lecture's modes."""

    def __init__(
        self,
        app: App[Any],
        panes: Panes,
        source: RunSource,
        choices: Choices,
        scenes: dict[str, Any],
        lang: str,
        iterations: int | None,
    ) -> None:
        self.app = app
        """For the screen's classes, the theme and the traceback screen."""
        self.panes, self.source, self.choices = panes, source, choices
        self.scenes = scenes
        self.lang = lang
        self.iterations = iterations
        self.sides: frozenset[str] = BOTH
        """The sides the scene runs (its panes get the room)."""
        self.solo = "static"
        """The graph pane a small terminal shows (w switches)."""
        self._cue_text = ""
        self._caption: tuple[str, str] = ("", "")
        """The scene's (title, caption) as the caption line shows them."""
        self._caption_height = 0
        """The caption's height in lines as last shown (0: not known yet)."""
        self._run_note = ""
        """What the last Session.run did with its workers, ending the caption line where it fits."""
        self._traceback_shown: object = None
        self._theme_before: str | None = None

    # ------------------------------------------------------------ titles and captions

    def set_titles(self, static_as_run: bool) -> None:
        """Pane titles and placeholders in the app's language."""
        p, lang = self.panes, self.lang
        p.static.border_title = pane_title(
            "static", static_as_run, lang, other=self.hidden_beside("static")
        )
        p.eager.border_title = pane_title("eager", False, lang, other=self.hidden_beside("eager"))
        p.source.border_title = tr("pane.source", lang)
        p.loss.border_title = tr("pane.loss", lang)
        p.output.border_title = tr("pane.output", lang)
        p.cpu_panel.border_title = tr("pane.cpu", lang)
        p.gpu_panel.border_title = tr("pane.gpu", lang)
        p.cpu_data.border_title = tr("pane.data", lang, device="CPU")
        p.gpu_data.border_title = tr("pane.data", lang, device="GPU")
        self._placeholders()

    def _placeholders(self) -> None:
        for mode, view in self.panes.graphs():
            key = f"empty.{mode}" if mode in self.sides else f"none.{mode}"
            view.empty_text = tr(key, self.lang)

    def show_scene(self, name: str, scene: Any) -> None:
        """Caption the scene and give the room to the panes it runs."""
        self._caption = scene_text(name, scene, self.lang)
        self._show_caption()
        self.sides = scene_sides(name, scene)
        for mode, view in self.panes.graphs():
            view.set_class(mode not in self.sides, "-absent")
        self.show_solo()  # a small terminal shows a side the scene runs
        self.panes.loss.show_modes(self.sides)
        self._placeholders()

    def scene_event(self, scene: dict[str, Any]) -> None:
        """A ``scene`` event arrived (live or replayed): caption it from the event."""
        name = str(scene.get("name") or "")
        scenes = self.scenes
        if not scenes:  # a replay has no scene table: the engine's, where there is one
            from tui.engine_link import load_scenes

            scenes = load_scenes()[0]
        known = scenes.get(name)
        if known is None:  # a part of a scene ("data-loading:disk") runs the sides it runs
            known = _Fields(scene, scenes.get(name.split(":", 1)[0]))
        self.show_scene(name, known)

    # ------------------------------------------------------------ small terminals

    def show_solo(self) -> None:
        """On a small terminal one graph pane at a time takes the whole width (w switches);
        a scene with one side shows that side."""
        if self.solo not in self.sides and self.sides:
            self.solo = "static" if "static" in self.sides else "eager"
        for mode, view in self.panes.graphs():
            view.set_class(mode != self.solo, "-not-solo")

    def hidden_beside(self, mode: str) -> str:
        """The graph pane a small terminal hides beside ``mode``'s (``w`` shows it), or ""
        where both show or the scene runs one side."""
        if not self.app.screen.has_class("-one-pane") or mode != self.solo:
            return ""
        others = [m for m in ("static", "eager") if m in self.sides and m != mode]
        return others[0] if others else ""

    def switch_pane(self) -> None:
        """Show the other graph pane of those the scene runs."""
        sides = [m for m in ("static", "eager") if m in self.sides]
        others = [m for m in sides if m != self.solo] or sides
        self.solo = others[0] if others else self.solo
        self.show_solo()

    # ------------------------------------------------------------ cues and panels

    def _show_caption(self) -> None:
        """The scene's title and caption, then the last run's note when the line has room."""
        title, caption = self._caption
        text = Content.from_markup("[b]$title[/b]", title=title)
        if caption:
            text += Content("  ·  ") + Content(caption)
        room = self.panes.caption.size.width
        if self._run_note and text.cell_length + 5 + cell_len(self._run_note) <= room:
            text += Content("  ·  ") + Content(self._run_note)
        # a layout pass (the whole screen: ~10-40 ms) only when the line's height changes; a
        # run's note comes and goes with every step and Session.run while the scene lasts
        caption = self.panes.caption
        width = caption.content_size.width
        height = text.get_height(caption.styles, width) if width else 0
        caption.update(text, layout=not height or height != self._caption_height)
        self._caption_height = height

    def update_cue(self) -> None:
        """The caption's run note; the big line of presentation mode (what just happened), or
        the race's bars."""
        note = overlap_text(self.source.state, self.lang)
        if note != self._run_note:
            self._run_note = note
            self._show_caption()
        cue, choices = self.panes.cue, self.choices
        if choices.race:
            width = max(20, cue.content_size.width)  # inside the border and padding
            state = self.source.state
            rows = max(3, cue.content_size.height)
            text = race_lines(state, self.race_total(), width, self.lang, rows)
        elif not choices.present:
            return
        else:
            text = cue_text(self.source.state, self.lang)
        if text != self._cue_text:
            self._cue_text = text
            cue.update(Content(text))

    def note_missing_sides(self) -> None:
        """After a run of unknown sides (a script, a replay), say which pane never ran."""
        for mode, view in self.panes.graphs():
            if self.source.state.graphs[mode] is None and mode in self.sides:
                view.empty_text = tr(f"none.{mode}.run", self.lang)
                view.refresh()

    def show_traceback(self, ev: dict[str, Any]) -> None:
        """Open the traceback panel for a script that raised (once per error)."""
        if self._traceback_shown is ev:
            return
        self._traceback_shown = ev
        title = tr(
            "traceback.title",
            self.lang,
            # a script's file name, not its path: a long path would cut off the error's type
            label=PurePath(str(ev.get("label") or self.choices.scene)).name,
            type=ev.get("type", "Error"),
        )
        self.app.push_screen(
            TracebackScreen(title, str(ev.get("traceback") or ""), tr("traceback.close", self.lang))
        )

    def show_recorded_devices(self, recording: Recording) -> None:
        """Device panels from the trace header, not from this machine."""
        for device, panel in (("cpu", self.panes.cpu_panel), ("gpu", self.panes.gpu_panel)):
            facts = recording.device_facts(device)
            if not facts:
                used = device == recording.device
                facts = {"device": device, "available": used, "reason": "not recorded"}
                if used:
                    facts["name"] = recording.device_name
            panel.set_info(facts)

    # ------------------------------------------------------------ modes

    def set_race(self, on: bool) -> None:
        """Both sides at full speed on the same device, with a bar of who is ahead."""
        self.choices.race = on
        self.app.screen.set_class(on, "-race")
        if on:
            self.source.set_speed("full")
            if self.source.paused:
                self.source.pause(False)

    def refresh_cue(self) -> None:
        """Draw the cue line afresh (a mode changed)."""
        self._cue_text = ""
        self.panes.cue.update("")
        self.update_cue()

    def race_total(self) -> int:
        """Iterations each side runs: the ones asked for, else the scene's loop bound."""
        if self.iterations:
            return int(self.iterations)
        loop = str(getattr(self.scenes.get(self.choices.scene), "loop", "") or "")
        digits = "".join(c for c in loop if c.isdigit())
        return int(digits) if digits else max(1, *self.source.state.done.values())

    def set_present(self, on: bool) -> None:
        """Projector theme, larger spacing, secondary panels hidden, big cues."""
        app = self.app
        self.choices.present = on
        app.screen.set_class(on, "-present")
        if on:
            if app.theme != PROJECTOR and PROJECTOR in app.available_themes:
                self._theme_before = app.theme
                app.theme = PROJECTOR
            self._cue_text = ""
            self.update_cue()
        elif self._theme_before:
            app.theme = self._theme_before
            self._theme_before = None


class _Fields:
    """A scene event's fields as attributes (for captions of unknown scenes)."""

    def __init__(self, ev: dict[str, Any], whole: Any = None) -> None:
        self.title = ev.get("title") or ev.get("name") or ""
        self.caption = ev.get("caption") or ""
        self.section = str(getattr(whole, "section", "") or "")
        """The section of the scene this one is a part of ("" when none)."""
        self.sides = getattr(whole, "sides", None)

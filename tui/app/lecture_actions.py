"""Lecture features of the app (a mixin): walking the scenes, captions, cues, presentation mode,
the traceback panel, and the labels of a replay.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.content import Content

from tui.i18n import scene_text, tr
from tui.screens.traceback import TracebackScreen
from tui.view.captions import cue_text, pane_title
from tui.view.lecture import BOTH, neighbour, scene_sides
from tui.view.race import race_lines

if TYPE_CHECKING:
    from tui.replay.load import Recording

PROJECTOR = "projector"


class LectureActions:
    """Mixed into :class:`tui.app.cgviz_app.CgvizApp` (which provides the widgets and the state)."""

    _sides: frozenset[str] = BOTH
    _cue_text = ""
    _traceback_shown: object = None

    # ------------------------------------------------------------ titles and captions

    def set_titles(self) -> None:
        """Pane titles and placeholders in the app's language."""
        app: Any = self
        lang = app.lang
        app.static_graph.border_title = pane_title("static", app.static_as_run, lang)
        app.eager_graph.border_title = pane_title("eager", False, lang)
        app.source_pane.border_title = tr("pane.source", lang)
        app.loss_plot.border_title = tr("pane.loss", lang)
        app.output.border_title = tr("pane.output", lang)
        app.cpu_panel.border_title = tr("pane.cpu", lang)
        app.gpu_panel.border_title = tr("pane.gpu", lang)
        app.cpu_data.border_title = tr("pane.data", lang, device="CPU")
        app.gpu_data.border_title = tr("pane.data", lang, device="GPU")
        self._placeholders()

    def _placeholders(self) -> None:
        app: Any = self
        for mode, view in (("static", app.static_graph), ("eager", app.eager_graph)):
            view.empty_text = tr(
                f"empty.{mode}" if mode in self._sides else f"none.{mode}", app.lang
            )

    def show_scene(self, name: str, scene: Any) -> None:
        """Caption the scene and give the room to the panes it runs."""
        app: Any = self
        title, caption = scene_text(name, scene, app.lang)
        self._set_caption(title, caption)
        self._sides = scene_sides(name, scene)
        for mode, view in (("static", app.static_graph), ("eager", app.eager_graph)):
            view.set_class(mode not in self._sides, "-absent")
        app.show_solo()  # a small terminal shows a side the scene runs
        app.loss_plot.show_modes(self._sides)
        self._placeholders()

    def scene_event(self, scene: dict[str, Any]) -> None:
        """A ``scene`` event arrived (live or replayed): caption it from the event."""
        app: Any = self
        name = str(scene.get("name") or "")
        scenes = getattr(app, "scenes", {})
        if app.recording is not None and name not in scenes:
            from tui.engine_link import load_scenes

            scenes = load_scenes()[0]
        known = scenes.get(name)
        if known is None:  # a part of a scene ("data-loading:disk") runs the sides it runs
            known = _Fields(scene, scenes.get(name.split(":", 1)[0]))
        self.show_scene(name, known)

    def _set_caption(self, title: str, caption: str) -> None:
        app: Any = self
        text = Content.from_markup("[b]$title[/b]", title=title)
        if caption:
            text += Content("  ·  ") + Content(caption)
        app.caption.update(text)

    def update_cue(self) -> None:
        """The big line of presentation mode (what just happened), or the race's bars."""
        app: Any = self
        if app.race:
            width = max(20, app.cue.size.width - 4)
            text = race_lines(app.state, self.race_total(), app.device, width, app.lang)
        elif not app.present:
            return
        else:
            text = cue_text(app.state, app.lang)
        if text != self._cue_text:
            self._cue_text = text
            app.cue.update(Content(text))

    def note_missing_sides(self) -> None:
        """After a run of unknown sides (a script, a replay), say which pane never ran."""
        app: Any = self
        for mode, view in (("static", app.static_graph), ("eager", app.eager_graph)):
            if app.state.graphs[mode] is None and mode in self._sides:
                view.empty_text = tr(f"none.{mode}.run", app.lang)
                view.refresh()

    def show_traceback(self, ev: dict[str, Any]) -> None:
        """Open the traceback panel for a script that raised (once per error)."""
        app: Any = self
        if self._traceback_shown is ev:
            return
        self._traceback_shown = ev
        title = tr(
            "traceback.title",
            app.lang,
            label=ev.get("label") or app.scene_name,
            type=ev.get("type", "Error"),
        )
        app.push_screen(
            TracebackScreen(title, str(ev.get("traceback") or ""), tr("traceback.close", app.lang))
        )

    # ------------------------------------------------------------ replays

    def show_recorded_devices(self, recording: Recording) -> None:
        """Device panels and subtitle from the trace header, not from this machine."""
        app: Any = self
        for device, panel in (("cpu", app.cpu_panel), ("gpu", app.gpu_panel)):
            facts = recording.device_facts(device)
            if not facts:
                used = device == recording.device
                facts = {"device": device, "available": used, "reason": "not recorded"}
                if used:
                    facts["name"] = recording.device_name
            panel.set_info(facts)
        app.gpu_ok = False
        app.sub_title = recording.label(app.lang)

    def start_replay(self) -> None:
        """Begin playing (the player's state is already the app's)."""
        app: Any = self
        app.state.dirty.update(("static", "eager", "status"))
        app.present_now()

    def replay_status(self) -> str:
        """ "replay 120/2,410 · Session.run #2: backward · pause at markers"."""
        app: Any = self
        player = app.player
        parts = [tr("status.replay", app.lang, k=f"{player.pos:,}", n=f"{len(player.events):,}")]
        marker = player.marker_at()
        if marker is not None:
            parts.append(marker.label(app.lang))
        if player.pause_on_marker:
            parts.append(tr("status.marker_pause", app.lang))
        return "  ·  ".join(parts)

    # ------------------------------------------------------------ actions

    def action_next(self) -> None:
        """Next scene in lecture order (replay: next marker)."""
        self._walk(1)

    def action_previous(self) -> None:
        """Previous scene in lecture order (replay: previous marker)."""
        self._walk(-1)

    def _walk(self, step: int) -> None:
        app: Any = self
        if app.player is not None:
            app.action_next_marker() if step > 0 else app.action_previous_marker()
            return
        names = list(app.scenes)
        target = neighbour(names, app.scene_name, step)
        if target is None:
            app.notify(
                tr("note.last_scene" if step > 0 else "note.first_scene", app.lang), timeout=2
            )
            return
        app.open_scene(target)

    def action_toggle_present(self) -> None:
        """Presentation mode on or off."""
        app: Any = self
        self.set_present(not app.present or not app.screen.has_class("-present"))

    def action_toggle_race(self) -> None:
        """Race mode on or off (on restarts the scene at full speed)."""
        app: Any = self
        self.set_race(not app.race)

    def set_race(self, on: bool, restart: bool = True) -> None:
        """Both sides at full speed on the same device, with a bar of who is ahead."""
        app: Any = self
        app.race = on
        app.screen.set_class(on, "-race")
        app.notify(tr("race.on" if on else "race.off", app.lang), timeout=3)
        if on:
            app.runner.set_speed("full")
            if app.runner.paused:
                app.runner.pause(False)
            if restart:
                app.start_run()
        self._cue_text = ""
        app.cue.update("")
        self.update_cue()
        app.fit_labels()

    def race_total(self) -> int:
        """Iterations each side runs: the ones asked for, else the scene's loop bound."""
        app: Any = self
        if app.iterations:
            return int(app.iterations)
        loop = str(getattr(app.scenes.get(app.scene_name), "loop", "") or "")
        digits = "".join(c for c in loop if c.isdigit())
        return int(digits) if digits else max(1, *app.state.done.values())

    def set_present(self, on: bool) -> None:
        """Projector theme, larger spacing, secondary panels hidden, big cues."""
        app: Any = self
        app.present = on
        app.screen.set_class(on, "-present")
        if on:
            if app.theme != PROJECTOR and PROJECTOR in app.available_themes:
                self._theme_before = app.theme
                app.theme = PROJECTOR
            self._cue_text = ""
            self.update_cue()
        elif getattr(self, "_theme_before", None):
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

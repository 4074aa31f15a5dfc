"""The cgviz app: panes, panels and keys, composed of small controllers (the CLI is
tui/cli/main.py).

The app plays one :class:`~tui.app.source.RunSource` (the engine live, or a replay's player) and
hands each job to a controller that holds what it needs: :class:`~tui.app.frame.Frame` (drain
and redraw, once a frame), :class:`~tui.app.view_actions.ViewControls` (how the panes draw),
:class:`~tui.app.lecture_actions.Lecture` (captions, cues, presentation and race modes) and
:class:`~tui.app.selection.Selection` (node card, twins, search). Build it with
:func:`make_app` or :func:`make_replay_app`: they turn the user's :class:`Settings` and the
tests' :class:`Hooks` into the app's :class:`Parts`.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import fields
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import work
from textual.app import App, SystemCommand
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.notifications import Notify
from textual.screen import Screen
from textual.widgets import Footer, Header, Input

from themes import load_themes
from tui import engine_link
from tui.app.commands import CgvizCommands, system_commands
from tui.app.frame import Frame
from tui.app.keys import BINDINGS, LIVE_ONLY, REPLAY_ONLY, KeysFooter, keys_in
from tui.app.lecture_actions import Lecture
from tui.app.panes import Panes
from tui.app.selection import Selection
from tui.app.settings import DEFAULT_SCENE, DEFAULT_THEME, Choices, Hooks, Parts, Settings
from tui.app.source import LiveSource
from tui.app.view_actions import ViewControls
from tui.engine_link.controls import SPEEDS
from tui.engine_link.pair import PairRunner
from tui.engine_link.runner import Runner
from tui.i18n import phrase, scene_text, tr
from tui.screens.help import HelpScreen
from tui.view.ahead import warm_helper
from tui.view.lecture import neighbour
from tui.view.state import ViewState
from tui.widgets import GraphView, SourcePane

if TYPE_CHECKING:
    from collections.abc import Mapping

    from textual.actions import ActionParseResult
    from textual.app import ComposeResult
    from textual.dom import DOMNode

    from tui.app.source import RunSource
    from tui.replay.load import Recording
    from tui.replay.player import Player
    from tui.view.model import GraphModel

__all__ = ["CgvizApp", "Hooks", "Settings", "make_app", "make_replay_app"]

SIDE_PANELS_FROM = 140
"""Terminals narrower than this give the side panels' room to the graphs (the status line
keeps the key figures)."""
ONE_PANE_BELOW = 100
"""Terminals narrower than this show one graph pane at a time (w switches)."""
STEP_POLL_S = 0.008
"""After s, how often the inbox is drained while the stepped node comes from the engine."""
STEP_POLLS = 5
"""How many such drains (the frame timer's own, every 33 ms, goes on)."""
TOAST_GONE_S = 0.1
"""After a notification's timeout, when its toast has gone and the screen is repainted."""


class MainScreen(Screen[None]):
    """The default screen; tells the app when the terminal changes size."""

    def on_resize(self) -> None:
        app = self.app
        if isinstance(app, CgvizApp):
            app.apply_size()


class CgvizApp(App[None]):
    """Static graph vs eager loop, side by side, with per-device timings."""

    CSS_PATH = "app.tcss"
    TITLE = "cgviz"
    COMMANDS = App.COMMANDS | {CgvizCommands}
    BINDINGS: ClassVar[list[BindingType]] = BINDINGS

    def __init__(self, settings: Settings, parts: Parts) -> None:
        super().__init__()
        if settings.lang != "en":
            self._bindings = keys_in(self._bindings, settings.lang)
        self.settings = settings
        """What the user asked for."""
        self.parts = parts
        """What the factory built (source, scenes, probes, themes)."""
        self.source: RunSource = parts.source
        """The run shown: the engine live or a replay."""
        self.scenes = parts.scenes
        """Scenes by name (a replay has none)."""
        self.recording = parts.recording
        """The replayed trace (None for a live run)."""
        self.lang = settings.lang
        """Language of the captions: "en" or "ko"."""
        self.choices = Choices(settings.device, settings.scene, settings.present, settings.race)
        """Device, scene and modes as chosen since the start."""
        self.gpu_ok: bool | None = None
        self.gpu_reason = "checking…"
        self.theme_names: list[str] = []
        """The cgviz themes loaded from themes/ (t cycles through them)."""
        self._unavailable = LIVE_ONLY if parts.recording is not None else REPLAY_ONLY
        """The actions this run does not offer (greyed)."""

        self.panes = p = Panes.make(settings.lang)
        """The main screen's widgets (made here, placed by compose)."""
        self.view = ViewControls(p.static, p.eager, p.legend, self.source, self.lang)
        self.lecture = Lecture(
            self, p, self.source, self.choices, self.scenes, self.lang, settings.iterations
        )
        self.selection = Selection(p, self.source, self.view, self.notify, self.lang)
        self.frame = Frame(
            self,
            p,
            self.source,
            self.view,
            self.lecture,
            self.selection,
            self.choices,
            lang=self.lang,
            exact=parts.exact,
            subtitles=parts.recording is None,
        )

    # ------------------------------------------------------------ what tests and tools read

    @property
    def state(self) -> ViewState:
        """The view state drawn now."""
        return self.source.state

    @property
    def runner(self) -> Runner | PairRunner | None:
        """The live engine's runner (None in a replay)."""
        return getattr(self.source, "runner", None)

    @property
    def player(self) -> Player | None:
        """A replay's player (None for a live run)."""
        return None if self.recording is None else self.source  # type: ignore[return-value]

    @property
    def device(self) -> str:
        """The device the engine runs on: "cpu" or "gpu"."""
        return self.choices.device

    @property
    def scene_name(self) -> str:
        """Name of the scene being run."""
        return self.choices.scene

    @property
    def present(self) -> bool:
        """Presentation mode (projector theme, big cues, side panels hidden)."""
        return self.choices.present

    @property
    def race(self) -> bool:
        """Race mode: both sides at full speed, a bar shows which is ahead (R)."""
        return self.choices.race

    @property
    def _status_text(self) -> str:
        return self.frame._status_text

    # the widgets, by their old names
    static_graph = property(lambda self: self.panes.static)
    eager_graph = property(lambda self: self.panes.eager)
    source_pane = property(lambda self: self.panes.source)
    loss_plot = property(lambda self: self.panes.loss)
    card = property(lambda self: self.panes.card)
    cpu_panel = property(lambda self: self.panes.cpu_panel)
    gpu_panel = property(lambda self: self.panes.gpu_panel)
    cpu_data = property(lambda self: self.panes.cpu_data)
    gpu_data = property(lambda self: self.panes.gpu_data)
    status = property(lambda self: self.panes.status)
    legend = property(lambda self: self.panes.legend)
    caption = property(lambda self: self.panes.caption)
    cue = property(lambda self: self.panes.cue)
    output = property(lambda self: self.panes.output)
    search = property(lambda self: self.panes.search)

    # ------------------------------------------------------------ theme variables

    def get_theme_variable_defaults(self) -> dict[str, str]:
        """Defaults for our variables, taken from the current theme's own colours."""
        c = self.current_theme.to_color_system().generate()
        fg = c["foreground"]
        return {
            "node-defined": fg,
            "node-pruned": c["foreground-muted"],
            "node-pending": c["primary"],
            "node-running": c["warning"],
            "node-done": c["success"],
            "node-error": c["error"],
            "node-grad": c["secondary"],
            "edge": fg,
            "edge-dim": c["foreground-muted"],
            "device-cpu": c["primary"],
            "device-gpu": c["accent"],
            "heat-0": c["primary"],
            "heat-1": c["success"],
            "heat-2": c["warning"],
            "heat-3": c["accent"],
            "heat-4": c["error"],
            "source-current": c["primary-muted"],
            "node-lit": c["accent-muted"],
        }

    # ------------------------------------------------------------ composition

    # ------------------------------------------------------------ composition

    def compose(self) -> ComposeResult:
        p = self.panes
        yield Header()
        yield p.caption
        with Horizontal(id="main"):
            with Vertical(id="graphs"):
                yield p.cue
                with Horizontal(id="panes"):
                    yield p.static
                    yield p.eager
                yield p.search
                yield p.legend
                with Horizontal(id="bottom"):
                    yield p.source
                    yield p.output
            with VerticalScroll(id="side"):
                yield p.card
                yield p.cpu_panel
                yield p.cpu_data
                yield p.gpu_panel
                yield p.gpu_data
                yield p.loss  # fills the side column under the device panels
        yield p.status
        yield KeysFooter()

    def on_mount(self) -> None:
        parts, lang = self.parts, self.lang
        for theme in parts.themes:
            self.register_theme(theme)
        self.theme_names = [t.name for t in parts.themes]
        for failure in parts.theme_failures:
            self.notify(
                failure,
                title=tr("app.theme_skipped", lang),
                severity="warning",
                timeout=8,
                markup=False,
            )
        wanted = self.settings.theme
        if wanted in self.available_themes:
            self.theme = wanted
        else:
            self.notify(
                tr("app.unknown_theme", lang, name=repr(wanted), default=DEFAULT_THEME),
                severity="warning",
                markup=False,
            )
            self.theme = DEFAULT_THEME if DEFAULT_THEME in self.available_themes else self.theme
        self.card.display = False
        self.static_graph.draws_ahead = parts.draw_ahead
        if parts.draw_ahead:
            warm_helper("tui.drawing.pane")  # ready when the first graph comes
        self.lecture.set_titles(self.view.static_as_run)
        self.apply_size()
        self.view.update_legend(max(0, self.size.width - 2))
        if self.recording is not None:  # the trace's devices, not this machine's
            self.lecture.show_recorded_devices(self.recording)
            self.gpu_ok = False
            self.sub_title = self.recording.label(lang)
        else:
            self.cpu_panel.set_info(parts.device_info("cpu"))
            if parts.exact:
                self._set_gpu(*parts.gpu_status())
            else:
                self._probe_gpu()
        if parts.timer:
            self.screen.set_interval(1 / 30, self.drain)
        if parts.scene_problem:
            self.notify(
                parts.scene_problem,
                title=tr("app.engine", lang),
                severity="error",
                timeout=10,
                markup=False,
            )
        if self.present:
            self.lecture.set_present(True)
        if self.race:
            self.set_race(True, restart=False)
        if parts.autostart:
            self.start_run()
        self.frame.update_status()
        if parts.freeze_gc:
            self.call_after_refresh(self.frame.collector.take_over)

    def on_notify(self, event: Notify) -> None:
        """Repaint the screen once the notification's toast has gone. Textual removes an
        expired toast but may leave it painted: in race mode at 80x24 the toast that says so
        stayed over the status line (a resize cleared it) where the pane had scrolled, the
        screen's map of where things are having been made without the toast."""
        gone = event.notification.timeout + TOAST_GONE_S
        self.set_timer(gone, lambda: self.screen.refresh())

    def on_unmount(self) -> None:
        self.frame.collector.give_back()
        self.source.stop()
        runner = self.runner
        if runner is not None:
            runner.close()

    def get_default_screen(self) -> Screen[Any]:
        return MainScreen(id="_default")

    def apply_size(self) -> None:
        """Give the graphs the room on smaller terminals: no side panels below
        ``SIDE_PANELS_FROM`` columns, a 7-row source below 44 rows and none below 34, one graph
        pane at a time below ``ONE_PANE_BELOW`` columns (the panes pick box sizes that fit)."""
        width, height = self.size
        self.screen.set_class(width < SIDE_PANELS_FROM, "-narrow")
        self.screen.set_class(height < 34, "-short")
        self.screen.set_class(34 <= height < 44, "-low")
        self.screen.set_class(width < ONE_PANE_BELOW, "-one-pane")
        self.lecture.show_solo()
        self.query_one(Footer).compact = width < 160  # every key, Help too, still shows
        self.call_after_refresh(self.frame.fit_labels)  # once the panes have their new sizes

    # ------------------------------------------------------------ the run

    def drain(self) -> None:
        """Fold pending events into the view state and redraw what changed (once a frame)."""
        self.frame.drain()

    def start_run(self, keep_device: str | None = None) -> None:
        """(Re)start: the source goes back to the beginning and the view empties; a live run
        then runs the current scene on the current device (a replay has no scene to run).

        Args:
            keep_device: a device whose panel figures stay (after a device switch).
        """
        self.source.restart(keep_device)
        self.frame.reset()
        scene = self.scenes.get(self.scene_name)
        if scene is None:
            if self.scenes:
                self.notify(
                    tr(
                        "app.no_scene",
                        self.lang,
                        name=repr(self.scene_name),
                        names=", ".join(self.scenes),
                    ),
                    severity="error",
                    markup=False,
                )
            self.frame.present_now()  # a replay shows its first picture
            return
        title = scene_text(self.scene_name, scene, self.lang)[0]
        self.sub_title = f"{title} · {self.device.upper()}"
        self.lecture.show_scene(self.scene_name, scene)
        source = getattr(scene, "source", "")
        if callable(source):  # engine scenes render their listing for a device and a count
            try:
                source = source(self.device, self.settings.iterations)
            except Exception:
                source = ""
        if isinstance(source, str) and source:
            self.source_pane.set_source(source)
        self._run_engine(scene, self.device, self.settings.iterations)

    @work(thread=True, exclusive=True, group="engine", exit_on_error=False)
    def _run_engine(self, scene: Any, device: str, iterations: int | None) -> None:
        self.source.run_scene(scene, device, iterations, self.settings.seed)

    @work(thread=True, group="probe", exit_on_error=False)
    def _probe_gpu(self) -> None:
        ok, reason = self.parts.gpu_status()
        self.call_from_thread(self._set_gpu, ok, reason)

    def _set_gpu(self, ok: bool, reason: str) -> None:
        self.gpu_ok, self.gpu_reason = ok, reason
        self.gpu_panel.set_info(
            self.parts.device_info("gpu")
            if ok
            else {"device": "gpu", "available": False, "reason": reason}
        )
        self.refresh_bindings()

    def _moved(self) -> None:
        """A key moved or changed the run: redraw now (a replay moves at once)."""
        self.source.state.dirty.add("status")
        self.frame.present_now(panels=False)

    # ------------------------------------------------------------ run keys

    async def run_action(
        self,
        action: str | ActionParseResult,
        default_namespace: DOMNode | None = None,
        namespaces: Mapping[str, DOMNode] | None = None,
    ) -> bool:
        """Run an action (a key's, the palette's): the frame learns a key is under way."""
        self.frame.key_pressed()
        return await super().run_action(action, default_namespace, namespaces)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "quit" and self.focused is self.search:
            return False  # q is a letter of a name being typed
        if action == "step" and not self.source.running:
            return None
        if action in self._unavailable:
            return None
        return True

    def action_toggle_pause(self) -> None:
        """Pause or resume."""
        self.source.pause(not self.source.paused)
        self._moved()

    def action_step(self) -> None:
        """Run to the next node, then pause. The node comes from the engine a few ms later:
        the inbox is drained every :data:`STEP_POLL_S` for a while, not at the frame timer's
        next tick (up to 33 ms on)."""
        self.source.step(1)
        self.frame.collector.key(hold=STEP_POLLS * STEP_POLL_S)  # (no collection before it)
        self._moved()
        for k in range(1, STEP_POLLS + 1):
            self.set_timer(k * STEP_POLL_S, self.drain)

    def action_step_back(self) -> None:
        """Replay: one node back."""
        self.source.step(-1)
        self._moved()

    def action_speed(self, step: int) -> None:
        """Go one named speed faster (+1) or slower (-1)."""
        names = [n for n, _ in SPEEDS]
        i = max(0, min(len(names) - 1, names.index(self.source.speed) + step))
        self.set_speed(names[i])

    def set_speed(self, name: str) -> None:
        """Use a named speed; a paused run stays paused (space resumes it at that speed)."""
        self.source.set_speed(name)
        self._moved()

    def action_restart(self) -> None:
        """Restart the scene (a replay: from its first event)."""
        self.start_run()

    def action_next(self) -> None:
        """Next scene in lecture order (replay: next marker)."""
        self._walk(1)

    def action_previous(self) -> None:
        """Previous scene in lecture order (replay: previous marker)."""
        self._walk(-1)

    def _walk(self, step: int) -> None:
        """n / p: the next scene of the lecture; a replay (which has no scenes) goes to the
        next phase marker instead."""
        if not self.scenes:
            self._jump(step)
            return
        target = neighbour(list(self.scenes), self.scene_name, step)
        if target is None:
            key = "note.last_scene" if step > 0 else "note.first_scene"
            self.notify(tr(key, self.lang), timeout=2)
            return
        self.open_scene(target)

    def action_next_marker(self) -> None:
        """Replay: jump to the next phase marker."""
        self._jump(1)

    def action_previous_marker(self) -> None:
        """Replay: jump to the previous phase marker."""
        self._jump(-1)

    def _jump(self, direction: int) -> None:
        found = self.source.marker(direction)
        if found is not None:
            self.notify(
                found.label(self.lang), title=tr("note.marker", self.lang), timeout=3, markup=False
            )
        self._moved()

    def action_toggle_marker_pause(self) -> None:
        """Replay: pause at every marker, or not."""
        on = not self.source.pause_on_marker
        self.source.pause_on_marker = on
        self.notify(tr(f"note.marker_pause.{'on' if on else 'off'}", self.lang), timeout=2)
        self._moved()

    def action_toggle_race(self) -> None:
        """Race mode on or off (on restarts the scene at full speed)."""
        self.set_race(not self.race)

    def set_race(self, on: bool, restart: bool = True) -> None:
        """Both sides at full speed on the same device, with a bar of who is ahead."""
        self.lecture.set_race(on)
        self.notify(tr("race.on" if on else "race.off", self.lang), timeout=3)
        if on and restart:
            self.start_run()
        self.lecture.refresh_cue()
        self.frame.fit_labels()

    # ------------------------------------------------------------ scenes and devices

    def action_switch_device(self) -> None:
        """Toggle between CPU and GPU."""
        self.set_device("gpu" if self.device == "cpu" else "cpu")

    def set_device(self, device: str) -> None:
        """Run on a device from now on (restarts the scene); says why when there is no GPU."""
        if device == "gpu" and self.gpu_ok is False:
            self.notify(
                tr("app.no_gpu", self.lang, reason=phrase(self.gpu_reason, self.lang)),
                title=tr("app.device", self.lang),
                severity="warning",
                markup=False,  # the probe's reason, e.g. pip install '.[gpu]'
            )
            return
        before, self.choices.device = self.device, device
        self.refresh_bindings()
        self.start_run(keep_device=before if before != device else None)

    def device_note(self, device: str) -> str:
        """A line for the palette about a device."""
        if device == "cpu":
            return "numpy"
        return "cupy" if self.gpu_ok else f"unavailable: {self.gpu_reason}"

    def action_next_scene(self) -> None:
        """Open the next scene."""
        names = list(self.scenes)
        if not names:
            self.notify(
                self.parts.scene_problem or tr("app.no_scenes", self.lang),
                severity="warning",
                markup=False,
            )
            return
        i = (names.index(self.scene_name) + 1) % len(names) if self.scene_name in names else 0
        self.open_scene(names[i])

    def open_scene(self, name: str) -> None:
        """Run a scene by name."""
        self.choices.scene = name
        self.start_run()

    def show_scene(self, name: str, scene: Any) -> None:
        """Caption a scene and give the room to the panes it runs."""
        self.lecture.show_scene(name, scene)

    def scene_event(self, scene: dict[str, Any]) -> None:
        """Caption a ``scene`` event (live or replayed)."""
        self.lecture.scene_event(scene)

    def update_cue(self) -> None:
        """The big line of presentation mode, or the race's bars."""
        self.lecture.update_cue()

    # ------------------------------------------------------------ view keys

    def shown_graph(self, mode: str) -> GraphModel | None:
        """The graph a pane draws now (see :meth:`ViewControls.shown_graph`)."""
        return self.view.shown_graph(mode)

    def action_toggle_as_run(self) -> None:
        """Show the static graph as built or as run (after the graph passes)."""
        self.set_as_run(not self.view.static_as_run)

    def set_as_run(self, on: bool) -> None:
        """Static pane: the graph as run (True) or as built (False)."""
        self.card.display = False
        self.view.set_as_run(on)
        self.frame.present_now(panels=False)
        self._say(tr("view.as_run" if on else "view.as_built", self.lang))

    def action_toggle_fold(self) -> None:
        """Unfold everything (scopes, variables, constants) in both panes, or fold it back."""
        self.view.toggle_fold()

    def action_toggle_orientation(self) -> None:
        """Switch both panes between left-to-right and top-to-bottom."""
        self.view.toggle_orientation()

    def action_toggle_compact(self) -> None:
        """Box size: fit the pane (auto), then full, compact, one-row, and auto again."""
        size = self.view.next_box_size()
        self._say(tr(f"note.boxes.{size}", self.lang))

    def _say(self, text: str) -> None:
        """What a view key did: on the legend's line (see :meth:`ViewControls.note`), else (a
        narrow terminal hides it) as a notification."""
        if not self.view.note(text):
            self.notify(text, timeout=3, markup=False)

    def action_next_colour_mode(self) -> None:
        """Colour by state, then device, then time (heat)."""
        self.view.next_colour_mode()

    def set_colour_mode(self, mode: str) -> None:
        """Colour boxes by "state", "device" or "heat"."""
        self.view.set_colour_mode(mode)

    def action_next_theme(self) -> None:
        """Cycle through the cgviz themes."""
        names = self.theme_names or [self.theme]
        i = (names.index(self.theme) + 1) % len(names) if self.theme in names else 0
        self.theme = names[i]
        self.notify(tr("note.theme", self.lang, name=self.theme), timeout=2)

    def action_toggle_present(self) -> None:
        """Presentation mode on or off."""
        self.lecture.set_present(not self.present or not self.screen.has_class("-present"))

    def action_switch_pane(self) -> None:
        """Show the other graph pane (a small terminal shows one at a time)."""
        self.lecture.switch_pane()
        self.frame.fit_labels()  # the shown pane's title names the one now hidden
        if not self.screen.has_class("-one-pane"):
            self.notify(tr("note.both_panes", self.lang), timeout=2)

    def action_show_bench(self) -> None:
        """Open the saved benchmark results (the lecture's CPU vs GPU table)."""
        from tui.screens.bench import BenchScreen

        self.push_screen(BenchScreen(self.settings.bench))

    def action_help(self) -> None:
        """Show the help screen."""
        HelpScreen.open(self)

    def action_screenshot(self) -> None:
        """Save an SVG screenshot of the screen on top (help, bench... too) in the screenshot
        folder (``$CGVIZ_SCREENSHOT_DIR``, else ``~/Pictures/cgviz``), never into the working
        directory unasked; the notice gives its full path."""
        folder = screenshot_dir()
        title = tr("app.screenshot", self.lang)
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path = Path(self.save_screenshot(path=str(folder))).resolve()
        except OSError as e:
            text = f"{folder}: {e.strerror or e}"
            self.notify(text, title=title, severity="error", markup=False)
            return
        self.notify(tr("saved", self.lang, path=str(path)), title=title, timeout=6, markup=False)

    # ------------------------------------------------------------ selection and search

    def on_graph_view_selected(self, message: GraphView.Selected) -> None:
        self.selection.selected(message)

    def on_source_pane_line_chosen(self, message: SourcePane.LineChosen) -> None:
        """The source cursor moved: light the nodes its line made, in both panes."""
        self.selection.line_chosen(message.line)

    def twin_of(self, view: GraphView, nid: int) -> int | None:
        """The node of the other pane computing the same quantity (see Selection.twin_of)."""
        return self.selection.twin_of(view, nid)

    def action_search(self) -> None:
        """Open the search line (``/``): typing lights the matches, enter goes to the best."""
        self.selection.open_search(self.focused)

    def action_close_card(self) -> None:
        """Hide the node card (while searching: close the search)."""
        if self.search.display:
            self.selection.close_search()
            return
        self.card.display = False

    def on_input_changed(self, message: Input.Changed) -> None:
        if message.input is self.search:
            self.selection.search_changed(message.value)

    def on_input_submitted(self, message: Input.Submitted) -> None:
        if message.input is self.search:
            self.selection.search_submitted(message.value)

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield from system_commands(self)


def screenshot_dir() -> Path:
    """Where ctrl+s saves: ``$CGVIZ_SCREENSHOT_DIR``, else ``~/Pictures/cgviz``."""
    env = os.environ.get("CGVIZ_SCREENSHOT_DIR")
    return Path(env) if env else Path.home() / "Pictures" / "cgviz"


# ------------------------------------------------------------------ the factory

HOOKS = frozenset(f.name for f in fields(Hooks))


def _split(options: dict[str, Any]) -> Hooks:
    """Take the test hooks out of ``options`` (what is left are settings)."""
    given = options.pop("hooks", None) or Hooks()
    found = {name: options.pop(name) for name in list(options) if name in HOOKS}
    return Hooks(**{**{f.name: getattr(given, f.name) for f in fields(Hooks)}, **found})


def _parts(hooks: Hooks, source: RunSource, **given: Any) -> Parts:
    """The parts every app has, from the hooks (probes, themes, timing)."""
    themes, failures = load_themes(hooks.themes_dir)
    return Parts(
        source=source,
        gpu_status=hooks.gpu_status or engine_link.gpu_status,
        device_info=hooks.device_info or engine_link.device_info,
        themes=themes,
        theme_failures=failures,
        exact=hooks.deterministic,
        timer=(not hooks.deterministic) if hooks.autodrain is None else hooks.autodrain,
        autostart=hooks.autostart,
        freeze_gc=hooks.freeze_gc,
        draw_ahead=(not hooks.deterministic) if hooks.draw_ahead is None else hooks.draw_ahead,
        **given,
    )


def make_app(
    scene: str = DEFAULT_SCENE,
    device: str = "cpu",
    theme: str = DEFAULT_THEME,
    iterations: int | None = None,
    *,
    scenes: dict[str, Any] | None = None,
    **options: Any,
) -> CgvizApp:
    """Build the app on the live engine (the CLI and the tests share this).

    Args:
        scene: scene to open.
        device: "cpu" or "gpu".
        theme: theme name (cgviz-dark, cgviz-light, projector, colorblind, or a Textual one).
        iterations: iterations to run (None: the scene's default).
        scenes: scenes by name (None: the engine's).
        **options: the other :class:`Settings` (speed, lang, present, race, seed, bench) and
            the :class:`Hooks` (deterministic, autodrain, autostart, stream, gpu_status,
            device_info, themes_dir, engine), or ``hooks=Hooks(...)``.
    """
    hooks = _split(options)
    settings = Settings(scene=scene, device=device, theme=theme, iterations=iterations, **options)
    problem = ""
    if scenes is None:
        scenes, problem = engine_link.load_scenes()
    engine = hooks.engine
    if engine is None:  # tests (a private stream, fake timings) keep the engine in here
        engine = "thread" if hooks.deterministic or hooks.stream is not None else "process"
    runner: Runner | PairRunner = (
        PairRunner(speed=settings.speed) if engine == "process" else Runner(speed=settings.speed)
    )
    runner.warm(scenes.get(scene))  # the engine processes the first scene needs, started now
    state = ViewState(fake_timings=hooks.deterministic)
    source = LiveSource(runner, state, fold_all=hooks.deterministic, stream=hooks.stream)
    parts = _parts(hooks, source, scenes=dict(scenes), scene_problem=problem)
    return CgvizApp(settings, parts)


def make_replay_app(recording: Recording, **options: Any) -> CgvizApp:
    """Build the app on a recorded trace: a player instead of the engine.

    Args:
        recording: the trace (see :func:`tui.replay.load.load_recording`).
        **options: speed, pause_on_markers, and what :func:`make_app` takes (theme, lang,
            present, deterministic, autodrain...).
    """
    from tui.replay.player import Player

    pause_on_markers = bool(options.pop("pause_on_markers", False))
    hooks = _split(options)
    settings = Settings(scene=recording.scene_name, device=recording.device, **options)
    player = Player(
        recording.events,
        speed=settings.speed,
        fake_timings=hooks.deterministic,
        paced=recording.paced,
    )
    player.pause_on_marker = pause_on_markers
    parts = _parts(hooks, player, scenes={}, recording=recording)
    player.ticking = parts.timer  # without a timer the caller moves the player
    return CgvizApp(settings, parts)

"""The cgviz app: panes, panels, controls and the frame-rate drain (the CLI is tui/cli/main.py)."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import getters, work
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingsMap, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, Log, Static

from themes import load_themes
from tui import engine_link
from tui.app.commands import CgvizCommands, system_commands
from tui.app.frame import FrameActions
from tui.app.lecture_actions import LectureActions
from tui.app.replay_actions import ReplayActions
from tui.app.view_actions import ViewActions
from tui.engine_link.pair import PairRunner
from tui.engine_link.process import job_for
from tui.engine_link.runner import SPEEDS, Runner
from tui.i18n import key_words, phrase, scene_text, tr, word
from tui.screens.help import HelpScreen
from tui.view.captions import legend
from tui.view.crosslink import line_nodes, link, user_names
from tui.view.model import shape_text
from tui.view.search import find
from tui.view.state import OUTPUT_LINES, ViewState
from tui.widgets import DataStrip, DevicePanel, GraphView, LossPlot, NodeCard, SourcePane

if TYPE_CHECKING:
    from textual.app import ComposeResult

    from tui.replay.load import Recording
    from tui.replay.player import Player

DEFAULT_SCENE = "two-layer"
SIDE_PANELS_FROM = 140
"""Terminals narrower than this give the side panels' room to the graphs (the status line
keeps the key figures)."""
ONE_PANE_BELOW = 100
"""Terminals narrower than this show one graph pane at a time (w switches)."""
DEFAULT_THEME = "cgviz-dark"
SCENE_KEYS = Binding.Group("Scene", compact=True)
"""n and p share one footer entry ("np Scene"; in a replay they move between markers)."""
SPEED_KEYS = Binding.Group("Speed", compact=True)
"""+ and - share one footer entry ("+- Speed"), so every key fits at 120 columns."""


class MainScreen(Screen[None]):
    """The default screen; tells the app when the terminal changes size."""

    def on_resize(self) -> None:
        app = self.app
        if isinstance(app, CgvizApp):
            app.apply_size()


class CgvizApp(FrameActions, ViewActions, LectureActions, ReplayActions, App[None]):
    """Static graph vs eager loop, side by side, with per-device timings."""

    CSS_PATH = "app.tcss"
    TITLE = "cgviz"
    COMMANDS = App.COMMANDS | {CgvizCommands}

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit", priority=True, tooltip="Quit cgviz", id="app.quit"),
        Binding(
            "ctrl+p",
            "command_palette",
            "palette",
            show=False,
            tooltip="Open the command palette",
            id="app.palette",
        ),
        Binding(
            "space", "toggle_pause", "Pause", tooltip="Pause or resume the run", id="run.pause"
        ),
        Binding(
            "s,full_stop", "step", "Step", tooltip="Run to the next node, then pause", id="run.step"
        ),
        Binding(
            "comma",
            "step_back",
            "Back",
            show=False,
            tooltip="Replay: one node back",
            id="replay.step-back",
        ),
        Binding(
            "n,pagedown",
            "next",
            "Next",
            tooltip="Next scene (replay: next marker)",
            id="lecture.next",
            group=SCENE_KEYS,
        ),
        Binding(
            "p,pageup",
            "previous",
            "Prev",
            tooltip="Previous scene (replay: previous marker)",
            id="lecture.previous",
            group=SCENE_KEYS,
        ),
        Binding(
            "greater_than_sign",
            "next_marker",
            "Marker ▶",
            show=False,
            tooltip="Replay: next phase marker",
            id="replay.next-marker",
        ),
        Binding(
            "less_than_sign",
            "previous_marker",
            "◀ Marker",
            show=False,
            tooltip="Replay: previous phase marker",
            id="replay.previous-marker",
        ),
        Binding(
            "k",
            "toggle_marker_pause",
            "Marker pause",
            show=False,
            tooltip="Replay: pause at every phase marker",
            id="replay.marker-pause",
        ),
        Binding(
            "R",
            "toggle_race",
            "Race",
            show=False,
            tooltip="Race: both sides at full speed on the same device; a bar shows who is ahead",
            id="run.race",
        ),
        Binding(
            "w",
            "switch_pane",
            "Pane",
            show=False,
            tooltip="Small terminals: show the other graph pane",
            id="view.switch-pane",
        ),
        Binding(
            "P",
            "toggle_present",
            "Present",
            tooltip="Presentation mode: projector theme, big cues, side panels hidden",
            id="view.present",
        ),
        Binding(
            "plus,equals_sign",
            "speed(1)",
            "Faster",
            tooltip="Faster (up to full speed)",
            id="run.faster",
            group=SPEED_KEYS,
        ),
        Binding(
            "minus",
            "speed(-1)",
            "Slower",
            tooltip="Slower (down to lecture pace)",
            id="run.slower",
            group=SPEED_KEYS,
        ),
        Binding(
            "r",
            "restart",
            "Restart",
            tooltip="Restart the scene from the beginning",
            id="run.restart",
        ),
        Binding(
            "d",
            "switch_device",
            "Device",
            tooltip="Switch between CPU (numpy) and GPU (cupy)",
            id="run.device",
        ),
        Binding(
            "c", "next_scene", "Scene", show=False, tooltip="Open the next scene", id="run.scene"
        ),
        Binding(
            "f",
            "toggle_fold",
            "Fold",
            tooltip="Fold or unfold name scopes (gradients/)",
            id="view.fold",
        ),
        Binding(
            "o",
            "toggle_orientation",
            "Orient",
            show=False,
            tooltip="Lay graphs out left-to-right or top-to-bottom",
            id="view.orientation",
        ),
        Binding(
            "g",
            "toggle_as_run",
            "As run",
            tooltip="Static graph as built, or as run: after the graph passes (folding, fusion)",
            id="view.as-run",
        ),
        Binding(
            "b",
            "show_bench",
            "Bench",
            show=False,
            tooltip="The benchmark's CPU vs GPU table and matmul GFLOP/s (newest saved results)",
            id="app.bench",
        ),
        Binding(
            "m",
            "next_colour_mode",
            "Colour",
            tooltip="Colour by state, device or time",
            id="view.colour",
        ),
        Binding(
            "z",
            "toggle_compact",
            "Box size",
            show=False,
            tooltip="Node boxes: fit the pane, full, compact or one-row",
            id="view.compact",
        ),
        Binding(
            "t", "next_theme", "Theme", show=False, tooltip="Next cgviz theme", id="view.theme"
        ),
        Binding(
            "escape",
            "close_card",
            "Close card",
            show=False,
            tooltip="Hide the node card",
            id="view.close-card",
        ),
        Binding(
            "slash",
            "search",
            "Find",
            show=False,
            tooltip="Find a node by name or variable; its twin in the other pane lights too",
            id="view.search",
        ),
        Binding(
            "ctrl+s",
            "screenshot",
            "Screenshot",
            show=False,
            tooltip="Save an SVG screenshot",
            id="app.screenshot",
        ),
        Binding(
            "question_mark,f1",
            "help",
            "Help",
            tooltip="Keys and what the panes show",
            id="app.help",
        ),
    ]

    device: reactive[str] = reactive("cpu", bindings=True, init=False)
    """The device the engine runs on: "cpu" or "gpu"."""
    scene_name: reactive[str] = reactive(DEFAULT_SCENE, init=False)
    """Name of the scene being run."""
    colour_mode: reactive[str] = reactive("state", init=False)
    """How boxes are coloured: "state", "device" or "heat"."""

    static_graph = getters.query_one("#static-graph", GraphView)
    eager_graph = getters.query_one("#eager-graph", GraphView)
    source_pane = getters.query_one("#source", SourcePane)
    loss_plot = getters.query_one("#loss", LossPlot)
    card = getters.query_one("#card", NodeCard)
    cpu_panel = getters.query_one("#cpu-panel", DevicePanel)
    gpu_panel = getters.query_one("#gpu-panel", DevicePanel)
    cpu_data = getters.query_one("#cpu-data", DataStrip)
    gpu_data = getters.query_one("#gpu-data", DataStrip)
    status = getters.query_one("#status", Static)
    legend = getters.query_one("#legend", Static)
    caption = getters.query_one("#caption", Static)
    cue = getters.query_one("#cue", Static)
    output = getters.query_one("#output", Log)
    search = getters.query_one("#search", Input)

    def __init__(
        self,
        *,
        scenes: dict[str, Any] | None = None,
        scene: str = DEFAULT_SCENE,
        device: str = "cpu",
        theme: str = DEFAULT_THEME,
        iterations: int | None = None,
        speed: str = "lecture",
        deterministic: bool = False,
        autodrain: bool | None = None,
        autostart: bool = True,
        stream: Any = None,
        gpu_status: Callable[[], tuple[bool, str]] | None = None,
        device_info: Callable[[str], dict[str, Any]] | None = None,
        themes_dir: str | None = None,
        seed: int = 0,
        lang: str = "en",
        present: bool = False,
        race: bool = False,
        player: Player | None = None,
        recording: Recording | None = None,
        bench: str | None = None,
        engine: str | None = None,
    ) -> None:
        super().__init__()
        if lang != "en":
            self._bindings = keys_in(self._bindings, lang)
        self.lang = lang
        """Language of the captions: "en" or "ko"."""
        self.present = present
        self.race = race
        """Race mode: both sides at full speed, a bar shows which is ahead (R)."""
        """Presentation mode (projector theme, big cues, side panels hidden)."""
        self.player = player
        """A replay's player (None for a live run)."""
        self.recording = recording
        self.bench_path = bench
        """Benchmark results the bench screen shows (None: the newest saved ones)."""
        """The replayed trace (None for a live run)."""
        self._player_gen = 0
        self._tick_at = time.monotonic()
        self._theme_before_present: str | None = None
        self.scenes: dict[str, Any] = dict(scenes) if scenes is not None else {}
        self._scene_problem = ""
        if scenes is None:
            self.scenes, self._scene_problem = engine_link.load_scenes()
        self.iterations, self.seed, self.stream = iterations, seed, stream
        self.deterministic = deterministic
        """Tests: fake timings, no drain timer (call drain()), fixed device facts."""
        self.autodrain = (not deterministic) if autodrain is None else autodrain
        self.autostart = autostart
        self.state = player.state if player is not None else ViewState(fake_timings=deterministic)
        if engine is None:  # tests (a private stream, fake timings) keep the engine in here
            engine = "thread" if deterministic or stream is not None or player else "process"
        self.runner: Runner | PairRunner = (
            PairRunner(speed=speed) if engine == "process" else Runner(speed=speed)
        )
        """Drives the engine: in its own process ("process", the live app: the UI and the
        engine each get a core) or in a worker thread here ("thread")."""
        if isinstance(self.runner, PairRunner):
            self.runner.warm()
        self._gpu_status = gpu_status or engine_link.gpu_status
        self._device_info = device_info or engine_link.device_info
        self.gpu_ok: bool | None = None
        self.gpu_reason = "checking…"
        self._wanted_theme = theme
        self._themes_dir = themes_dir
        self.theme_names: list[str] = []
        """The cgviz themes loaded from themes/ (t cycles through them)."""
        self._panels_at = 0.0
        self._panes_at = 0.0
        self._frame_ms: list[float] = []
        self._status_text = ""
        self._card_of: tuple[GraphView, Any] | None = None
        self._search_from: GraphView | None = None
        """The pane that had the focus when ``/`` opened the search (enter goes there first)."""
        self._output_shown = 0
        self.solo = "static"
        """The graph pane a small terminal shows (w switches)."""
        self.set_reactive(CgvizApp.device, device)
        self.set_reactive(CgvizApp.scene_name, scene)

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

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="caption")
        with Horizontal(id="main"):
            with Vertical(id="graphs"):
                yield Static(id="cue")
                with Horizontal(id="panes"):
                    yield GraphView("static", id="static-graph")
                    yield GraphView("eager", id="eager-graph")
                yield Input(
                    placeholder=tr("search.placeholder", self.lang), id="search", compact=True
                )
                yield Static(id="legend")
                with Horizontal(id="bottom"):
                    yield SourcePane(id="source")
                    yield Log(id="output", max_lines=OUTPUT_LINES)  # what a script prints
            with VerticalScroll(id="side"):
                yield NodeCard(id="card")
                yield DevicePanel("cpu", id="cpu-panel")
                yield DataStrip("cpu", id="cpu-data")
                yield DevicePanel("gpu", id="gpu-panel")
                yield DataStrip("gpu", id="gpu-data")
                yield LossPlot(id="loss")  # fills the side column under the device panels
        yield Static(id="status")
        yield Footer()

    def on_mount(self) -> None:
        themes, failures = load_themes(self._themes_dir)
        for theme in themes:
            self.register_theme(theme)
        self.theme_names = [t.name for t in themes]
        for failure in failures:
            self.notify(
                failure, title=tr("app.theme_skipped", self.lang), severity="warning", timeout=8
            )
        if self._wanted_theme in self.available_themes:
            self.theme = self._wanted_theme
        else:
            self.notify(
                tr(
                    "app.unknown_theme",
                    self.lang,
                    name=repr(self._wanted_theme),
                    default=DEFAULT_THEME,
                ),
                severity="warning",
            )
            self.theme = DEFAULT_THEME if DEFAULT_THEME in self.available_themes else self.theme
        self.card.display = False
        self.set_titles()
        self.apply_size()
        self.update_legend()
        if self.recording is not None:
            self.show_recorded_devices(self.recording)
        else:
            self.cpu_panel.set_info(self._device_info("cpu"))
            if self.deterministic:
                self._set_gpu(*self._gpu_status())
            else:
                self._probe_gpu()
        if self.autodrain:
            self.screen.set_interval(1 / 30, self.drain)
        if self._scene_problem and self.player is None:
            self.notify(
                self._scene_problem, title=tr("app.engine", self.lang), severity="error", timeout=10
            )
        if self.present:
            self.set_present(True)
        if self.race:
            self.set_race(True, restart=False)
        if self.player is not None:
            self.start_replay()
        elif self.autostart:
            self.start_run()
        self._update_status()

    def on_unmount(self) -> None:
        if isinstance(self.runner, PairRunner):
            self.runner.close()
        else:
            self.runner.stop()

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
        self.show_solo()
        self.query_one(Footer).compact = width < 160  # every key, Help too, still shows
        self.call_after_refresh(self.fit_labels)  # once the panes have their new sizes

    # ------------------------------------------------------------ the run

    def show_solo(self) -> None:
        """On a small terminal one graph pane at a time takes the whole width (w switches);
        a scene with one side shows that side."""
        sides = getattr(self, "_sides", ("static", "eager"))
        if self.solo not in sides and sides:
            self.solo = "static" if "static" in sides else "eager"
        for mode, view in (("static", self.static_graph), ("eager", self.eager_graph)):
            view.set_class(mode != self.solo, "-not-solo")

    def action_switch_pane(self) -> None:
        """Show the other graph pane (a small terminal shows one at a time)."""
        sides = [m for m in ("static", "eager") if m in getattr(self, "_sides", ("static",))]
        others = [m for m in sides if m != self.solo] or sides
        self.solo = others[0] if others else self.solo
        self.show_solo()
        if not self.screen.has_class("-one-pane"):
            self.notify(tr("note.both_panes", self.lang), timeout=2)

    def start_run(self, keep_device: str | None = None) -> None:
        """(Re)start the current scene on the current device from an empty view.

        Args:
            keep_device: a device whose panel figures stay (after a device switch).
        """
        self.runner.stop()
        self.runner.inbox.clear()
        self.state.reset_run(keep_device)
        self.card.display = False
        self.output.clear()
        self.output.display = False
        self._output_shown = 0
        for view in (self.static_graph, self.eager_graph):
            view.show(None)
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
                )
            return
        self.sub_title = (
            f"{scene_text(self.scene_name, scene, self.lang)[0]} · {self.device.upper()}"
        )
        self.show_scene(self.scene_name, scene)
        source = getattr(scene, "source", "")
        if callable(source):  # engine scenes render their listing for a device and a count
            try:
                source = source(self.device, self.iterations)
            except Exception:
                source = ""
        if isinstance(source, str) and source:
            self.source_pane.set_source(source)
        self._run_engine(scene, self.device, self.iterations)

    @work(thread=True, exclusive=True, group="engine", exit_on_error=False)
    def _run_engine(self, scene: Any, device: str, iterations: int | None) -> None:
        job = (
            job_for(scene, device, iterations, self.seed)
            if isinstance(self.runner, PairRunner)
            else None
        )
        self.runner.run(
            job or (lambda: scene.run(device=device, iterations=iterations, seed=self.seed)),
            stream=self.stream,
        )

    @work(thread=True, group="probe", exit_on_error=False)
    def _probe_gpu(self) -> None:
        ok, reason = self._gpu_status()
        self.call_from_thread(self._set_gpu, ok, reason)

    def _set_gpu(self, ok: bool, reason: str) -> None:
        self.gpu_ok, self.gpu_reason = ok, reason
        self.gpu_panel.set_info(
            self._device_info("gpu")
            if ok
            else {"device": "gpu", "available": False, "reason": reason}
        )
        self.refresh_bindings()

    # ------------------------------------------------------------ the frame

    def update_legend(self) -> None:
        width = self.legend.size.width or max(0, self.size.width - 2)
        self.legend.update(legend(self.colour_mode, self.lang, width))

    # ------------------------------------------------------------ actions

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "quit" and self.focused is self.search:
            return False  # q is a letter of a name being typed
        replay = self.player is not None
        if action == "step" and not (self.player.running if replay else self.runner.running):
            return None
        if action in ("step_back", "next_marker", "previous_marker", "toggle_marker_pause"):
            return True if replay else None
        if action == "switch_device" and replay:
            return None
        return True

    def action_toggle_pause(self) -> None:
        """Pause or resume."""
        if self.player is not None:
            self.player.paused = not self.player.paused
            self._tick_at = time.monotonic()
        else:
            self.runner.pause(not self.runner.paused)
        self._update_status()

    def action_step(self) -> None:
        """Run to the next node, then pause."""
        if self.player is not None:
            self._replay_move("step", 1)
        else:
            self.runner.step()
        self._update_status()

    def action_speed(self, step: int) -> None:
        """Go one named speed faster (+1) or slower (-1)."""
        names = [n for n, _ in SPEEDS]
        current = self.player.speed if self.player is not None else self.runner.speed
        i = max(0, min(len(names) - 1, names.index(current) + step))
        self.set_speed(names[i])

    def set_speed(self, name: str) -> None:
        """Use a named speed; a paused run stays paused (space resumes it at that speed)."""
        if self.player is not None:
            self.player.speed = name
        else:
            self.runner.set_speed(name)
        self._update_status()

    def action_restart(self) -> None:
        """Restart the scene (a replay: from its first event)."""
        if self.player is not None:
            self.player.seek(0)
            self.player.paused = False
            self.adopt_player_state()
            self.present_now()
            return
        self.start_run()

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
            )
            return
        before, self.device = self.device, device
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
            self.notify(self._scene_problem or tr("app.no_scenes", self.lang), severity="warning")
            return
        i = (names.index(self.scene_name) + 1) % len(names) if self.scene_name in names else 0
        self.open_scene(names[i])

    def open_scene(self, name: str) -> None:
        """Run a scene by name."""
        self.scene_name = name
        self.start_run()

    def action_close_card(self) -> None:
        """Hide the node card (while searching: close the search)."""
        if self.search.display:
            self.close_search()
            return
        self.card.display = False

    def action_help(self) -> None:
        """Show the help screen."""
        self.push_screen(HelpScreen())

    def action_screenshot(self) -> None:
        """Save an SVG screenshot of the screen on top (help, bench... too) in the screenshot
        folder (``$CGVIZ_SCREENSHOT_DIR``, else ``~/Pictures/cgviz``), never into the working
        directory unasked; the notice gives its full path."""
        folder = screenshot_dir()
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path = Path(self.save_screenshot(path=str(folder))).resolve()
        except OSError as e:
            title = tr("app.screenshot", self.lang)
            self.notify(f"{folder}: {e.strerror or e}", title=title, severity="error")
            return
        self.notify(
            tr("saved", self.lang, path=str(path)), title=tr("app.screenshot", self.lang), timeout=6
        )

    def on_graph_view_selected(self, message: GraphView.Selected) -> None:
        view, graph = message.view, message.view.graph
        if graph is None:
            return
        self._card_of = (view, view.selected)
        node = message.node
        other = self.eager_graph if view is self.static_graph else self.static_graph
        twin = self.twin_of(view, node.id) if node is not None else None
        view.light([])  # the selection speaks for this pane; the other lights its twin
        other.light([twin] if twin is not None else [])
        if twin is not None:
            other.reveal_node(twin)
        self.card.show_node(graph, node, message.fold, self._code(node), self._pair(other, twin))
        mode = word("side", graph.mode, self.lang)
        self.card.border_title = f"{tr('app.node', self.lang)} · {mode}"
        listing = self._listing()
        if node is not None and node.line and (not listing or node.source.startswith(listing)):
            self.source_pane.current = node.line  # the line that made it, lit

    def _listing(self) -> str:
        """The file the source pane shows, as node sources name it ("" when unknown)."""
        return str(self.state.scene.get("file") or "")

    def _code(self, node: Any) -> str:
        """The text of the source line that made ``node`` ("" when the listing lacks it)."""
        if node is None or not node.line or node.line > len(self.source_pane.lines):
            return ""
        listing = self._listing()
        if listing and node.source and not node.source.startswith(listing):
            return ""
        return self.source_pane.lines[node.line - 1]

    def _pair(self, other: GraphView, twin: int | None) -> str:
        """The card's words for a node's twin in the other pane."""
        graph = other.graph
        if twin is None or graph is None or twin not in graph.nodes:
            return ""
        node = graph.nodes[twin]
        name = node.label if graph.mode == "static" else node.name
        return f"{word('side', graph.mode, self.lang)} · {name} {shape_text(node.shape)}"

    def twin_of(self, view: GraphView, nid: int) -> int | None:
        """The node of the other pane computing the same quantity as node ``nid`` of
        ``view`` (see :mod:`tui.view.crosslink`), or None."""
        links = link(
            self.static_graph.graph,
            self.eager_graph.graph,
            self.source_pane.lines,
            self._listing(),
        )
        return links.partner(view.mode, nid)

    def on_source_pane_line_chosen(self, message: SourcePane.LineChosen) -> None:
        """The source cursor moved: light the nodes its line made, in both panes."""
        for view in (self.static_graph, self.eager_graph):
            nodes = line_nodes(view.graph, message.line, self._listing())
            view.light(nodes)
            lit = view.lit
            if lit:
                view.reveal(lit[0])

    # ------------------------------------------------------------ search

    def action_search(self) -> None:
        """Open the search line (``/``): typing lights the matches, enter goes to the best."""
        focused = self.focused
        self._search_from = focused if isinstance(focused, GraphView) else None
        self.search.display = True
        self.search.value = ""
        self.search.focus()

    def close_search(self) -> None:
        """Close the search line; the lights go out and the legend comes back."""
        self.search.display = False
        for view in (self.static_graph, self.eager_graph):
            view.light([])
        self.update_legend()
        (self._search_from or self.static_graph).focus()

    def _matches(self, query: str) -> dict[GraphView, list[int]]:
        out: dict[GraphView, list[int]] = {}
        lines, listing = self.source_pane.lines, self._listing()
        for view in (self.static_graph, self.eager_graph):
            graph = view.graph
            names = user_names(graph, lines, listing) if graph is not None else {}
            out[view] = find(graph, query, names)
        return out

    def on_input_changed(self, message: Input.Changed) -> None:
        if message.input is not self.search:
            return
        found = self._matches(message.value)
        for view, nodes in found.items():
            view.light(nodes)
            if view.lit:
                view.reveal(view.lit[0])
        if message.value.strip():
            counts = {"s": len(found[self.static_graph]), "e": len(found[self.eager_graph])}
            self.legend.update(tr("search.found", self.lang, **counts))
        else:
            self.update_legend()

    def on_input_submitted(self, message: Input.Submitted) -> None:
        if message.input is not self.search:
            return
        found = self._matches(message.value)
        first = self._search_from
        order = [first] if first is not None else []
        order += [v for v in (self.static_graph, self.eager_graph) if v is not first]
        view = next((v for v in order if found[v]), None)
        if view is None:
            if message.value.strip():
                self.notify(tr("search.none", self.lang, query=message.value.strip()), timeout=3)
            return
        self._search_from = view
        self.close_search()
        view.select_node(found[view][0])

    def _refresh_card(self) -> None:
        """Keep an open card live (its times change run after run)."""
        if not self.card.display or self._card_of is None:
            return
        view, vid = self._card_of
        graph = view.graph
        if graph is None or vid is None:
            return
        if isinstance(vid, str):
            fold = view.fold_box(vid)
            if fold is not None:
                self.card.show_node(graph, None, fold)
        elif vid in graph.nodes:
            node = graph.nodes[vid]
            other = self.eager_graph if view is self.static_graph else self.static_graph
            pair = self._pair(other, self.twin_of(view, vid))
            self.card.show_node(graph, node, None, self._code(node), pair)

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield from system_commands(self)


def keys_in(bindings: BindingsMap, lang: str) -> BindingsMap:
    """The bindings with their footer words and tooltips in ``lang`` (tui.i18n.KEY_WORDS; a
    binding without them keeps its English)."""
    out = bindings.copy()
    for key, group in out.key_to_bindings.items():
        out.key_to_bindings[key] = [
            replace(
                b,
                description=words[0],
                tooltip=words[1],
                group=b.group
                and Binding.Group(
                    key_words(f"group.{b.group.description}", lang, b.group.description),
                    compact=b.group.compact,
                ),
            )
            if b.id and (words := key_words(b.id, lang))
            else b
            for b in group
        ]
    return out


def screenshot_dir() -> Path:
    """Where ctrl+s saves: ``$CGVIZ_SCREENSHOT_DIR``, else ``~/Pictures/cgviz``."""
    env = os.environ.get("CGVIZ_SCREENSHOT_DIR")
    return Path(env) if env else Path.home() / "Pictures" / "cgviz"


def make_app(
    scene: str = DEFAULT_SCENE,
    device: str = "cpu",
    theme: str = DEFAULT_THEME,
    iterations: int | None = None,
    **options: Any,
) -> CgvizApp:
    """Build the app (the CLI and the tests share this).

    Args:
        scene: scene to open.
        device: "cpu" or "gpu".
        theme: theme name (cgviz-dark, cgviz-light, projector, colorblind, or a Textual one).
        iterations: iterations to run (None: the scene's default).
        **options: passed to :class:`CgvizApp` (scenes, deterministic, speed, stream, engine, ...).
    """
    return CgvizApp(scene=scene, device=device, theme=theme, iterations=iterations, **options)


def make_replay_app(recording: Recording, **options: Any) -> CgvizApp:
    """Build the app on a recorded trace: a player instead of the engine.

    Args:
        recording: the trace (see :func:`tui.replay.load.load_recording`).
        **options: speed, pause_on_markers, deterministic (fake timings), and what
            :func:`make_app` takes (theme, lang, present...).
    """
    from tui.replay.player import Player

    speed = options.pop("speed", "lecture")
    player = Player(
        recording.events,
        speed=speed,
        fake_timings=bool(options.get("deterministic")),
        paced=recording.paced,
    )
    player.pause_on_marker = bool(options.pop("pause_on_markers", False))
    return make_app(
        scene=recording.scene_name,
        device=recording.device,
        scenes={},
        player=player,
        recording=recording,
        speed=speed,
        **options,
    )

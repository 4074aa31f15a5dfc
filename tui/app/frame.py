"""The app's frame: once a frame the run source folds what is due into the view state, and
what the state says changed is redrawn.

Panes redraw every frame; tables and plots at ``PANEL_HZ``. At full speed the run's events are
folded every frame but the screen is redrawn at most ``FULL_SPEED_HZ`` times a second, all
of it in one frame (panes, panels, status line): each redraw costs the UI process about a whole
screen (the terminal update spans what changed, top to bottom), and every millisecond it spends
is taken from the cores the engine processes it measures run on. A key redraws at once, at any
speed. Texts that come from a script, a trace or the engine are shown as they are, never read
as markup.
"""

from __future__ import annotations

import re
import time
from typing import TYPE_CHECKING, Any

from rich.cells import cell_len
from rich.text import Text
from textual.content import Content

from tui.app.collector import Collector
from tui.engine_link.skimmer import DETAIL_HZ
from tui.i18n import scene_text, tr
from tui.view.captions import fit_status, pane_subtitle, pane_title
from tui.view.race import pane_figures

if TYPE_CHECKING:
    from textual.app import App

    from tui.app.lecture_actions import Lecture
    from tui.app.panes import Panes
    from tui.app.selection import Selection
    from tui.app.settings import Choices
    from tui.app.source import RunSource
    from tui.app.view_actions import ViewControls
    from tui.view.state import ViewState
    from tui.widgets import GraphView

PANEL_HZ = 2.0
"""Device panels and the loss plot redraw at most this often (tables are costly)."""
PANEL_TURNS = ("cpu", "gpu", "loss")
"""The side panels, redrawn one a frame in this order (each ``PANEL_HZ`` times a second)."""
FULL_SPEED_HZ = DETAIL_HZ
"""At full speed the screen (graph panes, their titles, every panel) is redrawn at most this
often, all in one frame; the status line alone, ``STATUS_HZ`` times a second. A redraw of the
panes and panels costs the UI ~20-30 ms of CPU, a redraw of the status line ~1 ms, and the
engine processes the UI measures lose what it spends (at 2 Hz the UI took ~11% of one of the
two cores it shares with them, at 10 Hz ~30%). The engine sends as many units node by node
(``tui.engine_link.skimmer.DETAIL_HZ``, the one figure both follow). In a race the panes'
titles are its figures: the whole screen is redrawn ``STATUS_HZ`` times a second. At every
other speed, paused or finished, each frame redraws what changed."""
KEY_QUIET_S = 0.1
"""For this long after a key the frames leave the side panels (each ~5-12 ms) for later: a
key's effect may come a frame or two after it (a step's node, from the engine process), and
it shows first."""
STATUS_HZ = 5.0
"""At full speed the status line (counts, per-iteration times) is redrawn this often."""


class Frame:
    """Advance the source, fold, and present, once a frame."""

    def __init__(
        self,
        app: App[Any],
        panes: Panes,
        source: RunSource,
        view: ViewControls,
        lecture: Lecture,
        selection: Selection,
        choices: Choices,
        *,
        lang: str,
        exact: bool,
        subtitles: bool,
    ) -> None:
        self.app = app
        """For batch updates, notices, the subtitle and the terminal's size."""
        self.panes, self.source, self.view = panes, source, view
        self.lecture, self.selection, self.choices = lecture, selection, choices
        self.lang = lang
        self.exact = exact
        """Every frame draws everything (no throttles): tests see exactly what was folded."""
        self.subtitles = subtitles
        """A scene event sets the subtitle (a replay keeps the recording's label)."""
        self._drawn: ViewState = source.state
        """The state the panes show (a replay that went back has another one)."""
        self._panels_at = 0.0
        self._panel_turn = 0
        self._drawn_at = 0.0
        self._status_at = 0.0
        self._status_text = ""
        self._output_shown = 0
        self._all_panels = False
        """This redraw draws every panel (a full-speed redraw), not the next in turn."""
        self._covered = False
        """A screen (help, bench, a traceback) was over the panes at the last frame."""
        self._key_at = -KEY_QUIET_S
        """When a key last redrew (see ``KEY_QUIET_S``)."""
        self.collector = Collector()
        """Full garbage collections between keys (once the app takes them over)."""

    def key_pressed(self) -> None:
        """A key runs its action now: no full collection until the screen shows it."""
        self.collector.key()
        self.app.call_after_refresh(self.collector.shown)

    def drain(self) -> None:
        """Fold what is due into the view state and redraw what changed (once a frame; at full
        speed at most ``FULL_SPEED_HZ`` times a second)."""
        self.collector.between_keys()
        marker = self.source.advance()
        if marker is not None:
            label, title = marker.label(self.lang), tr("note.marker", self.lang)
            self.app.notify(label, title=title, timeout=3, markup=False)  # the trace's words
        covered = len(self.app.screen_stack) > 1 and not self.exact
        uncovered, self._covered = self._covered and not covered, covered
        if covered or uncovered:  # help, bench, a traceback covers the panes: drawn once it
            return  # closed, a frame after the screen shows (the key that closed it shows first)
        if self._rushing():
            now = time.monotonic()
            every = 1 / (STATUS_HZ if self.choices.race else FULL_SPEED_HZ)
            if now - self._drawn_at < every:
                if now - self._status_at >= 1 / STATUS_HZ:  # the figures, not the panes
                    self._status_at = now
                    self.update_status()
                return  # folded; drawn with the next redraw
            self._all_panels = True  # (a key's redraw draws no panel: it shows at once)
        try:
            self.present_now()
        finally:
            self._all_panels = False

    def _rushing(self) -> bool:
        """Whether the run goes at full speed (redraws are spaced then)."""
        source = self.source
        return not (self.exact or source.speed != "full" or source.paused or source.state.finished)

    def present_now(self, panels: bool = True) -> None:
        """Redraw what the state says changed, now (after a key moved a replay, too).

        Args:
            panels: draw a side panel in turn too; a key's redraw leaves them to the next
                frame (a table or plot costs ~5-12 ms, which the key's effect would wait
                behind; what a key shows is in the panes, the source and the status line).
        """
        self._adopt()
        if not panels:
            self._key_at = time.monotonic()
        elif time.monotonic() - self._key_at < KEY_QUIET_S:
            panels = False  # the frames that show what a key did (a step's node) come first
        if self.source.state.dirty:
            with self.app.batch_update():
                self._present(panels or self.exact)

    def reset(self) -> None:
        """Forget what was drawn (a new run starts)."""
        self.panes.card.display = False
        self.panes.output.clear()
        self.panes.output.display = False
        self._output_shown = 0
        for _, view in self.panes.graphs():
            view.show(None)

    def _adopt(self) -> None:
        """Draw the source's state; a new state object (a replay went back) is drawn afresh."""
        state = self.source.state
        if state is not self._drawn:
            self._drawn = state
            self._output_shown = 0
            for _, view in self.panes.graphs():
                view.forget()

    def _present(self, panels: bool = True) -> None:
        st, p = self.source.state, self.panes
        dirty = st.dirty
        if "scene" in dirty and st.scene:
            if self.subtitles:
                name = str(st.scene.get("name") or "")
                scenes = self.lecture.scenes
                title = (
                    scene_text(name, scenes.get(name), self.lang)[0]
                    if name in scenes
                    else st.scene.get("title") or name
                )
                self.app.sub_title = f"{title} · {self.choices.device.upper()}"
            self.lecture.scene_event(st.scene)
            if st.scene.get("source"):
                p.source.set_source(str(st.scene["source"]))
        now = time.monotonic()
        speed = self.source.speed
        self._drawn_at = now  # (at full speed drain() spaces the redraws; a key draws at once)
        spare = speed != "full" or st.finished or self.source.paused  # (the engine's cores)
        for mode, view in p.graphs():
            view.spare_cores(spare)
            if mode in dirty:
                view.follow = speed != "full"  # at full speed the eye follows nothing
                view.show(self.view.shown_graph(mode))
                view.sync()
                self.pane_title(mode, view)
        self.view.legend_follows()  # a dashed control edge on screen: the legend says so
        followed = speed != "full" or st.finished or self.source.paused
        if "source" in dirty and st.current is not None and followed:
            node = st.current[1]  # (running at full speed no eye follows the lines: no redraw)
            listing = str(st.scene.get("file") or "")
            if not (listing and node.source and not node.source.startswith(listing)):
                p.source.current = node.line  # only lines of the listing shown
        if "cue" in dirty or "status" in dirty:
            self.lecture.update_cue()
        if "output" in dirty:
            self._show_output()
        if "traceback" in dirty and st.traceback is not None:
            self.lecture.show_traceback(st.traceback)
        if "status" in dirty:
            p.loss.set_ended(st.finished)
        if st.finished and "status" in dirty:
            self.lecture.note_missing_sides()
        for err in st.new_errors[:3]:
            node = err.get("node_name") or err.get("node")
            fields = {"type": err.get("type", "Error"), "message": err.get("message", "")}
            code = err.get("exit_code")
            if isinstance(code, int):  # how the script ended, as its exit code says
                text = ending_text(err, self.lang)
                title = tr("note.script_ended", self.lang, code=code)
            elif node is not None:
                text = tr("note.error_in", self.lang, node=node, **fields)
                title = tr("note.engine_error", self.lang)
            else:
                text = tr("note.error", self.lang, **fields)
                title = tr("note.engine_error", self.lang)
            self.app.notify(
                text,
                title=title,
                severity="error",
                timeout=10,
                markup=False,  # the engine's or a script's words, shown as they are
            )
        st.new_errors.clear()
        whole = self.exact or self._all_panels
        throttled = not whole and now - self._panels_at < 1 / (PANEL_HZ * len(PANEL_TURNS))
        if panels and not throttled and dirty & {"devices", "loss"}:
            self._panels_at = now
            self._update_panels(whole)
            if whole or self._panel_turn == 0:  # every panel has been drawn
                dirty.difference_update(("devices", "loss"))
        keep = dirty & {"devices", "loss"}
        dirty.clear()
        dirty.update(keep)
        self.update_status()

    def _show_output(self) -> None:
        """Append what the script printed since the last frame to the output log (shown from
        the first line on, beside the source)."""
        st, output = self.source.state, self.panes.output
        new = min(st.output_count - self._output_shown, len(st.output))
        if new <= 0:
            return
        output.display = True
        for line in list(st.output)[-new:]:
            output.write(Text(line))  # as printed: no markup, no highlighting
        self._output_shown = st.output_count

    def pane_title(self, mode: str, view: GraphView) -> None:
        """A pane's title and subtitle (or its race figures), for its width."""
        as_run = mode == "static" and self.view.static_as_run
        room = max(0, view.size.width - 4)  # the border's corners and a blank each side
        title = pane_title(mode, as_run, self.lang, room, self.lecture.hidden_beside(mode))
        if title != view.border_title:
            view.border_title = title
        state = self.source.state
        if self.choices.race and state.graphs[mode] is not None:
            text = pane_figures(state, mode, self.lang)
        else:
            text = pane_subtitle(state, mode, as_run, self.lang, room)
        if text != view.border_subtitle:
            view.border_subtitle = text

    def _update_panels(self, whole: bool) -> None:
        """Redraw the side panels: all of them when ``whole`` (exact, or a full-speed redraw),
        else the next in turn (a frame then pays for one table or plot, not all, so a key
        waits less)."""
        st, p, device = self.source.state, self.panes, self.choices.device
        cpu, gpu = st.devices["cpu"], st.devices["gpu"]
        turns = PANEL_TURNS if whole else (PANEL_TURNS[self._panel_turn],)
        self._panel_turn = 0 if whole else (self._panel_turn + 1) % len(PANEL_TURNS)
        if "cpu" in turns:
            p.cpu_panel.paced = st.paced
            p.cpu_panel.busy = st.workers_busy if device == "cpu" else {}
            p.cpu_panel.set_stats(cpu, gpu, device == "cpu")
            p.cpu_data.set_stats(cpu)
        if "gpu" in turns:
            p.gpu_panel.paced = st.paced
            p.gpu_panel.set_stats(gpu, cpu, device == "gpu")
            p.gpu_data.set_stats(gpu)
        if "loss" in turns:
            p.loss.update_losses(st.loss, st.loss_at)
            self.selection.refresh_card()

    def fit_labels(self) -> None:
        """Pane titles, the legend and the status line again, for a new terminal size."""
        for mode, view in self.panes.graphs():
            self.pane_title(mode, view)
        self.view.update_legend(max(0, self.app.size.width - 2))
        self.update_status()

    def update_status(self) -> None:
        """The status line: run state, speed, figures (short on narrow terminals)."""
        width = self.app.size.width
        narrow = width < 120 or self.choices.present
        source, state, lang = self.source, self.source.state, self.lang
        sides, device = self.lecture.sides, self.choices.device
        own = source.describe(lang)  # a replay's place: its room is kept
        gutter = self.panes.status.styles.gutter.width  # its padding (wider when presenting)
        room = width - gutter - (cell_len(own) + 5 if own else 0)
        text = fit_status(state, source, device, room, narrow, lang, sides, self.choices.race)
        if own:
            text += "  ·  " + own
        if state.finished and state.exit_code is not None:  # beside "finished": never cut off
            head, _, rest = text.partition("  ·  ")
            ended = tr("status.exit_code", lang, code=state.exit_code)
            text = "  ·  ".join(part for part in (head, ended, rest) if part)
        if text != self._status_text:
            self._status_text = text
            self.panes.status.update(Content(text), layout=False)


SYS_EXIT = re.compile(r"(.*) called (sys\.exit\(.*\))", re.DOTALL)
"""The engine's words for ``sys.exit(N)`` (see ``engine.cli.program.script_ending``)."""


def ending_text(err: dict[str, Any], lang: str) -> str:
    """What a script's ending says: ``x.py called sys.exit(3)`` (in ``lang``), the message of
    ``sys.exit("fatal")`` as it is, or ``Type: message`` for an exception it raised."""
    message = str(err.get("message") or "")
    if err.get("type") != "SystemExit":
        return tr("note.error", lang, type=err.get("type", "Error"), message=message)
    said = SYS_EXIT.fullmatch(message)
    if said is not None and said.group(1) == err.get("label"):
        return tr("note.sys_exit", lang, label=said.group(1), call=said.group(2))
    return message

"""The app's frame (a mixin): drain the engine's inbox once a frame, fold the events into the
view state, and redraw what the state says changed.

Mixed into :class:`tui.app.cgviz_app.CgvizApp`, which provides the widgets, the runner or player,
and the state. Panes redraw every frame (at full speed at most ``FULL_SPEED_PANE_HZ`` times a
second); tables and plots at ``PANEL_HZ``.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from rich.cells import cell_len
from textual.content import Content

from tui.i18n import scene_text, tr
from tui.view.captions import pane_subtitle, pane_title, status_text
from tui.view.race import pane_figures

if TYPE_CHECKING:
    from tui.widgets import GraphView

FRAME_BUDGET_S = 0.010
"""Time per frame for folding events in full; the rest waits for the next frame."""
SKIM_ABOVE = 4_000
"""A backlog longer than this (full speed) is skimmed: summary only, see ViewState.skim."""
SKIM_KEEP = 1_000
"""Newest events of a skimmed backlog that are still folded in full."""
PANEL_HZ = 2.0
"""Device panels and the loss plot redraw at most this often (tables are costly)."""
FULL_SPEED_PANE_HZ = 10.0
"""Graph panes redraw at most this often at full speed (no eye follows more; the engine
gets the time back). At every other speed they redraw each frame."""


class FrameActions:
    """Drain, fold and present, once a frame (mixed into :class:`tui.app.cgviz_app.CgvizApp`)."""

    _panels_at = 0.0
    _panes_at = 0.0
    _status_text = ""
    _output_shown = 0
    _frame_ms: list[float]

    def drain(self) -> None:
        """Fold pending events into the view state and redraw what changed (once a frame)."""
        t0 = time.perf_counter()
        if self.player is not None:
            self.replay_tick()
            if self.state.dirty:
                with self.batch_update():
                    self._present()
            return
        inbox, apply = self.runner.inbox, self.state.apply
        self.state.paced = self.runner.paced
        backlog = len(inbox)
        if backlog > SKIM_ABOVE and not self.deterministic:
            self.state.skim([inbox.popleft() for _ in range(backlog - SKIM_KEEP)])
        deadline = t0 + FRAME_BUDGET_S
        count = 0
        while inbox and (count & 127 or time.perf_counter() < deadline or self.deterministic):
            apply(inbox.popleft())
            count += 1
        if self.state.dirty:
            with self.batch_update():
                self._present()
            self._frame_ms.append((time.perf_counter() - t0) * 1000)
            del self._frame_ms[:-300]

    def _present(self) -> None:
        st = self.state
        dirty = st.dirty
        if "scene" in dirty and st.scene:
            if self.recording is None:
                name = str(st.scene.get("name") or "")
                title = (
                    scene_text(name, self.scenes.get(name), self.lang)[0]
                    if name in self.scenes
                    else st.scene.get("title") or name
                )
                self.sub_title = f"{title} · {self.device.upper()}"
            self.scene_event(st.scene)
            if st.scene.get("source"):
                self.source_pane.set_source(str(st.scene["source"]))
        now = time.monotonic()
        speed = self.player.speed if self.player is not None else self.runner.speed
        panes_due = (
            self.deterministic
            or speed != "full"
            or st.finished
            or now - self._panes_at >= 1 / FULL_SPEED_PANE_HZ
        )
        if panes_due:
            self._panes_at = now
        for mode, view in (("static", self.static_graph), ("eager", self.eager_graph)):
            if mode in dirty and panes_due:
                view.follow = speed != "full"  # at full speed the eye follows nothing
                view.show(self.shown_graph(mode))
                view.sync()
                self._pane_title(mode, view)
        if "source" in dirty and st.current is not None:
            node = st.current[1]
            listing = str(st.scene.get("file") or "")
            if not (listing and node.source and not node.source.startswith(listing)):
                self.source_pane.current = node.line  # only lines of the listing shown
        if "cue" in dirty or "status" in dirty:
            self.update_cue()
        if "output" in dirty:
            self._show_output()
        if "traceback" in dirty and st.traceback is not None:
            self.show_traceback(st.traceback)
        if st.finished and "status" in dirty:
            self.note_missing_sides()
        for err in st.new_errors[:3]:
            node = err.get("node_name") or err.get("node")
            fields = {"type": err.get("type", "Error"), "message": err.get("message", "")}
            self.notify(
                tr("note.error_in", self.lang, node=node, **fields)
                if node is not None
                else tr("note.error", self.lang, **fields),
                title=tr("note.engine_error", self.lang),
                severity="error",
                timeout=10,
            )
        st.new_errors.clear()
        now = time.monotonic()
        throttled = not self.deterministic and now - self._panels_at < 1 / PANEL_HZ
        if not throttled and dirty & {"devices", "loss"}:
            self._panels_at = now
            self._update_panels()
            dirty.difference_update(("devices", "loss"))
        keep = dirty & {"devices", "loss"}
        if not panes_due:
            keep |= dirty & {"static", "eager"}
        dirty.clear()
        dirty.update(keep)
        self._update_status()

    def _show_output(self) -> None:
        """Append what the script printed since the last frame to the output log (shown from
        the first line on, beside the source)."""
        st = self.state
        new = min(st.output_count - self._output_shown, len(st.output))
        if new <= 0:
            return
        self.output.display = True
        self.output.write_lines(list(st.output)[-new:])
        self._output_shown = st.output_count

    def _pane_title(self, mode: str, view: GraphView) -> None:
        as_run = mode == "static" and self.static_as_run
        room = max(0, view.size.width - 4)  # the border's corners and a blank each side
        title = pane_title(mode, as_run, self.lang, room)
        if title != view.border_title:
            view.border_title = title
        if self.race and self.state.graphs[mode] is not None:
            text = pane_figures(self.state, self.device, mode, self.lang)
        else:
            text = pane_subtitle(self.state, mode, as_run, self.lang, room)
        if text != view.border_subtitle:
            view.border_subtitle = text

    def _update_panels(self) -> None:
        st = self.state
        cpu, gpu = st.devices["cpu"], st.devices["gpu"]
        self.cpu_panel.paced = self.gpu_panel.paced = st.paced
        self.cpu_panel.set_stats(cpu, gpu, self.device == "cpu")
        self.gpu_panel.set_stats(gpu, cpu, self.device == "gpu")
        self.cpu_data.set_stats(cpu)
        self.gpu_data.set_stats(gpu)
        self.loss_plot.update_losses(st.loss)
        self._refresh_card()

    def present_now(self) -> None:
        """Redraw what the state says changed, now (after a replay move)."""
        if self.state.dirty:
            with self.batch_update():
                self._present()

    def fit_labels(self) -> None:
        """Pane titles, the legend and the status line again, for a new terminal size."""
        for mode, view in (("static", self.static_graph), ("eager", self.eager_graph)):
            self._pane_title(mode, view)
        self.update_legend()
        self._update_status()

    def _update_status(self) -> None:
        narrow = self.size.width < 120 or self.present
        runner = self.player or self.runner
        sides = getattr(self, "_sides", None)
        text = status_text(self.state, runner, self.device, narrow, self.lang, sides)
        if not narrow and cell_len(text) > self.size.width - 2:  # the short form, not a cut
            text = status_text(self.state, runner, self.device, True, self.lang, sides)
        if self.player is not None:
            text += "  ·  " + self.replay_status()
        if text != self._status_text:
            self._status_text = text
            self.status.update(Content(text), layout=False)

    def frame_ms_p95(self) -> float | None:
        """95th percentile of recent drain+present times in ms (None before any frame)."""
        if not self._frame_ms:
            return None
        ordered = sorted(self._frame_ms)
        return ordered[int(0.95 * (len(ordered) - 1))]

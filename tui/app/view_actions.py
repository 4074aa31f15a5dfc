"""How the graph panes draw: folding, orientation, box size, colours and the legend, and the
static graph as built or as run."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.content import Content
from textual.widgets import Static

from tui.view.captions import COLOUR_MODES, legend
from tui.widgets.graph_view import BOX_SIZES, all_toggled

if TYPE_CHECKING:
    from textual.timer import Timer

    from tui.app.source import RunSource
    from tui.view.model import GraphModel
    from tui.widgets import GraphView

__all__ = ["BOX_SIZES", "NOTE_SECONDS", "ViewControls"]

NOTE_SECONDS = 3.0
"""How long a key's note stays on the legend's line (see :meth:`ViewControls.note`)."""


class ViewControls:
    """The panes' drawing options, for both panes at once."""

    def __init__(
        self, static: GraphView, eager: GraphView, legend: Static, source: RunSource, lang: str
    ) -> None:
        self.static, self.eager, self.legend = static, eager, legend
        self.source = source
        self.lang = lang
        self.static_as_run = False
        """The static pane shows the graph as its runs execute it (after the graph passes)."""
        self.colour_mode = "state"
        """How boxes are coloured: "state", "device" or "heat"."""
        self._note_timer: Timer | None = None
        self._control = False  # the legend explains a dashed control edge

    def shown_graph(self, mode: str) -> GraphModel | None:
        """The graph a pane draws now: the eager iteration, or the static graph as built or
        (once a run has planned it) as run."""
        state = self.source.state
        if mode == "static" and self.static_as_run and state.as_run is not None:
            return state.as_run
        return state.graphs[mode]

    def set_as_run(self, on: bool) -> None:
        """Static pane: the graph as run (True) or as built (False); the view comes from the
        events alone, so a replay shows the same."""
        self.static_as_run = on
        self.source.state.dirty.add("static")

    def toggle_fold(self) -> None:
        """Unfold everything (scopes, variables, constants) in both panes, or fold it back."""
        for view in (self.static, self.eager):
            view.folding = all_toggled(view.folding)

    def toggle_orientation(self) -> None:
        """Switch both panes between left-to-right and top-to-bottom."""
        for view in (self.static, self.eager):
            shown = view.layout_.orientation if view.layout_.boxes else view.orientation
            view.auto_orientation = False  # the first press turns what is on screen
            turned = "TB" if shown == "LR" else "LR"
            if view.orientation == turned:
                view.watch_orientation()  # the pane had turned itself: lay it out as asked
            view.orientation = turned

    def next_box_size(self) -> str:
        """Box size: fit the pane (auto), then full, compact, one-row, and auto again; returns
        the new one."""
        size = BOX_SIZES[(BOX_SIZES.index(self.static.box_size) + 1) % len(BOX_SIZES)]
        for view in (self.static, self.eager):
            view.box_size = size
        return size

    def next_colour_mode(self) -> None:
        """Colour by state, then device, then time (heat)."""
        i = COLOUR_MODES.index(self.colour_mode)
        self.set_colour_mode(COLOUR_MODES[(i + 1) % len(COLOUR_MODES)])

    def set_colour_mode(self, mode: str) -> None:
        """Colour boxes by "state", "device" or "heat" (the legend follows)."""
        self.colour_mode = mode
        for view in (self.static, self.eager):
            view.colour_mode = mode
        self.update_legend()

    def update_legend(self, width: int = 0) -> None:
        """The legend of the colour mode, for the legend's width (``width`` before it has one)."""
        if self._note_timer is not None:  # (the note gives way)
            self._note_timer.stop()
            self._note_timer = None
        self._control = any(e.kind == "control" for e in self.static.layout_.edges)
        text = legend(self.colour_mode, self.lang, self.legend.size.width or width, self._control)
        self.legend.update(text, layout=False)  # one row, always: no layout pass for it

    def legend_follows(self) -> None:
        """The legend again where a dashed control edge came onto the static pane or left it
        (not while a note is on its line: the legend comes back after it)."""
        control = any(e.kind == "control" for e in self.static.layout_.edges)
        if control != self._control and self._note_timer is None:
            self.update_legend()

    def note(self, text: str) -> bool:
        """Say what a key did (``text``, in bold) on the legend's line, under the panes, for
        ``NOTE_SECONDS``; the legend then comes back. A notification would mount a toast and
        later remove it, each a layout pass of the whole screen (~10-40 ms that a key pressed
        then waits behind); this line has one row whatever it says. False where the legend is
        hidden (a narrow terminal): the caller notifies instead."""
        line = self.legend
        if not line.display or not line.size.width:
            return False
        self.update_legend()  # (stops the note before)
        line.update(Content.from_markup("[b]$text[/b]", text=text), layout=False)
        self._note_timer = line.set_timer(NOTE_SECONDS, self._end_note)
        return True

    def _end_note(self) -> None:
        self._note_timer = None
        self.update_legend()

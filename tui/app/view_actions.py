"""View controls of the app (a mixin): folding, orientation, box size, colours, themes, and the
static graph as built or as run.

Mixed into :class:`tui.app.cgviz_app.CgvizApp`, which provides the panes and the view state.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tui.i18n import tr
from tui.view.captions import COLOUR_MODES

if TYPE_CHECKING:
    from tui.view.model import GraphModel


class ViewActions:
    """How the panes draw (mixed into :class:`tui.app.cgviz_app.CgvizApp`)."""

    static_as_run = False
    """The static pane shows the graph as its runs execute it (after the graph passes)."""

    def shown_graph(self, mode: str) -> GraphModel | None:
        """The graph a pane draws now: the eager iteration, or the static graph as built or
        (once a run has planned it) as run."""
        app: Any = self
        state = app.state
        if mode == "static" and self.static_as_run and state.as_run is not None:
            return state.as_run  # type: ignore[no-any-return]
        return state.graphs[mode]  # type: ignore[no-any-return]

    def action_toggle_as_run(self) -> None:
        """Show the static graph as built or as run (after the graph passes)."""
        self.set_as_run(not self.static_as_run)

    def set_as_run(self, on: bool) -> None:
        """Static pane: the graph as run (True) or as built (False); the view comes from the
        events alone, so a replay shows the same."""
        app: Any = self
        self.static_as_run = on
        app.card.display = False
        app.state.dirty.add("static")
        app.present_now()
        app.notify(tr("view.as_run" if on else "view.as_built", app.lang), timeout=3)

    def action_show_bench(self) -> None:
        """Open the saved benchmark results (the lecture's CPU vs GPU table)."""
        from tui.screens.bench import BenchScreen

        app: Any = self
        app.push_screen(BenchScreen(app.bench_path))

    def _panes(self) -> tuple[Any, Any]:
        app: Any = self
        return app.static_graph, app.eager_graph

    def action_toggle_fold(self) -> None:
        """Unfold everything (scopes, variables, constants) in both panes, or fold it back."""
        from tui.drawing.fold import Folding

        for view in self._panes():
            view.folding = Folding() if view.folding.unfold_all else Folding(unfold_all=True)

    def action_toggle_orientation(self) -> None:
        """Switch both panes between left-to-right and top-to-bottom."""
        for view in self._panes():
            shown = view.layout_.orientation if view.layout_.boxes else view.orientation
            view.auto_orientation = False  # the first press turns what is on screen
            turned = "TB" if shown == "LR" else "LR"
            if view.orientation == turned:
                view.watch_orientation()  # the pane had turned itself: lay it out as asked
            view.orientation = turned

    def action_toggle_compact(self) -> None:
        """Box size: fit the pane (auto), then full, compact, one-row, and auto again."""
        app: Any = self
        sizes = ("auto", "full", "compact", "mini")
        static, eager = self._panes()
        size = sizes[(sizes.index(static.box_size) + 1) % len(sizes)]
        for view in (static, eager):
            view.box_size = size
        app.notify(tr(f"note.boxes.{size}", app.lang), timeout=2)

    def action_next_colour_mode(self) -> None:
        """Colour by state, then device, then time (heat)."""
        app: Any = self
        i = COLOUR_MODES.index(app.colour_mode)
        self.set_colour_mode(COLOUR_MODES[(i + 1) % len(COLOUR_MODES)])

    def set_colour_mode(self, mode: str) -> None:
        """Colour boxes by "state", "device" or "heat"."""
        app: Any = self
        app.colour_mode = mode

    def watch_colour_mode(self, mode: str) -> None:
        app: Any = self
        for view in self._panes():
            view.colour_mode = mode
        app.update_legend()

    def action_next_theme(self) -> None:
        """Cycle through the cgviz themes."""
        app: Any = self
        names = app.theme_names or [app.theme]
        i = (names.index(app.theme) + 1) % len(names) if app.theme in names else 0
        app.theme = names[i]
        app.notify(tr("note.theme", app.lang, name=app.theme), timeout=2)

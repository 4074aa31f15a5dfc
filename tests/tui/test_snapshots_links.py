"""SVG snapshots of the links between the panes and the source (synthetic scene, fake timings)."""

from __future__ import annotations

from typing import Any

from tests.tui.conftest import build_app, finish


class TestLinks:
    def test_linked_selection(self, snap_compare) -> None:
        """h selected in the static pane: its card quotes its line, clamp is lit in the other."""

        async def run_before(pilot: Any) -> None:
            await finish(pilot)
            app = pilot.app
            view = app.static_graph
            view.focus()
            h = next(n.id for n in view.graph.nodes.values() if n.var == "h")
            view.select_node(h)
            await pilot.pause()

        assert snap_compare(build_app(iterations=2), terminal_size=(160, 48), run_before=run_before)

    def test_source_cursor_lights_its_nodes(self, snap_compare) -> None:
        """The source cursor on the eager loop's forward line: its five nodes lit."""

        async def run_before(pilot: Any) -> None:
            await finish(pilot)
            app = pilot.app
            lines = app.source_pane.lines
            line = next(i for i, t in enumerate(lines, 1) if "clamp(min=0)" in t)
            app.source_pane.focus()
            app.source_pane.choose(line)
            await pilot.pause()

        assert snap_compare(build_app(iterations=2), terminal_size=(160, 48), run_before=run_before)

"""SourcePane: the listing being run, with the line that created the current node lit."""

from __future__ import annotations

from typing import ClassVar

from rich.segment import Segment
from textual.geometry import Size
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

__all__ = ["SourcePane"]


class SourcePane(ScrollView):
    """A read-only listing with line numbers; the current line is lit and kept in view."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"source--number", "source--current", "source--text"}
    """
    | Class | Description |
    | :- | :- |
    | `source--number` | The line-number gutter. |
    | `source--current` | The line that created the current node. |
    | `source--text` | Every other line. |
    """

    DEFAULT_CSS = """
    SourcePane { height: 1fr; }
    """

    current: reactive[int] = reactive(0, init=False)
    """1-based number of the lit line (0: none)."""

    def __init__(
        self,
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
        disabled: bool = False,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        self.lines: list[str] = []

    def watch_current(self, old: int, new: int) -> None:
        for line in (old, new):
            if line:
                self.refresh_lines(line - 1 - int(self.scroll_offset.y), 1)
        if new:
            height = self.scrollable_content_region.height
            if not self.scroll_offset.y <= new - 1 < self.scroll_offset.y + height - 1:
                self.scroll_to(y=max(0, new - 1 - height // 3), animate=False, immediate=True)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self.refresh()

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        width = self.scrollable_content_region.width
        index = scroll_y + y
        if index >= len(self.lines):
            return Strip.blank(width, self.rich_style)
        lit = index + 1 == self.current
        number = self.get_component_rich_style("source--number", partial=True)
        body = self.get_component_rich_style(
            "source--current" if lit else "source--text", partial=True
        )
        gutter = f"{'▶' if lit else ' '}{index + 1:>3} "
        text = self.lines[index]
        strip = Strip(
            [
                Segment(gutter, self.rich_style + number),
                Segment(text.ljust(max(0, width + scroll_x - len(gutter))), self.rich_style + body),
            ]
        )
        return strip.crop_extend(scroll_x, scroll_x + width, self.rich_style)

    def set_source(self, text: str) -> None:
        """Show a new listing."""
        self.lines = text.expandtabs(4).splitlines()
        width = max((len(line) for line in self.lines), default=0) + 5
        self.virtual_size = Size(width, len(self.lines))
        self.current = 0
        self.refresh()

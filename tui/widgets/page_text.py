"""PageText: a page of Rich blocks (paragraphs, a table) drawn once per width and style."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.segment import Segment
from rich.style import Style
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

if TYPE_CHECKING:
    from collections.abc import Iterable

    from rich.console import Console, RenderableType

__all__ = ["PageText", "page_lines"]

SIDE = 2
"""Blank cells left and right of each block (in the background colour only, as padding)."""


class PageText(ScrollView, can_focus=True):
    """Blocks one under another, each with ``SIDE`` blank cells either side and a blank line
    under it, scrolled as one page.

    The page is drawn once per width and style and then served line by line: shown again
    (the help opened a second time), it draws nothing anew. A ``Static`` per block drew every
    block again each time its screen came back (the screen's classes change then, and every
    widget's style is looked at again): ~15 ms of a ``?`` on a quiet machine.
    """

    DEFAULT_CSS = "PageText { height: 1fr; overflow-x: hidden; }"

    def __init__(
        self,
        blocks: Iterable[RenderableType],
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
        disabled: bool = False,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        self.blocks = list(blocks)
        """What the page shows, top to bottom."""
        self._lines: list[Strip] = []
        self._drawn: tuple[int, Style] | None = None
        """The width and style the lines were drawn in."""

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        lines, style = self._page()
        width = self.scrollable_content_region.width
        line = lines[scroll_y + y] if scroll_y + y < len(lines) else Strip.blank(width, style)
        return line.crop_extend(scroll_x, scroll_x + width, style)

    def on_resize(self) -> None:
        lines, _ = self._page()
        size = Size(self.scrollable_content_region.width, len(lines))
        if size != self.virtual_size:
            self.virtual_size = size

    def _page(self) -> tuple[list[Strip], Style]:
        """The page's lines for the width and style the widget has now."""
        width, style = self.scrollable_content_region.width, self.rich_style
        if self._drawn != (width, style):
            self._drawn = (width, style)
            self._lines = page_lines(self.blocks, width, style, self.app.console)
        return self._lines, style


def page_lines(
    blocks: Iterable[RenderableType], width: int, style: Style, console: Console
) -> list[Strip]:
    """``blocks`` drawn ``width`` cells wide in ``style``: each with ``SIDE`` blank cells
    either side and a blank line under it."""
    inner = max(1, width - 2 * SIDE)
    options = console.options.update(width=inner, highlight=False, markup=False)
    side = Segment(" " * SIDE, Style.from_color(bgcolor=style.bgcolor))
    out: list[Strip] = []
    for block in blocks:
        for line in console.render_lines(block, options, style=style):
            out.append(Strip([side, *line, side], inner + 2 * SIDE))
        out.append(Strip.blank(width, style))
    return out

"""SourcePane: the listing being run, with the line that created the current node lit."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui.engine_link import safe_text

if TYPE_CHECKING:
    from textual import events

__all__ = ["SourcePane"]


class SourcePane(ScrollView, can_focus=True):
    """A read-only listing with line numbers; the current line is lit and kept in view.

    With the focus, a cursor moves over the lines (arrows, click); each line it reaches is
    announced (:class:`SourcePane.LineChosen`), and the app lights the nodes that line made.

    | Key | Action |
    | :- | :- |
    | `up` / `down` | Move the cursor one line (from the lit line at first). |
    | `home` / `end` | Move the cursor to the first / last line. |
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "up",
            "move(-1)",
            "Line up",
            show=False,
            tooltip="Source: the line above; its nodes light up in both panes",
            id="source.up",
        ),
        Binding(
            "down",
            "move(1)",
            "Line down",
            show=False,
            tooltip="Source: the line below; its nodes light up in both panes",
            id="source.down",
        ),
        Binding(
            "home",
            "move_to(1)",
            "First line",
            show=False,
            tooltip="Source: the first line",
            id="source.first",
        ),
        Binding(
            "end",
            "move_to(-1)",
            "Last line",
            show=False,
            tooltip="Source: the last line",
            id="source.last",
        ),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "source--number",
        "source--current",
        "source--text",
        "source--cursor",
    }
    """
    | Class | Description |
    | :- | :- |
    | `source--number` | The line-number gutter. |
    | `source--current` | The line that created the current node. |
    | `source--text` | Every other line. |
    | `source--cursor` | The cursor's line (its nodes are lit in the graph panes). |
    """

    DEFAULT_CSS = """
    SourcePane { height: 1fr; }
    """

    current: reactive[int] = reactive(0, init=False)
    """1-based number of the lit line (0: none)."""
    cursor: reactive[int] = reactive(0, init=False)
    """1-based number of the cursor's line (0: no cursor yet)."""

    class LineChosen(Message):
        """The cursor moved to a line (its nodes should light up)."""

        def __init__(self, pane: SourcePane, line: int) -> None:
            super().__init__()
            self.pane = pane
            """The source pane."""
            self.line = line
            """1-based line number."""

        @property
        def control(self) -> SourcePane:
            """The source pane (for ``@on`` selectors)."""
            return self.pane

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
        self._styles: dict[str, Style] = {}
        """Style of each part (base, number, current...), until the styles change: computing
        them per line made each redraw of the listing cost ~5 ms."""

    def watch_current(self, old: int, new: int) -> None:
        for line in (old, new):
            if line:
                self.refresh_lines(line - 1 - int(self.scroll_offset.y), 1)
        if new and not self.has_focus:  # while the user reads it, the view stays put
            self._keep_in_view(new)

    def watch_cursor(self, old: int, new: int) -> None:
        for line in (old, new):
            if line:
                self.refresh_lines(line - 1 - int(self.scroll_offset.y), 1)
        if new:
            self._keep_in_view(new)
            self.post_message(self.LineChosen(self, new))

    def _keep_in_view(self, line: int) -> None:
        height = self.scrollable_content_region.height
        if not height:  # not laid out yet: on_resize brings the line into view
            return
        if not self.scroll_offset.y <= line - 1 < self.scroll_offset.y + height - 1:
            top = max(0, line - 1 - height // 3)
            # force: a listing set this frame has no scrollbar until the next layout
            self.scroll_to(y=top, animate=False, immediate=True, force=True)

    def on_resize(self) -> None:
        """A new size (the first layout too): the lit line stays in view."""
        if self.current and not self.has_focus:
            self._keep_in_view(self.current)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles.clear()
        self.refresh()

    def _style(self, part: str) -> Style:
        """The widget's style (part "") or a part's style over it."""
        style = self._styles.get(part)
        if style is None:
            base = self.rich_style
            style = base if not part else base + self._style_of(part)
            self._styles[part] = style
        return style

    def _style_of(self, part: str) -> Style:
        """A part's own style: ``a+b`` is part ``b`` over part ``a``."""
        style = Style()
        for name in part.split("+"):
            style += self.get_component_rich_style(f"source--{name}", partial=True)
        return style

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        width = self.scrollable_content_region.width
        index = scroll_y + y
        base = self._style("")
        if index >= len(self.lines):
            return Strip.blank(width, base)
        lit = index + 1 == self.current
        number, body = "number", "current" if lit else "text"
        mark = "▶" if lit else " "
        if index + 1 == self.cursor:
            number, body, mark = number + "+cursor", body + "+cursor", "›" if not lit else mark
        gutter = f"{mark}{index + 1:>3} "
        text = self.lines[index]
        strip = Strip(
            [
                Segment(gutter, self._style(number)),
                Segment(text.ljust(max(0, width + scroll_x - len(gutter))), self._style(body)),
            ]
        )
        return strip.crop_extend(scroll_x, scroll_x + width, base)

    def on_click(self, event: events.Click) -> None:
        at = event.get_content_offset(self)
        if at is None:
            return
        line = at.y + int(self.scroll_offset.y) + 1
        if 1 <= line <= len(self.lines):
            self.focus()
            self.choose(line)

    def action_move(self, step: int) -> None:
        """Move the cursor ``step`` lines (the first move starts from the lit line)."""
        start = self.cursor or self.current or (1 if step > 0 else len(self.lines))
        self.choose(start if not self.cursor else start + step)

    def action_move_to(self, line: int) -> None:
        """Move the cursor to a line (-1: the last)."""
        self.choose(len(self.lines) if line < 0 else line)

    def choose(self, line: int) -> None:
        """Put the cursor on ``line`` (kept within the listing) and announce it."""
        if not self.lines:
            return
        line = max(1, min(len(self.lines), line))
        if line == self.cursor:
            self.post_message(self.LineChosen(self, line))  # chosen again: light it again
        self.cursor = line

    def set_source(self, text: str) -> None:
        """Show a new listing."""
        # a script's (or a trace's) text: control characters shown, never sent to the terminal
        self.lines = [safe_text(line) for line in text.expandtabs(4).splitlines()]
        width = max((len(line) for line in self.lines), default=0) + 5
        self.virtual_size = Size(width, len(self.lines))
        self.current = 0
        self.set_reactive(SourcePane.cursor, 0)
        self.refresh()

"""The screen under a modal screen, tinted once per style and straight into strips."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.segment import Segment
from textual.renderables.background_screen import BackgroundScreen
from textual.screen import ModalScreen
from textual.strip import Strip

if TYPE_CHECKING:
    from rich.style import Style
    from textual.screen import Screen

__all__ = ["TintedModal"]


class TintedModal(ModalScreen[Any]):
    """A modal screen over the screen below it, tinted as Textual tints it, drawn for less.

    Textual draws the screen below as a Rich renderable (``BackgroundScreen``): it tints every
    one of its ~5,000 segments, then cuts the result into lines again, every time the modal
    screen is drawn whole (each time it opens): ~10-15 ms of a ``?`` on a quiet machine. Here
    the lines of the screen below are taken as they are (its compositor's), each style is
    tinted once (a few dozen), and the lines are kept until the modal screen is shown again
    (the screen below does not change meanwhile: the frames hold its redraws).

    A subclass's own ``on_screen_resume`` runs beside this one's (Textual calls each class's
    handler).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._under: list[Strip] | None = None

    def render_line(self, y: int) -> Strip:
        if self._under is None:
            self._under = self._tinted_under()
        if y < len(self._under):
            return self._under[y]
        return super().render_line(y)

    def on_screen_resume(self) -> None:
        self._under = None  # what is below may have changed while this was closed

    def on_resize(self) -> None:
        self._under = None

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._under = None

    def _tinted_under(self) -> list[Strip]:
        """The lines of the screen below, tinted (none where this screen is opaque)."""
        tint = self.styles.background
        stack = self.app.screen_stack
        if tint.a >= 1 or len(stack) < 2 or stack[-1] is not self:
            return []
        below: Screen[Any] = stack[-2]
        base = self.visual_style.rich_style
        done: dict[Style | None, Style] = {}
        lines = []
        for strip in below._compositor.render_strips(self.size):
            segments = []
            for text, style, _ in strip:
                tinted = done.get(style)
                if tinted is None:
                    (one,) = BackgroundScreen.process_segments([Segment(" ", style)], tint)
                    tinted = done[style] = base + one.style
                segments.append(Segment(text, tinted))
            lines.append(Strip(segments, strip.cell_length))
        return lines

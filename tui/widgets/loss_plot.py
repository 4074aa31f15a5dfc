"""LossPlot: the loss of both sides over iterations, on one plot in two colours.

The default scene runs the same network both ways from the same start, so the two curves lie
on top of each other: cells that both curves touch take a third colour, and the legend says
so. A loss that spans more than two decades is drawn on a log scale (the legend says "log").
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import ClassVar

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip
from textual.widget import Widget

from tui.drawing.plot import finite, plot, wants_log
from tui.i18n import tr

__all__ = ["LossPlot"]

MODES = ("static", "eager")


class LossPlot(Widget):
    """The static and the eager loss on one braille line plot, with their values side by side.

    | Class | Description |
    | :- | :- |
    | `loss-plot--label` | The legend's words. |
    | `loss-plot--static` | The static side's curve and its legend mark. |
    | `loss-plot--eager` | The eager side's curve and its legend mark. |
    | `loss-plot--both` | Cells both curves pass through (the same math, the same values). |
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "loss-plot--label",
        "loss-plot--static",
        "loss-plot--eager",
        "loss-plot--both",
    }

    DEFAULT_CSS = """
    LossPlot { height: 1fr; }
    LossPlot > .loss-plot--label { color: $text-muted; }
    LossPlot > .loss-plot--static { color: $device-cpu; }
    LossPlot > .loss-plot--eager { color: $node-done; }
    LossPlot > .loss-plot--both { color: $text; text-style: bold; }
    """

    def __init__(
        self,
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
        disabled: bool = False,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        self.losses: dict[str, list[float]] = {m: [] for m in MODES}
        """The histories drawn (mode -> values, oldest first)."""
        self.modes: tuple[str, ...] = MODES
        """The sides the scene runs (a PyTorch-only scene has no static loss)."""
        self._lines: list[Strip] | None = None
        """The drawn rows (legend first), until the losses, the size or the styles change."""
        self.ended = False
        """The run has ended: a plot still empty says the scene computed no loss."""
        self.capped = False
        """A history is its last values only (a bounded deque, full): its length is not the
        iteration it has reached."""
        self.start: int | None = None
        """The iteration of each history's first value, where the losses came with their
        iterations (both sides drawn from the same one): None where they did not."""

    def show_modes(self, modes: Iterable[str]) -> None:
        """Plot only the sides a scene runs."""
        shown = set(modes)
        self.modes = tuple(m for m in MODES if m in shown) or MODES
        self._redraw()

    def update_losses(
        self,
        losses: Mapping[str, Sequence[float]],
        iterations: Mapping[str, Sequence[int]] | None = None,
    ) -> None:
        """Show the loss histories (mode -> values, oldest first; a ``deque`` with a
        ``maxlen`` holds the last values only); redrawn only if they moved.

        ``iterations``: each value's iteration (mode -> numbers, as the status line counts
        them). Both sides are then drawn from the first iteration both have, so a value sits
        at the same x on both curves: with full histories and one side ahead, each held its
        last 300 values and the two curves compared different iterations."""
        start = None
        if iterations is None:
            drawn = {m: finite(losses.get(m, ())) for m in MODES}  # what can be drawn
        else:
            drawn, start = lined_up(losses, iterations, self.modes)
        capped = any(
            len(values) >= (getattr(values, "maxlen", None) or len(values) + 1)
            for values in losses.values()
        )
        if drawn != self.losses or capped != self.capped or start != self.start:
            self.losses, self.capped, self.start = drawn, capped, start
            self._redraw()

    def set_ended(self, ended: bool) -> None:
        """The run has ended (or started again)."""
        if ended != self.ended:
            self.ended = ended
            self._redraw()

    def _redraw(self) -> None:
        self._lines = None
        self.refresh()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._lines = None

    def on_resize(self) -> None:
        self._lines = None

    def legend(self, width: int, lang: str = "en") -> list[list[tuple[str, str]]]:
        """The legend as lines of (text, component class) runs, ``width`` cells wide: the
        values on the first, and the scale and the colour of both curves after them or, where
        they do not fit, on a second line.

        With both sides running, each value is the loss at the last iteration both have reached,
        and the legend names it: one side a step ahead showed another number for the same math.
        Once a history holds only its last values its length is no iteration (a race's 500
        iterations read "it 300"): each side then says its latest loss, and no iteration.
        """
        runs: list[tuple[str, str]] = []
        shown = {m: self.losses[m] for m in self.modes}
        upto = None  # two sides are compared at the last iteration both reached, not one ahead
        if len(self.modes) == 2 and all(shown.values()) and (self.start or not self.capped):
            upto = min(len(values) for values in shown.values())
            it = upto + (self.start - 1 if self.start else 0)  # its true number where known
            runs.append((tr("loss.at", lang).format(n=it) + " ", "loss-plot--label"))
        for mode in self.modes:
            values = shown[mode][:upto]
            latest = f"{values[-1]:.3g}" if values else "–"
            runs += [
                ("━ ", f"loss-plot--{mode}"),
                (f"{tr(f'side.{mode}', lang)} {latest} ", "loss-plot--label"),
            ]
        extras = []
        if wants_log(shown):
            extras.append((tr("loss.log", lang) + " ", "loss-plot--label"))
        if len(self.modes) == 2 and all(shown.values()):
            extras.append(("━ " + tr("loss.both", lang), "loss-plot--both"))
        lines, used = [runs], sum(cell_len(t) for t, _ in runs)
        for extra in extras:
            cells = cell_len(extra[0])
            if used + cells > width and len(lines) == 1:
                lines.append([])
                used = 0
            if used + cells <= width:
                lines[-1].append(extra)
                used += cells
        return lines

    def render_line(self, y: int) -> Strip:
        lines = self._lines
        if lines is None:
            lines = self._lines = self._draw()
        if y < len(lines):
            return lines[y]
        return Strip.blank(self.content_size.width, self.rich_style)

    def _draw(self) -> list[Strip]:
        """The legend and the plot's rows as strips, each cell run of one colour one segment
        (a cell a span made each redraw cost ~10 ms at full speed)."""
        width, height = self.content_size
        base = self.rich_style
        styles: dict[str, Style] = {}

        def style(cls: str) -> Style:
            if cls not in styles:
                styles[cls] = self.get_component_rich_style(cls)  # (its colours are "auto")
            return styles[cls]

        lang = str(getattr(self.app, "lang", "en"))
        lines = [
            Strip([Segment(part, style(cls)) for part, cls in line]).adjust_cell_length(width, base)
            for line in self.legend(width, lang)
        ]
        series = {m: self.losses[m] for m in self.modes}
        if self.ended and not any(series.values()):  # not waiting for one: there is none
            none = Segment(" " + tr("loss.none", lang), style("loss-plot--label"))
            return [*lines, Strip([none]).adjust_cell_length(width, base)]
        for row in plot(series, width, height - len(lines), log=wants_log(series)):
            segments: list[Segment] = []
            text, current = "", ""
            for char, owners in row:
                if len(owners) > 1:
                    cls = "loss-plot--both"
                else:
                    cls = f"loss-plot--{next(iter(owners))}" if owners else ""
                if cls != current and text:
                    segments.append(Segment(text, style(current) if current else base))
                    text = ""
                text, current = text + char, cls
            if text:
                segments.append(Segment(text, style(current) if current else base))
            lines.append(Strip(segments).adjust_cell_length(width, base))
        return lines

    def plain_lines(self) -> list[str]:
        """What the plot shows, as text (the legend first)."""
        return [strip.text for strip in self._draw()]


def lined_up(
    losses: Mapping[str, Sequence[float]],
    iterations: Mapping[str, Sequence[int]],
    modes: Sequence[str] = MODES,
) -> tuple[dict[str, list[float]], int | None]:
    """Each side's drawable losses from the first iteration every side of ``modes`` with
    losses has (a side that kept older ones drops them), and that iteration (None before
    any loss): value ``i`` of every side is then iteration ``start + i``."""
    points = {
        m: [
            (i, v)
            for i, v in zip(iterations.get(m, ()), losses.get(m, ()), strict=False)
            if math.isfinite(v)
        ]
        for m in MODES
    }
    firsts = [points[m][0][0] for m in modes if points[m]]
    if not firsts:
        return {m: [] for m in MODES}, None
    start = max(firsts)
    return {m: [v for i, v in points[m] if i >= start] for m in MODES}, start

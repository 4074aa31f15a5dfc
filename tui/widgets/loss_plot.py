"""LossPlot: loss over iterations, one sparkline per graph style."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.containers import Vertical
from textual.widgets import Label, Sparkline

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from textual.app import ComposeResult

__all__ = ["LossPlot"]


class LossPlot(Vertical):
    """Two labelled sparklines (static, eager) of the loss, with the latest values."""

    DEFAULT_CSS = """
    LossPlot { height: 1fr; }
    LossPlot > Label { width: 1fr; }
    LossPlot > Sparkline { height: 1fr; min-height: 1; width: 1fr; }
    """

    MODES = ("static", "eager")

    def compose(self) -> ComposeResult:
        for mode in self.MODES:
            yield Label(f"{mode}: –", id=f"loss-{mode}-label", classes="loss-label")
            yield Sparkline([], id=f"loss-{mode}", classes=f"loss-{mode}")

    def show_modes(self, modes: Iterable[str]) -> None:
        """Plot only the sides a scene runs (a PyTorch-only scene has no static loss)."""
        shown = set(modes)
        for mode in self.MODES:
            for child in (self.query_one(f"#loss-{mode}-label"), self.query_one(f"#loss-{mode}")):
                child.display = mode in shown

    def update_losses(self, losses: dict[str, Sequence[float]]) -> None:
        """Show the loss histories (mode -> values, oldest first)."""
        for mode in self.MODES:
            values = list(losses.get(mode, ()))
            label = self.query_one(f"#loss-{mode}-label", Label)
            if values:
                text = f"{mode} {values[-1]:.4g} · min {min(values):.4g}"
                count = f" · {len(values)} it."
                fits = not self.size.width or len(text + count) <= self.size.width
                label.update(text + count if fits else text, layout=False)
            else:
                label.update(f"{mode} loss: –", layout=False)
            data = _finite(values)
            spark = self.query_one(f"#loss-{mode}", Sparkline)
            # one column per iteration until the history is wider than the plot (a sparkline
            # stretches what it has over its width: one iteration would fill it as a block)
            room = self.size.width
            spark.styles.width = len(data) if data and len(data) < room else "1fr"
            if data and min(data) == max(data):  # a loss that never moves: full-height bars,
                data = data[:1]  # not an empty-looking line at the bottom (tf-variables)
            spark.data = data


def _finite(values: Iterable[float]) -> list[float]:
    return [v for v in values if v == v and abs(v) != float("inf")]

"""DataStrip: time the loop waits for data against time it computes, per data source."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.console import Group
from rich.text import Text
from textual.widget import Widget

from tui.engine_link import safe_text
from tui.i18n import cell_ljust, tr, word
from tui.view.stats import fmt_bytes, fmt_ns

if TYPE_CHECKING:
    from rich.console import RenderableType

    from tui.view.stats import DataStat, DeviceStats

__all__ = ["DataStrip", "data_lines"]


def data_lines(stats: DeviceStats, width: int, lang: str = "en") -> list[tuple[str, int, int, str]]:
    """Per source seen, in order: (head, wait cells, compute cells, figures) for a bar of
    ``width`` cells. The cells split the bar as the mean wait and mean compute split an
    iteration (at least one cell each when both are non-zero)."""
    out = []
    for source, stat in stats.data.items():
        wait, compute = stat.wait_ns, stat.compute_ns
        total = wait + compute
        share = wait / total if total else 0.0
        cells = round(share * width)
        if wait and compute:
            cells = min(max(cells, 1), width - 1)
        name = word("data.src", source, lang)
        head = tr("data.head", lang, source=cell_ljust(name, 8), wait=share, compute=1 - share)
        out.append((head, cells, width - cells, _figures(stat, lang)))
    return out


def _figures(stat: DataStat, lang: str = "en") -> str:
    return tr(
        "data.figures",
        lang,
        wait=fmt_ns(stat.wait_ns),
        compute=fmt_ns(stat.compute_ns),
        batch=fmt_bytes(stat.batch_bytes),
    )


class DataStrip(Widget):
    """Under a device panel: for each data source the run used ("disk", "ram", "prefetch"),
    a two-part bar of the iteration's time spent waiting for a batch and computing, with the
    mean figures of recent iterations. Hidden until the engine reports data loading.
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "data--label",
        "data--wait",
        "data--compute",
        "data--figures",
    }
    """
    | Class | Description |
    | :- | :- |
    | `data--label` | The source and the two shares. |
    | `data--wait` | The part of the bar spent waiting for data. |
    | `data--compute` | The part of the bar spent computing. |
    | `data--figures` | Mean times per iteration, batch size, iterations. |
    """

    DEFAULT_CSS = """
    DataStrip { height: auto; }
    """

    def __init__(
        self,
        device: str,
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
        disabled: bool = False,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        self.device = device
        """"cpu" or "gpu"."""
        self.stats: DeviceStats | None = None
        self._seen = (-1, -1)
        self.display = False

    def set_stats(self, stats: DeviceStats) -> None:
        """New figures; shows the strip once a data source was seen, redraws if they moved."""
        key = (id(stats), stats.version)
        if key == self._seen:
            return
        grew = (
            self.stats is None or len(stats.data) != len(self.stats.data) or stats is not self.stats
        )
        self._seen, self.stats = key, stats
        self.display = bool(stats.data)
        self.refresh(layout=grew)

    def render(self) -> RenderableType:
        st = self.stats
        if st is None or not st.data:
            return Text("")
        label = self.get_component_rich_style("data--label", partial=True)
        wait = self.get_component_rich_style("data--wait", partial=True)
        compute = self.get_component_rich_style("data--compute", partial=True)
        figures = self.get_component_rich_style("data--figures", partial=True)
        width = max(10, self.size.width)
        rows: list[RenderableType] = []
        for head, w, c, figs in data_lines(st, width, str(getattr(self.app, "lang", "en"))):
            rows.append(Text(safe_text(head), label, no_wrap=True, overflow="ellipsis"))
            rows.append(Text.assemble(("█" * w, wait), ("▒" * c, compute), no_wrap=True))
            rows.append(Text(figs, figures, no_wrap=True, overflow="ellipsis"))
        return Group(*rows)

"""DevicePanel: one device's timings (per op, per iteration), GFLOP/s, transfers and facts."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from rich.cells import cell_len
from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.widget import Widget

from tui.engine_link import safe_text
from tui.i18n import phrase, tr, word
from tui.view.stats import flop_rate, fmt_bytes, fmt_count, fmt_ns, speedup

if TYPE_CHECKING:
    from rich.console import RenderableType

    from tui.view.stats import DeviceStats

__all__ = ["DevicePanel", "spark"]

BARS = "▁▂▃▄▅▆▇█"


def spark(values: list[int] | list[float], width: int) -> str:
    """A one-line sparkline of the last ``width`` values."""
    values = list(values)[-width:]
    if not values:
        return ""
    lo, hi = min(values), max(values)
    span = (hi - lo) or 1
    return "".join(BARS[int((v - lo) / span * (len(BARS) - 1))] for v in values)


class DevicePanel(Widget):
    """A side panel for one device ("cpu": numpy, "gpu": cupy).

    It says why when the device is missing ("no cupy", "no NVIDIA driver", "no CUDA device")
    instead of vanishing.
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "device--label",
        "device--value",
        "device--spark",
        "device--missing",
    }
    """
    | Class | Description |
    | :- | :- |
    | `device--label` | Row labels. |
    | `device--value` | Figures. |
    | `device--spark` | Sparklines and bars. |
    | `device--missing` | The reason a device is unavailable. |
    """

    DEFAULT_CSS = """
    DevicePanel { height: auto; }
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
        self.other: DeviceStats | None = None
        self.info: dict[str, Any] = {}
        """Device facts (engine.devices.device_info); ``available: False`` + ``reason``."""
        self.active = False
        """True when this is the device the run uses."""
        self.paced = False
        """Times per run are sums of op times (the run is slowed down or stepped)."""
        self.busy: dict[int, float] = {}
        """Per worker of a parallel Session.run, the share of the last run it was busy."""
        self._seen = (-1, -1)
        self._shape: tuple[int, int, int, bool, bool] = (-1, -1, -1, False, False)

    def set_stats(self, stats: DeviceStats, other: DeviceStats, active: bool) -> None:
        """New figures; redraws only if something it shows moved (the other device's figures
        show only beside this one's own: a GPU panel that has none, as where there is no GPU,
        is not redrawn at every CPU figure, ~1 ms each at full speed)."""
        own = bool(stats.ops or stats.iterations or stats.transfers)
        key = (stats.version, other.version if own else -1, int(active))
        self.stats, self.other, self.active = stats, other, active
        if key != self._seen:
            self._seen = key
            shape = (
                min(len(stats.ops), 8),
                len(stats.iterations),
                len(stats.transfers),
                bool(other.iterations),
                stats.sampled is not None,
            )
            self.refresh(layout=shape != self._shape)  # a layout pass only when it grows
            self._shape = shape

    def set_info(self, info: dict[str, Any]) -> None:
        """Device facts (cores, clock, memory) or why the device is missing."""
        self.info = info
        self.refresh(layout=True)

    @property
    def lang(self) -> str:
        """The app's language ("en" outside a cgviz app)."""
        return str(getattr(self.app, "lang", "en"))

    def render(self) -> RenderableType:
        lang = self.lang
        label = self.get_component_rich_style("device--label", partial=True)
        value = self.get_component_rich_style("device--value", partial=True)
        sparks = self.get_component_rich_style("device--spark", partial=True)
        parts: list[RenderableType] = []
        info = self.info
        if info.get("available") is False:
            missing = self.get_component_rich_style("device--missing", partial=True)
            reason = phrase(str(info.get("reason") or tr("dev.unknown", lang)), lang)
            parts.append(Text(safe_text(tr("dev.missing", lang, reason=reason)), missing))
        elif info:
            cores = info.get("cores")
            unit = word("dev.unit", str(info.get("cores_unit", "cores")), lang)
            clock = info.get("clock_ghz")
            mem = info.get("memory_bytes")
            facts = [str(info.get("name") or "")]
            facts.append(tr("dev.count", lang, n=cores, unit=unit) if cores else "")
            facts.append(f"{clock} GHz" if clock else "")
            facts.append(fmt_bytes(mem) if mem else phrase(str(info.get("memory") or ""), lang))
            parts.append(Text(safe_text(" · ".join(str(f) for f in facts if f)), label))
        st = self.stats
        if st is not None and (st.ops or st.iterations or st.transfers):
            lines: list[tuple[str, str, str | list[int]]] = []  # label, figure, unit or history
            for mode, title in (("static", "Session.run"), ("eager", tr("dev.eager_iter", lang))):
                if self.paced:
                    title += tr("dev.sum_ops", lang)
                hist = list(st.iterations.get(mode, ()))
                if hist:  # the recent median, as the status line says it (the last one jumps)
                    title += tr("dev.median", lang)
                    lines.append((title, fmt_ns(st.recent_median(mode)), hist))
                if mode == "static" and hist and self.busy:  # a parallel plan's workers
                    shares = " · ".join(f"{share:.0%}" for share in self.busy.values())
                    busy = tr("dev.busy", lang, shares=shares)
                    lines.append((tr("dev.workers", lang), str(len(self.busy)), busy))
            lines.append((tr("dev.achieved", lang), *flop_rate(st.gflops)))
            for direction, moved in sorted(st.transfers.items()):
                figures = tr("dev.transfer", lang, bytes=fmt_bytes(moved.bytes), count=moved.count)
                lines.append((direction, fmt_ns(moved.total_ns), figures))
            if self.device == "gpu" and self.other is not None:
                for mode in ("static", "eager"):
                    s = speedup(self.other, st, mode)
                    if s:
                        side = tr(f"side.{mode}", lang)
                        lines.append(
                            (
                                tr("dev.vs_cpu", lang, mode=side),
                                f"×{s:.1f}",
                                tr("dev.speedup", lang),
                            )
                        )
            sampled = st.sampled
            if sampled is not None:  # at full speed most runs time no op: the mean is a sample's
                timed, calls = sampled
                one_in = tr("dev.one_in", lang, n=fmt_count(calls / timed)) if timed else "–"
                lines.append((tr("dev.sampled", lang), one_in, tr("dev.calls_timed", lang)))
            words = max((cell_len(t) for _, _, t in lines if isinstance(t, str)), default=0)
            if self._width(lines) + words > self.size.width:  # "median" goes before a word is cut
                median = tr("dev.median", lang)
                lines = [(t.removesuffix(median), f, tail) for t, f, tail in lines]
            # sparklines take what the labels and figures leave, so neither is cut off
            titles = max(cell_len(t) for t, _, _ in lines)
            figures = max(cell_len(f) for _, f, _ in lines)
            width = max(4, self.size.width - self._width(lines))
            rows = Table.grid(padding=(0, 1))
            # labels and figures whole; a long tail ("calls timed (sampled)") is what gets cut
            rows.add_column(style=label, no_wrap=True, min_width=titles)
            rows.add_column(style=value, justify="right", no_wrap=True, min_width=figures)
            rows.add_column(no_wrap=True, overflow="ellipsis")
            for title, figure, tail in lines:  # Text, never markup: a direction is a trace's
                rows.add_row(
                    Text(safe_text(title)),
                    Text(safe_text(figure)),
                    Text(spark(tail, width), sparks)
                    if isinstance(tail, list)
                    else Text(safe_text(tail), label),
                )
            parts.append(rows)
            if st.ops:
                parts.append(self._op_table(st, label, value, sparks, lang))
        elif info.get("available") is not False:
            parts.append(Text(tr("dev.no_runs", lang), label))
        return Group(*parts)

    @staticmethod
    def _width(lines: list[tuple[str, str, str | list[int]]]) -> int:
        """Cells the labels and figures of ``lines`` take, with the blank after each."""
        return max(cell_len(t) for t, _, _ in lines) + max(cell_len(f) for _, f, _ in lines) + 2

    def _op_table(
        self, st: DeviceStats, label: Any, value: Any, sparks: Any, lang: str = "en"
    ) -> Table:
        # one blank between columns (not two), so op names keep their room in a narrow panel
        table = Table(
            box=None,
            padding=(0, 1, 0, 0),
            pad_edge=False,
            show_edge=False,
            expand=True,
            header_style=label,
        )
        table.add_column(tr("dev.op", lang), style=label, no_wrap=True, ratio=3)
        table.add_column(tr("dev.calls", lang), style=value, justify="right", no_wrap=True)
        table.add_column(
            tr("dev.mean", lang), style=value, justify="right", no_wrap=True, min_width=8
        )
        table.add_column(tr("dev.share", lang), style=sparks, no_wrap=True, width=10)
        total = sum(o.total_ns for o in st.ops.values()) or 1
        top = sorted(st.ops.items(), key=lambda kv: -kv[1].total_ns)[:8]
        for op, o in top:
            share = o.total_ns / total
            bar = "█" * max(1, round(share * 5))
            table.add_row(  # Text, never markup: an op's name may come from a trace
                Text(safe_text(op)),
                Text(str(o.count)),
                Text(fmt_ns(o.mean_ns)),
                Text(f"{bar:<5} {share:>4.0%}"),
            )
        return table

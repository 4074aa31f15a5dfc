"""The bench screen: the lecture's CPU vs GPU table and matmul GFLOP/s, from saved results.

Shows the file ``cgviz --bench FILE`` names, else the newest in the folder ``cgviz bench``
saves to (see :func:`tui.cli.bench.default_dir`). Nothing is measured here: the figures are
the file's.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from tui.cli.bench import (
    BenchError,
    bar_lines,
    default_dir,
    devices,
    load_results,
    matmul_rows,
    newest_results,
)
from tui.i18n import phrase, tr, word
from tui.screens import SCREENSHOT
from tui.view.stats import fmt_bytes

if TYPE_CHECKING:
    from rich.console import RenderableType
    from textual.app import ComposeResult

__all__ = ["BenchScreen", "bench_renderable", "find_results"]

FACTS = (
    ("name", "name"),
    ("cores", "cores"),
    ("clock", "clock_ghz"),
    ("memory", "memory"),
    ("library", "library"),
)


def find_results(path: str | Path | None, lang: str = "en") -> tuple[dict[str, Any] | None, str]:
    """(results, where they came from) or (None, why there are none, in ``lang``)."""
    target = Path(path) if path else newest_results()
    if target is None:
        return None, tr("bench.none", lang, folder=default_dir())
    try:
        return load_results(target), str(target)
    except BenchError as e:
        return None, str(e)


def _fact(device: dict[str, Any], label: str, key: str, lang: str = "en") -> str:
    value = device.get(key)
    if label == "cores" and value:
        unit = str(device.get("cores_unit", "cores"))
        return tr("dev.count", lang, n=value, unit=word("dev.unit", unit, lang))
    if label == "clock" and value:
        return f"{value} GHz"
    if label == "memory":
        size = device.get("memory_bytes")
        note = phrase(str(device.get("memory") or ""), lang)
        return f"{fmt_bytes(size)} ({note})" if size and note else fmt_bytes(size) if size else note
    return str(value) if value not in (None, "") else "–"


def device_table(data: dict[str, Any], lang: str = "en") -> Table:
    """Device facts side by side, then the seed workloads, one column per device."""
    devs = {str(d.get("device")): d for d in devices(data)}
    order = [d for d in ("cpu", "gpu") if d in devs] + [d for d in devs if d not in ("cpu", "gpu")]
    table = Table(expand=True, header_style="bold", show_lines=False)
    table.add_column("", no_wrap=True)
    for name in order:
        title = name.upper() + (tr("bench.simulated", lang) if devs[name].get("simulated") else "")
        table.add_column(title, ratio=1)
    for label, key in FACTS:
        cells = []
        for name in order:
            d = devs[name]
            if d.get("available") is False:
                reason = phrase(str(d.get("reason", "?")), lang)
                cells.append(
                    tr("bench.not_measured", lang, reason=reason) if label == "name" else ""
                )
            else:
                cells.append(_fact(d, label, key, lang))
        table.add_row(tr(f"bench.{label}", lang), *(Text(c) for c in cells))
    seed = [r for r in data.get("seed") or () if isinstance(r, dict)]
    for workload in dict.fromkeys(str(r.get("workload")) for r in seed):
        cells = []
        for name in order:
            row = next(
                (
                    r
                    for r in seed
                    if str(r.get("workload")) == workload and str(r.get("device")) == name
                ),
                None,
            )
            median = row.get("median") if row else None
            cells.append(
                f"{median:.3g} {phrase(str(row.get('unit', '')), lang)}"
                if row and isinstance(median, (int, float))
                else "–"
            )
        table.add_row(Text(phrase(workload, lang)), *(Text(c) for c in cells))
    return table


def bench_renderable(
    data: dict[str, Any], source: str, width: int = 100, lang: str = "en"
) -> RenderableType:
    """The whole screen's text: header, device table, matmul chart per device (bars sized to
    ``width`` cells)."""
    when = data.get("date") or "?"
    machine = data.get("machine") if isinstance(data.get("machine"), dict) else {}
    head = Text.assemble(
        ("cgviz bench", "bold"),
        f"  ·  {when}  ·  {machine.get('host', '?')}  ·  {Path(source).name}",
    )
    parts: list[RenderableType] = [head, Text(""), device_table(data, lang), Text("")]
    names = [str(d.get("device")) for d in devices(data)] or ["cpu"]
    for name in names:
        rows = matmul_rows(data, name)
        if rows:
            parts.append(Text(tr("bench.matmul", lang, device=name.upper()), "bold"))
            parts.extend(
                Text(line, no_wrap=True, overflow="ellipsis")
                for line in bar_lines(rows, max(10, width - 34))
            )
            parts.append(Text(""))
        else:
            reason = next(
                (
                    str(d.get("reason"))
                    for d in devices(data)
                    if str(d.get("device")) == name and d.get("available") is False
                ),
                "",
            )
            if reason:
                reason = phrase(reason, lang)
                missing = tr("bench.matmul_missing", lang, device=name.upper(), reason=reason)
                parts.append(Text(missing, "italic"))
    return Group(*parts)


class BenchScreen(ModalScreen[None]):
    """Saved benchmark results; escape, q or b closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "escape,q,b",
            "dismiss",
            "Close",
            tooltip="Close the benchmark results",
            id="bench.close",
        ),
        SCREENSHOT,
    ]

    def __init__(self, path: str | Path | None = None) -> None:
        super().__init__()
        self.path = path
        """The results file asked for (None: the newest saved one)."""
        self.data, self.source = find_results(path)
        """The results (None when there are none) and the file, or why there is none."""

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="bench-body"):
            yield Static(id="bench-text")

    def on_mount(self) -> None:
        body = self.query_one("#bench-body")
        lang = str(getattr(self.app, "lang", "en"))
        body.border_title = tr("bench.title", lang)
        text = self.query_one("#bench-text", Static)
        if self.data is None:
            text.update(Text(find_results(self.path, lang)[1], "italic"))
        else:
            width = min(106, self.app.size.width - 12)
            text.update(bench_renderable(self.data, self.source, width, lang))

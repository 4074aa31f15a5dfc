"""Per-device timing tables from events: per op calls, total and mean time; per iteration time.

:class:`Stats` is a subscriber (cheap: a few dict updates per event) or can be fed the events
of a trace file; :func:`format_tables` prints what it gathered, one table per device.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from engine.events import Event

DEVICE_TITLES = {"cpu": "cpu (numpy)", "gpu": "gpu (cupy)"}


@dataclass
class OpStats:
    """Calls and total measured time of one op on one device in one mode."""

    calls: int = 0
    total_ns: int = 0
    flops: int = 0


@dataclass
class DeviceStats:
    """Everything measured on one device."""

    ops: dict[tuple[str, str], OpStats] = field(default_factory=lambda: defaultdict(OpStats))
    steps: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    transfers: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0, 0]))


class Stats:
    """A subscriber folding events into per-device statistics."""

    def __init__(self, device: str = "cpu") -> None:
        self.devices: dict[str, DeviceStats] = defaultdict(DeviceStats)
        self.ops: dict[tuple[Any, Any], tuple[str, str]] = {}
        self.graph_mode: dict[Any, str] = {}
        self.mode_device: dict[str, str] = {}
        self.default_device = device
        self.metrics: dict[tuple[str, str], list[float]] = defaultdict(list)
        self.errors: list[Event] = []
        self.events = 0

    def __call__(self, e: Event) -> None:
        self.events += 1
        kind = e["kind"]
        if kind == "node_finished":
            key = (e["graph"], e["node"])
            # nodes a graph pass added (a folded constant) have no node_created: their op
            # comes with node_finished
            op, mode = self.ops.get(
                key, (str(e.get("op") or "?"), self.graph_mode.get(e["graph"], "?"))
            )
            device = str(e.get("device") or self.default_device)
            self.mode_device[mode] = device
            s = self.devices[device].ops[(mode, op)]
            s.calls += 1
            s.total_ns += int(e.get("dur_ns") or 0)
            s.flops += int(e.get("flops") or 0)
        elif kind == "op_totals":  # a skimmed run / iteration's ops, added up
            mode = str(e.get("mode") or "?")
            device = str(e.get("device") or self.default_device)
            for op, (calls, total_ns, flops) in (e.get("ops") or {}).items():
                s = self.devices[device].ops[(mode, str(op))]
                s.calls += int(calls)
                s.total_ns += int(total_ns)
                s.flops += int(flops)
        elif kind == "node_created":
            mode = e.get("mode") or self.graph_mode.get(e["graph"], "?")
            self.ops[(e["graph"], e["node"])] = (str(e.get("op") or "?"), mode)
        elif kind == "graph_created":
            self.graph_mode[e["graph"]] = str(e.get("mode") or "?")
        elif kind == "run_finished":
            self._step("static", "Session.run", e)
        elif kind == "iteration_finished":
            mode = str(e.get("mode") or "?")
            self._step(mode, f"{mode} iteration", e)
        elif kind == "transfer":
            device = str(e.get("device") or self.default_device)
            t = self.devices[device].transfers[str(e.get("direction"))]
            t[0] += 1
            t[1] += int(e.get("bytes") or 0)
            t[2] += int(e.get("dur_ns") or 0)
        elif kind == "metric":
            if isinstance(e.get("value"), (int, float)):
                self.metrics[(str(e["name"]), str(e.get("mode") or ""))].append(float(e["value"]))
        elif kind == "error":
            self.errors.append(e)
        elif kind == "scene":
            self.default_device = str(e.get("device") or self.default_device)

    def _step(self, mode: str, label: str, e: Event) -> None:
        device = self.mode_device.get(mode, self.default_device)
        self.devices[device].steps[label].append(int(e.get("dur_ns") or 0))


def _ms(ns: float) -> str:
    return f"{ns / 1e6:.3f}"


def _us(ns: float) -> str:
    return f"{ns / 1e3:.1f}"


def format_tables(stats: Stats) -> str:
    """Plain-text tables, one per device, of what ``stats`` saw."""
    if not stats.devices and not stats.metrics:
        return "no engine events (the script ran no engine ops)"
    out: list[str] = []
    for device in sorted(stats.devices):
        d = stats.devices[device]
        out.append(f"== {DEVICE_TITLES.get(device, device)} ==")
        rows = [("mode", "op", "calls", "total ms", "mean us", "share", "GFLOP/s")]
        grand = sum(s.total_ns for s in d.ops.values()) or 1
        ordered = sorted(d.ops.items(), key=lambda kv: (kv[0][0], -kv[1].total_ns))
        for (mode, op), s in ordered:
            rate = f"{s.flops / s.total_ns:.1f}" if s.flops and s.total_ns else ""
            rows.append(
                (
                    mode,
                    op,
                    str(s.calls),
                    _ms(s.total_ns),
                    _us(s.total_ns / s.calls),
                    f"{100 * s.total_ns / grand:.0f}%",
                    rate,
                )
            )
        if len(rows) > 1:
            out.append(_table(rows))
        if d.steps:
            steps = [("per iteration", "count", "mean ms", "median ms", "min ms", "total ms")]
            same = d.steps.get("static iteration") == d.steps.get("Session.run")
            for label, durs in sorted(d.steps.items()):
                if same and label == "static iteration":
                    continue  # the front end counts each Session.run as an iteration
                steps.append(
                    (
                        label,
                        str(len(durs)),
                        _ms(statistics.fmean(durs)),
                        _ms(statistics.median(durs)),
                        _ms(min(durs)),
                        _ms(sum(durs)),
                    )
                )
            out.append(_table(steps, left=1))
        for direction, (n, nbytes, ns) in sorted(d.transfers.items()):
            out.append(f"transfers {direction}: {n} copies, {nbytes / 2**20:.2f} MiB, {_ms(ns)} ms")
        out.append("")
    for (name, mode), values in sorted(stats.metrics.items()):
        label = f"{name} ({mode})" if mode else name
        out.append(f"{label}: first {values[0]:.6g}, last {values[-1]:.6g} ({len(values)} values)")
    return "\n".join(out).rstrip()


def _table(rows: Sequence[tuple[str, ...]], left: int = 2) -> str:
    """Columns aligned: the first ``left`` to the left, numbers to the right."""
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = []
    for n, row in enumerate(rows):
        cells = [
            c.ljust(w) if i < left else c.rjust(w)
            for i, (c, w) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append("  ".join(cells).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)

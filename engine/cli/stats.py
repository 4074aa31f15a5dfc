"""Per-device timing tables from events: per op calls, total and mean time; per iteration time.

:class:`Stats` is a subscriber (cheap: a few dict updates per event) or can be fed the events
of a trace file; :func:`format_tables` prints what it gathered, one table per device.

Its memory does not grow with the run: ops are added up by (mode, op), iterations by label
(:class:`Durations`: count, total, min and a median from a bounded histogram), metrics as
first / last / count; what it remembers of nodes to name a ``node_finished``'s op is keyed by
the eager call ``site`` (one per line, op and shapes) or by the node of a static graph, and an
eager graph's nodes are forgotten when the next eager graph starts.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from engine.events import Event
from engine.trace_text import safe_text

DEVICE_TITLES = {"cpu": "cpu (numpy)", "gpu": "gpu (cupy)"}
ERRORS_KEPT = 100
"""Error events kept for the report (the rest are counted)."""


@dataclass
class OpStats:
    """Calls and total measured time of one op on one device in one mode."""

    calls: int = 0
    total_ns: int = 0
    flops: int = 0


class Durations:
    """Count, total, min and median of many durations in bounded memory.

    The first ``EXACT`` durations are kept as they are (the median is then exact); after that
    they go into a histogram of buckets 1/``PER_OCTAVE`` of an octave wide (about 0.27%),
    so the median is the middle of its bucket: within 0.14% of the true one, however long the
    run. A few thousand buckets cover every duration from 1 ns to hours.
    """

    EXACT = 4096
    PER_OCTAVE = 256

    __slots__ = ("count", "total", "min", "_values", "_buckets")

    def __init__(self) -> None:
        self.count = 0
        self.total = 0
        self.min: int | None = None
        self._values: list[int] | None = []
        self._buckets: dict[int, int] = {}

    def add(self, ns: int) -> None:
        """Count one duration (nanoseconds)."""
        self.count += 1
        self.total += ns
        if self.min is None or ns < self.min:
            self.min = ns
        values = self._values
        if values is not None:
            values.append(ns)
            if len(values) > self.EXACT:
                for v in values:
                    self._bucket(v)
                self._values = None
        else:
            self._bucket(ns)

    def _bucket(self, ns: int) -> None:
        b = -1 if ns <= 0 else int(math.log2(ns) * self.PER_OCTAVE)
        self._buckets[b] = self._buckets.get(b, 0) + 1

    @property
    def mean(self) -> float:
        return self.total / self.count if self.count else 0.0

    def median(self) -> float:
        """The median (exact while few; else within the histogram's resolution)."""
        if not self.count:
            return 0.0
        if self._values is not None:
            ordered = sorted(self._values)
            mid = len(ordered) // 2
            return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2
        seen, half = 0, self.count / 2
        for b in sorted(self._buckets):
            seen += self._buckets[b]
            if seen >= half:
                return 0.0 if b < 0 else 2 ** ((b + 0.5) / self.PER_OCTAVE)
        return 0.0  # not reached

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Durations):
            return NotImplemented
        return (self.count, self.total, self.min, self._values, self._buckets) == (
            other.count,
            other.total,
            other.min,
            other._values,
            other._buckets,
        )

    __hash__ = None  # type: ignore[assignment]


@dataclass
class Metric:
    """A metric's first and last value and how many there were."""

    first: float
    last: float
    count: int = 1


@dataclass
class DeviceStats:
    """Everything measured on one device."""

    ops: dict[tuple[str, str], OpStats] = field(default_factory=lambda: defaultdict(OpStats))
    steps: dict[str, Durations] = field(default_factory=lambda: defaultdict(Durations))
    transfers: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0, 0]))


class Stats:
    """A subscriber folding events into per-device statistics (bounded memory, see above)."""

    def __init__(self, device: str = "cpu") -> None:
        self.devices: dict[str, DeviceStats] = defaultdict(DeviceStats)
        self.nodes: dict[Any, dict[Any, tuple[str, str]]] = {}
        """Graph -> node -> (op, mode), of static graphs and the current eager one (nodes
        without a call site)."""
        self.sites: dict[Any, tuple[str, str]] = {}
        """Eager call site -> (op, mode): a site's node events all name the same op."""
        self.graph_mode: dict[Any, str] = {}
        """Graph -> mode, of static graphs and the current eager one."""
        self._eager_graph: Any = None
        self.mode_device: dict[str, str] = {}
        self.default_device = device
        self.metrics: dict[tuple[str, str], Metric] = {}
        self.errors: list[Event] = []
        """The first ``ERRORS_KEPT`` error events."""
        self.error_count = 0
        self.events = 0

    def __call__(self, e: Event) -> None:
        self.events += 1
        kind = e["kind"]
        if kind == "node_created":
            self._created(e)
        if kind == "node_finished" or (kind == "node_created" and "dur_ns" in e):
            site = e.get("site")
            known = self.sites.get(site) if site is not None else None
            if known is None:
                nodes = self.nodes.get(e["graph"])
                known = nodes.get(e["node"]) if nodes is not None else None
            # nodes a graph pass added (a folded constant) have no node_created: their op
            # comes with node_finished
            op, mode = known or (str(e.get("op") or "?"), self.graph_mode.get(e["graph"], "?"))
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
        elif kind == "graph_created":
            mode = str(e.get("mode") or "?")
            if mode == "eager":  # a new iteration's graph: the last one's nodes are done
                self._forget(self._eager_graph)
                self._eager_graph = e["graph"]
            self.graph_mode[e["graph"]] = mode
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
            value = e.get("value")
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                key = (str(e["name"]), str(e.get("mode") or ""))
                m = self.metrics.get(key)
                if m is None:
                    self.metrics[key] = Metric(float(value), float(value))
                else:
                    m.last = float(value)
                    m.count += 1
        elif kind == "error":
            self.error_count += 1
            if len(self.errors) < ERRORS_KEPT:
                self.errors.append(e)
        elif kind == "scene":
            self.default_device = str(e.get("device") or self.default_device)

    def _created(self, e: Event) -> None:
        """Remember a node's op and mode, to name what its timing events count."""
        mode = e.get("mode") or self.graph_mode.get(e["graph"], "?")
        known = (str(e.get("op") or "?"), str(mode))
        site = e.get("site")
        if site is not None:
            self.sites[site] = known
        else:
            self.nodes.setdefault(e["graph"], {})[e["node"]] = known

    def _forget(self, graph: Any) -> None:
        """Drop what was kept of an eager graph's nodes (its iteration is over)."""
        if graph is not None:
            self.graph_mode.pop(graph, None)
            self.nodes.pop(graph, None)

    def _step(self, mode: str, label: str, e: Event) -> None:
        device = self.mode_device.get(mode, self.default_device)
        self.devices[device].steps[label].add(int(e.get("dur_ns") or 0))


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
        out.append(f"== {safe_text(DEVICE_TITLES.get(device, device))} ==")
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
                        str(durs.count),
                        _ms(durs.mean),
                        _ms(durs.median()),
                        _ms(durs.min or 0),
                        _ms(durs.total),
                    )
                )
            out.append(_table(steps, left=1))
        for direction, (n, nbytes, ns) in sorted(d.transfers.items()):
            out.append(
                f"transfers {safe_text(direction)}: {n} copies, {nbytes / 2**20:.2f} MiB, "
                f"{_ms(ns)} ms"
            )
        out.append("")
    for (name, mode), m in sorted(stats.metrics.items()):
        label = safe_text(f"{name} ({mode})" if mode else name)
        out.append(f"{label}: first {m.first:.6g}, last {m.last:.6g} ({m.count} values)")
    return "\n".join(out).rstrip()


def _table(rows: Sequence[tuple[str, ...]], left: int = 2) -> str:
    """Columns aligned: the first ``left`` to the left, numbers to the right."""
    rows = [tuple(safe_text(c) for c in r) for r in rows]  # op names may come from a trace
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

"""Per-device timing figures folded from events: per-op times, iteration times, GFLOP/s, transfers.

Every history is bounded, so a run of any length keeps memory flat.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

ITER_HISTORY = 120
"""Iteration times kept per mode (the sparkline's width, roughly)."""
RATE_WINDOW = 512
"""Recent node executions the GFLOP/s figure averages over."""


@dataclass(slots=True)
class OpStat:
    """Time spent in one op type on one device."""

    count: int = 0
    """Calls that ran, timed or not."""
    total_ns: int = 0
    """Time of the timed calls."""
    last_ns: int = 0
    flops: int = 0
    timed: int = 0
    """Calls whose time is in ``total_ns`` (at full speed a skimmed run may time none)."""

    @property
    def mean_ns(self) -> float:
        """Mean duration per timed call."""
        return self.total_ns / self.timed if self.timed else 0.0

    @property
    def sampled(self) -> bool:
        """Some calls ran untimed: the mean is that of a sample of them."""
        return self.timed < self.count


@dataclass(slots=True)
class TransferStat:
    """Host<->device copies in one direction."""

    count: int = 0
    bytes: int = 0
    total_ns: int = 0


DATA_WINDOW = 20
"""Recent iterations the data-loading figures average over (so a cure shows within a few)."""


@dataclass(slots=True)
class DataStat:
    """Iterations fed from one data source: time waiting for the batch against computing."""

    wait: deque[int] = field(default_factory=lambda: deque(maxlen=DATA_WINDOW))
    """Recent per-iteration waits for data (ns)."""
    compute: deque[int] = field(default_factory=lambda: deque(maxlen=DATA_WINDOW))
    """Recent per-iteration compute times: the iteration's ops (ns)."""
    iterations: int = 0
    batch_bytes: int = 0
    """Size of the latest batch."""

    @property
    def wait_ns(self) -> float:
        """Mean wait per iteration over the window."""
        return sum(self.wait) / len(self.wait) if self.wait else 0.0

    @property
    def compute_ns(self) -> float:
        """Mean compute per iteration over the window."""
        return sum(self.compute) / len(self.compute) if self.compute else 0.0


@dataclass
class DeviceStats:
    """Everything a device panel shows, for one device."""

    name: str
    ops: dict[str, OpStat] = field(default_factory=dict)
    iterations: dict[str, deque[int]] = field(default_factory=dict)
    """mode -> recent iteration (eager) or run (static) durations in ns."""
    transfers: dict[str, TransferStat] = field(default_factory=dict)
    data: dict[str, DataStat] = field(default_factory=dict)
    """Data source ("disk", "ram", "prefetch") -> waiting vs computing, in the order seen."""
    _rate: deque[tuple[int, int]] = field(default_factory=lambda: deque(maxlen=RATE_WINDOW))
    version: int = 0
    """Bumped on every change; panels redraw only when it moved."""

    def node(self, op: str, dur_ns: int, flops: int) -> None:
        """Record one node execution."""
        self.op_totals(op, 1, dur_ns, flops)

    def op_totals(self, op: str, calls: int, total_ns: int, flops: int) -> None:
        """Record ``calls`` executions of ``op`` at once (a skimmed run / iteration's totals)."""
        if not calls:
            return
        stat = self._stat(op)
        stat.count += calls
        stat.timed += calls
        stat.total_ns += total_ns
        stat.last_ns = total_ns // calls
        stat.flops += flops
        self._rate.append((flops, total_ns))
        self.version += 1

    def op_untimed(self, op: str, calls: int, flops: int) -> None:
        """Record ``calls`` executions of ``op`` that were not timed (a skimmed run between the
        samples that time their ops): they count, their time is nobody's guess."""
        if not calls:
            return
        stat = self._stat(op)
        stat.count += calls
        stat.flops += flops
        self.version += 1

    def _stat(self, op: str) -> OpStat:
        stat = self.ops.get(op)
        if stat is None:
            stat = self.ops[op] = OpStat()
        return stat

    @property
    def sampled(self) -> tuple[int, int] | None:
        """(timed calls, calls) over every op when some calls ran untimed, else None."""
        timed = sum(o.timed for o in self.ops.values())
        calls = sum(o.count for o in self.ops.values())
        return (timed, calls) if timed < calls else None

    def iteration(self, mode: str, dur_ns: int) -> None:
        """Record one iteration (eager) or Session.run (static)."""
        self.iterations.setdefault(mode, deque(maxlen=ITER_HISTORY)).append(dur_ns)
        self.version += 1

    def recent_median(self, mode: str, recent: int = 20) -> int | None:
        """Median time of the latest ``recent`` runs (static) or iterations (eager) in ns,
        None before the first: the figure the status line and the race compare."""
        times = sorted(list(self.iterations.get(mode, ()))[-recent:])
        return times[len(times) // 2] if times else None

    def data_iteration(self, source: str, wait_ns: int, compute_ns: int, nbytes: int) -> None:
        """Record one iteration that waited ``wait_ns`` for its batch and computed for
        ``compute_ns``."""
        stat = self.data.setdefault(source, DataStat())
        stat.wait.append(wait_ns)
        stat.compute.append(compute_ns)
        stat.iterations += 1
        stat.batch_bytes = nbytes
        self.version += 1

    def transfer(self, direction: str, nbytes: int, dur_ns: int) -> None:
        """Record one host<->device copy."""
        stat = self.transfers.setdefault(direction, TransferStat())
        stat.count += 1
        stat.bytes += nbytes
        stat.total_ns += dur_ns
        self.version += 1

    @property
    def gflops(self) -> float | None:
        """Achieved GFLOP/s over the recent window (None before any FLOP ran)."""
        flops = sum(f for f, _ in self._rate)
        ns = sum(d for _, d in self._rate)
        return flops / ns if flops and ns else None

    def mean_iteration_ns(self, mode: str) -> float | None:
        """Mean of the recent iteration times of a mode."""
        hist = self.iterations.get(mode)
        return sum(hist) / len(hist) if hist else None


def speedup(cpu: DeviceStats, gpu: DeviceStats, mode: str) -> float | None:
    """GPU-over-CPU speed-up of a mode's mean iteration time (None until both ran)."""
    c, g = cpu.mean_iteration_ns(mode), gpu.mean_iteration_ns(mode)
    return c / g if c and g else None


def fmt_ns(ns: float | None) -> str:
    """A duration for humans: ``812ns``, ``12.3µs``, ``4.56ms``, ``1.20s``."""
    if ns is None:
        return "–"
    if ns < 1e3:
        return f"{ns:.0f}ns"
    if ns < 1e6:
        return f"{ns / 1e3:.1f}µs"
    if ns < 1e9:
        return f"{ns / 1e6:.2f}ms"
    return f"{ns / 1e9:.2f}s"


def fmt_bytes(n: float) -> str:
    """A size for humans: ``512B``, ``3.2KB``, ``25.6MB``."""
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f}{unit}" if unit == "B" else f"{n:.1f}{unit}"
        n /= 1024
    return f"{n:.1f}GB"


def fmt_count(n: float) -> str:
    """A big count for humans: ``6.4M``, ``12.8G``."""
    for unit, scale in (("G", 1e9), ("M", 1e6), ("k", 1e3)):
        if n >= scale:
            return f"{n / scale:.1f}{unit}"
    return f"{n:.0f}"


def flop_rate(gflops: float | None) -> tuple[str, str]:
    """(figure, unit) of a FLOP rate in the unit that shows it: 18.74 GFLOP/s, 380.5 MFLOP/s
    (a loop of tiny ops said 0.00 GFLOP/s, as if nothing had been computed), "–" for none."""
    if not gflops:
        return "–", "GFLOP/s"
    if gflops >= 1:
        return f"{gflops:.2f}", "GFLOP/s"
    if gflops >= 1e-3:
        return f"{gflops * 1e3:.1f}", "MFLOP/s"
    return f"{gflops * 1e6:.1f}", "kFLOP/s"

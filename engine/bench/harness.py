"""How the benchmark times things: interleaved rounds, quiet waits, BLAS threads, a progress bar.

Method (see the project's baselines): every round runs every case once, in a shuffled order,
after a short quiet wait; ratios are taken inside each round and the median of those per-round
ratios is quoted ("median of pairs"), with min and max. BLAS runs on one thread.
"""

from __future__ import annotations

import os
import platform
import random
import sys
import time
from collections.abc import Callable
from typing import Any, TextIO

import numpy as np

Setup = Callable[[], Callable[[], Any]]


def _busy_seconds() -> float | None:
    """Non-idle CPU seconds of the machine since boot (Linux), else None."""
    try:
        with open("/proc/stat", encoding="ascii") as f:
            v = [int(x) for x in f.readline().split()[1:9]]
    except OSError:
        return None
    return (sum(v) - v[3] - v[4]) / os.sysconf("SC_CLK_TCK")


def wait_quiet(settle: float, max_wait: float = 5.0) -> None:
    """Sleep ``settle`` s, then more (up to ``max_wait``) while others use > 5 % of the CPUs."""
    if settle <= 0:
        return
    deadline = time.monotonic() + max_wait
    while True:
        b0, c0 = _busy_seconds(), time.process_time()
        time.sleep(settle)
        b1 = _busy_seconds()
        if b0 is None or b1 is None or time.monotonic() > deadline:
            return
        if (b1 - b0) - (time.process_time() - c0) < 0.05 * settle * (os.cpu_count() or 1):
            return


def interleaved(
    cases: dict[str, Setup],
    rounds: int,
    settle: float,
    seed: int = 0,
    tick: Callable[[str], None] | None = None,
) -> dict[str, list[float]]:
    """Seconds per sample: each round runs every case once in a shuffled order."""
    for setup in cases.values():  # warm-up: caches, plans, page faults
        setup()()
    rng = random.Random(seed)
    names = list(cases)
    out: dict[str, list[float]] = {k: [] for k in names}
    for _ in range(rounds):
        rng.shuffle(names)
        for name in names:
            fn = cases[name]()
            wait_quiet(settle)
            t0 = time.perf_counter()
            fn()
            out[name].append(time.perf_counter() - t0)
            if tick is not None:
                tick(name)
    return out


def environment(thread_note: str) -> dict[str, Any]:
    """Versions, BLAS and thread settings, for the report."""
    from engine import malloc

    env: dict[str, Any] = {
        "python": platform.python_version(),
        "numpy": np.__version__,
        "cpus": os.cpu_count(),
        "threads": thread_note,
    }
    try:
        blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
        env["blas"] = f"{blas.get('name')} {blas.get('version', '')}".strip()
    except Exception:  # older numpy: no dict mode
        env["blas"] = "unknown"
    try:
        from threadpoolctl import threadpool_info

        env["threadpools"] = [
            f"{p['internal_api']} {p.get('version')} "
            f"arch={p.get('architecture')} threads={p['num_threads']}"
            for p in threadpool_info()
        ]
    except ImportError:
        pass
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "OPENBLAS_CORETYPE"):
        env[var] = os.environ.get(var, "(unset)")
    env["malloc"] = malloc.status()
    return env


def thread_setting() -> str:
    """How BLAS was held to one thread (threadpoolctl, or environment variables)."""
    try:
        import threadpoolctl  # noqa: F401
    except ImportError:
        if os.environ.get("OPENBLAS_NUM_THREADS") == "1":
            return "1 BLAS thread via OPENBLAS_NUM_THREADS/OMP_NUM_THREADS=1 (set before numpy)"
        return "BLAS threads NOT limited (no threadpoolctl and the variables were not set)"
    return "1 BLAS thread via threadpoolctl"


def limit_threads() -> Callable[[], None]:
    """Limit BLAS (and torch, where loaded) to one thread; returns the undo."""
    undo: list[Callable[[], None]] = []
    try:
        from threadpoolctl import threadpool_limits

        undo.append(threadpool_limits(limits=1, user_api="blas").restore_original_limits)
    except ImportError:
        pass
    torch = sys.modules.get("torch")
    if torch is not None and hasattr(torch, "set_num_threads"):
        before = torch.get_num_threads()
        torch.set_num_threads(1)
        undo.append(lambda: torch.set_num_threads(before))

    def restore() -> None:
        for fn in undo:
            fn()

    return restore


class Progress:
    """A plain-text progress bar on stderr: ``[#####.....] 12/40 matmul cpu 1024``.

    On a terminal the bar redraws in place; elsewhere (a log, a pipe) it prints a line per
    tenth of the work, so logs stay short.
    """

    WIDTH = 30

    def __init__(self, total: int, stream: TextIO | None = None) -> None:
        self.total = max(total, 1)
        self.done = 0
        self.stream = stream if stream is not None else sys.stderr
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self._last_tenth = -1

    def step(self, label: str, n: int = 1) -> None:
        """Count ``n`` more units of work done, now doing ``label``."""
        self.done = min(self.done + n, self.total)
        filled = self.WIDTH * self.done // self.total
        line = f"[{'#' * filled}{'.' * (self.WIDTH - filled)}] {self.done}/{self.total} {label}"
        if self.tty:
            self.stream.write("\r" + line[:100].ljust(100))
        else:
            tenth = 10 * self.done // self.total
            if tenth == self._last_tenth:
                return
            self._last_tenth = tenth
            self.stream.write(line + "\n")
        self.stream.flush()

    def close(self) -> None:
        """End the bar's line."""
        if self.tty:
            self.stream.write("\n")
            self.stream.flush()

"""Static Session.run against the same step typed out in numpy, before and after optimising.

The seed graph (T1): h = max(x @ w1, 0); y_pred = h @ w2; loss = mean(sum((y_pred - y)**2, 1));
fetch [loss, dloss/dw1, dloss/dw2], everything fed, float32. Cases, interleaved (each round
runs every case once, in a shuffled order), medians over rounds, ratios within this run:

* ``numpy``            - the step as a hand-written numpy function (fresh arrays every step);
* ``numpy prealloc``   - the same writing into buffers allocated once (the "ideal plan");
* ``session``          - ``tf.Session()``: graph passes on, buffers reused (after);
* ``session, before``  - ``tf.Session(optimize=False)`` with buffer reuse off (before);
* ``matmul floor``     - only the step's 5 matmuls, into buffers allocated once: no other
  work at all, so no plan of this step can go below it (it computes no usable values).

Sizes (N, D, H[, D_out]): (64, 1000, 100), (2048, 2048, 2048) and the compute-bound
(4096, 4096, 4096, 1024), where the GFLOP/s are compared with the BLAS peak measured here and
the machine's theoretical peak (``--ghz`` x 32 float32 FLOP per cycle per core: Zen 4).
BLAS runs on 1 thread for the gating figures and on 2 beside them (threadpoolctl, else the
thread setter of numpy's bundled OpenBLAS). Before each sample the script waits (up to 2 s)
until other processes use < 5 % of the CPUs, and it reports how much they took while the
samples ran (/proc/stat less this process's CPU time). Timings are reported, never asserted.

Usage: python benchmarks/static_plan.py [--rounds 9] [--quick]
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import glob
import os
import random
import statistics
import sys
import time
from collections.abc import Callable, Iterator

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

import numpy as np  # noqa: E402

import engine.static as tf  # noqa: E402

# ------------------------------------------------------------------ BLAS threads


def _openblas_setter() -> Callable[[int], None] | None:
    libs = glob.glob(
        os.path.join(os.path.dirname(np.__file__), "..", "numpy.libs", "libscipy_openblas*")
    )
    for path in libs:
        lib = ctypes.CDLL(path)
        for sym in ("scipy_openblas_set_num_threads64_", "openblas_set_num_threads"):
            fn = getattr(lib, sym, None)
            if fn is not None:
                return lambda n, _f=fn: _f(ctypes.c_int(n))
    return None


def thread_control() -> tuple[str, Callable[[int], contextlib.AbstractContextManager[None]]]:
    """How BLAS threads are limited here, and a context manager factory that does it."""
    try:
        from threadpoolctl import threadpool_limits

        return "threadpoolctl", lambda n: threadpool_limits(n, user_api="blas")
    except ImportError:
        pass
    setter = _openblas_setter()
    if setter is not None:

        @contextlib.contextmanager
        def limit(n: int) -> Iterator[None]:
            setter(n)
            try:
                yield
            finally:
                setter(os.cpu_count() or 1)

        return "numpy's bundled OpenBLAS thread setter (no threadpoolctl)", limit
    return "NOT limited (no threadpoolctl, no OpenBLAS setter)", lambda n: contextlib.nullcontext()


# ------------------------------------------------------------------ the step


def numpy_step(x, y, w1, w2):
    a = x @ w1
    h = np.maximum(a, 0)
    diff = h @ w2 - y
    loss = np.mean(np.sum(diff**2, axis=1))
    g = diff * np.float32(2.0 / x.shape[0])
    grad_w2 = h.T @ g
    grad_w1 = x.T @ ((g @ w2.T) * (a > 0))
    return loss, grad_w1, grad_w2


def numpy_prealloc(x, y, w1, w2):
    """The step writing into buffers allocated once (as the reference's ``tf_step.py``)."""
    n, dt = x.shape[0], x.dtype
    a, h, g_a = (np.empty((n, w1.shape[1]), dt) for _ in range(3))
    mask = np.empty(a.shape, bool)
    diff = np.empty(y.shape, dt)
    grad_w1, grad_w2 = np.empty_like(w1), np.empty_like(w2)
    scale = dt.type(2.0 / n)

    def step():
        np.matmul(x, w1, out=a)
        np.maximum(a, 0, out=h)
        np.matmul(h, w2, out=diff)
        np.subtract(diff, y, out=diff)
        flat = diff.reshape(-1)
        loss = np.dot(flat, flat) / n
        np.multiply(diff, scale, out=diff)
        np.matmul(h.T, diff, out=grad_w2)
        np.matmul(diff, w2.T, out=g_a)
        np.less_equal(a, 0, out=mask)
        np.copyto(g_a, 0, where=mask)
        np.matmul(x.T, g_a, out=grad_w1)
        return loss, grad_w1, grad_w2

    return step


def matmul_floor(x, y, w1, w2):
    """The step's 5 matmuls alone (same shapes and transpositions), into buffers allocated
    once: the bound every plan of the step stays above."""
    n, dt = x.shape[0], x.dtype
    a, g_a = np.empty((n, w1.shape[1]), dt), np.empty((n, w1.shape[1]), dt)
    diff = np.empty(y.shape, dt)
    grad_w1, grad_w2 = np.empty_like(w1), np.empty_like(w2)

    def step():
        np.matmul(x, w1, out=a)
        np.matmul(a, w2, out=diff)
        np.matmul(a.T, diff, out=grad_w2)
        np.matmul(diff, w2.T, out=g_a)
        np.matmul(x.T, g_a, out=grad_w1)

    return step


def session_step(x_v, y_v, w1_v, w2_v, optimize: bool, reuse: bool):
    """A Session.run of T1 on its own graph; returns (step, session)."""
    g = tf.Graph()
    with g.as_default():
        x, y, w1, w2 = (tf.placeholder(tf.float32, shape=v.shape) for v in (x_v, y_v, w1_v, w2_v))
        h = tf.maximum(tf.matmul(x, w1), 0)
        diff = tf.matmul(h, w2) - y
        loss = tf.reduce_mean(tf.reduce_sum(diff**2, axis=1))
        grad_w1, grad_w2 = tf.gradients(loss, [w1, w2])
    sess = tf.Session(graph=g, optimize=optimize)
    sess.reuse_buffers = reuse
    fetches, feeds = [loss, grad_w1, grad_w2], {x: x_v, y: y_v, w1: w1_v, w2: w2_v}
    return (lambda: sess.run(fetches, feeds)), sess


# ------------------------------------------------------------------ timing

FLOOR = "matmul floor (5 matmuls, prealloc)"


QUIET_WAIT = 2.0
"""At most this many seconds before a sample waiting for other processes to go quiet."""


class OtherLoad:
    """The share of the CPUs that other processes (and the hypervisor) took since ``start``:
    the machine's busy time from /proc/stat less this process's own CPU time."""

    def __init__(self) -> None:
        self.ok = os.path.exists("/proc/stat")
        self.start()

    @staticmethod
    def _busy() -> float:
        with open("/proc/stat") as f:
            v = [int(x) for x in f.readline().split()[1:9]]
        return (sum(v) - v[3] - v[4]) / os.sysconf("SC_CLK_TCK")

    def start(self) -> None:
        self.t0, self.own0 = time.perf_counter(), sum(os.times()[:2])
        self.busy0 = self._busy() if self.ok else 0.0

    def share(self) -> float:
        if not self.ok:
            return 0.0
        wall = (time.perf_counter() - self.t0) * (os.cpu_count() or 1)
        other = self._busy() - self.busy0 - (sum(os.times()[:2]) - self.own0)
        return max(0.0, other / wall) if wall > 0 else 0.0


def wait_quiet(settle: float = 0.1) -> None:
    """Let spinning BLAS workers of the last case go idle, then wait (up to ``QUIET_WAIT``
    seconds) until other processes use < 5 % of the CPUs."""
    time.sleep(settle)
    load, deadline = OtherLoad(), time.perf_counter() + QUIET_WAIT
    while load.ok and time.perf_counter() < deadline:
        load.start()
        time.sleep(0.05)
        if load.share() < 0.05:
            break


def interleaved(
    cases: dict[str, Callable[[], object]], rounds: int, reps: int
) -> tuple[dict[str, list[float]], list[float]]:
    """Seconds per call of each case, one sample per round, shuffled order each round; and
    the share of the CPUs other processes took during each sample."""
    for fn in cases.values():
        fn()
    names, rng = list(cases), random.Random(0)
    out: dict[str, list[float]] = {k: [] for k in names}
    others: list[float] = []
    load = OtherLoad()
    for _ in range(rounds):
        rng.shuffle(names)
        for k in names:
            wait_quiet()
            fn = cases[k]
            load.start()
            t0 = time.perf_counter()
            for _ in range(reps):
                fn()
            out[k].append((time.perf_counter() - t0) / reps)
            others.append(load.share())
    return out, others


def blas_peak(
    limit: Callable[[int], contextlib.AbstractContextManager[None]],
    threads: int,
    n: int = 2048,
    reps: int = 5,
) -> float:
    """Best-of GFLOP/s of an n x n float32 matmul into a preallocated C."""
    a, b = (np.random.default_rng(i).standard_normal((n, n), dtype=np.float32) for i in (0, 1))
    c = np.empty_like(a)
    best = float("inf")
    with limit(threads):
        np.matmul(a, b, out=c)
        for _ in range(reps):
            t0 = time.perf_counter()
            np.matmul(a, b, out=c)
            best = min(best, time.perf_counter() - t0)
    return 2 * n**3 / best / 1e9


def check(cases: dict[str, Callable[[], object]], ref: tuple) -> None:
    """Every case computes the plain numpy step's values (relative to each value's norm:
    single elements may differ more where a ReLU input sits at rounding distance from 0)."""
    for name, fn in cases.items():
        got = fn()
        for g, r in zip(got, ref, strict=True):
            r = np.asarray(r, np.float64)
            err = float(
                np.linalg.norm(np.asarray(g, np.float64) - r) / max(np.linalg.norm(r), 1e-30)
            )
            assert err < 1e-3, (name, err)


def run_size(
    dims: tuple[int, ...],
    rounds: int,
    reps: int,
    limit,
    threads: tuple[int, ...],
    peaks: dict[int, float],
    ghz: float,
) -> None:
    n, d, h = dims[:3]
    d_out = dims[3] if len(dims) > 3 else d
    rng = np.random.default_rng(0)
    x, y = rng.standard_normal((n, d), np.float32), rng.standard_normal((n, d_out), np.float32)
    w1 = rng.standard_normal((d, h), np.float32) / np.float32(np.sqrt(d))
    w2 = rng.standard_normal((h, d_out), np.float32) / np.float32(np.sqrt(h))
    after, s_after = session_step(x, y, w1, w2, optimize=True, reuse=True)
    before, s_before = session_step(x, y, w1, w2, optimize=False, reuse=False)
    cases = {
        "numpy": lambda: numpy_step(x, y, w1, w2),
        "numpy prealloc": numpy_prealloc(x, y, w1, w2),
        "session (passes on, buffers)": after,
        "session, before (passes off, no reuse)": before,
    }
    ref = numpy_step(x, y, w1, w2)
    check(cases, ref)
    cases[FLOOR] = matmul_floor(x, y, w1, w2)
    flops = 2 * 2 * n * d * h + 3 * 2 * n * h * d_out  # x@w1, x.T@g_a; h@w2, h.T@g, g@w2.T
    plan = next(iter(s_after._plans.values())).plan
    base = next(iter(s_before._plans.values())).plan
    print(
        f"\n## (N, D, H{', D_out' if len(dims) > 3 else ''}) = {dims}: {flops / 1e9:.3g} GFLOP of "
        f"matmul per step; {rounds} rounds x {reps} steps; plan after: "
        f"{sum(1 for _ in plan.steps)} kernels, {len(plan.buffers)} buffers "
        f"({sum(b.nbytes for b in plan.buffers) / 2**20:.1f} MiB); "
        f"before: {len(base.steps)} kernels"
    )
    for th in threads:
        with limit(th):
            res, others = interleaved(cases, rounds, reps)
        med = {k: statistics.median(v) for k, v in res.items()}
        ref_t, pre_t = med["numpy"], med["numpy prealloc"]
        theo = 32 * ghz * th
        print(
            f"\n{th} BLAS thread{'s' if th > 1 else ''} "
            f"({'gate' if th == 1 else 'reported beside'}); "
            f"measured BLAS peak {peaks[th]:.0f} GFLOP/s, theoretical {theo:.0f}"
        )
        print(
            "| case | median ms/step | min | / numpy | / numpy prealloc | GFLOP/s | % BLAS peak "
            "| % theor. |"
        )
        print("|---|---:|---:|---:|---:|---:|---:|---:|")
        for k, v in res.items():
            gf = flops / med[k] / 1e9
            print(
                f"| {k} | {med[k] * 1e3:.3f} | {min(v) * 1e3:.3f} | {med[k] / ref_t:.3f} | "
                f"{med[k] / pre_t:.3f} | {gf:.0f} | {gf / peaks[th]:.0%} | {gf / theo:.0%} |"
            )
        best = {k: min(v) for k, v in res.items()}
        sess = "session (passes on, buffers)"
        print(
            f"\nfloor: the 5 matmuls alone take {med[FLOOR] / ref_t:.3f} of numpy "
            f"({best[FLOOR] / best['numpy']:.3f} best sample to best sample), "
            f"{med[FLOOR] / pre_t:.3f} ({best[FLOOR] / best['numpy prealloc']:.3f}) of numpy "
            f"prealloc: no plan can go below that; the session is "
            f"{med[sess] / med[FLOOR]:.3f}x ({best[sess] / best[FLOOR]:.3f}x) the floor"
        )
        print(
            f"other processes took {statistics.median(others):.0%} of the CPUs during the "
            f"median sample (max {max(others):.0%}; each sample waited up to {QUIET_WAIT:g} s "
            f"for < 5 %)"
        )


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rounds", type=int, default=9, help="rounds for the small sizes")
    p.add_argument("--ghz", type=float, default=3.65, help="effective clock for the peak")
    p.add_argument("--quick", action="store_true", help="small sizes only, few rounds")
    args = p.parse_args()
    how, limit = thread_control()
    threads = (1, 2)
    print(
        f"numpy {np.__version__}, {os.cpu_count()} CPUs, BLAS threads limited by {how}; "
        f"load average {os.getloadavg()[0]:.2f} at start"
    )
    peaks = {t: blas_peak(limit, t) for t in threads}
    run_size((64, 1000, 100), args.rounds, 100, limit, threads, peaks, args.ghz)
    if args.quick:
        return
    run_size((2048, 2048, 2048), 5, 1, limit, threads, peaks, args.ghz)
    run_size((4096, 4096, 4096, 1024), 3, 1, limit, threads, peaks, args.ghz)
    print(f"\nload average {os.getloadavg()[0]:.2f} at the end")


if __name__ == "__main__":
    main()

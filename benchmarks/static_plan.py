"""Static Session.run against the same step typed out in numpy: in order, and in parallel.

The seed graph (T1): h = max(x @ w1, 0); y_pred = h @ w2; loss = mean(sum((y_pred - y)**2, 1));
fetch [loss, dloss/dw1, dloss/dw2], everything fed, float32. Every case is a training loop's
step: it keeps the values it returned until its next step replaces them (``loss, g1, g2 =
step()``), as a user's loop does.

Cases, interleaved (each round runs every case once, in a shuffled order), each at the BLAS
thread count it names:

* ``numpy script``     - the step as a user's plain numpy script runs it: a process of its
  own that never imports the engine (glibc's malloc as the script has it, no other case's
  arrays in its heap), a loop keeping each step's values; on 1 and on 2 BLAS threads;
* ``numpy in this process`` - the same loop in this process, beside the other cases (what
  the benchmark measured before; see "2048" below);
* ``numpy prealloc``   - the same writing into buffers allocated once (the "ideal plan");
* ``session in order`` - ``tf.Session(config=ConfigProto(inter_op_parallelism_threads=1))``:
  graph passes on, buffers reused, the plan run in order;
* ``session parallel`` - ``tf.Session()``: the default, one worker per core; independent
  kernels run at once where the plan's estimate says it pays (else it runs in order);
* ``session parallel, forced`` - the same with every parallel phase kept (what overlap gives
  where the estimate says it does not pay);
* ``session, before``  - ``tf.Session(optimize=False)`` with buffer reuse off, in order;
* ``matmul floor``     - only the step's 5 matmuls, into buffers allocated once: no plan run
  in order can go below it (it computes no usable values);
* ``matmul floor, the 2 independent at once`` - the same with ``h.T @ g`` and ``g @ w2.T``
  run at once, one BLAS thread each, the other three on two. ``h.T @ g`` is the only product
  that depends on no other one still to run (x @ w1 -> h @ w2 -> g @ w2.T -> x.T @ g_a is a
  chain), so this is the floor of any plan that runs each product whole, parallel or not.
  The line under the table says how far each floor sits below numpy's step: what overlap
  can buy at most.

Gate (this machine's two cores): each Session.run against raw numpy given the same two cores
in the way that is fastest for numpy - numpy is run on 1 and on 2 BLAS threads, and each round
compares with the faster of the two; the median of those per-round ratios is quoted. Beside
it, the 1-thread figures (each case on 1 BLAS thread against numpy on 1). The share of the
parallel step that ran overlapped (two workers in a kernel at once) is measured per run.

Sizes (N, D, H[, D_out]): (64, 1000, 100), (2048, 2048, 2048) and the compute-bound
(4096, 4096, 4096, 1024). BLAS threads are set with the engine's own control (numpy's bundled
OpenBLAS, ``engine/static/blas_threads.py``). Before each sample the script waits (up to 2 s)
until other processes use < 5 % of the CPUs, and it reports how much they took while the
samples ran (/proc/stat less this process's CPU time), the load average, and minor page faults
per step. Timings are reported, never asserted.

2048: numpy's fresh arrays are 16 MiB. glibc trims the free top of its heap back to the OS
once it exceeds a threshold that adapts to the largest block freed (32 MiB here), so a step
may find its arrays unmapped and fault them in again page by page. Whether it does depends on
what else sits at the heap's top between steps: a plain script whose loop drops each step's
values faults ~4,000 times every step; one that keeps them (``loss, g1, g2 = step()``, as a
training loop does) faults only in its first two steps. The benchmark used to drop the values
and time numpy in the engine's process among the other cases: in the run that read
Session.run 0.82x numpy (``CGVIZ_MALLOC=default``), numpy paid ~2,000 faults and ~0.19 s a
step, Session.run (buffers reused) none; a loop keeping its values gives ~0.96x. So numpy is
now a plain script's loop in a process of its own, and ``faults/step`` is shown for each case.

Usage: python benchmarks/static_plan.py [--rounds 9] [--quick] [--sizes 64,2048,4096]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator

import numpy as np

# ------------------------------------------------------------------ plain numpy (no engine)


def data(dims: tuple[int, ...]) -> tuple[np.ndarray, ...]:
    """The step's x, y, w1, w2 for (N, D, H[, D_out]), float32, seeded."""
    n, d, h = dims[:3]
    d_out = dims[3] if len(dims) > 3 else d
    rng = np.random.default_rng(0)
    x, y = rng.standard_normal((n, d), np.float32), rng.standard_normal((n, d_out), np.float32)
    w1 = rng.standard_normal((d, h), np.float32) / np.float32(np.sqrt(d))
    w2 = rng.standard_normal((h, d_out), np.float32) / np.float32(np.sqrt(h))
    return x, y, w1, w2


def numpy_step(x, y, w1, w2):
    a = x @ w1
    h = np.maximum(a, 0)
    diff = h @ w2 - y
    loss = np.mean(np.sum(diff**2, axis=1))
    g = diff * np.float32(2.0 / x.shape[0])
    grad_w2 = h.T @ g
    grad_w1 = x.T @ ((g @ w2.T) * (a > 0))
    return loss, grad_w1, grad_w2


def numpy_child(dims: tuple[int, ...]) -> None:
    """A plain numpy script, in a process of its own that never imports the engine (glibc's
    malloc as a user's script has it, nothing else in its heap): a training loop's steps,
    each keeping its values until the next replaces them. It prints the first step's values,
    then for each count k read from stdin runs one step untimed and k timed, and prints
    seconds per step, minor page faults per step and the CPU seconds it used."""
    x, y, w1, w2 = data(dims)
    kept = numpy_step(x, y, w1, w2)
    print(" ".join(repr(float(np.linalg.norm(np.asarray(v, np.float64)))) for v in kept))
    sys.stdout.flush()
    for line in sys.stdin:
        k = int(line)
        kept = numpy_step(x, y, w1, w2)  # untimed: a loop's steps follow each other, and
        # the first one after a wait (reading this order) faults in what glibc trimmed
        f0, c0 = resource.getrusage(resource.RUSAGE_SELF).ru_minflt, sum(os.times()[:2])
        t0 = time.perf_counter()
        for _ in range(k):
            kept = numpy_step(x, y, w1, w2)
        secs = (time.perf_counter() - t0) / k
        faults = (resource.getrusage(resource.RUSAGE_SELF).ru_minflt - f0) / k
        print(f"{secs!r} {faults!r} {sum(os.times()[:2]) - c0!r}")
        sys.stdout.flush()


if __name__ == "__main__" and sys.argv[1:2] == ["--numpy-child"]:
    numpy_child(tuple(int(v) for v in sys.argv[2].split(",")))
    sys.exit(0)

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

import engine.static as tf  # noqa: E402
from engine import malloc  # noqa: E402
from engine.static import blas_threads, schedule, workers  # noqa: E402

# ------------------------------------------------------------------ BLAS threads


def set_threads(n: int) -> None:
    """Put BLAS on ``n`` threads (the engine's control: numpy's bundled OpenBLAS)."""
    ctl = blas_threads.control()
    if ctl is None:
        raise SystemExit("no OpenBLAS whose threads can be set: the figures would mean nothing")
    ctl.set(n)


@contextlib.contextmanager
def threads_at(n: int) -> Iterator[None]:
    """BLAS on ``n`` threads inside the block, then as before."""
    ctl = blas_threads.control()
    before = ctl.get() if ctl is not None else 0
    set_threads(n)
    try:
        yield
    finally:
        if ctl is not None:
            ctl.set(before)


# ------------------------------------------------------------------ the step


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


def matmul_floor_overlap(x, y, w1, w2):
    """The step's 5 matmuls with the two independent ones (``h.T @ g`` and ``g @ w2.T``) run
    at once, one BLAS thread each, on two threads, and the other three on every BLAS thread:
    only ``h.T @ g`` can overlap another product, so no plan running each product whole
    goes below this."""
    n, dt = x.shape[0], x.dtype
    a, g_a = np.empty((n, w1.shape[1]), dt), np.empty((n, w1.shape[1]), dt)
    diff = np.empty(y.shape, dt)
    grad_w1, grad_w2 = np.empty_like(w1), np.empty_like(w2)
    ctl = blas_threads.control()
    helper = workers.Worker(0)

    def grad_w2_job() -> None:
        np.matmul(a.T, diff, out=grad_w2)

    def step():
        np.matmul(x, w1, out=a)
        np.matmul(a, w2, out=diff)
        base = ctl.get()
        ctl.set(1)
        helper.start(grad_w2_job)
        np.matmul(diff, w2.T, out=g_a)
        helper.wait()
        ctl.set(base)
        np.matmul(x.T, g_a, out=grad_w1)

    return step


def session_step(
    x_v, y_v, w1_v, w2_v, optimize=True, reuse=True, inter_op=0, mode="auto", threads=2
):
    """A Session.run of T1 on its own graph, as a loop's step (it keeps what it returned until
    the next step); returns (step, session). The plan is made here, for ``threads`` BLAS
    threads. ``inter_op``: ``inter_op_parallelism_threads``
    (0: one worker per core); ``mode``: which parallel phases plans keep (``schedule.policy``)."""
    g = tf.Graph()
    with g.as_default():
        x, y, w1, w2 = (tf.placeholder(tf.float32, shape=v.shape) for v in (x_v, y_v, w1_v, w2_v))
        h = tf.maximum(tf.matmul(x, w1), 0)
        diff = tf.matmul(h, w2) - y
        loss = tf.reduce_mean(tf.reduce_sum(diff**2, axis=1))
        grad_w1, grad_w2 = tf.gradients(loss, [w1, w2])
    config = tf.ConfigProto(inter_op_parallelism_threads=inter_op)
    sess = tf.Session(graph=g, optimize=optimize, config=config)
    sess.reuse_buffers = reuse
    fetches, feeds = [loss, grad_w1, grad_w2], {x: x_v, y: y_v, w1: w1_v, w2: w2_v}
    with schedule.policy(mode), threads_at(threads):
        sess.run(fetches, feeds)  # the plan is built here: for ``threads`` BLAS threads
    return holding(lambda: sess.run(fetches, feeds)), sess


def holding(step: Callable[[], object]) -> Callable[[], object]:
    """``step`` as a loop runs it: its last values stay referenced until the next step's
    replace them (``loss, g1, g2 = step()``)."""
    kept: list[object] = [None]

    def run() -> object:
        kept[0] = step()
        return kept[0]

    return run


class PlainNumpy:
    """The step as a user's plain numpy script runs it: a child process (:func:`numpy_child`)
    on ``threads`` BLAS threads (OPENBLAS_NUM_THREADS, set before its numpy loads). It times
    its own steps; the parent only asks for them."""

    def __init__(self, dims: tuple[int, ...], threads: int) -> None:
        env = {**os.environ, "OPENBLAS_NUM_THREADS": str(threads), "OMP_NUM_THREADS": "1"}
        env.pop("CGVIZ_MALLOC", None)
        self.threads = threads
        self.proc = subprocess.Popen(
            [sys.executable, os.path.abspath(__file__), "--numpy-child", ",".join(map(str, dims))],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )
        assert self.proc.stdout is not None
        self.norms = [float(v) for v in self.proc.stdout.readline().split()]

    def remote(self, reps: int) -> tuple[float, float, float]:
        """Run ``reps`` steps there: (seconds per step, faults per step, its CPU seconds)."""
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(f"{reps}\n")
        self.proc.stdin.flush()
        secs, faults, cpu = (float(v) for v in self.proc.stdout.readline().split())
        return secs, faults, cpu

    def __call__(self) -> None:
        self.remote(1)

    def close(self) -> None:
        if self.proc.stdin is not None:
            self.proc.stdin.close()
        self.proc.wait(timeout=60)


def at_threads(n: int, step: Callable[[], object]) -> Callable[[], object]:
    """``step`` with BLAS on ``n`` threads (set before every sample's steps)."""

    def run() -> object:
        set_threads(n)
        return step()

    run.threads = n  # type: ignore[attr-defined]
    return run


# ------------------------------------------------------------------ timing

FLOOR = "matmul floor (5 matmuls, prealloc)"
OVERLAP_FLOOR = "matmul floor, the 2 independent at once (1 thread each), 2 threads"


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

    def share(self, helper_cpu: float = 0.0) -> float:
        """Since ``start``: the share of the CPUs others took (not this process, nor a helper
        process of ours that used ``helper_cpu`` seconds)."""
        if not self.ok:
            return 0.0
        wall = (time.perf_counter() - self.t0) * (os.cpu_count() or 1)
        other = self._busy() - self.busy0 - (sum(os.times()[:2]) - self.own0) - helper_cpu
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
    cases: dict[str, Callable[[], object]],
    rounds: int,
    reps: int,
    after: dict[str, Callable[[], float]] | None = None,
) -> tuple[dict[str, list[float]], list[float], dict[str, list[float]], dict[str, list[float]]]:
    """Seconds per call of each case, one sample per round, shuffled order each round; the
    share of the CPUs other processes took during each sample; minor page faults per call;
    and, for the cases in ``after``, what ``after[case]()`` says after each sample."""
    for fn in cases.values():
        fn()
    names, rng = list(cases), random.Random(0)
    out: dict[str, list[float]] = {k: [] for k in names}
    faults: dict[str, list[float]] = {k: [] for k in names}
    extra: dict[str, list[float]] = {k: [] for k in after or {}}
    others: list[float] = []
    load = OtherLoad()
    for _ in range(rounds):
        rng.shuffle(names)
        for k in names:
            fn = cases[k]
            set_threads(getattr(fn, "threads", 1))
            wait_quiet()
            load.start()
            remote = getattr(fn, "remote", None)
            if remote is not None:  # a plain numpy process: it times its own steps
                secs, flt, cpu = remote(reps)
                out[k].append(secs)
                faults[k].append(flt)
                others.append(load.share(cpu))
            else:
                f0 = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
                t0 = time.perf_counter()
                for _ in range(reps):
                    fn()
                out[k].append((time.perf_counter() - t0) / reps)
                faults[k].append((resource.getrusage(resource.RUSAGE_SELF).ru_minflt - f0) / reps)
                others.append(load.share())
            if after and k in after:
                extra[k].append(after[k]())
    return out, others, faults, extra


def blas_peak(threads: int, n: int = 2048, reps: int = 5) -> float:
    """Best-of GFLOP/s of an n x n float32 matmul into a preallocated C."""
    a, b = (np.random.default_rng(i).standard_normal((n, n), dtype=np.float32) for i in (0, 1))
    c = np.empty_like(a)
    best = float("inf")
    with threads_at(threads):
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


NUMPY1, NUMPY2 = "numpy script, 1 BLAS thread", "numpy script, 2 BLAS threads"
PARALLEL, FORCED = "session parallel (default)", "session parallel, forced"
IN_ORDER = "session in order"


def run_size(
    dims: tuple[int, ...], rounds: int, reps: int, peaks: dict[int, float], ghz: float
) -> None:
    n, d, h = dims[:3]
    d_out = dims[3] if len(dims) > 3 else d
    x, y, w1, w2 = data(dims)
    numpy = holding(lambda: numpy_step(x, y, w1, w2))
    plain = {t: PlainNumpy(dims, t) for t in (1, 2)}
    in_order, s_order = session_step(x, y, w1, w2, inter_op=1)
    parallel, s_par = session_step(x, y, w1, w2)
    parallel1, s_par1 = session_step(x, y, w1, w2, threads=1)  # a plan is made for 1 thread
    forced, s_forced = session_step(x, y, w1, w2, mode="always")
    before, s_before = session_step(x, y, w1, w2, optimize=False, reuse=False, inter_op=1)
    prealloc = numpy_prealloc(x, y, w1, w2)
    ref = numpy_step(x, y, w1, w2)
    check(
        {
            "numpy": numpy,
            "prealloc": prealloc,
            "in order": in_order,
            "parallel": parallel,
            "forced": forced,
            "before": before,
        },
        ref,
    )
    for t, child in plain.items():  # the plain script computes the same values
        want = [float(np.linalg.norm(np.asarray(v, np.float64))) for v in ref]
        assert np.allclose(child.norms, want, rtol=1e-4), (t, child.norms, want)
    floor = matmul_floor(x, y, w1, w2)
    cases = {
        NUMPY1: plain[1],
        NUMPY2: plain[2],
        "numpy in this process, 1 thread": at_threads(1, numpy),
        "numpy prealloc, 1 thread": at_threads(1, prealloc),
        "numpy prealloc, 2 threads": at_threads(2, prealloc),
        f"{IN_ORDER}, 1 thread": at_threads(1, in_order),
        f"{IN_ORDER}, 2 threads": at_threads(2, in_order),
        f"{PARALLEL}, 2 threads": at_threads(2, parallel),
        f"{PARALLEL}, 1 thread": at_threads(1, parallel1),
        f"{FORCED}, 2 threads": at_threads(2, forced),
        "session, before (passes off, no reuse), 1 thread": at_threads(1, before),
        f"{FLOOR}, 1 thread": at_threads(1, floor),
        f"{FLOOR}, 2 threads": at_threads(2, floor),
        OVERLAP_FLOOR: at_threads(2, matmul_floor_overlap(x, y, w1, w2)),
    }
    flops = 2 * 2 * n * d * h + 3 * 2 * n * h * d_out  # x@w1, x.T@g_a; h@w2, h.T@g, g@w2.T

    def plan_of(sess):
        return next(iter(sess._plans.values())).plan

    def overlap(sess):
        return lambda: _overlap(plan_of(sess))

    after = {
        f"{PARALLEL}, 2 threads": overlap(s_par),
        f"{PARALLEL}, 1 thread": overlap(s_par1),
        f"{FORCED}, 2 threads": overlap(s_forced),
    }
    plan, par_plan, forced_plan = plan_of(s_order), plan_of(s_par), plan_of(s_forced)
    print(
        f"\n## (N, D, H{', D_out' if len(dims) > 3 else ''}) = {dims}: {flops / 1e9:.3g} GFLOP of "
        f"matmul per step; {rounds} rounds x {reps} steps; plan in order: "
        f"{len(plan.steps)} kernels, {len(plan.buffers)} buffers "
        f"({sum(b.nbytes for b in plan.buffers) / 2**20:.1f} MiB); before: "
        f"{len(plan_of(s_before).steps)} kernels"
    )
    print(f"parallel (default): {_phases(par_plan)}")
    print(f"parallel (default), planned on 1 BLAS thread: {_phases(plan_of(s_par1))}")
    print(f"parallel, forced: {_phases(forced_plan)}")
    load0 = os.getloadavg()[0]
    try:
        res, others, faults, extra = interleaved(cases, rounds, reps, after)
    finally:
        for child in plain.values():
            child.close()
    load1 = os.getloadavg()[0]
    med = {k: statistics.median(v) for k, v in res.items()}
    best = [min(a, b) for a, b in zip(res[NUMPY1], res[NUMPY2], strict=True)]
    print(
        f"\nload average {load0:.2f} at the start, {load1:.2f} at the end; other processes "
        f"took {statistics.median(others):.0%} of the CPUs during the median sample (max "
        f"{max(others):.0%}; each sample waited up to {QUIET_WAIT:g} s for < 5 %); "
        f"measured BLAS peak {peaks[1]:.0f} / {peaks[2]:.0f} GFLOP/s on 1 / 2 threads, "
        f"theoretical {32 * ghz:.0f} / {64 * ghz:.0f}"
    )
    print(
        "| case | median ms/step | min | / best numpy (2 cores) | / numpy, 1 thread | "
        "GFLOP/s | faults/step | overlapped |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for k, v in res.items():
        to_best = statistics.median(a / b for a, b in zip(v, best, strict=True))
        to_one = statistics.median(a / b for a, b in zip(v, res[NUMPY1], strict=True))
        share = f"{statistics.median(extra[k]):.1%}" if k in extra else ""
        print(
            f"| {k} | {med[k] * 1e3:.3f} | {min(v) * 1e3:.3f} | {to_best:.3f} | {to_one:.3f} "
            f"| {flops / med[k] / 1e9:.0f} | {statistics.median(faults[k]):.0f} | {share} |"
        )

    def to_best(k: str) -> float:
        return statistics.median(a / b for a, b in zip(res[k], best, strict=True))

    floor2, floor_o = to_best(f"{FLOOR}, 2 threads"), to_best(OVERLAP_FLOOR)
    par = f"{PARALLEL}, 2 threads"
    print(
        f"\nfloor (per-round medians against best numpy): the 5 matmuls alone, in order on 2 "
        f"BLAS threads, {floor2:.3f}; with the 2 independent ones at once, {floor_o:.3f} "
        f"(overlap moves the floor by {floor_o - floor2:+.3f} of numpy's step). Session.run "
        f"(default) {to_best(par):.3f}, {statistics.median(extra[par]):.1%} of its step overlapped"
    )
    if statistics.median(others) > 0.2:
        print(
            "other processes held a core through most samples: two threads (BLAS's or the "
            "plan's) then wait for each other's time slices, and the 2-thread figures measure "
            "that contention, not the plans"
        )
    faster = sum(a < b for a, b in zip(res[NUMPY1], res[NUMPY2], strict=True))
    print(
        f"\nbest numpy: 1 BLAS thread was the faster in {faster} of {rounds} rounds, 2 threads "
        f"in {rounds - faster}"
    )


def _overlap(plan) -> float:
    """The share of the plan's last run during which two workers ran kernels at once."""
    sched = plan.schedule
    if sched is None or not sched.wall_ns:
        return 0.0
    return sched.overlap_ns / sched.wall_ns


def _phases(plan) -> str:
    """A plan's phases in a line: solo ones as a count of kernels, parallel ones lane by lane."""
    if plan.schedule is None:
        return f"runs in order ({plan.sequential})"
    parts = []
    for phase in schedule.describe(plan.schedule):
        lanes = phase["lanes"]
        if len(lanes) == 1:
            parts.append(f"{len(lanes[0])} in order")
        else:
            names = ["[" + ", ".join(n.split("/")[-1] for n in ln) + "]" for ln in lanes]
            parts.append(" || ".join(names))
    est = plan.schedule.estimate_ns
    return f"{'; '.join(parts)} (estimate {est[1] / est[0]:.2f}x in order)"


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rounds", type=int, default=9, help="rounds for the small size")
    p.add_argument("--ghz", type=float, default=3.65, help="effective clock for the peak")
    p.add_argument("--quick", action="store_true", help="the small size only")
    p.add_argument("--sizes", default="64,2048,4096", help="which sizes (64, 2048, 4096)")
    args = p.parse_args()
    ctl = blas_threads.control()
    print(
        f"numpy {np.__version__}, {os.cpu_count()} CPUs, BLAS threads set by the engine "
        f"({ctl.library if ctl else 'NOT possible here'}); malloc: {malloc.status()}; "
        f"load average {os.getloadavg()[0]:.2f} at start"
    )
    peaks = {t: blas_peak(t) for t in (1, 2)}
    sizes = {"64"} if args.quick else set(args.sizes.split(","))
    if "64" in sizes:
        run_size((64, 1000, 100), args.rounds, 100, peaks, args.ghz)
    if "2048" in sizes:
        run_size((2048, 2048, 2048), 5, 1, peaks, args.ghz)
    if "4096" in sizes:
        run_size((4096, 4096, 4096, 1024), 3, 1, peaks, args.ghz)
    print(f"\nload average {os.getloadavg()[0]:.2f} at the end")


if __name__ == "__main__":
    main()

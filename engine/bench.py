"""The engine against the same math in raw numpy float32, measured as ratios in one process.

Cases (the lecture's seed programs):

* (a) the P2 eager loop (``N, D_in, H, D_out = 64, 1000, 100, 10``, 500 iterations, manual
  backward) on ``engine.eager`` against the same loop in numpy: with nobody listening
  (events off), with a subscriber listening (events on), and (c) with a ``TraceWriter``
  recording every event to a temporary file;
* (b) ``Session.run`` of the T1 static graph (``N, D, H = 64, 1000, 100``, fetch
  ``[loss, grad_w1, grad_w2]``) against the same step typed out in numpy, events off and on.

Method (see the project's baselines): every round runs every case once, in a shuffled order,
after a short quiet wait; ratios are taken inside each round and we quote the median of those
per-round ratios ("median of pairs"), with min and max. BLAS runs on one thread.
"""

from __future__ import annotations

import argparse
import collections
import json
import linecache
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from engine.events import STREAM, TraceWriter

TARGET = 1.15
LR_EAGER = 1e-6
Setup = Callable[[], Callable[[], Any]]


@dataclass(frozen=True)
class Sizes:
    """Problem sizes and repetition counts."""

    n: int = 64
    d_in: int = 1000
    h: int = 100
    d_out: int = 10
    d: int = 1000  # the static graph's output width (T1: y is (N, D))
    iterations: int = 500
    runs: int = 100


QUICK = Sizes(n=4, d_in=6, h=5, d_out=3, d=6, iterations=3, runs=3)


# ------------------------------------------------------------------ the programs


def numpy_loop(x: Any, y: Any, w1: Any, w2: Any, iterations: int, lr: float = LR_EAGER) -> Any:
    """P2's loop typed out in numpy (what the engine's eager loop computes)."""
    loss = None
    for _ in range(iterations):
        h = x.dot(w1)
        h_relu = np.maximum(h, 0)
        y_pred = h_relu.dot(w2)
        loss = np.square(y_pred - y).sum()
        grad_y_pred = 2.0 * (y_pred - y)
        grad_w2 = h_relu.T.dot(grad_y_pred)
        grad_h_relu = grad_y_pred.dot(w2.T)
        grad_h = grad_h_relu.copy()
        grad_h[h < 0] = 0
        grad_w1 = x.T.dot(grad_h)
        w1 -= lr * grad_w1
        w2 -= lr * grad_w2
    return loss


EAGER_LOOP = """\
def eager_loop(x, y, w1, w2, iterations, learning_rate=1e-6):
    loss = None
    for t in range(iterations):
        h = x.mm(w1)
        h_relu = h.clamp(min=0)
        y_pred = h_relu.mm(w2)
        loss = (y_pred - y).pow(2).sum()

        grad_y_pred = 2.0 * (y_pred - y)
        grad_w2 = h_relu.t().mm(grad_y_pred)
        grad_h_relu = grad_y_pred.mm(w2.t())
        grad_h = grad_h_relu.clone()
        grad_h[h < 0] = 0
        grad_w1 = x.t().mm(grad_h)

        w1 -= learning_rate * grad_w1
        w2 -= learning_rate * grad_w2
    return loss
"""
EAGER_FILE = "/cgviz-bench/p2_tensors_loop.py"


def _user_code(source: str, filename: str, name: str) -> Callable[..., Any]:
    """Compile ``source`` as a user's file would be, so the engine sees the loop as user code
    (its iterations are inferred from the loop coming back round, as in a real script)."""
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    namespace: dict[str, Any] = {}
    exec(compile(source, filename, "exec"), namespace)  # noqa: S102 - our own listing
    fn: Callable[..., Any] = namespace[name]
    return fn


eager_loop = _user_code(EAGER_LOOP, EAGER_FILE, "eager_loop")
"""P2's loop exactly as the lecture writes it (manual backward), on ``engine.eager``."""


def numpy_step(x: Any, y: Any, w1: Any, w2: Any) -> tuple[Any, Any, Any]:
    """T1's graph typed out in numpy: loss, dloss/dw1, dloss/dw2."""
    n = x.shape[0]
    a = x @ w1
    h = np.maximum(a, 0)
    diff = h @ w2 - y
    loss = np.mean(np.sum(diff ** 2, axis=1))
    g_pred = diff * np.float32(2.0 / n)
    grad_w2 = h.T @ g_pred
    g_a = (g_pred @ w2.T) * (a > 0)
    grad_w1 = x.T @ g_a
    return loss, grad_w1, grad_w2


def static_graph(tf: Any, s: Sizes) -> tuple[Any, list[Any]]:
    """T1's graph on ``engine.static``; returns (placeholders, fetches)."""
    tf.reset_default_graph()
    x = tf.placeholder(tf.float32, shape=(s.n, s.d))
    y = tf.placeholder(tf.float32, shape=(s.n, s.d))
    w1 = tf.placeholder(tf.float32, shape=(s.d, s.h))
    w2 = tf.placeholder(tf.float32, shape=(s.h, s.d))
    h = tf.maximum(tf.matmul(x, w1), 0)
    y_pred = tf.matmul(h, w2)
    diff = y_pred - y
    loss = tf.reduce_mean(tf.reduce_sum(diff ** 2, axis=1))
    grad_w1, grad_w2 = tf.gradients(loss, [w1, w2])
    return (x, y, w1, w2), [loss, grad_w1, grad_w2]


def to_eager(torch: Any, array: np.ndarray) -> Any:
    """An ``engine.eager`` float32 CPU tensor holding a copy of ``array``."""
    for name in ("from_numpy", "tensor"):
        fn = getattr(torch, name, None)
        if fn is not None:
            return fn(array.copy())
    raise RuntimeError("engine.eager offers neither from_numpy nor tensor")


def eager_value(t: Any) -> np.ndarray:
    """A numpy copy of an eager tensor."""
    for name in ("numpy", "item"):
        fn = getattr(t, name, None)
        if fn is not None:
            return np.asarray(fn(), dtype=np.float64)
    return np.asarray(t, dtype=np.float64)


# ------------------------------------------------------------------ the cases


def build_cases(s: Sizes, which: str, trace_dir: Path) -> tuple[dict[str, Setup], dict[str, Any]]:
    """name -> setup (returns the timed zero-argument callable); plus a correctness report."""
    rng = np.random.default_rng(0)
    f32 = np.float32
    cases: dict[str, Setup] = {}
    checks: dict[str, Any] = {}
    if "a" in which or "c" in which:
        import engine.eager as torch

        xa = rng.standard_normal((s.n, s.d_in)).astype(f32)
        ya = rng.standard_normal((s.n, s.d_out)).astype(f32)
        w1a = rng.standard_normal((s.d_in, s.h)).astype(f32)
        w2a = rng.standard_normal((s.h, s.d_out)).astype(f32)
        xt, yt = to_eager(torch, xa), to_eager(torch, ya)

        def numpy_setup() -> Callable[[], Any]:
            w1, w2 = w1a.copy(), w2a.copy()
            return lambda: numpy_loop(xa, ya, w1, w2, s.iterations)

        def eager_setup() -> Callable[[], Any]:
            w1, w2 = to_eager(torch, w1a), to_eager(torch, w2a)
            return lambda: eager_loop(xt, yt, w1, w2, s.iterations)

        cases["a numpy loop"] = numpy_setup
        if "a" in which:
            cases["a eager loop, events off"] = eager_setup
            cases["a eager loop, events on"] = _listening(eager_setup)
        if "c" in which:
            cases["c eager loop, tracing"] = _tracing(eager_setup, trace_dir)
        ref = float(numpy_setup()())
        got = float(eager_value(eager_setup()()))
        checks["a: final loss, numpy vs engine"] = (
            f"{ref:.6g} vs {got:.6g} ({'agree' if _close(ref, got) else 'DIFFER'})")
    if "b" in which:
        import engine.static as tf

        xb = rng.standard_normal((s.n, s.d)).astype(f32)
        yb = rng.standard_normal((s.n, s.d)).astype(f32)
        w1b = rng.standard_normal((s.d, s.h)).astype(f32)
        w2b = rng.standard_normal((s.h, s.d)).astype(f32)
        holders, fetches = static_graph(tf, s)
        sess = tf.Session()
        feed = dict(zip(holders, (xb, yb, w1b, w2b), strict=True))

        def session_setup() -> Callable[[], Any]:
            def runs() -> Any:
                for _ in range(s.runs):
                    out = sess.run(fetches, feed_dict=feed)
                return out
            return runs

        def numpy_step_setup() -> Callable[[], Any]:
            def runs() -> Any:
                for _ in range(s.runs):
                    out = numpy_step(xb, yb, w1b, w2b)
                return out
            return runs

        cases["b numpy step"] = numpy_step_setup
        cases["b Session.run, events off"] = session_setup
        cases["b Session.run, events on"] = _listening(session_setup)
        ref_out = numpy_step(xb, yb, w1b, w2b)
        got_out = sess.run(fetches, feed_dict=feed)
        worst = max(
            float(np.max(np.abs(np.asarray(g, np.float64) - r)) / (np.max(np.abs(r)) or 1.0))
            for r, g in zip(ref_out, got_out, strict=True))
        checks["b: loss and grads, max relative error vs numpy"] = f"{worst:.2e}"
    return cases, checks


RATIOS = (
    ("a eager loop, events off", "a numpy loop", True),
    ("a eager loop, events on", "a numpy loop", True),
    ("c eager loop, tracing", "a numpy loop", False),
    ("c eager loop, tracing", "a eager loop, events on", False),
    ("b Session.run, events off", "b numpy step", True),
    ("b Session.run, events on", "b numpy step", True),
)
"""(case, reference, held to the target)."""


def _listening(setup: Setup) -> Setup:
    """The same case with a subscriber listening (a bounded queue, as the UI's)."""
    def listening_setup() -> Callable[[], Any]:
        fn = setup()
        sink: collections.deque[Any] = collections.deque(maxlen=100_000)

        def run() -> Any:
            unsubscribe = STREAM.subscribe(sink.append)
            try:
                return fn()
            finally:
                unsubscribe()
        return run
    return listening_setup


def _tracing(setup: Setup, folder: Path) -> Setup:
    """The same case with a TraceWriter recording every event to a file."""
    def tracing_setup() -> Callable[[], Any]:
        fn = setup()

        def run() -> Any:
            writer = TraceWriter(folder / "bench.jsonl", bench=True)
            unsubscribe = STREAM.subscribe(writer)
            try:
                return fn()
            finally:
                unsubscribe()
                writer.close()
        return run
    return tracing_setup


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-3 * max(abs(a), abs(b), 1.0)


# ------------------------------------------------------------------ timing


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
    deadline = time.monotonic() + max_wait
    while True:
        b0, c0 = _busy_seconds(), time.process_time()
        time.sleep(settle)
        b1 = _busy_seconds()
        if b0 is None or b1 is None or time.monotonic() > deadline:
            return
        if (b1 - b0) - (time.process_time() - c0) < 0.05 * settle * (os.cpu_count() or 1):
            return


def interleaved(cases: dict[str, Setup], rounds: int, settle: float,
                seed: int = 0) -> dict[str, list[float]]:
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
    return out


# ------------------------------------------------------------------ report


def environment(thread_note: str) -> dict[str, Any]:
    """Versions, BLAS and thread settings, for the report."""
    env: dict[str, Any] = {"python": platform.python_version(), "numpy": np.__version__,
                           "cpus": os.cpu_count(), "threads": thread_note}
    try:
        blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
        env["blas"] = f"{blas.get('name')} {blas.get('version', '')}".strip()
    except Exception:  # older numpy: no dict mode
        env["blas"] = "unknown"
    try:
        from threadpoolctl import threadpool_info

        env["threadpools"] = [f"{p['internal_api']} {p.get('version')} "
                              f"arch={p.get('architecture')} threads={p['num_threads']}"
                              for p in threadpool_info()]
    except ImportError:
        pass
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "OPENBLAS_CORETYPE"):
        env[var] = os.environ.get(var, "(unset)")
    return env


def summarise(samples: dict[str, list[float]], s: Sizes) -> dict[str, Any]:
    """Per-case stats (ms per iteration or per run) and per-round ratios."""
    def per(name: str) -> int:
        return s.iterations if name[0] in "ac" else s.runs

    cases = {}
    for name, walls in samples.items():
        ms = [w * 1e3 / per(name) for w in walls]
        cases[name] = {"unit": "ms/iteration" if name[0] in "ac" else "ms/run",
                       "median": statistics.median(ms), "min": min(ms), "max": max(ms),
                       "n": len(ms)}
    ratios = []
    for case, ref, gated in RATIOS:
        if case in samples and ref in samples:
            r = [a / b for a, b in zip(samples[case], samples[ref], strict=True)]
            med = statistics.median(r)
            ratios.append({"case": case, "reference": ref, "median": med, "min": min(r),
                           "max": max(r), "target": TARGET if gated else None,
                           "ok": (med <= TARGET) if gated else None})
    return {"cases": cases, "ratios": ratios}


def format_report(result: dict[str, Any]) -> str:
    """The printed tables."""
    env = result["environment"]
    lines = ["environment:"]
    lines += [f"  {k}: {v}" for k, v in env.items() if k != "threadpools"]
    lines += [f"  threadpool: {p}" for p in env.get("threadpools", [])]
    s = result["sizes"]
    lines.append(f"sizes: a/c N, D_in, H, D_out = {s['n']}, {s['d_in']}, {s['h']}, "
                 f"{s['d_out']}, {s['iterations']} iterations per sample; b N, D, H = "
                 f"{s['n']}, {s['d']}, {s['h']}, {s['runs']} runs per sample; "
                 f"{result['rounds']} interleaved rounds")
    for k, v in result["checks"].items():
        lines.append(f"check {k}: {v}")
    lines.append("")
    width = max(len(n) for n in result["cases"]) + 2
    lines.append(f"{'case'.ljust(width)}{'median':>10}{'min':>10}{'max':>10}  unit")
    for name, c in result["cases"].items():
        lines.append(f"{name.ljust(width)}{c['median']:>10.4f}{c['min']:>10.4f}"
                     f"{c['max']:>10.4f}  {c['unit']}")
    lines.append("")
    lines.append("ratios: median of per-round ratios (min, max)")
    for r in result["ratios"]:
        verdict = "" if r["target"] is None else (
            f"  target <= {r['target']:.2f}x: {'ok' if r['ok'] else 'MISSED'}")
        lines.append(f"  {r['case']} / {r['reference']}: {r['median']:.3f}x "
                     f"({r['min']:.3f}, {r['max']:.3f}){verdict}")
    return "\n".join(lines)


def thread_setting() -> str:
    """How BLAS was held to one thread (threadpoolctl, or environment variables)."""
    try:
        import threadpoolctl  # noqa: F401
    except ImportError:
        if os.environ.get("OPENBLAS_NUM_THREADS") == "1":
            return "1 BLAS thread via OPENBLAS_NUM_THREADS/OMP_NUM_THREADS=1 (set before numpy)"
        return "BLAS threads NOT limited (no threadpoolctl and the variables were not set)"
    return "1 BLAS thread via threadpoolctl"


def run(args: argparse.Namespace) -> int:
    """Run the benchmark ``args`` describe, print the report; returns 0."""
    s = QUICK if args.quick else Sizes(iterations=args.iterations, runs=args.runs)
    rounds = 2 if args.quick else args.rounds
    settle = 0.0 if args.quick else args.settle
    which = args.cases.lower()
    limit = _limit_threads()
    try:
        with tempfile.TemporaryDirectory(prefix="cgviz-bench-") as folder:
            cases, checks = build_cases(s, which, Path(folder))
            samples = interleaved(cases, rounds, settle)
    finally:
        limit()
    result = {"environment": environment(thread_setting()), "sizes": s.__dict__,
              "rounds": rounds, "checks": checks, **summarise(samples, s)}
    sys.stdout.write(format_report(result) + "\n")
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2, default=str), encoding="utf-8")
    return 0


def _limit_threads() -> Callable[[], None]:
    """Limit BLAS to one thread with threadpoolctl where installed; returns the undo."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return lambda: None
    limiter = threadpool_limits(limits=1, user_api="blas")
    return limiter.restore_original_limits


def main(argv: list[str] | None = None) -> int:
    """Command-line entry of the benchmark script."""
    from engine.cli.bench import add_arguments

    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_arguments(p)
    return run(p.parse_args(argv))

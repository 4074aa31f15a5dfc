"""The engine against the same math in raw numpy float32 (and torch, where installed).

Cases, timed interleaved in one process (see :mod:`engine.bench.harness`):

* (a) the P2 eager loop on ``engine.eager`` against the same loop in numpy: with nobody
  listening (events off) and with a subscriber listening (events on: a bounded deque, as the
  UI's inbox); (c) the same with a ``TraceWriter`` recording every event to a file;
* (d) the P3 autograd loop on the engine, events off and on (against numpy's P2 loop);
* (t) torch running the very same P2 and P3 source lines, where torch is installed;
* (b) ``Session.run`` of the T1 static graph against the same step typed out in numpy.
"""

from __future__ import annotations

import collections
import statistics
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from engine.bench import workloads as w
from engine.bench.harness import Setup
from engine.events import STREAM, TraceWriter

RATIOS: tuple[tuple[str, str], ...] = (
    ("a eager loop, events off", "a numpy loop"),
    ("a eager loop, events on", "a numpy loop"),
    ("c eager loop, tracing", "a numpy loop"),
    ("c eager loop, tracing", "a eager loop, events on"),
    ("d autograd loop, events off", "a numpy loop"),
    ("d autograd loop, events on", "a numpy loop"),
    ("t torch loop", "a numpy loop"),
    ("t torch autograd loop", "a numpy loop"),
    ("d autograd loop, events off", "t torch autograd loop"),
    ("d autograd loop, events on", "t torch autograd loop"),
    ("b Session.run, events off", "b numpy step"),
    ("b Session.run, events on", "b numpy step"),
)
"""(case, reference): each ratio is the median of per-round case/reference times."""


def listening(setup: Setup) -> Setup:
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


def tracing(setup: Setup, folder: Path) -> Setup:
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


def _agree(label: str, ref: float, got: float) -> str:
    ok = abs(ref - got) <= 1e-3 * max(abs(ref), abs(got), 1.0)
    return f"{ref:.6g} vs {got:.6g} ({'agree' if ok else 'DIFFER'})"


def build_cases(
    s: w.Sizes, which: str, trace_dir: Path, torch: Any = None
) -> tuple[dict[str, Setup], dict[str, str]]:
    """name -> setup (returns the timed zero-argument callable); plus correctness checks."""
    cases: dict[str, Setup] = {}
    checks: dict[str, str] = {}
    if any(c in which for c in "acdt"):
        import engine.eager as eager

        xa, ya, w1a, w2a = w.eager_data(s)
        xt, yt = w.to_tensor(eager, xa), w.to_tensor(eager, ya)

        def numpy_setup() -> Callable[[], Any]:
            w1, w2 = w1a.copy(), w2a.copy()
            return lambda: w.numpy_loop(xa, ya, w1, w2, s.iterations)

        cases["a numpy loop"] = numpy_setup
        ref = float(numpy_setup()())

        def loop_setup(mod: Any, loop: Callable[..., Any], grad: bool) -> Setup:
            x, y = w.to_tensor(mod, xa), w.to_tensor(mod, ya)

            def setup() -> Callable[[], Any]:
                w1, w2 = w.to_tensor(mod, w1a, grad), w.to_tensor(mod, w2a, grad)
                return lambda: loop(x, y, w1, w2, s.iterations)

            return setup

        eager_setup = loop_setup(eager, w.eager_loop, False)
        if "a" in which:
            cases["a eager loop, events off"] = eager_setup
            cases["a eager loop, events on"] = listening(eager_setup)
        if "c" in which:
            cases["c eager loop, tracing"] = tracing(eager_setup, trace_dir)
        checks["a: final loss, numpy vs engine"] = _agree("a", ref, w.value(eager_setup()()))
        if "d" in which:
            auto = loop_setup(eager, w.autograd_loop_for(eager), True)
            cases["d autograd loop, events off"] = auto
            cases["d autograd loop, events on"] = listening(auto)
            checks["d: final loss, numpy vs engine autograd"] = _agree("d", ref, w.value(auto()()))
        if "t" in which and torch is not None:
            cases["t torch loop"] = loop_setup(torch, w.eager_loop, False)
            cases["t torch autograd loop"] = loop_setup(torch, w.autograd_loop_for(torch), True)
            checks["t: final loss, numpy vs torch autograd"] = _agree(
                "t", ref, w.value(cases["t torch autograd loop"]()())
            )
        del xt, yt
    if "b" in which:
        import engine.static as tf

        xb, yb, w1b, w2b = w.static_data(s)
        holders, fetches = w.static_graph(tf, s)
        # in order, as numpy runs: one core each (benchmarks/static_plan.py has the parallel plan)
        sess = tf.Session(config=tf.ConfigProto(inter_op_parallelism_threads=1))
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
                    out = w.numpy_step(xb, yb, w1b, w2b)
                return out

            return runs

        cases["b numpy step"] = numpy_step_setup
        cases["b Session.run, events off"] = session_setup
        cases["b Session.run, events on"] = listening(session_setup)
        ref_out = w.numpy_step(xb, yb, w1b, w2b)
        got_out = sess.run(fetches, feed_dict=feed)
        worst = max(
            float(np.max(np.abs(np.asarray(g, np.float64) - r)) / (np.max(np.abs(r)) or 1.0))
            for r, g in zip(ref_out, got_out, strict=True)
        )
        checks["b: loss and grads, max relative error vs numpy"] = f"{worst:.2e}"
    return cases, checks


def case_count(which: str, torch: Any) -> int:
    """How many cases :func:`build_cases` makes for ``which`` (for the progress bar)."""
    n = 1 if any(c in which for c in "acdt") else 0
    n += 2 * ("a" in which) + ("c" in which) + 2 * ("d" in which) + 3 * ("b" in which)
    return n + (2 if "t" in which and torch is not None else 0)


def summarise(samples: dict[str, list[float]], s: w.Sizes) -> dict[str, Any]:
    """Per-case stats (ms per iteration or per run) and per-round ratios."""

    def per(name: str) -> int:
        return s.runs if name[0] == "b" else s.iterations

    cases = {}
    for name, walls in samples.items():
        ms = [x * 1e3 / per(name) for x in walls]
        cases[name] = {
            "unit": "ms/run" if name[0] == "b" else "ms/iteration",
            "median": statistics.median(ms),
            "min": min(ms),
            "max": max(ms),
            "n": len(ms),
        }
    ratios = []
    for case, ref in RATIOS:
        if case in samples and ref in samples:
            r = [a / b for a, b in zip(samples[case], samples[ref], strict=True)]
            med = statistics.median(r)
            ratios.append(
                {
                    "case": case,
                    "reference": ref,
                    "median": med,
                    "min": min(r),
                    "max": max(r),
                }
            )
    return {"cases": cases, "ratios": ratios}

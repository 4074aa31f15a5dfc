"""The eager front end's cost per op, in CPU seconds: P2's loop against raw numpy.

    python benchmarks/eager_overhead.py [--rounds 9] [--iterations 200]

Cases, each a run of ``--iterations`` turns of the lecture's seed loop (P2: ``N, D_in, H,
D_out = 64, 1000, 100, 10``; ``engine.bench.workloads.EAGER_LOOP`` and ``numpy_loop``):

* ``numpy``: the loop typed out in numpy;
* ``off``: the engine, nobody listening (events off);
* ``nothing``: the engine with a subscriber that does nothing (:class:`Nothing`: its
  ``on_ops`` takes the eager ops in batches, as a trace writer does): the cost of making the
  events and handing them over;
* ``each``: a do-nothing subscriber that takes each event by itself (``STREAM.subscribe(lambda
  e: None)``: per-op delivery, what the UI's subscriber gets; ``nothing`` before batches);
* ``trace``: the engine with a ``TraceWriter`` recording every event to a file;
* ``adam np`` and ``adam``: ``torch.optim.Adam``'s ``step()`` over the loop's two weights
  (fixed gradients), typed out in numpy, and on the engine with the ``nothing`` subscriber:
  one user line making ~26 ops a turn, each of which must keep its call site's facts.

Each round runs every case once, in a shuffled order, timed with ``time.process_time`` (CPU
seconds of this process, its threads included: the trace writer's flusher counts), which
other work on a shared machine swings much less than the wall clock. The ratios are taken
inside each round and quoted as the median of the per-round ratios, with min and max; beside
them ``best`` is the fastest round of the case over the fastest of its reference (other work
only ever adds time, so on a loaded machine the fastest rounds are the least disturbed). BLAS
runs on one thread.

The engine imported is the first on ``sys.path``: ``PYTHONPATH=<another checkout>`` times
that checkout with this script (a before/after comparison runs the two alternately).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

if importlib.util.find_spec("threadpoolctl") is None:
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = "1"

sys.path.append(str(Path(__file__).resolve().parent.parent))  # after PYTHONPATH: it wins

import numpy as np  # noqa: E402

import engine.eager as eager  # noqa: E402 - after the thread variables are set
from engine.bench import harness  # noqa: E402
from engine.bench import workloads as w  # noqa: E402
from engine.events import STREAM, TraceWriter  # noqa: E402

RATIOS = (
    ("off", "numpy"),
    ("nothing", "numpy"),
    ("each", "numpy"),
    ("trace", "nothing"),
    ("trace", "numpy"),
    ("adam", "adam np"),
)
"""(case, reference) pairs reported."""


class Nothing:
    """A subscriber that does nothing, and takes eager ops in batches."""

    def __call__(self, event: Any) -> None:
        pass

    def on_ops(self, batch: Any) -> None:
        pass


def _cases(iterations: int, folder: Path) -> dict[str, Callable[[], Callable[[], Any]]]:
    """name -> setup; a setup returns the timed zero-argument run (fresh weights each time)."""
    s = w.Sizes()
    xa, ya, w1a, w2a = w.eager_data(s)
    x, y = w.to_tensor(eager, xa), w.to_tensor(eager, ya)

    def numpy() -> Callable[[], Any]:
        w1, w2 = w1a.copy(), w2a.copy()
        return lambda: w.numpy_loop(xa, ya, w1, w2, iterations)

    def engine(listener: Callable[[], Callable[[Any], None]] | None) -> Callable[[], Any]:
        w1, w2 = w.to_tensor(eager, w1a), w.to_tensor(eager, w2a)

        def run() -> Any:
            if listener is None:
                return w.eager_loop(x, y, w1, w2, iterations)
            fn = listener()
            unsubscribe = STREAM.subscribe(fn)
            try:
                return w.eager_loop(x, y, w1, w2, iterations)
            finally:
                unsubscribe()
                close = getattr(fn, "close", None)
                if close is not None:
                    close()

        return run

    def writer() -> Callable[[Any], None]:
        return TraceWriter(folder / "overhead.jsonl", bench=True)

    grads = [np.full_like(w1a, 1e-3), np.full_like(w2a, -1e-3)]

    def adam_numpy() -> Callable[[], Any]:
        params = [w1a.copy(), w2a.copy()]
        return lambda: numpy_adam(params, grads, iterations)

    def adam() -> Callable[[], Any]:
        params = [w.to_tensor(eager, w1a), w.to_tensor(eager, w2a)]
        for p, g in zip(params, grads, strict=True):
            p.grad = w.to_tensor(eager, g)
        opt = eager.optim.Adam(params, lr=1e-3)

        def run() -> None:
            unsubscribe = STREAM.subscribe(Nothing())
            try:
                for _ in range(iterations):
                    opt.step()
            finally:
                unsubscribe()

        return run

    return {
        "numpy": numpy,
        "off": lambda: engine(None),
        "nothing": lambda: engine(Nothing),
        "each": lambda: engine(lambda: lambda e: None),
        "trace": lambda: engine(writer),
        "adam np": adam_numpy,
        "adam": adam,
    }


def numpy_adam(params: list[Any], grads: list[Any], iterations: int, lr: float = 1e-3) -> None:
    """``iterations`` Adam steps on ``params`` in numpy, op for op as ``optim.Adam`` makes them."""
    b1, b2, eps = 0.9, 0.999, 1e-8
    moments = [(np.zeros_like(p), np.zeros_like(p)) for p in params]
    for t in range(1, iterations + 1):
        for p, g, (m, v) in zip(params, grads, moments, strict=True):
            m *= b1
            m += (1 - b1) * g
            v *= b2
            v += (1 - b2) * (g * g)
            denom = np.sqrt(v) / (1 - b2**t) ** 0.5 + eps
            p -= (lr / (1 - b1**t)) * m / denom


def measure(rounds: int, iterations: int, seed: int = 0) -> dict[str, list[float]]:
    """CPU seconds per case, one sample per round, cases shuffled within each round."""
    with tempfile.TemporaryDirectory() as folder:
        cases = _cases(iterations, Path(folder))
        for setup in cases.values():  # warm-up: caches, call sites, page faults
            setup()()
        rng = random.Random(seed)
        names = list(cases)
        out: dict[str, list[float]] = {k: [] for k in names}
        for _ in range(rounds):
            rng.shuffle(names)
            for name in names:
                fn = cases[name]()
                t0 = time.process_time()
                fn()
                out[name].append(time.process_time() - t0)
    return out


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f}, {five:.2f}, {fifteen:.2f} on {os.cpu_count()} CPUs"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--iterations", type=int, default=200, help="loop turns per sample")
    args = parser.parse_args(argv)
    restore = harness.limit_threads()
    try:
        print(f"engine: {os.path.dirname(os.path.dirname(os.path.abspath(eager.__file__)))}")
        print(f"before: {_load()}")
        samples = measure(args.rounds, args.iterations)
        print(f"after:  {_load()}")
    finally:
        restore()
    print(f"{args.rounds} rounds of {args.iterations} iterations, CPU ms per iteration (median):")
    for name, times in samples.items():
        print(f"  {name:8} {1e3 * statistics.median(times) / args.iterations:7.3f}")
    print("ratios, median of per-round ratios [min, max]; fastest round over fastest round:")
    for case, ref in RATIOS:
        r = [a / b for a, b in zip(samples[case], samples[ref], strict=True)]
        best = min(samples[case]) / min(samples[ref])
        print(
            f"  {case:>7} / {ref:<7} {statistics.median(r):.3f}  [{min(r):.3f}, {max(r):.3f}]"
            f"  best {best:.3f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

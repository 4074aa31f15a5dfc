"""What watching a static Session.run costs the engine, per run, against nobody watching.

    python benchmarks/skim_overhead.py [--size lecture|tiny] [--runs 2000] [--rounds 7]

The two-layer step of the default scene (``Session.run([loss, grad_w1, grad_w2])``; lecture
size 64x1000x100x10, tiny 4x8x6x2 where the engine's own work is all there is) runs ``--runs``
times in each of these ways, interleaved, ``--rounds`` times:

* **none**: nobody listens (the headless path);
* **totals**: one subscriber that asks for per-op totals (a UI that skims every run);
* **process**: the engine process's own subscriber at full speed (``run_in_child``: events
  batched, op totals merged, pickled to a socket that another process drains), one run a
  second sent node by node, as the app's engine process does;
* **nodes**: one subscriber that takes every node event.

Prints, per way, the median CPU microseconds per run and the median over rounds of its
difference from **none** in the same round (CPU time: on a shared machine wall time swings
with the load; the difference in the same round is what the watching itself costs).
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run from a checkout
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # as the app's engine process runs BLAS

import numpy as np  # noqa: E402

import engine.static as tf  # noqa: E402
from engine.events import STREAM  # noqa: E402
from tui.engine_link.child import Controls, run_in_child  # noqa: E402

SIZES = {"lecture": (64, 1000, 100, 10), "tiny": (4, 8, 6, 2)}
WAYS = ("none", "totals", "process", "nodes")


def step(size: tuple[int, int, int, int]) -> Callable[[int], None]:
    """``run(n)``: n training steps of the two-layer network on the static side."""
    n, d_in, h, d_out = size
    rng = np.random.default_rng(0)
    x = tf.placeholder(tf.float32, shape=(n, d_in))
    y = tf.placeholder(tf.float32, shape=(n, d_out))
    w1 = tf.placeholder(tf.float32, shape=(d_in, h))
    w2 = tf.placeholder(tf.float32, shape=(h, d_out))
    hidden = tf.maximum(tf.matmul(x, w1), 0)
    loss = tf.reduce_sum((tf.matmul(hidden, w2) - y) ** 2)
    grad_w1, grad_w2 = tf.gradients(loss, [w1, w2])
    feed = {
        x: rng.standard_normal((n, d_in), dtype=np.float32),
        y: rng.standard_normal((n, d_out), dtype=np.float32),
        w1: rng.standard_normal((d_in, h), dtype=np.float32),
        w2: rng.standard_normal((h, d_out), dtype=np.float32),
    }
    sess = tf.Session()

    def run(k: int) -> None:
        for _ in range(k):
            sess.run([loss, grad_w1, grad_w2], feed_dict=feed)

    return run


def main(argv: list[str] | None = None) -> int:
    """Measure and print the table."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--size", choices=sorted(SIZES), default="lecture")
    p.add_argument("--runs", type=int, default=2000)
    p.add_argument("--rounds", type=int, default=7)
    args = p.parse_args(argv)
    run = step(SIZES[args.size])
    near, far = socket.socketpair()
    drain = subprocess.Popen(["cat"], stdin=far.fileno(), stdout=subprocess.DEVNULL)
    far.close()
    conn = Connection(os.dup(near.fileno()))
    job = 0

    def once(way: str) -> float:
        nonlocal job
        t0 = time.process_time()
        if way == "none":
            run(args.runs)
        elif way == "process":
            job += 1
            controls = Controls()
            controls.start(job, "full", False, False)
            run_in_child(lambda: run(args.runs), conn, controls)
        else:

            def listener(event: dict) -> None:  # takes each event, keeps none (a list of
                pass  # every event would charge its growth and the GC to watching)

            undo = STREAM.subscribe(listener)
            STREAM.want(listener, "totals" if way == "totals" else "nodes")
            run(args.runs)
            undo()
        return (time.process_time() - t0) / args.runs * 1e6

    run(300)  # plans built, buffers allocated
    us: dict[str, list[float]] = {way: [] for way in WAYS}
    for _ in range(args.rounds):
        for way in WAYS:
            us[way].append(once(way))
    conn.close()
    near.close()
    drain.wait()
    base = us["none"]
    size = f"{args.size} {SIZES[args.size]}"
    print(f"two-layer static step, {size}, {args.runs} runs x {args.rounds} rounds")
    for way in WAYS:
        extra = statistics.median(u - b for u, b in zip(us[way], base, strict=True))
        ratio = statistics.median(u / b for u, b in zip(us[way], base, strict=True))
        print(
            f"  {way:<8} {statistics.median(us[way]):8.1f} cpu-us/run   "
            f"+{extra:6.1f} us over none ({ratio:.2f}x)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

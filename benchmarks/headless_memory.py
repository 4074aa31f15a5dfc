"""Resident memory of a headless run over many iterations: does it stay flat?

    python benchmarks/headless_memory.py [--scene two-layer] [--iterations 50000] [--small]
                                         [--every 5000]

Runs ``python -m engine run --scene NAME --iterations N`` in this process (its per-device
tables go to /dev/null) and reads the resident set size (``/proc/self/statm``) at every
``--every``-th finished iteration (of either side: a scene may run its static loop first).
Prints one line per sample and the growth per iteration between the first sample and the
last: the engine, the statistics and the loop keep nothing per iteration, so it should be
near 0 bytes.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from contextlib import redirect_stdout
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run from a checkout

PAGE = os.sysconf("SC_PAGE_SIZE")


def rss_mb() -> float:
    """This process's resident set size in MB."""
    with open("/proc/self/statm", encoding="ascii") as f:
        return int(f.read().split()[1]) * PAGE / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scene", default="two-layer")
    parser.add_argument("--iterations", type=int, default=50_000)
    parser.add_argument("--every", type=int, default=5_000)
    parser.add_argument("--small", action="store_true")
    args = parser.parse_args()

    from engine.cli import main as engine_main
    from engine.events import STREAM

    samples: list[tuple[int, float, float]] = []
    counted = [0]  # iterations finished, of either side
    t0 = time.perf_counter()

    def sample(event: dict[str, Any]) -> None:
        if event["kind"] == "iteration_finished":
            counted[0] += 1
            done = counted[0]
            if done == 100 or done % args.every == 0:
                samples.append((done, rss_mb(), time.perf_counter() - t0))
                print(
                    f"{done:>9} iterations  {samples[-1][1]:7.1f} MB  {samples[-1][2]:6.0f} s",
                    file=sys.stderr,
                    flush=True,
                )

    unsubscribe = STREAM.subscribe(sample)
    argv = ["run", "--scene", args.scene, "--iterations", str(args.iterations)]
    argv += ["--small"] if args.small else []
    with open(os.devnull, "w", encoding="utf-8") as devnull, redirect_stdout(devnull):
        code = engine_main(argv)
    unsubscribe()
    print(f"exit {code}; RSS after the tables: {rss_mb():.1f} MB")
    if len(samples) >= 2:
        (n0, m0, _), (n1, m1, _) = samples[0], samples[-1]
        per = (m1 - m0) * 1e6 / (n1 - n0)
        print(f"start {m0:.1f} MB at {n0}, end {m1:.1f} MB at {n1}: {per:+.0f} bytes/iteration")


if __name__ == "__main__":
    main()

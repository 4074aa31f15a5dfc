"""``python -m engine bench``: the engine against raw numpy (see ``engine.bench``).

BLAS is pinned to one thread. Without threadpoolctl that needs the environment variables set
before numpy loads; when numpy is already loaded, the command re-runs itself with them set.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

THREAD_VARS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def add_parser(sub: Any) -> None:
    """Register the ``bench`` subcommand."""
    p = sub.add_parser("bench", help="time the engine against the same math in raw numpy",
                       description="Interleaved rounds, median of per-round ratios, 1 BLAS "
                                   "thread.")
    add_arguments(p)
    p.set_defaults(handler=main)


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The benchmark's options (shared with benchmarks/engine_vs_numpy.py); imports no numpy."""
    p.add_argument("--rounds", type=int, default=15, help="interleaved rounds (default 15)")
    p.add_argument("--iterations", type=int, default=500,
                   help="eager loop iterations per sample (default 500)")
    p.add_argument("--runs", type=int, default=100,
                   help="Session.run calls per sample (default 100)")
    p.add_argument("--settle", type=float, default=0.1,
                   help="seconds of quiet before each sample (default 0.1)")
    p.add_argument("--cases", default="abc", help="which of a, b, c to run (default abc)")
    p.add_argument("--quick", action="store_true", help="tiny sizes, 2 rounds: a smoke test")
    p.add_argument("--json", metavar="OUT.json", help="also write the results as JSON")


def main(args: argparse.Namespace) -> int:
    """Pin BLAS to one thread, then run the benchmark; returns its exit code."""
    if not _has_threadpoolctl() and any(os.environ.get(v) != "1" for v in THREAD_VARS):
        if "numpy" in sys.modules:  # too late to set: start again with the variables set
            env = {**os.environ, **dict.fromkeys(THREAD_VARS, "1")}
            argv = [sys.executable, "-m", "engine", "bench", *_as_argv(args)]
            sys.stdout.flush()
            os.execve(sys.executable, argv, env)
        os.environ.update(dict.fromkeys(THREAD_VARS, "1"))
    from engine.bench import run

    return run(args)


def _has_threadpoolctl() -> bool:
    import importlib.util

    return importlib.util.find_spec("threadpoolctl") is not None


def _as_argv(args: argparse.Namespace) -> list[str]:
    """The options of ``args`` as a command line again."""
    argv = [f"--rounds={args.rounds}", f"--iterations={args.iterations}", f"--runs={args.runs}",
            f"--settle={args.settle}", f"--cases={args.cases}"]
    if args.quick:
        argv.append("--quick")
    if args.json:
        argv.append(f"--json={args.json}")
    return argv

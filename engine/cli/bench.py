"""``python -m engine bench`` (``cgviz bench``): the lecture's CPU vs GPU table measured here,
and the engine against raw numpy and torch (see ``engine.bench``).

BLAS is pinned to one thread. Without threadpoolctl that needs the environment variables set
before numpy loads; when numpy is already loaded, the command re-runs itself with them set.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

THREAD_VARS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
SECTIONS = ("devices", "matmul", "seed", "transfers", "engine")  # engine.bench.SECTIONS (no numpy)


def add_parser(sub: Any) -> None:
    """Register the ``bench`` subcommand."""
    p = sub.add_parser(
        "bench",
        help="the lecture's CPU vs GPU table, measured here; the engine "
        "against raw numpy (and torch)",
        description="Device facts, matmul GFLOP/s, the seed workloads per device, "
        "transfers, and the engine against raw numpy: interleaved "
        "rounds, median of per-round ratios, 1 BLAS thread. Progress "
        "on stderr, tables on stdout.",
    )
    add_arguments(p)
    p.set_defaults(handler=main)


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The benchmark's options (shared with benchmarks/engine_vs_numpy.py); imports no numpy."""
    p.add_argument("--rounds", type=int, default=15, help="interleaved rounds (default 15)")
    p.add_argument(
        "--iterations", type=int, default=500, help="eager loop iterations per sample (default 500)"
    )
    p.add_argument(
        "--runs", type=int, default=100, help="Session.run calls per sample (default 100)"
    )
    p.add_argument(
        "--settle",
        type=float,
        default=0.1,
        help="seconds of quiet before each sample (default 0.1)",
    )
    p.add_argument(
        "--cases",
        default="abcdt",
        help="engine comparisons: a eager loop, b Session.run, c tracing, d autograd, "
        "t torch (default abcdt)",
    )
    p.add_argument(
        "--sections",
        default=",".join(SECTIONS),
        help=f"comma-separated, of {', '.join(SECTIONS)} (default all)",
    )
    p.add_argument(
        "--quick",
        action="store_true",
        help="a short run: matmul up to 1024, 100 iterations, 3 rounds",
    )
    p.add_argument("--tiny", action="store_true", help=argparse.SUPPRESS)  # the test suite's sizes
    p.add_argument(
        "--json",
        metavar="OUT.json",
        help="also write the results as JSON (schema: see engine/bench/__init__.py)",
    )


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
    argv = [
        f"--rounds={args.rounds}",
        f"--iterations={args.iterations}",
        f"--runs={args.runs}",
        f"--settle={args.settle}",
        f"--cases={args.cases}",
        f"--sections={args.sections}",
    ]
    if args.quick:
        argv.append("--quick")
    if getattr(args, "tiny", False):
        argv.append("--tiny")
    if args.json:
        argv.append(f"--json={args.json}")
    return argv

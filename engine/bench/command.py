"""``python -m engine bench`` (and ``cgviz bench``): run the chosen sections, print, save JSON."""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

from engine.bench import compare, hardware, harness, report
from engine.bench import workloads as w

SECTIONS = ("devices", "matmul", "seed", "transfers", "engine")


def _plan(args: argparse.Namespace) -> dict[str, Any]:
    tiny = bool(getattr(args, "tiny", False))
    if tiny:
        sizes, mm, rounds, settle, budget, reps = (
            w.TINY,
            hardware.TINY_MATMUL_SIZES,
            2,
            0.0,
            0.001,
            2,
        )
    elif args.quick:
        sizes, mm, rounds, settle, budget, reps = (
            w.QUICK,
            hardware.QUICK_MATMUL_SIZES,
            3,
            0.0,
            0.1,
            3,
        )
    else:
        sizes = w.Sizes(iterations=args.iterations, runs=args.runs)
        mm, rounds, settle, budget, reps = hardware.MATMUL_SIZES, args.rounds, args.settle, 0.5, 5
    wanted = [s.strip() for s in args.sections.split(",") if s.strip()]
    unknown = [s for s in wanted if s not in SECTIONS]
    if unknown:
        from engine.cli.common import UsageError

        raise UsageError(
            f"bench: unknown section {unknown[0]!r} (choose from {', '.join(SECTIONS)})"
        )
    return {
        "tiny": tiny,
        "sizes": sizes,
        "matmul_sizes": mm,
        "rounds": rounds,
        "settle": settle,
        "budget": budget,
        "reps": reps,
        "sections": wanted,
    }


def run(args: argparse.Namespace) -> int:
    """Run the benchmark ``args`` describe, print the tables, write ``--json``; returns 0."""
    p = _plan(args)
    sections, s = p["sections"], p["sizes"]
    which = args.cases.lower()
    torch = w.import_torch() if "t" in which and "engine" in sections else None
    devs, facts = hardware.available_devices()
    gpus = [d for d in devs if d.name != "cpu"]
    shapes = hardware.TRANSFER_SHAPES if not p["tiny"] else (("8x8", (8, 8)),)
    n_cases = compare.case_count(which, torch)
    total = (
        len(p["matmul_sizes"]) * len(devs) * ("matmul" in sections)
        + 2 * len(devs) * ("seed" in sections)
        + len(shapes) * len(gpus) * ("transfers" in sections)
        + p["rounds"] * n_cases * ("engine" in sections)
        + 1
    )
    progress = harness.Progress(total)
    tick = progress.step
    out: dict[str, Any] = {}
    restore = harness.limit_threads()
    try:
        if "devices" in sections:
            out["devices"] = facts
        if "matmul" in sections:
            sizes = p["matmul_sizes"]
            out["matmul"] = [
                r for d in devs for r in hardware.matmul_sweep(d, sizes, p["budget"], tick)
            ]
        if "seed" in sections:
            out["seed"] = [r for d in devs for r in hardware.seed_workloads(d, s, p["reps"], tick)]
        if "transfers" in sections:
            out["transfers"] = [
                r for d in gpus for r in hardware.transfers(d, shapes, p["reps"], tick)
            ]
        if "engine" in sections:
            out.update(_engine(s, which, p, torch, tick))  # top level, as before sections
    finally:
        restore()
        progress.step("done")
        progress.close()
    options = {
        "quick": bool(args.quick),
        "tiny": p["tiny"],
        "sections": sections,
        "cases": which,
        "rounds": p["rounds"],
    }
    env = harness.environment(harness.thread_setting())
    env["torch"] = getattr(torch, "__version__", None) or "not installed"
    doc = report.document(env, options, **out)
    sys.stdout.write(report.format_report(doc) + "\n")
    if args.json:
        Path(args.json).write_text(json.dumps(doc, indent=2, default=str), encoding="utf-8")
    return 0


def _engine(s: w.Sizes, which: str, p: dict[str, Any], torch: Any, tick: Any) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="cgviz-bench-") as folder:
        cases, checks = compare.build_cases(s, which, Path(folder), torch)
        samples = harness.interleaved(cases, p["rounds"], p["settle"], tick=tick)
    if "t" in which and torch is None:
        checks["t: torch"] = "not installed: no torch rows"
    return {
        "sizes": s.__dict__,
        "rounds": p["rounds"],
        "checks": checks,
        **compare.summarise(samples, s),
    }


def main(argv: list[str] | None = None) -> int:
    """Command-line entry of the benchmark script."""
    from engine.cli.bench import add_arguments

    parser = argparse.ArgumentParser(
        description="cgviz bench: the lecture's CPU vs GPU table, measured here"
    )
    add_arguments(parser)
    return run(parser.parse_args(argv))

"""Throughput with the UI attached at full speed against the engine headless, per side.

    python benchmarks/ui_throughput.py [--scene two-layer] [--iterations 300] [--repeat 3]

For each repeat, interleaved: (1) **headless**: the scene runs as the app runs it, without the
app: one fresh engine process per side the scene can run at once (the default scene: the
static and the eager side in two processes at the same time, as the app's PairRunner does;
a one-sided scene: one process), BLAS on one thread, each with one subscriber that asks for
the least (per-op totals, no node events: what the engine costs when nobody watches it);
(2) **ui**: the app runs headless (``App.run_test``) at full speed with its engine
processes. Each side's rate is iterations per second of engine time: from its first
``iteration_started`` to its last ``iteration_finished`` (the engine's own clock, ``t_ns``), so
start-up is not counted. The UI's figure reads the events the engine processes sent (a tap on
the runner), which include the summaries of iterations the UI skimmed. Prints one line per run
and side and the median ratio per side: 1.00 means the UI costs the engine nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run from a checkout

_HEADLESS = """
import json, sys
from engine.events import STREAM
from tui.engine_link.child import Job
events = []
STREAM.subscribe(events.append)
STREAM.want(events.append, "totals")  # per-op totals, no node events: the engine's least
side = sys.argv[3] or None
Job(scene=sys.argv[1], iterations=int(sys.argv[2]), side=side).__call__()
print(json.dumps([[e["kind"], e.get("mode"), e["t_ns"]] for e in events
                  if e["kind"] in ("iteration_started", "iteration_finished")]))
"""

MODES = ("static", "eager")


def rate(n: int, span_ns: int) -> float:
    """Iterations per second."""
    return n / (span_ns / 1e9) if span_ns else 0.0


def rates(marks: list[tuple[str, str, int]]) -> dict[str, float]:
    """Iterations per second of each side, from (kind, mode, t_ns) marks."""
    out = {}
    for mode in MODES:
        ts = [t for k, m, t in marks if m == mode]
        n = sum(k == "iteration_finished" and m == mode for k, m, _ in marks)
        if n:
            out[mode] = rate(n, ts[-1] - ts[0])
    return out


def sides(scene: str) -> tuple[str, ...]:
    """The sides the app runs at once for ``scene`` (one process each), or ("",) for one."""
    from engine.scenes import get_scene

    functions = getattr(get_scene(scene), "side_functions", None) or ()
    return tuple(side for side, _ in functions) or ("",)


def headless(scene: str, iterations: int) -> dict[str, float]:
    """The scene without the app: one fresh engine process per side, all at the same time."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        env.setdefault(name, "1")
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _HEADLESS, scene, str(iterations), side],
            env=env,
            stdout=subprocess.PIPE,
            text=True,
        )
        for side in sides(scene)
    ]
    marks: list[tuple[str, str, int]] = []
    for proc in procs:
        out, _ = proc.communicate()
        if proc.returncode:
            raise SystemExit(f"headless run of {scene!r} failed (exit {proc.returncode})")
        marks += [tuple(m) for m in json.loads(out.strip().splitlines()[-1])]
    return rates(marks)


async def _ui(scene: str, iterations: int) -> dict[str, float]:
    from tui.app.cgviz_app import make_app

    app = make_app(
        scene=scene,
        iterations=iterations,
        speed="full",
        engine="process",
        gpu_status=lambda: (False, "benchmark"),
        device_info=lambda name: {"device": name, "name": "bench"},
    )
    marks: list[tuple[str, str, int]] = []

    def tap(event: dict[str, Any]) -> None:
        if event.get("kind") in ("iteration_started", "iteration_finished"):
            marks.append((event["kind"], event.get("mode"), event["t_ns"]))

    try:  # a watching tap: a complete one (a recording) would stop the engine's skimming
        app.runner.subscribe(tap, complete=False)
    except TypeError:  # (a runner that cannot skim in the engine process)
        app.runner.subscribe(tap)
    async with app.run_test(size=(160, 48)) as pilot:
        loop = asyncio.get_running_loop()
        end = loop.time() + 600
        while not (app.state.finished and not app.runner.running) and loop.time() < end:
            await pilot.pause(0.05)
    return rates(marks)


def ui(scene: str, iterations: int) -> dict[str, float]:
    """The app, headless, at full speed with its engine processes."""
    return asyncio.run(_ui(scene, iterations))


def main(argv: list[str] | None = None) -> int:
    """Run the comparison; prints per-run figures and the median UI/headless ratio."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--scene", default="two-layer")
    p.add_argument("--iterations", type=int, default=300)
    p.add_argument("--repeat", type=int, default=3)
    args = p.parse_args(argv)
    ratios: dict[str, list[float]] = {}
    for i in range(args.repeat):
        h = headless(args.scene, args.iterations)
        u = ui(args.scene, args.iterations)
        for mode in h:
            r = u.get(mode, 0.0) / h[mode]
            ratios.setdefault(mode, []).append(r)
            print(
                f"{args.scene} #{i} {mode:<6}: headless {h[mode]:8.1f} it/s  "
                f"ui {u.get(mode, 0.0):8.1f} it/s  ratio {r:.2f}"
            )
    for mode, rs in ratios.items():
        print(
            f"{args.scene} {mode}: median ui/headless {statistics.median(rs):.2f} "
            f"(min {min(rs):.2f}, max {max(rs):.2f}, {args.repeat} runs, "
            f"{args.iterations} iterations)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

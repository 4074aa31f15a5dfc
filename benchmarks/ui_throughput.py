"""Eager throughput with the UI attached at full speed against the engine headless.

    python benchmarks/ui_throughput.py [--scene torch-tensors] [--iterations 300] [--repeat 3]

For each repeat, interleaved: (1) **headless**: the scene runs in a fresh engine process (BLAS
on one thread, as the UI's engine process runs it) with one subscriber that keeps every event;
(2) **ui**: the app runs headless (``App.run_test``) at full speed with its engine process.
Both rates are iterations per second of engine time: from the first ``iteration_started`` to
the last ``iteration_finished`` (the engine's own clock, ``t_ns``), so start-up is not counted.
The UI's figure reads the events the engine process sent (a tap on the runner), which include
the summaries of iterations the UI skimmed. Prints one line per run and the median ratio.
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
Job(scene=sys.argv[1], iterations=int(sys.argv[2])).__call__()
its = [e["t_ns"] for e in events if e["kind"] in ("iteration_started", "iteration_finished")
       and e.get("mode") == "eager"]
print(json.dumps({"n": sum(e["kind"] == "iteration_finished" and e.get("mode") == "eager"
                           for e in events), "span_ns": its[-1] - its[0], "events": len(events)}))
"""


def rate(n: int, span_ns: int) -> float:
    """Iterations per second."""
    return n / (span_ns / 1e9) if span_ns else 0.0


def headless(scene: str, iterations: int) -> dict[str, Any]:
    """The scene in a fresh engine process with one list-appending subscriber."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        env.setdefault(name, "1")
    out = subprocess.run(
        [sys.executable, "-c", _HEADLESS, scene, str(iterations)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    r = json.loads(out.stdout.strip().splitlines()[-1])
    r["its"] = rate(r["n"], r["span_ns"])
    return r


async def _ui(scene: str, iterations: int) -> dict[str, Any]:
    from tui.app.cgviz_app import make_app

    app = make_app(
        scene=scene,
        iterations=iterations,
        speed="full",
        engine="process",
        gpu_status=lambda: (False, "benchmark"),
        device_info=lambda name: {"device": name, "name": "bench"},
    )
    marks: list[tuple[str, int]] = []

    def tap(event: dict[str, Any]) -> None:
        if event.get("mode") == "eager" and event.get("kind") in (
            "iteration_started",
            "iteration_finished",
        ):
            marks.append((event["kind"], event["t_ns"]))

    try:  # a watching tap: a complete one (a recording) would stop the engine's skimming
        app.runner.subscribe(tap, complete=False)
    except TypeError:  # (a runner that cannot skim in the engine process)
        app.runner.subscribe(tap)
    async with app.run_test(size=(160, 48)) as pilot:
        loop = asyncio.get_running_loop()
        end = loop.time() + 600
        while not (app.state.finished and not app.runner.running) and loop.time() < end:
            await pilot.pause(0.05)
        skimmed = getattr(app.runner, "skimmed", 0) + app.state.skimmed
        status = app._status_text
    n = sum(k == "iteration_finished" for k, _ in marks)
    span = marks[-1][1] - marks[0][1] if marks else 0
    return {"n": n, "span_ns": span, "its": rate(n, span), "skimmed": skimmed, "status": status}


def ui(scene: str, iterations: int) -> dict[str, Any]:
    """The app, headless, at full speed with its engine process."""
    return asyncio.run(_ui(scene, iterations))


def main(argv: list[str] | None = None) -> int:
    """Run the comparison; prints per-run figures and the median UI/headless ratio."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--scene", default="torch-tensors")
    p.add_argument("--iterations", type=int, default=300)
    p.add_argument("--repeat", type=int, default=3)
    args = p.parse_args(argv)
    ratios = []
    for i in range(args.repeat):
        h = headless(args.scene, args.iterations)
        u = ui(args.scene, args.iterations)
        ratios.append(u["its"] / h["its"] if h["its"] else 0.0)
        print(
            f"{args.scene} #{i}: headless {h['its']:8.1f} it/s ({h['events']} events)  "
            f"ui {u['its']:8.1f} it/s (n={u['n']}, skimmed {u['skimmed']})  "
            f"ratio {ratios[-1]:.2f}"
        )
    print(
        f"{args.scene}: median ui/headless {statistics.median(ratios):.2f} "
        f"(min {min(ratios):.2f}, max {max(ratios):.2f}, {args.repeat} runs, "
        f"{args.iterations} iterations)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

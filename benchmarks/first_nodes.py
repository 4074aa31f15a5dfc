"""Time from start to the first node in each pane, on the real engine, at lecture pace.

    python benchmarks/first_nodes.py [--repeat 5] [--scene two-layer]

Each repeat builds the app as ``cgviz`` does (engine processes included) and runs it headless
at 160x48; the clock starts before the app is built and stops, per pane, when the app's view
state first holds a node of that pane (what the next frame draws). Prints each repeat and the
medians. Wall times on a shared machine: read the medians.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run from a checkout

SIDES = ("static", "eager")


async def once(scene: str) -> dict[str, float]:
    from tui.app.cgviz_app import make_app

    t0 = time.perf_counter()
    app = make_app(scene=scene, speed="lecture", engine="process")
    seen: dict[str, float] = {}
    async with app.run_test(size=(160, 48)) as pilot:
        while len(seen) < len(SIDES) and time.perf_counter() - t0 < 60:
            for mode in SIDES:
                graph = app.state.graphs[mode]
                if mode not in seen and graph is not None and graph.nodes:
                    seen[mode] = time.perf_counter() - t0
            await pilot.pause(0.01)
        app.runner.stop()
    return seen


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("--scene", default="two-layer")
    args = p.parse_args()
    runs = [asyncio.run(once(args.scene)) for _ in range(args.repeat)]
    for i, run in enumerate(runs, 1):
        print(f"run {i}: " + "  ".join(f"{m} {run.get(m, float('nan')):.2f} s" for m in SIDES))
    for mode in SIDES:
        times = [r[mode] for r in runs if mode in r]
        if times:
            print(f"median {mode}: {statistics.median(times):.2f} s (over {len(times)})")


if __name__ == "__main__":
    main()

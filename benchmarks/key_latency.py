"""How long a key takes to show its effect, at lecture pace and at full speed.

    python benchmarks/key_latency.py [--presses 50] [--scene two-layer]

The app runs headless (``App.run_test``, 160x48) on the real engine in its own processes, as
a user runs it. For each key, each press is timed from the key event until the app has handled
it and drawn the next frame (``pilot.press`` then ``pilot.pause``: the messages it caused are
processed and the screen refreshed). Toggle keys are pressed in pairs so the app keeps its
state; ``?`` opens the help and escape closes it (both timed). Prints the median and the worst
per key and speed. Times are wall times on a shared machine: compare medians, read the worst
as "what a student may see once".
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

KEYS = ("x", "space", "question_mark", "escape", "g", "o", "z", "m", "f", "plus", "minus", "s")
"""Keys a lecturer presses while the scene runs (help's escape closes what ? opened); x is
bound to nothing: its time is what a press costs the harness itself."""


async def measure(scene: str, speed: str, presses: int) -> dict[str, list[float]]:
    from tui.app.cgviz_app import make_app

    app = make_app(scene=scene, speed=speed, engine="process", iterations=100_000)
    times: dict[str, list[float]] = {k: [] for k in KEYS}
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause(2.0)  # the engine processes start and the first nodes arrive
        for _ in range(presses):
            for key in KEYS:
                if key == "s" and not app.runner.paused:
                    continue  # step only means something while paused (space pauses it)
                t0 = time.perf_counter()
                await pilot.press(key)
                await pilot.pause()
                times[key].append((time.perf_counter() - t0) * 1e3)
            if app.runner.paused:
                app.runner.pause(False)
            app.set_speed(speed)  # + and - moved it; keep the speed measured
        app.runner.stop()
    return times


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--presses", type=int, default=50)
    p.add_argument("--scene", default="two-layer")
    args = p.parse_args()
    print(f"key latency, {args.presses} presses per key, scene {args.scene}, 160x48, ms")
    print(f"{'key':<14}{'speed':<9}{'median':>8}{'worst':>8}")
    for speed in ("lecture", "full"):
        times = asyncio.run(measure(args.scene, speed, args.presses))
        for key, ms in times.items():
            if ms:
                print(f"{key:<14}{speed:<9}{statistics.median(ms):8.1f}{max(ms):8.1f}")


if __name__ == "__main__":
    main()

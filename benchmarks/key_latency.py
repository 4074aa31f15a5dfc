"""How long a key takes to show its effect, at lecture pace and at full speed.

    python benchmarks/key_latency.py [--presses 50] [--scene two-layer] [--size 160x48]
                                     [--keys o,z,f,g] [--speed lecture,full]

The app runs headless (``App.run_test``, 160x48 or ``--size``) on the real engine in its own
processes, as a user runs it. Each press is timed as a terminal delivers it: from the moment
the key event is handed to the app (the driver's queue, where a real key arrives) until the
first screen refresh that ends after the app handled it (its action ran): the key's effect is
on screen then. ``s`` shows the node its step runs, which the engine process sends a few ms
after the key: its time ends at the first refresh that ends after that node reached the view
state (and so the panes). A key bound to nothing (``UNBOUND``) shows nothing: its time ends
when the app processed it. Nothing waits for the app to go idle, which it never does while a
run goes on. Toggle keys are pressed in pairs so the app keeps its state; ``?`` opens the help
and escape closes it (both timed). ``--keys`` presses only some keys (their names, or the
characters ``?``, ``+``, ``-``), ``--speed`` measures only some speeds. Prints the median and
the worst per key and speed, in wall time and in the CPU time the app's thread spent meanwhile
(its handling of the key, and the frames and folds it did before the key's effect was on
screen). Wall times on a shared machine swing with its load: compare medians, read the worst as
"what a student may see once", and read the CPU times for what the app itself costs.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run from a checkout

KEYS = ("x", "space", "question_mark", "escape", "g", "o", "z", "m", "f", "plus", "minus", "s")
"""Keys a lecturer presses while the scene runs (help's escape closes what ? opened)."""
UNBOUND = frozenset({"x"})
"""Keys bound to nothing: they have no effect to show, so their time ends when the app has
handled them (what delivering a key costs, behind whatever frame was under way), not at the
next refresh, which the frames' own schedule decides (at full speed the status line is redrawn
``tui.app.frame.STATUS_HZ`` times a second)."""

CHARS = {"space": " ", "question_mark": "?", "plus": "+", "minus": "-"}


class Clock:
    """When the app last handled a key and when its screens last finished a refresh that
    shows what the key waits for (``shows``: None, any refresh)."""

    def __init__(self) -> None:
        self.handled = 0.0
        self.refreshed = 0.0
        self.shows: Callable[[], bool] | None = None

    def install(self) -> None:
        from textual.app import App
        from textual.screen import Screen

        clock = self
        run_action, on_key, refresh = App.run_action, App._on_key, Screen._compositor_refresh

        async def timed_action(app: Any, *args: Any, **kwargs: Any) -> Any:
            try:
                return await run_action(app, *args, **kwargs)
            finally:
                clock.handled = time.perf_counter()

        async def timed_key(app: Any, event: Any) -> Any:
            try:
                return await on_key(app, event)
            finally:
                clock.handled = max(clock.handled, time.perf_counter())

        def timed_refresh(screen: Any) -> Any:
            try:
                return refresh(screen)
            finally:
                if clock.shows is None or clock.shows():
                    clock.refreshed = time.perf_counter()

        App.run_action = timed_action  # type: ignore[method-assign]
        App._on_key = timed_key  # type: ignore[method-assign]
        Screen._compositor_refresh = timed_refresh  # type: ignore[method-assign]


async def press(app: Any, clock: Clock, key: str) -> tuple[float, float]:
    """Deliver ``key``; ms until a refresh ended after the app handled it (30 s at most), and
    the CPU ms this thread (the app's) spent meanwhile."""
    from textual import events

    clock.shows = None
    if key == "s":  # the stepped node, once it reached the view state
        before = app.state.current
        clock.shows = lambda: app.state.current is not before
    cpu0 = time.thread_time()
    t0 = time.perf_counter()
    clock.handled = 0.0
    event = events.Key(key, CHARS.get(key, key if len(key) == 1 else None))
    event.set_sender(app)
    app._driver.send_message(event)
    end = t0 + 30
    shows = key not in UNBOUND
    while (
        not (clock.handled > t0 and (clock.refreshed > clock.handled or not shows))
        and time.perf_counter() < end
    ):
        await asyncio.sleep(0.001)
    return (time.perf_counter() - t0) * 1e3, (time.thread_time() - cpu0) * 1e3


async def measure(
    scene: str,
    speed: str,
    presses: int,
    size: tuple[int, int] = (160, 48),
    keys: tuple[str, ...] = KEYS,
) -> dict[str, list[tuple[float, float]]]:
    from tui.app.cgviz_app import make_app

    clock = Clock()
    clock.install()
    app = make_app(scene=scene, speed=speed, engine="process", iterations=100_000, freeze_gc=True)
    times: dict[str, list[tuple[float, float]]] = {k: [] for k in keys}
    async with app.run_test(size=size) as pilot:
        await pilot.pause(2.0)  # the engine processes start and the first nodes arrive
        for _ in range(presses):
            for key in keys:
                if key == "s" and not app.runner.paused:
                    continue  # step only means something while paused (space pauses it)
                if key == "plus" and app.runner.speed == "full":
                    continue  # nothing to show: already at full speed
                times[key].append(await press(app, clock, key))
                await asyncio.sleep(0.05)  # a lecturer's keys come apart
            if app.runner.paused:
                app.runner.pause(False)
            app.set_speed(speed)  # + and - moved it; keep the speed measured
        app.runner.stop()
    return times


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--presses", type=int, default=50)
    p.add_argument("--scene", default="two-layer")
    p.add_argument("--size", default="160x48", help="the terminal, COLSxROWS")
    p.add_argument("--keys", default=",".join(KEYS), help="the keys pressed, in turn (comma list)")
    p.add_argument("--speed", default="lecture,full", help="the speeds measured (comma list)")
    args = p.parse_args()
    cols, rows = (int(n) for n in args.size.split("x"))
    names = {CHARS.get(k, k): k for k in KEYS}
    keys = tuple(names.get(k, k) for k in args.keys.split(","))
    print(f"key latency, {args.presses} presses per key, scene {args.scene}, {args.size}, ms")
    print(f"{'key':<14}{'speed':<9}{'median':>8}{'worst':>8}{'cpu med':>9}{'cpu max':>9}")
    for speed in args.speed.split(","):
        times = asyncio.run(measure(args.scene, speed, args.presses, (cols, rows), keys))
        for key, pairs in times.items():
            if pairs:
                ms, cpu = [w for w, _ in pairs], [c for _, c in pairs]
                print(
                    f"{key:<14}{speed:<9}{statistics.median(ms):8.1f}{max(ms):8.1f}"
                    f"{statistics.median(cpu):9.1f}{max(cpu):9.1f}"
                )


if __name__ == "__main__":
    main()

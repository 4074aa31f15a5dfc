"""The default scene as a class first sees it: both sides mid-iteration, side by side.

The events are the real engine's: each side of ``two-layer`` runs here, as its own engine
process runs it in the app, and the app folds both sides' events up to a point inside their
second iteration (each stamped with its side, as the app's PairRunner stamps them). Fake
timings make the picture the same on every machine.
"""

from __future__ import annotations

from typing import Any

from engine.events import recording
from tests.tui.conftest import CPU_FACTS
from tui.app.cgviz_app import make_app
from tui.engine_link.child import Job

CUT = {"static": ("node_started", 12), "eager": ("node_created", 7)}
"""Where each side stops: after this many events of this kind in its second iteration."""


def side_events(side: str) -> list[dict[str, Any]]:
    """The events of ``side`` from its start to its cut, stamped with the side as ``src``."""
    with recording() as events:
        Job(scene="two-layer", iterations=2, seed=0, side=side)()
    kind, count = CUT[side]
    starts = [i for i, e in enumerate(events) if e["kind"] == "iteration_started"]
    assert len(starts) == 2, f"{side}: two iterations expected"
    seen, end = 0, len(events)
    for i in range(starts[1], len(events)):
        if events[i]["kind"] == kind:
            seen += 1
            if seen == count:
                end = i + 1
                break
    assert seen == count, f"{side}: the cut lies past the iteration's end"
    return [{**e, "src": side} for e in events[:end]]


def first_iteration(events: list[dict[str, Any]]) -> int:
    """How many of a side's events its first iteration takes (to its ``iteration_finished``)."""
    return next(i for i, e in enumerate(events) if e["kind"] == "iteration_finished") + 1


def test_both_sides_mid_iteration(snap_compare) -> None:
    static, eager = side_events("static"), side_events("eager")
    a, b = first_iteration(static), first_iteration(eager)
    app = make_app(
        scene="two-layer",
        deterministic=True,
        autostart=False,
        gpu_status=lambda: (False, "no cupy (test)"),
        device_info=lambda name: dict(CPU_FACTS),
    )

    async def run_before(pilot: Any) -> None:
        # the first iterations, drawn (the eager pane makes its map of the first as a class
        # sees it end), then the second up to the cut
        for part in (static[:a] + eager[:b], static[a:] + eager[b:]):
            app.runner.inbox.extend(part)
            app.drain()
            await pilot.pause()

    assert snap_compare(app, terminal_size=(160, 48), run_before=run_before)

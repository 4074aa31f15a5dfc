"""Shared helpers for the UI tests: a deterministic app on the synthetic scene."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.notifications import Notification, Notify

from engine.events import EventStream
from tests.tui.synthetic import SyntheticScene
from tui.app.cgviz_app import CgvizApp, make_app

CPU_FACTS = {
    "device": "cpu",
    "name": "Test CPU",
    "cores": 8,
    "clock_ghz": 3.0,
    "memory_bytes": 16 * 2**30,
}


def build_app(
    iterations: int = 2,
    fail_at: int | None = None,
    scene_options: dict[str, Any] | None = None,
    **options: Any,
) -> CgvizApp:
    """A deterministic app: synthetic events on a private stream, fake timings, no GPU.

    ``scene_options`` go to the SyntheticScene (``optimized=True``, ``data=("disk", ...)``).
    """
    stream = EventStream()
    scene = SyntheticScene(stream=stream, fail_at=fail_at, **(scene_options or {}))
    options.setdefault("speed", "full")
    options.setdefault("deterministic", True)
    options.setdefault("gpu_status", lambda: (False, "no cupy (test)"))
    return make_app(
        scenes={
            "two-layer": scene,
            "two-layer-copy": SyntheticScene(name="two-layer-copy", stream=stream),
        },
        iterations=iterations,
        stream=stream,
        device_info=lambda name: dict(CPU_FACTS),
        **options,
    )


class Notified:
    """Every notification the app raised, however long ago: pass one as
    ``app.run_test(message_hook=...)`` and read ``notes`` (or ``pairs``). A message hook sees
    each ``Notify`` as the app takes it, where ``app._notifications`` drops one whose timeout
    (8 to 10 s of wall clock) has run out as it is read: a test whose notice was raised during
    a run it then waits out (``finish``) would find it gone on a loaded machine."""

    def __init__(self) -> None:
        self.notes: list[Notification] = []

    def __call__(self, message: Any) -> None:
        if isinstance(message, Notify):
            self.notes.append(message.notification)

    @property
    def pairs(self) -> list[tuple[str, str]]:
        """(title, message) of each notification, in the order raised."""
        return [(n.title, n.message) for n in self.notes]


async def wait_until(pilot: Any, predicate: Callable[[], bool], timeout: float = 5.0) -> None:
    """Poll (with a delay, so a running engine thread cannot stall the wait)."""
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while not predicate():
        assert loop.time() < end, "condition not reached in time"
        await pilot.pause(0.02)


async def finish(pilot: Any) -> None:
    """Wait for the engine run to end, then fold every event in."""
    app = pilot.app
    await app.workers.wait_for_complete()
    app.drain()
    await pilot.pause()


HERE = Path(__file__).parent


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """A UI test that starts the app (a pilot test, async; or a snapshot) takes a second or
    more: it is marked ``slow`` (``pytest -m "not slow"`` leaves it out of the inner loop)."""
    for item in items:
        if HERE not in item.path.parents:
            continue
        pilot = inspect.iscoroutinefunction(getattr(item, "function", None))
        if pilot or "snap_compare" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.slow)


@pytest.fixture
def app_factory() -> Callable[..., CgvizApp]:
    return build_app

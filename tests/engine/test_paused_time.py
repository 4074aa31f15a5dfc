"""No paused time is counted in any op: ops that hold other ops (While, If) included.

A fake clock makes the check exact: it moves only while the pacer "pauses" (one second each
time), so every op's time in a paced run must be what the kernels took on that clock: zero.
"""

from __future__ import annotations

import pytest

from engine import devices, events
from engine.eager import tracing
from engine.events import STREAM
from engine.scenes import SCENES


class FakeClock:
    """perf_counter_ns that advances only when :meth:`pause` says so."""

    def __init__(self) -> None:
        self.now = 0

    def perf_counter_ns(self) -> int:
        return self.now

    def pause(self, event: dict) -> None:
        if event.get("kind") in ("node_created", "node_started"):
            self.now += 1_000_000_000


@pytest.mark.parametrize("scene", ["loops", "conditional", "two-layer"])
def test_slow_motion_never_shows_in_an_op(monkeypatch: pytest.MonkeyPatch, scene: str) -> None:
    clock = FakeClock()
    monkeypatch.setattr(events, "_clock", clock.perf_counter_ns)
    monkeypatch.setattr(tracing, "_clock", clock.perf_counter_ns)
    monkeypatch.setattr(devices.time, "perf_counter_ns", clock.perf_counter_ns)
    seen: list[dict] = []
    undo = STREAM.subscribe(seen.append)
    STREAM.set_pacer(clock.pause)
    try:
        SCENES[scene].run(device="cpu", iterations=1, seed=0)
    finally:
        STREAM.set_pacer(None)
        undo()
    finished = [e for e in seen if e["kind"] == "node_finished" and e.get("dur_ns")]
    assert clock.now > 0, "the pacer never paused: the check would prove nothing"
    ops = {e.get("op") for e in seen if e["kind"] == "node_finished"}
    assert ops, f"{scene}: no op ran: the check would prove nothing"
    if scene == "loops":
        assert ops & {"While", "Foldl", "foldl"}, f"no loop op ran: {sorted(ops)}"
    slow = {(e.get("op"), e["dur_ns"]) for e in finished}
    assert not slow, f"{scene}: paused time counted in ops: {sorted(slow)[:5]}"

"""Slow motion never shows as compute: spans that hold several events leave the pacer's
pauses out.

The engine's clocks are replaced by a fake one that moves a nanosecond per reading, and the
pacer "sleeps" by moving it a whole PAUSE_NS: a duration that counted a single pause would be
at least PAUSE_NS, whatever the machine's speed, and nothing here sleeps.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import numpy as np
import pytest

import engine.eager as torch
import engine.eager.tracing
import engine.events
import engine.static as tf
from engine.events import STREAM, Event, recording

PAUSE_NS = 10**12  # a 1000 s pause per event, on the fake clock


class FakeClock:
    def __init__(self) -> None:
        self.now = 0
        self.pauses = 0

    def __call__(self) -> int:
        self.now += 1
        return self.now

    def pacer(self, event: Event) -> None:
        self.pauses += 1
        self.now += PAUSE_NS


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeClock]:
    fake = FakeClock()
    monkeypatch.setattr(time, "perf_counter_ns", fake)
    monkeypatch.setattr(engine.events, "_clock", fake)
    monkeypatch.setattr(engine.eager.tracing, "_clock", fake)
    monkeypatch.setattr(STREAM, "_t0", 0)
    yield fake


def paced(clock: FakeClock, fn: Callable[[], object]) -> list[Event]:
    STREAM.set_pacer(clock.pacer)
    try:
        with recording() as events:
            fn()
    finally:
        STREAM.set_pacer(None)
    assert clock.pauses == len(events)  # the pacer ran after every event
    return events


def pauses_inside(events: list[Event], start: Event, end: Event) -> int:
    """Paced events strictly between ``start`` and ``end`` (each paused once inside the span)."""
    return events.index(end) - events.index(start) - 1


def test_a_paced_session_run_reports_its_compute_not_its_pauses(clock: FakeClock) -> None:
    tf.reset_default_graph()
    x = tf.placeholder(tf.float32, shape=(4, 3))
    loss = tf.reduce_sum(tf.matmul(x, tf.constant(np.ones((3, 2), np.float32))) ** 2)
    sess = tf.Session()
    events = paced(clock, lambda: sess.run(loss, {x: np.ones((4, 3))}))
    (started,) = [e for e in events if e["kind"] == "run_started"]
    (done,) = [e for e in events if e["kind"] == "run_finished"]
    inside = pauses_inside(events, started, done)
    assert inside >= 3, [e["kind"] for e in events]  # the run's node events paused inside it
    assert done["t_ns"] - started["t_ns"] > inside * PAUSE_NS  # the wall clock saw the pauses
    assert 0 < done["dur_ns"] < PAUSE_NS, done  # the run's duration saw none of them


def test_a_paced_eager_iteration_reports_its_compute_not_its_pauses(clock: FakeClock) -> None:
    torch.new_iteration()
    x = torch.ones(4, 3)

    def two_iterations() -> None:
        for _ in range(2):
            (x * 2.0).sum()
        torch.new_iteration()

    events = paced(clock, two_iterations)
    started = [e for e in events if e["kind"] == "iteration_started"]
    finished = [e for e in events if e["kind"] == "iteration_finished"]
    assert finished and len(started) >= len(finished)
    for begin, end in zip(started, finished, strict=False):
        assert begin["iteration"] == end["iteration"]
        inside = pauses_inside(events, begin, end)
        assert inside >= 3, [e["kind"] for e in events]
        assert end["t_ns"] - begin["t_ns"] > inside * PAUSE_NS
        assert 0 < end["dur_ns"] < PAUSE_NS, end

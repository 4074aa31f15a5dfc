"""The default scene's two sides at the same time, one engine process each: the same math."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator

import numpy as np
import pytest

import engine.scenes  # noqa: F401 - job_for recognises the engine's own scenes
from engine.events import unpacked
from tui.engine_link.pair import PairRunner
from tui.engine_link.process import Job, job_for
from tui.engine_link.runner import PACED

SIDES = ("static", "eager")
pytestmark = pytest.mark.slow  # starts two engine processes


@pytest.fixture
def pair() -> Iterator[PairRunner]:
    r = PairRunner(speed="full")
    yield r
    r.close()


def wait_for(predicate: Callable[[], bool], timeout: float = 20.0) -> None:
    """Poll ``predicate`` until it holds (a deadline, not a measurement)."""
    end = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < end, "condition not reached in time"
        time.sleep(0.01)


def two_layer(iterations: int) -> Job:
    job = job_for(engine.scenes.SCENES["two-layer"], "cpu", iterations, 0)
    assert job is not None and job.sides == SIDES
    return job


def test_both_sides_run_and_compute_the_same_losses(pair: PairRunner) -> None:
    pair.run(two_layer(4))
    events = unpacked(pair.inbox)  # (each side's summaries come packed)
    assert [e["kind"] for e in events].count("runner") == 1 and events[-1]["state"] == "finished"
    assert {e.get("src") for e in events[:-1]} == set(SIDES)  # every event says its side
    for side in SIDES:
        own = [e for e in events if e.get("src") == side]
        assert [e["kind"] for e in own].count("iteration_finished") == 4, side
        assert {e["mode"] for e in own if "mode" in e and e["kind"] != "scene"} == {side}
    loss = {
        side: [e["value"] for e in events if e["kind"] == "metric" and e.get("src") == side]
        for side in SIDES
    }
    assert len(loss["static"]) == len(loss["eager"]) == 4
    assert loss["static"][-1] < loss["static"][0]  # it learns
    np.testing.assert_allclose(loss["static"], loss["eager"], rtol=1e-5)  # float32 rounding


def test_a_step_moves_both_sides_at_once(pair: PairRunner) -> None:
    """Paused, each side holds at its first paced event: both are under way together."""
    pair.pause(True)
    thread = threading.Thread(target=pair.run, args=(two_layer(2),), daemon=True)
    thread.start()

    def paced(side: str) -> int:
        return sum(1 for e in list(pair.inbox) if e.get("src") == side and e["kind"] in PACED)

    wait_for(lambda: paced("static") == 1 and paced("eager") == 1)
    assert pair.running and pair.paused
    pair.step()
    wait_for(lambda: paced("static") == 2 and paced("eager") == 2)
    pair.stop()
    thread.join(10)
    assert not thread.is_alive() and not pair.running


def test_a_one_sided_job_runs_on_one_process(pair: PairRunner) -> None:
    job = job_for(engine.scenes.SCENES["tf-train"], "cpu", 2, 0)
    assert job is not None and not job.sides
    pair.run(job)
    events = list(pair.inbox)
    assert events[-1] == {"kind": "runner", "state": "finished"}
    assert not any("src" in e for e in events) and pair.other._child is None

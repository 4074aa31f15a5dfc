"""A run stopped mid-iteration leaves no stale eager iteration behind for the next run."""

from __future__ import annotations

import pytest

from engine.events import STREAM, Stopped, recording
from engine.scenes import get_scene


def test_next_run_after_a_stop_announces_its_first_iteration():
    def stop_inside_an_iteration(event):
        if event["kind"] == "node_created" and event.get("mode") == "eager":
            raise Stopped

    STREAM.set_pacer(stop_inside_an_iteration)
    try:
        with recording(), pytest.raises(Stopped):
            get_scene("torch-autograd").run(iterations=3, small=True)
    finally:
        STREAM.set_pacer(None)
    with recording() as events:
        get_scene("torch-autograd").run(iterations=2, small=True)
    kinds = [e["kind"] for e in events]
    first_node = kinds.index("node_created")
    assert "iteration_started" in kinds[:first_node]
    assert "graph_created" in kinds[:first_node]
    started = [e for e in events if e["kind"] == "iteration_started"]
    assert len(started) == 2

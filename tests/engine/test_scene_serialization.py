"""S3: the saved graph runs in a fresh process, without the code that built it."""

from __future__ import annotations

import os

import numpy as np
import pytest

from engine.events import recording
from engine.scenes import get_scene
from engine.static.run_saved import run_in_fresh_process

pytestmark = pytest.mark.slow  # each test starts a fresh Python process


def test_fresh_process_loss_equals_in_process_loss_and_its_events_are_replayed():
    with recording() as events:
        ns = get_scene("serialization").run(iterations=2, small=True)
    assert np.isfinite(ns["loss_here"])
    assert ns["loss_there"] == ns["loss_here"]
    report = run_in_fresh_process.last
    assert report["pid"] != os.getpid()
    assert "engine.scenes" not in report["modules"], "the child imported the scenes"
    assert not any("listings" in m for m in report["modules"])
    fresh = [e for e in events if e.get("process") == "fresh"]
    kinds = [e["kind"] for e in fresh]
    assert kinds[0] == "graph_created" and fresh[0]["graph"].startswith("fresh:")
    assert {"node_created", "run_started", "node_finished", "run_finished"} <= set(kinds)
    assert kinds.index("node_created") < kinds.index("run_started")
    assert all(e["graph"].startswith("fresh:") for e in fresh if "graph" in e)
    assert not any(e.get("source") for e in fresh if e["kind"] == "node_created"), (
        "nodes imported from a file have no source line"
    )


def test_without_listeners_the_child_writes_no_trace_and_still_answers():
    ns = get_scene("serialization").run(iterations=1, small=True)
    assert ns["loss_there"] == ns["loss_here"]

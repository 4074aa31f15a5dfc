"""Chrome trace export: valid JSON, one process per device, monotonic lanes."""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

import pytest

from engine.chrome import to_chrome_trace, write_chrome_trace
from engine.events import EventStream, recording

Event = dict[str, Any]


def _events() -> list[Event]:
    """A small static run on the CPU and an eager iteration on the GPU, as the engine emits."""
    stream = EventStream()
    with recording(stream) as events:
        e = stream.emit
        e("scene", name="demo", title="Demo", device="cpu")
        e("graph_created", graph="g0", mode="static", name="default")
        e(
            "node_created",
            graph="g0",
            node=0,
            name="Placeholder",
            op="Placeholder",
            inputs=[],
            shape=[4, 6],
            dtype="float32",
            device="cpu",
            mode="static",
            source="demo.py:3",
        )
        e(
            "node_created",
            graph="g0",
            node=1,
            name="MatMul",
            op="MatMul",
            inputs=[0, 0],
            shape=[4, 4],
            dtype="float32",
            device="cpu",
            mode="static",
            source="demo.py:4",
            flops=192,
            bytes=64,
        )
        for run in range(2):
            e("run_started", graph="g0", run=run, fetches=["MatMul:0"], plan=[0, 1])
            for node in (0, 1):
                e("node_started", graph="g0", node=node, device="cpu")
                e(
                    "node_finished",
                    graph="g0",
                    node=node,
                    device="cpu",
                    dur_ns=1500,
                    shape=[4, 4],
                    dtype="float32",
                    bytes=64,
                    flops=192,
                )
            e("run_finished", graph="g0", run=run, dur_ns=5000)
            e("metric", name="loss", value=3.5 - run, mode="static", iteration=run)
        e("iteration_started", mode="eager", iteration=0)
        e("graph_created", graph="e0", mode="eager", iteration=0)
        e("transfer", direction="H2D", bytes=96, dur_ns=800, device="gpu", reason="feed")
        e(
            "node_created",
            graph="e0",
            node=0,
            name="mm",
            op="MatMul",
            inputs=[],
            shape=[4, 4],
            dtype="float32",
            device="gpu",
            mode="eager",
            source="demo.py:9",
        )
        e("node_started", graph="e0", node=0, device="gpu")  # (traces of earlier versions)
        # a GPU kernel measured longer than the host gap before the next launch
        e("node_finished", graph="e0", node=0, device="gpu", dur_ns=10**9)
        e(
            "node_created",
            graph="e0",
            node=1,
            name="clamp",
            op="Maximum",
            inputs=[0],
            shape=[4, 4],
            dtype="float32",
            device="gpu",
            mode="eager",
            source="demo.py:10",
        )
        e("node_started", graph="e0", node=1, device="gpu")
        e("node_finished", graph="e0", node=1, device="gpu", dur_ns=2000)
        e("iteration_finished", mode="eager", iteration=0, dur_ns=9000)
        e("error", type="RuntimeError", message="boom", graph="e0", node=1)
    return events


def test_trace_is_valid_json(tmp_path):
    path = write_chrome_trace(_events(), tmp_path / "t.json")
    trace = json.loads(path.read_text())
    assert isinstance(trace["traceEvents"], list) and trace["traceEvents"]
    for ev in trace["traceEvents"]:
        assert ev["ph"] in {"M", "X", "i", "C"}, ev
        assert isinstance(ev["pid"], int) and isinstance(ev["tid"], int), ev


def test_one_process_per_device():
    trace = to_chrome_trace(_events())
    names = {
        ev["pid"]: ev["args"]["name"]
        for ev in trace["traceEvents"]
        if ev["ph"] == "M" and ev["name"] == "process_name"
    }
    assert sorted(names.values()) == ["cpu (numpy)", "gpu (cupy)"]
    assert len(set(names)) == 2
    used = {ev["pid"] for ev in trace["traceEvents"] if ev["ph"] != "M"}
    assert used == set(names)


def test_nodes_are_spans_named_from_node_created():
    trace = to_chrome_trace(_events())
    spans = [ev for ev in trace["traceEvents"] if ev["ph"] == "X" and ev["cat"] != "transfer"]
    assert [ev["name"] for ev in spans] == ["Placeholder", "MatMul"] * 2 + ["mm", "clamp"]
    matmul = spans[1]
    assert matmul["dur"] == 1.5  # µs, from dur_ns
    assert matmul["args"]["op"] == "MatMul" and matmul["args"]["flops"] == 192
    assert matmul["args"]["source"] == "demo.py:4"
    static_tids = {ev["tid"] for ev in spans if ev["cat"] == "static"}
    eager_tids = {ev["tid"] for ev in spans if ev["cat"] == "eager"}
    assert len(static_tids) == len(eager_tids) == 1 and static_tids != eager_tids


def test_markers_transfers_and_counters():
    trace = to_chrome_trace(_events())
    evs = trace["traceEvents"]
    instants = [ev["name"] for ev in evs if ev["ph"] == "i"]
    assert "Session.run #0" in instants and "iteration 0" in instants
    assert "error: RuntimeError" in instants
    transfers = [ev for ev in evs if ev["ph"] == "X" and ev["cat"] == "transfer"]
    assert len(transfers) == 1 and transfers[0]["args"]["bytes"] == 96
    counters = [ev for ev in evs if ev["ph"] == "C"]
    assert [ev["args"]["loss"] for ev in counters] == [3.5, 2.5]


def test_timestamps_monotonic_and_spans_disjoint_per_lane():
    trace = to_chrome_trace(_events())
    lanes: dict[tuple[int, int], list[dict[str, Any]]] = defaultdict(list)
    for ev in trace["traceEvents"]:
        if ev["ph"] != "M":
            lanes[(ev["pid"], ev["tid"])].append(ev)
    spans = [ev for evs in lanes.values() for ev in evs if ev["ph"] == "X"]
    assert len(lanes) >= 2 and len(spans) >= 2, lanes  # something to check
    for lane, evs in lanes.items():
        stamps = [ev["ts"] for ev in evs]
        assert stamps == sorted(stamps), lane
        end = 0.0
        for ev in evs:
            if ev["ph"] == "X":
                assert ev["ts"] >= end, (lane, ev)
                end = ev["ts"] + ev["dur"]


def test_empty_events_give_an_empty_trace():
    assert to_chrome_trace([])["traceEvents"] == []


def test_real_scene_trace_has_static_and_eager_lanes():
    from engine.scenes import get_scene

    with recording() as events:
        get_scene("two-layer").run(iterations=2, small=True)
    trace = json.loads(json.dumps(to_chrome_trace(events)))
    spans = [ev for ev in trace["traceEvents"] if ev["ph"] == "X"]
    assert {ev["cat"] for ev in spans} >= {"static", "eager"}
    assert all(ev["name"] and ev["dur"] >= 0 for ev in spans)
    assert {ev["args"]["name"] for ev in trace["traceEvents"] if ev["name"] == "process_name"} == {
        "cpu (numpy)"
    }
    lanes: dict[tuple[int, int], list[float]] = defaultdict(list)
    for ev in trace["traceEvents"]:
        if ev["ph"] != "M":
            lanes[(ev["pid"], ev["tid"])].append(ev["ts"])
    assert all(ts == sorted(ts) for ts in lanes.values())


def test_nan_loss_still_gives_strict_json(tmp_path):
    stream = EventStream()
    with recording(stream) as events:
        stream.emit("metric", name="loss", value=float("nan"), mode="eager", iteration=0)
        stream.emit("metric", name="loss", value=1.0, mode="eager", iteration=1)
        stream.emit("error", type="FloatingPointError", message="overflow", node=float("inf"))
    path = write_chrome_trace(events, tmp_path / "nan.json")
    trace = json.loads(path.read_text(), parse_constant=lambda c: pytest.fail(f"bare {c}"))
    assert [ev["args"]["loss"] for ev in trace["traceEvents"] if ev["ph"] == "C"] == [1.0]


def test_an_eager_node_without_node_started_starts_dur_ns_before_its_finish():
    stream = EventStream()
    with recording(stream) as events:
        stream.emit("graph_created", graph="e0", mode="eager", iteration=0)
        stream.emit(
            "node_created",
            graph="e0",
            node=0,
            name="mm",
            op="MatMul",
            inputs=[],
            device="cpu",
            mode="eager",
        )
        stream.emit("node_finished", graph="e0", node=0, device="cpu", dur_ns=4000, flops=8)
    span = next(ev for ev in to_chrome_trace(events)["traceEvents"] if ev["ph"] == "X")
    finished = events[-1]
    assert span["name"] == "mm" and span["dur"] == pytest.approx(4.0)
    assert span["ts"] == pytest.approx((finished["t_ns"] - 4000) / 1000)


def test_a_parallel_run_puts_each_worker_on_its_own_row():
    """Perfetto shows the overlap: each node on its worker's row, the run markers on the
    static row, the worker in the span's args."""
    import numpy as np

    import engine.static as tf
    from engine.static import schedule
    from tests.engine.static.test_parallel import two_branches

    graph = tf.Graph()
    with graph.as_default():
        x, _, left, right = two_branches(64)
    config = tf.ConfigProto(inter_op_parallelism_threads=2)
    with tf.Session(graph=graph, config=config) as sess, schedule.policy("always"):
        feed = {x: np.full((64, 64), 0.01, np.float32)}
        with recording() as events:
            sess.run([left, right], feed)
    trace = to_chrome_trace(events)["traceEvents"]
    rows = {ev["tid"]: ev["args"]["name"] for ev in trace if ev["name"] == "thread_name"}
    by_node = {(e["node"]): e["worker"] for e in events if e["kind"] == "node_finished"}
    spans = [ev for ev in trace if ev["ph"] == "X"]
    assert {ev["args"]["worker"] for ev in spans} == {0, 1}  # both workers ran nodes
    for ev in spans:
        worker = by_node[ev["args"]["node"]]
        assert ev["args"]["worker"] == worker
        assert rows[ev["tid"]] == f"static graph (Session.run) · worker {worker}"
    markers = [ev for ev in trace if ev["ph"] == "i" and ev["cat"] == "run"]
    assert markers and {rows[ev["tid"]] for ev in markers} == {"static graph (Session.run)"}

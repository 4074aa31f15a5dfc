"""STREAM.want(..., "totals"): a static run sends op totals instead of node events."""

from __future__ import annotations

import numpy as np

import engine.static as tf
from engine.events import KINDS, Detail, recording


def build():
    x = tf.placeholder(tf.float32, shape=(4, 3))
    w = tf.Variable(tf.random_normal((3, 2)))
    loss = tf.reduce_mean(tf.reduce_sum(tf.matmul(x, w) ** 2, axis=1))
    (g,) = tf.gradients(loss, [w])
    return x, loss, w.assign(w - 0.1 * g)


def runs(how: Detail) -> list[dict]:
    """Two training steps recorded wanting ``how`` much detail (the same graph every time)."""
    x, loss, step = build()
    feed = {x: np.ones((4, 3), np.float32)}
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        with recording(detail=how) as events:
            for _ in range(2):
                sess.run([loss, step], feed_dict=feed)
    return events


def unit(events: list[dict], run: int) -> list[dict]:
    """The events of the ``run``-th run (from its iteration_started)."""
    starts = [i for i, e in enumerate(events) if e["kind"] == "iteration_started"]
    end = starts[run + 1] if run + 1 < len(starts) else len(events)
    return events[starts[run] : end]


def folded(events: list[dict], run: int) -> dict[str, list[int]]:
    """{op: [calls, flops]} of the node_finished events of the ``run``-th run."""
    out: dict[str, list[int]] = {}
    for e in unit(events, run):
        if e["kind"] == "node_finished":
            t = out.setdefault(e["op"], [0, 0])
            t[0] += 1
            t[1] += e.get("flops", 0)
    return out


def test_a_run_with_totals_sends_one_op_totals_matching_its_node_events():
    full, totals_run = runs("nodes"), runs("totals")
    assert not [
        e for e in totals_run if e["kind"] in ("run_started", "node_started", "node_finished")
    ]
    totals = [e for e in totals_run if e["kind"] == "op_totals"]
    assert len(totals) == 2 and all(set(KINDS["op_totals"]) <= set(e) for e in totals)
    for run, total in enumerate(totals):
        assert total["mode"] == "static" and total["device"] == "cpu"
        assert {op: [c, f] for op, (c, _, f) in total["ops"].items()} == folded(full, run)
        nodes = sum(1 for e in unit(full, run) if e["kind"] == "node_started")
        assert total["skimmed"] == 2 * nodes + 1  # and the run_started
        assert total["ops"]["MatMul"][1] > 0
        after = totals_run[totals_run.index(total) + 1]
        assert after["kind"] == "run_finished" and after["graph"] == total["graph"]
    summary = [
        (e["kind"], e.get("name"))
        for e in full
        if e["kind"] in ("iteration_started", "run_finished", "metric", "iteration_finished")
    ]
    # (metric values differ: each graph has a fresh random w)
    assert summary == [
        (e["kind"], e.get("name"))
        for e in totals_run
        if e["kind"] in ("iteration_started", "run_finished", "metric", "iteration_finished")
    ]
    assert {"node_started", "node_finished"} <= {e["kind"] for e in runs("nodes")}

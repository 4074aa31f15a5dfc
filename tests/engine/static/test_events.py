"""Events of the static front end: graph and node creation, runs, plans, metrics, transfers."""

from __future__ import annotations

import numpy as np
import pytest

import engine.static as tf
from engine import devices
from engine.events import read_trace, recording, trace_to


def kinds(events, kind):
    return [e for e in events if e["kind"] == kind]


def build_t3():
    x = tf.placeholder(tf.float32, shape=(4, 3))
    w = tf.Variable(tf.random_normal((3, 2)))
    loss = tf.reduce_mean(tf.reduce_sum(tf.matmul(x, w) ** 2, axis=1))
    (g,) = tf.gradients(loss, [w])
    new_w = w.assign(w - 0.1 * g)
    return x, w, loss, new_w


def test_graph_and_node_creation_events():
    with recording() as events:
        x, w, loss, new_w = build_t3()
    (created,) = kinds(events, "graph_created")
    gid = created["graph"]
    assert created["mode"] == "static" and gid.startswith("static:") and created["name"]
    nodes = kinds(events, "node_created")
    ops = tf.get_default_graph().get_operations()
    assert [n["name"] for n in nodes] == [op.name for op in ops]
    assert [n["node"] for n in nodes] == [op.id for op in ops]
    mm = next(n for n in nodes if n["name"] == "MatMul")
    assert mm["inputs"] == [x.op.id, w.value().op.id] and mm["op"] == "MatMul"
    assert (mm["shape"], mm["dtype"], mm["mode"], mm["flops"]) == (
        [4, 2],
        "float32",
        "static",
        2 * 4 * 3 * 2,
    )
    assert mm["source"].startswith(__file__) and mm["line"] > 0
    grads = [n for n in nodes if n["name"].startswith("gradients/")]
    assert grads and all(n["grad_of"] is not None for n in grads)
    assert (
        next(n for n in grads if n["name"] == "gradients/MatMul_grad/MatMul")["grad_of"]
        == mm["node"]
    )
    assert next(n for n in nodes if n["name"] == "Variable/read")["scope"] == "Variable"


def test_a_run_reports_plan_nodes_metrics_and_iterations():
    x, w, loss, new_w = build_t3()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        with recording() as events:
            (loss_val,) = sess.run([loss], {x: np.ones((4, 3))})  # T3: the assign is pruned
            sess.run([loss, new_w], {x: np.ones((4, 3))})
    gid = tf.get_default_graph().graph_id
    first, second = kinds(events, "run_started")
    assert (first["graph"], first["run"], second["run"]) == (gid, 2, 3)
    assert first["fetches"] == [loss.op.id] and first["device"] == "cpu"
    assign_id = new_w.op.id
    assert assign_id not in first["plan"] and assign_id in second["plan"]
    assert first["plan"] == sorted(first["plan"])
    run1 = events[events.index(first) : events.index(second)]
    started = [e["node"] for e in kinds(run1, "node_started")]
    finished = kinds(run1, "node_finished")
    assert started == first["plan"] == [e["node"] for e in finished]
    assert all(e["dur_ns"] >= 0 and e["device"] == "cpu" for e in finished)
    mean = next(e for e in finished if e["node"] == loss.op.id)
    assert (mean["shape"], mean["dtype"]) == ([], "float32")
    (done,) = kinds(run1, "run_finished")
    assert done["graph"] == gid and done["run"] == 2 and done["dur_ns"] > 0
    (metric,) = kinds(run1, "metric")  # named as the listing names it
    assert metric == {
        **metric,
        "name": "loss",
        "value": float(loss_val),
        "mode": "static",
        "iteration": 2,
    }
    assert [e["iteration"] for e in kinds(events, "iteration_started")] == [2, 3]
    assert not kinds(events, "transfer"), "no transfers on the CPU"


def test_a_late_subscriber_gets_the_graph_announced_before_the_run():
    c = tf.constant(1.0) + 1
    with tf.Session() as sess, recording() as events:
        sess.run(c)
    names = [e["kind"] for e in events]
    assert names.index("graph_created") < names.index("node_created") < names.index("run_started")


def test_cond_events_light_only_the_taken_branch():
    p = tf.placeholder(tf.bool, shape=())
    q = tf.placeholder(tf.float32, shape=())
    y = tf.cond(p, lambda: q * 2, lambda: q + 1)
    g = tf.get_default_graph()
    then_ids = {o.id for o in g.get_operations() if o.name.startswith("cond/mul")}
    else_ids = {o.id for o in g.get_operations() if o.name.startswith("cond/add")}
    with tf.Session() as sess, recording() as events:
        assert sess.run(y, {p: False, q: 1.0}) == 2.0
    (start,) = kinds(events, "run_started")
    assert set(start["branches"][str(y.op.id)]["then"]) == then_ids
    ran = {e["node"] for e in kinds(events, "node_started")}
    assert else_ids <= ran and not then_ids & ran


def test_foldl_body_nodes_run_once_per_element():
    xs = tf.placeholder(tf.float32, shape=(3, 2))
    w = tf.placeholder(tf.float32, shape=(2,))
    y = tf.foldl(lambda acc, v: (acc + v) * w, xs, tf.zeros((2,)))
    body = {
        o.id
        for o in tf.get_default_graph().get_operations()
        if o.name in ("foldl/add", "foldl/mul")
    }
    with tf.Session() as sess, recording() as events:
        sess.run(y, {xs: np.ones((3, 2)), w: [1.0, 2.0]})
    ran = [e["node"] for e in kinds(events, "node_started") if e["node"] in body]
    assert len(ran) == 3 * len(body)


def test_errors_are_events_before_they_are_raised():
    p = tf.placeholder(tf.float32, shape=(2,))
    with tf.Session() as sess, recording() as events, pytest.raises(tf.errors.OpError):
        sess.run(p * 2)
    (err,) = kinds(events, "error")
    assert err["node"] == p.op.id and err["graph"] == p.graph.graph_id
    assert kinds(events, "run_finished")[0]["failed"] is True


def test_soft_placement_is_logged(monkeypatch):
    monkeypatch.setattr(devices, "_probe_gpu", lambda: (None, "no cupy"))
    with recording() as events:
        with tf.device("/gpu:0"):
            c = tf.constant(2.0) * 3
    created = next(e for e in kinds(events, "node_created") if e["name"] == "mul")
    assert created["device"] == "cpu" and created["requested_device"] == "/device:GPU:0"
    assert "soft placement" in created["placement"] and "no cupy" in created["placement"]
    with tf.Session() as sess, recording() as events:
        assert sess.run(c) == 6.0
    (start,) = kinds(events, "run_started")
    assert {f["name"] for f in start["fallbacks"]} >= {"mul"}
    assert all(f["device"] == "cpu" and f["reason"] == "no cupy" for f in start["fallbacks"])


def test_transfers_on_a_simulated_gpu():
    from tests import fakecupy

    with devices.simulated_gpu(fakecupy):
        x = tf.placeholder(tf.float32, shape=(2, 3))
        w = tf.Variable(np.ones((3, 2), np.float32))
        loss = tf.reduce_sum(tf.matmul(x, w))
        with tf.Session(device="gpu") as sess:
            sess.run(tf.global_variables_initializer())
            with recording() as events:
                out = sess.run(loss, {x: np.ones((2, 3))})
    assert isinstance(out, np.float32) and out == 12.0
    moves = [
        (e["direction"], e["reason"], e["bytes"], e["device"]) for e in kinds(events, "transfer")
    ]
    assert moves == [("H2D", "feed", 24, "gpu"), ("D2H", "fetch", 4, "gpu")]
    assert {e["device"] for e in kinds(events, "node_finished")} == {"gpu"}
    assert kinds(events, "run_started")[0]["device"] == "gpu"


def test_events_make_a_valid_trace(tmp_path):
    x, w, loss, new_w = build_t3()
    path = tmp_path / "t3.jsonl"
    with trace_to(path), tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for _ in range(2):
            sess.run([loss, new_w], {x: np.ones((4, 3))})
    header, events = read_trace(path)
    assert len(kinds(events, "run_finished")) == 3


def test_copies_between_devices_are_planned_once_and_reported():
    from tests import fakecupy

    with devices.simulated_gpu(fakecupy):
        x = tf.placeholder(tf.float32, shape=(2,))
        with tf.device("/gpu:0"):
            a = x * 2.0
            b = x + 1.0
        c = a + b  # on the session's device, the CPU
        with tf.Session() as sess, recording() as events:
            out = sess.run(c, {x: [1.0, 2.0]})
    np.testing.assert_array_equal(out, [4.0, 7.0])
    assert type(out) is np.ndarray
    moves = sorted((e["direction"], e["reason"]) for e in kinds(events, "transfer"))
    assert moves == [("D2H", "edge"), ("D2H", "edge"), ("H2D", "edge")], "x is copied up once"
    devices_of = {e["name"]: e["device"] for e in kinds(events, "node_finished")}
    assert (devices_of["mul"], devices_of["add"], devices_of["add_1"]) == ("gpu", "gpu", "cpu")


def test_node_finished_facts_follow_the_fed_shapes_run_after_run():
    """A plan's node events are sent from per-node templates: the facts of a run's value
    (shape, bytes, flops) must still be those of that run when the fed shape changes."""
    tf.reset_default_graph()
    x = tf.placeholder(tf.float32, shape=(None, 3))
    w = tf.constant(np.ones((3, 2), np.float32))
    y = tf.matmul(x, w)
    with tf.Session() as sess, recording() as events:
        for n in (2, 5, 2):
            sess.run(y, feed_dict={x: np.ones((n, 3), np.float32)})
    mm = [e for e in kinds(events, "node_finished") if e["node"] == y.op.id]
    assert [e["shape"] for e in mm] == [[2, 2], [5, 2], [2, 2]]
    assert [e["flops"] for e in mm] == [2 * n * 3 * 2 for n in (2, 5, 2)]
    assert [e["bytes"] for e in mm] == [n * 2 * 4 for n in (2, 5, 2)]
    started = [e for e in kinds(events, "node_started") if e["node"] == y.op.id]
    assert len(started) == 3 and len({e["seq"] for e in started}) == 3
    fed = [e for e in kinds(events, "node_finished") if e["node"] == x.op.id]
    assert [e["shape"] for e in fed] == [[2, 3], [5, 3], [2, 3]] and all(e["feed"] for e in fed)

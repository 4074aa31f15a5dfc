"""STREAM.want(..., "totals"): a static run sends op totals instead of node events."""

from __future__ import annotations

import threading

import numpy as np
import pytest

import engine.static as tf
from engine.events import KINDS, STREAM, Detail, recording
from engine.static import execute


@pytest.fixture(autouse=True)
def one_sample(monkeypatch):
    """A plan's first skimmed run times its ops, the later ones of a test run untimed."""
    monkeypatch.setattr(execute, "TIMED_HZ", 1e-6)  # a sample every 11 days


def build():
    x = tf.placeholder(tf.float32, shape=(4, 3))
    w = tf.Variable(tf.random_normal((3, 2)))
    loss = tf.reduce_mean(tf.reduce_sum(tf.matmul(x, w) ** 2, axis=1))
    (g,) = tf.gradients(loss, [w])
    return x, loss, w.assign(w - 0.1 * g)


def runs(how: Detail, n: int = 2) -> list[dict]:
    """``n`` training steps recorded wanting ``how`` much detail (the same graph every time)."""
    x, loss, step = build()
    feed = {x: np.ones((4, 3), np.float32)}
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        with recording(detail=how) as events:
            for _ in range(n):
                sess.run([loss, step], feed_dict=feed)
    return events


def counted(total: dict) -> dict[str, list[int]]:
    """{op: [calls, flops]} of an ``op_totals``, its timed and its untimed calls together."""
    out = {op: [c, f] for op, (c, _, f) in total["ops"].items()}
    for op, (c, f) in total.get("untimed", {}).items():
        t = out.setdefault(op, [0, 0])
        t[0] += c
        t[1] += f
    return out


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
        assert counted(total) == folded(full, run)
        nodes = sum(1 for e in unit(full, run) if e["kind"] == "node_started")
        assert total["skimmed"] == 2 * nodes + 1  # and the run_started
        after = totals_run[totals_run.index(total) + 1]
        assert after["kind"] == "run_finished" and after["graph"] == total["graph"]
    assert totals[0]["ops"]["MatMul"][1] > 0 and "untimed" not in totals[0]  # the sample
    assert totals[1]["ops"] == {} and totals[1]["untimed"]["MatMul"][0] == 1  # between samples
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


def timed_runs(events: list[dict]) -> list[bool]:
    """Per ``op_totals``, whether its run timed its ops."""
    return [bool(e["ops"]) for e in events if e["kind"] == "op_totals"]


def test_a_skimmed_run_between_samples_times_no_op_and_counts_what_a_timed_run_counts():
    full, skimmed = runs("nodes", 4), runs("totals", 4)
    totals = [e for e in skimmed if e["kind"] == "op_totals"]
    assert timed_runs(skimmed) == [True, False, False, False]
    for run, total in enumerate(totals):
        assert counted(total) == folded(full, run), f"run {run}"
        assert (total["ops"] == {}) == ("untimed" in total)  # timed whole, or not at all
    assert [e["kind"] for e in unit(skimmed, 2)] == [
        "iteration_started",
        "op_totals",
        "run_finished",
        "metric",
        "iteration_finished",
    ]
    assert unit(skimmed, 2)[2]["dur_ns"] > 0  # the run itself is timed, as every run is


def test_every_skimmed_run_is_timed_without_sampling(monkeypatch):
    monkeypatch.setattr(execute, "TIMED_HZ", 0)
    assert timed_runs(runs("totals", 3)) == [True, True, True]


def test_a_node_run_does_not_stand_for_a_sample():
    """The run a UI draws node by node times its ops; the skimmed run after it still samples."""
    x, loss, step = build()
    feed = {x: np.ones((4, 3), np.float32)}
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        with recording(detail="nodes") as drawn:
            sess.run([loss, step], feed_dict=feed)
        with recording(detail="totals") as events:
            for _ in range(2):
                sess.run([loss, step], feed_dict=feed)
    assert any(e["kind"] == "node_finished" for e in drawn)
    assert timed_runs(events) == [True, False]


def test_a_plan_whose_shapes_are_known_only_when_run_times_every_skimmed_run():
    x = tf.placeholder(tf.float32, shape=(None, 3))  # the batch is known when fed
    w = tf.constant(np.ones((3, 2), np.float32))
    loss = tf.reduce_sum(tf.matmul(x, w))
    with tf.Session() as sess, recording(detail="totals") as events:
        for n in (4, 4, 5):
            sess.run(loss, feed_dict={x: np.ones((n, 3), np.float32)})
    assert timed_runs(events) == [True, True, True]
    flops = [e["ops"]["MatMul"][2] for e in events if e["kind"] == "op_totals"]
    assert flops == [2 * 4 * 3 * 2, 2 * 4 * 3 * 2, 2 * 5 * 3 * 2]


def cond_runs(how: Detail) -> list[dict]:
    """Three runs of a cond (then, else, then) recorded wanting ``how`` much detail."""
    x = tf.placeholder(tf.float32, shape=(2, 2))
    p = tf.placeholder(tf.bool, shape=())
    out = tf.cond(p, lambda: tf.matmul(x, x), lambda: x + 1.0)
    with tf.Session() as sess, recording(detail=how) as events:
        for pred in (True, False, True):
            sess.run(out, feed_dict={x: np.ones((2, 2), np.float32), p: pred})
    return events


def test_a_plan_with_a_branch_times_every_skimmed_run():
    events = cond_runs("totals")
    # one op_totals a run, its branch's ops in it (the branch is a plan of its own)
    assert [bool(e["ops"]) for e in events if e["kind"] == "op_totals"] == [True] * 3


def test_a_skimmed_runs_branch_sends_totals_not_node_events():
    """A cond's branch runs as its run reports: in a skimmed run it sends no node event (the
    panes never get half a graph) and its ops count in op totals, as node events count them."""
    full, skimmed = cond_runs("nodes"), cond_runs("totals")
    assert not [e for e in skimmed if e["kind"] in ("run_started", "node_started", "node_finished")]
    for run in range(3):
        (total,) = [e for e in unit(skimmed, run) if e["kind"] == "op_totals"]
        added = counted(total)
        assert added == folded(full, run), f"run {run}"
        assert ("MatMul" in added) == (run != 1)  # the branch taken
        unsent = sum(
            e["kind"] in ("run_started", "node_started", "node_finished") for e in unit(full, run)
        )
        assert total["skimmed"] == unsent


def test_a_skimmed_run_sends_one_op_totals_however_many_times_its_loop_body_ran():
    """A foldl's body is a plan run once per element: a skimmed run adds each body run's ops
    into its own totals and sends them once, as many calls as the elements."""
    steps = 40
    x = tf.placeholder(tf.float32, shape=(steps, 3))
    y0 = tf.placeholder(tf.float32, shape=(3,))
    w = tf.placeholder(tf.float32, shape=(3,))
    y = tf.foldl(lambda prev, cur: (prev + cur) * w, x, y0)
    feed = {x: np.ones((steps, 3), np.float32), y0: np.zeros(3, np.float32), w: np.ones(3)}
    recorded = {}
    with tf.Session() as sess:
        for how in ("nodes", "totals"):
            with recording(detail=how) as recorded[how]:
                sess.run(y, feed_dict=feed)
                sess.run(y, feed_dict=feed)
    full, skimmed = recorded["nodes"], recorded["totals"]
    totals = [e for e in skimmed if e["kind"] == "op_totals"]
    assert len(totals) == 2  # one a run (one device), not one a body run
    for run, total in enumerate(totals):
        added = counted(total)
        assert added["Add"] == [steps, 3 * steps] and added["Mul"] == [steps, 3 * steps]
        assert added == folded(full, run), f"run {run}"
        assert total["ops"]["Add"][1] > 0  # the body's ops timed
        unsent = sum(
            e["kind"] in ("run_started", "node_started", "node_finished") for e in unit(full, run)
        )
        assert total["skimmed"] == unsent


def test_a_plan_whose_count_disagrees_with_its_timed_run_is_always_timed(monkeypatch):
    """A timed run checks what the plan alone would count; a plan that counted wrong (here a
    FLOP rule made to lie) never goes untimed."""
    monkeypatch.setattr(execute, "_static_flops", lambda op: 7 if op.type == "MatMul" else 0)
    assert timed_runs(runs("totals", 3)) == [True, True, True]


def test_each_of_two_runs_of_one_plan_at_once_reports_its_branch_as_it_reports_itself(
    monkeypatch,
):
    """One thread's run is skimmed while another thread's run of the same plan is drawn node
    by node: how much each run's branch reports is that run's, not the last one started."""
    x = tf.placeholder(tf.float32, shape=(2, 2))
    p = tf.placeholder(tf.bool, shape=())
    out = tf.cond(p, lambda: tf.matmul(x, x), lambda: x + 1.0)
    feed = {x: np.ones((2, 2), np.float32), p: True}
    in_branch, drawn = threading.Event(), threading.Event()
    nested = execute.Plan.run_nested

    def run_nested(plan, inputs, outer):
        if threading.current_thread() is skimmer:  # the drawn run starts and ends meanwhile
            in_branch.set()
            assert drawn.wait(10), "the drawn run did not end"
        return nested(plan, inputs, outer)

    sent: list[tuple[threading.Thread, dict]] = []
    with tf.Session() as sess:
        sess.run(out, feed_dict=feed)  # (the plan is made)

        def draw():
            assert in_branch.wait(10), "the skimmed run did not reach its branch"
            sess.run(out, feed_dict=feed)
            drawn.set()

        skimmer = threading.Thread(target=sess.run, args=(out,), kwargs={"feed_dict": feed})
        drawer = threading.Thread(target=draw)
        monkeypatch.setattr(execute.Plan, "run_nested", run_nested)
        monkeypatch.setattr(
            STREAM, "open_unit", lambda mode, key=None: threading.current_thread() is drawer
        )
        unsubscribe = STREAM.subscribe(lambda e: sent.append((threading.current_thread(), e)))
        try:
            for t in (skimmer, drawer):
                t.start()
            for t in (skimmer, drawer):
                t.join(20)
        finally:
            unsubscribe()
    assert drawn.is_set() and not skimmer.is_alive()
    kinds = {t: [e["kind"] for by, e in sent if by is t] for t in (skimmer, drawer)}
    assert "node_finished" not in kinds[skimmer] and "op_totals" in kinds[skimmer]
    assert "op_totals" not in kinds[drawer] and kinds[drawer].count("node_finished") > 3


def test_a_plans_first_run_sends_its_nodes_whatever_the_rate():
    """At full speed the UI wants nodes from one run a second; a plan it has not seen (the
    training step after the initializer) sends them anyway, so its pane shows that plan."""
    x, loss, step = build()
    feed = {x: np.ones((4, 3), np.float32)}
    events: list[dict] = []
    unsubscribe = STREAM.subscribe(events.append)
    STREAM.want(events.append, "nodes", nodes_per_s=1 / 3600)  # one run an hour
    try:
        init = tf.global_variables_initializer()
        with tf.Session() as sess:
            sess.run(init)
            for _ in range(3):
                sess.run([loss, step], feed_dict=feed)
            sess.run(init)  # a plan seen before
    finally:
        unsubscribe()
    drawn = [len(e["fetches"]) for e in events if e["kind"] == "run_started"]
    assert drawn == [1, 2]  # the initializer's first run and the step's first, no more
    assert sum(e["kind"] == "op_totals" for e in events) == 3  # two steps, one initializer

"""Eager nodes sent in batches: while every subscriber takes them and no pacer runs, an
iteration's ops (and the leaves they use) arrive as ``OpBatch`` rows, which stand for exactly
the events per-op delivery sends, in the same order among the other events."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import engine.eager as torch
from engine import events as ev
from engine.eager import tracing
from engine.events import STREAM, OpBatch, recording


class Collector:
    """A subscriber taking batches: every event in arrival order, batches expanded."""

    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []
        self.batches: list[int] = []  # each batch's size
        self.batching_seen = False

    def __call__(self, event: dict[str, Any]) -> None:
        self.events.append(event)

    def on_ops(self, batch: OpBatch) -> None:
        self.batching_seen = self.batching_seen or STREAM.batching
        self.batches.append(len(batch))
        self.events.extend(batch.events())


def program(iterations: int = 3) -> None:
    """A training loop with leaves, a metric and a backward in the middle of each iteration."""
    rng = np.random.default_rng(0)
    x = torch.from_numpy(rng.standard_normal((4, 5)).astype(np.float32))
    y = torch.from_numpy(rng.standard_normal((4, 2)).astype(np.float32))
    w1 = torch.from_numpy(rng.standard_normal((5, 3)).astype(np.float32)).requires_grad_()
    w2 = torch.from_numpy(rng.standard_normal((3, 2)).astype(np.float32)).requires_grad_()
    for _t in range(iterations):
        y_pred = x.mm(w1).clamp(min=0).mm(w2)
        loss = (y_pred - y).pow(2).sum()
        loss.item()  # a metric between the ops
        loss.backward()  # grad events
        with torch.no_grad():
            w1 -= 1e-3 * w1.grad
            w2 -= 1e-3 * w2.grad
            w1.grad.zero_()
            w2.grad.zero_()
    tracing.new_iteration()


def _run(subscriber: Any) -> list[dict[str, Any]]:
    tracing.reset(restart=True)
    unsubscribe = STREAM.subscribe(subscriber)
    try:
        program()
    finally:
        unsubscribe()
    return subscriber.events if isinstance(subscriber, Collector) else subscriber


class _List(list):  # a per-event subscriber (no on_ops)
    def __call__(self, event: dict[str, Any]) -> None:
        self.append(event)


def _comparable(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Events less what differs between two runs: times, the seq origin, the sites' serials
    (a site first seen in one run has a new one), the leaves' names' cache."""
    seq0 = events[0]["seq"]
    out = []
    for e in events:
        e = {k: v for k, v in e.items() if k not in ("t_ns", "dur_ns", "site", "norm", "value")}
        e["seq"] -= seq0
        out.append(e)
    return out


def test_batched_ops_stand_for_the_events_sent_one_by_one_in_the_same_order():
    one_by_one = _run(_List())
    collector = Collector()
    batched = _run(collector)
    assert collector.batching_seen and collector.batches
    nodes = [e for e in one_by_one if e["kind"] == "node_created"]
    assert sum(collector.batches) == len(nodes)  # the ops and the leaves they use
    assert {e["op"] for e in nodes} > {"Leaf", "MatMul"}
    assert len(collector.batches) < sum(collector.batches)  # ops went several to a batch
    assert _comparable(batched) == _comparable(one_by_one)
    seqs = [e["seq"] for e in batched]
    assert seqs == list(range(seqs[0], seqs[0] + len(seqs)))  # arrival order is seq order
    ops = [e for e in batched if e["kind"] == "node_created" and e["op"] != "Leaf"]
    assert all(e["dur_ns"] >= 0 and list(e)[:3] == ["seq", "t_ns", "kind"] for e in ops)
    leaves = [e for e in batched if e["kind"] == "node_created" and e["op"] == "Leaf"]
    assert leaves and all("dur_ns" not in e for e in leaves)
    assert all(a["t_ns"] <= b["t_ns"] for a, b in zip(batched, batched[1:], strict=False))


def test_a_subscriber_taking_events_one_by_one_or_a_pacer_gets_each_op_as_it_runs():
    collector = Collector()
    plain: list[dict[str, Any]] = []
    with recording() as _:
        assert STREAM.active and not STREAM.batching
    undo = STREAM.subscribe(collector)
    assert STREAM.batching
    undo_plain = STREAM.subscribe(plain.append)
    assert not STREAM.batching
    undo_plain()
    assert STREAM.batching
    paced: list[str] = []
    STREAM.set_pacer(lambda e: paced.append(e["kind"]))
    try:
        assert not STREAM.batching
        tracing.reset(restart=True)
        program(2)
    finally:
        STREAM.set_pacer(None)
        undo()
    assert not STREAM.active and not STREAM.batching
    assert collector.batches == []  # each op came by itself, the pacer after each
    assert paced == [e["kind"] for e in collector.events]
    assert paced.count("node_created") > 20


def test_ops_not_sent_yet_go_to_a_subscriber_before_it_leaves_and_before_a_new_one_comes():
    first, second = Collector(), Collector()
    tracing.reset(restart=True)
    undo_first = STREAM.subscribe(first)
    x = torch.ones(2, 3)
    y = x * 2.0  # made under the first subscriber alone
    undo_second = STREAM.subscribe(second)
    z = y + 1.0
    undo_first()
    z = z - 1.0
    undo_second()
    tracing.new_iteration()
    names = [[e["name"] for e in c.events if e["kind"] == "node_created"] for c in (first, second)]
    assert names == [["x", "mul", "add"], ["add", "sub"]]


@pytest.mark.parametrize(("flush_ns", "one_batch"), [(0, False), (10**15, True)])
def test_a_batch_goes_at_least_every_flush_ns(monkeypatch, flush_ns, one_batch):
    monkeypatch.setattr(ev, "FLUSH_NS", flush_ns)
    collector = Collector()
    tracing.reset(restart=True)
    undo = STREAM.subscribe(collector)
    try:
        x = torch.ones(3, 3)
        STREAM.flush()  # the clock the next batch is due by starts now
        for _ in range(5):
            x = x + 1.0
    finally:
        undo()  # (sends what is left)
        tracing.new_iteration()
    assert collector.batches == ([6] if one_batch else [1] * 6)  # x's Leaf, the 5 adds


def test_rows_left_over_when_the_subscribers_changed_go_to_each_as_it_takes_events():
    # (a row appended by a thread that read STREAM.batching just before a plain subscriber
    # came): the plain one gets each event, the batch-taking one the batch
    from engine.events import EventStream

    stream = EventStream()
    collector, plain = Collector(), _List()
    stream.subscribe(collector)
    template = {"seq": 0, "t_ns": 0, "kind": "node_created", "graph": None, "node": 0}
    template.update(name="mm", op="MatMul", inputs=None, site=1)
    stream.pending.append((template, "eager:0", 2, [0, 1], 5, 100))
    stream._subscribers = (collector, plain)  # as if subscribed between the check and the row
    stream._on_ops = ()
    stream.flush()
    assert collector.batches == [1]
    assert plain == collector.events
    assert plain[0]["node"] == 2 and plain[0]["dur_ns"] == 5 and plain[0]["inputs"] == [0, 1]

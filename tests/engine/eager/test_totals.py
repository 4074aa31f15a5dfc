"""STREAM.detail = "totals": an eager iteration sends op totals instead of node events."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import engine.eager as torch
from engine.events import KINDS, STREAM, recording

NODE_KINDS = {"node_created", "node_started", "node_finished", "grad"}


@contextmanager
def detail(value: str) -> Iterator[None]:
    """Set STREAM.detail for the block."""
    before = STREAM.detail
    STREAM.detail = value
    try:
        yield
    finally:
        STREAM.detail = before


def loop(iterations: int, how: str) -> list[dict]:
    """A small training loop (a loss metric per iteration) recorded with STREAM.detail = how."""
    torch.manual_seed(0)
    x = torch.randn(4, 5)
    y = torch.randn(4, 2)
    w1 = torch.randn(5, 3, requires_grad=True)
    w2 = torch.randn(3, 2, requires_grad=True)
    with recording() as events, detail(how):
        torch.new_iteration()
        for _ in range(iterations):
            y_pred = x.mm(w1).clamp(min=0).mm(w2)
            loss = (y_pred - y).pow(2).sum()
            loss.item()
            loss.backward()
            with torch.no_grad():
                w1 -= 1e-3 * w1.grad
                w2 -= 1e-3 * w2.grad
                w1.grad.zero_()
                w2.grad.zero_()
        torch.new_iteration()
    return events


def node_totals(events: list[dict], graph: str) -> dict[str, list[int]]:
    """{op: [calls, flops]} of the ops (not leaves) of ``graph``'s node events."""
    ops = {
        (e["node"]): e["op"] for e in events if e["kind"] == "node_created" and e["graph"] == graph
    }
    out: dict[str, list[int]] = {}
    for e in events:
        if e["kind"] == "node_finished" and e["graph"] == graph:
            t = out.setdefault(ops[e["node"]], [0, 0])
            t[0] += 1
            t[1] += e["flops"]
    return out


def summary(events: list[dict]) -> list[tuple]:
    """The iteration and metric events from the first iteration_started, without times."""
    first = next(i for i, e in enumerate(events) if e["kind"] == "iteration_started")
    events = events[first:]  # (new_iteration may first close a graph left open earlier)
    return [
        (e["kind"], e.get("name"), e.get("value"), e.get("mode"))
        for e in events
        if e["kind"] in ("iteration_started", "iteration_finished", "metric")
    ]


def test_totals_send_no_node_events_and_one_op_totals_per_iteration_matching_the_nodes():
    full, folded = loop(3, "nodes"), loop(3, "totals")
    assert not [e for e in folded if e["kind"] in NODE_KINDS]
    totals = [e for e in folded if e["kind"] == "op_totals"]
    finished = [e for e in folded if e["kind"] == "iteration_finished"]
    assert len(totals) == len(finished) == 3  # one device (cpu): one per iteration
    graphs = [e["graph"] for e in full if e["kind"] == "graph_created"]
    for total, graph in zip(totals, graphs, strict=True):
        assert set(KINDS["op_totals"]) <= set(total) and total["mode"] == "eager"
        assert total["device"] == "cpu" and total["skimmed"] > 0
        assert {op: [c, f] for op, (c, _, f) in total["ops"].items()} == node_totals(full, graph)
        assert all(ns > 0 for _, ns, _ in total["ops"].values())
    for e in folded:  # each op_totals comes just before the iteration_finished closing it
        if e["kind"] == "op_totals":
            after = folded[folded.index(e) + 1]
            assert after["kind"] == "iteration_finished"
    assert summary(folded) == summary(full)  # iterations and metrics unchanged
    assert [e["kind"] for e in folded].count("graph_created") == 3


def test_switching_back_to_nodes_restores_node_events():
    loop(2, "totals")
    events = loop(2, "nodes")
    assert not [e for e in events if e["kind"] == "op_totals"]
    assert {"node_created", "node_finished", "grad"} <= {e["kind"] for e in events}


def test_detail_is_read_as_an_iteration_starts_never_halfway():
    x = torch.randn(3, 3)
    with recording() as events:
        torch.new_iteration()
        for i in range(2):
            y = x.mm(x)
            if i == 0:
                STREAM.detail = "totals"  # the first iteration started with "nodes"
            y = y.relu()
        torch.new_iteration()
    STREAM.detail = "nodes"
    first, second = [e["graph"] for e in events if e["kind"] == "graph_created"]
    assert {e["op"] for e in events if e["kind"] == "node_created"} >= {"MatMul", "Relu"}
    assert all(e["graph"] == first for e in events if e["kind"] in NODE_KINDS)
    (total,) = [e for e in events if e["kind"] == "op_totals"]
    assert total["graph"] == second and set(total["ops"]) == {"MatMul", "Relu"}


def test_the_default_is_nodes():
    assert STREAM.detail == "nodes"

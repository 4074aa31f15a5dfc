"""STREAM.want(..., "totals"): an eager iteration sends op totals instead of node events."""

from __future__ import annotations

import engine.eager as torch
from engine.events import KINDS, STREAM, Detail, EventStream, recording

NODE_KINDS = {"node_created", "node_started", "node_finished", "grad"}


def loop(iterations: int, how: Detail) -> list[dict]:
    """A small training loop (a loss metric per iteration) recorded wanting ``how``."""
    torch.manual_seed(0)
    x = torch.randn(4, 5)
    y = torch.randn(4, 2)
    w1 = torch.randn(5, 3, requires_grad=True)
    w2 = torch.randn(3, 2, requires_grad=True)
    with recording(detail=how) as events:
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
    out: dict[str, list[int]] = {}
    for e in events:  # an op that ran: its one node_created, with its dur_ns
        if e["kind"] == "node_created" and e["graph"] == graph and "dur_ns" in e:
            t = out.setdefault(e["op"], [0, 0])
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
    assert not [e for e in folded if e["kind"] in NODE_KINDS | {"graph_created"}]
    totals = [e for e in folded if e["kind"] == "op_totals"]
    finished = [e for e in folded if e["kind"] == "iteration_finished"]
    assert len(totals) == len(finished) == 3  # one device (cpu): one per iteration
    graphs = [e["graph"] for e in full if e["kind"] == "graph_created"]
    for total, graph in zip(totals, graphs, strict=True):
        assert set(KINDS["op_totals"]) <= set(total) and total["mode"] == "eager"
        assert total["device"] == "cpu"
        ops = node_totals(full, graph)
        assert {op: [c, f] for op, (c, _, f) in total["ops"].items()} == ops
        assert total["skimmed"] == 2 * sum(c for c, _ in ops.values()) + 1  # + graph_created
        assert all(ns > 0 for _, ns, _ in total["ops"].values())
    for e in folded:  # each op_totals comes just before the iteration_finished closing it
        if e["kind"] == "op_totals":
            after = folded[folded.index(e) + 1]
            assert after["kind"] == "iteration_finished"
    assert summary(folded) == summary(full)  # iterations and metrics unchanged


def test_switching_back_to_nodes_restores_node_events():
    loop(2, "totals")
    events = loop(2, "nodes")
    assert not [e for e in events if e["kind"] == "op_totals"]
    assert {"node_created", "grad"} <= {e["kind"] for e in events}
    assert any("dur_ns" in e for e in events if e["kind"] == "node_created")


def test_detail_is_read_as_an_iteration_starts_never_halfway():
    x = torch.randn(3, 3)
    with recording() as events:
        STREAM.want(events.append, "nodes")
        torch.new_iteration()
        for i in range(2):
            y = x.mm(x)
            if i == 0:
                STREAM.want(events.append, "totals")  # the first iteration started with nodes
            y = y.relu()
        torch.new_iteration()
    (first,) = [e["graph"] for e in events if e["kind"] == "graph_created"]
    assert {e["op"] for e in events if e["kind"] == "node_created"} >= {"MatMul", "Relu"}
    assert all(e["graph"] == first for e in events if e["kind"] in NODE_KINDS)
    (total,) = [e for e in events if e["kind"] == "op_totals"]
    assert total["graph"] != first and set(total["ops"]) == {"MatMul", "Relu"}


def test_any_subscriber_that_wants_nodes_gets_them() -> None:
    stream = EventStream()
    skims, keeps = [], []
    stream.subscribe(skims.append)
    stream.want(skims.append, "totals")
    assert not stream.open_unit("eager")
    undo = stream.subscribe(keeps.append)  # never asked: every node event
    assert stream.open_unit("eager")
    undo()
    assert not stream.open_unit("static")


def test_a_rate_sends_nodes_for_one_unit_per_mode_per_period() -> None:
    stream = EventStream()
    events: list[dict] = []
    stream.subscribe(events.append)
    stream.want(events.append, "nodes", nodes_per_s=1e-3)  # one unit in 1000 s
    assert [stream.open_unit("eager") for _ in range(3)] == [True, False, False]
    assert stream.open_unit("static")  # each mode has its own
    stream.want(events.append, "nodes")
    assert stream.open_unit("eager")


def test_a_wish_ends_with_its_subscriber() -> None:
    stream = EventStream()
    events: list[dict] = []
    undo = stream.subscribe(events.append)
    stream.want(events.append, "totals")
    undo()
    stream.want(events.append, "totals")  # late (another thread): dropped
    stream.subscribe(events.append)
    assert stream.open_unit("eager")


def test_nobody_asked_means_nodes():
    assert STREAM.open_unit("eager") and STREAM.open_unit("static")

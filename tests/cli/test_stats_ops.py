"""The per-op table names the op of a node a graph pass added (it has no node_created)."""

from __future__ import annotations

from engine.cli.stats import Stats


def test_a_pass_added_node_is_counted_under_its_own_op() -> None:
    stats = Stats()
    stats({"kind": "graph_created", "graph": "static:1", "mode": "static"})
    stats(
        {
            "kind": "node_finished",
            "graph": "static:1",
            "node": 1000001,
            "device": "cpu",
            "dur_ns": 0,
            "op": "Const",
        }
    )
    ops = stats.devices["cpu"].ops
    assert ("static", "Const") in ops and ("static", "?") not in ops

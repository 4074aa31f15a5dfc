"""The headless statistics keep nothing per iteration: ops by (mode, op), iteration times in a
bounded histogram, metrics as first / last / count, and only the current eager graph's nodes."""

from __future__ import annotations

import math
import random
import statistics
from typing import Any

from engine.cli.stats import Durations, Stats, format_tables

OPS = ("Leaf", "MatMul", "Clamp", "MatMul", "Sub", "Square", "Sum")


def _eager_iteration(stats: Stats, it: int, sites: bool) -> None:
    """One eager iteration's events, as the front end sends them (a new graph each time)."""
    graph = f"eager:{it}"
    send = stats
    send({"kind": "iteration_started", "mode": "eager", "iteration": it})
    send({"kind": "graph_created", "graph": graph, "mode": "eager", "iteration": it})
    for node, op in enumerate(OPS):
        site = {"site": node} if sites else {}
        created: dict[str, Any] = {"kind": "node_created", "graph": graph, "node": node}
        send({**created, "name": op.lower(), "op": op, "inputs": [], "mode": "eager", **site})
        if op != "Leaf":
            send(
                {
                    "kind": "node_finished",
                    "graph": graph,
                    "node": node,
                    "device": "cpu",
                    "dur_ns": 1000 + node,
                    "flops": 10,
                    **site,
                }
            )
    send({"kind": "metric", "name": "loss", "value": 100.0 / (it + 1), "mode": "eager"})
    send({"kind": "iteration_finished", "mode": "eager", "iteration": it, "dur_ns": 5000 + it % 50})


def _sizes(stats: Stats) -> tuple[int, ...]:
    steps = stats.devices["cpu"].steps["eager iteration"]
    return (
        sum(len(n) for n in stats.nodes.values()),
        len(stats.graph_mode),
        len(stats.sites),
        len(stats.devices["cpu"].ops),
        len(steps._values or ()) + len(steps._buckets),
    )


def test_memory_does_not_grow_with_iterations() -> None:
    for sites in (True, False):  # eager events with call sites, and older traces without
        stats = Stats()
        for it in range(Durations.EXACT + 100):
            _eager_iteration(stats, it, sites)
            if it == Durations.EXACT + 10:
                early = _sizes(stats)
        assert _sizes(stats) == early, (sites, _sizes(stats), early)
        n = Durations.EXACT + 100
        ops = stats.devices["cpu"].ops
        assert ops[("eager", "MatMul")].calls == 2 * n
        assert ops[("eager", "Sum")].total_ns == n * (1000 + 6)
        assert ("eager", "Leaf") not in ops and ("eager", "?") not in ops
        loss = stats.metrics[("loss", "eager")]
        assert (loss.first, loss.last, loss.count) == (100.0, 100.0 / n, n)
        steps = stats.devices["cpu"].steps["eager iteration"]
        assert (
            steps.count == n
            and steps.min == 5000
            and steps.total == sum(5000 + i % 50 for i in range(n))
        )
        table = format_tables(stats)
        assert f"eager iteration  {n:>5}" in table


def test_durations_median_is_exact_while_few_and_close_when_many() -> None:
    rng = random.Random(7)
    values = [int(rng.lognormvariate(12, 1.5)) for _ in range(50_000)]
    d = Durations()
    for i, v in enumerate(values, start=1):
        d.add(v)
        if i in (1, 2, 3, 100, Durations.EXACT):
            assert d.median() == statistics.median(values[:i]), i
    truth = statistics.median(values)
    assert abs(d.median() - truth) / truth < 0.0015, (d.median(), truth)
    octaves = math.log2(max(values)) - math.log2(min(values)) + 1
    assert d._values is None and len(d._buckets) <= octaves * Durations.PER_OCTAVE
    assert (d.count, d.total, d.min) == (len(values), sum(values), min(values))
    assert d.mean == sum(values) / len(values)


def test_zero_durations_have_a_median_of_zero() -> None:
    d = Durations()
    for _ in range(Durations.EXACT + 5):
        d.add(0)
    assert d.median() == 0 and d.min == 0

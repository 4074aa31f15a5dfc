"""The engine process's skimming, event by event: what a skimmed unit sends and folds."""

from __future__ import annotations

from tui.skimmer import Skimmer
from tui.state import ViewState


def eager_iteration(graph: str) -> list[dict]:
    return [{"kind": "graph_created", "graph": graph, "mode": "eager", "iteration": 0},
            {"kind": "node_created", "graph": graph, "node": 0, "op": "MatMul", "mode": "eager"},
            {"kind": "node_finished", "graph": graph, "node": 0, "device": "cpu",
             "dur_ns": 1000, "flops": 64},
            {"kind": "node_created", "graph": graph, "node": 1, "op": "MatMul", "mode": "eager"},
            {"kind": "node_finished", "graph": graph, "node": 1, "device": "cpu",
             "dur_ns": 3000, "flops": 64},
            {"kind": "iteration_finished", "mode": "eager", "iteration": 0, "dur_ns": 9000}]


def skim(skimmer: Skimmer, events: list[dict], full_speed: bool = True) -> list[dict]:
    """What the child would send of ``events`` (its subscriber's logic)."""
    out = []
    for ev in events:
        if ev["kind"] == "graph_created":
            if skimmer.start(ev, full_speed):
                continue
        elif ev["kind"] == "iteration_finished":
            out.extend(skimmer.finish(ev))
        elif ev["graph"] in skimmer.skipping:
            skimmer.fold(ev)
            continue
        out.append(ev)
    return out


def test_behind_skims_every_iteration_into_op_totals() -> None:
    s = Skimmer()
    s.behind = True
    sent = skim(s, eager_iteration("eager:0"))
    assert [e["kind"] for e in sent] == ["op_totals", "iteration_finished"]
    totals = sent[0]
    assert totals["ops"] == {"MatMul": [2, 4000, 128]} and totals["skimmed"] == 5
    state = ViewState()
    for ev in sent:
        state.apply(ev)
    op = state.devices["cpu"].ops["MatMul"]
    assert (op.count, op.total_ns, op.flops) == (2, 4000, 128)
    assert state.devices["cpu"].gflops == 128 / 4000


def test_full_speed_sends_the_first_iteration_whole_and_skims_the_next() -> None:
    s = Skimmer()
    first = skim(s, eager_iteration("eager:0"))
    second = skim(s, eager_iteration("eager:1"))
    assert len(first) == 6 and [e["kind"] for e in second] == ["op_totals",
                                                                "iteration_finished"]


def test_recording_or_a_paced_run_skims_nothing() -> None:
    s = Skimmer()
    s.behind = s.complete = True
    assert len(skim(s, eager_iteration("eager:0"))) == 6
    s.complete = False
    assert len(skim(s, eager_iteration("eager:1"), full_speed=False)) == 6

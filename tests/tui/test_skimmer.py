"""The engine process's skimming, event by event: what a skimmed unit sends and folds."""

from __future__ import annotations

from tui.engine_link.skimmer import Skimmer
from tui.view.state import ViewState


def eager_iteration(graph: str) -> list[dict]:
    return [
        {"kind": "graph_created", "graph": graph, "mode": "eager", "iteration": 0},
        {"kind": "node_created", "graph": graph, "node": 0, "op": "MatMul", "mode": "eager"},
        {
            "kind": "node_finished",
            "graph": graph,
            "node": 0,
            "device": "cpu",
            "dur_ns": 1000,
            "flops": 64,
        },
        {"kind": "node_created", "graph": graph, "node": 1, "op": "MatMul", "mode": "eager"},
        {
            "kind": "node_finished",
            "graph": graph,
            "node": 1,
            "device": "cpu",
            "dur_ns": 3000,
            "flops": 64,
        },
        {"kind": "iteration_finished", "mode": "eager", "iteration": 0, "dur_ns": 9000},
    ]


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
    assert len(first) == 6 and [e["kind"] for e in second] == ["op_totals", "iteration_finished"]


def test_recording_or_a_paced_run_skims_nothing() -> None:
    s = Skimmer()
    s.behind = s.complete = True
    assert len(skim(s, eager_iteration("eager:0"))) == 6
    s.complete = False
    assert len(skim(s, eager_iteration("eager:1"), full_speed=False)) == 6


def test_engine_sent_totals_pass_with_the_skimmed_count_and_none_are_added() -> None:
    s = Skimmer()
    s.behind = True
    s.start({"kind": "graph_created", "graph": "eager:3", "mode": "eager"}, True)
    engine_totals = {
        "kind": "op_totals",
        "graph": "eager:3",
        "mode": "eager",
        "device": "cpu",
        "ops": {"MatMul": [2, 4000, 128]},
        "skimmed": 4,
    }
    sent = s.sent(engine_totals)
    assert sent["skimmed"] == 5 and sent["ops"] == engine_totals["ops"]  # + the graph_created
    assert engine_totals["skimmed"] == 4  # (the engine's event is not changed)
    assert s.finish({"kind": "iteration_finished", "mode": "eager", "iteration": 3}) == []


class Conn:
    """The child's end of the socket: keeps what it is sent."""

    def __init__(self) -> None:
        self.events: list[dict] = []

    def send(self, message: tuple) -> None:
        self.events.extend(message[1])


def test_the_child_tells_the_engine_to_send_totals_for_the_units_it_skims() -> None:
    from engine.events import STREAM
    from tui.engine_link.child import Controls, Job, run_in_child

    conn, controls = Conn(), Controls()
    controls.behind = True  # skim every iteration
    seen: list[str] = []
    unsubscribe = STREAM.subscribe(lambda e: seen.append(STREAM.detail))
    try:
        assert run_in_child(Job(scene="torch-tensors", iterations=5), conn, controls) == "finished"
    finally:
        unsubscribe()
    assert STREAM.detail == "nodes" and "totals" in seen  # set while running, reset after
    kinds = [e["kind"] for e in conn.events]
    assert not {"node_created", "node_finished", "grad"} & set(kinds)
    totals = [e for e in conn.events if e["kind"] == "op_totals"]
    assert len(totals) == kinds.count("iteration_finished") == 5
    assert all(e["device"] == "cpu" and e["ops"] and e["skimmed"] > 0 for e in totals)
    assert kinds.count("iteration_started") == 5


def test_a_static_scene_skimmed_by_the_child_sends_engine_totals_per_run() -> None:
    from tui.engine_link.child import Controls, Job, run_in_child

    conn, controls = Conn(), Controls()
    controls.behind = True
    assert run_in_child(Job(scene="two-layer", iterations=4), conn, controls) == "finished"
    kinds = [e["kind"] for e in conn.events]
    assert not {"node_started", "node_finished"} & set(kinds)
    totals = [e for e in conn.events if e["kind"] == "op_totals" and e["mode"] == "static"]
    assert len(totals) == kinds.count("run_finished") >= 4
    assert all(e["ops"] and e["device"] == "cpu" for e in totals)
    assert "metric" in kinds

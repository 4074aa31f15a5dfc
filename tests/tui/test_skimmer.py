"""Skimming: what the UI asks the engine for, and what a skimmed unit then sends."""

from __future__ import annotations

from collections import deque

import pytest

from tui.engine_link.skimmer import DETAIL_HZ, HIGH_WATER, LOW_WATER, Backlog, wanted
from tui.view.state import ViewState


def test_the_rule_every_node_when_paced_or_recording_totals_when_behind() -> None:
    assert wanted(full_speed=True, behind=False, complete=False) == ("nodes", DETAIL_HZ)
    assert wanted(full_speed=True, behind=True, complete=False) == ("totals", 0.0)
    assert wanted(full_speed=True, behind=True, complete=True) == ("nodes", 0.0)
    assert wanted(full_speed=False, behind=True, complete=False) == ("nodes", 0.0)


def test_the_backlog_is_behind_over_high_water_until_under_low_water() -> None:
    b = Backlog()
    assert not b.changed(HIGH_WATER) and not b.behind
    assert b.changed(HIGH_WATER + 1) and b.behind
    assert not b.changed(LOW_WATER) and b.behind
    assert b.changed(LOW_WATER - 1) and not b.behind


def test_op_totals_fold_into_the_device_figures() -> None:
    state = ViewState()
    state.apply(
        {
            "kind": "op_totals",
            "graph": "eager:0",
            "mode": "eager",
            "device": "cpu",
            "ops": {"MatMul": [2, 4000, 128]},
            "skimmed": 5,
        }
    )
    op = state.devices["cpu"].ops["MatMul"]
    assert (op.count, op.total_ns, op.flops) == (2, 4000, 128)
    assert state.devices["cpu"].gflops == 128 / 4000


class Conn:
    """The child's end of the socket: keeps what it is sent."""

    def __init__(self) -> None:
        self.events: list[dict] = []

    def send(self, message: tuple) -> None:
        self.events.extend(message[1])


def child_run(scene: str, iterations: int, **controls_set: object) -> list[dict]:
    """The events the engine process sends of ``scene`` with its controls set so."""
    from engine.events import STREAM
    from tui.engine_link.child import Controls, Job, run_in_child

    conn, controls = Conn(), Controls()
    for name, value in controls_set.items():
        setattr(controls, name, value)
    assert run_in_child(Job(scene=scene, iterations=iterations), conn, controls) == "finished"
    assert controls.changed is None and STREAM.open_unit("eager")  # the wish went with the job
    return conn.events


def test_the_child_asks_the_engine_for_totals_while_the_ui_is_behind() -> None:
    events = child_run("torch-tensors", 5, behind=True)
    kinds = [e["kind"] for e in events]
    assert not {"node_created", "node_finished", "grad", "graph_created"} & set(kinds)
    totals = [e for e in events if e["kind"] == "op_totals"]
    assert sum(e.get("units", 1) for e in totals) == kinds.count("iteration_finished") == 5
    assert all(e["device"] == "cpu" and e["ops"] and e["skimmed"] > 0 for e in totals)
    assert kinds.count("iteration_started") == 5


def test_a_static_scene_skimmed_by_the_child_sends_engine_totals_per_run() -> None:
    events = child_run("two-layer", 4, behind=True)
    kinds = [e["kind"] for e in events]
    assert not {"run_started", "node_started", "node_finished"} & set(kinds)
    totals = [e for e in events if e["kind"] == "op_totals" and e["mode"] == "static"]
    assert sum(e.get("units", 1) for e in totals) == kinds.count("run_finished") >= 4
    # each batch counts its runs' ops: timed, or (a sampled plan's runs between its timed
    # ones) untimed; a batch of untimed runs alone has no timed ops
    assert all((e["ops"] or e.get("untimed")) and e["device"] == "cpu" for e in totals)
    assert any(e["ops"] for e in totals)
    assert "metric" in kinds


def test_full_speed_sends_the_first_iteration_whole_and_each_other_whole_or_as_totals() -> None:
    events = child_run("torch-tensors", 5)
    units = [e for e in events if e["kind"] in ("graph_created", "op_totals")]
    assert units[0]["kind"] == "graph_created"
    assert sum(e.get("units", 1) for e in units) == 5  # (a batch's op totals go as one)


@pytest.mark.parametrize("controls", [{"complete": True}, {"delay": 0.001}])
def test_a_recording_or_a_paced_run_skims_nothing(controls: dict) -> None:
    events = child_run("torch-tensors", 3, behind=True, **controls)
    kinds = [e["kind"] for e in events]
    assert "op_totals" not in kinds and kinds.count("graph_created") == 3


def test_a_control_message_asks_the_engine_again() -> None:
    from tui.engine_link.child import Controls

    controls, asked = Controls(), []
    controls.changed = lambda: asked.append(controls.behind)
    controls.apply(("behind", True))
    controls.apply(("speed", 0.0))
    assert asked == [True, True]


def test_the_thread_runner_asks_for_totals_while_its_inbox_is_behind() -> None:
    from tui.engine_link.child import Job
    from tui.engine_link.runner import Runner

    runner = Runner(inbox=deque([{"kind": "old"}] * (HIGH_WATER + 1)), speed="full")
    runner.run(Job(scene="torch-tensors", iterations=3))
    new = list(runner.inbox)[HIGH_WATER + 1 :]
    kinds = [e["kind"] for e in new]
    assert not {"node_created", "node_finished", "graph_created"} & set(kinds)
    totals = [e for e in new if e["kind"] == "op_totals"]
    assert len(totals) == kinds.count("iteration_finished") == 3
    assert runner.skimmed == sum(e["skimmed"] for e in totals) > 0

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


def child_run(
    scene: str, iterations: int, packed: bool = False, **controls_set: object
) -> list[dict]:
    """The events the engine process sends of ``scene`` with its controls set so (``packed``:
    as sent, else with the units' summaries it packed unpacked)."""
    from engine.events import STREAM, unpacked
    from tui.engine_link.child import Controls, Job, run_in_child

    conn, controls = Conn(), Controls()
    for name, value in controls_set.items():
        setattr(controls, name, value)
    assert run_in_child(Job(scene=scene, iterations=iterations), conn, controls) == "finished"
    assert controls.changed is None and STREAM.open_unit("eager")  # the wish went with the job
    return conn.events if packed else unpacked(conn.events)


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


def test_full_speed_packs_the_units_summaries_and_every_loss_point_and_count_arrives() -> None:
    """At full speed the engine process packs the skimmed units' summary events into ``units``
    events: the UI gets every iteration, run and loss value, in order, as a recording does."""
    packed = child_run("two-layer", 40, packed=True)
    kinds = [e["kind"] for e in packed]
    assert "units" in kinds and kinds.count("metric") + kinds.count("iteration_finished") < 10
    events = child_run("two-layer", 40)
    whole = child_run("two-layer", 40, complete=True)  # a recording: nothing skimmed or packed
    assert "units" not in [e["kind"] for e in whole]

    def summary(events: list[dict]) -> list[tuple]:
        keep = ("iteration_started", "run_finished", "metric", "iteration_finished")
        return [
            (e["kind"], e.get("mode"), e.get("iteration"), e.get("run"), e.get("value"))
            for e in events
            if e["kind"] in keep
        ]

    assert summary(events) == summary(whole)
    assert [e["kind"] for e in events].count("iteration_finished") == 80  # both sides' 40
    seqs = [e["seq"] for e in events if "seq" in e and e["kind"] != "op_totals"]
    assert seqs == sorted(seqs)  # unpacked, each stands where the engine sent it (op totals
    # merged move to where their latest stood)


def test_a_packed_batch_folds_into_the_figures_its_events_give() -> None:
    """Folding the ``units`` events gives the view what folding the events they pack gives:
    every loss point at its iteration, the counts, the race's clock, the iteration times, the
    event count."""
    from engine.events import unpacked

    packed = child_run("two-layer", 60, packed=True)
    events = unpacked(packed)
    for fake in (False, True):
        one, other = ViewState(fake_timings=fake), ViewState(fake_timings=fake)
        for e in packed:
            one.apply(dict(e))
        for e in events:
            other.apply(dict(e))

        def figures(st: ViewState) -> tuple:
            devices = {
                name: (
                    {m: list(times) for m, times in d.iterations.items()},
                    {op: (o.count, o.timed, o.total_ns, o.flops) for op, o in d.ops.items()},
                )
                for name, d in st.devices.items()
            }
            loss = {m: (list(v), list(st.loss_at[m])) for m, v in st.loss.items()}
            counts = (st.iteration, st.done, st.done_at, st.started_at, st.events, st.dropped)
            return loss, counts, devices, st.cue

        assert figures(one) == figures(other)
        assert len(one.loss["static"]) == len(one.loss["eager"]) == 60
        assert list(one.loss_at["static"]) == list(one.loss_at["eager"]) == list(range(1, 61))
        assert one.done == {"static": 60, "eager": 60}


def test_the_view_reads_a_units_events_rows_as_the_engine_lays_them_out() -> None:
    from engine.events import ROW_WIDTH, UNIT_ROWS
    from tui.view import state

    assert state.ROW_WIDTH == ROW_WIDTH
    codes = {"iteration_started": state.STARTED, "run_finished": state.RUN_FINISHED}
    codes |= {"metric": state.METRIC, "iteration_finished": state.FINISHED}
    assert [kind for kind, _, _ in UNIT_ROWS] == sorted(codes, key=codes.__getitem__)


def test_a_trace_holding_units_events_replays_to_the_figures_of_the_events_they_pack(
    tmp_path,
) -> None:
    """A recording that caught packed summaries (one started while the run was at full speed)
    reads back and replays to what the same events unpacked replay to."""
    from engine.events import TraceWriter, read_trace, unpacked
    from tui.replay.player import Player

    packed = child_run("two-layer", 30, packed=True)
    traces = []
    for name, events in (
        ("packed", packed),
        ("events", unpacked(packed)),
    ):
        writer = TraceWriter(tmp_path / f"{name}.jsonl")
        for event in events:
            writer(event)
        writer.close()
        traces.append(read_trace(tmp_path / f"{name}.jsonl")[1])
    assert "units" in [e["kind"] for e in traces[0]]
    states = []
    for events in traces:
        player = Player(events, speed="full")
        while not player.finished:
            player.tick(0.1)
        states.append(player.state)
    one, other = states
    assert {m: list(v) for m, v in one.loss.items()} == {m: list(v) for m, v in other.loss.items()}
    assert (one.done, one.iteration, one.events) == (other.done, other.iteration, other.events)
    assert len(one.loss["eager"]) == 30

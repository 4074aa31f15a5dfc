"""The engine in its own process: same events as the thread runner, controls across the
boundary, prompt stops, errors and a dead child as error events, recording, import hygiene."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import engine.scenes  # noqa: F401 - job_for recognises the engine's own scenes
from engine.events import TraceWriter, read_trace, unpacked
from tui.engine_link.child import Controls, run_in_child
from tui.engine_link.process import STOP_GRACE_S, Job, ProcessRunner, job_for
from tui.engine_link.runner import PACED, Runner

SMALL = Job(scene="two-layer", small=True, iterations=2)


@pytest.fixture
def runner() -> Iterator[ProcessRunner]:
    r = ProcessRunner(speed="full")
    yield r
    r.close()


def wait_for(predicate: Callable[[], bool], timeout: float = 10.0) -> None:
    """Poll ``predicate`` until it holds; fail after ``timeout`` seconds (a deadline, not a
    measurement)."""
    end = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < end, "condition not reached in time"
        time.sleep(0.01)


def in_thread(runner: ProcessRunner, job: Job) -> threading.Thread:
    thread = threading.Thread(target=runner.run, args=(job,), daemon=True)
    thread.start()
    return thread


def paced(runner: ProcessRunner) -> int:
    return sum(1 for e in list(runner.inbox) if e.get("kind") in PACED)


def script(tmp_path: Path, text: str) -> Job:
    path = tmp_path / "user.py"
    path.write_text(text, encoding="utf-8")
    return Job(script=str(path), name="script:user.py", title="user.py", caption="")


@pytest.mark.slow
def test_runs_a_scene_to_completion_with_the_thread_runners_kinds(runner: ProcessRunner) -> None:
    runner.run(SMALL)
    kinds = [e["kind"] for e in unpacked(runner.inbox)]  # (the child packs units' summaries)
    thread = Runner(speed="full")
    thread.run(SMALL)  # a Job runs in this process too
    assert kinds[-1] == "runner" and runner.inbox[-1]["state"] == "finished"
    assert set(kinds) - {"op_totals"} == {e["kind"] for e in thread.inbox}  # (skimmed units)
    assert kinds.count("iteration_finished") == 2 * 2  # static and eager, two iterations
    assert not runner.running


@pytest.mark.slow
def test_the_child_imports_cgviz_not_the_started_folders_packages(
    runner: ProcessRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Started in a folder with a package named ``engine`` (a user's project, another
    checkout), the engine process still runs cgviz's own engine."""
    for name in ("engine", "tui"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "__init__.py").write_text(f"raise ImportError('the folder's {name}')")
    monkeypatch.chdir(tmp_path)
    runner.run(SMALL)
    assert runner.inbox[-1]["state"] == "finished"
    assert not [e for e in runner.inbox if e.get("kind") == "error"]


@pytest.mark.slow
def test_the_child_is_kept_between_runs(runner: ProcessRunner) -> None:
    runner.run(SMALL)
    child = runner._child
    runner.inbox.clear()
    runner.run(SMALL)
    assert runner._child is child and runner.inbox[-1]["state"] == "finished"


@pytest.mark.slow
def test_pause_then_step_crosses_to_the_child(runner: ProcessRunner) -> None:
    """Pause and step reach the child (that the child then holds is shown in-process below)."""
    runner.pause(True)
    thread = in_thread(runner, SMALL)
    wait_for(lambda: paced(runner) == 1)
    assert runner.paused and runner.paced and runner.running
    runner.step()
    wait_for(lambda: paced(runner) == 2)
    assert runner.running
    runner.pause(False)
    thread.join(10)
    assert not thread.is_alive() and runner.inbox[-1] == {"kind": "runner", "state": "finished"}


class WatchedCondition(threading.Condition):
    """The child's control condition, watched: ``held`` is set each time the run blocks
    paused; ``slow_waits`` are the timeouts of the slow-motion waits."""

    def __init__(self, controls: Controls) -> None:
        super().__init__()
        self.controls = controls
        self.held = threading.Event()
        self.slow_waits: list[float | None] = []

    def wait(self, timeout: float | None = None) -> bool:
        c = self.controls
        if c.run.paused and c.run.steps == 0 and not c.stopped:
            self.held.set()
        return super().wait(timeout)

    def wait_for(self, predicate: Callable[[], object], timeout: float | None = None) -> object:
        self.slow_waits.append(timeout)
        return super().wait_for(predicate, timeout)


class Conn:
    """The child's end of the socket: keeps the events it is sent."""

    def __init__(self) -> None:
        self.events: list[dict] = []

    def send(self, message: tuple) -> None:
        self.events.extend(message[1])


def run_child_in_thread(job: Job, controls: Controls) -> tuple[Conn, threading.Thread, list[str]]:
    conn, ended = Conn(), []
    thread = threading.Thread(
        target=lambda: ended.append(run_in_child(job, conn, controls)), daemon=True
    )
    thread.start()
    return conn, thread, ended


def sent_paced(conn: Conn) -> int:
    return sum(1 for e in list(conn.events) if e["kind"] in PACED)


@pytest.mark.parametrize("scene", ["two-layer", "torch-tensors"])
def test_a_paused_child_holds_after_each_paced_event_and_a_step_moves_one(scene: str) -> None:
    controls = Controls()
    cond = controls.run.cond = WatchedCondition(controls)
    controls.run.paused = True
    conn, thread, ended = run_child_in_thread(Job(scene=scene, small=True, iterations=2), controls)
    try:
        for n in (1, 2, 3):
            assert cond.held.wait(10), f"the run did not hold at paced event {n}"
            # the run is blocked in the pacer: what it has sent is final until the next step
            assert sent_paced(conn) == n
            assert conn.events[-1]["kind"] in PACED  # held right after the paced event
            if scene == "torch-tensors":
                assert conn.events[-1]["kind"] == "node_created"
                assert conn.events[-1]["mode"] == "eager"
            with cond:  # atomically: a hold seen after this is at the next paced event
                cond.held.clear()
                controls.apply(("step",))
        controls.apply(("pause", False))
        thread.join(10)
    finally:
        controls.apply(("stop", controls.job))
        thread.join(10)
    assert ended == ["finished"] and sent_paced(conn) > 3
    assert not cond.slow_waits  # paused is not slow motion


def test_slow_motion_in_the_child_waits_its_delay_after_every_paced_event() -> None:
    controls = Controls()
    cond = controls.run.cond = WatchedCondition(controls)
    controls.run.delay = 1e-4  # the wait's length is not what is tested: that it is asked for
    conn, thread, ended = run_child_in_thread(SMALL, controls)
    thread.join(20)
    assert ended == ["finished"]
    assert cond.slow_waits == [1e-4] * sent_paced(conn) and sent_paced(conn) > 3
    assert not cond.held.is_set()


@pytest.mark.slow
def test_slow_motion_then_full_speed(runner: ProcessRunner) -> None:
    runner.set_speed("slow")
    thread = in_thread(runner, SMALL)
    wait_for(lambda: paced(runner) >= 2)
    assert runner.running and runner.paced  # slow: the run is not over yet
    runner.set_speed("full")
    thread.join(10)
    assert not thread.is_alive() and runner.inbox[-1]["state"] == "finished"


@pytest.mark.slow
def test_stop_mid_run_is_prompt_and_the_child_stays(runner: ProcessRunner) -> None:
    thread = in_thread(runner, Job(scene="two-layer", small=True, iterations=100_000))
    wait_for(lambda: len(runner.inbox) > 100)
    child = runner._child
    runner.stop()
    thread.join(10)
    assert not thread.is_alive() and not runner.running
    assert runner._child is child  # the child obeyed the stop: it was not killed
    assert runner.inbox[-1]["kind"] != "runner"  # a stop sends no "runner" event
    runner.inbox.clear()
    runner.run(SMALL)
    assert runner.inbox[-1]["state"] == "finished"


@pytest.mark.slow
def test_a_child_deaf_to_stop_is_killed(runner: ProcessRunner, tmp_path: Path) -> None:
    thread = in_thread(runner, script(tmp_path, "import time\nwhile True:\n    time.sleep(1)\n"))
    wait_for(lambda: any(e["kind"] == "scene" for e in runner.inbox))
    runner.stop()
    thread.join(10 + STOP_GRACE_S)
    assert not thread.is_alive() and not runner.running
    assert runner._child is None  # killed after the grace period
    runner.inbox.clear()
    runner.run(SMALL)  # a new child
    assert runner.inbox[-1]["state"] == "finished"


@pytest.mark.slow
def test_an_engine_error_is_an_error_event(runner: ProcessRunner, tmp_path: Path) -> None:
    runner.run(script(tmp_path, "import torch\nx = torch.randn(2, 3)\nx.mm(torch.randn(2, 3))\n"))
    errors = [e for e in runner.inbox if e["kind"] == "error"]
    assert errors and errors[-1]["traceback"] and "user.py" in errors[-1]["traceback"]
    runner.inbox.clear()
    runner.run(Job(scene="no-such-scene"))
    assert [e["type"] for e in runner.inbox if e["kind"] == "error"] == ["KeyError"]


@pytest.mark.slow
def test_a_dead_child_is_an_error_event(runner: ProcessRunner, tmp_path: Path) -> None:
    runner.run(script(tmp_path, "import os\nos._exit(3)\n"))
    error = next(e for e in runner.inbox if e["kind"] == "error")
    assert error["type"] == "EngineProcessDied" and "exit code 3" in error["message"]
    runner.inbox.clear()
    runner.run(SMALL)
    assert runner.inbox[-1]["state"] == "finished"


@pytest.mark.slow
def test_record_through_the_runner_writes_a_readable_trace(
    runner: ProcessRunner, tmp_path: Path
) -> None:
    writer = TraceWriter(tmp_path / "run.jsonl", scene="two-layer")
    undo = runner.subscribe(writer)
    runner.run(SMALL)
    undo()
    writer.close()
    header, events = read_trace(tmp_path / "run.jsonl")
    assert header["scene"] == "two-layer"
    assert [e["kind"] for e in events] == [e["kind"] for e in runner.inbox][:-1]


def test_job_for_describes_engine_scenes_only() -> None:
    from engine.scenes import SCENES

    job = job_for(SCENES["two-layer"], "cpu", 3, 1)
    assert job == Job(
        device="cpu", iterations=3, seed=1, scene="two-layer", sides=("static", "eager")
    )
    assert job_for(SCENES["tf-train"], "cpu", 3, 1) == Job(iterations=3, seed=1, scene="tf-train")
    assert job_for(object(), "cpu", None, 0) is None


@pytest.mark.slow
def test_the_child_module_imports_no_ui() -> None:
    code = (
        "import sys, tui.engine_link.child\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich'))\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.slow
def test_the_live_app_runs_the_engine_in_a_process() -> None:
    from tests.tui.conftest import build_app
    from tui.app.cgviz_app import make_app
    from tui.engine_link.pair import PairRunner

    app = make_app(scene="two-layer", autostart=False)
    assert isinstance(app.runner, PairRunner)  # one engine process per side
    app.runner.close()
    assert isinstance(build_app().runner, Runner)


async def test_the_app_draws_a_run_of_the_engine_process() -> None:
    from tests.tui.conftest import wait_until
    from tui.app.cgviz_app import make_app

    app = make_app(scene="two-layer", iterations=2, speed="full", engine="process")
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_until(pilot, lambda: app.state.finished, timeout=20)
        assert app.static_graph.graph is not None and app.eager_graph.graph is not None
        assert app.state.iteration == {"static": 2, "eager": 1}
        assert app.state.dropped <= app.runner.skimmed  # seq gaps are skims, not losses


@pytest.mark.slow
def test_skimmed_iterations_still_deliver_their_summaries_and_loss(runner: ProcessRunner) -> None:
    runner.run(Job(scene="two-layer", small=True, iterations=30))
    events = unpacked(runner.inbox)
    kinds = [e["kind"] for e in events]
    assert kinds.count("iteration_finished") == 2 * 30 and kinds.count("run_finished") == 30
    assert sum(e["kind"] == "metric" and e.get("mode") == "eager" for e in events) == 30
    totals = [e for e in events if e["kind"] == "op_totals"]
    assert totals and runner.skimmed == sum(e["skimmed"] for e in totals) > 0
    for e in totals:  # timed ops, or a static plan's calls counted without timing (untimed)
        figures = [*e["ops"].values(), *e.get("untimed", {}).values()]
        assert figures and all(f[0] > 0 for f in figures), e
    eager_graphs = {
        e["graph"] for e in events if e["kind"] == "graph_created" and e.get("mode") == "eager"
    }
    assert 0 < len(eager_graphs) < 30  # some iterations came node by node, the rest skimmed
    skimmed = {e["graph"] for e in totals if e["mode"] == "eager"}
    assert not skimmed & eager_graphs
    assert not any(
        e.get("graph") in skimmed
        for e in events
        if e["kind"] in ("node_created", "node_started", "node_finished", "grad")
    )


@pytest.mark.slow
def test_recording_disables_skimming(runner: ProcessRunner) -> None:
    from tui.view.captions import status_text
    from tui.view.state import ViewState

    got: list[dict] = []
    undo = runner.subscribe(got.append)
    assert runner.complete
    assert "recording: nothing skimmed" in status_text(ViewState(), runner, "cpu")
    runner.run(Job(scene="two-layer", small=True, iterations=30))
    undo()
    assert not runner.complete and runner.skimmed == 0
    assert not any(e["kind"] == "op_totals" for e in got)
    assert sum(e["kind"] == "graph_created" and e.get("mode") == "eager" for e in got) == 30


@pytest.mark.slow
def test_a_watching_tap_does_not_stop_skimming(runner: ProcessRunner) -> None:
    got: list[dict] = []
    runner.subscribe(got.append, complete=False)
    runner.run(Job(scene="two-layer", small=True, iterations=30))
    assert runner.skimmed > 0 and any(e["kind"] == "op_totals" for e in got)


@pytest.mark.slow
def test_step_moves_one_eager_node(runner: ProcessRunner) -> None:
    runner.pause(True)
    thread = in_thread(runner, Job(scene="torch-tensors", small=True, iterations=2))
    wait_for(lambda: paced(runner) == 1)
    runner.step()
    wait_for(lambda: paced(runner) == 2)
    created = [e for e in runner.inbox if e["kind"] in PACED]
    assert len(created) == 2 and all(
        e["kind"] == "node_created" and e["mode"] == "eager" for e in created
    )
    assert not any(e["kind"] == "node_started" for e in runner.inbox)
    runner.pause(False)
    thread.join(10)
    assert runner.inbox[-1] == {"kind": "runner", "state": "finished"}


def test_a_batchs_skimmed_op_totals_go_as_one_that_adds_them_up(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """At full speed the child merges a batch's op_totals (one per mode and device); the
    per-op calls, time and FLOPs add up to what the engine sent unit by unit (the untimed calls
    of static runs between samples apart from the timed ones), every other event goes as it
    came, in order, and the merged events' own count as skimmed."""
    from engine.events import STREAM
    from engine.static import execute

    monkeypatch.setattr(execute, "TIMED_HZ", 1e-6)  # the static plan's first run is its sample

    raw: list[dict] = []
    undo = STREAM.subscribe(raw.append)
    STREAM.want(raw.append, "totals")  # the same units' events, none merged
    controls = Controls()  # full speed
    conn, thread, ended = run_child_in_thread(
        Job(scene="two-layer", small=True, iterations=60), controls
    )
    thread.join(60)
    undo()
    assert ended == ["finished"]
    sent = unpacked(conn.events)

    def added(events: list[dict]) -> dict[tuple, list[int]]:
        out: dict[tuple, list[int]] = {}
        for e in events:
            if e["kind"] == "op_totals":
                for how in ("ops", "untimed"):
                    for op, figures in e.get(how, {}).items():
                        have = out.setdefault((e["mode"], e["device"], how, op), [0] * 3)
                        for i, v in enumerate(figures):
                            have[i] += v
        return out

    mine = [e for e in raw if e["kind"] == "op_totals"]
    theirs = [e for e in sent if e["kind"] == "op_totals"]
    assert len(theirs) < len(mine) and added(theirs) == added(mine)
    untimed = [e for e in mine if "untimed" in e]
    assert untimed and any(e.get("units", 1) > 1 and "untimed" in e for e in theirs)
    assert all(e["ops"] == {} and e["mode"] == "static" for e in untimed)
    assert sum(e.get("units", 1) for e in theirs) == len(mine)
    assert sum(e["skimmed"] for e in theirs) == sum(e["skimmed"] for e in mine) + len(mine) - len(
        theirs
    )
    others = [e["seq"] for e in sent if e["kind"] != "op_totals"]
    assert others == [e["seq"] for e in raw if e["kind"] != "op_totals"]
    seqs = [e["seq"] for e in conn.events]  # (a pack's seq is its first event's)
    assert seqs == sorted(seqs)  # a merged event stands where its latest part stood


def test_op_totals_of_a_mode_that_waits_for_data_are_not_merged() -> None:
    from tui.engine_link.child import Totals

    def totals(mode: str, seq: int) -> dict:
        ops = {"MatMul": [1, 10, 100]}
        return {"seq": seq, "kind": "op_totals", "mode": mode, "device": "cpu", "ops": ops}

    first = totals("static", 0)
    merging, batch = Totals(), []
    for event in [
        first,
        totals("static", 1),
        {"seq": 2, "kind": "data", "mode": "eager"},
        totals("eager", 3),
        totals("eager", 4),
        totals("static", 5),
    ]:
        merging.take(event, batch)
    kept = merging.ready(batch)
    assert [e["seq"] for e in kept] == [2, 3, 4, 5]
    assert kept[-1]["ops"] == {"MatMul": [3, 30, 300]} and kept[-1]["units"] == 3
    assert kept[-1]["skimmed"] == 2
    assert first["ops"] == {"MatMul": [1, 10, 100]}  # the engine's events are not changed


def test_untimed_op_totals_merge_by_count_and_the_engines_dicts_stay_as_they_were() -> None:
    """A static plan's untimed runs share one ``untimed`` dict: merged, it is counted once per
    unit and added up as the batch goes, beside the timed ops; nothing the engine sent changes."""
    from tui.engine_link.child import Totals

    counts = {"MatMul": [2, 200], "Sum": [1, 5]}

    def untimed(seq: int) -> dict:
        return {
            "seq": seq,
            "kind": "op_totals",
            "mode": "static",
            "device": "cpu",
            "ops": {},
            "untimed": counts,
            "skimmed": 9,
        }

    timed = {
        "seq": 1,
        "kind": "op_totals",
        "mode": "static",
        "device": "cpu",
        "ops": {"MatMul": [2, 50, 200]},
        "skimmed": 9,
    }
    merging, batch = Totals(), []
    for event in [untimed(0), timed, untimed(2), {"seq": 3, "kind": "metric"}, untimed(4)]:
        merging.take(event, batch)
    sent = merging.ready(batch)
    assert [e["seq"] for e in sent] == [3, 4]
    merged = sent[-1]
    assert merged["untimed"] == {"MatMul": [6, 600], "Sum": [3, 15]}
    assert merged["ops"] == {"MatMul": [2, 50, 200]} and merged["units"] == 4
    assert merged["skimmed"] == 4 * 9 + 3
    assert counts == {"MatMul": [2, 200], "Sum": [1, 5]} and timed["ops"]["MatMul"] == [2, 50, 200]
    merging.take(untimed(5), batch := [])
    assert merging.ready(batch) == [untimed(5)]  # a batch of one: as the engine sent it

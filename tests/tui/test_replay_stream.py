"""A replay reads its trace as a stream: a bounded window of decoded segments, saved states at
segment starts, the same picture however the cursor got there, and a trace cut short or bad
further on said as such.

The recordings are small (a few hundred events) and read in segments of 32 events, so every
path that a 10^6-event trace takes (reading on, dropping a segment, going back to one, a saved
state restored) is taken many times. Sizes and times of a 10^6-event trace are measured in
``benchmarks/replay_memory.py``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from engine.events import EventStream, TraceError, read_trace, trace_to
from engine.trace_read import TraceReader
from tests.tui.synthetic import SyntheticScene
from tui.replay.load import load_recording
from tui.replay.markers import derive_markers
from tui.replay.player import Player
from tui.view.state import ViewState

SEGMENT = 32
WINDOW = 2


@pytest.fixture(scope="module")
def trace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    stream = EventStream()
    path = tmp_path_factory.mktemp("stream") / "run.jsonl"
    with trace_to(path, stream):
        SyntheticScene(stream=stream).run(iterations=6)
    return path


def _open(path: Path, **kw: Any) -> Player:
    recording = load_recording(path, warn=None, segment=SEGMENT, window=WINDOW)
    return Player(recording.events, speed="full", fake_timings=True, **kw)


def _picture(state: ViewState) -> Any:
    """What the panes draw from a state, as plain values."""
    graphs = {
        mode: None
        if g is None
        else (g.id, g.run, g.runs, [(n.id, n.state, n.last_ns, n.grad) for n in g.nodes.values()])
        for mode, g in state.graphs.items()
    }
    current = None if state.current is None else (state.current[0], state.current[1].id)
    return (
        state.events,
        graphs,
        dict(state.iteration),
        dict(state.done),
        {m: list(v) for m, v in state.loss.items()},
        [e.get("message") for e in state.errors],
        current,
        {m: dict(r) for m, r in state.running.items()},
        state.finished,
    )


def test_the_window_stays_bounded_and_each_segment_start_is_saved(trace: Path) -> None:
    _, events = read_trace(trace)
    assert len(events) > 8 * SEGMENT  # many segments, many more than the window holds
    player = _open(trace)
    log = player.events
    assert len(log) == len(events) and log.complete
    while not player.finished:
        player.tick(0.1)
        assert len(log._cache) <= WINDOW
    assert player.pos == len(events) and log.ended
    segments = -(-len(events) // SEGMENT)
    assert set(player._saved) >= set(range(segments))
    assert all(isinstance(s, bytes) for s in player._saved.values())  # pickled, compressed
    decoded = log.decoded
    player.seek(5 * SEGMENT + 7)  # back: one segment read again, no more
    assert log.decoded - decoded <= SEGMENT
    assert player.markers == derive_markers(events)  # found as the segments were read
    assert list(player.stops) == [
        i + 1 for i, e in enumerate(events) if e["kind"] in ("node_created", "node_started")
    ]


def test_the_picture_is_the_same_forward_and_back_across_segment_edges(trace: Path) -> None:
    _, events = read_trace(trace)
    whole = Player(events, speed="full", fake_timings=True)  # in memory, folded forward only
    player = _open(trace)
    player.seek(len(events))
    edges = [k * SEGMENT + d for k in range(1, len(events) // SEGMENT) for d in (-1, 0, 1)]
    for pos in sorted(edges, reverse=True):  # backwards all the way, each from a saved state
        player.seek(pos)
        whole.seek(pos)
        assert player.pos == pos
        assert _picture(player.state) == _picture(whole.state), pos
    # step back from the first event of a segment into the one before, then forward again
    player.seek(3 * SEGMENT)
    player.step(1)
    after = player.pos, _picture(player.state)
    player.step(-1)
    player.step(-1)
    assert player.pos < 3 * SEGMENT
    whole.seek(player.pos)
    assert _picture(player.state) == _picture(whole.state)
    player.step(1)
    player.step(1)
    assert (player.pos, _picture(player.state)) == after


def test_markers_and_steps_forward_read_on_as_far_as_they_need(trace: Path) -> None:
    _, events = read_trace(trace)
    markers = derive_markers(events)
    player = _open(trace)
    player.seek(1)
    seen = []
    while (found := player.marker(1)) is not None:
        seen.append(found.pos)
        assert player.pos == found.pos
    assert seen == sorted({m.pos for m in markers if m.pos > 1})  # two at a place: one stop
    while player.marker(-1) is not None:
        pass
    assert player.pos == markers[0].pos


def _cut(trace: Path, tmp_path: Path, keep: int, mid_line: bool = False) -> Path:
    lines = trace.read_text().splitlines(keepends=True)
    body = lines[: 1 + keep]  # the header and ``keep`` events, no closing line
    if mid_line:
        body.append(lines[1 + keep][:25])
    path = tmp_path / "cut.jsonl"
    path.write_text("".join(body))
    return path


@pytest.mark.parametrize("mid_line", [False, True])
def test_a_recording_cut_short_says_so_at_once_and_replays_what_it_holds(
    trace: Path, tmp_path: Path, mid_line: bool
) -> None:
    keep = 5 * SEGMENT + 11  # past the first segment: the load has not read so far
    path = _cut(trace, tmp_path, keep, mid_line)
    with TraceReader(path) as reader:  # what a whole pass says at its end
        assert sum(1 for _ in reader) == keep
        whole_warning = reader.warning
    warned: list[str] = []
    recording = load_recording(path, warn=warned.append, segment=SEGMENT, window=WINDOW)
    assert warned == [whole_warning] and "incomplete recording" in whole_warning
    assert recording.warning == whole_warning and "incomplete" in recording.label()
    assert len(recording.events) == keep and not recording.events.ended
    player = Player(recording.events, speed="full", fake_timings=True)
    while not player.finished:
        player.tick(0.1)
    assert player.pos == keep and recording.events.ended
    assert recording.warning == whole_warning  # the reader's own, now that it has read it all
    recording.close()


def test_a_bad_line_further_on_stops_the_replay_with_its_one_line(
    trace: Path, tmp_path: Path
) -> None:
    lines = trace.read_text().splitlines(keepends=True)
    bad = 4 * SEGMENT + 3  # an event's index; its line number is bad + 2
    event = json.loads(lines[bad + 1])
    event["kind"] = ["node_created"]
    lines[bad + 1] = json.dumps(event) + "\n"
    path = tmp_path / "bad.jsonl"
    path.write_text("".join(lines))
    recording = load_recording(path, warn=None, segment=SEGMENT, window=WINDOW)  # not read yet
    player = Player(recording.events, speed="full", fake_timings=True)
    with pytest.raises(TraceError, match=rf"bad.jsonl:{bad + 2}: kind: "):
        player.seek(len(recording.events))
    told: list[str] = []
    player = Player(recording.events, speed="full", fake_timings=True)
    player.on_failure = told.append
    player.ticking = False
    while not player.finished:
        player.step(1)  # the app's keys: the failure is kept, not raised
    assert len(told) == 1 and told[0] == player.failure
    assert f"bad.jsonl:{bad + 2}: kind: " in player.failure and player.paused
    assert player.pos < bad + 1  # nothing of the bad line was folded


def test_export_cast_of_a_trace_bad_further_on_is_one_line_and_no_cast(
    trace: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tui.cli.main import run_cli

    lines = trace.read_text().splitlines(keepends=True)
    n = len(lines) - 2
    # the first segment (2,048 events) holds the whole of this trace: put the bad line past
    # it by repeating the trace's events (the same lines, the closing line counting them)
    body = (lines[1:-1] * (2048 // n + 2))[: 2048 + 300]
    body[2048 + 100] = '{"seq": 1, "t_ns": 1, "kind": "node_finished", "graph": "g"}\n'
    path = tmp_path / "long.jsonl"
    path.write_text(lines[0] + "".join(body) + json.dumps({"kind": "end", "events": len(body)}))
    cast = tmp_path / "long.cast"
    code = run_cli(["export-cast", str(path), str(cast), "--size", "80x24", "--speed", "4000"])
    err = capsys.readouterr().err.splitlines()
    assert code == 2 and len(err) == 1, err
    assert err[0].startswith(f"cgviz: error: {path}:{2048 + 102}: ")
    assert not cast.exists() and not (tmp_path / "long.cast.part").exists()


async def test_the_replay_app_quits_with_exit_code_2_at_a_bad_line_further_on(
    trace: Path, tmp_path: Path
) -> None:
    from tests.tui.conftest import CPU_FACTS
    from tui.app.cgviz_app import make_replay_app

    lines = trace.read_text().splitlines(keepends=True)
    lines[3 * SEGMENT + 1] = '{"seq": 1, "t_ns": 1, "kind": "grad", "graph": "g"}\n'
    path = tmp_path / "bad.jsonl"
    path.write_text("".join(lines))
    recording = load_recording(path, warn=None, segment=SEGMENT, window=WINDOW)
    app = make_replay_app(
        recording, speed="full", deterministic=True, device_info=lambda name: dict(CPU_FACTS)
    )
    player = app.player
    assert player is not None
    player.on_failure = lambda line: app.exit(return_code=2)  # as cgviz replay does
    player.ticking = True  # each frame moves it on (full speed: a batch of events)
    async with app.run_test(size=(120, 36)) as pilot:
        for _ in range(100):
            if player.failure:
                break
            app.drain()  # the frame
            await pilot.pause()
    assert app.return_code == 2
    assert player.failure.startswith(f"{path}:{3 * SEGMENT + 2}: node: missing")
    assert player.pos <= 3 * SEGMENT


def test_the_first_frame_reads_no_further_than_the_first_segment(
    trace: Path, tmp_path: Path
) -> None:
    lines = trace.read_text().splitlines(keepends=True)
    metric = {"seq": 0, "t_ns": 1, "kind": "metric", "name": "loss", "value": 1.0}
    head = [json.dumps(metric) + "\n"] * (3 * SEGMENT)  # no paced event in three segments
    n = len(lines) - 2 + len(head)
    path = tmp_path / "late.jsonl"
    path.write_text(
        lines[0] + "".join(head + lines[1:-1]) + json.dumps({"kind": "end", "events": n})
    )
    recording = load_recording(path, warn=None, segment=SEGMENT, window=WINDOW)
    player = Player(recording.events, speed="lecture", fake_timings=True)
    assert recording.events.decoded == SEGMENT  # the load read the first segment
    player.tick(0.0)
    assert player.pos == 0 and recording.events.decoded == SEGMENT
    player.tick(0.25)  # a lecture's step: on to just after the first paced event
    assert player.pos == 3 * SEGMENT + 3 and recording.events[player.pos - 1]["kind"] in (
        "node_created",
        "node_started",
    )

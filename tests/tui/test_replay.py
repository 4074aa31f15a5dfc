"""Record -> replay: the same events and the same picture; steps both ways; phase markers."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.events import EventStream, TraceError, read_trace, trace_to
from tests.tui.conftest import CPU_FACTS, build_app, finish
from tests.tui.synthetic import SyntheticScene
from tui.app.cgviz_app import make_replay_app
from tui.replay.load import MemoryLog, load_recording
from tui.replay.player import Player


def _record(tmp_path: Path, iterations: int = 2, **header: object) -> Path:
    stream = EventStream()
    path = tmp_path / "run.jsonl"
    with trace_to(path, stream, **header):
        SyntheticScene(stream=stream).run(iterations=iterations)
    return path


def _replay_app(path: Path, **options: object):
    return make_replay_app(
        load_recording(path),
        speed="full",
        deterministic=True,
        device_info=lambda name: dict(CPU_FACTS),
        **options,
    )


async def _play_to_end(pilot) -> None:
    app = pilot.app
    while not app.player.finished:
        app.player.seek(len(app.player.events))
    app.drain()
    await pilot.pause()


async def test_record_then_replay_gives_the_same_events_and_picture(tmp_path: Path) -> None:
    stream = EventStream()
    path = tmp_path / "live.jsonl"
    live = build_app(iterations=2)
    with trace_to(path, live.source.stream):
        async with live.run_test(size=(160, 48)) as pilot:
            await finish(pilot)
            live_static = live.static_graph.drawing_text()
            live_eager = live.eager_graph.drawing_text()
            live_events = live.state.events
    header, events = read_trace(path)
    assert len(events) == live_events - 1  # the runner's own "finished" is not an engine event
    app = _replay_app(path)
    async with app.run_test(size=(160, 48)) as pilot:
        await _play_to_end(pilot)
        assert app.static_graph.drawing_text() == live_static
        assert app.eager_graph.drawing_text() == live_eager
        assert [e["kind"] for e in app.player.events] == [e["kind"] for e in events]
    del stream


MID_RUN = 50
"""A position of the three-iteration recording inside a Session.run (nodes done, running and
pending)."""


async def test_step_back_then_forward_returns_to_the_same_state(tmp_path: Path) -> None:
    path = _record(tmp_path, iterations=3)
    app = _replay_app(path)
    async with app.run_test(size=(160, 48)) as pilot:
        player = app.player
        player.seek(MID_RUN)  # the player's own API gets there; the keys take it on
        app.drain()
        await pilot.pause()
        for _ in range(4):
            await pilot.press("full_stop")
        assert player.pos > MID_RUN
        pos = player.pos
        drawing = app.static_graph.drawing_text(), app.eager_graph.drawing_text()
        states = {n.id: n.state for n in app.state.graphs["static"].nodes.values()}
        assert {"done", "running", "pending"} <= set(states.values()), states  # mid-run
        await pilot.press("comma", "comma", "comma")
        assert player.pos < pos
        await pilot.press("full_stop", "full_stop", "full_stop")
        assert player.pos == pos
        assert {n.id: n.state for n in app.state.graphs["static"].nodes.values()} == states
        assert (app.static_graph.drawing_text(), app.eager_graph.drawing_text()) == drawing


def test_seek_back_past_checkpoints_rebuilds_the_same_state(tmp_path: Path) -> None:
    path = _record(tmp_path, iterations=12)
    _, events = read_trace(path)
    player = Player(MemoryLog(events, size=64), fake_timings=True)  # a state saved every 64
    player.seek(len(events))
    assert len(player._saved) > 10
    full = (player.state.events, dict(player.state.iteration), list(player.state.loss["eager"]))
    player.seek(3)
    assert player.state.events == 3
    player.seek(len(events))
    assert (
        player.state.events,
        dict(player.state.iteration),
        list(player.state.loss["eager"]),
    ) == full


def test_pacing_only_decides_when(tmp_path: Path) -> None:
    path = _record(tmp_path)
    _, events = read_trace(path)
    a, b = Player(events, speed="lecture"), Player(events, speed="fast")
    while not a.finished:
        a.tick(0.37)
    while not b.finished:
        b.tick(0.05)
    assert a.state.events == b.state.events == len(events)
    assert dict(a.state.iteration) == dict(b.state.iteration)


def test_pause_on_marker_stops_at_each_marker(tmp_path: Path) -> None:
    path = _record(tmp_path)
    _, events = read_trace(path)
    player = Player(events, speed="full")
    player.pause_on_marker = True
    reached = []
    while not player.finished:
        player.tick(0.1)
        if player.paused:
            reached.append(player.pos)
            player.paused = False
    assert reached[: len(player.markers)] == sorted({m.pos for m in player.markers})


async def test_replay_is_labelled_with_the_recording_device_and_date(tmp_path: Path) -> None:
    gpu = {"device": "gpu", "available": True, "name": "NVIDIA H200", "memory_bytes": 2**37}
    path = _record(
        tmp_path,
        device="gpu",
        device_name="NVIDIA H200 (gpu)",
        devices={"cpu": CPU_FACTS, "gpu": gpu},
        date="2026-11-20 10:00",
    )
    app = _replay_app(path)
    async with app.run_test(size=(160, 48)) as pilot:
        await _play_to_end(pilot)
        assert "NVIDIA H200 (gpu)" in app.sub_title and "2026-11-20 10:00" in app.sub_title
        assert app.gpu_panel.info.get("name") == "NVIDIA H200"


def test_bad_traces_name_file_and_line(tmp_path: Path) -> None:
    path = _record(tmp_path)
    lines = path.read_text().splitlines()
    cut = tmp_path / "cut.jsonl"
    cut.write_text("\n".join(lines[:5]) + "\n" + lines[5][:20])
    recording = load_recording(cut, warn=None)  # a crash mid-write: the whole lines load
    assert len(recording.events) == 4 and "cut.jsonl:6" in recording.warning
    cut.write_text(lines[0] + "\n" + lines[1][:20])  # nothing whole before the cut
    with pytest.raises(TraceError, match="cut.jsonl:2"):
        load_recording(cut)
    foreign = tmp_path / "foreign.jsonl"
    foreign.write_text('{"hello": 1}\n')
    with pytest.raises(TraceError, match="not a cgviz trace"):
        load_recording(foreign)

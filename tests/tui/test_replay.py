"""A recorded trace replays into the same picture as the live run."""

from __future__ import annotations

from pathlib import Path

from engine.events import EventStream, trace_to
from tests.tui.conftest import CPU_FACTS, finish
from tests.tui.synthetic import SyntheticScene
from tui.app import make_app
from tui.replay import TraceScene


async def test_trace_replay_matches_the_live_run(tmp_path: Path) -> None:
    stream = EventStream()
    path = tmp_path / "run.jsonl"
    with trace_to(path, stream):
        SyntheticScene(stream=stream).run(iterations=2)
    replay = TraceScene(path, stream=stream)
    app = make_app(scene=replay.name, scenes={replay.name: replay}, stream=stream, speed="full",
                   deterministic=True, gpu_status=lambda: (False, "no cupy (test)"),
                   device_info=lambda name: dict(CPU_FACTS))
    async with app.run_test(size=(160, 48)) as pilot:
        await finish(pilot)
        assert app.state.graphs["static"] is not None
        assert len(app.state.graphs["static"].nodes) == 27
        assert app.state.graphs["eager"] is not None and app.state.iteration["eager"] == 1
        assert not app.state.errors


async def test_a_bad_trace_is_an_error_not_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text("not json\n")
    stream = EventStream()
    replay = TraceScene(path, stream=stream)
    app = make_app(scene=replay.name, scenes={replay.name: replay}, stream=stream, speed="full",
                   deterministic=True, gpu_status=lambda: (False, "no cupy (test)"),
                   device_info=lambda name: dict(CPU_FACTS))
    async with app.run_test(size=(160, 48)) as pilot:
        await finish(pilot)
        assert app.state.errors and "bad.jsonl" in app.state.errors[-1]["message"]

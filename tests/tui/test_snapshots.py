"""SVG snapshots of the main screens (synthetic scene, fake timings, fixed sizes)."""

from __future__ import annotations

from typing import Any

from tests.tui.conftest import build_app, finish


async def _run(pilot: Any) -> None:
    await finish(pilot)


class TestMainScreen:
    def test_after_two_iterations(self, snap_compare) -> None:
        assert snap_compare(build_app(iterations=2), terminal_size=(160, 48), run_before=_run)

    def test_large_terminal(self, snap_compare) -> None:
        assert snap_compare(build_app(iterations=2), terminal_size=(200, 60), run_before=_run)

    def test_small_terminal_collapses_panels(self, snap_compare) -> None:
        assert snap_compare(build_app(iterations=2), terminal_size=(80, 24), run_before=_run)


class TestViews:
    def test_unfolded_left_to_right_heat(self, snap_compare) -> None:
        async def run_before(pilot: Any) -> None:
            await finish(pilot)
            await pilot.press("f", "o", "m", "m")
            pilot.app.drain()
            await pilot.pause()

        assert snap_compare(build_app(iterations=2), terminal_size=(160, 48), run_before=run_before)

    def test_node_card(self, snap_compare) -> None:
        async def run_before(pilot: Any) -> None:
            await finish(pilot)
            pilot.app.eager_graph.focus()
            await pilot.press(
                "right_square_bracket",
                "right_square_bracket",
                "right_square_bracket",
                "right_square_bracket",
                "right_square_bracket",
            )
            await pilot.pause()

        assert snap_compare(build_app(iterations=2), terminal_size=(160, 48), run_before=run_before)

    def test_projector_theme(self, snap_compare) -> None:
        assert snap_compare(
            build_app(iterations=2, theme="projector"), terminal_size=(160, 48), run_before=_run
        )


class TestErrors:
    def test_engine_error_in_red(self, snap_compare) -> None:
        assert snap_compare(
            build_app(iterations=3, fail_at=1), terminal_size=(160, 48), run_before=_run
        )


class TestHelp:
    def test_help_screen(self, snap_compare) -> None:
        async def run_before(pilot: Any) -> None:
            await finish(pilot)
            await pilot.press("question_mark")
            await pilot.pause()

        assert snap_compare(build_app(iterations=1), terminal_size=(120, 40), run_before=run_before)


class TestLecture:
    def test_presentation_mode(self, snap_compare) -> None:
        assert snap_compare(
            build_app(iterations=2, present=True), terminal_size=(160, 48), run_before=_run
        )

    def test_korean_presentation(self, snap_compare) -> None:
        assert snap_compare(
            build_app(iterations=1, present=True, lang="ko"),
            terminal_size=(120, 40),
            run_before=_run,
        )

    def test_replay_paused_on_a_marker(self, snap_compare, tmp_path) -> None:
        from engine.events import EventStream, trace_to
        from tests.tui.conftest import CPU_FACTS
        from tests.tui.synthetic import SyntheticScene
        from tui.app.cgviz_app import make_replay_app
        from tui.replay.load import load_recording

        stream = EventStream()
        path = tmp_path / "run.jsonl"
        with trace_to(
            path, stream, device="cpu", device_name="Test CPU (cpu)", date="2026-11-20 10:00"
        ):
            SyntheticScene(stream=stream).run(iterations=2)
        app = make_replay_app(
            load_recording(path),
            speed="full",
            deterministic=True,
            device_info=lambda name: dict(CPU_FACTS),
        )

        async def run_before(pilot: Any) -> None:
            await pilot.press("greater_than_sign", "greater_than_sign", "greater_than_sign")
            pilot.app.clear_notifications()  # a marker's notice times out sooner on a busy machine
            await pilot.pause()

        assert snap_compare(app, terminal_size=(160, 48), run_before=run_before)


class TestAsRun:
    def test_static_graph_as_run(self, snap_compare) -> None:
        async def run_before(pilot: Any) -> None:
            await finish(pilot)
            await pilot.press("g")
            await pilot.pause()

        app = build_app(iterations=2, scene_options={"optimized": True})
        assert snap_compare(app, terminal_size=(160, 48), run_before=run_before)


class TestBench:
    def test_bench_screen(self, snap_compare) -> None:
        from pathlib import Path

        async def run_before(pilot: Any) -> None:
            await finish(pilot)
            await pilot.press("b")
            await pilot.pause()

        fixture = str(Path(__file__).with_name("bench_small.json"))
        assert snap_compare(
            build_app(iterations=1, bench=fixture), terminal_size=(160, 48), run_before=run_before
        )


class TestRace:
    def test_race_mode(self, snap_compare) -> None:
        async def run_before(pilot: Any) -> None:
            await finish(pilot)
            pilot.app.clear_notifications()  # the race notice times out sooner on a busy machine
            await pilot.pause()

        assert snap_compare(
            build_app(iterations=2, race=True), terminal_size=(160, 48), run_before=run_before
        )

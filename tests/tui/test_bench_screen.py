"""The bench screen: saved results (a hand-written fixture in the engine's schema)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.tui.conftest import build_app, finish
from tui.cli.bench import newest_results
from tui.screens.bench import BenchScreen, find_results

FIXTURE = Path(__file__).with_name("bench_small.json")


async def test_b_opens_the_cpu_vs_gpu_table() -> None:
    app = build_app(iterations=1, bench=str(FIXTURE))
    async with app.run_test(size=(160, 48)) as pilot:
        await finish(pilot)
        await pilot.press("b")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, BenchScreen) and screen.data is not None
        text = "\n".join(strip.text for strip in screen._compositor.render_strips())
        assert "Test CPU" in text and "8 cores" in text and "3.0 GHz" in text
        assert "not measured: no cupy" in text  # the GPU column says why
        assert "matmul float32 GFLOP/s on CPU" in text and "102.3 GFLOP/s" in text
        assert "eager loop (P2)" in text and "1.25 ms/iteration" in text
        await pilot.press("escape")
        assert not isinstance(app.screen, BenchScreen)


async def test_palette_entry_and_no_results(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CGVIZ_BENCH_DIR", str(tmp_path))
    app = build_app(iterations=1, autostart=False)
    async with app.run_test(size=(160, 48)) as pilot:
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "bench: show results" in titles
        app.action_show_bench()
        await pilot.pause()
        assert isinstance(app.screen, BenchScreen) and app.screen.data is None
        assert "run `cgviz bench`" in app.screen.source


def test_newest_results_in_the_default_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CGVIZ_BENCH_DIR", str(tmp_path))
    assert newest_results() is None
    old, new = tmp_path / "bench-1.json", tmp_path / "bench-2.json"
    old.write_text(FIXTURE.read_text())
    new.write_text('{"devices": []}')
    import os

    os.utime(old, (1, 1))
    assert newest_results() == new
    data, source = find_results(None)
    assert data == {"devices": []} and source == str(new)
    (tmp_path / "bench-3.json").write_text("[1]")
    data, why = find_results(tmp_path / "bench-3.json")
    assert data is None and "not a benchmark results file" in why

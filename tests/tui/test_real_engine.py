"""The app on the engine's own scenes (not the synthetic stand-in)."""

from __future__ import annotations

import pytest

from tests.tui.conftest import CPU_FACTS, finish
from tui.app.cgviz_app import make_app

scenes = pytest.importorskip("engine.scenes")


def real_app(scene: str = "two-layer", iterations: int = 2):
    return make_app(
        scene=scene,
        iterations=iterations,
        speed="full",
        deterministic=True,
        gpu_status=lambda: (False, "no cupy (test)"),
        device_info=lambda name: dict(CPU_FACTS),
    )


async def test_two_layer_scene_fills_both_panes() -> None:
    app = real_app()
    assert "two-layer" in app.scenes
    async with app.run_test(size=(160, 48)) as pilot:
        await finish(pilot)
        static, eager = app.state.graphs["static"], app.state.graphs["eager"]
        assert static is not None and static.plan is not None
        assert {"MatMul", "Maximum"} <= {n.op for n in static.nodes.values()}
        assert any(n.scope.startswith("gradients") for n in static.nodes.values())
        assert eager is not None and eager.nodes
        assert all(n.state in ("done", "pruned") for n in static.nodes.values())
        assert not app.state.errors
        assert app.source_pane.lines and app.source_pane.current > 0
        assert app.state.devices["cpu"].ops


async def test_switching_scene_clears_the_figures() -> None:
    app = real_app(iterations=1)
    async with app.run_test(size=(160, 48)) as pilot:
        await finish(pilot)
        assert app.state.devices["cpu"].ops
        other = next(name for name in app.scenes if name != "two-layer")
        app.open_scene(other)
        assert not app.state.devices["cpu"].ops
        await finish(pilot)
        assert app.state.finished and app.sub_title.startswith(str(app.scenes[other].title))

"""Data loading in the side panel: waiting for batches against computing, per source."""

from __future__ import annotations

from tests.tui.conftest import build_app, finish
from tui.view.state import ViewState
from tui.view.stats import DeviceStats
from tui.widgets.data_strip import data_lines


def test_waits_are_summed_per_iteration_against_its_ops() -> None:
    state = ViewState()
    state.apply({"kind": "iteration_started", "mode": "eager", "iteration": 0})
    state.apply(
        {
            "kind": "data",
            "dur_ns": 3_000,
            "source": "disk",
            "batch": 0,
            "bytes": 64,
            "mode": "eager",
        }
    )
    state.apply(
        {
            "kind": "data",
            "dur_ns": 1_000,
            "source": "disk",
            "batch": 1,
            "bytes": 64,
            "mode": "eager",
        }
    )
    state.apply({"kind": "graph_created", "graph": "eager:0", "mode": "eager", "iteration": 0})
    state.apply(
        {
            "kind": "node_created",
            "graph": "eager:0",
            "node": 0,
            "name": "mm",
            "op": "mm",
            "inputs": [],
        }
    )
    state.apply(
        {
            "kind": "node_finished",
            "graph": "eager:0",
            "node": 0,
            "device": "cpu",
            "dur_ns": 1_000,
            "op": "mm",
        }
    )
    state.apply({"kind": "iteration_finished", "mode": "eager", "iteration": 0, "dur_ns": 9})
    stat = state.devices["cpu"].data["disk"]
    assert list(stat.wait) == [4_000] and list(stat.compute) == [1_000]
    assert stat.iterations == 1 and stat.batch_bytes == 64


def test_bar_splits_as_the_means_do() -> None:
    stats = DeviceStats("cpu")
    for _ in range(3):
        stats.data_iteration("disk", 6_000_000, 4_000_000, 512_000)
    stats.data_iteration("prefetch", 0, 4_000_000, 512_000)
    (head, wait, compute, figures), (head2, wait2, compute2, _) = data_lines(stats, 40)
    assert head == "disk     data  60% | compute  40%"
    assert (wait, compute) == (24, 16)
    assert figures == "  6.00ms + 4.00ms per it · 500.0KB/batch"
    assert head2.startswith("prefetch data   0%") and (wait2, compute2) == (0, 40)


async def test_strip_shows_the_cure_when_the_source_changes() -> None:
    app = build_app(iterations=4, scene_options={"data": ("disk", "disk", "prefetch")})
    async with app.run_test(size=(160, 48)) as pilot:
        assert not app.cpu_data.display
        await finish(pilot)
        strip = app.cpu_data
        assert strip.display and not app.gpu_data.display
        assert list(app.state.devices["cpu"].data) == ["disk", "prefetch"]
        text = "\n".join(line for line, *_ in data_lines(app.state.devices["cpu"], 40))
        assert "disk     data  63% | compute  37%" in text
        assert "prefetch data   1% | compute  99%" in text
        assert strip.border_title == "data loading · CPU: waiting vs computing"


async def test_no_strip_without_data_events() -> None:
    app = build_app(iterations=1)
    async with app.run_test(size=(160, 48)) as pilot:
        await finish(pilot)
        assert not app.cpu_data.display and not app.gpu_data.display

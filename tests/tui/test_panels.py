"""Side panels: device figures, the node card and the loss keep their words whole."""

from __future__ import annotations

from tests.tui.conftest import build_app


async def test_device_panel_labels_are_never_cut_by_the_sparklines() -> None:
    """Long histories at lecture pace ("Session.run Σops") keep their labels and figures."""
    import re
    from collections import deque

    from tui.view.stats import DeviceStats

    app = build_app(iterations=1, autostart=False)
    async with app.run_test(size=(160, 48)) as pilot:
        panel = app.cpu_panel
        stats = DeviceStats("cpu")
        stats.iterations = {
            "static": deque(range(1_000_000, 3_000_000, 20_000)),
            "eager": deque(range(2_000_000, 900_000, -10_000)),
        }
        stats.version += 1
        panel.paced = True
        panel.set_stats(stats, DeviceStats("gpu"), True)
        await pilot.pause()
        lines = [line.text for line in panel.render_lines(panel.region.reset_offset)]
        text = "\n".join(lines)
        assert re.search(r"Session\.run Σops +2\.98ms ▁", text), text
        assert re.search(r"eager iter Σops +910\.0µs █", text), text
        assert "GFLOP/s" in text and "…" not in text, text


def test_node_card_time_lines_fit_the_side_panel() -> None:
    from tui.view.model import GraphModel
    from tui.widgets.node_card import card_text

    graph = GraphModel("g", "eager")
    node = graph.add(
        {
            "node": 0,
            "name": "mm",
            "op": "MatMul",
            "inputs": [],
            "shape": [64, 100],
            "dtype": "float32",
            "source": "two_layer.py:21",
        }
    )
    for ns in (322_000, 1_250_000_000):
        node.stats.add(ns)
    lines = card_text(graph, node, None).splitlines()
    assert max(len(line) for line in lines) <= 42, lines  # the card's room at 160 columns
    assert any(line.startswith("min ") for line in lines)


async def test_loss_plot_shows_only_the_sides_a_scene_runs() -> None:
    from types import SimpleNamespace

    app = build_app(iterations=1, autostart=False)
    async with app.run_test(size=(160, 48)) as pilot:
        app.show_scene("torch-x", SimpleNamespace(title="t", caption="", section="pytorch"))
        await pilot.pause()
        assert not app.query_one("#loss-static").display
        assert app.query_one("#loss-eager").display
        app.show_scene("two-layer", app.scenes["two-layer"])
        await pilot.pause()
        assert app.query_one("#loss-static").display and app.query_one("#loss-eager").display


async def test_a_flat_loss_is_drawn_high_not_as_an_empty_line() -> None:
    from textual.widgets import Sparkline

    app = build_app(iterations=1, autostart=False)
    async with app.run_test(size=(160, 48)) as pilot:
        app.loss_plot.update_losses({"static": [4.8e7, 4.8e7, 4.8e7], "eager": [3.0, 2.0]})
        await pilot.pause()
        assert app.query_one("#loss-static", Sparkline).data == [4.8e7]  # drawn full height
        assert app.query_one("#loss-eager", Sparkline).data == [3.0, 2.0]


async def test_loss_history_takes_a_column_per_iteration_until_the_plot_is_full() -> None:
    from textual.widgets import Sparkline

    app = build_app(iterations=1, autostart=False)
    async with app.run_test(size=(160, 48)) as pilot:
        plot = app.loss_plot
        plot.update_losses({"static": [], "eager": [3.0, 2.0, 1.5]})
        await pilot.pause()
        eager = app.query_one("#loss-eager", Sparkline)
        assert eager.size.width == 3  # not one value stretched into a block
        many = [1.0 / (i + 1) for i in range(plot.size.width + 50)]
        plot.update_losses({"static": [], "eager": many})
        await pilot.pause()
        assert eager.size.width == plot.size.width  # a long history fills the plot

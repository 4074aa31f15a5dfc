"""Side panels: device figures, the node card and the loss keep their words whole."""

from __future__ import annotations

import re

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
        # the median of the latest 20, as the status line says them (not the last: 2.98ms)
        assert re.search(r"Session\.run Σops median +2\.80ms ▁", text), text
        assert re.search(r"eager iter Σops median +1\.01ms █", text), text
        assert "GFLOP/s" in text and "…" not in text, text
        stats.op_totals("MatMul", 1, 1_000_000, 10)  # at full speed: 1 in 7 calls timed
        stats.op_untimed("MatMul", 6, 60)
        panel.paced = False
        panel.set_stats(stats, DeviceStats("gpu"), True)
        panel.refresh()
        await pilot.pause()
        lines = [line.text for line in panel.render_lines(panel.region.reset_offset)]
        text = "\n".join(lines)  # the word "median" gives way, never a figure or a word
        assert re.search(r"Session\.run +2\.80ms ▁", text), text
        assert re.search(r"op times +1 in 7 calls timed \(sampled\)", text), text


async def test_a_panel_without_figures_is_not_redrawn_for_the_other_devices() -> None:
    """Without a GPU the GPU panel says why and nothing else: the CPU's figures moving (at
    full speed, every frame) give it nothing new to draw."""
    from tui.view.stats import DeviceStats

    app = build_app(iterations=1, autostart=False)
    async with app.run_test(size=(160, 48)) as pilot:
        panel, gpu, cpu = app.gpu_panel, DeviceStats("gpu"), DeviceStats("cpu")
        panel.set_stats(gpu, cpu, False)
        await pilot.pause()
        redrawn = []
        panel.refresh = lambda *a, **k: redrawn.append(1)  # type: ignore[method-assign]
        for ns in (1_000_000, 2_000_000):
            cpu.iteration("static", ns)
            panel.set_stats(gpu, cpu, False)
        assert not redrawn
        gpu.iteration("static", 500_000)  # its own figure: now the CPU's show beside it
        panel.set_stats(gpu, cpu, False)
        cpu.iteration("static", 3_000_000)
        panel.set_stats(gpu, cpu, False)
        assert len(redrawn) == 2


async def test_the_device_panel_and_the_status_line_say_the_same_eager_time() -> None:
    """The panel's "eager iter" said the last iteration's time, the status line the recent
    median: two eager times on screen at once."""
    from tests.tui.conftest import finish
    from tui.view.stats import fmt_ns

    app = build_app(iterations=6)
    async with app.run_test(size=(160, 48)) as pilot:
        await finish(pilot)
        stats = app.state.devices["cpu"]
        for ns in (1_000_000, 9_000_000, 2_000_000, 8_000_000):  # last 8ms, median another
            stats.iteration("eager", ns)
        app.frame.update_status()
        app.cpu_panel.set_stats(stats, app.state.devices["gpu"], True)
        await pilot.pause()
        median = fmt_ns(stats.recent_median("eager"))
        assert median != fmt_ns(8_000_000)
        panel = "\n".join(
            s.text for s in app.cpu_panel.render_lines(app.cpu_panel.region.reset_offset)
        )
        assert f"eager {median}" in app._status_text or f"iteration {median}" in app._status_text
        assert re.search(rf"eager iter( Σops)? median +{re.escape(median)} ", panel), panel


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
        assert app.loss_plot.modes == ("eager",)
        app.loss_plot.update_losses({"static": [3.0], "eager": [2.0, 1.0]})
        assert [[t for t, _ in line] for line in app.loss_plot.legend(80)] == [["━ ", "eager 1 "]]
        app.show_scene("two-layer", app.scenes["two-layer"])
        await pilot.pause()
        assert app.loss_plot.modes == ("static", "eager")


async def test_both_losses_share_one_plot_and_equal_curves_draw_as_one() -> None:
    app = build_app(iterations=1, autostart=False)
    async with app.run_test(size=(160, 48)) as pilot:
        same = [2.5e7 * 0.8**i for i in range(30)]
        app.loss_plot.update_losses({"static": same, "eager": same[:20]})
        await pilot.pause()
        legend = ["".join(t for t, _ in line) for line in app.loss_plot.legend(80)]
        # compared at iteration 20, which both reached; 2.5e7 to 3.9e4 is drawn on a log scale
        assert legend == ["it 20 ━ static 3.6e+05 ━ eager 3.6e+05 log ━ both"]
        legend = ["".join(t for t, _ in line) for line in app.loss_plot.legend(44)]
        assert legend == ["it 20 ━ static 3.6e+05 ━ eager 3.6e+05 log ", "━ both"]
        lines = app.loss_plot.plain_lines()[1:]
        assert lines and any(c not in " " for line in lines for c in line)


async def test_the_loss_plot_is_drawn_again_only_when_the_losses_moved() -> None:
    app = build_app(iterations=1, autostart=False)
    async with app.run_test(size=(160, 48)) as pilot:
        app.loss_plot.update_losses({"static": [3.0, 2.0], "eager": [3.0, 2.5]})
        await pilot.pause()
        drawn = app.loss_plot.plain_lines()
        app.loss_plot.render_line(0)
        kept = app.loss_plot._lines
        assert kept is not None
        app.loss_plot.update_losses({"static": [3.0, 2.0], "eager": [3.0, 2.5]})
        assert app.loss_plot._lines is kept  # the same values: nothing to draw
        app.loss_plot.update_losses({"static": [3.0, 2.0, 1.0], "eager": [3.0, 2.5]})
        assert app.loss_plot._lines is None
        assert app.loss_plot.plain_lines() != drawn


def test_a_flop_rate_is_shown_in_the_unit_that_shows_it() -> None:
    """A loop of tiny ops said "0.00 GFLOP/s", as if nothing had been computed."""
    from tui.view.stats import flop_rate

    assert flop_rate(18.7412) == ("18.74", "GFLOP/s")
    assert flop_rate(0.0003805) == ("380.5", "kFLOP/s")
    assert flop_rate(0.3805) == ("380.5", "MFLOP/s")
    assert flop_rate(None) == flop_rate(0.0) == ("–", "GFLOP/s")


async def test_a_loss_plot_still_empty_when_the_run_ends_says_there_is_no_loss() -> None:
    """A scene with no loss (loops, conditional) left an empty plot under "static – eager –",
    as if it were still waiting for one."""
    from tui.widgets.loss_plot import LossPlot

    app = build_app(iterations=1, autostart=False)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        plot = app.query_one(LossPlot)
        assert not plot.ended and not any("no loss" in line for line in plot.plain_lines())
        plot.set_ended(True)
        assert any("no loss" in line for line in plot.plain_lines())
        plot.update_losses({"static": [3.0, 2.0], "eager": [3.0, 2.0]})
        assert not any("no loss" in line for line in plot.plain_lines())


async def test_the_loss_plot_knows_when_the_run_has_ended() -> None:
    from tests.tui.conftest import finish
    from tui.widgets.loss_plot import LossPlot

    app = build_app(iterations=1)
    async with app.run_test(size=(160, 48)) as pilot:
        await finish(pilot)
        assert app.query_one(LossPlot).ended


async def test_a_loss_history_that_keeps_its_last_values_names_no_iteration() -> None:
    """The view keeps the last 300 losses: a race of 500 iterations said "it 300"."""
    from collections import deque

    app = build_app(iterations=1, autostart=False)
    async with app.run_test(size=(160, 48)) as pilot:
        last = [1.0 / (i + 1) for i in range(500)]
        app.loss_plot.update_losses(
            {m: deque(last, maxlen=300) for m in ("static", "eager")}  # as the view keeps them
        )
        await pilot.pause()
        legend = "".join(t for t, _ in app.loss_plot.legend(80)[0])
        assert "it " not in legend and "static 0.002 " in legend, legend
        app.loss_plot.update_losses({m: deque(last[:20], maxlen=300) for m in ("static", "eager")})
        legend = "".join(t for t, _ in app.loss_plot.legend(80)[0])
        assert legend.startswith("it 20 "), legend


def test_the_node_card_says_an_eager_call_whole_and_no_shape_where_there_is_no_output() -> None:
    """A one-row box may write ``add(…)``: the card says the call whole. A NoOp (no dtype: no
    output) said ``()``, a scalar's shape."""
    from tui.view.model import GraphModel
    from tui.widgets.node_card import card_text

    eager = GraphModel("g", "eager")
    add = eager.add(
        {"node": 0, "name": "add", "op": "Add", "inputs": [], "shape": [64, 100],
         "dtype": "float32", "args": [None, 1e-07]}
    )  # fmt: skip
    mm = eager.add(
        {"node": 1, "name": "mm", "op": "MatMul", "inputs": [], "shape": [64, 100],
         "dtype": "float32"}
    )  # fmt: skip
    assert "call    add(·, 1e-07)" in card_text(eager, add, None).splitlines()
    assert not any(line.startswith("call") for line in card_text(eager, mm, None).splitlines())
    static = GraphModel("s", "static")
    noop = static.add({"node": 0, "name": "step", "op": "NoOp", "inputs": [], "shape": []})
    lines = card_text(static, noop, None).splitlines()
    shape = next(line for line in lines if "shape" in line)
    assert "()" not in shape and "—" in shape, shape
    assert not any(line.startswith("call") for line in lines)  # a static node: no call row


async def test_two_full_loss_histories_line_up_by_their_true_iterations() -> None:
    """The view keeps each side's last 300 losses: with the static side 50 runs ahead, its
    curve started at run 201 and the eager one at iteration 151, drawn at the same x."""
    from tui.view.state import LOSS_HISTORY, ViewState

    def loss(step: int) -> float:  # the same math on both sides: the same loss at each step
        return 1000.0 / step

    state = ViewState()
    for run in range(1, 501):  # Session.run #1..#500; the engine numbers eager from 0
        state.apply(
            {
                "kind": "metric",
                "name": "loss",
                "value": loss(run),
                "mode": "static",
                "iteration": run,
            }
        )  # noqa: E501
    for it in range(450):
        state.apply(
            {
                "kind": "metric",
                "name": "loss",
                "value": loss(it + 1),
                "mode": "eager",
                "iteration": it,
            }
        )  # noqa: E501
    assert len(state.loss["static"]) == len(state.loss["eager"]) == LOSS_HISTORY
    app = build_app(iterations=1, autostart=False)
    async with app.run_test(size=(160, 48)) as pilot:
        plot = app.loss_plot
        plot.update_losses(state.loss, state.loss_at)
        await pilot.pause()
        static, eager = plot.losses["static"], plot.losses["eager"]
        assert static[0] == eager[0] == loss(201), (static[0], eager[0])
        assert static[: len(eager)] == eager and len(static) == len(eager) + 50
        legend = "".join(t for t, _ in plot.legend(80)[0])
        assert legend.startswith(f"it 450 ━ static {loss(450):.3g} ━ eager {loss(450):.3g}"), legend

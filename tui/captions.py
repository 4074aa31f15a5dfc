"""The one-line texts around the panes: the status line, pane subtitles and the legend. Pure."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.content import Content

from tui.runner import SPEEDS
from tui.stats import fmt_ns

if TYPE_CHECKING:
    from tui.runner import Runner
    from tui.state import ViewState

COLOUR_MODES = ("state", "device", "heat")
"""How boxes can be coloured."""

LEGENDS: dict[str, tuple[tuple[str, str], ...]] = {
    "state": (("node-defined", "defined, not run"), ("node-pending", "pending"),
              ("node-running", "running"), ("node-done", "done"),
              ("node-pruned", "pruned (not fetched)"), ("node-error", "error")),
    "device": (("device-cpu", "CPU (numpy)"), ("device-gpu", "GPU (cupy)"),
               ("node-running", "running"), ("node-pruned", "pruned")),
    "heat": (("heat-0", "fastest"), ("heat-1", ""), ("heat-2", ""), ("heat-3", ""),
             ("heat-4", "slowest (relative to the slowest node)")),
}
"""Colour mode -> (theme variable, label) swatches."""


def legend(mode: str) -> Content:
    """The legend line of a colour mode, swatches in theme colours."""
    items = [Content.from_markup(f"[${var}]■[/]") + Content(f" {label}" if label else "")
             for var, label in LEGENDS[mode]]
    return Content("   ").join([Content(f"colour by {mode}:  "), *items])


def pane_subtitle(state: ViewState, mode: str) -> str:
    """What a graph pane's bottom border says: run number, iteration, or the error."""
    graph = state.graphs[mode]
    if graph is None:
        return ""
    if graph.error:
        return f"✗ {graph.error}"
    if mode == "static":
        if graph.plan is None:
            return f"defined, not run · {len(graph.nodes)} nodes"
        return f"Session.run #{graph.runs} · {len(graph.plan)} of {len(graph.nodes)} nodes run"
    return f"iteration {state.iteration['eager'] + 1} · {len(graph.nodes)} nodes"


def status_text(state: ViewState, runner: Runner, device: str, narrow: bool = False) -> str:
    """The status line: run state, speed, device, progress, last iteration, event counts."""
    if runner.running:
        run = "⏸ paused" if runner.paused else "▶ running"
    else:
        run = "■ finished" if state.finished else "■ idle"
    delay = dict(SPEEDS)[runner.speed]
    speed = f"{runner.speed} ({delay:g}s/node)" if delay else "full speed"
    last = state.devices[device].iterations.get("eager")
    parts = [run, speed if narrow else f"speed {speed}", device.upper(),
             f"run {state.iteration['static']}" if narrow else
             f"static runs {state.iteration['static']}",
             f"it {state.iteration['eager'] + 1}" if narrow else
             f"eager iteration {state.iteration['eager'] + 1}"]
    if not narrow:
        parts.append(f"last iteration {fmt_ns(last[-1]) if last else '–'}")
    parts.append(f"{state.events:,} events")
    skimmed = state.skimmed + runner.skimmed
    if skimmed and not narrow:
        parts.append(f"{skimmed:,} skimmed (full speed)")
    dropped = state.dropped - runner.skimmed
    if dropped > 0:
        parts.append(f"{dropped:,} dropped")
    if state.errors:
        parts.append(f"{len(state.errors)} error(s)")
    return "  ·  ".join(parts)

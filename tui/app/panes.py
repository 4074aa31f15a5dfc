"""The main screen's widgets, made once when the app is built and handed to the controllers
that draw into them (compose only places them)."""

from __future__ import annotations

from dataclasses import dataclass

from textual.widgets import Input, RichLog, Static

from tui.i18n import tr
from tui.view.state import OUTPUT_LINES
from tui.widgets import DataStrip, DevicePanel, GraphView, LossPlot, NodeCard, SourcePane

__all__ = ["Panes"]


@dataclass(frozen=True)
class Panes:
    """Every widget of the main screen the app's controllers use."""

    static: GraphView
    eager: GraphView
    source: SourcePane
    output: RichLog
    """What a script prints, a long line wrapped to the pane (a cut line would hide its end)."""
    card: NodeCard
    cpu_panel: DevicePanel
    gpu_panel: DevicePanel
    cpu_data: DataStrip
    gpu_data: DataStrip
    loss: LossPlot
    status: Static
    legend: Static
    caption: Static
    cue: Static
    search: Input

    @classmethod
    def make(cls, lang: str) -> Panes:
        """New widgets, with the ids app.tcss styles."""
        return cls(
            static=GraphView("static", id="static-graph"),
            eager=GraphView("eager", id="eager-graph"),
            source=SourcePane(id="source"),
            output=RichLog(id="output", max_lines=OUTPUT_LINES, wrap=True, min_width=1),
            card=NodeCard(id="card"),
            cpu_panel=DevicePanel("cpu", id="cpu-panel"),
            gpu_panel=DevicePanel("gpu", id="gpu-panel"),
            cpu_data=DataStrip("cpu", id="cpu-data"),
            gpu_data=DataStrip("gpu", id="gpu-data"),
            loss=LossPlot(id="loss"),
            status=Static(id="status"),
            legend=Static(id="legend"),
            caption=Static(id="caption"),
            cue=Static(id="cue"),
            search=Input(placeholder=tr("search.placeholder", lang), id="search", compact=True),
        )

    def graphs(self) -> tuple[tuple[str, GraphView], tuple[str, GraphView]]:
        """Both graph panes with their mode: ("static", pane), ("eager", pane)."""
        return ("static", self.static), ("eager", self.eager)

    def other(self, view: GraphView) -> GraphView:
        """The graph pane that is not ``view``."""
        return self.eager if view is self.static else self.static

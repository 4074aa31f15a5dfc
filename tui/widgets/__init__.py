"""The app's widgets, one per module."""

from __future__ import annotations

from tui.widgets.data_strip import DataStrip
from tui.widgets.device_panel import DevicePanel
from tui.widgets.graph_view import GraphView
from tui.widgets.loss_plot import LossPlot
from tui.widgets.node_card import NodeCard
from tui.widgets.page_text import PageText
from tui.widgets.source_pane import SourcePane

__all__ = [
    "DataStrip",
    "DevicePanel",
    "GraphView",
    "LossPlot",
    "NodeCard",
    "PageText",
    "SourcePane",
]

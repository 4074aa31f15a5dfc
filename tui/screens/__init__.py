"""Modal screens: help, traceback and the CPU vs GPU benchmark table."""

from __future__ import annotations

from textual.binding import Binding

SCREENSHOT = Binding(
    "ctrl+s",
    "app.screenshot",
    "Screenshot",
    show=False,
    tooltip="Save an SVG screenshot of this screen",
    id="app.screenshot",
)
"""ctrl+s on a modal screen too (a modal screen does not pass the app's keys through)."""

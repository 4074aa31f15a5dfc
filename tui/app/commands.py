"""Command palette entries that depend on state: one per scene, device, speed and colour mode."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from textual.app import SystemCommand
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.markup import escape

from tui.engine_link.runner import SPEEDS

if TYPE_CHECKING:
    from collections.abc import Iterator

    from tui.app.cgviz_app import CgvizApp


def system_commands(app: CgvizApp) -> Iterator[SystemCommand]:
    """The fixed commands ("group: verb"), added after Textual's own."""
    yield SystemCommand(
        "run: pause / resume", "Pause or resume the engine", app.action_toggle_pause
    )
    yield SystemCommand("run: step one node", "Run to the next node, then pause", app.action_step)
    yield SystemCommand("run: restart", "Restart the scene", app.action_restart)
    yield SystemCommand(
        "view: fold / unfold scopes", "Fold the gradients/ scope", app.action_toggle_fold
    )
    yield SystemCommand(
        "view: toggle orientation", "Left-to-right or top-to-bottom", app.action_toggle_orientation
    )
    yield SystemCommand(
        "view: static graph as built / as run",
        "The graph your code built, or the one Session.run executes after the "
        "graph passes (folding, fusion)",
        app.action_toggle_as_run,
    )
    yield SystemCommand(
        "bench: show results",
        "The CPU vs GPU table and matmul GFLOP/s of the newest `cgviz bench` results",
        app.action_show_bench,
    )
    yield SystemCommand(
        "view: box size", "Fit the pane, full, compact or one-row boxes", app.action_toggle_compact
    )
    yield SystemCommand(
        "view: save screenshot",
        "An SVG of the screen, in cgviz's screenshot folder (the notice gives its path)",
        app.action_screenshot,
    )
    yield SystemCommand("view: help", "Keys and what the panes show", app.action_help)


class CgvizCommands(Provider):
    """ "scene: open …", "device: switch to …", "speed: …", "colour: by …"."""

    def _entries(self) -> list[tuple[str, object, str]]:
        app: CgvizApp = self.app  # type: ignore[assignment]
        out: list[tuple[str, object, str]] = []
        for name, scene in app.scenes.items():
            title = getattr(scene, "title", "")
            out.append((f"scene: open {name}", partial(app.open_scene, name), title))
        for device in ("cpu", "gpu"):
            label = "CPU (numpy)" if device == "cpu" else "GPU (cupy)"
            out.append(
                (
                    f"device: switch to {label}",
                    partial(app.set_device, device),
                    app.device_note(device),
                )
            )
        for speed, delay in SPEEDS:
            out.append(
                (
                    f"speed: {speed}",
                    partial(app.set_speed, speed),
                    f"{delay:g}s per node" if delay else "no pauses",
                )
            )
        for mode in ("state", "device", "heat"):
            out.append((f"colour: by {mode}", partial(app.set_colour_mode, mode), ""))
        return out

    async def discover(self) -> Hits:
        for title, callback, help_text in self._entries():
            # help is markup: escape it, or `pip install '.[gpu]'` loses its brackets
            yield DiscoveryHit(title, callback, help=escape(help_text))  # type: ignore[arg-type]

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, callback, help_text in self._entries():
            score = matcher.match(title)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(title),
                    callback,  # type: ignore[arg-type]
                    help=escape(help_text),
                )

"""The app's keys: every binding with its footer word, tooltip and id, the same bindings in
another language, and the footer that shows them."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from textual.binding import Binding, BindingsMap, BindingType
from textual.widgets import Footer

from tui.i18n import key_words

if TYPE_CHECKING:
    from textual.screen import Screen

__all__ = ["BINDINGS", "LIVE_ONLY", "REPLAY_ONLY", "KeysFooter", "keys_in"]

SCENE_KEYS = Binding.Group("Scene", compact=True)
"""n and p share one footer entry ("np Scene"; in a replay they move between markers)."""
SPEED_KEYS = Binding.Group("Speed", compact=True)
"""+ and - share one footer entry ("+- Speed"), so every key fits at 120 columns."""
REPLAY_ONLY = frozenset(("step_back", "next_marker", "previous_marker", "toggle_marker_pause"))
"""Actions that only a replay offers (greyed in a live run)."""
LIVE_ONLY = frozenset(("switch_device",))
"""Actions that only a live run offers (a replay keeps the recorded device)."""

BINDINGS: list[BindingType] = [
    Binding("q", "quit", "Quit", priority=True, tooltip="Quit cgviz", id="app.quit"),
    Binding(
        "ctrl+p",
        "command_palette",
        "palette",
        show=False,
        tooltip="Open the command palette",
        id="app.palette",
    ),
    Binding("space", "toggle_pause", "Pause", tooltip="Pause or resume the run", id="run.pause"),
    Binding(
        "s,full_stop", "step", "Step", tooltip="Run to the next node, then pause", id="run.step"
    ),
    Binding(
        "comma",
        "step_back",
        "Back",
        show=False,
        tooltip="Replay: one node back",
        id="replay.step-back",
    ),
    Binding(
        "n,pagedown",
        "next",
        "Next",
        tooltip="Next scene (replay: next marker)",
        id="lecture.next",
        group=SCENE_KEYS,
    ),
    Binding(
        "p,pageup",
        "previous",
        "Prev",
        tooltip="Previous scene (replay: previous marker)",
        id="lecture.previous",
        group=SCENE_KEYS,
    ),
    Binding(
        "greater_than_sign",
        "next_marker",
        "Marker ▶",
        show=False,
        tooltip="Replay: next phase marker",
        id="replay.next-marker",
    ),
    Binding(
        "less_than_sign",
        "previous_marker",
        "◀ Marker",
        show=False,
        tooltip="Replay: previous phase marker",
        id="replay.previous-marker",
    ),
    Binding(
        "k",
        "toggle_marker_pause",
        "Marker pause",
        show=False,
        tooltip="Replay: pause at every phase marker",
        id="replay.marker-pause",
    ),
    Binding(
        "R",
        "toggle_race",
        "Race",
        show=False,
        tooltip="Race: both sides at full speed on the same device; a bar shows who is ahead",
        id="run.race",
    ),
    Binding(
        "w",
        "switch_pane",
        "Pane",
        show=False,
        tooltip="Small terminals: show the other graph pane",
        id="view.switch-pane",
    ),
    Binding(
        "P",
        "toggle_present",
        "Present",
        tooltip="Presentation mode: projector theme, big cues, side panels hidden",
        id="view.present",
    ),
    Binding(
        "plus,equals_sign",
        "speed(1)",
        "Faster",
        tooltip="Faster (up to full speed)",
        id="run.faster",
        group=SPEED_KEYS,
    ),
    Binding(
        "minus",
        "speed(-1)",
        "Slower",
        tooltip="Slower (down to lecture pace)",
        id="run.slower",
        group=SPEED_KEYS,
    ),
    Binding(
        "r",
        "restart",
        "Restart",
        tooltip="Restart the scene from the beginning",
        id="run.restart",
    ),
    Binding(
        "d",
        "switch_device",
        "Device",
        tooltip="Switch between CPU (numpy) and GPU (cupy)",
        id="run.device",
    ),
    Binding("c", "next_scene", "Scene", show=False, tooltip="Open the next scene", id="run.scene"),
    Binding(
        "f",
        "toggle_fold",
        "Fold",
        tooltip="Fold or unfold name scopes (gradients/)",
        id="view.fold",
    ),
    Binding(
        "o",
        "toggle_orientation",
        "Orient",
        show=False,
        tooltip="Lay graphs out left-to-right or top-to-bottom",
        id="view.orientation",
    ),
    Binding(
        "g",
        "toggle_as_run",
        "As run",
        tooltip="Static graph as built, or as run: after the graph passes (folding, fusion)",
        id="view.as-run",
    ),
    Binding(
        "b",
        "show_bench",
        "Bench",
        show=False,
        tooltip="The benchmark's CPU vs GPU table and matmul GFLOP/s (newest saved results)",
        id="app.bench",
    ),
    Binding(
        "m",
        "next_colour_mode",
        "Colour",
        tooltip="Colour by state, device or time",
        id="view.colour",
    ),
    Binding(
        "z",
        "toggle_compact",
        "Box size",
        show=False,
        tooltip="Node boxes: fit the pane, full, compact or one-row",
        id="view.compact",
    ),
    Binding("t", "next_theme", "Theme", show=False, tooltip="Next cgviz theme", id="view.theme"),
    Binding(
        "escape",
        "close_card",
        "Close card",
        show=False,
        tooltip="Hide the node card",
        id="view.close-card",
    ),
    Binding(
        "slash",
        "search",
        "Find",
        show=False,
        tooltip="Find a node by name or variable; its twin in the other pane lights too",
        id="view.search",
    ),
    Binding(
        "ctrl+s",
        "screenshot",
        "Screenshot",
        show=False,
        tooltip="Save an SVG screenshot",
        id="app.screenshot",
    ),
    Binding(
        "question_mark,f1",
        "help",
        "Help",
        tooltip="Keys and what the panes show",
        id="app.help",
    ),
]


def keys_in(bindings: BindingsMap, lang: str) -> BindingsMap:
    """The bindings with their footer words and tooltips in ``lang`` (tui.i18n.KEY_WORDS; a
    binding without them keeps its English)."""
    out = bindings.copy()
    for key, group in out.key_to_bindings.items():
        out.key_to_bindings[key] = [
            replace(
                b,
                description=words[0],
                tooltip=words[1],
                group=b.group
                and Binding.Group(
                    key_words(f"group.{b.group.description}", lang, b.group.description),
                    compact=b.group.compact,
                ),
            )
            if b.id and (words := key_words(b.id, lang))
            else b
            for b in group
        ]
    return out


class KeysFooter(Footer):
    """Textual's footer, rebuilt only when the keys it shows change.

    Textual's footer rebuilds all its key widgets whenever its screen says its bindings may
    have changed: when a screen is pushed over it or popped, when the focus moves, after every
    ``refresh_bindings``. Rebuilding mounts ~20 widgets, and mounting makes the whole screen lay
    itself out again: closing the help took ~0.5 s of which this was most, for the same keys.
    This footer rebuilds when what it would show differs (each shown binding's key, words,
    group and whether it is enabled)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._shown: tuple[Any, ...] | None = None

    def shown(self, screen: Screen[Any]) -> tuple[Any, ...]:
        """What the footer shows of ``screen``'s active bindings (what ``compose`` reads)."""
        return tuple(
            (b.key, b.key_display, b.description, b.action, b.group, enabled, tooltip)
            for _, b, enabled, tooltip in screen.active_bindings.values()
            if b.show or b.action == "command_palette"
        )

    def bindings_changed(self, screen: Screen[Any]) -> None:
        if screen.app.app_focus and screen is self.screen and self.is_attached:
            shown = self.shown(screen)
            if self._bindings_ready and shown == self._shown:
                return  # the same keys: nothing to rebuild
            self._shown = shown
        super().bindings_changed(screen)

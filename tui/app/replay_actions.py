"""Replay controls of the app (a mixin): step one node both ways, markers, pause on markers.

In a replay the app has a :class:`tui.replay.player.Player` instead of an engine run; its state is
the app's view state. After a step back the player's state is another object: the panes forget the
old graphs and draw the new ones from scratch.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from tui.i18n import tr

if TYPE_CHECKING:
    from tui.replay.player import Player


class ReplayActions:
    """Actions and the per-frame tick of a replay (mixed into
    :class:`tui.app.cgviz_app.CgvizApp`)."""

    player: Player | None
    _player_gen: int
    _tick_at: float

    def replay_tick(self) -> None:
        """Advance the player by the time since the last frame; adopt its state."""
        player = self.player
        assert player is not None
        now = time.monotonic()
        dt, self._tick_at = now - self._tick_at, now
        was_paused = player.paused
        if getattr(self, "autodrain", False):  # else the caller moves the player (tests, casts)
            player.tick(dt)
        self.adopt_player_state()
        if player.paused and not was_paused:
            self.marker_reached()

    def adopt_player_state(self) -> None:
        """Use the player's state (after a seek back it is a new object)."""
        app: Any = self
        player = app.player
        if player.generation != app._player_gen:
            app._player_gen = player.generation
            app.state = player.state
            for view in (app.static_graph, app.eager_graph):
                view.forget()
        app.state.dirty.add("status")

    def marker_reached(self) -> None:
        """Say which marker the replay paused on."""
        app: Any = self
        marker = app.player.marker_at()
        if marker is not None and marker.pos == app.player.pos:
            app.notify(marker.label(app.lang), title=tr("note.marker", app.lang), timeout=3)

    def _replay_move(self, move: str, direction: int) -> None:
        app: Any = self
        player = app.player
        if player is None:
            return
        if move == "step":
            player.step(direction)
        else:
            found = player.marker(direction)
            if found is not None:
                app.notify(found.label(app.lang), title=tr("note.marker", app.lang), timeout=3)
        self.adopt_player_state()
        app.present_now()

    def action_step_back(self) -> None:
        """Replay: one node back."""
        self._replay_move("step", -1)

    def action_next_marker(self) -> None:
        """Replay: jump to the next phase marker."""
        self._replay_move("marker", 1)

    def action_previous_marker(self) -> None:
        """Replay: jump to the previous phase marker."""
        self._replay_move("marker", -1)

    def action_toggle_marker_pause(self) -> None:
        """Replay: pause at every marker, or not."""
        app: Any = self
        if app.player is not None:
            app.player.pause_on_marker = not app.player.pause_on_marker
            on = "on" if app.player.pause_on_marker else "off"
            app.notify(tr(f"note.marker_pause.{on}", app.lang), timeout=2)
            app.state.dirty.add("status")
            app.present_now()

"""Replay of a recorded event list: a cursor, pacing, steps both ways, markers (no Textual).

The picture at position ``k`` is ``ViewState`` folded from ``events[:k]`` and nothing else, so a
replay is the same every time: pacing decides only *when* the cursor moves. Stepping back
restores the nearest checkpoint at or before the target (a copy of the state taken every
``CHECKPOINT_EVERY`` events on the way forward) and folds the rest again.

Stops: a *step* moves to just after the next (or previous) paced event - a node created or
started, as in a live run; markers (see :mod:`tui.replay.markers`) are positions too, and with
``pause_on_marker`` the player pauses when it reaches one.

The player is the app's :class:`~tui.app.source.RunSource` for a replay, as the engine's
:class:`~tui.app.source.LiveSource` is for a live run: the same keys steer both.
"""

from __future__ import annotations

import bisect
import copy
import time
from collections.abc import Sequence
from typing import Any

from tui.engine_link.controls import PACED, SPEEDS
from tui.i18n import tr
from tui.replay.markers import Marker, derive_markers
from tui.view.state import ViewState

__all__ = ["CHECKPOINT_EVERY", "Player"]

CHECKPOINT_EVERY = 512
"""Events between two saved states (stepping back folds at most this many again)."""
FULL_SPEED_BATCH = 2_000
"""Events folded per tick at full speed."""


class Player:
    """Plays ``events`` into a :class:`ViewState`, forward at a pace, or by steps both ways."""

    skimmed = 0
    """A replay folds every event (the status line reads this, as of a live run)."""

    def __init__(
        self,
        events: Sequence[dict[str, Any]],
        *,
        speed: str = "lecture",
        fake_timings: bool = False,
        paced: bool = False,
    ) -> None:
        self.events = list(events)
        self.fake_timings = fake_timings
        self.recorded_paced = paced
        """The recording was slowed or stepped (run times are then the sum of op times)."""
        self.stops = [i + 1 for i, ev in enumerate(self.events) if ev.get("kind") in PACED]
        """Positions just after each paced event: where a step lands."""
        self.markers: list[Marker] = derive_markers(self.events)
        self.pause_on_marker = False
        """Pause when the cursor reaches a marker (for talks)."""
        self.speed = speed if speed in dict(SPEEDS) else "lecture"
        self.paused = False
        self.pos = 0
        """Events folded into :attr:`state`."""
        self.state = self._fresh()
        self.generation = 0
        """Bumped whenever :attr:`state` is replaced by another object (a seek back)."""
        self._checkpoints: dict[int, ViewState] = {0: copy.deepcopy(self.state)}
        self._budget = 0.0
        self._marker_pos = sorted({m.pos for m in self.markers})
        self.ticking = True
        """:meth:`advance` moves the cursor by the time since the last frame (False: the
        caller moves it, as tests and the cast exporter do)."""
        self._clock = time.monotonic()

    # ------------------------------------------------------------ state

    def _fresh(self) -> ViewState:
        state = ViewState(fake_timings=self.fake_timings)
        state.paced = self.recorded_paced
        return state

    @property
    def running(self) -> bool:
        """Events remain to be played (the status line reads this, as of a live run)."""
        return not self.finished

    @property
    def paced(self) -> bool:
        """Whether the recorded run was slowed down or stepped."""
        return self.recorded_paced

    @property
    def finished(self) -> bool:
        """Every event has been folded."""
        return self.pos >= len(self.events)

    def _fold_to(self, target: int) -> None:
        """Fold forward up to ``target`` (never past the end), saving checkpoints on the way."""
        target = min(target, len(self.events))
        apply, events, state = self.state.apply, self.events, self.state
        while self.pos < target:
            apply(events[self.pos])
            self.pos += 1
            if self.pos % CHECKPOINT_EVERY == 0 and self.pos not in self._checkpoints:
                self._checkpoints[self.pos] = copy.deepcopy(state)
        if self.finished:
            state.finished = True
            state.dirty.add("status")

    def seek(self, target: int) -> None:
        """Show the picture after ``target`` events (backwards: from a checkpoint)."""
        target = max(0, min(target, len(self.events)))
        if target < self.pos:
            base = max(p for p in self._checkpoints if p <= target)
            self.state = copy.deepcopy(self._checkpoints[base])
            self.state.dirty.update(
                ("scene", "static", "eager", "source", "devices", "loss", "status")
            )
            self.state.new_errors.clear()
            self.pos = base
            self.generation += 1
        self._fold_to(target)

    # ------------------------------------------------------------ controls (the app's keys)

    def pause(self, paused: bool = True) -> None:
        """Hold, or play on from here (the time spent holding does not count)."""
        self.paused = paused
        self._clock = time.monotonic()

    def set_speed(self, name: str) -> None:
        """Play at a named speed from now on."""
        self.speed = name

    def stop(self) -> None:
        """Nothing runs in the background: nothing to stop."""

    def restart(self, keep_device: str | None = None) -> None:
        """Back to the first event, playing."""
        self.seek(0)
        self.paused = False
        self.state.dirty.update(("static", "eager", "status"))

    def run_scene(self, scene: Any, device: str, iterations: int | None, seed: int) -> None:
        """A replay runs no scene: its events are recorded."""

    def advance(self) -> Marker | None:
        """Once a frame: move on by the time since the last frame (when :attr:`ticking`);
        the marker it paused at, if it paused at one."""
        now = time.monotonic()
        dt, self._clock = now - self._clock, now
        was_paused = self.paused
        if self.ticking:
            self.tick(dt)
        self.state.dirty.add("status")  # the position in the status line
        marker = self.marker_at()
        if self.paused and not was_paused and marker is not None and marker.pos == self.pos:
            return marker
        return None

    def describe(self, lang: str) -> str:
        """ "replay 120/2,410 · Session.run #2: backward · pause at markers"."""
        parts = [tr("status.replay", lang, k=f"{self.pos:,}", n=f"{len(self.events):,}")]
        marker = self.marker_at()
        if marker is not None:
            parts.append(marker.label(lang))
        if self.pause_on_marker:
            parts.append(tr("status.marker_pause", lang))
        return "  ·  ".join(parts)

    # ------------------------------------------------------------ moves

    def step(self, direction: int = 1) -> None:
        """One node forward (+1) or back (-1); pauses."""
        self.paused = True
        if direction > 0:
            i = bisect.bisect_right(self.stops, self.pos)
            self.seek(self.stops[i] if i < len(self.stops) else len(self.events))
        else:
            i = bisect.bisect_left(self.stops, self.pos) - 1
            self.seek(self.stops[i] if i >= 0 else 0)

    def marker(self, direction: int = 1) -> Marker | None:
        """Jump to the next (+1) or previous (-1) marker; pauses there. Returns it (or None)."""
        self.paused = True
        if direction > 0:
            after = [m for m in self.markers if m.pos > self.pos]
            found = after[0] if after else None
        else:
            before = [m for m in self.markers if m.pos < self.pos]
            found = before[-1] if before else None
        if found is not None:
            self.seek(found.pos)
        return found

    def marker_at(self, pos: int | None = None) -> Marker | None:
        """The last marker at or before ``pos`` (default: the cursor)."""
        pos = self.pos if pos is None else pos
        found = None
        for m in self.markers:
            if m.pos > pos:
                break
            found = m
        return found

    def tick(self, dt: float) -> bool:
        """Let ``dt`` seconds of replay time pass; returns whether anything was folded."""
        if self.paused or self.finished:
            self._budget = 0.0
            return False
        start = self.pos
        delay = dict(SPEEDS)[self.speed]
        if delay == 0:
            target = self.pos + FULL_SPEED_BATCH
        else:
            self._budget += dt
            target = self.pos
            i = bisect.bisect_right(self.stops, self.pos)
            while self._budget >= delay:
                self._budget -= delay
                target = self.stops[i] if i < len(self.stops) else len(self.events)
                i += 1
                if target >= len(self.events):
                    break
            if self.pos == 0 and target == 0 and self.stops:  # show the scene at once
                target = self.stops[0] - 1
        if self.pause_on_marker:
            j = bisect.bisect_right(self._marker_pos, self.pos)
            if j < len(self._marker_pos) and self._marker_pos[j] <= target:
                target = self._marker_pos[j]
                self.paused = True
                self._budget = 0.0
        self._fold_to(target)
        return self.pos != start

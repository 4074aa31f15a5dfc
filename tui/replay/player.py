"""Replay of a recorded trace: a cursor, pacing, steps both ways, markers (no Textual).

The picture at position ``k`` is ``ViewState`` folded from ``events[:k]`` and nothing else, so a
replay is the same every time: pacing decides only *when* the cursor moves.

The events are read as a stream (:class:`tui.replay.load.EventLog`: a segment of
``log.size`` events at a time, a few segments kept), never held whole. On the way forward the
player saves the state at the start of every segment, pickled and compressed (a few KB); to
step back it restores the one at or before the target and folds the rest of that segment
again, so going back costs at most a segment's folding wherever the cursor is, and memory
grows by a few KB per segment of the trace, not by its events.

Stops: a *step* moves to just after the next (or previous) paced event - a node created or
started, as in a live run; markers (see :mod:`tui.replay.markers`) are positions too, and with
``pause_on_marker`` the player pauses when it reaches one. Both are found as the segments are
first read (so everything up to the cursor's segment is known, and a step or a jump forward
reads on as far as it needs).

A line of the trace that is not a good event raises :class:`engine.events.TraceError` when
the replay reaches it: :meth:`Player.seek` and :meth:`Player.tick` raise it; what the app
calls once a frame or on a key (:meth:`Player.advance`, :meth:`Player.step`,
:meth:`Player.marker`, :meth:`Player.restart`) keeps it in :attr:`Player.failure`, pauses and
tells :attr:`Player.on_failure` (``cgviz replay`` quits with that line, exit code 2).

The player is the app's :class:`~tui.app.source.RunSource` for a replay, as the engine's
:class:`~tui.app.source.LiveSource` is for a live run: the same keys steer both.
"""

from __future__ import annotations

import bisect
import copy
import pickle
import time
import zlib
from array import array
from collections.abc import Callable, Sequence
from typing import Any

from tui.engine_link.controls import PACED, SPEEDS
from tui.i18n import tr
from tui.replay.load import EventLog, MemoryLog
from tui.replay.markers import Marker, MarkerFinder
from tui.view.state import ViewState

__all__ = ["FULL_SPEED_BATCH", "Player"]

FULL_SPEED_BATCH = 2_000
"""Events folded per tick at full speed."""
REDRAW = ("scene", "static", "eager", "source", "devices", "loss", "status")
"""What a state put back in place must redraw."""


def _trace_error() -> type[Exception]:
    from tui.engine_link import TraceError

    error: type[Exception] = TraceError
    return error


class Player:
    """Plays a trace's events into a :class:`ViewState`, forward at a pace, or by steps both
    ways."""

    skimmed = 0
    """A replay folds every event (the status line reads this, as of a live run)."""

    def __init__(
        self,
        events: EventLog | Sequence[dict[str, Any]],
        *,
        speed: str = "lecture",
        fake_timings: bool = False,
        paced: bool = False,
    ) -> None:
        self.events: EventLog = events if isinstance(events, EventLog) else MemoryLog(events)
        """The trace's events (``len``: how many; ``[i]``: one, read from its segment)."""
        self.fake_timings = fake_timings
        self.recorded_paced = paced
        """The recording was slowed or stepped (run times are then the sum of op times)."""
        self.stops = array("q")
        """Positions just after each paced event (where a step lands), as far as read."""
        self._finder = MarkerFinder()
        self._marker_pos = array("q")
        self._read = 0  # segments whose stops and markers are known
        self.pause_on_marker = False
        """Pause when the cursor reaches a marker (for talks)."""
        self.speed = speed if speed in dict(SPEEDS) else "lecture"
        self.paused = False
        self.pos = 0
        """Events folded into :attr:`state`."""
        self.state = self._fresh()
        self.generation = 0
        """Bumped whenever :attr:`state` is replaced by another object (a seek back)."""
        self._saved: dict[int, bytes | ViewState] = {0: self._save(self.state)}
        """Segment -> the state at its first event (pickled and compressed)."""
        self._budget = 0.0
        self.ticking = True
        """:meth:`advance` moves the cursor by the time since the last frame (False: the
        caller moves it, as tests and the cast exporter do)."""
        self._clock = time.monotonic()
        self.failure = ""
        """"" or the one line saying why the trace could not be read on (a bad line)."""
        self.on_failure: Callable[[str], None] | None = None
        """Told that line when a move of the app's meets a bad line."""

    # ------------------------------------------------------------ state

    def _fresh(self) -> ViewState:
        state = ViewState(fake_timings=self.fake_timings)
        state.paced = self.recorded_paced
        return state

    @staticmethod
    def _save(state: ViewState) -> bytes | ViewState:
        try:
            return zlib.compress(pickle.dumps(state, pickle.HIGHEST_PROTOCOL), 1)
        except (pickle.PicklingError, TypeError, AttributeError):  # something in it won't
            return copy.deepcopy(state)

    @staticmethod
    def _restore(saved: bytes | ViewState) -> ViewState:
        if isinstance(saved, bytes):
            state: ViewState = pickle.loads(zlib.decompress(saved))
            return state
        return copy.deepcopy(saved)

    @property
    def markers(self) -> list[Marker]:
        """The phase markers found so far (all of them up to the cursor's segment)."""
        return self._finder.found

    @property
    def saved_bytes(self) -> int:
        """Memory the saved states take (pickled and compressed)."""
        return sum(len(s) for s in self._saved.values() if isinstance(s, bytes))

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
        """Every event has been folded (or a bad line stops the replay)."""
        return bool(self.failure) or (self.pos >= len(self.events) and self.events.ended)

    # ------------------------------------------------------------ reading on

    def _read_segment(self) -> bool:
        """Find the stops and markers of the next segment not read yet; False past the end."""
        s = self._read
        events = self.events.segment(s)
        if not events:
            return False
        base = s * self.events.size
        feed, stops = self._finder.feed, self.stops
        found = len(self._finder.found)
        for i, ev in enumerate(events, start=base):
            feed(i, ev)
            if ev.get("kind") in PACED:
                stops.append(i + 1)
        self._marker_pos.extend(m.pos for m in self._finder.found[found:])
        self._read = s + 1
        return True

    def _read_to(self, pos: int) -> None:
        """Stops and markers known up to the end of ``pos``'s segment."""
        while self._read <= pos // self.events.size and self._read_segment():
            pass

    def _stop_after(self, pos: int) -> int:
        """The first stop after ``pos`` (the end when there is none)."""
        while True:
            i = bisect.bisect_right(self.stops, pos)
            if i < len(self.stops):
                return self.stops[i]
            if not self._read_segment():
                return len(self.events)

    def _marker_after(self, pos: int) -> int | None:
        """Index of the first marker after ``pos`` (None when there is none)."""
        while True:
            j = bisect.bisect_right(self._marker_pos, pos)
            if j < len(self._marker_pos):
                return j
            if not self._read_segment():
                return None

    # ------------------------------------------------------------ moving

    def _fold_to(self, target: int) -> None:
        """Fold forward up to ``target`` (never past the end), saving a state at each
        segment's start on the way."""
        log, size = self.events, self.events.size
        state = self.state
        apply = state.apply
        while self.pos < min(target, len(log)):
            s, i = divmod(self.pos, size)
            self._read_to(self.pos)
            events = log.segment(s)
            stop = min(len(events), i + min(target, len(log)) - self.pos)
            if stop <= i:
                break  # the file ends sooner than it said
            for k in range(i, stop):
                apply(events[k])
            self.pos += stop - i
            if stop == size and s + 1 not in self._saved:
                self._saved[s + 1] = self._save(state)
        if self.pos >= len(log) and not log.ended:
            log.segment(self.pos // size)  # read on to the end: is there more, or a problem?
        if self.finished:
            state.finished = True
            state.dirty.add("status")

    def seek(self, target: int) -> None:
        """Show the picture after ``target`` events (backwards: from a saved state).

        Raises:
            engine.events.TraceError: a line on the way is not a good event.
        """
        target = max(0, min(target, len(self.events)))
        if target < self.pos:
            s = target // self.events.size
            self.state = self._restore(self._saved[s])
            self.state.dirty.update(REDRAW)
            self.state.new_errors.clear()
            self.pos = s * self.events.size
            self.generation += 1
        self._fold_to(target)

    def _guard(self, move: Callable[[], Any]) -> Any:
        """Run an app's move; a bad line becomes :attr:`failure` (and the player pauses)."""
        if self.failure:
            return None
        try:
            return move()
        except _trace_error() as e:
            self.failure = str(e)
            self.paused = True
            self.state.dirty.add("status")
            if self.on_failure is not None:
                self.on_failure(self.failure)
            return None

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
        self._guard(lambda: self.seek(0))
        self.paused = bool(self.failure)
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
            self._guard(lambda: self.tick(dt))
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
        if self.failure:
            parts.append(self.failure)
        return "  ·  ".join(parts)

    # ------------------------------------------------------------ moves

    def step(self, direction: int = 1) -> None:
        """One node forward (+1) or back (-1); pauses."""
        self.paused = True
        self._guard(lambda: self._step(direction))

    def _step(self, direction: int) -> None:
        if direction > 0:
            self.seek(self._stop_after(self.pos))
        else:
            i = bisect.bisect_left(self.stops, self.pos) - 1
            self.seek(self.stops[i] if i >= 0 else 0)

    def marker(self, direction: int = 1) -> Marker | None:
        """Jump to the next (+1) or previous (-1) marker; pauses there. Returns it (or None)."""
        self.paused = True
        found: Marker | None = self._guard(lambda: self._marker(direction))
        return found

    def _marker(self, direction: int) -> Marker | None:
        if direction > 0:
            j = self._marker_after(self.pos)
        else:
            j = bisect.bisect_left(self._marker_pos, self.pos) - 1
            j = j if j >= 0 else None
        if j is None:
            return None
        found = self.markers[j]
        self.seek(found.pos)
        return found

    def marker_at(self, pos: int | None = None) -> Marker | None:
        """The last marker at or before ``pos`` (default: the cursor)."""
        pos = self.pos if pos is None else pos
        j = bisect.bisect_right(self._marker_pos, pos) - 1
        return self.markers[j] if j >= 0 else None

    def markers_between(self, start: int, end: int) -> list[Marker]:
        """The markers after position ``start`` and at or before ``end`` (as far as read)."""
        lo = bisect.bisect_right(self._marker_pos, start)
        hi = bisect.bisect_right(self._marker_pos, end)
        return self.markers[lo:hi]

    def tick(self, dt: float) -> bool:
        """Let ``dt`` seconds of replay time pass; returns whether anything was folded.

        Raises:
            engine.events.TraceError: a line on the way is not a good event.
        """
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
            while self._budget >= delay:
                self._budget -= delay
                target = self._stop_after(target)
                if target >= len(self.events):
                    break
            if self.pos == 0 and target == 0:  # show the scene at once
                self._read_to(0)  # (a first stop further on waits its turn: no reading on)
                if self.stops:
                    target = self.stops[0] - 1
        if self.pause_on_marker:
            self._read_to(target)
            j = bisect.bisect_right(self._marker_pos, self.pos)
            if j < len(self._marker_pos) and self._marker_pos[j] <= target:
                target = self._marker_pos[j]
                self.paused = True
                self._budget = 0.0
        self._fold_to(target)
        return self.pos != start

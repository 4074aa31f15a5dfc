"""Where the app's events come from: the engine live, or a recorded trace.

The app holds one :class:`RunSource` and calls only it: the keys (pause, step, speed, restart,
markers), the frame (:meth:`RunSource.advance` once a frame) and the status line never ask
which one it is. :class:`LiveSource` is the engine, driven by a runner from
:mod:`tui.engine_link`; :class:`tui.replay.player.Player` is a trace.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from tui.engine_link.pair import PairRunner
    from tui.engine_link.runner import Runner
    from tui.replay.markers import Marker
    from tui.view.state import ViewState

__all__ = ["FRAME_BUDGET_S", "LiveSource", "RunSource"]

FRAME_BUDGET_S = 0.010
"""Time per frame for folding events in full; the rest waits for the next frame."""
SKIM_ABOVE = 4_000
"""A backlog longer than this (full speed) is skimmed: summary only, see ViewState.skim."""
SKIM_KEEP = 1_000
"""Newest events of a skimmed backlog that are still folded in full."""


class RunSource(Protocol):
    """A run the app shows and steers: :class:`LiveSource` or a replay's
    :class:`~tui.replay.player.Player`."""

    pause_on_marker: bool
    """Pause when a phase marker is reached (a live run has no markers)."""

    @property
    def state(self) -> ViewState:
        """What the panes draw (a replay that goes back replaces it by another object)."""
        ...

    @property
    def speed(self) -> str:
        """Name of the current speed (see :data:`tui.engine_link.controls.SPEEDS`)."""
        ...

    @property
    def paused(self) -> bool:
        """Whether the run holds (at each paced event)."""
        ...

    @property
    def running(self) -> bool:
        """Events are still to come (so a step can move on)."""
        ...

    @property
    def paced(self) -> bool:
        """Whether its wall times include pauses (slowed down, stepped, or recorded so)."""
        ...

    @property
    def skimmed(self) -> int:
        """Node events left out because the UI was behind."""
        ...

    def set_speed(self, name: str) -> None:
        """Use a named speed; a paused run stays paused."""

    def pause(self, paused: bool = True) -> None:
        """Hold (or go on)."""

    def step(self, direction: int = 1) -> None:
        """One node forward (a replay: also back, -1), then hold."""

    def stop(self) -> None:
        """End the run (the app is quitting or starts another)."""

    def restart(self, keep_device: str | None = None) -> None:
        """Back to an empty view: a live run stops and drops what is pending (keeping
        ``keep_device``'s panel figures; the app then starts the next run); a replay goes
        back to its first event and plays."""

    def run_scene(self, scene: Any, device: str, iterations: int | None, seed: int) -> None:
        """Run ``scene`` to its end (a worker thread calls this; a replay runs none)."""

    def advance(self) -> Marker | None:
        """Fold what is due this frame into :attr:`state`; the marker it paused at, if any."""

    def marker(self, direction: int) -> Marker | None:
        """Jump to the next (+1) or previous (-1) phase marker and hold there (None: none)."""

    def marker_at(self) -> Marker | None:
        """The last phase marker passed (None: none)."""

    def describe(self, lang: str) -> str:
        """Its own words for the status line ("" for a live run)."""


class LiveSource:
    """The engine, live: a runner fills an inbox from the engine; each frame folds what fits
    into the view state (at full speed a long backlog is skimmed to its summary)."""

    pause_on_marker = False

    def __init__(
        self, runner: Runner | PairRunner, state: ViewState, fold_all: bool, stream: Any = None
    ) -> None:
        self.runner = runner
        """Drives the engine: in engine processes, or in a worker thread of this one."""
        self._state = state
        self.fold_all = fold_all
        """Fold every pending event each frame, never skim (tests: what they see is exact)."""
        self.stream = stream
        """The event stream a thread engine listens on (None: the engine's own)."""

    @property
    def state(self) -> ViewState:
        """The view state the engine's events fold into (always this object)."""
        return self._state

    @property
    def speed(self) -> str:
        """Name of the current speed."""
        return self.runner.speed

    @property
    def paused(self) -> bool:
        """Whether the engine holds at each paced event."""
        return self.runner.paused

    @property
    def running(self) -> bool:
        """True while the engine runs."""
        return self.runner.running

    @property
    def paced(self) -> bool:
        """Whether the engine is slowed down or stepped."""
        return self.runner.paced

    @property
    def skimmed(self) -> int:
        """Events the engine did not send (the UI was behind)."""
        return self.runner.skimmed

    @property
    def complete(self) -> bool:
        """Whether a recording needs every event (then nothing is skimmed)."""
        return bool(getattr(self.runner, "complete", False))

    def set_speed(self, name: str) -> None:
        """Use a named speed."""
        self.runner.set_speed(name)

    def pause(self, paused: bool = True) -> None:
        """Hold at the next paced event, or go on."""
        self.runner.pause(paused)

    def step(self, direction: int = 1) -> None:
        """Let the engine go on to its next paced event (a live run cannot go back)."""
        if direction > 0:
            self.runner.step()

    def stop(self) -> None:
        """End the engine's run."""
        self.runner.stop()

    def restart(self, keep_device: str | None = None) -> None:
        """Stop the run, drop its pending events and empty the view."""
        self.runner.stop()
        self.runner.inbox.clear()
        self._state.reset_run(keep_device)

    def run_scene(self, scene: Any, device: str, iterations: int | None, seed: int) -> None:
        """Run ``scene`` on the engine until it ends (a worker thread calls this)."""
        self.runner.run_scene(scene, device, iterations, seed, self.stream)

    def advance(self) -> Marker | None:
        """Fold the inbox into the state, for at most ``FRAME_BUDGET_S`` (all of it when
        ``fold_all``); a backlog past ``SKIM_ABOVE`` is skimmed first."""
        t0 = time.perf_counter()
        inbox, state = self.runner.inbox, self._state
        apply = state.apply
        state.paced = self.runner.paced
        backlog = len(inbox)
        if backlog > SKIM_ABOVE and not self.fold_all:
            state.skim([inbox.popleft() for _ in range(backlog - SKIM_KEEP)])
        deadline = t0 + FRAME_BUDGET_S
        count = 0
        while inbox and (count & 127 or time.perf_counter() < deadline or self.fold_all):
            apply(inbox.popleft())
            count += 1
        return None

    def marker(self, direction: int) -> Marker | None:
        """A live run has no markers."""
        return None

    def marker_at(self) -> Marker | None:
        """A live run has no markers."""
        return None

    def describe(self, lang: str) -> str:
        """Nothing to add: the status line says it all."""
        return ""

"""Pause, step and speed of a run, and the wait a pacer does after each paced event.

One :class:`RunControls` object is shared by every runner that drives the same run: the thread
:class:`~tui.engine_link.runner.Runner` waits on it; a
:class:`~tui.engine_link.process.ProcessRunner` (and both processes of a
:class:`~tui.engine_link.pair.PairRunner`) watch it and pass every change on to their engine
process, whose own copy (:class:`tui.engine_link.child.Controls`) the child's pacer waits on.
Stopping is not here: each runner knows which run a stop ends.

This module uses the standard library only (the engine process imports it).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

__all__ = ["PACED", "SPEEDS", "Controlled", "RunControls"]

SPEEDS: tuple[tuple[str, float], ...] = (
    ("slow", 0.6),
    ("lecture", 0.2),
    ("brisk", 0.06),
    ("fast", 0.01),
    ("full", 0.0),
)
"""Named speeds: seconds of pause after each paced event (node created / started)."""
PACED = frozenset({"node_created", "node_started"})
"""Events after which the animation pauses (one 'step' moves to the next of these)."""


class RunControls:
    """The run controls: a named speed, paused, and steps granted while paused.

    Plain attributes are read on every event; the condition is taken only to change them or to
    wait on them. Every change is also handed to the watchers as a message (``("speed", name)``,
    ``("pause", paused)``, ``("step",)``), which :meth:`apply` takes back on the other side of a
    process boundary.
    """

    def __init__(self, speed: str = "lecture") -> None:
        self.speed = speed if speed in dict(SPEEDS) else "lecture"
        """Name of the current speed (see :data:`SPEEDS`)."""
        self.delay = dict(SPEEDS)[self.speed]
        """Seconds of pause after each paced event (0: full speed)."""
        self.paused = False
        """Whether the run waits at each paced event."""
        self.steps = 0
        """Paced events the run may pass while paused (step mode)."""
        self.cond = threading.Condition()
        self._watchers: tuple[Callable[[tuple[Any, ...]], None], ...] = ()

    # ------------------------------------------------------------ state

    @property
    def paced(self) -> bool:
        """Whether the run is slowed down or stepped (wall times then include the pauses)."""
        return self.paused or bool(self.delay)

    @property
    def full_speed(self) -> bool:
        """Whether the run is neither slowed down nor stepped."""
        return not self.paced

    # ------------------------------------------------------------ changes (any thread)

    def set_speed(self, name: str) -> None:
        """Pick a named speed from :data:`SPEEDS`."""
        self.apply(("speed", name))

    def pause(self, paused: bool = True) -> None:
        """Pause (or resume) at the next paced event."""
        self.apply(("pause", paused))

    def step(self) -> None:
        """Let the run go on to the next paced event, then pause again."""
        self.apply(("step",))

    def apply(self, message: tuple[Any, ...]) -> None:
        """Take a change as a message (what the watchers are handed), then tell them."""
        what = message[0]
        with self.cond:
            if what == "speed":  # a named speed, or its delay in seconds
                value = message[1]
                delays = dict(SPEEDS)
                self.delay = delays[value] if isinstance(value, str) else float(value)
                self.speed = value if isinstance(value, str) else self._name(self.delay)
            elif what == "pause":
                self.paused, self.steps = bool(message[1]), 0
            elif what == "step":
                self.paused = True
                self.steps += 1
            else:
                raise ValueError(f"not a run control: {message!r}")
            self.cond.notify_all()
        for watcher in self._watchers:
            watcher(message)

    def _name(self, delay: float) -> str:
        return next((name for name, d in SPEEDS if d == delay), self.speed)

    def watch(self, fn: Callable[[tuple[Any, ...]], None]) -> None:
        """Hand every later change to ``fn`` as a message (a process runner tells its child)."""
        self._watchers = (*self._watchers, fn)

    def wake(self) -> None:
        """Wake a waiting run (after a stop, so that it notices)."""
        with self.cond:
            self.cond.notify_all()

    # ------------------------------------------------------------ the run (its pacer)

    def wait(self, stopped: Callable[[], bool]) -> None:
        """Sleep (slow motion) or block (paused) after a paced event, until ``stopped()``
        holds, a step is granted or the run is resumed; the caller ends a stopped run."""
        with self.cond:
            if not self.paused and self.delay:
                self.cond.wait_for(lambda: stopped() or self.paused, timeout=self.delay)
            while self.paused and self.steps == 0 and not stopped():
                self.cond.wait(0.1)
            if self.paused and self.steps:
                self.steps -= 1


class Controlled:
    """What every runner says and does about its run's controls, read from and handed to its
    :class:`RunControls` (``self.controls``): the thread runner, the process runner and the
    pair of them forward the same six members."""

    controls: RunControls
    """Speed, pause and steps of the run."""

    @property
    def speed(self) -> str:
        """Name of the current speed."""
        return self.controls.speed

    @property
    def paused(self) -> bool:
        """Whether the run waits at each paced event."""
        return self.controls.paused

    @property
    def paced(self) -> bool:
        """Whether the run is slowed down or stepped (wall times then include the pauses)."""
        return self.controls.paced

    def set_speed(self, name: str) -> None:
        """Pick a named speed from :data:`SPEEDS`."""
        self.controls.set_speed(name)

    def pause(self, paused: bool = True) -> None:
        """Pause (or resume) at the next paced event."""
        self.controls.pause(paused)

    def step(self) -> None:
        """Let the run go on to the next paced event, then pause again."""
        self.controls.step()

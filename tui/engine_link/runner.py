"""Drives the engine from a worker thread: subscribes an inbox, paces, stops promptly.

The engine emits on a process-wide stream; the runner's subscriber appends each event to a
bounded deque (the inbox) that the UI drains at a fixed frame rate, and its pacer (called by
the stream after every event, outside any timed region) sleeps for slow motion, blocks in step
mode, and raises ``Stopped`` when the run must end. Only events from the thread of the current
run are taken, so an old run that is still winding down can neither pollute the inbox nor be
paced by the new run's settings. While the UI is behind (see :mod:`tui.engine_link.skimmer`),
the runner asks the engine to send the next units as their op totals only.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Any

from tui.engine_link.skimmer import Backlog, wanted

INBOX_CAP = 50_000
"""Events held at most; past that the oldest are dropped (the UI counts the gap)."""

SPEEDS: tuple[tuple[str, float], ...] = (
    ("slow", 0.6),
    ("lecture", 0.2),
    ("brisk", 0.06),
    ("fast", 0.01),
    ("full", 0.0),
)
"""Named speeds: seconds of pause after each paced event (node created / started)."""
YIELD_EVERY = 64
"""At full speed, paced events between two GIL hand-overs to the UI thread."""
PACED = frozenset({"node_created", "node_started"})
"""Events after which the animation pauses (one 'step' moves to the next of these)."""


def _stopped_error() -> type[Exception]:
    try:
        from engine.events import Stopped
    except ImportError:  # the engine is optional at import time
        return RuntimeError
    return Stopped


class Runner:
    """Pacing, pausing, stepping and stopping of one engine run at a time."""

    def __init__(self, inbox: deque[dict[str, Any]] | None = None, speed: str = "lecture") -> None:
        self.inbox: deque[dict[str, Any]] = inbox if inbox is not None else deque(maxlen=INBOX_CAP)
        """Engine -> UI events (bounded; append and popleft are thread-safe)."""
        self.speed = speed if speed in dict(SPEEDS) else "lecture"
        """Name of the current speed."""
        self._delay = dict(SPEEDS)[self.speed]
        self._cond = threading.Condition()
        self._paused = False
        self._steps = 0
        self._stop = threading.Event()
        self._thread: int | None = None
        self.running = False
        """True while a run is in progress."""
        self.skimmed = 0
        """Events the engine did not send because the UI was behind (whole runs / iterations
        sent as their op totals), as the op totals report them."""

    # ------------------------------------------------------------ controls (UI thread)

    @property
    def paused(self) -> bool:
        """Whether the run waits at each paced event."""
        return self._paused

    @property
    def paced(self) -> bool:
        """Whether the run is slowed down or stepped (wall times then include the pauses)."""
        return self._paused or bool(self._delay)

    def set_speed(self, name: str) -> None:
        """Pick a named speed from :data:`SPEEDS`."""
        self.speed, self._delay = name, dict(SPEEDS)[name]
        with self._cond:
            self._cond.notify_all()

    def pause(self, paused: bool = True) -> None:
        """Pause (or resume) at the next paced event."""
        with self._cond:
            self._paused, self._steps = paused, 0
            self._cond.notify_all()

    def step(self) -> None:
        """Let the run go on to the next paced event, then pause again."""
        with self._cond:
            self._paused = True
            self._steps += 1
            self._cond.notify_all()

    def stop(self) -> None:
        """End the current run at its next event."""
        self._stop.set()
        with self._cond:
            self._cond.notify_all()

    # ------------------------------------------------------------ the run (worker thread)

    def run(self, target: Callable[[], None], stream: Any = None) -> None:
        """Run ``target`` (which emits on ``stream``) until it returns, fails or is stopped.

        Engine failures become an ``error`` event in the inbox, never an exception here.
        """
        if stream is None:
            from engine.events import STREAM as stream
        self._stop = threading.Event()
        self.skimmed = 0
        stop = self._stop
        me = threading.get_ident()
        self._thread = me
        stopped = _stopped_error()

        backlog = Backlog()

        def ask() -> None:
            """What the next units send: totals only while the UI is behind (only full speed
            gets there). This runner shares the UI's process and never skims more."""
            detail, per_s = wanted(True, backlog.behind, False, nodes_per_s=0.0)
            stream.want(subscriber, detail, nodes_per_s=per_s)

        def subscriber(event: dict[str, Any]) -> None:
            if threading.get_ident() != me or stop.is_set():
                return
            kind = event.get("kind")
            inbox = self.inbox
            if kind == "op_totals":
                self.skimmed += event.get("skimmed") or 0
            elif kind == "iteration_finished" and backlog.changed(len(inbox)):
                ask()  # for the units that start after this one
            inbox.append(event)

        beat = 0

        def pacer(event: dict[str, Any]) -> None:
            nonlocal beat
            if threading.get_ident() != me or stop.is_set():
                raise stopped("run stopped")
            if event.get("kind") in PACED:
                if self._delay or self._paused:
                    self._wait(stop)
                else:  # full speed: hand the GIL to the UI now and then, so it stays responsive
                    beat += 1
                    if beat % YIELD_EVERY == 0:
                        time.sleep(0)

        unsubscribe = stream.subscribe(subscriber)
        backlog.changed(len(self.inbox))
        ask()
        stream.set_pacer(pacer)
        self.running = True
        try:
            target()
        except stopped:
            pass
        except Exception as e:  # an engine failure is UI state, never a crash
            if not stop.is_set():
                self.inbox.append({"kind": "error", "type": type(e).__name__, "message": str(e)})
        finally:
            unsubscribe()
            if stream.pacer is pacer:
                stream.set_pacer(None)
            if self._thread == me:
                self.running = False
                self.inbox.append(
                    {"kind": "runner", "state": "stopped" if stop.is_set() else "finished"}
                )

    def _wait(self, stop: threading.Event) -> None:
        with self._cond:
            if not self._paused and self._delay:
                self._cond.wait_for(lambda: stop.is_set() or self._paused, timeout=self._delay)
            while self._paused and self._steps == 0 and not stop.is_set():
                self._cond.wait(0.1)
            if self._paused and self._steps:
                self._steps -= 1
        if stop.is_set():
            raise _stopped_error()("run stopped")

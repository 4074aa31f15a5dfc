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

from tui.engine_link.controls import PACED, SPEEDS, Controlled, RunControls
from tui.engine_link.skimmer import Backlog, wanted

__all__ = ["INBOX_CAP", "PACED", "SPEEDS", "Runner"]

INBOX_CAP = 50_000
"""Events held at most; past that the oldest are dropped (the UI counts the gap)."""
YIELD_EVERY = 64
"""At full speed, paced events between two GIL hand-overs to the UI thread."""


def _stopped_error() -> type[Exception]:
    try:
        from engine.events import Stopped
    except ImportError:  # the engine is optional at import time
        return RuntimeError
    return Stopped


class Runner(Controlled):
    """Pacing, pausing, stepping and stopping of one engine run at a time."""

    def __init__(
        self,
        inbox: deque[dict[str, Any]] | None = None,
        speed: str = "lecture",
        controls: RunControls | None = None,
    ) -> None:
        self.inbox: deque[dict[str, Any]] = inbox if inbox is not None else deque(maxlen=INBOX_CAP)
        """Engine -> UI events (bounded; append and popleft are thread-safe)."""
        self.controls = controls if controls is not None else RunControls(speed)
        """Speed, pause and steps (shared with the process runner this one runs for)."""
        self._stop = threading.Event()
        self._thread: int | None = None
        self._taps: tuple[Callable[[dict[str, Any]], None], ...] = ()
        self.running = False
        """True while a run is in progress."""
        self.skimmed = 0
        """Events the engine did not send because the UI was behind (whole runs / iterations
        sent as their op totals), as the op totals report them."""

    # ------------------------------------------------------------ controls (UI thread)

    def stop(self) -> None:
        """End the current run at its next event."""
        self._stop.set()
        self.controls.wake()

    def close(self) -> None:
        """Stop any run (the app is quitting; this runner holds no process)."""
        self.stop()

    def warm(self, scene: Any) -> None:
        """Nothing to start before a run (the engine runs in this process)."""

    def subscribe(
        self, fn: Callable[[dict[str, Any]], None], complete: bool = True
    ) -> Callable[[], None]:
        """Also hand every event of the runs to ``fn`` (a trace writer); returns the undo.

        Nothing is skimmed here while the UI keeps up, whatever ``complete`` says.
        """
        self._taps = (*self._taps, fn)

        def unsubscribe() -> None:
            self._taps = tuple(t for t in self._taps if t is not fn)

        return unsubscribe

    def run_scene(
        self, scene: Any, device: str, iterations: int | None, seed: int, stream: Any = None
    ) -> None:
        """Run ``scene`` here (see :meth:`run`)."""
        self.run(lambda: scene.run(device=device, iterations=iterations, seed=seed), stream)

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
            for tap in self._taps:
                tap(event)
            inbox.append(event)

        beat = 0
        controls = self.controls

        def pacer(event: dict[str, Any]) -> None:
            nonlocal beat
            if threading.get_ident() != me or stop.is_set():
                raise stopped("run stopped")
            if event.get("kind") in PACED:
                if controls.paced:
                    controls.wait(stop.is_set)
                    if stop.is_set():
                        raise stopped("run stopped")
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

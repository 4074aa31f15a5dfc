"""Runs the live engine in its own process, so the UI and the engine each get a core.

:class:`ProcessRunner` has the thread :class:`~tui.runner.Runner`'s interface (inbox, speed,
paused, paced, running, skimmed, set_speed, pause, step, stop, run). Given a :class:`Job`, it
sends it to a warm child process (:mod:`tui.engine_child`) that runs it on the engine and sends
the events back in batches; the calling (worker) thread receives them into the inbox, skipping
whole runs / iterations when the UI is behind, as the thread runner does. The controls cross
the boundary through shared values the child's pacer reads. Given a plain callable (a scene
that cannot be described as a job), it runs it in this process with a thread runner.

The child is started with the "forkserver" method (never fork: this process has threads), is
kept between jobs so a restart is instant, and is killed when a stop is not obeyed within
``STOP_GRACE_S``; a child that dies becomes an ``error`` event.
"""

from __future__ import annotations

import multiprocessing as mp
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Any

from tui.engine_child import Controls, Job, child_main
from tui.runner import HIGH_WATER, INBOX_CAP, NODE_KINDS, SPEEDS, Runner

__all__ = ["Job", "ProcessRunner", "job_for"]

STOP_GRACE_S = 1.0
"""A child that has not ended its job this long after a stop is killed."""
POLL_S = 0.05
"""How often the receiving thread looks at the child while no message comes."""


def job_for(scene: Any, device: str, iterations: int | None, seed: int) -> Job | None:
    """The job that runs ``scene`` in the engine process, or None when it cannot be described
    (a scene that is neither one of the engine's nor a loaded user script)."""
    import sys

    from tui.script import ScriptScene

    if isinstance(scene, ScriptScene):
        return Job(device=device, iterations=iterations, seed=seed, script=str(scene.path),
                   name=scene.name, title=scene.title, caption=scene.caption)
    scenes = getattr(sys.modules.get("engine.scenes"), "SCENES", {})
    name = getattr(scene, "name", None)
    if name is not None and scenes.get(name) is scene:
        return Job(device=device, iterations=iterations, seed=seed, scene=name)
    return None


class ProcessRunner:
    """Pacing, pausing, stepping and stopping of one engine run at a time, in a child process."""

    def __init__(self, inbox: deque[dict[str, Any]] | None = None, speed: str = "lecture") -> None:
        self.inbox: deque[dict[str, Any]] = inbox if inbox is not None else deque(maxlen=INBOX_CAP)
        """Engine -> UI events (bounded; append and popleft are thread-safe)."""
        self.speed = speed if speed in dict(SPEEDS) else "lecture"
        """Name of the current speed."""
        self._ctx = mp.get_context("forkserver")
        self._ctx.set_forkserver_preload(["tui.engine_child"])
        self._controls = Controls(self._ctx)
        self._controls.delay.value = dict(SPEEDS)[self.speed]
        self._local = Runner(self.inbox, self.speed)
        """Runs plain callables in this process (scenes that are not jobs)."""
        self._child: Any = None
        self._conn: Any = None
        self._child_lock = threading.Lock()
        self._run_lock = threading.Lock()
        self._taps: tuple[Callable[[dict[str, Any]], None], ...] = ()
        self._stop_at: float | None = None
        self._closed = False
        self._running = False
        self.skimmed = 0
        """Events not passed to the UI because it was behind (whole runs / iterations)."""

    # ------------------------------------------------------------ state

    @property
    def running(self) -> bool:
        """True while a run is in progress."""
        return self._running or self._local.running

    @property
    def paused(self) -> bool:
        """Whether the run waits at each paced event."""
        return bool(self._controls.paused.value)

    @property
    def paced(self) -> bool:
        """Whether the run is slowed down or stepped (wall times then include the pauses)."""
        return self.paused or bool(self._controls.delay.value)

    # ------------------------------------------------------------ controls (UI thread)

    def set_speed(self, name: str) -> None:
        """Pick a named speed from :data:`~tui.runner.SPEEDS`."""
        self.speed = name
        c = self._controls
        with c.cond:
            c.delay.value = dict(SPEEDS)[name]
            c.cond.notify_all()
        self._local.set_speed(name)

    def pause(self, paused: bool = True) -> None:
        """Pause (or resume) at the next paced event."""
        c = self._controls
        with c.cond:
            c.paused.value, c.steps.value = int(paused), 0
            c.cond.notify_all()
        self._local.pause(paused)

    def step(self) -> None:
        """Let the run go on to the next paced event, then pause again."""
        c = self._controls
        with c.cond:
            c.paused.value = 1
            c.steps.value += 1
            c.cond.notify_all()
        self._local.step()

    def stop(self) -> None:
        """End the current run at its next event (the child is killed if it does not obey)."""
        c = self._controls
        with c.cond:
            c.stop.value = 1
            c.cond.notify_all()
        if self._stop_at is None:
            self._stop_at = time.monotonic()
        self._local.stop()

    def subscribe(self, fn: Callable[[dict[str, Any]], None]) -> Callable[[], None]:
        """Also hand every event the child sends to ``fn`` (a trace writer); returns the undo.

        The same duck type as the engine's stream, for :class:`tui.recorder.Recorder`.
        """
        self._taps = (*self._taps, fn)

        def unsubscribe() -> None:
            self._taps = tuple(t for t in self._taps if t is not fn)

        return unsubscribe

    # ------------------------------------------------------------ the child

    def warm(self) -> None:
        """Start the child now, in the background, so the first run does not wait for it."""
        threading.Thread(target=self._ensure_child, name="cgviz-engine-start",
                         daemon=True).start()

    def _ensure_child(self) -> tuple[Any, Any]:
        with self._child_lock:
            if self._closed:
                raise RuntimeError("the engine process was closed")
            if self._child is None or not self._child.is_alive():
                here, there = self._ctx.Pipe()
                child = self._ctx.Process(target=child_main, args=(there, self._controls),
                                          name="cgviz-engine", daemon=True)
                child.start()
                there.close()
                self._child, self._conn = child, here
            return self._child, self._conn

    def _kill(self) -> None:
        with self._child_lock:
            child, conn = self._child, self._conn
            self._child = self._conn = None
        if conn is not None:
            conn.close()
        if child is not None:
            child.terminate()
            child.join(0.5)
            if child.is_alive():
                child.kill()
                child.join(0.5)

    def close(self) -> None:
        """Stop any run and end the child (the app is quitting)."""
        self.stop()
        with self._child_lock:
            self._closed = True
            child, conn = self._child, self._conn
        if child is None:
            return
        try:
            conn.send(None)
        except OSError:
            pass
        child.join(STOP_GRACE_S if self._running else 0.2)
        self._kill()

    # ------------------------------------------------------------ the run (worker thread)

    def run(self, target: Job | Callable[[], None], stream: Any = None) -> None:
        """Run ``target`` until it returns, fails or is stopped: a :class:`Job` in the child,
        anything else here. Failures (of the engine or of the child) become ``error`` events.
        """
        if not isinstance(target, Job):
            self._local.run(target, stream)
            return
        with self._run_lock:
            if self._closed:
                return
            c = self._controls
            with c.cond:
                c.stop.value = 0
            self._stop_at = None
            self.skimmed = 0
            self._running = True
            state = "stopped"
            try:
                child, conn = self._ensure_child()
                conn.send(target)
                state = self._receive(child, conn)
            except Exception as e:  # the child could not be started or reached
                self.inbox.append({"kind": "error", "type": type(e).__name__,
                                   "message": f"engine process: {e}"})
                self._kill()
            finally:
                self._running = False
            if state != "stopped":  # a stop comes from a restart or from quitting: no event
                self.inbox.append({"kind": "runner", "state": state})

    def _receive(self, child: Any, conn: Any) -> str:
        """Move the child's events into the inbox until it says it is done; how it ended."""
        skipping: set[Any] = set()
        while True:
            if self._stop_at is not None and time.monotonic() - self._stop_at > STOP_GRACE_S:
                self._kill()  # stuck in a long op: a stop must be prompt
                return "stopped"
            try:
                if not conn.poll(POLL_S):
                    if not child.is_alive():
                        return self._died(child)
                    continue
                kind, payload = conn.recv()
            except (EOFError, OSError):
                return self._died(child)
            if kind == "done":
                return str(payload)
            if self._stop_at is None:
                self._deliver(payload, skipping)

    def _deliver(self, events: list[dict[str, Any]], skipping: set[Any]) -> None:
        inbox, taps = self.inbox, self._taps
        for event in events:
            for tap in taps:
                tap(event)
            kind = event.get("kind")
            if kind == "run_started" or (kind == "graph_created" and event.get("mode") == "eager"):
                graph = event.get("graph")
                if len(inbox) > HIGH_WATER:  # the UI is behind: skip this whole run/iteration
                    skipping.add(graph)
                    self.skimmed += 1
                    continue
                skipping.discard(graph)
            elif kind in NODE_KINDS and skipping and event.get("graph") in skipping:
                self.skimmed += 1
                continue
            inbox.append(event)

    def _died(self, child: Any) -> str:
        child.join(0.5)
        code = child.exitcode
        self._kill()
        if self._stop_at is not None:
            return "stopped"
        self.inbox.append({"kind": "error", "type": "EngineProcessDied",
                           "message": f"the engine process ended unexpectedly (exit code "
                                      f"{code}); restart (r) starts a new one"})
        return "died"

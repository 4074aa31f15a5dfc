"""Runs the live engine in its own process, so the UI and the engine each get a core.

:class:`ProcessRunner` has the thread :class:`~tui.engine_link.runner.Runner`'s interface (inbox,
speed, paused, paced, running, skimmed, set_speed, pause, step, stop, run). Given a :class:`Job`, it
sends it to a warm child process (:mod:`tui.engine_link.child`) that runs it on the engine and sends
the events back in batches over a socket; the calling (worker) thread receives them into the inbox.
The child skims at full speed (whole runs / iterations sent as their summaries, see
:mod:`tui.engine_link.skimmer`), skimming everything while this side says the UI is behind (its
inbox's :class:`~tui.engine_link.skimmer.Backlog`), and nothing while a recording taps the
events. The controls are small messages the child's pacer obeys. Given a plain callable (a scene
that cannot be described as a job), it runs it in this process with a thread runner.

The child is a fresh interpreter (never a fork: this process has threads) that imports only
the engine; it is kept between jobs so a restart is instant, and killed when a stop is not
obeyed within ``STOP_GRACE_S``. A child that dies becomes an ``error`` event.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from tui.engine_link.child import Job
from tui.engine_link.controls import Controlled, RunControls
from tui.engine_link.runner import INBOX_CAP, Runner
from tui.engine_link.skimmer import Backlog

__all__ = ["Job", "ProcessRunner", "job_for"]

STOP_GRACE_S = 1.0
"""A child that has not ended its job this long after a stop is killed."""
BLAS_THREADS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
"""The engine process's BLAS runs on one thread: with a second one it fights the UI for the
other core (measured: the eager loop ran at a tenth of its speed), and even alone the seed
loop's small matmuls are faster on one."""
POLL_S = 0.05
"""How often the receiving thread looks at the child while no message comes."""


def job_for(scene: Any, device: str, iterations: int | None, seed: int) -> Job | None:
    """The job that runs ``scene`` in the engine process, or None when it cannot be described
    (a scene that is neither one of the engine's nor a loaded user script)."""
    from tui.engine_link.script import ScriptScene

    if isinstance(scene, ScriptScene):
        return Job(
            device=device,
            iterations=iterations,
            seed=seed,
            script=str(scene.path),
            name=scene.name,
            title=scene.title,
            caption=scene.caption,
        )
    scenes = getattr(sys.modules.get("engine.scenes"), "SCENES", {})
    name = getattr(scene, "name", None)
    if name is not None and scenes.get(name) is scene:
        sides = tuple(getattr(scene, "sides", ()))
        return Job(device=device, iterations=iterations, seed=seed, scene=name, sides=sides)
    return None


class ProcessRunner(Controlled):
    """Pacing, pausing, stepping and stopping of one engine run at a time, in a child process."""

    def __init__(
        self,
        inbox: deque[dict[str, Any]] | None = None,
        speed: str = "lecture",
        tag: str | None = None,
        controls: RunControls | None = None,
    ) -> None:
        self.tag = tag
        """Stamped as ``src`` on every event this runner delivers (two runners share an inbox:
        each keeps its own ``seq``)."""
        self.inbox: deque[dict[str, Any]] = inbox if inbox is not None else deque(maxlen=INBOX_CAP)
        """Engine -> UI events (bounded; append and popleft are thread-safe)."""
        self.controls = controls if controls is not None else RunControls(speed)
        """Speed, pause and steps: every change is passed on to the child (two runners of a
        pair share one)."""
        self.controls.watch(self._tell_change)
        self._local = Runner(self.inbox, controls=self.controls)
        """Runs plain callables in this process (scenes that are not jobs)."""
        self._child: subprocess.Popen[bytes] | None = None
        self._conn: Connection | None = None
        self._child_lock = threading.Lock()
        self._send_lock = threading.Lock()
        self._run_lock = threading.Lock()
        self._job = 0
        self._taps: tuple[Callable[[dict[str, Any]], None], ...] = ()
        self._complete: tuple[Callable[[dict[str, Any]], None], ...] = ()
        """The taps that need every event (recordings): nothing is skimmed while any is on."""
        self._backlog = Backlog()
        self._stop_at: float | None = None
        self._closed = False
        self._running = False
        self.skimmed = 0
        """Events the child did not send (skimmed runs / iterations), as it reports them."""

    # ------------------------------------------------------------ state

    @property
    def complete(self) -> bool:
        """Whether a recording needs every event (then nothing is skimmed)."""
        return bool(self._complete)

    @property
    def running(self) -> bool:
        """True while a run is in progress."""
        return self._running or self._local.running

    # ------------------------------------------------------------ controls (UI thread)

    def stop(self) -> None:
        """End the current run at its next event (the child is killed if it does not obey)."""
        if self._stop_at is None:
            self._stop_at = time.monotonic()
        self._tell("stop", self._job)
        self._local.stop()

    def subscribe(
        self, fn: Callable[[dict[str, Any]], None], complete: bool = True
    ) -> Callable[[], None]:
        """Also hand every event the child sends to ``fn`` (a trace writer); returns the undo.

        The same duck type as the engine's stream, for :class:`tui.engine_link.recorder.Recorder`.
        While a ``complete`` tap is on (a recording), the child skims nothing; a tap that only
        watches (a benchmark) passes ``complete=False``.
        """
        self._taps = (*self._taps, fn)
        if complete:
            self._complete = (*self._complete, fn)
            self._tell("complete", True)

        def unsubscribe() -> None:
            self._taps = tuple(t for t in self._taps if t is not fn)
            if fn in self._complete:
                self._complete = tuple(t for t in self._complete if t is not fn)
                self._tell("complete", bool(self._complete))

        return unsubscribe

    def _tell_change(self, message: tuple[Any, ...]) -> None:
        self._tell(*message)

    def _tell(self, *message: Any) -> None:
        conn = self._conn
        if conn is None:
            return
        try:
            with self._send_lock:
                conn.send(message)
        except (OSError, ValueError):  # the child is gone: the run notices
            pass

    # ------------------------------------------------------------ the child

    def warm(self) -> None:
        """Start the child now, in the background, so the first run does not wait for it."""
        threading.Thread(target=self._ensure_child, name="cgviz-engine-start", daemon=True).start()

    def _ensure_child(self) -> tuple[subprocess.Popen[bytes], Connection]:
        with self._child_lock:
            if self._closed:
                raise RuntimeError("the engine process was closed")
            if self._child is None or self._conn is None or self._child.poll() is not None:
                self._child, self._conn = _start_child()
            return self._child, self._conn

    def _kill(self) -> None:
        with self._child_lock:
            child, conn = self._child, self._conn
            self._child = self._conn = None
        if conn is not None:
            conn.close()
        if child is not None and child.poll() is None:
            child.kill()
            child.wait(1.0)

    def close(self) -> None:
        """Stop any run and end the child (the app is quitting)."""
        self.stop()
        with self._child_lock:
            self._closed = True
            child = self._child
        if child is None:
            return
        self._tell(None)
        try:
            child.wait(STOP_GRACE_S if self._running else 0.2)
        except subprocess.TimeoutExpired:
            pass
        self._kill()

    # ------------------------------------------------------------ the run (worker thread)

    def run(
        self, target: Job | Callable[[], None], stream: Any = None, announce: bool = True
    ) -> str:
        """Run ``target`` until it returns, fails or is stopped: a :class:`Job` in the child,
        anything else here. Failures (of the engine or of the child) become ``error`` events.

        Args:
            announce: end with a ``runner`` event saying how it ended (unless stopped).

        Returns:
            How it ended: "finished", "stopped" or "died".
        """
        if not isinstance(target, Job):
            self._local.run(target, stream)
            return "finished"
        with self._run_lock:
            if self._closed:
                return "stopped"
            self._job += 1
            self._stop_at = None
            self.skimmed = 0
            self._running = True
            state = "stopped"
            try:
                child, conn = self._ensure_child()
                with self._send_lock:
                    controls = self.controls
                    conn.send(
                        ("job", self._job, target, controls.speed, controls.paused, self.complete)
                    )
                    self._backlog = Backlog()
                    conn.send(("behind", False))
                state = self._receive(child, conn)
            except Exception as e:  # the child could not be started or reached
                self.inbox.append(
                    {"kind": "error", "type": type(e).__name__, "message": f"engine process: {e}"}
                )
                self._kill()
            finally:
                self._running = False
            if state != "stopped" and announce:  # a stop: a restart or quitting, no event
                self.inbox.append({"kind": "runner", "state": state})
            return state

    def _receive(self, child: subprocess.Popen[bytes], conn: Connection) -> str:
        """Move the child's events into the inbox until it says it is done; how it ended."""
        while True:
            if self._stop_at is not None and time.monotonic() - self._stop_at > STOP_GRACE_S:
                self._kill()  # stuck in a long op: a stop must be prompt
                return "stopped"
            try:
                if not conn.poll(POLL_S):
                    if child.poll() is not None:
                        return self._died(child)
                    continue
                kind, payload = conn.recv()
            except (EOFError, OSError):
                return self._died(child)
            if kind == "done":
                return str(payload)
            if self._stop_at is None:
                self._deliver(payload)
            self._watch()

    def _deliver(self, events: list[dict[str, Any]]) -> None:
        inbox, taps, tag = self.inbox, self._taps, self.tag
        for event in events:
            if tag is not None:
                event["src"] = tag
            if event["kind"] == "op_totals":
                self.skimmed += event.get("skimmed") or 0
        if taps:
            for event in events:
                for tap in taps:
                    tap(event)
        inbox.extend(events)

    def _watch(self) -> None:
        """Tell the child when the UI falls behind or catches up (see ``Backlog``)."""
        if self._backlog.changed(len(self.inbox)):
            self._tell("behind", self._backlog.behind)

    def _died(self, child: subprocess.Popen[bytes]) -> str:
        try:
            code = child.wait(0.5)
        except subprocess.TimeoutExpired:
            code = None
        self._kill()
        if self._stop_at is not None:
            return "stopped"
        self.inbox.append(
            {
                "kind": "error",
                "type": "EngineProcessDied",
                "message": f"the engine process ended unexpectedly (exit code "
                f"{code}); restart (r) starts a new one",
            }
        )
        return "died"


def _start_child() -> tuple[subprocess.Popen[bytes], Connection]:
    """A fresh engine process and our end of its socket (its output goes nowhere: a script's
    print() must not draw over the UI; ``CGVIZ_DEBUG=1`` keeps its stderr). It imports cgviz
    from where this app's code is, never from the folder the app was started in: ``python -c``
    puts that folder first on the import path, and a user's own ``engine/`` or ``tui/`` there
    (or another checkout of cgviz) would run instead."""
    ours, theirs = socket.socketpair()
    root = str(Path(__file__).resolve().parent.parent)  # where the tui and engine packages are
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH", "")) if p)
    for name in BLAS_THREADS:  # one core for the engine, one for the UI (unless told otherwise)
        env.setdefault(name, "1")
    code = "import sys; from tui.engine_link.child import main; main(sys.argv[1:])"
    child = subprocess.Popen(
        [sys.executable, "-P", "-c", code, str(theirs.fileno())],  # -P: not the cwd's packages
        pass_fds=(theirs.fileno(),),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=None if os.environ.get("CGVIZ_DEBUG") else subprocess.DEVNULL,
        env=env,
    )
    theirs.close()
    return child, Connection(ours.detach())

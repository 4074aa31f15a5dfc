"""The engine process's side of :mod:`tui.engine_process`: run jobs, pace them, send the events.

This module imports the engine and the standard library only (never Textual or Rich): it is
what the child process loads. The child waits for :class:`Job` objects on its pipe, runs each
on the engine with a subscriber that sends the events in batches, and a pacer that reads the
shared :class:`Controls` (slow motion, pause, step, stop) the parent's UI writes. Pauses happen
in the pacer, outside the engine's timed regions, exactly as with the thread runner.

Messages to the parent: ``("events", [event, ...])`` while a job runs, then
``("done", "finished" | "stopped")``.
"""

from __future__ import annotations

import json
import os
import pickle
import signal
import sys
import threading
import time
from dataclasses import dataclass
from typing import Any

from tui.runner import PACED

BATCH_EVENTS = 256
"""A batch is sent when it holds this many events ..."""
BATCH_S = 0.020
"""... or when its first event is this old (at full speed; paced runs send every event)."""


@dataclass(frozen=True)
class Job:
    """What to run, described so that it can cross a process boundary (picklable).

    Either a built-in ``scene`` (by name) or a user's ``script`` (a path); ``name``, ``title``
    and ``caption`` are what a script's ``scene`` event says (the app words them).
    """

    device: str = "cpu"
    iterations: int | None = None
    seed: int = 0
    scene: str | None = None
    small: bool = False
    script: str | None = None
    name: str = ""
    title: str = ""
    caption: str = ""

    def __call__(self) -> None:
        """Run the job here, in this process (it emits on the engine's stream)."""
        if self.script is not None:
            from engine.cli.program import load_script

            program = load_script(self.script, self.device, self.iterations)
            with open(self.script, encoding="utf-8") as f:
                text = f.read()
            run_script(program, self.name, self.title, self.caption, text, self.script,
                       self.device)
            return
        from engine.scenes import get_scene

        get_scene(str(self.scene)).run(self.device, self.iterations, seed=self.seed,
                                       small=self.small)


def run_script(program: Any, name: str, title: str, caption: str, text: str, label: str,
               device: str) -> None:
    """Run a loaded user script: a ``scene`` event first; its exception becomes an ``error``
    event carrying the user's traceback (engine frames hidden)."""
    from engine.cli.program import user_traceback
    from engine.events import STREAM, Stopped

    STREAM.emit("scene", name=name, title=title, caption=caption, source=text,
                file=program.filename, device=device)
    try:
        program.run()
    except (Stopped, KeyboardInterrupt):
        raise
    except SystemExit:
        return
    except Exception as e:
        STREAM.emit("error", type=type(e).__name__, message=str(e),
                    traceback=user_traceback(e, program.filename), label=label)


class Controls:
    """Run controls shared by the UI process (writes) and the engine process (reads).

    Plain shared values are read on every event without a lock; the condition is taken only to
    change them (parent) or to wait on them (child).
    """

    def __init__(self, ctx: Any) -> None:
        self.delay = ctx.RawValue("d", 0.0)
        """Seconds of pause after each paced event (0: full speed)."""
        self.paused = ctx.RawValue("b", 0)
        self.steps = ctx.RawValue("i", 0)
        """Paced events the run may pass while paused (step mode)."""
        self.stop = ctx.RawValue("b", 0)
        self.cond = ctx.Condition()

    def wait(self, stopped: type[Exception]) -> None:
        """Sleep (slow motion) or block (paused) after a paced event; raise when stopped."""
        with self.cond:
            if not self.paused.value and self.delay.value:
                self.cond.wait_for(lambda: self.stop.value or self.paused.value,
                                   timeout=self.delay.value)
            while self.paused.value and self.steps.value == 0 and not self.stop.value:
                self.cond.wait(0.1)
            if self.paused.value and self.steps.value:
                self.steps.value -= 1
        if self.stop.value:
            raise stopped("run stopped")


def child_main(conn: Any, controls: Controls) -> None:
    """The engine process: run jobs from ``conn`` until it closes or sends None."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C belongs to the UI
    if not os.environ.get("CGVIZ_DEBUG"):  # a script's print() must not draw over the UI
        _silence_output()
    _warm_up()
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        state = run_in_child(job, conn, controls)
        try:
            conn.send(("done", state))
        except OSError:
            return


def run_in_child(job: Job, conn: Any, controls: Controls) -> str:
    """Run one job with a batching subscriber and the shared pacer; returns how it ended."""
    from engine.events import STREAM, Stopped

    me = threading.get_ident()
    batch: list[dict[str, Any]] = []
    sent_at = time.perf_counter()

    def flush() -> None:
        nonlocal batch, sent_at
        if batch:
            _send(conn, batch)
            batch = []
        sent_at = time.perf_counter()

    def subscriber(event: dict[str, Any]) -> None:
        if threading.get_ident() != me or controls.stop.value:
            return
        batch.append(event)
        if (controls.delay.value or controls.paused.value or len(batch) >= BATCH_EVENTS
                or time.perf_counter() - sent_at >= BATCH_S):
            flush()

    def pacer(event: dict[str, Any]) -> None:
        if threading.get_ident() != me or controls.stop.value:
            raise Stopped("run stopped")
        if event.get("kind") in PACED and (controls.delay.value or controls.paused.value):
            flush()
            controls.wait(Stopped)

    unsubscribe = STREAM.subscribe(subscriber)
    STREAM.set_pacer(pacer)
    try:
        job()
    except Stopped:
        pass
    except Exception as e:  # an engine failure is UI state, never a crash
        if not controls.stop.value:
            batch.append({"kind": "error", "type": type(e).__name__, "message": str(e)})
    finally:
        unsubscribe()
        if STREAM.pacer is pacer:
            STREAM.set_pacer(None)
    if not controls.stop.value:
        flush()
    return "stopped" if controls.stop.value else "finished"


def _send(conn: Any, batch: list[dict[str, Any]]) -> None:
    """Send a batch; events holding something unpicklable go as their JSON form."""
    try:
        conn.send(("events", batch))
    except (pickle.PicklingError, TypeError, AttributeError):
        plain = [json.loads(json.dumps(e, default=_plain)) for e in batch]
        conn.send(("events", plain))


def _warm_up() -> None:
    """Import the engine before the first job arrives (a broken engine fails in the job)."""
    try:
        import engine.cli.program  # noqa: F401
        import engine.eager  # noqa: F401
        import engine.scenes  # noqa: F401
        import engine.static  # noqa: F401
    except Exception:  # noqa: S110 - the job reports it as an error event
        pass


def _plain(value: Any) -> Any:
    return value.tolist() if hasattr(value, "tolist") else str(value)


def _silence_output() -> None:
    devnull = os.open(os.devnull, os.O_WRONLY)
    for fd in (1, 2):
        os.dup2(devnull, fd)
    os.close(devnull)
    sys.stdout = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 - lives as long as we do
    sys.stderr = sys.stdout

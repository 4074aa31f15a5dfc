"""Two engine processes, so a scene's two sides run at the same time, one core each.

A scene whose listing defines its static and eager sides as functions (``side_functions``)
runs each side in its own engine process: both panes animate together from the first second,
and in a race both run at full speed. :class:`PairRunner` has the interface of
:class:`~tui.engine_link.process.ProcessRunner` (inbox, speed, paused, paced, running, skimmed,
set_speed, pause, step, stop, run, warm, close, subscribe) and one
:class:`~tui.engine_link.controls.RunControls` for both: the controls go to both sides, their
events meet in one inbox (each stamped with its side as ``src``, since each process counts its
own ``seq``), and one ``runner`` event says how the pair ended. Any other job runs on the first
process alone.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from tui.engine_link.child import Job
from tui.engine_link.controls import Controlled, RunControls
from tui.engine_link.process import ProcessRunner, job_for
from tui.engine_link.runner import INBOX_CAP

__all__ = ["PairRunner"]

ENDINGS = ("died", "stopped", "finished")
"""How a pair ended: the first of these that either side reports."""


class PairRunner(Controlled):
    """Runs a job on one engine process, or a two-sided scene on two at once."""

    def __init__(self, inbox: deque[dict[str, Any]] | None = None, speed: str = "lecture") -> None:
        self.inbox: deque[dict[str, Any]] = inbox if inbox is not None else deque(maxlen=INBOX_CAP)
        """Engine -> UI events of both sides (bounded; append and popleft are thread-safe)."""
        self.controls = RunControls(speed)
        """Speed, pause and steps of both sides: each process runner passes every change on to
        its own engine process."""
        self.one = ProcessRunner(self.inbox, controls=self.controls)
        """The process that runs one-sided jobs, and a two-sided scene's first side."""
        self.other = ProcessRunner(self.inbox, controls=self.controls)
        """The process that runs a two-sided scene's second side."""
        self.split = False
        """Whether the current job runs on both processes."""

    @property
    def _runners(self) -> tuple[ProcessRunner, ProcessRunner]:
        return self.one, self.other

    # ------------------------------------------------------------ state

    @property
    def running(self) -> bool:
        """True while either side runs."""
        return self.one.running or self.other.running

    @property
    def skimmed(self) -> int:
        """Events the children did not send (skimmed runs / iterations)."""
        return self.one.skimmed + self.other.skimmed

    @property
    def complete(self) -> bool:
        """Whether a recording needs every event (then nothing is skimmed)."""
        return self.one.complete

    # ------------------------------------------------------------ controls (UI thread)

    def stop(self) -> None:
        """End the current run on both sides."""
        for runner in self._runners:
            runner.stop()

    def subscribe(
        self, fn: Callable[[dict[str, Any]], None], complete: bool = True
    ) -> Callable[[], None]:
        """Hand every event of both sides to ``fn`` too (a trace writer); returns the undo."""
        undo = [runner.subscribe(fn, complete) for runner in self._runners]

        def unsubscribe() -> None:
            for u in undo:
                u()

        return unsubscribe

    def warm(self, scene: Any = None) -> None:
        """Start the engine processes ``scene`` needs now, in the background: the second only
        for a scene whose two sides run at once (None: both). Another scene later starts what
        it needs when it runs."""
        job = job_for(scene, "cpu", None, 0) if scene is not None else None
        self.one.warm()
        if scene is None or (job is not None and len(job.sides) == 2):
            self.other.warm()

    def close(self) -> None:
        """Stop any run and end both processes (the app is quitting)."""
        for runner in self._runners:
            runner.close()

    # ------------------------------------------------------------ the run (worker thread)

    def run_scene(
        self, scene: Any, device: str, iterations: int | None, seed: int, stream: Any = None
    ) -> None:
        """Run ``scene``: as a job in the engine processes, or here when it cannot be described
        as one (see :func:`~tui.engine_link.process.job_for`)."""
        job = job_for(scene, device, iterations, seed)
        self.run(
            job or (lambda: scene.run(device=device, iterations=iterations, seed=seed)), stream
        )

    def run(self, target: Job | Callable[[], None], stream: Any = None) -> None:
        """Run ``target``: a two-sided scene's job on both processes at once, anything else on
        the first. Ends with one ``runner`` event (unless stopped)."""
        sides = target.sides if isinstance(target, Job) else ()
        self.split = len(sides) == 2
        if not self.split:
            self.one.tag = None
            self.one.run(target, stream)
            return
        assert isinstance(target, Job)
        endings: list[str] = []
        self.one.tag, self.other.tag = sides
        second = threading.Thread(
            target=lambda: endings.append(
                self.other.run(replace(target, side=sides[1]), announce=False)
            ),
            name="cgviz-engine-side",
            daemon=True,
        )
        second.start()
        endings.append(self.one.run(replace(target, side=sides[0]), announce=False))
        second.join()
        state = next(e for e in ENDINGS if e in endings)
        if state != "stopped":
            self.inbox.append({"kind": "runner", "state": state})

"""The engine process's side of :mod:`tui.engine_link.process`: run jobs, pace them, send the
events.

This module imports the engine and the standard library only (never Textual or Rich): it is
what the engine process loads, as ``python -c "from tui.engine_link.child import main; ..."`` with
a socket to the UI process. It runs each :class:`Job` on the engine with a subscriber that
sends the events in batches, and a pacer that obeys the :class:`Controls` the UI sends
(slow motion, pause, step, stop); pauses happen in the pacer, outside the engine's timed
regions, exactly as with the thread runner.

Messages from the UI: ``("job", number, Job, speed, paused, complete)``, the controls of
:meth:`Controls.apply`, and None (quit). To the UI: ``("events", [event, ...])`` while a job runs,
then ``("done", "finished" | "stopped")``. At full speed most static runs and eager iterations are
skimmed (see :mod:`tui.engine_link.skimmer`): the job's subscriber asks the engine with
``STREAM.want`` when the job starts and again whenever the controls change, so the engine
builds no node events for a skimmed unit and sends its op totals instead. The ``op_totals`` of
the skimmed units in one batch go as one (see :class:`Totals`): a batch holds ~20 of them at
full speed, and each was a table of every op the UI added to its panels one by one. The units'
summary events (started, run finished, loss, finished: four or five a unit) go packed, a run
of them one ``units`` event (``engine.events.Units``) that the UI folds row by row without
unpickling a dict per event; a recording (``complete``) and a paced run get them as they are.
"""

from __future__ import annotations

import json
import pickle
import queue
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from engine.events import Units
from tui.engine_link.controls import PACED, SPEEDS, RunControls
from tui.engine_link.skimmer import wanted

BATCH_EVENTS = 1024
"""A batch is sent when it holds this many events ..."""
BATCH_S = 0.100
"""... or when its first event is this old (at full speed; paced runs send every event). The
UI redraws a full-speed run a few times a second: a batch every 20 ms woke the UI process
(its receiving thread, then its frame) about 100 times a second for two engines, each wake
taking a core from the engines it measures."""

AT_ONCE = frozenset({"scene", "error"})
"""Events sent at once even at full speed (what follows them may take long)."""


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
    side: str | None = None
    """Run only this side of the scene (its own engine process runs the other)."""
    sides: tuple[str, ...] = ()
    """The sides of the scene that can run at the same time (see ``Scene.side_functions``)."""

    def __call__(self) -> None:
        """Run the job here, in this process (it emits on the engine's stream)."""
        if self.script is not None:
            from engine.cli.program import load_script

            # the caption says where its imports resolve, in the user's language
            program = load_script(self.script, self.device, self.iterations, say_aliases=False)
            with open(self.script, encoding="utf-8") as f:
                text = f.read()
            run_script(program, self.name, self.title, self.caption, text, self.script, self.device)
            return
        from engine.scenes import get_scene

        get_scene(str(self.scene)).run(
            self.device, self.iterations, seed=self.seed, small=self.small, side=self.side
        )


def run_script(
    program: Any, name: str, title: str, caption: str, text: str, label: str, device: str
) -> None:
    """Run a loaded user script: a ``scene`` event first; how it ended, unless cleanly,
    becomes an ``error`` event with its ``exit_code`` (see
    :func:`engine.cli.program.script_ending`): an exception carries the user's traceback
    (engine frames hidden), ``sys.exit(3)`` says so and exits 3. A ``KeyboardInterrupt`` the
    script raised is the script's error (130), never the end of the engine process."""
    from engine.cli.program import printed_as_events, script_ending
    from engine.events import STREAM, Stopped

    STREAM.emit(
        "scene",
        name=name,
        title=title,
        caption=caption,
        source=text,
        file=program.filename,
        device=device,
    )
    try:
        with printed_as_events():  # the UI shows what the script prints, not the terminal
            program.run()
    except Stopped:
        raise
    except BaseException as e:  # SystemExit and KeyboardInterrupt too: the script's own end
        ending = script_ending(e, program)
        if ending is not None:
            STREAM.emit("error", **{**ending, "label": label})


class Controls:
    """The run controls, as the UI last sent them (a reader thread updates them): the
    :class:`~tui.engine_link.controls.RunControls` the pacer waits on, which job is being run and
    which are stopped, and how much the engine may skim.

    Jobs numbered up to ``stop_upto`` are stopped.
    """

    def __init__(self) -> None:
        self.run = RunControls("full")
        """Speed, pause and steps (the job message sets them as the UI has them)."""
        self.stop_upto = -1
        self.job = 0
        """Number of the job being run."""
        self.behind = False
        """The UI is behind: skim every run / iteration (at full speed)."""
        self.complete = False
        """A recording needs every event: skim nothing."""
        self.changed: Callable[[], None] | None = None
        """Called (by the thread that changed them) after the controls changed: the running
        job asks the engine for the detail they call for."""

    @property
    def stopped(self) -> bool:
        """Whether the job being run must end."""
        return self.job <= self.stop_upto

    @property
    def delay(self) -> float:
        """Seconds of pause after each paced event (0: full speed)."""
        return self.run.delay

    @delay.setter
    def delay(self, value: float) -> None:
        self.run.apply(("speed", value))

    def apply(self, message: tuple[Any, ...]) -> None:
        """Take a control message: those of :meth:`RunControls.apply` (speed, pause, step),
        ("stop", n), ("behind", bool), ("complete", bool)."""
        what = message[0]
        if what in ("speed", "pause", "step"):
            self.run.apply(message)
        else:
            with self.run.cond:
                if what == "stop":
                    self.stop_upto = max(self.stop_upto, int(message[1]))
                elif what == "behind":
                    self.behind = bool(message[1])
                elif what == "complete":
                    self.complete = bool(message[1])
                self.run.cond.notify_all()
        changed = self.changed
        if changed is not None:
            changed()

    def start(self, job: int, speed: str, paused: bool, complete: bool) -> None:
        """A new job begins with the UI's controls as they were when it was sent."""
        run = self.run
        with run.cond:
            self.job, self.complete = job, complete
            run.speed, run.delay = speed, dict(SPEEDS)[speed]
            if run.paused != paused:
                run.paused, run.steps = paused, 0

    def wait(self, stopped: type[Exception]) -> None:
        """Sleep (slow motion) or block (paused) after a paced event; raise when stopped."""
        self.run.wait(lambda: self.stopped)
        if self.stopped:
            raise stopped("run stopped")


def main(argv: list[str]) -> None:
    """The engine process (``argv``: the socket's file descriptor): run jobs until the UI
    closes the socket or sends None."""
    from multiprocessing.connection import Connection

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C belongs to the UI
    conn = Connection(int(argv[0]))
    controls = Controls()
    jobs: queue.Queue[tuple[Any, ...] | None] = queue.Queue()
    threading.Thread(
        target=_read, args=(conn, controls, jobs), name="cgviz-controls", daemon=True
    ).start()
    _warm_up()
    while (message := jobs.get()) is not None:
        _, number, job, speed, paused, complete = message
        controls.start(number, speed, paused, complete)
        state = run_in_child(job, conn, controls)
        try:
            conn.send(("done", state))
        except OSError:
            return


def _read(conn: Any, controls: Controls, jobs: queue.Queue[tuple[Any, ...] | None]) -> None:
    """The reader thread: jobs go to the main thread, controls take effect at once."""
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            message = None
        if message is None or message[0] == "job":
            jobs.put(message)
            if message is None:
                return
        else:
            controls.apply(message)


class Totals:
    """The ``op_totals`` of one batch's skimmed units, merged: one event per mode and device.

    The merged event stands where the latest of them stood, with its ``seq``, ``t_ns`` and
    ``graph``; ``ops`` adds up each op's calls, time and FLOPs, so every figure the UI derives
    from them (per-op counts and totals, FLOP rates) is what the separate events gave; its
    ``skimmed`` counts the merged events' own (their ``seq`` numbers are gone, as a skimmed
    unit's node events are) and ``units`` how many were merged; the ``untimed`` calls and FLOPs
    of units that timed no op (see ``engine.static.execute``) add up the same way, apart from
    the timed ones. Only units of a mode that has sent no ``data`` event in this job are
    merged: the UI sets a unit's compute against its wait for data with that unit's own op
    totals.

    A merge costs a few lookups as each event comes (a static plan's untimed runs share one
    ``untimed`` dict: they are counted, not added up op by op); :meth:`ready` adds them up
    once, as the batch goes.
    """

    def __init__(self) -> None:
        self.at: dict[tuple[Any, Any], _Merged] = {}
        """(mode, device) -> its merged event in the batch being filled."""
        self.waited: set[Any] = set()
        """Modes that sent a ``data`` event in this job (their op totals go as they come)."""
        self.packs = False
        """Pack consecutive units' summary events (at full speed, no recording: see
        :class:`engine.events.Units`)."""
        self.pack: Units | None = None
        """The pack being filled, last in the batch (None: the next summary starts one)."""

    def take(self, event: dict[str, Any], batch: list[Any]) -> None:
        """Append ``event`` to ``batch``, merging an ``op_totals`` into the batch's earlier one
        of its mode and device (which moves to the end, where this one stands), and, while
        :attr:`packs`, a unit's summary event into the pack that ends the batch (any other
        event ends the pack: the order is kept; merged op totals do not, as they move)."""
        kind = event["kind"]
        if kind == "data":
            self.waited.add(event.get("mode"))
        if kind == "op_totals" and event.get("mode") not in self.waited:
            key = (event.get("mode"), event.get("device"))
            merged = self.at.get(key)
            if merged is None:
                merged = self.at[key] = _Merged()
            else:
                batch[merged.index] = None
            merged.add(event)
            merged.index = len(batch)
            batch.append(merged)
            return
        if self.packs:
            mode = Units.mode_of(event)
            if mode is not None:
                pack = self.pack
                if pack is None or not pack.add(event, mode):
                    pack = self.pack = Units(mode)
                    pack.add(event, mode)
                    batch.append(pack)
                return
        self.pack = None
        batch.append(event)

    def ready(self, batch: list[Any]) -> list[dict[str, Any]]:
        """The batch's events to send, merged and packed ones built (holes left by merges
        dropped); the next batch merges and packs afresh."""
        self.at.clear()
        self.pack = None
        return [e if type(e) is dict else e.event() for e in batch if e is not None]


class _Merged:
    """The ``op_totals`` of one mode and device merged so far in a batch (see :class:`Totals`)."""

    __slots__ = ("index", "latest", "units", "skimmed", "ops", "untimed")

    def __init__(self) -> None:
        self.index = -1
        """Where it stands in the batch."""
        self.latest: dict[str, Any] = {}
        self.units = 0
        self.skimmed = 0
        self.ops: dict[str, list[int]] = {}
        """The timed ops added up (this batch's own lists)."""
        self.untimed: dict[int, list[Any]] = {}
        """id of an ``untimed`` dict -> [that dict, how many units sent it]."""

    def add(self, event: dict[str, Any]) -> None:
        self.latest = event
        self.units += int(event.get("units") or 1)
        self.skimmed += int(event.get("skimmed") or 0)
        for op, figures in event["ops"].items():
            had = self.ops.get(op)
            if had is None:
                self.ops[op] = list(figures)
            else:
                for j, x in enumerate(figures):
                    had[j] += x
        untimed = event.get("untimed")
        if untimed:
            seen = self.untimed.get(id(untimed))
            if seen is None:
                self.untimed[id(untimed)] = [untimed, 1]
            else:
                seen[1] += 1

    def event(self) -> dict[str, Any]:
        """The merged event (the one event itself when nothing was merged into it)."""
        if self.units == 1 and "units" not in self.latest:
            return self.latest
        untimed: dict[str, list[int]] = {}
        for counts, n in self.untimed.values():
            for op, figures in counts.items():
                had = untimed.setdefault(op, [0] * len(figures))
                for j, x in enumerate(figures):
                    had[j] += x * n
        event = {
            **self.latest,
            "ops": self.ops,
            "skimmed": self.skimmed + self.units - 1,  # the merged events' own
            "units": self.units,
        }
        if untimed:
            event["untimed"] = untimed
        else:
            event.pop("untimed", None)
        return event


def run_in_child(job: Job, conn: Any, controls: Controls) -> str:
    """Run one job with a batching subscriber and, while the run is paced, the shared pacer;
    returns how it ended."""
    from engine.events import STREAM, Stopped

    me = threading.get_ident()
    batch: list[Any] = []  # events, merged op totals (Totals), holes merges left
    totals = Totals()
    sent_at = time.perf_counter()
    lock = threading.Lock()
    live = True

    def flush() -> None:
        nonlocal batch, sent_at
        if batch:
            _send(conn, totals.ready(batch))
            batch = []
        sent_at = time.perf_counter()

    def subscriber(event: dict[str, Any]) -> None:
        if threading.get_ident() != me or controls.job <= controls.stop_upto:
            raise Stopped("run stopped")  # (another thread's event: never this job's)
        totals.take(event, batch)
        if (
            controls.run.paced
            or len(batch) >= BATCH_EVENTS
            or time.perf_counter() - sent_at >= BATCH_S
            or event["kind"] in AT_ONCE
        ):
            flush()

    def pacer(event: dict[str, Any]) -> None:
        if event.get("kind") in PACED and controls.run.paced:
            flush()
            controls.wait(Stopped)

    def ask() -> None:
        """Tell the engine how much of the next units to send (see tui.engine_link.skimmer),
        and pace the run only while it is paced: at full speed no pacer runs after each event
        (the subscriber ends a stopped run)."""
        with lock:
            if not live:
                return
            detail, per_s = wanted(controls.run.full_speed, controls.behind, controls.complete)
            totals.packs = not (controls.run.paced or controls.complete)
            STREAM.want(subscriber, detail, nodes_per_s=per_s)
            STREAM.set_pacer(pacer if controls.run.paced else None)

    unsubscribe = STREAM.subscribe(subscriber)
    ask()
    controls.changed = ask
    try:
        job()
    except Stopped:
        pass
    except Exception as e:  # an engine failure is UI state, never a crash
        if not controls.stopped:
            batch.append({"kind": "error", "type": type(e).__name__, "message": str(e)})
    finally:
        with lock:
            live = False
            controls.changed = None
            unsubscribe()
            if STREAM.pacer is pacer:
                STREAM.set_pacer(None)
    if not controls.stopped:
        flush()
    return "stopped" if controls.stopped else "finished"


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

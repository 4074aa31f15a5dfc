"""Running a plan's schedule: solo phases in the calling thread, parallel ones on the pool.

Two walks, as for a sequential plan (``execute``):

* :func:`run` - nothing listens: each worker runs its lane's steps back to back, the calling
  thread being worker 0; a parallel phase shares the BLAS threads out between its lanes and
  gives them back at the join. Per run it keeps how long each worker ran kernels and how long
  two or more ran at once (``Schedule.busy_ns``, ``overlap_ns``, ``wall_ns``).
* :func:`walk` - the instrumented walk: every node timed on the worker that runs it, and
  every event sent by the calling thread, in an order fixed by the schedule (so a trace of
  the same plan always reads the same, and a pacer only ever pauses the calling thread). A
  helper's node is released when its ``node_started`` is sent and reported finished when the
  calling thread next needs that lane (or at the join); ``node_started`` / ``node_finished``
  carry ``worker``.

A failure keeps the sequential plan's meaning: the workers stop at the join, every node
before the failing one (in plan order) that did not run yet runs then, and the first failure
in plan order is raised.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from engine.events import STREAM, OpTotals

from .blas_threads import control
from .workers import POOL, Worker

if TYPE_CHECKING:
    from .execute import Node, Plan, Skimmed, Step
    from .schedule import Phase, Schedule

_clock = time.perf_counter_ns


class Failed(Exception):
    """A kernel node of a parallel run raised ``error`` (the first in plan order)."""

    def __init__(self, out: int, ins: tuple[int, ...], error: BaseException) -> None:
        super().__init__(out, error)
        self.out, self.ins, self.error = out, ins, error


# ------------------------------------------------------------------ fast path


def _lane(steps: Sequence[Step], vals: list[Any], results: list[Any], k: int) -> None:
    """Run one lane's steps; ``results[k]`` = (ns, steps done, exception or None)."""
    t0 = _clock()
    done = 0
    try:
        for fn, args, out, frees in steps:
            vals[out] = fn(*args(vals))
            for s in frees:
                vals[s] = None
            done += 1
    except BaseException as e:  # handed to the calling thread, which raises it
        results[k] = (_clock() - t0, done, e)
        return
    results[k] = (_clock() - t0, done, None)


def run(plan: Plan, schedule: Schedule, vals: list[Any]) -> bool:
    """Run ``schedule`` over ``vals`` (the plan's buffers are this run's); False when the
    pool is taken (then nothing ran: run in order).

    Raises:
        Failed: a kernel raised (the first in plan order).
    """
    helpers = POOL.take(schedule.workers)
    if helpers is None:
        return False
    blas = control()
    base = blas.get() if blas is not None else 1
    busy = [0] * schedule.workers
    overlap = 0
    t_run = _clock()
    try:
        for phase in schedule.phases:
            if not phase.parallel:
                t0 = _clock()
                results: list[Any] = [None]
                _lane(phase.steps[0], vals, results, 0)
                busy[0] += _clock() - t0
                if results[0][2] is not None:
                    _fail(plan, schedule, vals, phase, results, None)
                continue
            n = len(phase.lanes)
            threads = max(1, base // n)
            if blas is not None and threads != base:
                blas.set(threads)
            results = [None] * n
            try:
                for k in range(1, n):
                    helpers[k - 1].start(_job(phase.steps[k], vals, results, k))
                _lane(phase.steps[0], vals, results, 0)
            finally:
                for k in range(1, n):
                    helpers[k - 1].wait()
                if blas is not None and threads != base:
                    blas.set(base)
            if any(r[2] is not None for r in results):  # (a node still to run may read drops)
                _fail(plan, schedule, vals, phase, results, None)
            for s in phase.drop:
                vals[s] = None
            times = sorted(r[0] for r in results)
            overlap += times[-2]
            for k, r in enumerate(results):
                busy[k] += r[0]
    finally:
        POOL.give_back()
    schedule.busy_ns, schedule.overlap_ns = busy, overlap
    schedule.wall_ns = _clock() - t_run
    return True


def _job(steps: Sequence[Step], vals: list[Any], results: list[Any], k: int) -> Callable[[], None]:
    return lambda: _lane(steps, vals, results, k)


# ------------------------------------------------------------------ failures


def _fail(
    plan: Plan,
    schedule: Schedule,
    vals: list[Any],
    phase: Phase,
    results: list[Any],
    report: Callable[[int, int], None] | None,
) -> None:
    """After a join with failures: raise the first failure in plan order (see
    :func:`_raise_first`)."""
    failures: list[tuple[int, BaseException]] = []
    ran: set[int] = set()
    for k, (_, done, error) in enumerate(results):
        lane = phase.lanes[k]
        ran.update(lane[:done])
        if error is not None:
            failures.append((lane[done], error))
    first, error = min(failures, key=lambda f: f[0])
    _raise_first(plan, schedule, vals, first, error, ran, phase, report)


def _raise_first(
    plan: Plan,
    schedule: Schedule,
    vals: list[Any],
    first: int,
    error: BaseException,
    ran: set[int],
    phase: Phase,
    report: Callable[[int, int], None] | None,
) -> None:
    """Run what the plan in order would have run before the first failing node (``first``, a
    kernel index; ``ran``: what ran in ``phase``, every earlier phase ran whole), then raise
    the first failure in plan order as :class:`Failed`. With ``report``, each node it runs is
    reported as the instrumented walk does."""
    from engine.events import Stopped

    if isinstance(error, Stopped | KeyboardInterrupt | SystemExit):
        raise error
    k = next(k for k, p in enumerate(schedule.phases) if p is phase)
    ran = ran | {i for p in schedule.phases[:k] for ln in p.lanes for i in ln}
    missing = [i for i in range(first) if i not in ran]  # later phases may hold some too
    for i in missing:  # in plan order: each one's inputs are there
        fn, args, out, _ = plan.steps[i]
        try:
            if report is not None:
                report(i, 0)
            else:
                vals[out] = fn(*args(vals))
        except Exception as e:
            first, error = i, e
            break
    node = schedule.running[first]
    raise Failed(node.out, node.ins, error)


# ------------------------------------------------------------------ instrumented walk


class _Walk:
    """One instrumented run of a schedule (see :func:`walk`)."""

    def __init__(
        self, plan: Plan, schedule: Schedule, vals: list[Any], totals: dict[str, OpTotals] | None
    ) -> None:
        self.plan, self.schedule, self.vals, self.totals = plan, schedule, vals, totals
        self.counted = 0
        self.send = STREAM.send

    # a node without a kernel this run (feed, const, folded, noop): zero-duration events
    def info(self, j: int) -> None:
        from .execute import _tally

        node = self.plan.nodes[j]
        if self.totals is None:
            self.send(_with(self.plan._started(node), 0))
            v = self.vals[node.out] if node.out >= 0 else None
            self.send(_with(self.plan._finished(node, v, (), 0), 0))
        else:
            self.counted += 1
            _tally(self.totals, node.device.name, node.op.type)

    def started(self, j: int, worker: int) -> None:
        node = self.plan.nodes[j]
        if node.kind != "run":
            return
        if self.totals is None:
            self.send(_with(self.plan._started(node), worker))
        else:
            self.counted += 1

    def finished(self, j: int, worker: int, v: Any, args: list[Any], dur: int) -> None:
        from .execute import _tally

        plan, node = self.plan, self.plan.nodes[j]
        if node.kind != "run":
            return
        if self.totals is None:
            shapes = [getattr(a, "shape", None) for a in args]
            self.send(_with(plan._finished(node, v, shapes, dur), worker))
        else:
            t = _tally(self.totals, node.device.name, node.op.type)
            t[1] += dur
            t[2] += plan._flops(j, node.op, v, args)

    def compute(self, j: int) -> tuple[Any, list[Any], int]:
        """Run plan node ``j`` (timed when it is a kernel); returns (value, args, ns)."""
        node = self.plan.nodes[j]
        vals = self.vals
        args = [vals[i] for i in node.ins]
        fn = node.fast if node.fast is not None else node.fn
        assert fn is not None, "kernel nodes are made with their fn"
        if node.kind == "run":
            box: list[int] = []
            v = node.device.measure(_invoke, (fn, *args), {}, box.append)
            dur = box[0] if box else 0
        else:
            v, dur = fn(*args), 0
        return v, args, dur

    def catch_up(self, i: int, _: int) -> None:
        """Run kernel ``i`` (an index into the schedule's kernels) after a failure, reported."""
        j = self.schedule.index[i]
        self.started(j, 0)
        v, args, dur = self.compute(j)
        self.store(j, v, ())
        self.finished(j, 0, v, args, dur)

    def store(self, j: int, v: Any, free: Sequence[int]) -> None:
        self.vals[self.plan.nodes[j].out] = v
        for s in free:
            self.vals[s] = None


def walk(plan: Plan, schedule: Schedule, vals: list[Any], skim: Skimmed | None) -> bool:
    """The instrumented run of ``schedule`` over ``vals``: node events (``skim`` None) or
    the ops' totals and the nodes counted added into ``skim``. Returns whether it ran: False
    when the pool is taken (nothing ran: walk in order).

    Raises:
        Failed: a kernel raised (the first in plan order).
    """
    helpers = POOL.take(schedule.workers)
    if helpers is None:
        return False
    w = _Walk(plan, schedule, vals, skim.totals if skim is not None else None)
    frees = _frees_by_node(schedule)
    blas = control()
    base = blas.get() if blas is not None else 1
    try:
        for phase in schedule.phases:
            if phase.parallel:
                _walk_parallel(w, phase, helpers, frees, blas, base)
                continue
            done: set[int] = set()
            for j in phase.walk:
                if j not in phase.lane_of:
                    w.info(j)
                    continue
                w.started(j, 0)
                try:
                    v, args, dur = w.compute(j)
                except Exception as e:
                    i = schedule.position[j]
                    _raise_first(plan, schedule, vals, i, e, done, phase, w.catch_up)
                w.store(j, v, frees.get(j, ()))
                w.finished(j, 0, v, args, dur)
                done.add(schedule.position[j])
        for j in schedule.tail:
            w.info(j)
    finally:
        POOL.give_back()
    if skim is not None:
        skim.counted += w.counted
    return True


def _walk_parallel(
    w: _Walk,
    phase: Phase,
    helpers: list[Worker],
    frees: dict[int, tuple[int, ...]],
    blas: Any,
    base: int,
) -> None:
    """One parallel phase of the instrumented walk (see the module docstring)."""
    from .execute import UNDER_WAY, Skimmed, add_totals

    schedule = w.schedule
    n = len(phase.lanes)
    threads = max(1, base // n)
    lanes = [[schedule.index[i] for i in ln] for ln in phase.lanes]
    released = {j: threading.Lock() for ln in lanes[1:] for j in ln}
    finished = {j: threading.Lock() for ln in lanes[1:] for j in ln}
    for lock in (*released.values(), *finished.values()):
        lock.acquire()
    outcome: dict[int, tuple[Any, list[Any], int, BaseException | None]] = {}
    stop = [False]
    # a branch or loop body a helper runs adds into figures of its own, added to the run's
    # by the calling thread at the join (two threads never add into one dict)
    own = [Skimmed() if w.totals is not None else None for _ in range(n)]

    def helper(lane: list[int], skim: Skimmed | None) -> Callable[[], None]:
        def job() -> None:
            UNDER_WAY.skim = skim
            for j in lane:
                released[j].acquire()
                if stop[0]:
                    continue
                try:
                    v, args, dur = w.compute(j)
                    w.store(j, v, frees.get(j, ()))
                    outcome[j] = (v, args, dur, None)
                except BaseException as e:  # the calling thread raises it
                    outcome[j] = (None, [], 0, e)
                    stop[0] = True
                finally:
                    finished[j].release()
            UNDER_WAY.skim = None

        return job

    if blas is not None and threads != base:
        blas.set(threads)
    for k in range(1, n):
        helpers[k - 1].start(helper(lanes[k], own[k]))
    pending: dict[int, int] = {}  # lane -> its node released and not yet reported
    done: set[int] = set()  # plan indices of lane 0's nodes that ran
    error: tuple[int, BaseException] | None = None
    complete = False
    try:
        for j in phase.walk:
            lane = phase.lane_of.get(j)
            if lane is None:
                w.info(j)
            elif lane == 0:
                w.started(j, 0)
                try:
                    v, args, dur = w.compute(j)
                except Exception as e:
                    error = (j, e)
                    break
                w.store(j, v, frees.get(j, ()))
                done.add(j)
                w.finished(j, 0, v, args, dur)
            else:
                if lane in pending and not _collect(w, pending.pop(lane), lane, finished, outcome):
                    break
                w.started(j, lane)
                pending[lane] = j
                released[j].release()
        else:
            for lane, j in sorted(pending.items()):
                if not _collect(w, j, lane, finished, outcome):
                    break
            else:
                complete = True
    finally:
        if not complete:
            stop[0] = True
        for j, lock in released.items():
            if j not in outcome and lock.locked():
                lock.release()
        for k in range(1, n):
            helpers[k - 1].wait()
        if blas is not None and threads != base:
            blas.set(base)
    for skim in own[1:]:
        if skim is not None and w.totals is not None:
            w.counted += skim.counted
            add_totals(w.totals, skim.totals)
    if complete:
        for s in phase.drop:
            w.vals[s] = None
        return
    position = schedule.position
    fails = [(position[j], e) for j, (_, _, _, e) in outcome.items() if e is not None]
    if error is not None:
        fails.append((position[error[0]], error[1]))
    ran = {position[j] for j in done} | {
        position[j] for j, (_, _, _, e) in outcome.items() if e is None
    }
    first, exc = min(fails, key=lambda f: f[0])
    _raise_first(w.plan, schedule, w.vals, first, exc, ran, phase, w.catch_up)


def _collect(
    w: _Walk,
    j: int,
    lane: int,
    finished: dict[int, threading.Lock],
    outcome: dict[int, tuple[Any, list[Any], int, BaseException | None]],
) -> bool:
    """Wait for a helper's node ``j`` and report it; False when it failed."""
    finished[j].acquire()
    v, args, dur, e = outcome[j]
    if e is not None:
        return False
    w.finished(j, lane, v, args, dur)
    return True


def _frees_by_node(schedule: Schedule) -> dict[int, tuple[int, ...]]:
    """``Plan.nodes`` index -> the slots the schedule drops after it."""
    out: dict[int, tuple[int, ...]] = {}
    for phase in schedule.phases:
        for lane, steps in zip(phase.lanes, phase.steps, strict=True):
            for i, step in zip(lane, steps, strict=True):
                if step[3]:
                    out[schedule.index[i]] = step[3]
    return out


def _with(event: dict[str, Any], worker: int) -> dict[str, Any]:
    event["worker"] = worker
    return event


def _invoke(xp: Any, fn: Callable[..., Any], *args: Any) -> Any:
    return fn(*args)


def busy_share(schedule: Schedule) -> list[float]:
    """Per worker, the share of the last run's wall time it spent running kernels."""
    wall = schedule.wall_ns or 1
    return [b / wall for b in schedule.busy_ns]


def lanes_of(schedule: Schedule) -> list[list[list[Node]]]:
    """Per phase, per lane, the nodes (for tests and descriptions)."""
    return [[[schedule.running[i] for i in ln] for ln in p.lanes] for p in schedule.phases]

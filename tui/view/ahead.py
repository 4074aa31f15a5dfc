"""Work done ahead: results a key may soon need, worked out while the app waits, so that
the key finds them ready instead of making the user wait.

A graph pane lays its static graph out again for o, f, z and g (5-135 ms of CPU each at
160x48): :class:`Ahead` works out the drawings those keys would need next, one at a time, and
hands one over when a key asks for it. Jobs read the view state the app keeps changing, so a
job may fail or find its inputs gone: its result is then dropped (the key works it out itself,
as it would have anyway). Only the last list of wanted jobs is kept: a key that changes what
the next keys need drops what was wanted before and has not begun.

A job that is pure computation runs in :func:`elsewhere`, a process of its own: in a thread of
the app's process it would hold the interpreter's lock half of the time the app wants it, and
every frame and key would take up to twice as long while it runs.
"""

from __future__ import annotations

import atexit
import importlib
import multiprocessing
import os
import sys
import threading
import time
from collections import OrderedDict
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TYPE_CHECKING, Any, Generic, TypeVar

if TYPE_CHECKING:
    from collections.abc import Callable, Hashable, Iterable

__all__ = ["Ahead", "elsewhere", "start_helper", "warm_helper"]

T = TypeVar("T")

KEPT = 64
"""Results kept for a key to take (the least recently used goes first)."""


class Ahead(Generic[T]):
    """Jobs worked out ahead in one daemon thread, one at a time, newest wish first."""

    def __init__(self, name: str = "ahead", kept: int = KEPT) -> None:
        self.name = name
        self.kept = kept
        self._lock = threading.Condition()
        self._wanted: OrderedDict[Hashable, Callable[[], T | None]] = OrderedDict()
        self._done: OrderedDict[Hashable, T] = OrderedDict()
        self._busy: Hashable | None = None
        """The key of the job running now (None: none)."""
        self._thread: threading.Thread | None = None
        self._closed = False

    @property
    def idle(self) -> bool:
        """Nothing is wanted or under way."""
        with self._lock:
            return not self._wanted and self._busy is None

    def want(self, jobs: Iterable[tuple[Hashable, Callable[[], T | None]]]) -> None:
        """Work these out, in this order, instead of whatever was wanted and not begun (a job
        already done or running is not asked twice)."""
        with self._lock:
            if self._closed:
                return
            self._wanted.clear()
            for key, job in jobs:
                if key not in self._done and key != self._busy:
                    self._wanted[key] = job
            if self._wanted:
                if self._thread is None:
                    self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
                    self._thread.start()
                self._lock.notify()

    def take(self, key: Hashable) -> T | None:
        """The result for ``key`` if it was worked out, else None (the caller works it out: a
        job under way for it is not waited for, as the helper gives way to the app and may be
        slow to end it)."""
        with self._lock:
            self._wanted.pop(key, None)
            result = self._done.get(key)
            if result is not None:
                self._done.move_to_end(key)  # the most recently used goes last
            return result

    def forget(self) -> None:
        """Drop every result and every wish (what they were worked out from has gone)."""
        with self._lock:
            self._wanted.clear()
            self._done.clear()

    def close(self) -> None:
        """Stop the thread once its job (if any) ends."""
        with self._lock:
            self._closed = True
            self._wanted.clear()
            self._done.clear()
            self._lock.notify_all()

    def _run(self) -> None:
        while True:
            with self._lock:
                while not self._wanted and not self._closed:
                    self._lock.wait()
                if self._closed:
                    return
                key, job = self._wanted.popitem(last=False)
                self._busy = key
            result: T | None = None
            try:
                result = job()
            except Exception:  # its inputs changed under it: the key works it out itself
                result = None
            with self._lock:
                self._busy = None
                if result is not None and not self._closed:
                    self._done[key] = result
                    while len(self._done) > self.kept:
                        self._done.popitem(last=False)
                self._lock.notify_all()


_pool: ProcessPoolExecutor | None = None
_pool_lock = threading.Lock()


def start_helper() -> bool:
    """Start the helper process :func:`elsewhere` uses, if it is not running (call it from the
    app's thread: starting it reads the real ``sys.stderr``, which a running Textual app has
    replaced by one without a file descriptor); False if it cannot start here."""
    global _pool
    with _pool_lock:
        if _pool is None:
            context = multiprocessing.get_context("spawn")  # the app's threads do not fork well
            captured, sys.stderr = sys.stderr, sys.__stderr__
            try:
                _pool = ProcessPoolExecutor(1, mp_context=context, initializer=_quiet_and_low)
            except (OSError, ValueError):
                return False
            finally:
                sys.stderr = captured
        return True


def warm_helper(*modules: str) -> bool:
    """Start the helper process now (see :func:`start_helper`) and have it import
    ``modules``, without waiting for it: a process starts only with its first job, and
    starting it and importing the drawing code took ~0.5-1 s that the first drawings worked
    out ahead (and the keys in a run's first seconds) waited for. False if it cannot start."""
    if not start_helper():
        return False
    with _pool_lock:
        pool = _pool
    if pool is not None:
        pool.submit(_import, *modules)
    return True


def _import(*modules: str) -> None:
    for name in modules:
        importlib.import_module(name)


def elsewhere(fn: Callable[..., Any], *args: Any) -> Any:
    """``fn(*args)`` worked out in the helper process (see :func:`start_helper`; it serves
    every pane and ends when the app's process ends); arguments and result travel pickled.

    Raises:
        RuntimeError if the helper is not running; whatever ``fn`` raised; ``BrokenProcessPool``
        if the helper died (:func:`start_helper` starts another).
    """
    global _pool
    with _pool_lock:
        pool = _pool
    if pool is None:
        raise RuntimeError("no helper process")
    try:
        return pool.submit(fn, *args).result()
    except BrokenProcessPool:
        with _pool_lock:
            if _pool is pool:
                _pool = None
        pool.shutdown(wait=False, cancel_futures=True)
        raise


def _quiet_and_low() -> None:
    """The helper writes nothing on the app's terminal, gives way to the app and to the
    engine processes it measures, and ends when the app's process ends, however it ends (a
    process that is killed, or leaves with ``os._exit``, runs no ``atexit``, and the helper
    holds both ends of its work queue: it would wait for work for ever)."""
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 1)
    os.dup2(null, 2)
    try:
        os.nice(NICE)
    except OSError:  # not allowed here: it runs as it is
        pass
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_CHECK_S)
        os._exit(0)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


PARENT_CHECK_S = 0.5
"""How often the helper looks whether the app's process is still there."""


NICE = 5
"""How much the helper process gives way (see ``os.nice``)."""


@atexit.register
def _end_pool() -> None:
    with _pool_lock:
        if _pool is not None:
            _pool.shutdown(wait=False, cancel_futures=True)

"""The worker threads of parallel plans: a small process-wide pool, taken whole by one run.

A worker waits on a lock until it is given a job, runs it, and says so on another lock: the
waits sleep in the kernel (no spinning, no polling) and a kernel releases the GIL while it
computes, so a worker's numpy call runs beside the calling thread's. One run holds the pool
at a time; a run that finds it taken (another thread's plan, or a cond's body planned inside a
running plan) runs in order instead. A forked child starts with no workers.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable


class Worker:
    """One thread that runs the jobs it is given, one at a time."""

    def __init__(self, number: int) -> None:
        self.number = number
        self._go = threading.Lock()
        self._go.acquire()
        self._done = threading.Lock()
        self._done.acquire()
        self._job: Callable[[], None] | None = None
        self._thread = threading.Thread(
            target=self._loop, name=f"cgviz-static-worker-{number}", daemon=True
        )
        self._thread.start()

    def start(self, job: Callable[[], None]) -> None:
        """Run ``job`` on this worker (it must catch its own exceptions)."""
        self._job = job
        self._go.release()

    def wait(self) -> None:
        """Wait until the job given last has returned."""
        self._done.acquire()

    def _loop(self) -> None:
        while True:
            self._go.acquire()
            job, self._job = self._job, None
            try:
                if job is not None:
                    job()
            finally:
                self._done.release()


class Pool:
    """Workers 1, 2, ... (the calling thread is worker 0), made as first needed."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._workers: list[Worker] = []

    def take(self, n: int) -> list[Worker] | None:
        """Workers 1..n-1 for one run, or None when another run holds the pool."""
        if not self._lock.acquire(False):
            return None
        while len(self._workers) < n - 1:
            self._workers.append(Worker(len(self._workers) + 1))
        return self._workers[: n - 1]

    def give_back(self) -> None:
        """End the run that took the pool."""
        self._lock.release()

    def _forget(self) -> None:
        """In a forked child: the parent's threads are not there."""
        self._lock = threading.Lock()
        self._workers = []


POOL = Pool()
"""The process's pool."""

if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=POOL._forget)

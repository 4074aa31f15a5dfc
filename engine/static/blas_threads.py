"""How many threads BLAS uses, read and set at run time (the parallel plan's second level).

A parallel plan runs independent kernels on several workers at once; a matrix product on each
of them must then use fewer BLAS threads, or the two levels oversubscribe the cores. Numpy
wheels bundle OpenBLAS, whose thread count is one process-wide setting: this module finds its
``set_num_threads`` / ``get_num_threads`` with ctypes (numpy's own ``numpy.libs`` first, then
any OpenBLAS the process has loaded). Nothing else is needed (no threadpoolctl).

The setting is process-wide, so the plan changes it only between phases, when none of its own
BLAS calls is under way (``engine/static/parallel.py``). Where no OpenBLAS is found the count
cannot be read or set: :func:`control` returns None and plans stay sequential, unless the
environment already pins BLAS to one thread.
"""

from __future__ import annotations

import ctypes
import glob
import os
from collections.abc import Callable
from dataclasses import dataclass

ENV_VARS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
"""Variables that fix BLAS's thread count before numpy loads."""


@dataclass(frozen=True)
class BlasThreads:
    """OpenBLAS's thread count: ``get()`` and ``set(n)``."""

    get: Callable[[], int]
    set: Callable[[int], None]
    library: str
    """The library's file name (for reports)."""


_CONTROL: list[BlasThreads | None] = []


def control() -> BlasThreads | None:
    """The process's BLAS thread control (looked up once), or None where there is none."""
    if not _CONTROL:
        _CONTROL.append(_find())
    return _CONTROL[0]


def pinned_to_one() -> bool:
    """True when the environment fixed BLAS to one thread before it loaded."""
    return any(os.environ.get(v) == "1" for v in ENV_VARS)


def _candidates() -> list[str]:
    import numpy as np

    base = os.path.join(os.path.dirname(np.__file__), "..", "numpy.libs")
    found = sorted(glob.glob(os.path.join(base, "*openblas*")))
    try:
        with open("/proc/self/maps", encoding="utf-8", errors="replace") as f:
            for line in f:
                path = line.rsplit(" ", 1)[-1].strip()
                if "openblas" in os.path.basename(path) and path not in found:
                    found.append(path)
    except OSError:
        pass
    return found


def _find() -> BlasThreads | None:
    for path in _candidates():
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        for prefix, suffix in (("scipy_openblas_", "64_"), ("openblas_", "")):
            setter = getattr(lib, f"{prefix}set_num_threads{suffix}", None)
            getter = getattr(lib, f"{prefix}get_num_threads{suffix}", None)
            if setter is None or getter is None:
                continue
            setter.argtypes, setter.restype = (ctypes.c_int,), None
            getter.argtypes, getter.restype = (), ctypes.c_int
            return BlasThreads(getter, setter, os.path.basename(path))
    return None

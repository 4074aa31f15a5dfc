"""A numpy stand-in for the parts of cupy the engine uses: GPU *logic* on a CPU-only machine.

Arrays are a distinct ndarray subclass, so code that mixes host and "device" arrays or forgets
a transfer is caught. Times are host times: nothing measured through this module is a GPU time.
"""

from __future__ import annotations

import time
import types
from typing import Any

import numpy as np

__version__ = "simulated"


class ndarray(np.ndarray):  # noqa: N801 - cupy's name
    """A "device" array."""

    def get(self) -> np.ndarray:
        return np.array(self).view(np.ndarray)


def _device(result: Any) -> Any:
    return np.asarray(result).view(ndarray)


def asarray(value: Any, dtype: Any = None) -> ndarray:
    if isinstance(value, np.ndarray) and not isinstance(value, ndarray):
        value = value.copy()  # a host -> device copy
    return _device(np.asarray(value, dtype=dtype))


def asnumpy(array: Any) -> np.ndarray:
    return np.array(array).view(np.ndarray)


def __getattr__(name: str) -> Any:
    """Everything else (ufuncs, creation functions) is numpy's, returning device arrays."""
    fn = getattr(np, name)
    if callable(fn) and not isinstance(fn, type):
        return lambda *a, **k: _wrap(fn(*a, **k))
    return fn


def _wrap(result: Any) -> Any:
    return result.view(ndarray) if isinstance(result, np.ndarray) else result


class _Event:
    def __init__(self) -> None:
        self.t = 0.0

    def record(self) -> None:
        self.t = time.perf_counter()

    def synchronize(self) -> None:
        pass


_PROPS = {
    "name": b"Simulated GPU (numpy)",
    "multiProcessorCount": 0,
    "clockRate": 0,
    "totalGlobalMem": 0,
}
cuda = types.SimpleNamespace(
    Event=_Event,
    get_elapsed_time=lambda a, b: (b.t - a.t) * 1e3,
    runtime=types.SimpleNamespace(
        getDeviceCount=lambda: 1,
        deviceSynchronize=lambda: None,
        getDeviceProperties=lambda i: dict(_PROPS),
    ),
)

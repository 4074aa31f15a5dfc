"""Devices: the CPU runs on numpy, the GPU on cupy; kernels see only ``device.xp``.

cupy is optional and imported lazily: asking whether a GPU exists never slows start-up by
more than a module lookup until someone actually wants the GPU, and every failure becomes a
reason string ("no cupy", "no NVIDIA driver", "no CUDA device") instead of an exception.

Timing is honest per device: the CPU is timed with the host's monotonic clock around the
kernel; the GPU with a pair of CUDA events around the launch, resolved at the next sync point
(``flush``), never with the host clock around an asynchronous launch.
"""

from __future__ import annotations

import functools
import importlib.util
import os
import platform
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import ModuleType
from typing import Any

import numpy as np

from engine import malloc
from engine.events import STREAM

Done = Callable[[int], None]
malloc.tune()  # array memory stays mapped between ops (see engine/malloc.py)


class DeviceError(RuntimeError):
    """A device was asked for that this machine cannot provide; the message says why."""


class Device:
    """One place arrays live and kernels run.

    Attributes:
        name: "cpu" or "gpu".
        xp: the array module (numpy or cupy).
    """

    name = "cpu"
    xp: ModuleType = np

    def asarray(self, value: Any, dtype: Any = None) -> Any:
        """Bring a host value onto this device."""
        return np.asarray(value, dtype=dtype)

    def to_host(self, array: Any) -> np.ndarray:
        """A numpy copy (or view, on the CPU) of an array of this device."""
        return np.asarray(array)

    def owns(self, array: Any) -> bool:
        """True when ``array`` lives on this device."""
        return type(array) is np.ndarray or isinstance(array, np.generic)

    def measure(
        self, kernel: Callable[..., Any], args: tuple[Any, ...], attrs: dict[str, Any], done: Done
    ) -> Any:
        """Run ``kernel(xp, *args, **attrs)``; report its duration in ns to ``done``.

        A kernel that holds other ops (``While``, ``If``) may pause in slow motion between them:
        the pacer's time is left out, so an op's time is compute at any speed.
        """
        paused0 = STREAM.paused_ns
        t0 = time.perf_counter_ns()
        out = kernel(self.xp, *args, **attrs)
        done(time.perf_counter_ns() - t0 - (STREAM.paused_ns - paused0))
        return out

    def flush(self) -> None:
        """Wait for queued work and deliver pending durations (a no-op on the CPU)."""

    def info(self) -> dict[str, Any]:
        """Facts for the lecture's CPU vs GPU table."""
        return cpu_info()

    def __repr__(self) -> str:
        return f"device(type='{self.name}')"


class GPUDevice(Device):
    """The first CUDA device, through cupy."""

    name = "gpu"

    def __init__(self, cupy: ModuleType) -> None:
        self.xp = cupy
        self._pending: list[tuple[Any, Any, Done, int]] = []

    def asarray(self, value: Any, dtype: Any = None) -> Any:
        return self.xp.asarray(value, dtype=dtype)

    def to_host(self, array: Any) -> np.ndarray:
        host: np.ndarray = self.xp.asnumpy(array)
        return host

    def owns(self, array: Any) -> bool:
        return isinstance(array, self.xp.ndarray)

    def measure(
        self, kernel: Callable[..., Any], args: tuple[Any, ...], attrs: dict[str, Any], done: Done
    ) -> Any:
        start, end = self.xp.cuda.Event(), self.xp.cuda.Event()
        paused0 = STREAM.paused_ns
        start.record()
        out = kernel(self.xp, *args, **attrs)
        end.record()
        self._pending.append((start, end, done, STREAM.paused_ns - paused0))
        return out

    def flush(self) -> None:
        pending, self._pending = self._pending, []
        if not pending:
            return
        pending[-1][1].synchronize()
        for start, end, done, paused in pending:  # the stream idles while the host pauses
            done(max(0, int(self.xp.cuda.get_elapsed_time(start, end) * 1e6) - paused))

    def info(self) -> dict[str, Any]:
        return gpu_info(self.xp)


CPU = Device()


@functools.lru_cache(maxsize=1)
def _probe_gpu() -> tuple[ModuleType | None, str]:
    """Import cupy and touch the device once; returns (cupy or None, reason)."""
    if importlib.util.find_spec("cupy") is None:
        return None, "no cupy (install the gpu extra: pip install '.[gpu]')"
    try:
        import cupy
    except Exception as e:  # a broken wheel, two cupy packages, missing CUDA libraries
        return None, f"cupy does not import: {type(e).__name__}: {e}"
    try:
        count = cupy.cuda.runtime.getDeviceCount()
    except Exception as e:
        status = getattr(e, "status", None)
        reasons: dict[int | None, str] = {
            35: "no NVIDIA driver (or one too old for this cupy)",
            100: "no CUDA device",
        }
        return None, reasons.get(status, f"CUDA unavailable: {e}")
    if count == 0:
        return None, "no CUDA device"
    try:
        x = cupy.arange(4, dtype=cupy.float32)
        float((cupy.maximum(x, 1) @ x).get())
    except Exception as e:
        return None, f"GPU found but unusable: {type(e).__name__}: {e}"
    return cupy, f"{count} CUDA device(s)"


def gpu_status() -> tuple[bool, str]:
    """Whether a GPU can be used, and why (not)."""
    cupy, reason = _probe_gpu()
    return cupy is not None, reason


@functools.lru_cache(maxsize=1)
def _gpu_device() -> GPUDevice:
    cupy, reason = _probe_gpu()
    if cupy is None:
        raise DeviceError(f"GPU requested but unavailable: {reason}")
    return GPUDevice(cupy)


def get_device(name: str | Device | None = None) -> Device:
    """Resolve "cpu", "gpu", "cuda", "cuda:0", "/gpu:0", "/device:GPU:0"... to a Device.

    Raises:
        DeviceError: a GPU was asked for and none can be used (the message says why), or the
            name is not a device at all.
    """
    if isinstance(name, Device):
        return name
    if name is None:
        return CPU
    key = str(name).lower().strip().lstrip("/")
    key = key.removeprefix("device:")
    kind = key.split(":")[0]
    if kind == "cpu":
        return CPU
    if kind in ("gpu", "cuda"):
        return _gpu_device()
    raise DeviceError(f"unknown device {name!r}: use 'cpu' or 'gpu'")


@contextmanager
def simulated_gpu(cupy_like: ModuleType) -> Iterator[GPUDevice]:
    """Stand a cupy-like module in for the GPU inside the block (tests of GPU logic only).

    Every name stays honest: the device's info says "simulated", and its times are host times.
    """
    device = GPUDevice(cupy_like)
    saved = _probe_gpu, _gpu_device
    globals()["_probe_gpu"] = lambda: (cupy_like, "simulated GPU")
    globals()["_gpu_device"] = lambda: device
    try:
        yield device
    finally:
        globals()["_probe_gpu"], globals()["_gpu_device"] = saved


def device_of(array: Any) -> Device:
    """The device an array lives on."""
    if CPU.owns(array):
        return CPU
    cupy, _ = _probe_gpu()
    if cupy is not None and isinstance(array, cupy.ndarray):
        return _gpu_device()
    return CPU


# ------------------------------------------------------------------ device facts


@functools.lru_cache(maxsize=1)
def cpu_info() -> dict[str, Any]:
    """Cores, clock and memory of this machine's CPU (what Linux tells; None where unknown)."""
    model, mhz = platform.processor() or platform.machine(), None
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                key, _, value = line.partition(":")
                key = key.strip()
                if key == "model name" and model in ("", platform.machine()):
                    model = value.strip()
                elif key == "cpu MHz" and mhz is None:
                    mhz = float(value)
    except OSError:
        pass
    memory = None
    try:
        memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        pass
    return {
        "device": "cpu",
        "name": model,
        "cores": os.cpu_count(),
        "clock_ghz": round(mhz / 1000, 2) if mhz else None,
        "memory_bytes": memory,
        "memory": "shared with system",
        "library": f"numpy {np.__version__}",
    }


def gpu_info(cupy: ModuleType) -> dict[str, Any]:
    """Name, streaming multiprocessors, clock and memory of CUDA device 0."""
    props = cupy.cuda.runtime.getDeviceProperties(0)
    name = props["name"].decode() if isinstance(props["name"], bytes) else str(props["name"])
    clock = props.get("clockRate")
    return {
        "device": "gpu",
        "name": name,
        "cores": props.get("multiProcessorCount"),
        "cores_unit": "SMs",
        "clock_ghz": round(clock / 1e6, 2) if clock else None,
        "memory_bytes": props.get("totalGlobalMem"),
        "memory": f"{props.get('totalGlobalMem', 0) / 2**30:.0f} GiB on the card",
        "library": f"cupy {cupy.__version__}",
    }


def device_info(name: str) -> dict[str, Any]:
    """Facts for a device by name; for an unavailable GPU, says why."""
    if name == "cpu":
        return cpu_info()
    ok, reason = gpu_status()
    if not ok:
        return {"device": "gpu", "available": False, "reason": reason}
    return {"available": True, **_gpu_device().info()}

"""The lecture's CPU vs GPU table, measured here: device facts, matmul GFLOP/s, the seed
workloads per device, host<->device transfers and a GPU's first-call (warm-up) cost.

CPU times come from the host's monotonic clock; GPU times from CUDA events around the work
(never the host clock around an asynchronous launch). A simulated GPU (a numpy stand-in, for
tests) is timed with host times and every row of it says ``simulated``.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from engine import devices
from engine.bench import workloads as w

MATMUL_SIZES: tuple[int, ...] = (64, 128, 256, 512, 1024, 2048, 4096)
QUICK_MATMUL_SIZES: tuple[int, ...] = (64, 256, 1024)
TINY_MATMUL_SIZES: tuple[int, ...] = (8, 16)
TRANSFER_SHAPES = (("seed x, 64x1000", (64, 1000)), ("4096x4096", (4096, 4096)))


def available_devices() -> tuple[list[devices.Device], list[dict[str, Any]]]:
    """The devices to measure, and the facts of every device (an absent GPU says why)."""
    devs: list[devices.Device] = [devices.CPU]
    facts = [devices.cpu_info()]
    ok, reason = devices.gpu_status()
    if ok:
        gpu = devices.get_device("gpu")
        devs.append(gpu)
        facts.append({"available": True, "simulated": is_simulated(gpu), **gpu.info()})
    else:
        facts.append({"device": "gpu", "available": False, "reason": reason})
    return devs, facts


def is_simulated(dev: devices.Device) -> bool:
    """True for the numpy stand-in of a GPU (its times are host times)."""
    return dev.name != "cpu" and (
        devices.gpu_status()[1] == "simulated GPU"
        or getattr(dev.xp, "__version__", "") == "simulated"
    )


def _sync(dev: devices.Device) -> None:
    if dev.name != "cpu":
        dev.xp.cuda.runtime.deviceSynchronize()


def timed(dev: devices.Device, fn: Callable[[], Any], reps: int, batch: int = 1) -> list[float]:
    """Seconds per call of ``fn``, ``reps`` samples of ``batch`` calls each (after a sync).

    On the GPU each sample is a pair of CUDA events around the batch, read after the end
    event completes; on the CPU the host clock around it.
    """
    out = []
    _sync(dev)
    for _ in range(reps):
        if dev.name == "cpu":
            t0 = time.perf_counter()
            for _ in range(batch):
                fn()
            out.append((time.perf_counter() - t0) / batch)
        else:
            cuda = dev.xp.cuda
            start, end = cuda.Event(), cuda.Event()
            start.record()
            for _ in range(batch):
                fn()
            end.record()
            end.synchronize()
            out.append(cuda.get_elapsed_time(start, end) / 1e3 / batch)
    return out


def first_call(dev: devices.Device, fn: Callable[[], Any]) -> float:
    """Seconds of a first call until its result is ready (host clock, with a sync: it holds
    one-time costs such as a GPU's context, library handles and kernel compilation)."""
    t0 = time.perf_counter()
    fn()
    _sync(dev)
    return time.perf_counter() - t0


def _reps(seconds_per_call: float, budget: float, most: int = 20) -> tuple[int, int]:
    """(samples, calls per sample) to spend about ``budget`` seconds."""
    batch = max(1, min(1000, int(0.01 / max(seconds_per_call, 1e-9))))
    reps = max(3, min(most, int(budget / max(seconds_per_call * batch, 1e-9))))
    return reps, batch


def matmul_sweep(
    dev: devices.Device, sizes: tuple[int, ...], budget: float, tick: Callable[[str], None]
) -> list[dict[str, Any]]:
    """float32 C = A @ B (square, into a preallocated C) per size: median GFLOP/s."""
    xp = dev.xp
    rows = []
    rng = np.random.default_rng(0)
    for n in sizes:
        tick(f"matmul {dev.name} {n}")
        a = dev.asarray(rng.standard_normal((n, n), dtype=np.float32))
        b = dev.asarray(rng.standard_normal((n, n), dtype=np.float32))
        c = xp.empty((n, n), dtype=xp.float32)

        def mm(a: Any = a, b: Any = b, c: Any = c) -> Any:
            return xp.matmul(a, b, out=c)

        first = first_call(dev, mm)
        probe = statistics.median(timed(dev, mm, 2))
        reps, batch = _reps(probe, budget)
        secs = statistics.median(timed(dev, mm, reps, batch))
        flops = 2.0 * n**3
        rows.append(
            {
                "device": dev.name,
                "size": n,
                "dtype": "float32",
                "seconds": secs,
                "gflops": flops / secs / 1e9,
                "first_call_s": first,
                "samples": reps,
                "calls_per_sample": batch,
                "clock": _clock(dev),
            }
        )
    return rows


def _clock(dev: devices.Device) -> str:
    if dev.name == "cpu":
        return "host"
    return "host (simulated GPU)" if is_simulated(dev) else "cuda events"


def transfers(
    dev: devices.Device,
    shapes: tuple[tuple[str, tuple[int, int]], ...],
    reps: int,
    tick: Callable[[str], None],
) -> list[dict[str, Any]]:
    """Host -> device (from pageable numpy memory) and device -> host copies, per size."""
    rows = []
    rng = np.random.default_rng(2)
    for label, shape in shapes:
        tick(f"transfer {label}")
        host = rng.standard_normal(shape, dtype=np.float32)
        on_dev = dev.asarray(host)
        for direction, fn in (
            ("H2D", lambda host=host: dev.asarray(host)),
            ("D2H", lambda on_dev=on_dev: dev.to_host(on_dev)),
        ):
            secs = statistics.median(timed(dev, fn, reps))
            rows.append(
                {
                    "device": dev.name,
                    "direction": direction,
                    "what": label,
                    "bytes": host.nbytes,
                    "seconds": secs,
                    "gb_per_s": host.nbytes / secs / 1e9,
                    "clock": _clock(dev),
                }
            )
    return rows


def seed_workloads(
    dev: devices.Device, s: w.Sizes, reps: int, tick: Callable[[str], None]
) -> list[dict[str, Any]]:
    """The P2 eager loop (ms per iteration) and one T1 ``Session.run`` (ms per run) on ``dev``,
    events off; the first iteration / run (warm-up) is reported apart."""
    import engine.eager as torch
    import engine.static as tf

    rows = []
    tick(f"seed eager loop {dev.name}")
    xa, ya, w1a, w2a = w.eager_data(s)
    x, y, w1, w2 = (w.to_tensor(torch, a).to(_torch_device(dev)) for a in (xa, ya, w1a, w2a))
    first = first_call(dev, lambda: w.eager_loop(x, y, w1, w2, 1))
    secs = timed(dev, lambda: w.eager_loop(x, y, w1, w2, s.iterations), reps)
    rows.append(_seed_row(dev, "eager loop (P2)", "ms/iteration", secs, s.iterations, first))
    tick(f"seed Session.run {dev.name}")
    holders, fetches = w.static_graph(tf, s)
    sess = tf.Session(device=dev.name)
    feed = dict(zip(holders, w.static_data(s), strict=True))
    first = first_call(dev, lambda: sess.run(fetches, feed_dict=feed))
    secs = timed(dev, lambda: sess.run(fetches, feed_dict=feed), reps, batch=max(1, s.runs // 10))
    rows.append(_seed_row(dev, "Session.run (T1)", "ms/run", secs, 1, first))
    return rows


def _torch_device(dev: devices.Device) -> str:
    return "cpu" if dev.name == "cpu" else "cuda"


def _seed_row(
    dev: devices.Device, workload: str, unit: str, secs: list[float], per: int, first: float
) -> dict[str, Any]:
    ms = [x * 1e3 / per for x in secs]
    return {
        "device": dev.name,
        "workload": workload,
        "unit": unit,
        "median": statistics.median(ms),
        "min": min(ms),
        "max": max(ms),
        "n": len(ms),
        "first_ms": first * 1e3,
        "clock": _clock(dev),
    }

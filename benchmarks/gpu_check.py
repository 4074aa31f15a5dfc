"""The GPU check: correctness of every op and the seed workloads on cupy, then honest timings.

Run on a machine with a CUDA GPU, from the repository root (no install needed):

    PYTHONPATH=. python3 benchmarks/gpu_check.py [--json out.json] [--quick]

1. Correctness first: every op of the op table on the GPU against float64 numpy on the host
   (relative error < 1e-4), then the seed eager loop and one static ``Session.run`` on the
   GPU against the same math in float64 numpy.
2. Then timings, GPU times from CUDA events (never the host clock around an async launch):
   first-call (warm-up) cost apart from the steady state, matmul GFLOP/s from 64 to 4096,
   host<->device transfer bandwidth, and the seed workloads per device in one run.

Where no GPU works, says why and exits 2. ``SIMULATE=1`` runs the same code paths on a numpy
stand-in (tests/fakecupy.py) to check the script's logic; its times are host times and are
labelled as simulated. Must finish in under 5 minutes on one H200.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from engine import devices  # noqa: E402
from engine.bench import workloads as w  # noqa: E402
from engine.ops import OPS  # noqa: E402

SEED = w.Sizes()  # the lecture's sizes: (64, 1000, 100, 10), T1 at (64, 1000, 100)

SIMULATE = os.environ.get("SIMULATE") == "1"
_SIMULATION: Any = None
RTOL = 1e-4


def gpu_device() -> devices.GPUDevice:
    if SIMULATE:
        from tests import fakecupy

        global _SIMULATION  # held open for the whole run
        _SIMULATION = devices.simulated_gpu(fakecupy)
        return _SIMULATION.__enter__()
    ok, reason = devices.gpu_status()
    if not ok:
        print(f"gpu_check: no GPU to check: {reason}", file=sys.stderr)
        sys.exit(2)
    return devices.get_device("gpu")  # type: ignore[return-value]


def rel_err(got: np.ndarray, want: np.ndarray) -> float:
    want = np.asarray(want, dtype=np.float64)
    denom = max(float(np.linalg.norm(want)), 1e-30)
    return float(np.linalg.norm(np.asarray(got, dtype=np.float64) - want)) / denom


# ------------------------------------------------------------ 1. correctness


def op_cases(rng: np.random.Generator) -> list[tuple[str, list[np.ndarray], dict[str, Any]]]:
    def r(*s: int) -> np.ndarray:
        return rng.standard_normal(s)

    def pos(*s: int) -> np.ndarray:
        return rng.uniform(0.5, 2.0, s)

    return [
        ("Identity", [r(64, 100)], {}),
        ("Neg", [r(64, 100)], {}),
        ("Add", [r(64, 100), r(100)], {}),
        ("Sub", [r(64, 100), r(64, 100)], {}),
        ("Mul", [r(64, 100), r(64, 100)], {}),
        ("RealDiv", [r(64, 100), pos(64, 100)], {}),
        ("Pow", [pos(64, 100), np.array(2.0)], {}),
        ("Square", [r(64, 100)], {}),
        ("SquaredDifference", [r(64, 100), r(64, 100)], {}),
        ("Exp", [r(64, 100)], {}),
        ("Log", [pos(64, 100)], {}),
        ("Tanh", [r(64, 100)], {}),
        ("Sigmoid", [r(64, 100)], {}),
        ("Maximum", [r(64, 100), np.array(0.0)], {}),
        ("Minimum", [r(64, 100), np.array(0.0)], {}),
        ("Relu", [r(64, 100)], {}),
        ("Clamp", [r(64, 100)], {"min": 0.0}),
        ("MatMul", [r(64, 1000), r(1000, 100)], {}),
        ("MatMul", [r(1000, 64), r(1000, 100)], {"transpose_a": True}),
        ("MatMul", [r(64, 100), r(10, 100)], {"transpose_b": True}),
        ("BiasAdd", [r(64, 100), r(100)], {}),
        ("Sum", [r(64, 1000)], {}),
        ("Sum", [r(64, 1000)], {"axis": 1}),
        ("Mean", [r(64, 1000)], {}),
        ("Mean", [r(64, 1000)], {"axis": 0}),
        ("Transpose", [r(64, 100)], {}),
        ("Reshape", [r(64, 100)], {"shape": (100, 64)}),
    ]


def check_ops(gpu: devices.GPUDevice, rng: np.random.Generator) -> dict[str, float]:
    """Every op on the GPU in float32 against float64 numpy on the host."""
    errors: dict[str, float] = {}
    seen = set()
    for name, inputs, attrs in op_cases(rng):
        op = OPS[name]
        want = op.kernel(np, *inputs, **attrs)
        dev_in = [gpu.asarray(x, dtype=np.float32) for x in inputs]
        got = gpu.to_host(gpu.xp.asarray(op.kernel(gpu.xp, *dev_in, **attrs)))
        key = name if name not in seen else f"{name}{attrs}"
        seen.add(name)
        errors[key] = rel_err(got, want)
    untested = sorted(set(OPS) - seen)
    print(
        f"ops checked: {len(seen)} of {len(OPS)} (helpers and comparisons not listed: "
        f"{', '.join(untested)})"
    )
    return errors


def eager_on(device: str, data: tuple[np.ndarray, ...], iters: int) -> tuple[float, Any, Any]:
    """P2 (the benchmark's very lines) on the engine on ``device``; (loss, w1, w2) on the host."""
    import engine.eager as torch

    dtype = torch.cuda.FloatTensor if device == "gpu" else torch.FloatTensor
    x, y, w1, w2 = (torch.tensor(a).type(dtype) for a in data)
    loss = w.eager_loop(x, y, w1, w2, iters)
    return loss.item(), w1.cpu().numpy(), w2.cpu().numpy()


def static_on(device: str, s: w.Sizes) -> tuple[Any, tuple[Any, ...], list[Any]]:
    """T1 (the benchmark's graph) in a Session that places it on ``device``."""
    import engine.static as tf

    feeds, fetches = w.static_graph(tf, s)
    return tf.Session(device=device), feeds, fetches


def check_workloads(sizes: w.Sizes = SEED) -> dict[str, float]:
    """The seed workloads on the GPU against the same math in float64 numpy on the host."""
    errors = {}
    data = w.eager_data(sizes)
    x, y, w1, w2 = (a.astype(np.float64) for a in data)
    loss = w.numpy_loop(x, y, w1, w2, 5)
    got_loss, got_w1, got_w2 = eager_on("gpu", data, 5)
    errors["eager seed loop: loss"] = rel_err(np.array(got_loss), np.array(loss))
    errors["eager seed loop: w1"] = rel_err(got_w1, w1)
    errors["eager seed loop: w2"] = rel_err(got_w2, w2)

    sess, feeds, fetches = static_on("gpu", sizes)
    values = w.static_data(sizes)
    got = sess.run(fetches, feed_dict=dict(zip(feeds, values, strict=True)))
    want = w.numpy_step(*(v.astype(np.float64) for v in values))
    for name, g, ref in zip(("loss", "grad_w1", "grad_w2"), got, want, strict=True):
        errors[f"static Session.run: {name}"] = rel_err(g, ref)
    return errors


# ---------------------------------------------------------------- 2. timings


def event_time(gpu: devices.GPUDevice, fn: Any, repeat: int) -> float:
    """Median seconds of ``fn()`` between a pair of CUDA events, over ``repeat`` samples."""
    xp = gpu.xp
    samples = []
    for _ in range(repeat):
        start, end = xp.cuda.Event(), xp.cuda.Event()
        start.record()
        fn()
        end.record()
        end.synchronize()
        samples.append(xp.cuda.get_elapsed_time(start, end) / 1e3)
    return statistics.median(samples)


def host_time(fn: Any, repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t0)
    return statistics.median(samples)


def time_matmul(gpu: devices.GPUDevice, sizes: list[int]) -> list[dict[str, Any]]:
    rows = []
    for n in sizes:
        a = np.random.default_rng(n).standard_normal((n, n)).astype(np.float32)
        da, db = gpu.asarray(a), gpu.asarray(a)
        out = gpu.xp.empty((n, n), dtype=np.float32)
        t0 = time.perf_counter()
        gpu.xp.matmul(da, db, out=out)  # first call: cuBLAS handle, kernel load
        gpu.xp.cuda.runtime.deviceSynchronize()
        first = time.perf_counter() - t0
        repeat = 20 if n <= 1024 else 8

        def gpu_mm(da: Any = da, db: Any = db, out: Any = out) -> Any:
            return gpu.xp.matmul(da, db, out=out)

        gpu_s = event_time(gpu, gpu_mm, repeat)
        cpu_out = np.empty((n, n), dtype=np.float32)
        cpu_s = host_time(lambda a=a, out=cpu_out: np.matmul(a, a, out=out), 3 if n >= 2048 else 10)
        flop = 2 * n**3
        rows.append(
            {
                "n": n,
                "gpu_gflops": flop / gpu_s / 1e9,
                "cpu_gflops": flop / cpu_s / 1e9,
                "gpu_first_call_s": first,
                "speedup": cpu_s / gpu_s,
            }
        )
    return rows


def time_transfers(
    gpu: devices.GPUDevice, mibs: tuple[int, ...] = (1, 64, 256)
) -> list[dict[str, Any]]:
    rows = []
    for mib in mibs:
        host = np.ones(mib * 2**20 // 4, dtype=np.float32)
        dev = gpu.asarray(host)
        h2d = event_time(gpu, lambda: gpu.asarray(host), 5)  # noqa: B023
        d2h = host_time(lambda: gpu.to_host(dev), 5)  # noqa: B023 - waits for the copy
        rows.append({"MiB": mib, "H2D_GBps": mib / 1024 / h2d, "D2H_GBps": mib / 1024 / d2h})
    return rows


def time_seed(iters: int, sizes: w.Sizes = SEED) -> dict[str, Any]:
    """The seed workloads per device, one run: eager loop and static Session.run."""
    data = w.eager_data(sizes)
    out: dict[str, Any] = {}
    for device in ("cpu", "gpu"):
        eager_on(device, data, 3)  # warm-up: kernels compiled, pools filled
        t = host_time(lambda d=device: eager_on(d, data, iters), 3)
        out[f"eager seed loop ms/iter ({device})"] = t / iters * 1e3
        sess, feeds, fetches = static_on(device, sizes)
        values = dict(zip(feeds, w.static_data(sizes), strict=True))
        sess.run(fetches, feed_dict=values)
        t = host_time(lambda s=sess, v=values, f=fetches: s.run(f, feed_dict=v), 20)
        out[f"static Session.run ms ({device}, feeds and fetches copied)"] = t * 1e3
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", help="also write the results to this file")
    parser.add_argument("--quick", action="store_true", help="fewer sizes and iterations")
    # the test suite's sizes (w.TINY): every path runs, nothing is measured
    parser.add_argument("--tiny", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    seed = w.TINY if args.tiny else SEED
    started = time.perf_counter()
    gpu = gpu_device()
    info = gpu.info()
    report: dict[str, Any] = {
        "date": time.strftime("%Y-%m-%d"),
        "simulated": SIMULATE,
        "gpu": info,
        "cpu": devices.cpu_info(),
        "python": platform.python_version(),
        "numpy": np.__version__,
    }
    label = "SIMULATED on numpy: host times, not GPU times" if SIMULATE else info.get("name")
    print(f"gpu_check {report['date']} on {label}")
    rng = np.random.default_rng(0)

    ok = True
    for title, errors in (("ops", check_ops(gpu, rng)), ("workloads", check_workloads(seed))):
        print(f"\n== correctness: {title} (relative error against float64 numpy, limit {RTOL:g})")
        for name, err in errors.items():
            flag = "ok" if err < RTOL else "FAIL"
            ok &= err < RTOL
            print(f"  {flag:4} {name:48} {err:.2e}")
        report[f"correct_{title}"] = errors
    if not ok:
        print("\ncorrectness failed: no timings taken", file=sys.stderr)
        return 1

    sizes = [64, 256, 1024] if args.quick else [64, 128, 256, 512, 1024, 2048, 4096]
    sizes = [8, 16] if args.tiny else sizes
    print("\n== matmul float32 (GPU: CUDA events; CPU: numpy, same run)")
    report["matmul"] = time_matmul(gpu, sizes)
    for row in report["matmul"]:
        print(
            f"  n={row['n']:5}  GPU {row['gpu_gflops']:9.1f} GFLOP/s  CPU {row['cpu_gflops']:7.1f}"
            f" GFLOP/s  speedup {row['speedup']:7.1f}x"
            f"  first call {row['gpu_first_call_s'] * 1e3:8.1f} ms"
        )
    print("\n== host<->device transfers")
    report["transfers"] = time_transfers(gpu, (1,) if args.tiny else (1, 64, 256))
    for row in report["transfers"]:
        print(
            f"  {row['MiB']:4} MiB  H2D {row['H2D_GBps']:6.1f} GB/s"
            f"  D2H {row['D2H_GBps']:6.1f} GB/s"
        )
    print(f"\n== seed workloads ({seed.n}, {seed.d_in}, {seed.h}, {seed.d_out}), one run")
    report["seed"] = time_seed(2 if args.tiny else 20 if args.quick else 100, seed)
    for name, value in report["seed"].items():
        print(f"  {name:55} {value:8.3f}")
    report["seconds"] = time.perf_counter() - started
    print(f"\ndone in {report['seconds']:.0f} s")
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())

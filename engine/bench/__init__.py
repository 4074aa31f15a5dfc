"""``cgviz bench``: the lecture's CPU vs GPU table, measured live on this machine.

Sections (``--sections``, default all): ``devices`` (facts: cores, clock, memory, library; the
GPU's, or why there is none), ``matmul`` (float32 GFLOP/s from 64 to 4096 per device),
``seed`` (the P2 eager loop in ms per iteration and one T1 ``Session.run`` per device),
``transfers`` (host<->device copies, GPU only) and ``engine`` (the engine against raw numpy,
and torch where installed: see :mod:`engine.bench.compare`). CPU times come from the host
clock, GPU times from CUDA events; a GPU's first call (warm-up) is reported apart from its
steady state. BLAS runs on one thread (the stable figures; see the project's baselines).

JSON (``--json PATH``), schema ``cgviz-bench`` version 1. Every time is in seconds unless its
key says ms; absent sections are absent keys::

    {
      "schema": "cgviz-bench", "version": 1,
      "date": "2026-11-29T05:00:00+0000",               # when it ran (local time, ISO 8601)
      "machine": {"host", "platform", "python", "numpy", "cpus", "threads", "blas",
                  "malloc", "torch", "OPENBLAS_NUM_THREADS", ...},
      "options": {"quick": bool, "tiny": bool, "sections": [...], "cases": "abcdt",
                  "rounds": int},
      "devices": [                                       # one per device; the GPU always listed
        {"device": "cpu", "name", "cores", "clock_ghz", "memory_bytes", "memory", "library"},
        {"device": "gpu", "available": false, "reason": "no cupy (...)"}
        # or {"device": "gpu", "available": true, "simulated": bool, "name", "cores",
        #     "cores_unit": "SMs", "clock_ghz", "memory_bytes", "memory", "library"}
      ],
      "matmul": [{"device", "size", "dtype": "float32", "seconds" (median per call),
                  "gflops", "first_call_s", "samples", "calls_per_sample",
                  "clock": "host" | "cuda events" | "host (simulated GPU)"}],
      "seed": [{"device", "workload": "eager loop (P2)" | "Session.run (T1)",
                "unit": "ms/iteration" | "ms/run", "median", "min", "max", "n",
                "first_ms" (the first iteration / run, warm-up included), "clock"}],
      "transfers": [{"device", "direction": "H2D" | "D2H", "what", "bytes", "seconds",
                     "gb_per_s", "clock"}],          # [] without a GPU
      # the engine section (top level, as the engine-vs-numpy results always were):
      "sizes": {"n", "d_in", "h", "d_out", "d", "iterations", "runs"},
      "rounds": int, "checks": {label: text},
      "cases": {name: {"unit": "ms/iteration" | "ms/run", "median", "min", "max", "n"}},
      "ratios": [{"case", "reference", "median", "min", "max"}]
    }

A simulated GPU (tests) is marked ``"simulated": true`` and its clock says so: its times are
host times, never GPU times.
"""

from __future__ import annotations

from engine.bench.command import SECTIONS, main, run
from engine.bench.compare import RATIOS, build_cases, summarise
from engine.bench.report import SCHEMA, VERSION
from engine.bench.workloads import QUICK, TINY, Sizes, eager_loop, numpy_loop, numpy_step

__all__ = [
    "RATIOS",
    "QUICK",
    "SCHEMA",
    "SECTIONS",
    "TINY",
    "VERSION",
    "Sizes",
    "build_cases",
    "eager_loop",
    "main",
    "numpy_loop",
    "numpy_step",
    "run",
    "summarise",
]

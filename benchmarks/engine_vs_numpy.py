"""The engine against raw numpy float32 (and torch where installed): P2, P3 and one T1 run.

    python benchmarks/engine_vs_numpy.py [--sections engine] [--rounds 15] [--cases abcdt]
                                         [--json out.json]

Same as ``python -m engine bench`` (the code lives in ``engine/bench/``); with
``--sections engine`` only the engine comparisons run. BLAS is held to
one thread: with threadpoolctl when installed, otherwise by setting OPENBLAS_NUM_THREADS and
OMP_NUM_THREADS to 1 here, before numpy is imported (the report says which).
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

if importlib.util.find_spec("threadpoolctl") is None:
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = "1"

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a checkout

from engine.bench import main  # noqa: E402 - after the thread variables are set

if __name__ == "__main__":
    sys.exit(main())

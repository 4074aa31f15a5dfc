"""The prepared GPU check runs end to end on the numpy stand-in (logic only, times are host
times)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_gpu_check_runs_simulated(tmp_path):
    out = tmp_path / "gpu.json"
    env = {**os.environ, "SIMULATE": "1", "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "gpu_check.py"), "--quick", "--json", str(out)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "SIMULATED on numpy" in proc.stdout and "FAIL" not in proc.stdout
    report = json.loads(out.read_text())
    assert report["simulated"] is True
    assert all(err < 1e-4 for err in report["correct_workloads"].values())


def test_gpu_check_says_why_without_a_gpu():
    env = {k: v for k, v in os.environ.items() if k != "SIMULATE"}
    env["PYTHONPATH"] = str(ROOT)
    proc = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "gpu_check.py")],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if proc.returncode == 2:
        assert proc.stderr.startswith("gpu_check: no GPU to check: ")

"""The prepared GPU check: where no GPU works it says why and exits 2; simulated (``SIMULATE=1``,
the numpy stand-in of tests/fakecupy.py) it runs end to end at the test suite's sizes
(``--tiny``: logic only, times are host times)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from engine.devices import gpu_status

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "benchmarks" / "gpu_check.py"
SECTIONS = (
    "== correctness: ops",
    "== correctness: workloads",
    "== matmul float32",
    "== host<->device transfers",
    "== seed workloads",
    "done in ",
)


def _gpu_check(*args: str, simulate: bool, timeout: float) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "SIMULATE"}
    env["PYTHONPATH"] = str(ROOT)
    if simulate:
        env["SIMULATE"] = "1"
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@pytest.mark.slow
def test_gpu_check_runs_simulated(tmp_path: Path) -> None:
    out = tmp_path / "gpu.json"
    proc = _gpu_check("--tiny", "--json", str(out), simulate=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stderr == "", proc.stderr[-2000:]
    lines = proc.stdout.splitlines()
    assert lines[0].startswith("gpu_check ") and "SIMULATED on numpy" in lines[0], lines[0]
    where = [next((i for i, line in enumerate(lines) if s in line), -1) for s in SECTIONS]
    assert -1 not in where and where == sorted(where), dict(zip(SECTIONS, where, strict=True))
    checked = [line.split() for line in lines if line.startswith("  ok ") or "FAIL" in line]
    assert checked and all(words[0] == "ok" for words in checked), proc.stdout
    report = json.loads(out.read_text())
    assert report["simulated"] is True
    assert report["correct_ops"] and report["correct_workloads"]
    for errors in (report["correct_ops"], report["correct_workloads"]):
        assert all(err < 1e-4 for err in errors.values()), errors
    assert [row["n"] for row in report["matmul"]] == [8, 16]  # --tiny sizes
    assert [row["MiB"] for row in report["transfers"]] == [1]
    assert len(report["seed"]) == 4  # eager loop and Session.run, on each device


@pytest.mark.slow
def test_gpu_check_says_why_without_a_gpu() -> None:
    ok, reason = gpu_status()
    if ok:
        pytest.skip("a GPU works here: the check would run for real")
    proc = _gpu_check(simulate=False, timeout=120)
    assert proc.returncode == 2, (proc.returncode, proc.stderr[-2000:])
    assert proc.stderr == f"gpu_check: no GPU to check: {reason}\n"
    assert proc.stdout == ""

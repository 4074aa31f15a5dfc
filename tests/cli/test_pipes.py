"""Every ``python -m engine`` command ends quietly when its reader closes the pipe (``| head``):
no traceback, no "Exception ignored" at exit, exit code 141 (128 + SIGPIPE)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from engine.cli.common import CLOSED_PIPE

ROOT = Path(__file__).resolve().parents[2]


def _into_a_closed_pipe(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    """``python -m engine ARGS`` with its stdout a pipe closed before it writes a byte."""
    read, write = os.pipe()
    os.close(read)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OPENBLAS_NUM_THREADS": "1"}
    try:
        return subprocess.run(
            [sys.executable, "-m", "engine", *args],
            cwd=cwd,
            env=env,
            stdout=write,
            stderr=subprocess.PIPE,
            text=True,
            timeout=300,
            check=False,
        )
    finally:
        os.close(write)


@pytest.mark.slow
@pytest.mark.parametrize(
    "args",
    [
        ("scenes",),
        ("run", "--scene", "two-layer", "--small", "--iterations", "3"),
        ("run", "printer.py"),
        ("trace", "t.jsonl"),
    ],
    ids=["scenes", "run-scene", "run-printing-script", "trace"],
)
def test_a_closed_pipe_ends_the_command_quietly(tmp_path: Path, args: tuple[str, ...]) -> None:
    (tmp_path / "printer.py").write_text("for i in range(100000):\n    print(i)\n")
    trace = tmp_path / "t.jsonl"
    made = subprocess.run(
        [
            sys.executable,
            "-m",
            "engine",
            "run",
            "--scene",
            "two-layer",
            "--small",
            "--iterations",
            "1",
            "--trace",
            str(trace),
        ],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        check=False,
        timeout=300,
    )
    assert made.returncode == 0, made.stderr
    proc = _into_a_closed_pipe(*args, cwd=tmp_path)
    assert "Traceback" not in proc.stderr and "Exception ignored" not in proc.stderr, proc.stderr
    assert "BrokenPipeError" not in proc.stderr, proc.stderr
    assert proc.returncode == CLOSED_PIPE, (proc.returncode, proc.stderr)


@pytest.mark.slow
def test_head_of_a_long_run_reads_its_lines_and_the_run_stops(tmp_path: Path) -> None:
    """What a user types: ``python -m engine run printer.py | head -3``."""
    (tmp_path / "printer.py").write_text("i = 0\nwhile True:\n    print(i)\n    i += 1\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(
        f"{sys.executable} -m engine run printer.py | head -3",
        shell=True,
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.stdout == "0\n1\n2\n"
    assert proc.stderr.count("\n") <= 1 and "Traceback" not in proc.stderr, proc.stderr

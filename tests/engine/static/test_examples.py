"""The TF 1 and Keras example scripts, run unchanged through ``python -m engine run``: each
loss falls and the final values are right."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
EXAMPLES = ROOT / "tests" / "engine" / "static" / "tutorials"

pytestmark = pytest.mark.slow


def run_example(name: str) -> str:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OPENBLAS_NUM_THREADS": "1"}
    env.pop("CGVIZ_DEBUG", None)
    proc = subprocess.run(
        [sys.executable, "-m", "engine", "run", str(EXAMPLES / name)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout + proc.stderr


def first_last(text: str, label: str) -> tuple[float, float]:
    """The first and last value the run's summary gives for the metric ``label``."""
    m = re.search(rf"^{re.escape(label)} \(static\): first (\S+), last (\S+) ", text, re.M)
    assert m, f"no summary line for {label} in:\n{text}"
    return float(m.group(1)), float(m.group(2))


def number_after(text: str, word: str) -> float:
    m = re.search(rf"^{word} (\S+)", text, re.M)
    assert m, f"no '{word}' line in:\n{text}"
    return float(m.group(1))


def test_tf1_data_loop_to_out_of_range():
    out = run_example("tf1_data_loop.py")
    assert "end of data after 300 steps" in out  # 200 rows / 20 per batch x 30 epochs
    first, last = first_last(out, "loss")
    assert last < first / 100
    w, b = (float(v) for v in re.search(r"^w (\S+) b (\S+)", out, re.M).groups())
    assert abs(w - 3.0) < 0.1 and abs(b - 2.0) < 0.1


def test_tf1_classifier_with_adam():
    out = run_example("tf1_classifier.py")
    assert "b'Hello, TensorFlow!'" in out
    first, last = first_last(out, "loss")
    assert last < first / 10
    assert number_after(out, "accuracy") > 0.95


def test_keras_fit():
    out = run_example("keras_fit.py")
    assert "'import tensorflow' resolves to engine.static" in out
    first, last = first_last(out, "loss/dense_1_loss/value:0")
    assert last < first / 10
    assert number_after(out, "accuracy") > 0.95


@pytest.mark.parametrize(
    ("script", "label"),
    [("keras_2017_slide.py", "loss/dense_1_loss/value:0"), ("keras_2018_slide.py", "loss")],
)
def test_lecture_keras_listings_run_as_written(script, label):
    out = run_example(script)
    first, last = first_last(out, label)
    assert last < first * 0.9, (first, last)
    if script == "keras_2017_slide.py":
        assert "'import keras' resolves to engine.static.keras" in out

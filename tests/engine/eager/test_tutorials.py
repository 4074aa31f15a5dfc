"""Tutorial-style PyTorch scripts (``tutorials/``) run unchanged through ``python -m engine
run``: each finishes, its loss falls, and its final figures are right."""

from __future__ import annotations

import functools
import re
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).parent / "tutorials"
ROOT = Path(__file__).resolve().parents[3]

pytestmark = pytest.mark.slow  # a Python process per script, seconds each


@functools.cache  # each script runs once; the tests read its output
def run(script: str) -> tuple[str, str]:
    done = subprocess.run(
        [sys.executable, "-m", "engine", "run", str(HERE / script)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
    )
    assert done.returncode == 0, f"{script} failed:\n{done.stderr[-2000:]}"
    return done.stdout, done.stderr


def losses(stdout: str) -> list[float]:
    return [float(m) for m in re.findall(r"^\d+ loss (\S+)$", stdout, re.MULTILINE)]


@pytest.mark.parametrize(
    "script, factor",
    [
        ("poly_fit.py", 0.1),
        ("classifier.py", 0.05),
        ("rnn.py", 0.05),
        ("course_loop.py", 0.2),
        ("attention.py", 0.1),
    ],
)
def test_tutorial_runs_and_its_loss_falls(script, factor):
    stdout, stderr = run(script)
    seen = losses(stdout)
    assert len(seen) >= 5, stdout
    assert seen[-1] < factor * seen[0], f"{script}: loss {seen[0]} -> {seen[-1]}"
    assert "'import torch' resolves to engine.eager" in stderr


def test_polynomial_fit_heads_for_the_taylor_coefficients():
    stdout, _ = run("poly_fit.py")
    m = re.search(r"y = (\S+) \+ (\S+) x \+ (\S+) x\^2 \+ (\S+) x\^3", stdout)
    assert m, stdout
    a, b, c, d = (float(v) for v in m.groups())
    # the tutorial's own result after 2000 steps: -0.0005 + 0.8567 x - 5e-05 x^2 - 0.0929 x^3
    assert abs(a) < 0.01 and abs(c) < 0.01, "even terms of sin vanish"
    assert 0.82 < b < 0.89 and -0.10 < d < -0.085, (b, d)


def test_classifier_separates_the_blobs():
    stdout, _ = run("classifier.py")
    accuracy = float(re.search(r"^accuracy (\S+)$", stdout, re.MULTILINE).group(1))  # type: ignore[union-attr]
    assert accuracy > 0.95


def test_each_turn_of_the_loop_is_an_iteration_reporting_its_loss():
    from engine.cli.program import load_script
    from engine.events import recording

    program = load_script(str(HERE / "poly_fit.py"), "cpu", 50)  # its set-up runs before the loop
    with recording() as events:
        program.run()
    started = [e for e in events if e["kind"] == "iteration_started" and e["mode"] == "eager"]
    metrics = [(e["name"], e["iteration"]) for e in events if e["kind"] == "metric"]
    assert len(started) == 50
    assert {name for name, _ in metrics} == {"loss"}, "the final print of four values names none"
    assert len(metrics) == 50 and len({i for _, i in metrics}) == 50


def test_course_loop_learns_its_three_classes():
    """gather, clip_grad_norm_, BatchNorm1d, AdamW, where, init and the rest in one loop."""
    stdout, _ = run("course_loop.py")
    accuracy = float(re.search(r"^accuracy (\S+)", stdout, re.MULTILINE).group(1))
    brier = float(re.search(r"^brier (\S+)", stdout, re.MULTILINE).group(1))
    assert accuracy > 0.9 and brier < 0.2, stdout


def test_attention_model_finds_the_token_and_keeps_its_padding_row():
    """Embedding, bmm, masked_fill, LayerNorm, ModuleDict, L1Loss, isfinite, topk, sort and
    cumsum in one loop."""
    stdout, _ = run("attention.py")
    accuracy = float(re.search(r"^accuracy (\S+)", stdout, re.MULTILINE).group(1))
    assert accuracy > 0.95, stdout
    assert re.search(r"^top10 positives 10$", stdout, re.MULTILINE), stdout
    assert re.search(r"^padding row 0\.0$", stdout, re.MULTILINE), stdout
    tokens, longest = re.search(r"^tokens (\d+) longest (\d+)", stdout, re.MULTILINE).groups()
    assert 3 * 256 <= int(tokens) <= 8 * 256 and int(longest) == 8, stdout

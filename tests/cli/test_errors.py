"""Every user mistake: one line on stderr naming the problem, exit code != 0, no traceback."""

from __future__ import annotations

import pytest


def _one_line_error(proc, *words: str) -> None:
    assert proc.returncode != 0, proc
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("cgviz: error: "), lines
    assert "Traceback" not in proc.stderr
    for word in words:
        assert word in lines[0], (word, lines[0])


@pytest.fixture
def files(tmp_path):
    (tmp_path / "notes.txt").write_text("hello\n")
    (tmp_path / "broken.py").write_text("def f(:\n    pass\n")
    (tmp_path / "binary.py").write_bytes(b"\xff\xfe\x00\x01")
    (tmp_path / "nul.py").write_bytes(b"x = 1\x00\n")
    (tmp_path / "ret.py").write_text("x = 1\nreturn x\n")
    (tmp_path / "bad.jsonl").write_text('{"format": "cgviz-trace", "version": 1}\n{oops\n{}\n')
    (tmp_path / "ok.py").write_text("x = 1\n")
    return tmp_path


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["run", "missing.py"], ["no such file", "missing.py"]),
        (["run", "notes.txt"], ["not a Python script", "notes.txt"]),
        (["run", "broken.py"], ["broken.py:1", "not valid Python"]),
        (["run", "binary.py"], ["not UTF-8"]),
        (["run", "nul.py"], ["nul.py", "not valid Python"]),
        (["run", "ret.py"], ["ret.py:2", "'return' outside function"]),
        (["run", "."], ["is a directory"]),
        (["run", "--scene", "no-such-scene"], ["unknown scene 'no-such-scene'", "two-layer"]),
        (["run"], ["SCRIPT.py or --scene"]),
        (["run", "ok.py", "--iterations", "0"], ["--iterations"]),
        (["run", "ok.py", "--device", "tpu"], ["--device"]),
        (["run", "ok.py", "--trace", "no/such/dir/t.jsonl"], ["--trace", "no such folder"]),
        (["trace", "bad.jsonl"], ["bad.jsonl:2", "corrupt JSON"]),
        (["trace", "missing.jsonl"], ["missing.jsonl", "cannot read"]),
        (["trace", "notes.txt"], ["notes.txt:1", "not a cgviz trace"]),
        (["frobnicate"], ["frobnicate"]),
    ],
    ids=[
        "missing",
        "not-py",
        "syntax",
        "binary",
        "nul",
        "return",
        "directory",
        "scene",
        "nothing",
        "iterations",
        "device",
        "trace-folder",
        "corrupt-trace",
        "missing-trace",
        "foreign-trace",
        "command",
    ],
)
def test_bad_input_is_one_line(cli_here, files, args, words):
    proc = cli_here(*args, cwd=files)
    _one_line_error(proc, *words)
    assert proc.returncode == 2 and proc.stdout == "", proc


@pytest.mark.slow
def test_gpu_where_none_says_why_and_exits_2(cli, files):
    from engine.devices import gpu_status

    ok, reason = gpu_status()
    if ok:
        pytest.skip("this machine has a GPU")
    proc = cli("run", "ok.py", "--device", "gpu", cwd=files)
    _one_line_error(proc, "--device gpu", reason)
    assert proc.returncode == 2

"""``python -m engine run SCRIPT.py``: tables, traces, failures, and the framework aliases."""

from __future__ import annotations

import json
import textwrap

from engine.events import read_trace

# A script that emits what a front end emits, so these tests need no front end.
EMITTING = textwrap.dedent("""\
    import sys
    from engine.events import STREAM
    assert __name__ == "__main__"
    for it in range(50):
        if STREAM.active:
            STREAM.emit("iteration_started", mode="eager", iteration=it)
            STREAM.emit("graph_created", graph=f"it{it}", mode="eager", iteration=it)
            STREAM.emit("node_created", graph=f"it{it}", node=0, name="mm", op="MatMul",
                        inputs=[], shape=[2, 2], dtype="float32", device="cpu", mode="eager",
                        source=f"{__file__}:9")
            STREAM.emit("node_started", graph=f"it{it}", node=0, device="cpu")
            STREAM.emit("node_finished", graph=f"it{it}", node=0, device="cpu", dur_ns=2000,
                        flops=16)
            STREAM.emit("metric", name="loss", value=10.0 - it, mode="eager", iteration=it)
            STREAM.emit("iteration_finished", mode="eager", iteration=it, dur_ns=5000)
    print("script ran", it + 1, "iterations")
""")

FAILING = textwrap.dedent("""\
    def helper():
        raise ValueError("the user's own mistake")

    helper()
""")


def test_run_prints_per_device_table(cli_here, tmp_path):
    (tmp_path / "emit.py").write_text(EMITTING)
    proc = cli_here("run", "emit.py", "--iterations", "3", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "script ran 3 iterations" in proc.stdout
    assert "cpu (numpy)" in proc.stdout
    row = next(line for line in proc.stdout.splitlines() if "MatMul" in line)
    assert row.split()[:3] == ["eager", "MatMul", "3"], row
    assert "eager iteration" in proc.stdout
    assert "loss (eager): first 10, last 8" in proc.stdout


def test_trace_and_chrome_trace(cli_here, tmp_path):
    (tmp_path / "emit.py").write_text(EMITTING)
    proc = cli_here(
        "run",
        "emit.py",
        "--iterations",
        "2",
        "--trace",
        "t.jsonl",
        "--chrome-trace",
        "t.json",
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    header, events = read_trace(tmp_path / "t.jsonl")
    assert header["script"] == "emit.py"
    assert [e["kind"] for e in events].count("node_finished") == 2
    chrome = json.loads((tmp_path / "t.json").read_text())
    assert {e["name"] for e in chrome["traceEvents"] if e["ph"] == "X"} == {"mm"}
    summary = cli_here("trace", "t.jsonl", cwd=tmp_path)
    assert summary.returncode == 0, summary.stderr
    assert "MatMul" in summary.stdout and "emit.py" in summary.stdout


def test_script_that_raises_shows_its_traceback_and_exits_1(cli_here, tmp_path):
    (tmp_path / "fail.py").write_text(FAILING)
    proc = cli_here("run", "fail.py", cwd=tmp_path)
    assert proc.returncode == 1
    err = proc.stderr
    assert "Traceback (most recent call last):" in err
    assert 'fail.py", line 4, in <module>' in err and 'fail.py", line 2, in helper' in err
    assert "ValueError: the user's own mistake" in err
    assert "engine/cli" not in err  # our own frames stay out of the user's traceback


def test_script_exit_code_is_kept(cli_here, tmp_path):
    (tmp_path / "bye.py").write_text("import sys\nsys.exit(3)\n")
    assert cli_here("run", "bye.py", cwd=tmp_path).returncode == 3

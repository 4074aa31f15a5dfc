"""``bench`` at the test suite's sizes (``--tiny``): every section runs and the JSON has the
documented keys. Nothing is timed here: numbers are only checked to be numbers."""

from __future__ import annotations

import argparse
import io
import json

import pytest

from engine import bench, devices
from engine.bench.harness import Progress
from engine.cli import main as cli_main
from engine.cli.bench import THREAD_VARS, add_arguments
from tests import fakecupy

TOP = {
    "schema",
    "version",
    "date",
    "machine",
    "options",
    "devices",
    "matmul",
    "seed",
    "transfers",
    "sizes",
    "rounds",
    "checks",
    "cases",
    "ratios",
}
MATMUL = {
    "device",
    "size",
    "dtype",
    "seconds",
    "gflops",
    "first_call_s",
    "samples",
    "calls_per_sample",
    "clock",
}
SEED = {"device", "workload", "unit", "median", "min", "max", "n", "first_ms", "clock"}
TRANSFER = {"device", "direction", "what", "bytes", "seconds", "gb_per_s", "clock"}


def _args(*argv):
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    return parser.parse_args(["--tiny", *argv])


def test_tiny_run_writes_the_documented_json(tmp_path, capsys):
    out_file = tmp_path / "b.json"
    assert bench.run(_args("--json", str(out_file))) == 0
    out = capsys.readouterr()
    assert "ratios: median of per-round ratios" in out.out
    assert "(agree)" in out.out and "DIFFER" not in out.out
    assert "matmul" in out.err  # the progress bar, on stderr
    doc = json.loads(out_file.read_text())
    assert TOP <= set(doc)
    assert doc["schema"] == bench.SCHEMA and doc["version"] == bench.VERSION
    assert {"host", "python", "numpy", "cpus", "threads", "malloc", "torch"} <= set(doc["machine"])
    cpu, gpu = doc["devices"]
    assert cpu["device"] == "cpu" and cpu["cores"] >= 1 and "numpy" in cpu["library"]
    assert gpu["device"] == "gpu" and gpu["available"] is False and gpu["reason"]
    assert [r["size"] for r in doc["matmul"]] == [8, 16]
    assert all(MATMUL <= set(r) and r["gflops"] > 0 and r["clock"] == "host" for r in doc["matmul"])
    assert {r["workload"] for r in doc["seed"]} == {"eager loop (P2)", "Session.run (T1)"}
    assert all(SEED <= set(r) for r in doc["seed"])
    assert doc["transfers"] == []
    engine = doc
    assert {
        "a numpy loop",
        "a eager loop, events off",
        "a eager loop, events on",
        "c eager loop, tracing",
        "d autograd loop, events off",
        "d autograd loop, events on",
        "b numpy step",
        "b Session.run, events off",
        "b Session.run, events on",
    } <= set(engine["cases"])
    assert all({"case", "reference", "median", "min", "max"} == set(r) for r in engine["ratios"])
    assert float(engine["checks"]["b: loss and grads, max relative error vs numpy"]) < 1e-4


def test_simulated_gpu_rows_are_marked_as_host_times(tmp_path, capsys):
    out_file = tmp_path / "g.json"
    with devices.simulated_gpu(fakecupy):
        args = _args("--sections", "devices,matmul,seed,transfers", "--json", str(out_file))
        assert bench.run(args) == 0
    text = capsys.readouterr().out
    assert "gpu (simulated: host times)" in text
    doc = json.loads(out_file.read_text())
    assert "ratios" not in doc and "cases" not in doc
    gpu = doc["devices"][1]
    assert gpu["available"] is True and gpu["simulated"] is True
    gpu_rows = [
        r for key in ("matmul", "seed", "transfers") for r in doc[key] if r["device"] == "gpu"
    ]
    assert gpu_rows and all(r["clock"] == "host (simulated GPU)" for r in gpu_rows)
    assert {r["direction"] for r in doc["transfers"]} == {"H2D", "D2H"}
    assert all(TRANSFER <= set(r) for r in doc["transfers"])


def test_command_line_dispatch(tmp_path, capsys, monkeypatch):
    for var in THREAD_VARS:  # already pinned: no re-exec of the test process
        monkeypatch.setenv(var, "1")
    out_file = tmp_path / "c.json"
    code = cli_main(["bench", "--tiny", "--sections", "devices,seed", "--json", str(out_file)])
    assert code == 0
    assert set(json.loads(out_file.read_text())["options"]["sections"]) == {"devices", "seed"}
    assert cli_main(["bench", "--tiny", "--sections", "nope"]) == 2
    assert "unknown section" in capsys.readouterr().err


class _Tty(io.StringIO):
    def isatty(self):
        return True


@pytest.mark.parametrize("stream", [io.StringIO(), _Tty()])
def test_progress_bar_is_plain_text(stream):
    bar = Progress(20, stream)
    for i in range(20):
        bar.step(f"step {i}")
    bar.close()
    text = stream.getvalue()
    assert "[" + "#" * Progress.WIDTH + "] 20/20 step 19" in text
    if isinstance(stream, _Tty):
        assert "\r" in text
    else:
        assert text.count("\n") <= 11  # a line per tenth, not per step

"""The benchmark's smoke test: tiny sizes, two rounds, every case, JSON out (no timing asserted)."""

from __future__ import annotations

import argparse
import json

from engine import bench
from engine.cli.bench import add_arguments


def test_bench_quick_runs_every_case(tmp_path, capsys):
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    args = parser.parse_args(["--quick", "--json", str(tmp_path / "b.json")])
    assert bench.run(args) == 0
    out = capsys.readouterr().out
    assert "ratios: median of per-round ratios" in out
    assert "(agree)" in out
    result = json.loads((tmp_path / "b.json").read_text())
    assert set(result["cases"]) == {
        "a numpy loop", "a eager loop, events off", "a eager loop, events on",
        "c eager loop, tracing", "b numpy step", "b Session.run, events off",
        "b Session.run, events on"}
    assert len(result["ratios"]) == len(bench.RATIOS)
    assert float(result["checks"]["b: loss and grads, max relative error vs numpy"]) < 1e-4

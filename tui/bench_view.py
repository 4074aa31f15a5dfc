"""``cgviz bench``: the engine's benchmark (argv passed through), or ``--view R.json`` as charts.

The saved JSON is read tolerantly: whichever of these sections it has is drawn as bars
(longest bar = the largest value of its chart):

* ``cases``: name -> {median, min, max, unit} (engine against raw numpy);
* ``ratios``: [{case, reference, median, ...}];
* ``matmul``: [{size, device, gflops}] - matmul GFLOP/s per size per device;
* ``workloads``: device -> workload -> seconds (or {median: ...}).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from rich.cells import cell_len

from tui.i18n import cell_ljust

__all__ = ["bench_command", "bench_charts"]

BAR_WIDTH = 40


def bench_command(argv: list[str]) -> int:
    """``cgviz bench ...``: view a results file, or run ``python -m engine bench ...``."""
    if argv[:1] == ["--view"] or (argv and argv[0].startswith("--view=")):
        path = argv[0].partition("=")[2] or (argv[1] if len(argv) > 1 else "")
        if not path:
            return _fail("bench --view needs a results file (written by: cgviz bench --json R)")
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except OSError as e:
            return _fail(f"{path}: cannot read: {e.strerror or e}")
        except (UnicodeDecodeError, json.JSONDecodeError):
            return _fail(f"{path}: not a benchmark results file (not JSON)")
        if not isinstance(data, dict):
            return _fail(f"{path}: not a benchmark results file (no sections)")
        text = bench_charts(data)
        if not text:
            return _fail(f"{path}: no cases, ratios, matmul or workloads to show")
        sys.stdout.write(text + "\n")
        return 0
    from engine.cli import main as engine_main

    return int(engine_main(["bench", *argv]))


def _fail(message: str) -> int:
    print(f"cgviz: error: {message}", file=sys.stderr)
    return 2


def _bars(title: str, rows: Iterable[tuple[str, float, str]]) -> list[str]:
    rows = [(label, value, unit) for label, value, unit in rows if isinstance(value, (int, float))]
    if not rows:
        return []
    top = max(abs(v) for _, v, _ in rows) or 1.0
    width = max(cell_len(label) for label, _, _ in rows)
    out = [title]
    for label, value, unit in rows:
        n = int(round(BAR_WIDTH * abs(value) / top))
        out.append(f"  {cell_ljust(label, width)}  {'█' * n}{' ' * (BAR_WIDTH - n)} "
                   f"{value:,.4g} {unit}".rstrip())
    return [*out, ""]


def bench_charts(data: dict[str, Any]) -> str:
    """Bar charts of a benchmark results file ("" when it has none of the known sections)."""
    out: list[str] = []
    cases = data.get("cases")
    if isinstance(cases, dict):
        out += _bars("cases (median):", ((name, c.get("median"), c.get("unit", ""))
                                         for name, c in cases.items() if isinstance(c, dict)))
    ratios = data.get("ratios")
    if isinstance(ratios, list):
        out += _bars("ratios (median; 1.0 = as fast as raw numpy):", (
            (f"{r.get('case')} / {r.get('reference')}", r.get("median"), "x")
            for r in ratios if isinstance(r, dict)))
    matmul = data.get("matmul")
    if isinstance(matmul, list):
        devices = sorted({str(m.get("device")) for m in matmul if isinstance(m, dict)})
        for device in devices:
            out += _bars(f"matmul GFLOP/s on {device}:", (
                (f"{m.get('size')}", m.get("gflops"), "GFLOP/s") for m in matmul
                if isinstance(m, dict) and str(m.get("device")) == device))
    workloads = data.get("workloads")
    if isinstance(workloads, dict):
        for device, table in workloads.items():
            if isinstance(table, dict):
                out += _bars(f"seed workloads on {device}:", (
                    (name, v.get("median") if isinstance(v, dict) else v,
                     v.get("unit", "s") if isinstance(v, dict) else "s")
                    for name, v in table.items()))
    return "\n".join(out).rstrip()

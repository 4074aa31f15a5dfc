"""``cgviz bench``: the engine's benchmark (argv passed through), or ``--view R.json`` as charts;
and the reading of saved results that the app's bench screen shares.

``cgviz bench`` without ``--json`` saves its results in the default folder,
``$CGVIZ_BENCH_DIR`` or else ``$XDG_CACHE_HOME/cgviz/bench`` (``~/.cache/cgviz/bench``), as
``bench-YYYYmmdd-HHMMSS.json``; the app shows the newest file there (or the one ``--bench``
names). The JSON is the engine's ``cgviz-bench`` schema (see ``engine/bench/__init__.py``):
``devices`` (facts, or why a device is missing), ``matmul`` [{device, size, gflops}], ``seed``
[{device, workload, unit, median}], ``transfers``, and the engine section (``cases``,
``ratios``). It is read tolerantly: a missing section is skipped.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from rich.cells import cell_len

from tui.i18n import cell_ljust

__all__ = [
    "BenchError",
    "bench_charts",
    "bench_command",
    "default_dir",
    "load_results",
    "newest_results",
]

BAR_WIDTH = 40


class BenchError(Exception):
    """A results file that cannot be shown: one line saying why."""


def default_dir() -> Path:
    """Where ``cgviz bench`` saves results when not told (``$CGVIZ_BENCH_DIR`` first)."""
    env = os.environ.get("CGVIZ_BENCH_DIR")
    if env:
        return Path(env)
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "cgviz" / "bench"


def newest_results(folder: Path | None = None) -> Path | None:
    """The newest ``*.json`` in ``folder`` (default: :func:`default_dir`), or None."""
    folder = folder or default_dir()
    try:
        files = [p for p in folder.glob("*.json") if p.is_file()]
    except OSError:
        return None
    return max(files, key=lambda p: (p.stat().st_mtime, p.name), default=None)


def load_results(path: str | Path) -> dict[str, Any]:
    """A saved results file as a dict.

    Raises:
        BenchError: unreadable, not JSON, or not an object.
    """
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as e:
        raise BenchError(f"{path}: cannot read: {e.strerror or e}") from None
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise BenchError(f"{path}: not a benchmark results file (not JSON)") from None
    if not isinstance(data, dict):
        raise BenchError(f"{path}: not a benchmark results file (no sections)")
    return data


def bench_command(argv: list[str]) -> int:
    """``cgviz bench ...``: view a results file, or run ``python -m engine bench ...`` (saving
    its JSON in :func:`default_dir` unless ``--json`` says where)."""
    if argv[:1] == ["--view"] or (argv and argv[0].startswith("--view=")):
        path = argv[0].partition("=")[2] or (argv[1] if len(argv) > 1 else "")
        if not path:
            return _fail("bench --view needs a results file (written by: cgviz bench --json R)")
        try:
            data = load_results(path)
        except BenchError as e:
            return _fail(str(e))
        text = bench_charts(data)
        if not text:
            return _fail(f"{path}: no devices, matmul, seed, cases or ratios to show")
        sys.stdout.write(text + "\n")
        return 0
    from tui.engine_link import engine_cli as engine_main

    wants_help = any(a in ("-h", "--help") for a in argv)
    if not wants_help and not any(a == "--json" or a.startswith("--json=") for a in argv):
        folder = default_dir()
        try:
            folder.mkdir(parents=True, exist_ok=True)
            out = folder / time.strftime("bench-%Y%m%d-%H%M%S.json")
            argv = [*argv, f"--json={out}"]
            print(f"cgviz: results will be saved to {out}", file=sys.stderr)
        except OSError as e:
            print(f"cgviz: not saving results ({folder}: {e.strerror or e})", file=sys.stderr)
    return int(engine_main(["bench", *argv]))


def _fail(message: str) -> int:
    print(f"cgviz: error: {message}", file=sys.stderr)
    return 2


def _bars(
    title: str, rows: Iterable[tuple[str, Any, str]], bar_width: int = BAR_WIDTH
) -> list[str]:
    rows = [(label, value, unit) for label, value, unit in rows if isinstance(value, (int, float))]
    if not rows:
        return []
    top = max(abs(v) for _, v, _ in rows) or 1.0
    width = max(cell_len(label) for label, _, _ in rows)
    out = [title]
    for label, value, unit in rows:
        n = int(round(bar_width * abs(value) / top))
        out.append(
            f"  {cell_ljust(label, width)}  {'█' * n}{' ' * (bar_width - n)} "
            f"{value:,.4g} {unit}".rstrip()
        )
    return [*out, ""]


def bench_charts(data: dict[str, Any]) -> str:
    """Bar charts of a benchmark results file ("" when it has none of the known sections)."""
    out: list[str] = []
    for device in devices(data):
        if device.get("available") is False:
            out += [f"{device.get('device', '?')}: not measured: {device.get('reason', '?')}", ""]
    for device in sorted({str(m.get("device")) for m in _rows(data, "matmul")}):
        out += _bars(f"matmul GFLOP/s on {device}:", matmul_rows(data, device))
    for device in sorted({str(m.get("device")) for m in _rows(data, "seed")}):
        out += _bars(
            f"seed workloads on {device} (median):",
            (
                (str(r.get("workload")), r.get("median"), str(r.get("unit", "")))
                for r in _rows(data, "seed")
                if str(r.get("device")) == device
            ),
        )
    cases = data.get("cases")
    if isinstance(cases, dict):
        out += _bars(
            "cases (median):",
            (
                (name, c.get("median"), c.get("unit", ""))
                for name, c in cases.items()
                if isinstance(c, dict)
            ),
        )
    out += _bars(
        "ratios (median; 1.0 = as fast as raw numpy):",
        (
            (f"{r.get('case')} / {r.get('reference')}", r.get("median"), "x")
            for r in _rows(data, "ratios")
        ),
    )
    return "\n".join(out).rstrip()


def _rows(data: dict[str, Any], key: str) -> list[dict[str, Any]]:
    rows = data.get(key)
    return [r for r in rows if isinstance(r, dict)] if isinstance(rows, list) else []


def devices(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The ``devices`` section: facts per device, or ``available: false`` and the reason."""
    return _rows(data, "devices")


def matmul_rows(data: dict[str, Any], device: str) -> list[tuple[str, float, str]]:
    """(size, GFLOP/s, unit) of one device's matmul section, smallest size first."""
    rows = [
        r
        for r in _rows(data, "matmul")
        if str(r.get("device")) == device and isinstance(r.get("gflops"), (int, float))
    ]
    rows.sort(key=lambda r: r.get("size") if isinstance(r.get("size"), int) else 0)
    return [(f"{r.get('size')}", float(r["gflops"]), "GFLOP/s") for r in rows]


def bar_lines(rows: list[tuple[str, float, str]], width: int = BAR_WIDTH) -> list[str]:
    """Text bars, longest = the largest value (the bench screen's chart)."""
    return _bars("", rows, width)[1:-1]

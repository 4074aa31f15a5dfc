"""The benchmark's result: one JSON document (see ``engine.bench``) and its printed tables."""

from __future__ import annotations

import os
import platform
import time
from typing import Any

SCHEMA = "cgviz-bench"
VERSION = 1


def document(
    environment: dict[str, Any], options: dict[str, Any], **sections: Any
) -> dict[str, Any]:
    """The JSON document: envelope (schema, version, date, machine, options) + sections."""
    machine = {
        "host": os.uname().nodename if hasattr(os, "uname") else platform.node(),
        "platform": platform.platform(),
        **environment,
    }
    return {
        "schema": SCHEMA,
        "version": VERSION,
        "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": machine,
        "options": options,
        **sections,
    }


def _fmt(v: Any, spec: str = ".3g") -> str:
    if v is None:
        return "-"
    if isinstance(v, float):
        return format(v, spec)
    return str(v)


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]

    def line(r: list[str]) -> str:
        cells = zip(r, widths, strict=True)
        return "  ".join(c.rjust(wd) if i else c.ljust(wd) for i, (c, wd) in enumerate(cells))

    return [line(header), *[line(r) for r in rows]]


def _device_label(doc: dict[str, Any], name: str) -> str:
    for d in doc.get("devices", []):
        if d.get("device") == name and d.get("simulated"):
            return f"{name} (simulated: host times)"
    return name


def format_report(doc: dict[str, Any]) -> str:
    """The printed tables, section by section."""
    out: list[str] = ["machine:"]
    out += [f"  {k}: {v}" for k, v in doc["machine"].items() if k != "threadpools"]
    out += [f"  threadpool: {p}" for p in doc["machine"].get("threadpools", [])]
    if doc.get("devices"):
        out += ["", "devices (the lecture's CPU vs GPU table):"]
        keys = ("name", "cores", "clock_ghz", "memory", "library")
        rows = []
        for d in doc["devices"]:
            if d.get("available", True):
                cores = f"{d.get('cores')} {d.get('cores_unit', 'cores')}"
                rows.append(
                    [
                        _device_label(doc, d["device"]),
                        str(d.get("name")),
                        cores,
                        _fmt(d.get("clock_ghz")),
                        str(d.get("memory")),
                        str(d.get("library")),
                    ]
                )
            else:
                rows.append([d["device"], f"none: {d.get('reason')}", "-", "-", "-", "-"])
        out += [
            "  " + r
            for r in _table(["device", *keys[:1], "cores", "clock GHz", "memory", "library"], rows)
        ]
    if doc.get("matmul"):
        out += ["", "matmul float32, C = A @ B (n x n), median GFLOP/s (first call apart):"]
        rows = [
            [
                _device_label(doc, r["device"]),
                str(r["size"]),
                _fmt(r["gflops"], ".1f"),
                _fmt(r["seconds"] * 1e3, ".4g"),
                _fmt(r["first_call_s"] * 1e3, ".4g"),
                r["clock"],
            ]
            for r in doc["matmul"]
        ]
        out += [
            "  " + r
            for r in _table(["device", "n", "GFLOP/s", "ms/call", "first call ms", "clock"], rows)
        ]
    if doc.get("seed"):
        out += ["", "seed workloads per device (events off; first iteration/run apart):"]
        rows = [
            [
                _device_label(doc, r["device"]),
                r["workload"],
                _fmt(r["median"], ".4g"),
                _fmt(r["min"], ".4g"),
                _fmt(r["max"], ".4g"),
                r["unit"],
                _fmt(r["first_ms"], ".4g"),
            ]
            for r in doc["seed"]
        ]
        out += [
            "  " + r
            for r in _table(
                ["device", "workload", "median", "min", "max", "unit", "first ms"], rows
            )
        ]
    if doc.get("transfers") is not None:
        out += ["", "host <-> device transfers:"]
        if doc["transfers"]:
            rows = [
                [
                    _device_label(doc, r["device"]),
                    r["direction"],
                    r["what"],
                    str(r["bytes"]),
                    _fmt(r["seconds"] * 1e3, ".4g"),
                    _fmt(r["gb_per_s"], ".3g"),
                ]
                for r in doc["transfers"]
            ]
            header = ["device", "dir", "what", "bytes", "ms", "GB/s"]
            out += ["  " + r for r in _table(header, rows)]
        else:
            out.append("  none: no GPU")
    if "ratios" in doc:
        out += ["", *format_engine(doc)]
    return "\n".join(out)


def format_engine(e: dict[str, Any]) -> list[str]:
    """The engine-vs-numpy (and torch) section: ``sizes``, ``rounds``, ``checks``, ``cases``,
    ``ratios`` of the document."""
    s = e["sizes"]
    lines = [
        "engine vs raw numpy float32 (and torch where installed), 1 BLAS thread:",
        f"  sizes: a/c/d/t N, D_in, H, D_out = {s['n']}, {s['d_in']}, {s['h']}, "
        f"{s['d_out']}, {s['iterations']} iterations per sample; b N, D, H = "
        f"{s['n']}, {s['d']}, {s['h']}, {s['runs']} runs per sample; "
        f"{e['rounds']} interleaved rounds",
    ]
    lines += [f"  check {k}: {v}" for k, v in e["checks"].items()]
    if e["cases"]:
        rows = [
            [
                name,
                _fmt(c["median"], ".4f"),
                _fmt(c["min"], ".4f"),
                _fmt(c["max"], ".4f"),
                c["unit"],
            ]
            for name, c in e["cases"].items()
        ]
        lines += ["  " + r for r in _table(["case", "median", "min", "max", "unit"], rows)]
    lines.append("  ratios: median of per-round ratios (min, max)")
    for r in e["ratios"]:
        lines.append(
            f"    {r['case']} / {r['reference']}: {r['median']:.3f}x "
            f"({r['min']:.3f}, {r['max']:.3f})"
        )
    return lines

"""Run a saved graph in a fresh Python process: only the files, none of the code that built it.

The lecture's S3 point (a static graph is data: serialize it, run it without the building
code). The child, ``python -m engine.static.run_saved``, imports the graph def, restores the
variables' values with ``tf.train.Saver``, runs the fetches once and writes what it fetched,
what it imported and (with ``--trace``) every event it emitted. The parent,
:func:`run_in_fresh_process`, starts it, reads its answers back and, when someone listens,
re-emits the child's events on this process's stream, marked ``process: "fresh"`` with the
child's graph ids prefixed ``fresh:``, so the screen shows the graph arrive from the file and run.

A GPU the child lacks is not an error: its Session falls back to the CPU and says so.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from engine.events import STREAM, read_trace

__all__ = ["run_in_fresh_process", "main"]

ROOT = Path(__file__).resolve().parents[2]
_ENVELOPE = ("seq", "t_ns", "kind")


def run_in_fresh_process(
    graph_file: str,
    weights_file: str | None,
    fetches: Any,
    feed_dict: dict[str, Any] | None = None,
    device: str = "cpu",
    timeout: float = 60.0,
) -> Any:
    """Run ``fetches`` of a saved graph in a new Python process; returns what it fetched.

    Args:
        graph_file: a graph def written by ``tf.train.write_graph``.
        weights_file: the prefix ``tf.train.Saver().save`` returned (None: run ``init``).
        fetches: a tensor or op name (``"loss:0"``, ``"GradientDescent"``) or a list of them.
        feed_dict: ``{"x:0": array}`` by name.
        device: where the child's Session runs ("cpu" or "gpu"; no GPU there: the CPU).
        timeout: seconds the child may take.

    Returns:
        The fetched values, shaped like ``fetches`` (None for an op), as the child computed
        them. ``run_in_fresh_process.last`` holds the child's report (pid, device, modules).

    Raises:
        RuntimeError: the child failed (its stderr is in the message).
    """
    names = [fetches] if isinstance(fetches, str) else list(fetches)
    with tempfile.TemporaryDirectory(prefix="cgviz-fresh-") as tmp:
        work = Path(tmp)
        feed_path, result_path = work / "feed.npz", work / "result"
        feed = dict(feed_dict or {})
        np.savez(
            feed_path,
            allow_pickle=True,
            **{f"f{i}": np.asarray(v) for i, v in enumerate(feed.values())},
        )
        (work / "feed.json").write_text(json.dumps(list(feed)), "utf-8")
        trace = work / "trace.jsonl" if STREAM.active else None
        cmd = [
            sys.executable,
            "-m",
            "engine.static.run_saved",
            str(graph_file),
            "--feed",
            str(feed_path),
            "--result",
            str(result_path),
            "--device",
            device,
        ]
        cmd += [a for n in names for a in ("--fetch", n)]
        if weights_file is not None:
            cmd += ["--restore", str(weights_file)]
        if trace is not None:
            cmd += ["--trace", str(trace)]
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join(
                p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p
            ),
        }
        done = subprocess.run(
            cmd, capture_output=True, text=True, env=env, cwd=work, timeout=timeout, check=False
        )
        if done.returncode != 0:
            raise RuntimeError(f"the fresh process failed ({done.returncode}):\n{done.stderr}")
        report = json.loads((work / "result.json").read_text("utf-8"))
        with np.load(work / "result.npz") as data:
            values = [data[f"v{i}"] if f"v{i}" in data else None for i in range(len(names))]
        if trace is not None:
            replay(trace, report)
    run_in_fresh_process.last = report  # type: ignore[attr-defined]
    return values[0] if isinstance(fetches, str) else values


def replay(trace: str | Path, report: dict[str, Any]) -> int:
    """Re-emit a child's trace on this stream (``process: "fresh"``); returns the count."""
    _, events = read_trace(trace)
    for ev in events:
        payload = {k: v for k, v in ev.items() if k not in _ENVELOPE}
        if isinstance(payload.get("graph"), str):
            payload["graph"] = f"fresh:{payload['graph']}"
        if ev["kind"] == "node_created":  # no code built them: no line of the listing to show
            payload.pop("source", None)
            payload.pop("line", None)
        if ev["kind"] == "graph_created":
            payload["name"] = f"{Path(report['graph_file']).name} · fresh process"
        STREAM.emit(ev["kind"], **payload, process="fresh", pid=report["pid"])
    return len(events)


# ------------------------------------------------------------------ the child


def _child(args: argparse.Namespace) -> None:
    """What the fresh process does: import, restore, run once, write the answers."""
    from contextlib import ExitStack

    from engine.devices import gpu_status
    from engine.events import trace_to

    device, note = args.device, None
    if device != "cpu":
        ok, why = gpu_status()
        if not ok:
            device, note = "cpu", f"no GPU in the fresh process ({why}): ran on the CPU"
    with ExitStack() as stack:
        if args.trace:
            stack.enter_context(trace_to(args.trace, process="fresh"))
        import engine.static as tf

        tf.import_graph_def(tf.train.read_graph(args.graph_file), name="")
        keys = json.loads(Path(args.feed).with_suffix(".json").read_text("utf-8"))
        with np.load(args.feed) as data:
            feed = {k: data[f"f{i}"] for i, k in enumerate(keys)}
        with tf.Session(device=device) as sess:
            if args.restore:
                tf.train.Saver().restore(sess, args.restore)
            else:
                sess.run("init")
            values = sess.run(list(args.fetch), feed_dict=feed)
    np.savez(
        args.result + ".npz",
        allow_pickle=True,  # numpy's default, named so that mypy maps the ** below to arrays
        **{f"v{i}": np.asarray(v) for i, v in enumerate(values) if v is not None},
    )
    report = {
        "pid": os.getpid(),
        "device": device,
        "placement": note,
        "graph_file": args.graph_file,
        "fetches": list(args.fetch),
        "modules": sorted(m for m in sys.modules if m.startswith("engine")),
    }
    Path(args.result + ".json").write_text(json.dumps(report), "utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m engine.static.run_saved GRAPH --fetch NAME [...]``; returns the exit code."""
    p = argparse.ArgumentParser(
        prog="python -m engine.static.run_saved",
        description="Run a saved graph def (no building code).",
    )
    p.add_argument("graph_file")
    p.add_argument("--fetch", action="append", required=True, help="tensor or op name")
    p.add_argument("--restore", help="a tf.train.Saver prefix (else: run 'init')")
    p.add_argument("--feed", required=True, help=".npz of feeds (names in the .json beside it)")
    p.add_argument("--result", required=True, help="prefix of the .npz / .json answers")
    p.add_argument("--device", default="cpu")
    p.add_argument("--trace", help="write the events to this trace file")
    _child(p.parse_args(argv))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Chrome trace export: turn engine events into JSON that Perfetto and chrome://tracing open.

The picture follows TensorFlow's ``timeline.generate_chrome_trace_format``: one process per
device ("cpu (numpy)", "gpu (cupy)"), and inside it one thread ("lane") per mode, so the static
``Session.run`` nodes and the eager loop's nodes sit on separate rows:

* ``ph: "X"`` for each ``node_finished`` and each eager ``node_created`` that carries its
  ``dur_ns`` (named by the node's name from its ``node_created`` event; args: op, shape,
  dtype, flops, bytes, graph, source) and for each ``transfer`` (on a lane of its own); a
  node that a worker of a parallel static plan ran sits on that worker's own row ("static
  graph · worker 1"), so Perfetto shows which ops ran at the same time, while the runs'
  markers stay on the static row;
* ``ph: "i"`` instants at run and iteration boundaries, and for errors;
* ``ph: "C"`` counters for metrics (the loss).

Durations are the engine's measured ``dur_ns`` (CUDA events on the GPU), starts are the host
``t_ns`` of ``node_started`` (static nodes), or ``t_ns - dur_ns`` of the event that carries the
duration where there is none (an eager op is created and run in one step: it sends no
``node_started``). On
the GPU a kernel's measured time can outlast the host gap to
the next launch; a span is then pushed right so spans on one lane never overlap and every
lane's timestamps stay monotonic.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from engine.events import Event

__all__ = ["to_chrome_trace", "write_chrome_trace"]

PROCESS_NAMES = {"cpu": "cpu (numpy)", "gpu": "gpu (cupy)"}
LANES = {
    "static": (1, "static graph (Session.run)"),
    "eager": (2, "eager (PyTorch-style)"),
    "transfer": (3, "host <-> device copies"),
}
WORKER_TID = 10  # worker w of a parallel static plan: thread id 10 + w
NODE_ARGS = ("op", "shape", "dtype", "flops", "bytes", "graph", "source")


class _Builder:
    """Walks the events once, keeping what later events need (node names, open spans)."""

    def __init__(self) -> None:
        self.out: list[dict[str, Any]] = []
        self.meta: list[dict[str, Any]] = []
        self.pids: dict[str, int] = {}
        self.lanes: set[tuple[int, int]] = set()
        self.nodes: dict[tuple[Any, Any], Event] = {}
        self.graph_mode: dict[Any, str] = {}
        self.open: dict[tuple[Any, Any], Event] = {}
        self.cursor: dict[tuple[int, int], float] = {}
        self.device = "cpu"
        self.mode = "static"

    # ---------------------------------------------------------------- lanes

    def pid(self, device: str | None) -> int:
        device = device or self.device
        if device not in self.pids:
            pid = self.pids[device] = len(self.pids) + 1
            self.meta.append(
                {
                    "ph": "M",
                    "name": "process_name",
                    "pid": pid,
                    "tid": 0,
                    "args": {"name": PROCESS_NAMES.get(device, device)},
                }
            )
            self.meta.append(
                {
                    "ph": "M",
                    "name": "process_sort_index",
                    "pid": pid,
                    "tid": 0,
                    "args": {"sort_index": pid},
                }
            )
        return self.pids[device]

    def lane(
        self, device: str | None, mode: str | None, worker: int | None = None
    ) -> tuple[int, int]:
        pid = self.pid(device)
        tid, label = LANES.get(mode or self.mode, LANES["static"])
        order = tid * 1000
        if worker is not None:  # a parallel plan's worker: a row of its own below the static row
            tid, label = WORKER_TID + worker, f"{LANES['static'][1]} · worker {worker}"
            order = LANES["static"][0] * 1000 + 1 + worker
        if (pid, tid) not in self.lanes:
            self.lanes.add((pid, tid))
            self.meta.append(
                {"ph": "M", "name": "thread_name", "pid": pid, "tid": tid, "args": {"name": label}}
            )
            self.meta.append(
                {
                    "ph": "M",
                    "name": "thread_sort_index",
                    "pid": pid,
                    "tid": tid,
                    "args": {"sort_index": order},
                }
            )
        return pid, tid

    def span(
        self,
        lane: tuple[int, int],
        start_ns: float,
        dur_ns: float,
        name: str,
        cat: str,
        args: dict[str, Any],
    ) -> None:
        """A complete event on ``lane``, pushed right past the lane's previous span."""
        ts = max(start_ns / 1000.0, self.cursor.get(lane, 0.0))
        dur = max(dur_ns, 0) / 1000.0
        self.cursor[lane] = ts + dur
        self.out.append(
            {
                "ph": "X",
                "name": name,
                "cat": cat,
                "pid": lane[0],
                "tid": lane[1],
                "ts": ts,
                "dur": dur,
                "args": args,
            }
        )

    def instant(
        self, lane: tuple[int, int], t_ns: float, name: str, cat: str, args: dict[str, Any]
    ) -> None:
        ts = max(t_ns / 1000.0, self.cursor.get(lane, 0.0))
        self.out.append(
            {
                "ph": "i",
                "s": "t",
                "name": name,
                "cat": cat,
                "pid": lane[0],
                "tid": lane[1],
                "ts": ts,
                "args": args,
            }
        )

    # ---------------------------------------------------------------- events

    def add(self, e: Event) -> None:
        handler = getattr(self, "on_" + str(e.get("kind")), None)
        if handler is not None:
            handler(e)

    def on_scene(self, e: Event) -> None:
        self.device = str(e.get("device") or "cpu")

    def on_graph_created(self, e: Event) -> None:
        self.graph_mode[e["graph"]] = e.get("mode") or self.mode

    def on_node_created(self, e: Event) -> None:
        self.nodes[(e["graph"], e["node"])] = e
        self.mode = e.get("mode") or self.graph_mode.get(e["graph"], self.mode)
        if "dur_ns" in e:  # an eager op's one event: made and ran
            self.on_node_finished(e)

    def on_node_started(self, e: Event) -> None:
        self.open[(e["graph"], e["node"])] = e
        self.device = str(e.get("device") or self.device)

    def on_node_finished(self, e: Event) -> None:
        key = (e["graph"], e["node"])
        created = self.nodes.get(key, {})
        started = self.open.pop(key, None)
        dur = float(e.get("dur_ns") or 0)
        start = started["t_ns"] if started is not None else e["t_ns"] - dur
        mode = created.get("mode") or self.graph_mode.get(e["graph"], self.mode)
        args = {k: created.get(k) for k in NODE_ARGS if created.get(k) is not None}
        for k in ("shape", "dtype", "bytes", "flops"):  # what the run measured wins
            if e.get(k) is not None:
                args[k] = e[k]
        args.setdefault("graph", e["graph"])
        args["node"] = e["node"]
        worker = e.get("worker")
        if type(worker) is int:
            args["worker"] = worker
        else:
            worker = None
        name = str(created.get("name") or created.get("op") or f"node {e['node']}")
        lane = self.lane(e.get("device"), mode, worker)
        self.span(lane, start, dur, name, mode or "node", args)

    def on_run_started(self, e: Event) -> None:
        self.instant(
            self.lane(None, "static"),
            e["t_ns"],
            f"Session.run #{e['run']}",
            "run",
            {"graph": e["graph"], "fetches": e.get("fetches")},
        )

    def on_run_finished(self, e: Event) -> None:
        self.instant(
            self.lane(None, "static"),
            e["t_ns"],
            f"run #{e['run']} done",
            "run",
            {"graph": e["graph"], "dur_ns": e.get("dur_ns")},
        )

    def on_iteration_started(self, e: Event) -> None:
        mode = e.get("mode") or self.mode
        self.instant(
            self.lane(None, mode),
            e["t_ns"],
            f"iteration {e['iteration']}",
            "iteration",
            {"mode": mode},
        )

    def on_iteration_finished(self, e: Event) -> None:
        mode = e.get("mode") or self.mode
        self.instant(
            self.lane(None, mode),
            e["t_ns"],
            f"iteration {e['iteration']} done",
            "iteration",
            {"mode": mode, "dur_ns": e.get("dur_ns")},
        )

    def on_transfer(self, e: Event) -> None:
        dur = float(e.get("dur_ns") or 0)
        name = f"{e['direction']} {e.get('reason') or 'copy'}"
        self.span(
            self.lane(e.get("device"), "transfer"),
            e["t_ns"] - dur,
            dur,
            name,
            "transfer",
            {"direction": e["direction"], "bytes": e["bytes"], "reason": e.get("reason")},
        )

    def on_metric(self, e: Event) -> None:
        mode = e.get("mode")
        name = f"{e['name']} ({mode})" if mode else str(e["name"])
        try:
            value = float(e["value"])
        except (TypeError, ValueError):
            return
        if not math.isfinite(value):  # a diverged loss: JSON (and Perfetto) have no NaN
            return
        self.out.append(
            {
                "ph": "C",
                "name": name,
                "pid": self.pid(None),
                "tid": 0,
                "ts": e["t_ns"] / 1000.0,
                "args": {str(e["name"]): value},
            }
        )

    def on_error(self, e: Event) -> None:
        mode = self.graph_mode.get(e.get("graph"), self.mode)
        self.instant(
            self.lane(None, mode),
            e["t_ns"],
            f"error: {e['type']}",
            "error",
            {"message": e["message"], "node": e.get("node")},
        )


def to_chrome_trace(events: Iterable[Event]) -> dict[str, Any]:
    """Chrome trace JSON (the "JSON object format") for a sequence of engine events.

    Args:
        events: events as emitted (live, from ``recording()``) or read back by ``read_trace``.

    Returns:
        ``{"traceEvents": [...], "displayTimeUnit": "ms"}``: metadata first, then the timed
        events sorted by timestamp; ``json.dump`` it and open the file in Perfetto.
    """
    builder = _Builder()
    for event in events:
        builder.add(event)
    timed = sorted(builder.out, key=lambda ev: ev["ts"])
    return {
        "traceEvents": builder.meta + timed,
        "displayTimeUnit": "ms",
        "otherData": {"producer": "cgviz"},
    }


def write_chrome_trace(events: Iterable[Event], path: str | Path) -> Path:
    """Write ``to_chrome_trace(events)`` to ``path``; returns the path."""
    path = Path(path)
    trace = to_chrome_trace(events)
    try:
        text = json.dumps(trace, default=_plain, allow_nan=False)
    except ValueError:  # a NaN or inf somewhere in args: strict JSON spells them as strings
        text = json.dumps(_finite(trace), default=_plain, allow_nan=False)
    path.write_text(text, encoding="utf-8")
    return path


def _plain(value: Any) -> Any:
    if hasattr(value, "tolist"):
        return _finite(value.tolist())
    return str(value)


def _finite(value: Any) -> Any:
    """``value`` with every non-finite float replaced by its name ("nan", "inf")."""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    return value

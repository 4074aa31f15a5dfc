"""Skimming in the engine process: which static runs and eager iterations the UI gets node by
node at full speed, and what it gets of the others.

A skimmed run / iteration sends no node-level events (``node_created``, ``node_started``,
``node_finished``, ``grad``) and not the ``run_started`` / eager ``graph_created`` that opens it
(the panes keep showing the last one sent whole, never half a graph); its summary events
(iteration and run times, metrics, transfers, data, errors, graph passes) go as usual, and its
``node_finished`` events are folded into one ``op_totals`` event per device, sent just before
the ``run_finished`` / ``iteration_finished`` that closes it, so the device panels' per-op
tables and GFLOP/s still count every op. The events are dropped before they are batched and
pickled: the UI process never sees them. Better still, the engine process sets
``STREAM.detail`` to ``"totals"`` for a unit it skims: the engine then builds no node events
for it and sends the ``op_totals`` itself (:meth:`Skimmer.sent` adds what was skimmed here).

A run / iteration is skimmed when it starts at full speed and either the UI says it is behind
(its inbox is over the high-water mark) or one of its mode was sent whole less than
``1 / DETAIL_HZ`` ago.
Nothing is skimmed while a recording asks for every event. This module imports the standard
library only (the engine process loads it).
"""

from __future__ import annotations

import time
from typing import Any

DETAIL_HZ = 20.0
"""At full speed, runs / iterations sent node by node per second, at most (the panes redraw
at 10 Hz at full speed: no eye follows more)."""
NODE_KINDS = frozenset({"node_created", "node_started", "node_finished", "grad"})


class Skimmer:
    """The engine process's skimming state for one job (read and written by the engine thread,
    except ``behind`` and ``complete``, which the UI's control messages set)."""

    def __init__(self) -> None:
        self.behind = False
        """The UI's inbox is over its high-water mark: skim every run / iteration."""
        self.complete = False
        """A recording needs every event: skim nothing."""
        self.skipping: dict[str, str] = {}
        """Graph id -> mode of the runs / iterations being skimmed."""
        self.eager: str | None = None
        """The eager iteration's graph being skimmed (iteration_finished names no graph)."""
        self.ops: dict[tuple[str, int], str] = {}
        """(graph, node) -> op of static nodes (made before their runs): node_finished names
        no op."""
        self._eager_ops: dict[int, str] = {}
        """node -> op of the skimmed eager iteration's nodes."""
        self._totals: dict[str, dict[str, dict[str, list[int]]]] = {}
        """graph -> device -> op -> [calls, total_ns, flops] of the skimmed units."""
        self._detail_at = {"static": -1e9, "eager": -1e9}
        """Mode -> when its latest run / iteration sent whole began."""
        self.skimmed = 0
        """Events not sent since the last op_totals event reported them."""
        self._engine_totals: set[str] = set()
        """Skimmed units whose op_totals the engine sent itself (STREAM.detail "totals")."""

    def sent(self, event: dict[str, Any]) -> dict[str, Any]:
        """An ``op_totals`` event from the engine (a unit run with detail "totals"): the copy
        to send, which also counts the events skimmed here."""
        self._engine_totals.add(str(event.get("graph")))
        event = {**event, "skimmed": int(event.get("skimmed") or 0) + self.skimmed}
        self.skimmed = 0
        return event

    def start(self, event: dict[str, Any], full_speed: bool) -> bool:
        """A run or eager iteration begins (``event``: run_started or an eager graph_created):
        True when it is skimmed (the caller then drops ``event``)."""
        graph = str(event.get("graph"))
        mode = "eager" if event["kind"] == "graph_created" else "static"
        now = time.monotonic()
        if (
            full_speed
            and not self.complete
            and (self.behind or now - self._detail_at[mode] < 1.0 / DETAIL_HZ)
        ):
            self.skipping[graph] = mode
            if mode == "eager":
                self.eager = graph
            self.skimmed += 1
            return True
        self.skipping.pop(graph, None)
        self._detail_at[mode] = now
        return False

    def fold(self, event: dict[str, Any]) -> None:
        """A node-level event of a skimmed unit: not sent; a node_finished is added up."""
        self.skimmed += 1
        kind = event["kind"]
        graph = event["graph"]
        if kind == "node_created":
            self._eager_ops[event["node"]] = event["op"]
        elif kind == "node_finished":
            op = (
                event.get("op")
                or (
                    self._eager_ops.get(event["node"])
                    if graph == self.eager
                    else self.ops.get((graph, event["node"]))
                )
                or "?"
            )
            device = str(event.get("device") or "cpu")
            ops = self._totals.setdefault(graph, {}).setdefault(device, {})
            t = ops.get(op)
            if t is None:
                ops[op] = [1, int(event.get("dur_ns") or 0), int(event.get("flops") or 0)]
            else:
                t[0] += 1
                t[1] += int(event.get("dur_ns") or 0)
                t[2] += int(event.get("flops") or 0)

    def finish(self, event: dict[str, Any]) -> list[dict[str, Any]]:
        """A run_finished / iteration_finished: the ``op_totals`` events of the unit it closes
        when that unit was skimmed (to be sent before ``event``), else none."""
        if event["kind"] == "run_finished":
            graph = str(event.get("graph"))
            mode = self.skipping.pop(graph, None)
            if mode != "static":
                return []
        else:
            if event.get("mode") != "eager" or self.eager is None:
                return []
            graph, mode = self.eager, "eager"
            self.eager = None
            self.skipping.pop(graph, None)
            self._eager_ops.clear()
        per_device = self._totals.pop(graph, None)
        if graph in self._engine_totals:
            self._engine_totals.discard(graph)
            if per_device is None:
                return []  # the engine sent them
        per_device = per_device or {"": {}}
        out = []
        for device, ops in per_device.items():
            out.append(
                {
                    "kind": "op_totals",
                    "graph": graph,
                    "mode": mode,
                    "device": device or None,
                    "ops": ops,
                    "skimmed": self.skimmed,
                }
            )
            self.skimmed = 0
        return out

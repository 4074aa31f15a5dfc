"""Phase markers of a recorded run, derived from its events (pure, no Textual).

A marker sits just after the event that opens a phase, so pausing on it shows that event:

* ``built``: a static graph is complete; its first ``run_started``.
* ``forward`` / ``backward`` / ``update``: in a static run, the first ``node_started`` of a
  forward node, of a gradient node (``grad_of`` set or the ``gradients`` scope) and of an
  update (``Assign``, ``ApplyGradientDescent``...; not a Variable's initialiser); in an eager
  iteration, the first node created, the first backward step (a ``grad`` event, or for a
  hand-written backward the first op after the loss - the first scalar node), and the first
  in-place update (``sub_``...).
* ``end``: ``run_finished`` (static) or ``iteration_finished`` (eager).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from tui.i18n import tr

__all__ = ["KINDS", "Marker", "derive_markers"]

KINDS = ("built", "forward", "backward", "update", "end")
"""Marker kinds, in the order a run meets them."""

UPDATE_OPS = frozenset(
    {
        "Assign",
        "AssignSub",
        "AssignAdd",
        "ApplyGradientDescent",
        "ApplyAdam",
        "ApplyMomentum",
        "ApplyRMSProp",
        "ApplyAdagrad",
    }
)
UPDATE_NAMES = frozenset({"sub_", "add_", "addcdiv_", "addcmul_"})


@dataclass(frozen=True, slots=True)
class Marker:
    """One phase boundary: replay position ``pos`` = events applied when it is reached."""

    pos: int
    kind: str
    mode: str
    number: int = 0
    """Session.run number (static) or iteration number (eager)."""
    fields: dict[str, Any] = field(default_factory=dict, compare=False)

    def label(self, lang: str = "en") -> str:
        """What the marker says ("Session.run #3: backward")."""
        if self.kind == "built":
            return tr("marker.built", lang)
        key = "where.run" if self.mode == "static" else "where.iteration"
        return tr(f"marker.{self.kind}", lang, where=tr(key, lang, n=self.number))


def _is_update(node: dict[str, Any]) -> bool:
    name = str(node.get("name") or "")
    if node.get("op") in UPDATE_OPS:
        return not name.endswith("/Assign")  # a Variable's initialiser is not an update
    return name in UPDATE_NAMES


def _is_backward(node: dict[str, Any]) -> bool:
    return node.get("grad_of") is not None or str(node.get("scope") or "").startswith("gradients")


def derive_markers(events: Sequence[dict[str, Any]]) -> list[Marker]:
    """Every phase marker of an event list, in event order."""
    nodes: dict[tuple[str, int], dict[str, Any]] = {}
    modes: dict[str, str] = {}
    built: set[str] = set()
    out: list[Marker] = []
    run: dict[str, Any] = {}  # the open static run: graph, number, phases seen
    it: dict[str, Any] = {}  # the open eager iteration: graph, number, phases seen, loss seen

    def mark(i: int, kind: str, mode: str, number: int, seen: set[str]) -> None:
        if kind not in seen:
            seen.add(kind)
            out.append(Marker(i + 1, kind, mode, number))

    for i, ev in enumerate(events):
        kind = ev.get("kind")
        if kind == "graph_created":
            gid = str(ev.get("graph"))
            modes[gid] = "eager" if ev.get("mode") == "eager" else "static"
            if modes[gid] == "eager":
                number = int(ev.get("iteration") or 0)
                it = {"graph": gid, "number": number + 1, "seen": set(), "loss": False}
        elif kind == "node_created":
            gid = str(ev.get("graph"))
            nodes[(gid, int(ev["node"]))] = ev
            if ev.get("mode") == "eager" and gid not in modes:  # its graph_created was missed
                modes[gid] = "eager"
                it = {"graph": gid, "number": len(modes), "seen": set(), "loss": False}
            if it and gid == it["graph"]:
                seen = it["seen"]
                if _is_update(ev) and "forward" in seen:
                    mark(i, "update", "eager", it["number"], seen)
                elif it["loss"] and "backward" not in seen and ev.get("op") != "Leaf":
                    mark(i, "backward", "eager", it["number"], seen)
                elif "forward" not in seen:
                    mark(i, "forward", "eager", it["number"], seen)
                if ev.get("shape") == [] and "forward" in seen:
                    it["loss"] = True
        elif kind == "grad":
            if it and str(ev.get("graph")) == it["graph"]:
                mark(i, "backward", "eager", it["number"], it["seen"])
        elif kind == "run_started":
            gid = str(ev.get("graph"))
            if gid not in built:
                built.add(gid)
                out.append(Marker(i + 1, "built", "static", int(ev.get("run") or 0)))
            run = {"graph": gid, "number": int(ev.get("run") or 0), "seen": set()}
        elif kind == "node_started":
            gid = str(ev.get("graph"))
            node = nodes.get((gid, int(ev["node"])))
            if run and gid == run["graph"] and node is not None:
                phase = (
                    "update"
                    if _is_update(node)
                    else "backward"
                    if _is_backward(node)
                    else "forward"
                )
                if phase == "forward" and run["seen"] & {"backward", "update"}:
                    continue
                mark(i, phase, "static", run["number"], run["seen"])
        elif kind == "run_finished":
            if run:
                out.append(Marker(i + 1, "end", "static", run["number"]))
                run = {}
        elif kind == "iteration_finished" and ev.get("mode") == "eager":
            number = int(ev.get("iteration") or 0) + 1
            out.append(Marker(i + 1, "end", "eager", number))
            if it and it["number"] == number:
                it = {}
    return out

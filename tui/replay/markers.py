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

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from tui.i18n import tr

__all__ = ["KINDS", "Marker", "MarkerFinder", "derive_markers"]

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


class MarkerFinder:
    """Finds the markers of an event stream as it is read, one event at a time, in order.

    What it remembers is bounded by the static graphs' sizes: a static node's phase (two
    flags, not its event), the graphs' modes, the open run and iteration; an eager node is
    never looked up again, so it is not kept.
    """

    def __init__(self) -> None:
        self.found: list[Marker] = []
        """Markers found so far, in event order."""
        self._nodes: dict[tuple[str, int], tuple[bool, bool]] = {}  # (update, backward)
        self._modes: dict[str, str] = {}
        self._built: set[str] = set()
        self._run: dict[str, Any] = {}  # the open static run: graph, number, phases seen
        self._it: dict[str, Any] = {}  # the open eager iteration: graph, number, phases, loss

    def _mark(self, i: int, kind: str, mode: str, number: int, seen: set[str]) -> None:
        if kind not in seen:
            seen.add(kind)
            self.found.append(Marker(i + 1, kind, mode, number))

    def feed(self, i: int, ev: dict[str, Any]) -> None:
        """Event ``i`` (0-based), after events ``0 .. i - 1``."""
        kind = ev.get("kind")
        modes, it, run, mark = self._modes, self._it, self._run, self._mark
        if kind == "graph_created":
            gid = str(ev.get("graph"))
            modes[gid] = "eager" if ev.get("mode") == "eager" else "static"
            if modes[gid] == "eager":
                number = int(ev.get("iteration") or 0)
                self._it = {"graph": gid, "number": number + 1, "seen": set(), "loss": False}
        elif kind == "node_created":
            gid = str(ev.get("graph"))
            if ev.get("mode") == "eager" and gid not in modes:  # its graph_created was missed
                modes[gid] = "eager"
                it = self._it = {"graph": gid, "number": len(modes), "seen": set(), "loss": False}
            if ev.get("mode") != "eager" and modes.get(gid) != "eager":
                self._nodes[(gid, int(ev["node"]))] = (_is_update(ev), _is_backward(ev))
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
            if gid not in self._built:
                self._built.add(gid)
                self.found.append(Marker(i + 1, "built", "static", int(ev.get("run") or 0)))
            self._run = {"graph": gid, "number": int(ev.get("run") or 0), "seen": set()}
        elif kind == "node_started":
            gid = str(ev.get("graph"))
            flags = self._nodes.get((gid, int(ev["node"])))
            if run and gid == run["graph"] and flags is not None:
                phase = "update" if flags[0] else "backward" if flags[1] else "forward"
                if phase == "forward" and run["seen"] & {"backward", "update"}:
                    return
                mark(i, phase, "static", run["number"], run["seen"])
        elif kind == "run_finished":
            if run:
                self.found.append(Marker(i + 1, "end", "static", run["number"]))
                self._run = {}
        elif kind == "iteration_finished" and ev.get("mode") == "eager":
            number = int(ev.get("iteration") or 0) + 1
            self.found.append(Marker(i + 1, "end", "eager", number))
            if it and it["number"] == number:
                self._it = {}


def derive_markers(events: Iterable[dict[str, Any]]) -> list[Marker]:
    """Every phase marker of an event list, in event order."""
    finder = MarkerFinder()
    for i, ev in enumerate(events):
        finder.feed(i, ev)
    return finder.found

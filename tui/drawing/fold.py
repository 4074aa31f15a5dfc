"""Scope folding: the graph as the pane shows it, with folded name scopes as one box each.

Pure: turns a :class:`~tui.view.model.GraphModel` into (view id, input view ids) pairs for the
layout, plus the members of every folded box.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tui.view.model import GraphModel, NodeInfo

STATE_RANK = {"error": 5, "running": 4, "pending": 3, "done": 2, "defined": 1, "pruned": 0}
"""How a folded box's state is picked from its members' (highest rank wins)."""


@dataclass(frozen=True)
class FoldBox:
    """A folded scope drawn as one box."""

    scope: str
    members: tuple[int, ...]

    @property
    def vid(self) -> str:
        """The box's view id."""
        return "scope:" + self.scope


def view_graph(
    graph: GraphModel, folded: frozenset[str]
) -> tuple[list[tuple[int | str, list[int | str]]], dict[str, FoldBox]]:
    """The graph as drawn: nodes in creation order, folded scopes replaced by one box each.

    Args:
        graph: the graph model.
        folded: top-level scope names to fold (e.g. ``{"gradients"}``).

    Returns:
        ((view id, input view ids) in creation order, fold boxes by view id).
    """
    members: dict[str, list[int]] = {}
    vid_of: dict[int, int | str] = {}
    for node in graph.nodes.values():
        key = node.fold_key
        if key and key in folded:
            members.setdefault(key, []).append(node.id)
            vid_of[node.id] = "scope:" + key
        else:
            vid_of[node.id] = node.id
    order: list[int | str] = []
    ins: dict[int | str, list[int | str]] = {}
    for node in graph.nodes.values():
        vid = vid_of[node.id]
        if vid not in ins:
            order.append(vid)
            ins[vid] = []
        for i in node.inputs:
            src = vid_of.get(i)
            if src is not None and src != vid and src not in ins[vid]:
                ins[vid].append(src)
    boxes = {"scope:" + k: FoldBox(k, tuple(v)) for k, v in members.items()}
    return [(v, ins[v]) for v in order], boxes


def fold_state(graph: GraphModel, box: FoldBox) -> tuple[str, int | None]:
    """A folded box's state and summed last duration of its members."""
    nodes: list[NodeInfo] = [graph.nodes[m] for m in box.members if m in graph.nodes]
    if not nodes:
        return "defined", None
    states = {n.state for n in nodes}
    state = max(states, key=STATE_RANK.__getitem__)
    if state == "pending" and "done" in states:
        state = "running"  # part of the scope has run: the scope is running
    times = [n.last_ns for n in nodes if n.last_ns is not None and n.state == "done"]
    return state, sum(times) if times else None

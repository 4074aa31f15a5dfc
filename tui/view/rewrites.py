"""The static graph as the Session runs it: the user's graph with the graph passes replayed.

Pure, no Textual. Before planning a run, the static Session rewrites a run-time copy of the
graph (pruning, constant folding, fusion, ...) and reports each pass that changed something
in one ``graph_rewritten`` event: node ids removed, nodes added (``node_created``'s payload,
fused ones naming what they fused), and which old ids now mean which new ones. Replaying
those reports on the graph folded from ``node_created`` gives the graph "as run"; the user's
graph ("as built") never changes.

The passes run once per plan, so their reports arrive in a batch just before the
``run_started`` they lead to; a later run with the same plan reuses them.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from tui.view.model import GraphModel, node_from

if TYPE_CHECKING:
    from collections.abc import Iterable

    from tui.view.model import NodeInfo

__all__ = ["RewriteLog", "as_run", "pass_counts"]

Rewrite = dict[str, Any]


class RewriteLog:
    """The ``graph_rewritten`` events of one static graph, grouped by the plan they led to."""

    def __init__(self) -> None:
        self.pending: list[Rewrite] = []
        """Reports of passes whose run has not started yet."""
        self.by_plan: dict[tuple[int, ...], list[Rewrite]] = {}
        """Plan (execution order) -> the reports of the passes that made it."""

    def add(self, ev: Rewrite) -> None:
        """One pass's report."""
        self.pending.append(ev)

    def close(self, plan: tuple[int, ...]) -> list[Rewrite]:
        """A run starts with ``plan``: the reports that made it (new ones, or those of an
        earlier run with the same plan; [] when no pass changed anything). The same plan gets
        the same list, [] too: the graph as run is kept while its list is the same one
        (:meth:`tui.view.state.ViewState._run_graph`), and a new one each run was laid out
        again each run (the graph as built with it: it is drawn on its layers)."""
        if self.pending:
            self.by_plan[plan], self.pending = self.pending, []
        return self.by_plan.setdefault(plan, [])


def fused_members(rewrites: list[Rewrite], plan: Iterable[int]) -> dict[int, list[int]]:
    """Plan node -> the built graph's nodes the passes replaced by it (a fused kernel's parts).

    Chains are followed (a -> b, b -> c gives c the parts a and b), so in the graph as built the
    parts of a kernel light up with it instead of looking pruned.
    """
    redirect: dict[int, int] = {}
    for ev in rewrites:
        redirect.update({int(k): int(v) for k, v in (ev.get("replaced") or {}).items()})
    in_plan = set(plan)
    members: dict[int, list[int]] = {}
    for old in redirect:
        new, seen = redirect[old], {old}
        while new in redirect and new not in seen:
            seen.add(new)
            new = redirect[new]
        if new in in_plan and old not in in_plan:
            members.setdefault(new, []).append(old)
    return members


def as_run(built: GraphModel, rewrites: list[Rewrite], plan: Iterable[int]) -> GraphModel:
    """The graph a run executes: ``built`` with ``rewrites`` replayed, cut to ``plan``.

    Removed nodes go, added ones come (a node a pass rewrote in place keeps its id, and its
    source line), inputs follow ``replaced``. Nodes keep the built graph's order, so the
    layout puts what both views share where it was; a new node goes just before its first
    consumer. Node timing histories are shared with the built graph's nodes.

    Args:
        built: the user's graph (from ``node_created``).
        rewrites: the passes' reports, in the order they ran.
        plan: the ids the run executes.
    """
    nodes: dict[int, NodeInfo] = {nid: replace(n) for nid, n in built.nodes.items()}
    for ev in rewrites:
        for rid in ev.get("removed") or ():
            nodes.pop(int(rid), None)
        for payload in ev.get("added") or ():
            node = node_from(payload, 0)
            old = built.nodes.get(node.id)
            if old is not None:
                node.source, node.line, node.index = old.source, old.line, old.index
                node.var = node.var or old.var
                node.stats = old.stats
            nodes[node.id] = node
        redirect = {int(k): int(v) for k, v in (ev.get("replaced") or {}).items()}
        if redirect:
            for node in nodes.values():
                if any(i in redirect for i in node.inputs):
                    node.inputs = tuple(dict.fromkeys(redirect.get(i, i) for i in node.inputs))
    keep = set(plan)
    kept = [n for n in nodes.values() if n.id in keep] if keep else list(nodes.values())
    rank = {n.id: float(n.index) for n in kept if n.id in built.nodes}
    for node in kept:  # new nodes: just before their first consumer, else after their inputs
        if node.id not in rank:
            users = [rank[c.id] for c in kept if node.id in c.inputs and c.id in rank]
            ins = [rank[i] for i in node.inputs if i in rank]
            rank[node.id] = min(users) - 0.5 if users else max(ins, default=-1.0) + 0.5
    graph = GraphModel(built.id, built.mode, built.name, built.iteration)
    for i, node in enumerate(sorted(kept, key=lambda n: rank[n.id])):
        node.index, node.state, node.last_ns = i, "defined", None
        node.grad, node.grad_ns, node.error = "", 0, ""
        graph.nodes[node.id] = node
    graph.struct_version, graph.base = 1, built
    return graph


def pass_counts(rewrites: list[Rewrite]) -> tuple[list[tuple[str, int]], int, int] | None:
    """(pass, nodes it removed net) per pass, and the node counts before the first and after
    the last; None when no pass changed the graph."""
    if not rewrites:
        return None
    steps = []
    for ev in rewrites:
        stats = ev.get("stats") or {}
        steps.append(
            (
                str(ev.get("pass")),
                int(stats.get("nodes_before") or 0) - int(stats.get("nodes_after") or 0),
            )
        )
    first, last = rewrites[0].get("stats") or {}, rewrites[-1].get("stats") or {}
    return steps, int(first.get("nodes_before") or 0), int(last.get("nodes_after") or 0)

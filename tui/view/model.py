"""View state of one graph (a static graph, or one eager iteration), folded from events.

Plain Python, no Textual: the graph pane reads it, the event folder writes it.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import Any

STATES = ("defined", "pruned", "pending", "running", "done", "error")
"""Node states, in the order the legend lists them."""

HISTORY = 64
"""Durations kept per node (bounded, so long runs stay flat in memory)."""


@dataclass(slots=True)
class NodeStats:
    """Timing history of one node across runs or iterations (bounded)."""

    recent: deque[int] = field(default_factory=lambda: deque(maxlen=HISTORY))
    count: int = 0
    total_ns: int = 0
    min_ns: int = 0

    def add(self, dur_ns: int) -> None:
        """Record one duration."""
        self.recent.append(dur_ns)
        self.count += 1
        self.total_ns += dur_ns
        self.min_ns = dur_ns if self.count == 1 else min(self.min_ns, dur_ns)

    @property
    def last_ns(self) -> int | None:
        """The latest duration, or None before the first."""
        return self.recent[-1] if self.recent else None

    @property
    def mean_ns(self) -> float | None:
        """Mean over every recorded duration."""
        return self.total_ns / self.count if self.count else None


@dataclass(slots=True)
class NodeInfo:
    """One node as the UI knows it."""

    id: int
    name: str
    op: str
    inputs: tuple[int, ...]
    shape: tuple[int, ...] | None = None
    dtype: str = ""
    device: str = "cpu"
    scope: str = ""
    source: str = ""
    line: int = 0
    flops: int = 0
    bytes: int = 0
    grad_of: int | None = None
    index: int = 0
    """Creation index within its graph (eager: the same op of the loop keeps its index)."""
    state: str = "defined"
    last_ns: int | None = None
    grad: str = ""
    """Gradient text drawn under the value ("" until a gradient arrives)."""
    grad_ns: int = 0
    """Time of this node's gradient ops in the current run (static)."""
    error: str = ""
    fused: tuple[str, ...] = ()
    """Names of the nodes a graph pass fused into this one (static, as run)."""
    var: str = ""
    """The Python name the user's line gave the node (static; "" when none): ``x``, ``h``."""
    control: tuple[int, ...] = ()
    """Control inputs (static: ``tf.group``, an optimizer's update ops); drawn dashed."""
    value: Any = None
    """A small constant's value where the event carries one (a number or a nested list)."""
    args: tuple[Any, ...] = ()
    """An eager op's numbers in operand order, None where a tensor goes (``add(·, 1e-07)``)."""
    attrs: dict[str, Any] | None = None
    """An eager op's number attributes (``{"min": 0.0}``)."""
    worker: int | None = None
    """The worker of a parallel static plan that ran it last (None: the plan ran in order)."""
    stats: NodeStats = field(default_factory=NodeStats)

    @property
    def label(self) -> str:
        """What the boxes call it: the user's variable where there is one, else TF's name."""
        return self.var or self.name

    @property
    def fold_key(self) -> str:
        """Top-level name scope ("" when the node is in none)."""
        return self.scope.split("/", 1)[0] if self.scope else ""


def node_from(ev: dict[str, Any], index: int) -> NodeInfo:
    """A node from a ``node_created`` payload (also a ``graph_rewritten`` event's added nodes)."""
    shape = ev.get("shape")
    return NodeInfo(
        id=int(ev["node"]),
        name=str(ev.get("name") or ev.get("op") or ev["node"]),
        op=str(ev.get("op", "")),
        inputs=tuple(int(i) for i in ev.get("inputs") or ()),
        shape=tuple(shape) if shape is not None else None,
        dtype=str(ev.get("dtype") or ""),
        device=str(ev.get("device") or "cpu"),
        scope=str(ev.get("scope") or ""),
        source=str(ev.get("source") or ""),
        line=int(ev.get("line") or 0),
        flops=int(ev.get("flops") or 0),
        bytes=int(ev.get("bytes") or 0),
        grad_of=ev.get("grad_of"),
        index=index,
        fused=tuple(str(n) for n in ev.get("fused") or ()),
        var=str(ev.get("var") or ""),
        control=tuple(int(i) for i in ev.get("control_inputs") or ()),
        value=ev.get("value"),
        args=tuple(ev.get("args") or ()),
        attrs=ev.get("attrs"),
    )


def shape_text(shape: Any) -> str:
    """``(64, 100)`` -> ``64×100``; ``(64,)`` -> ``64``; ``()`` -> ``0-d``; unknown -> ``?``,
    a dimension known only at run time ``?`` as TensorFlow prints it.

    A scalar's ``()`` read as an empty call beside a call's numbers (``clamp(0) ()``): it is
    written as the 0-d tensor it is (a notation, no word: the same in every language). A
    vector keeps its bare length: ``(64,)``, even ``64,``, widens the loops scene's one-row
    boxes past its pane at 160x48 as it grows."""
    if shape is None:
        return "?"
    dims = ["?" if d is None else str(d) for d in shape]  # a dimension known at run time only
    return "×".join(dims) if dims else "0-d"


class GraphModel:
    """Nodes of one graph plus the current run's plan, with change tracking for the pane."""

    def __init__(self, gid: str, mode: str, name: str = "", iteration: int | None = None) -> None:
        self.id, self.mode, self.name, self.iteration = gid, mode, name, iteration
        self.nodes: dict[int, NodeInfo] = {}
        """Nodes in creation order."""
        self.plan: set[int] | None = None
        """Nodes the current run executes (None: no run yet)."""
        self.inner: frozenset[int] = frozenset()
        """Nodes the current run may execute inside a plan node: a While's body, each branch of
        a cond (drawn pending, never pruned; a branch not taken ends the run "defined")."""
        self.run = 0
        """The engine's number of the latest run (static)."""
        self.runs = 0
        """Runs of this graph seen so far."""
        self.struct_version = 0
        """Bumped when nodes are added (the layout must grow)."""
        self.needed: frozenset[int] = frozenset()
        """Nodes the fetches need that the passes folded away (not run, not pruned)."""
        self.plan_version = 0
        """Bumped when the plan changes (dimmed edges change)."""
        self.changed: set[int] = set()
        """Nodes whose look changed since the pane last drew them."""
        self.graded: set[int] = set()
        """Nodes a gradient node names as its forward node (``grad_of``): their boxes show
        a gradient once the backward pass has run, and keep room for it from the start."""
        self.error = ""
        """The latest engine error in this graph ("" when none)."""
        self.ended = False
        """The eager iteration this graph is has ended: it is whole (its map can be made)."""
        self._base: GraphModel | None = None
        self.derived: GraphModel | None = None
        """The graph derived from this one (as built: the graph as run), if any."""

    @property
    def base(self) -> GraphModel | None:
        """The graph this one was derived from (as run: the graph as built); the layout keeps
        the places (and widths) of the boxes they share."""
        return self._base

    @base.setter
    def base(self, graph: GraphModel | None) -> None:
        self._base = graph
        if graph is not None:
            graph.derived = self

    def add(self, ev: dict[str, Any], stats: NodeStats | None = None) -> NodeInfo:
        """Add a node from a ``node_created`` event."""
        node = node_from(ev, len(self.nodes))
        nid = node.id
        if stats is not None:
            node.stats = stats
        if self.plan is not None and nid not in self.plan:
            node.state = "pruned"
        self.nodes[nid] = node
        if node.grad_of is not None:
            self.graded.add(int(node.grad_of))
        self.struct_version += 1
        return node

    def set_plan(
        self,
        plan: list[int],
        run: int,
        needed: frozenset[int] = frozenset(),
        inner: frozenset[int] = frozenset(),
    ) -> None:
        """A run starts: plan nodes go pending, the rest are pruned (dimmed).

        ``needed`` are nodes the fetches need that the run does not execute because the graph
        passes folded them into their consumer (``pow/y``, ``Sum/reduction_indices``): their
        value is there before the run, so they are drawn done, never as pruned. ``inner``
        (:attr:`inner`) go pending too: the run executes them inside a plan node.
        """
        new_plan = set(plan)
        if new_plan != self.plan or needed != self.needed:  # a reused plan keeps its edges
            self.plan_version += 1
        self.plan, self.needed, self.inner, self.run = new_plan, needed, inner, run
        self.runs += 1
        for node in self.nodes.values():
            nid = node.id
            node.state = (
                "pending"
                if nid in new_plan or nid in inner
                else "done"
                if nid in needed
                else "pruned"
            )
            node.grad, node.grad_ns = "", 0
        self.changed.update(self.nodes)

    def end_run(self) -> None:
        """The run ended: a node of a branch it did not take was defined, not run."""
        for nid in self.inner:
            node = self.nodes.get(nid)
            if node is not None and node.state == "pending":
                self.set_state(nid, "defined")

    @property
    def run_size(self) -> int:
        """Nodes the current run executes: its plan, and the nodes inside its plan nodes that
        ran or may still run (a branch not taken does not count once the run has ended)."""
        inner = sum(1 for n in self.inner if n in self.nodes and self.nodes[n].state != "defined")
        return len(self.plan or ()) + inner

    def ancestors(self, ids: list[int]) -> frozenset[int]:
        """``ids`` and every node they depend on (inputs and control inputs)."""
        seen: set[int] = set()
        todo = [i for i in ids if i in self.nodes]
        while todo:
            nid = todo.pop()
            if nid in seen:
                continue
            seen.add(nid)
            node = self.nodes[nid]
            todo.extend(i for i in (*node.inputs, *node.control) if i in self.nodes)
        return frozenset(seen)

    def set_state(self, nid: int, state: str) -> NodeInfo | None:
        """Change one node's state; returns the node (None if unknown)."""
        node = self.nodes.get(nid)
        if node is not None and node.state != state:
            node.state = state
            self.changed.add(nid)
        return node

    def take_changed(self) -> set[int]:
        """The nodes changed since the last call (and forget them)."""
        out, self.changed = self.changed, set()
        return out

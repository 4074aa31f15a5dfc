"""Folding: the graph as the pane shows it, noise folded the way TensorBoard folds it. Pure.

Three rules turn a :class:`~tui.view.model.GraphModel` into the boxes a pane draws:

1. **Constants go into their consumer's label.** An unnamed ``Const`` (no variable of the
   user's) that feeds an op is not drawn: the op says it, ``Maximum(·, 0)``, ``pow(·, 2)``,
   ``Sum(axis=1)`` (see :func:`call_text`); the node card lists the values.
2. **A Variable is one node.** A ``VariableV2`` and everything in its name scope (``read``,
   ``Assign``, ``initial_value``, an initializer) is one box, ``w1 · Variable 1000×100``, its
   initial value an edge into it; with :attr:`Folding.assign_back`, an ``Assign`` of it
   elsewhere (``w1.assign(w1 - lr * g)``) folds into it too, drawn as an edge back into it,
   and with :attr:`Folding.initial_in` its initial value (``tf.random_normal(...)``, a source
   read by the variable alone) is drawn inside it. A pane whose graph does not fit otherwise
   folds both (:meth:`Folding.denser`).
3. **Every name scope is one group box** (``random_normal``, ``gradients``, ``dense``) with
   its node count, unless opened; only the user's own top-level ops are open by default. An
   opened scope shows its members, its inner scopes again as groups. A node named like a
   scope (``random_normal``, the ``Add`` its scope computes) belongs to that scope.

::

    x   w1   Maximum/y            x    w1
    │   │    │                    │    │
    MatMul   │        folded:     ▼    ▼
       │     │                   MatMul
       ▼     ▼                     │
       Maximum                   Maximum(·, 0)

:class:`Folding` holds the choices (which scopes the user opened; everything unfolded); the
pane keeps one and :func:`fold_view` applies it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from rich.cells import cell_len

if TYPE_CHECKING:
    from tui.view.model import GraphModel, NodeInfo

__all__ = [
    "FoldBox",
    "Folding",
    "belongs",
    "View",
    "call_text",
    "fold_state",
    "fold_view",
    "is_inline_const",
    "own_writes",
    "shorten",
    "value_text",
    "view_graph",
]

STATE_RANK = {"error": 5, "running": 4, "pending": 3, "done": 2, "defined": 1, "pruned": 0}
"""How a folded box's state is picked from its members' (highest rank wins)."""

VARIABLE_OPS = frozenset({"VariableV2", "Variable", "VarHandleOp"})
"""Ops that are a TensorFlow variable."""
ASSIGN_OPS = frozenset({"Assign", "AssignAdd", "AssignSub"})
"""Ops that write a variable (first input): folded into the variable they write."""
AXIS_OPS = frozenset(
    {"Sum", "Mean", "Max", "Min", "Prod", "ArgMax", "ArgMin", "All", "Any", "ConcatV2"}
)
"""Ops whose constant input is an axis: ``Sum(axis=1)``."""
IN_PLACE = "_"
"""How the name of an eager in-place op ends, as PyTorch names them (``add_``, ``mul_``,
``zero_``, ``masked_fill_``): it writes its first input."""
PREFIX = "scope:"
"""View ids of group boxes start with this."""
NO_GRAD = "no_grad"
"""The scope of an eager loop's ops made under ``torch.no_grad()`` (the engine's name): a
group of updates, not a module."""


@dataclass(frozen=True)
class Folding:
    """How a pane folds its graph."""

    opened: frozenset[str] = frozenset()
    """Scopes the user opened (``gradients``, ``gradients/pow_grad``)."""
    unfold_all: bool = False
    """Every node drawn: constants as nodes, no group, no variable folded."""
    assign_back: bool = False
    """An ``Assign`` outside the variable's scope folds into it too (its update drawn as an
    edge back into the variable). Off by default: on the training scenes those edges run
    back up the whole graph and double the drawing's width."""
    initial_in: bool = False
    """A variable's initial value folds into it: a box with no inputs that only the variable
    reads (``random_normal``, a ``Const``), listed on the variable's card."""

    def denser(self) -> Folding:
        """The same folding with every variable's update and initial value folded into it
        (the pane's fallback for a graph that does not fit); itself where nothing changes."""
        if self.unfold_all or (self.assign_back and self.initial_in):
            return self
        return replace(self, assign_back=True, initial_in=True)

    def toggled(self, scope: str) -> Folding:
        """The same folding with ``scope`` opened, or closed (and its inner scopes too)."""
        if scope in self.opened:
            keep = {s for s in self.opened if s != scope and not s.startswith(scope + "/")}
            return replace(self, opened=frozenset(keep))
        return replace(self, opened=self.opened | {scope})


@dataclass(frozen=True)
class FoldBox:
    """A folded scope (or a variable) drawn as one box."""

    scope: str
    members: tuple[int, ...]
    head: int | None = None
    """The node that gives the box its value: the variable, or the node named like the scope
    (the scope's output); None when there is none."""
    kind: str = "scope"
    """"scope" (a group box) or "variable" (one node)."""
    consts: tuple[int, ...] = ()
    """Constants drawn inside it (counted, listed on the card; no state of their own)."""
    writes: tuple[int, ...] = ()
    """State of its own that it writes in place (eager): a module's leaves (its buffers,
    BatchNorm's ``running_mean``) that an op of the module updates (``mul_``, ``add_``).
    Drawn inside it, so its label marks the update (:func:`own_writes`)."""

    @property
    def count(self) -> int:
        """Nodes folded into the box, constants included."""
        return len(self.members) + len(self.consts)

    @property
    def vid(self) -> str:
        """The box's view id."""
        return PREFIX + self.scope

    @property
    def name(self) -> str:
        """The scope's own name, its last part (``Sum_grad`` of ``gradients/Sum_grad``)."""
        return self.scope.rsplit("/", 1)[-1]


@dataclass
class View:
    """The graph as drawn."""

    nodes: list[tuple[int | str, list[int | str]]]
    """(view id, input view ids) in creation order."""
    folds: dict[str, FoldBox]
    """Group and variable boxes by view id."""
    vid_of: dict[int, int | str]
    """Node -> the box it is drawn in (inlined constants: their first consumer's)."""
    consts: dict[int, list[int]] = field(default_factory=dict)
    """Node -> the constants drawn inside its label, in input order."""
    control: dict[int | str, list[int | str]] = field(default_factory=dict)
    """Box -> the boxes its control inputs are drawn in (``tf.group``'s updates, an
    initializer's assigns): none of its data inputs, not itself."""

    @property
    def drawn(self) -> list[tuple[int | str, list[int | str]]]:
        """:attr:`nodes` with each box's control inputs after its data inputs: every edge the
        static pane lays out and draws."""
        if not self.control:
            return self.nodes
        return [(v, ins + self.control.get(v, [])) for v, ins in self.nodes]


def is_inline_const(node: NodeInfo) -> bool:
    """A constant drawn inside its consumer's label: a ``Const`` the user did not name."""
    return node.op == "Const" and not node.inputs and not node.var


def belongs(node: NodeInfo) -> bool:
    """An eager leaf that belongs to something (a gradient ``w1.grad``, a module's
    ``0.weight``, an optimizer's unnamed state): drawn inside the folded scope that alone
    reads it, not as a box of the user's."""
    return node.op == "Leaf" and ("." in node.name or node.name == "tensor")


def _variable_scopes(graph: GraphModel) -> dict[str, int]:
    """Variable name -> its node."""
    return {n.name: n.id for n in graph.nodes.values() if n.op in VARIABLE_OPS}


def _path(node: NodeInfo, scopes: set[str]) -> list[str]:
    """The scopes a node sits in, outermost first; a node named like a scope sits in it. An
    eager node's name has no scope in it: it sits in the scope its event gives (``no_grad``)."""
    if "/" not in node.name and node.scope:
        return [*_prefixes(node.scope), node.scope]
    parts = node.name.split("/")
    out = ["/".join(parts[: k + 1]) for k in range(len(parts) - 1)]
    if node.name in scopes:
        out.append(node.name)
    return out


def fold_view(graph: GraphModel, folding: Folding) -> View:
    """The boxes and edges a pane draws for ``graph`` under ``folding``.

    Args:
        graph: the graph model.
        folding: the scopes opened, or everything unfolded.

    Returns:
        The view: boxes in creation order with their input boxes, the group boxes, and which
        box draws each node.
    """
    nodes = graph.nodes
    inline: set[int] = set()
    consts: dict[int, list[int]] = {}
    if not folding.unfold_all:
        used = {i for n in nodes.values() for i in n.inputs}
        inline = {n.id for n in nodes.values() if is_inline_const(n) and n.id in used}
        for n in nodes.values():
            mine = [i for i in n.inputs if i in inline]
            if mine:
                consts[n.id] = mine
    live = [n for n in nodes.values() if n.id not in inline]
    scopes = {n.name.rsplit("/", 1)[0] for n in live if "/" in n.name}
    scopes |= {n.scope for n in live if n.scope and "/" not in n.name}
    scopes |= {p for s in list(scopes) for p in _prefixes(s)}
    variables = {} if folding.unfold_all else _variable_scopes(graph)
    vid_of: dict[int, int | str] = {}
    members: dict[str, list[int]] = {}
    for n in live:
        vid: int | str = n.id
        if not folding.unfold_all:
            path = _path(n, scopes | set(variables))
            if folding.assign_back and n.op in ASSIGN_OPS and n.inputs:
                target = nodes.get(n.inputs[0])
                if target is not None and target.op in VARIABLE_OPS and target.name not in path:
                    path = [*_path(target, scopes | set(variables)), target.name]
            for scope in path:
                if scope in variables or scope not in folding.opened:
                    vid = PREFIX + scope
                    members.setdefault(scope, []).append(n.id)
                    break
        vid_of[n.id] = vid
    if not folding.unfold_all:
        # an eager leaf that belongs to something (a gradient w1.grad, an optimizer's unnamed
        # state) joins the folded scope that alone reads it; a variable of the user's (x, the
        # input a module alone reads) stays drawn
        readers: dict[int, set[int | str]] = {}
        for n in live:
            for i in n.inputs:
                readers.setdefault(i, set()).add(vid_of[n.id])
        for n in live:
            group = readers.get(n.id, set())
            if (
                belongs(n)
                and len(group) == 1
                and isinstance(vid := next(iter(group)), str)
                and vid_of[n.id] != vid  # (a module's own leaf is in its box already)
            ):
                vid_of[n.id] = vid
                members[vid[len(PREFIX) :]].append(n.id)
    if folding.initial_in and variables:  # an initial value only its variable reads
        _fold_initial_values(live, vid_of, members, variables)
    for c in inline:  # an inlined constant is drawn by its (first) consumer
        user = next((n.id for n in live if c in n.inputs), None)
        if user is not None:
            vid_of[c] = vid_of[user]
    order: list[int | str] = []
    ins: dict[int | str, list[int | str]] = {}
    for n in live:
        vid = vid_of[n.id]
        if vid not in ins:
            order.append(vid)
            ins[vid] = []
        for i in n.inputs:
            if i in inline:
                continue
            src = vid_of.get(i)
            if src is not None and src != vid and src not in ins[vid]:
                ins[vid].append(src)
    control: dict[int | str, list[int | str]] = {}
    for n in live:  # a control input, from the box it is drawn in
        vid = vid_of[n.id]
        for c in n.control:
            src = vid_of.get(c)
            if src is not None and src != vid and src not in ins[vid]:
                mine = control.setdefault(vid, [])
                if src not in mine:
                    mine.append(src)
    folds: dict[str, FoldBox] = {}
    for scope, ids in members.items():
        vid = PREFIX + scope
        inner = tuple(sorted(c for c in inline if vid_of.get(c) == vid))
        if scope in variables:
            box = FoldBox(scope, tuple(ids), variables[scope], "variable", inner)
        else:
            head = next((i for i in ids if nodes[i].name == scope), None)
            box = FoldBox(scope, tuple(ids), head, "scope", inner, own_writes(graph, ids))
        folds[box.vid] = box
    return View([(v, ins[v]) for v in order], folds, vid_of, consts, control)


def own_writes(graph: GraphModel, members: list[int]) -> tuple[int, ...]:
    """The leaves among ``members`` that are a module's own (a parameter or a buffer: its
    scope is the module's) and that an in-place op among them writes (``running_mean.mul_``):
    what the box updates. A gradient (``w1.grad``, no scope of its own) zeroed in an update
    box is not its state; a parameter is written by the optimizer, in its own box."""
    nodes = graph.nodes
    mine = set(members)
    written = {
        nodes[m].inputs[0]
        for m in members
        if nodes[m].name.endswith(IN_PLACE) and nodes[m].inputs and nodes[m].inputs[0] in mine
    }
    return tuple(m for m in members if m in written and nodes[m].op == "Leaf" and nodes[m].scope)


def _fold_initial_values(
    live: list[NodeInfo],
    vid_of: dict[int, int | str],
    members: dict[str, list[int]],
    variables: dict[str, int],
) -> None:
    """Draw each box that has no inputs and is read by one variable's box alone inside that
    variable (its initial value): its nodes join the variable's members."""
    boxes: dict[int | str, list[int]] = {}
    for n in live:
        boxes.setdefault(vid_of[n.id], []).append(n.id)
    readers: dict[int | str, set[int | str]] = {}
    fed: set[int | str] = set()  # boxes with an input from another box
    for n in live:
        for i in n.inputs:
            src = vid_of.get(i)
            if src is None or src == vid_of[n.id]:
                continue
            readers.setdefault(src, set()).add(vid_of[n.id])
            fed.add(vid_of[n.id])
    for vid, ids in boxes.items():
        if vid in fed or len(readers.get(vid, ())) != 1:
            continue
        (reader,) = readers[vid]
        if not isinstance(reader, str) or reader[len(PREFIX) :] not in variables:
            continue
        if isinstance(vid, str) and vid[len(PREFIX) :] in variables:
            continue  # a variable read by another one's initial value stays a box
        for m in ids:
            vid_of[m] = reader
            members[reader[len(PREFIX) :]].append(m)
        if isinstance(vid, str):
            members.pop(vid[len(PREFIX) :], None)


def _prefixes(scope: str) -> list[str]:
    parts = scope.split("/")
    return ["/".join(parts[: k + 1]) for k in range(len(parts) - 1)]


def view_graph(
    graph: GraphModel, folding: Folding | None = None
) -> tuple[list[tuple[int | str, list[int | str]]], dict[str, FoldBox]]:
    """The graph as drawn: (view id, input view ids, control inputs last) in creation
    order, and the group boxes (:func:`fold_view`; ``folding`` None: the pane's default)."""
    view = fold_view(graph, folding or Folding())
    return view.drawn, view.folds


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


# ---------------------------------------------------------------- labels


def value_text(node: NodeInfo, limit: int = 8) -> str:
    """A constant's value as a label shows it (``0``, ``2``, ``[0, 1]``); its name's last
    part where the events carried no value."""
    value = node.value
    if value is None:
        return "c"
    if isinstance(value, list):
        flat = [_num(v) for v in value] if all(not isinstance(v, list) for v in value) else []
        text = "[" + ", ".join(flat) + "]" if flat else "[…]"
        return text if len(text) <= limit else "[…]"
    return _num(value)


def _num(v: object) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, float):
        return f"{v:.3g}"
    return str(v)


def call_text(op: str, inputs: tuple[int, ...], consts: dict[int, str]) -> str:
    """An op with its constant inputs written in: ``Maximum(·, 0)``, ``Sum(axis=1)``.

    Args:
        op: the op's name (``Maximum``).
        inputs: its inputs in order.
        consts: the inlined ones, input id -> value text.
    """
    if not any(i in consts for i in inputs):
        return op
    if op in AXIS_OPS:
        axes = [consts[i] for i in inputs if i in consts]
        return f"{op}(axis={','.join(axes)})"
    return f"{op}({', '.join(consts.get(i, '·') for i in inputs)})"


EAGER_ATTRS = (("min", "min"), ("max", "max"), ("axis", "dim"))
"""An eager op's attributes its label writes in, by the engine's name and PyTorch's."""
EAGER_INDEX = "index"
"""The attribute an indexing op writes in as a subscript: ``x[t]`` runs as ``select``, drawn
``select[0]``, ``select[1]``, so a loop's steps are told apart."""


def eager_call_text(name: str, args: tuple[Any, ...], attrs: dict[str, Any] | None) -> str:
    """An eager op as the loop wrote it: ``pow(·, 2)``, ``add(·, 1e-07)``, ``clamp(min=0)``,
    ``sum(dim=1)``, ``select[0]`` (``x[0]``); its name alone where it took tensors only.

    Args:
        name: the op's name in the loop (``clamp``).
        args: its numbers in operand order, None where a tensor goes (the event's ``args``).
        attrs: its number attributes (the event's ``attrs``).
    """
    parts = ["·" if a is None else _num(a) for a in args]
    for key, shown in EAGER_ATTRS:
        value = (attrs or {}).get(key)
        if value is not None:
            dims = value if isinstance(value, list) else [value]
            parts.append(f"{shown}={','.join(_num(v) for v in dims)}")
    text = f"{name}({', '.join(parts)})" if parts else name
    index = (attrs or {}).get(EAGER_INDEX)
    if index is not None:  # x[0, 1]: select[0, 1]
        text += f"[{', '.join(_num(v) for v in (index if isinstance(index, list) else [index]))}]"
    return text


def shorten(text: str, cap: int) -> str:
    """``text`` in at most ``cap`` terminal cells (a wide character takes two), cut from the
    scope side: ``…/Sum_grad``; a name in no scope keeps its start and its end, cut in the
    middle (``mean_squ…ed_error/``: its front cut off, ``…an_squared_error/`` read as a
    word cut short, and its end tells ``dense`` from ``dense_1``)."""
    if cell_len(text) <= cap:
        return text
    core = text.rstrip("/")
    trail = text[len(core) :]
    budget = cap - cell_len(trail) - 1  # the cells left beside "…"
    if "/" not in core and budget >= 2:
        tail = _fitting(core[::-1], budget // 2)[::-1]
        return _fitting(core, budget - budget // 2) + "…" + tail + trail
    cut = 0
    while cut < len(text) and 1 + cell_len(text[cut:]) > cap:
        cut += 1
    return "…" + text[cut:]


def _fitting(text: str, cells: int) -> str:
    """The longest start of ``text`` in at most ``cells`` terminal cells."""
    out = ""
    for ch in text:
        if cell_len(out + ch) > cells:
            break
        out += ch
    return out

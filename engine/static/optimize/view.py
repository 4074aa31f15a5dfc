"""The run-time copy of a graph that the passes rewrite, and the helpers they share.

A :class:`GraphView` is the pruned sub-graph one ``Session.run`` needs: its ops in execution
order, the tensors it fetches, the ops it runs for their effect and the tensors fed. Passes
never change an op: an op whose inputs change is copied (same id, name and attributes), a new
op is made with :func:`new_op`, so the user's graph stays as it was built, and unchanged ops are
shared between the user's graph and every view.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from engine.ops import is_known

from ..dtypes import DType
from ..graph import Operation, Tensor
from ..kernels import STATEFUL_READERS, spec
from ..shapes import Dims

_RUNTIME_IDS = itertools.count(1_000_000)
"""Ids of nodes a pass makes from nothing (a new constant): never those of built nodes."""

CONTROL_FLOW = frozenset({"If", "While"})


@dataclass(frozen=True)
class GraphView:
    """What one run executes, as the passes see and rewrite it.

    Attributes:
        ops: the ops, in an execution (topological) order.
        outputs: the fetched tensors (a pass may swap one for an equivalent tensor).
        targets: ops run for their effect.
        fed: the fed tensors (never rewritten: their value comes from the feed).
    """

    ops: tuple[Operation, ...]
    outputs: tuple[Tensor, ...]
    targets: tuple[Operation, ...]
    fed: frozenset[Tensor] = field(default_factory=frozenset)

    def consumers(self) -> dict[Tensor, list[Operation]]:
        """Tensor -> the ops of the view reading it (in order)."""
        out: dict[Tensor, list[Operation]] = {}
        for op in self.ops:
            for t in op.inputs:
                out.setdefault(t, []).append(op)
        return out

    def pinned(self) -> set[Tensor]:
        """Tensors a pass must leave as they are: fed and fetched ones."""
        return set(self.fed) | set(self.outputs)

    @property
    def has_control_flow(self) -> bool:
        """True when a cond or loop runs: their bodies capture tensors by identity, so the
        passes that rewrite leave such a view alone."""
        return any(op.type in CONTROL_FLOW for op in self.ops)


def is_const(t: Tensor, view: GraphView) -> bool:
    """True when ``t``'s value is a constant of the graph (not fed)."""
    return t.op.type == "Const" and t not in view.fed


def const_value(t: Tensor) -> np.ndarray:
    """A constant tensor's value, as numpy."""
    return np.asarray(t.op.meta["value"])


def is_pure(op: Operation) -> bool:
    """True when ``op`` computes a value from its inputs alone (no state, no variable read)."""
    if op.type in CONTROL_FLOW or op.type in STATEFUL_READERS or not op.outputs:
        return False
    try:
        s = spec(op.type)
    except LookupError:
        return False
    if s.stateful or op.type in ("Placeholder", "PlaceholderWithDefault", "_Arg", "NoOp"):
        return False
    return not any(t.op.type == "VariableV2" for t in op.inputs)


def new_op(
    like: Operation,
    op_type: str,
    inputs: Sequence[Tensor],
    *,
    attrs: dict[str, Any] | None = None,
    meta: dict[str, Any] | None = None,
    op_id: int | None = None,
    name: str | None = None,
    dtype: DType | None = None,
    dims: Dims | None = None,
    keep_shape: bool = True,
) -> Operation:
    """A new op placed like ``like``, taking its id and name unless told otherwise.

    Its one output has ``like``'s dtype and shape (or ``dtype`` / ``dims``).
    """
    out = like.outputs[0]
    op = Operation(
        like.graph,
        like._id if op_id is None else op_id,
        like.name if name is None else name,
        op_type,
        inputs,
        like.control_inputs,
        attrs or {},
        like.device,
        meta or {},
    )
    op.outputs = (
        Tensor(op, 0, dtype or out.dtype, out._dims if keep_shape and dims is None else dims),
    )
    op._grad_of = like._grad_of
    op._ctx = like._ctx
    return op


def runtime_id() -> int:
    """A fresh id for a node a pass makes from nothing (never one of a built node)."""
    return next(_RUNTIME_IDS)


def new_const(like: Operation, value: Any, name: str) -> Tensor:
    """A new Const beside ``like`` (a fresh run-time id)."""
    arr = np.asarray(value)
    op = Operation(like.graph, runtime_id(), name, "Const", (), (), {}, like.device, {"value": arr})
    op.outputs = (Tensor(op, 0, like.outputs[0].dtype, tuple(arr.shape)),)
    op._grad_of = like._grad_of
    return op.outputs[0]


def _copy(op: Operation, inputs: Sequence[Tensor], ctrl: Sequence[Operation]) -> Operation:
    new = Operation(op.graph, op._id, op.name, op.type, inputs, ctrl, op.attrs, op.device, op.meta)
    new.outputs = tuple(Tensor(new, i, t.dtype, t._dims) for i, t in enumerate(op.outputs))
    new._grad_of = op._grad_of
    new._ctx = op._ctx
    return new


@dataclass
class Change:
    """What one pass did: the new view, and which old node each replaced node became."""

    view: GraphView
    replaced: dict[int, int] = field(default_factory=dict)
    copies: dict[Operation, Operation] = field(default_factory=dict)


def rewrite(
    view: GraphView,
    subst: Mapping[Operation, Operation | list[Operation] | None],
    remap: dict[Tensor, Tensor] | None = None,
) -> Change:
    """A new view where each op in ``subst`` is replaced by its value (None: removed, its
    output remapped in ``remap``; a list: these new ops in order, the last one's outputs
    standing for the old op's), tensors in ``remap`` are read as their replacement, and every
    op reading a changed tensor is copied to read the new one. Dead ops are dropped.
    """
    tmap: dict[Tensor, Tensor] = dict(remap or {})
    omap: dict[Operation, Operation | None] = {}
    copies: dict[Operation, Operation] = {}
    ops: list[Operation] = []
    replaced: dict[int, int] = {}
    placed = {t.op for op in view.ops for t in op.inputs if t.op._id >= 1_000_000}

    def t_of(t: Tensor) -> Tensor:
        seen = 0
        while t in tmap and seen < 64:
            t, seen = tmap[t], seen + 1
        return t

    for op in view.ops:
        if op in subst:
            value = subst[op]
            if value is None:
                omap[op] = None
                continue
            for new in value if isinstance(value, list) else [value]:
                new = _with_inputs(new, [t_of(t) for t in new.inputs], _ctrl(new, omap))
                for t in new.inputs:  # a constant the pass made for this op goes just before
                    if t.op.type == "Const" and t.op._id >= 1_000_000 and t.op not in placed:
                        placed.add(t.op)
                        ops.append(t.op)
                ops.append(new)
            omap[op] = new
            for old_t, new_t in zip(op.outputs, new.outputs, strict=False):
                tmap[old_t] = new_t
            continue
        ins = [t_of(t) for t in op.inputs]
        ctrl = _ctrl(op, omap)
        if ins != list(op.inputs) or ctrl != list(op.control_inputs):
            new = _copy(op, ins, ctrl)
            copies[op] = new
            omap[op] = new
            for old_t, new_t in zip(op.outputs, new.outputs, strict=True):
                tmap[old_t] = new_t
            ops.append(new)
        else:
            ops.append(op)
    outputs = tuple(t_of(t) for t in view.outputs)
    targets = tuple(o for o in (omap.get(op, op) for op in view.targets) if o is not None)
    live = tuple(_live(ops, outputs, targets, view.fed))
    return Change(GraphView(live, outputs, targets, view.fed), replaced, copies)


def _with_inputs(op: Operation, ins: list[Tensor], ctrl: list[Operation]) -> Operation:
    if ins == list(op.inputs) and ctrl == list(op.control_inputs):
        return op
    op.inputs = tuple(ins)  # a fresh op of this pass: not yet seen by anyone
    op.control_inputs = tuple(ctrl)
    return op


def _ctrl(op: Operation, omap: dict[Operation, Operation | None]) -> list[Operation]:
    out: list[Operation] = []
    for c in op.control_inputs:
        c2 = omap.get(c, c)
        if c2 is not None and c2 not in out:
            out.append(c2)
    return out


def _live(
    ops: Sequence[Operation],
    outputs: Iterable[Tensor],
    targets: Iterable[Operation],
    fed: frozenset[Tensor],
) -> list[Operation]:
    """``ops`` without those nothing fetched or targeted needs (order kept)."""
    needed: set[int] = set()
    stack: list[Operation] = list(targets)
    for t in outputs:
        if t in fed:
            needed.add(id(t.op))
        else:
            stack.append(t.op)
    while stack:
        op = stack.pop()
        if id(op) in needed:
            continue
        needed.add(id(op))
        for t in op.inputs:
            if t in fed:
                needed.add(id(t.op))
            else:
                stack.append(t.op)
        stack.extend(op.control_inputs)
    return [op for op in ops if id(op) in needed]


def shape_of(t: Tensor) -> tuple[int, ...] | None:
    """``t``'s static shape when fully known, else None."""
    d = t._dims
    return d if is_known(d) else None


__all__ = [
    "Change",
    "GraphView",
    "const_value",
    "is_const",
    "is_pure",
    "new_const",
    "new_op",
    "replace",
    "rewrite",
    "runtime_id",
    "shape_of",
]

"""No-op and identity nodes of the backward graph (``gradients/...``) removed: ``Identity``,
a ``Pow`` by 1 turned ``Identity``, multiplying by 1 or adding 0 (a constant that does not
broadcast), ``Unbroadcast`` / ``ReshapeLike`` to the same static shape, ``CastLike`` to the
same dtype. Their readers read the input instead. Fetched nodes and reads of Variables stay."""

from __future__ import annotations

import numpy as np

from ..graph import Operation, Tensor
from .view import Change, GraphView, const_value, is_const, rewrite, shape_of


def run(view: GraphView) -> Change | None:
    """Remove the gradient graph's identities."""
    pinned = view.pinned()
    subst: dict[Operation, Operation | None] = {}
    remap: dict[Tensor, Tensor] = {}
    replaced: dict[int, int] = {}
    for op in view.ops:
        if op._grad_of is None or len(op.outputs) != 1 or op.outputs[0] in pinned:
            continue
        src = _passes_through(op, view)
        if src is None or src.op.type == "VariableV2":
            continue
        subst[op] = None
        remap[op.outputs[0]] = src
        replaced[op._id] = src.op._id
    if not subst:
        return None
    change = rewrite(view, subst, remap)
    change.replaced = replaced
    return change


def _passes_through(op: Operation, view: GraphView) -> Tensor | None:
    """The input ``op`` hands on unchanged, if it does."""
    out = op.outputs[0]
    if op.type == "Identity" and op.inputs:
        return op.inputs[0]
    if op.type in ("Unbroadcast", "ReshapeLike"):
        g, like = op.inputs[0], op.inputs[1]
        return g if shape_of(g) is not None and shape_of(g) == shape_of(like) else None
    if op.type == "CastLike":
        return op.inputs[0] if op.inputs[0].dtype == out.dtype else None
    if op.type in ("Mul", "Add", "Sub"):
        neutral = 1 if op.type == "Mul" else 0
        sides = ((0, 1), (1, 0)) if op.type != "Sub" else ((0, 1),)
        for keep, other in sides:
            x, c = op.inputs[keep], op.inputs[other]
            if (
                is_const(c, view)
                and x.dtype == out.dtype
                and shape_of(x) is not None
                and shape_of(x) == shape_of(out)
            ):
                value = const_value(c)
                if value.size and np.all(value == neutral):
                    return x
    return None

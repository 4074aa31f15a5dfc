"""Constant factors merged: ``c1 * (c2 * x)`` becomes ``(c1 * c2) * x``, and a constant that
holds one value everywhere (a folded ``ones * 1/N`` gradient) multiplies as a scalar. The
backward graph of a mean of squares then scales the difference once, as ``diff * (2 / N)``,
which is what a hand-written numpy step does."""

from __future__ import annotations

import numpy as np

from ..graph import Operation, Tensor
from .view import Change, GraphView, const_value, is_const, new_const, new_op, rewrite, shape_of


def run(view: GraphView) -> Change | None:
    """Merge the constant factors of chains of ``Mul``."""
    pinned = view.pinned()
    readers = view.consumers()
    scaled: dict[Tensor, tuple[Tensor, np.ndarray, Operation]] = {}
    subst: dict[Operation, Operation | None] = {}
    replaced: dict[int, int] = {}
    for op in view.ops:
        form = scalar_mul(op, view)
        if form is None:
            continue
        x, c = form
        inner = scaled.get(x)
        if inner is not None and len(readers.get(x, ())) == 1 and x not in pinned:
            x, c0, inner_op = inner
            c = (c0 * c).astype(c.dtype)
            subst[inner_op] = None
            replaced[inner_op._id] = op._id
        elif not _changes(op, x, c):
            scaled[op.outputs[0]] = (x, c, op)
            continue
        k = new_const(op, c, f"{op.name}/factor")
        new = new_op(op, "Mul", (x, k))
        subst[op] = new
        replaced[op._id] = op._id
        scaled[op.outputs[0]] = (x, c, op)
    if not subst:
        return None
    change = rewrite(view, subst)
    change.replaced = replaced
    return change


def scalar_mul(op: Operation, view: GraphView) -> tuple[Tensor, np.ndarray] | None:
    """``(x, scalar)`` when ``op`` is ``x * c`` with ``c`` a constant of one value that does
    not broadcast ``x`` to a bigger shape."""
    if op.type != "Mul" or any(t in view.fed for t in op.outputs):
        return None
    out = op.outputs[0]
    for x, c in (op.inputs, op.inputs[::-1]):
        if not is_const(c, view) or is_const(x, view) or x.dtype != out.dtype:
            continue
        if shape_of(x) is None or shape_of(x) != shape_of(out):
            continue
        value = const_value(c)
        if value.size == 0 or value.dtype != out.dtype.np:
            continue
        first = value.reshape(-1)[0]
        if value.size == 1 or bool(np.all(value == first)):
            return x, np.asarray(first, dtype=value.dtype)
    return None


def _changes(op: Operation, x: Tensor, c: np.ndarray) -> bool:
    """True when writing ``op`` as ``x * scalar`` changes it (its constant was not a scalar,
    or not the second input)."""
    k = op.inputs[1]
    return op.inputs[0] is not x or const_value(k).size != 1 or const_value(k).ndim != 0

"""A constant scalar factor on an operand of a product moves to where it scales the fewest
elements: ``(x * c) @ b`` becomes ``c * (x @ b)`` - the product scaled in place, a
``_FusedMatMul`` with ``alpha = c`` - or ``x @ (b * c)``, whichever is smaller, when every
reader of ``x * c`` is such a product (so ``x * c`` itself is no longer computed) and the
products together scale fewer elements than ``x * c`` did. T1's gradient scales the (N, D)
difference by 2 / N once for two products; afterwards the (N, H) product ``g @ w2.T`` and the
(N, H) hidden layer are scaled instead: 2 N H elements, not N D. (Grappler folds a constant
multiply into a convolution's filter the same way.) Values change by rounding only: exactly
none when ``c`` is a power of two."""

from __future__ import annotations

import math

import numpy as np

from ..graph import Operation, Tensor
from .arithmetic import scalar_mul
from .view import Change, GraphView, new_const, new_op, rewrite, runtime_id, shape_of

PRODUCTS = frozenset({"MatMul", "_FusedMatMul"})


def run(view: GraphView) -> Change | None:
    """Move every factor whose readers are all products and that gets cheaper so."""
    pinned = view.pinned()
    readers = view.consumers()
    subst: dict[Operation, Operation | list[Operation] | None] = {}
    replaced: dict[int, int] = {}
    for op in view.ops:
        form = scalar_mul(op, view)
        scaled = op.outputs[0] if op.outputs else None
        if form is None or scaled is None or scaled in pinned or shape_of(form[0]) is None:
            continue
        x, c = form
        uses = readers.get(scaled, [])
        moves = [
            m
            for m in (
                _cheapest(r, scaled) for r in uses if r not in subst and r.device == op.device
            )
            if m is not None
        ]
        if (
            not uses
            or len(moves) != len(uses)
            or sum(cost for cost, _ in moves) >= math.prod(shape_of(x) or ())
        ):
            continue
        for r, (_, side) in zip(uses, moves, strict=True):
            subst[r] = _moved(r, scaled, x, c, side, op)
            replaced[r._id] = r._id
        subst[op] = None
        replaced[op._id] = uses[0]._id
    if not subst:
        return None
    change = rewrite(view, subst)
    change.replaced = replaced
    return change


def _cheapest(product: Operation, scaled: Tensor) -> tuple[int, int] | None:
    """(elements scaled, where) for ``product`` reading ``scaled`` once as ``a`` or ``b``:
    where is -1 for the product itself, else the index of the other operand; None when the
    factor cannot move there."""
    if (
        product.type not in PRODUCTS
        or product.inputs[:2].count(scaled) != 1
        or scaled in product.inputs[2:]
    ):
        return None
    other = 1 if product.inputs[0] is scaled else 0
    out, rest = shape_of(product.outputs[0]), shape_of(product.inputs[other])
    if out is None or rest is None:
        return None
    return min((math.prod(out), -1), (math.prod(rest), other))


def _moved(
    product: Operation, scaled: Tensor, x: Tensor, c: np.ndarray, side: int, factor: Operation
) -> Operation | list[Operation]:
    """``product`` reading ``x`` and applying ``c`` on ``side``."""
    ins = [x if t is scaled else t for t in product.inputs]
    if side < 0:  # the product scaled in place, in the kernel that makes it
        attrs = dict(product.attrs)
        attrs.setdefault("transpose_a", False)
        attrs.setdefault("transpose_b", False)
        attrs.setdefault("fused_ops", [])
        attrs["alpha"] = float(c) * float(product.attrs.get("alpha", 1.0))
        attrs["fused_ops"] = ["Scale", *[f for f in attrs["fused_ops"] if f != "Scale"]]
        fused = list(product.meta.get("fused") or [product.name])
        return new_op(
            product,
            "_FusedMatMul",
            tuple(ins),
            attrs=attrs,
            meta={**product.meta, "fused": [factor.name, *fused]},
        )
    other, name = ins[side], f"{product.name}/{'ab'[side]}_scaled"
    k = new_const(factor, c, f"{name}/factor")
    mul = new_op(factor, "Mul", (other, k), op_id=runtime_id(), name=name, dims=other._dims)
    ins[side] = mul.outputs[0]
    return [
        mul,
        new_op(
            product, product.type, tuple(ins), attrs=dict(product.attrs), meta=dict(product.meta)
        ),
    ]

"""``MatMul`` + ``BiasAdd`` + ``Relu`` (or ``Maximum(matmul, 0)``) fused into one
``_FusedMatMul`` (Grappler's remapper): the product lands in one buffer and the bias and the
ReLU are applied in place, with no temporary between them. The fused node takes the last
matched node's id and name, so fetches of it stay valid. Like Grappler, it fuses only when the
matched intermediates have no other reader: in T1's training graph the product also feeds the
ReLU's gradient mask, so only the forward graph (or a layer whose ReLU gradient reads the
ReLU's output, as ``tf.nn.relu``'s does) fuses."""

from __future__ import annotations

import numpy as np

from ..graph import Operation, Tensor
from .view import Change, GraphView, const_value, is_const, new_op, rewrite, shape_of


def run(view: GraphView) -> Change | None:
    """Fuse every matching chain."""
    pinned = view.pinned()
    readers = view.consumers()

    def only_reader(t: Tensor) -> Operation | None:
        r = readers.get(t, [])
        return r[0] if len(r) == 1 and t not in pinned and r[0].inputs.count(t) == 1 else None

    subst: dict[Operation, Operation | None] = {}
    replaced: dict[int, int] = {}
    for mm in view.ops:
        if mm.type != "MatMul" or mm in subst or mm.outputs[0].dtype.np.kind != "f":
            continue
        chain, fused_ops, bias = [mm], [], []
        nxt = only_reader(mm.outputs[0])
        if (
            nxt is not None
            and nxt.type == "BiasAdd"
            and nxt.inputs[0] is mm.outputs[0]
            and nxt.device == mm.device
        ):
            chain.append(nxt)
            fused_ops.append("BiasAdd")
            bias.append(nxt.inputs[1])
            nxt = only_reader(nxt.outputs[0])
        if (
            nxt is not None
            and nxt.device == mm.device
            and _is_relu(nxt, chain[-1].outputs[0], view)
        ):
            chain.append(nxt)
            fused_ops.append("Relu")
        if len(chain) == 1:
            continue
        last = chain[-1]
        fused = new_op(
            last,
            "_FusedMatMul",
            (*mm.inputs, *bias),
            attrs={
                "transpose_a": bool(mm.attrs.get("transpose_a", False)),
                "transpose_b": bool(mm.attrs.get("transpose_b", False)),
                "fused_ops": fused_ops,
            },
            meta={"fused": [op.name for op in chain]},
        )
        for op in chain:
            subst[op] = None
            replaced[op._id] = last._id
        subst[last] = fused
    if not subst:
        return None
    change = rewrite(view, subst)
    change.replaced = replaced
    return change


def _is_relu(op: Operation, x: Tensor, view: GraphView) -> bool:
    if op.type == "Relu":
        return True
    if (
        op.type != "Maximum"
        or shape_of(op.outputs[0]) is None
        or shape_of(op.outputs[0]) != shape_of(x)
    ):
        return False
    other = op.inputs[1] if op.inputs[0] is x else op.inputs[0]
    if other is x or not is_const(other, view):
        return False
    value = const_value(other)
    return value.size == 1 and bool(np.all(value == 0))

"""Constant folding: an op whose inputs are all constants is computed once, here, and becomes
a constant (same id and name, ``meta["folded"]``). An input a kernel reads only for its shape
counts as constant when that shape is known while building, so with static shapes the whole
``gradients/Shape -> Fill -> Mean_grad -> Sum_grad`` chain becomes one constant, as Grappler
folds it; A0.2's unshaped placeholders leave nothing to fold. Folding runs on the host (numpy);
the planner moves the value to the op's device once."""

from __future__ import annotations

from typing import Any

import numpy as np

from engine.devices import CPU

from ..graph import Operation
from ..kernels import SHAPE_ONLY, kernel_inputs, spec
from .view import Change, GraphView, is_pure, new_op, rewrite, shape_of

NOT_FOLDABLE = frozenset(
    {"Placeholder", "PlaceholderWithDefault", "_Arg", "VariableV2", "NoOp", "If", "While"}
)


class _HostView:
    """The bind context of a folded kernel: the CPU, no variables, no randomness."""

    device = CPU
    variables: dict[int, Any] = {}

    def rng(self, op: Operation) -> np.random.Generator:
        raise RuntimeError("a random op is never folded")


def run(view: GraphView) -> Change | None:
    """Fold what constants alone determine."""
    values: dict[Any, Any] = {}
    subst: dict[Operation, Operation | None] = {}
    for op in view.ops:
        if any(t in view.fed for t in op.outputs):
            continue
        if op.type == "Const":
            values[op.outputs[0]] = op.meta["value"]
            continue
        value = _fold(op, values)
        if value is None:
            continue
        values[op.outputs[0]] = value
        subst[op] = new_op(op, "Const", (), meta={"value": value, "folded": True})
    return rewrite(view, subst) if subst else None


def _fold(op: Operation, values: dict[Any, Any]) -> Any:
    if op.type in NOT_FOLDABLE or not is_pure(op) or len(op.outputs) != 1:
        return None
    if op.type in ("Shape", "Rank"):
        dims = shape_of(op.inputs[0])
        if dims is None:
            return None
        return np.asarray(dims if op.type == "Shape" else len(dims), dtype=np.int32)
    if not op.inputs:
        return None
    shape_only = SHAPE_ONLY.get(op.type, ())
    args = []
    for i, t in enumerate(kernel_inputs(op)):
        if t in values:
            args.append(values[t])
        elif i in shape_only and (dims := shape_of(t)) is not None:
            # only its (static) shape and dtype matter: a zero-byte stand-in will do
            args.append(np.broadcast_to(np.zeros((), t.dtype.np), dims))
        else:
            return None
    try:
        value = spec(op.type).bind(op, _HostView())(*args)
    except Exception:  # leave it to run time, where the error names the node
        return None
    return value if hasattr(value, "shape") else np.asarray(value)

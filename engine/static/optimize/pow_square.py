"""``pow(x, c)`` with a constant scalar exponent: 2 becomes ``Square`` (one multiply instead
of ``powf``), 1 an ``Identity``, 0.5 a ``Sqrt`` (Grappler's arithmetic optimizer does the same).
Only where the exponent does not broadcast ``x`` to a bigger shape."""

from __future__ import annotations

from ..graph import Operation
from .view import Change, GraphView, const_value, is_const, new_op, rewrite

SPECIAL = {2.0: "Square", 1.0: "Identity", 0.5: "Sqrt"}


def run(view: GraphView) -> Change | None:
    """Replace every ``Pow`` by a constant 2, 1 or 0.5."""
    subst: dict[Operation, Operation | None] = {}
    for op in view.ops:
        if op.type != "Pow" or any(t in view.fed for t in op.outputs):
            continue
        x, y = op.inputs
        if not is_const(y, view) or x.dtype != op.outputs[0].dtype:
            continue
        value = const_value(y)
        if value.size != 1 or (value.ndim and (x._dims is None or value.ndim > len(x._dims))):
            continue
        kind = SPECIAL.get(float(value.reshape(-1)[0]))
        if kind is not None:
            subst[op] = new_op(op, kind, (x,), dims=op.outputs[0]._dims)
    return rewrite(view, subst) if subst else None

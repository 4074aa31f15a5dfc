"""Common subexpression elimination: two pure ops of the same type, attributes, device and
inputs compute the same value, so the later one is dropped and its readers read the first.
Small constants with equal values merge too. Ops that read Variables or have effects never
merge; neither do fetched nodes (each fetch gets its own array)."""

from __future__ import annotations

from typing import Any

from ..graph import Operation, Tensor
from .view import Change, GraphView, is_pure, rewrite

SMALL = 4096
"""Constants of at most this many elements are compared by value."""


def run(view: GraphView) -> Change | None:
    """Merge duplicates."""
    pinned = view.pinned()
    seen: dict[Any, Operation] = {}
    subst: dict[Operation, Operation | None] = {}
    remap: dict[Tensor, Tensor] = {}
    replaced: dict[int, int] = {}
    for op in view.ops:
        if any(t in pinned for t in op.outputs):
            continue
        key = _key(op, remap)
        if key is None:
            continue
        first = seen.get(key)
        if first is None:
            seen[key] = op
            continue
        subst[op] = None
        for old, new in zip(op.outputs, first.outputs, strict=True):
            remap[old] = new
        replaced[op._id] = first._id
    if not subst:
        return None
    change = rewrite(view, subst, remap)
    change.replaced = replaced
    return change


def _key(op: Operation, remap: dict[Tensor, Tensor]) -> Any:
    outs = tuple((t.dtype.name, t._dims) for t in op.outputs)
    if op.type == "Const":
        value: Any = op.meta.get("value")  # an array (numpy or cupy), or None
        size = getattr(value, "size", SMALL + 1)
        if size > SMALL or not hasattr(value, "tobytes"):
            return None
        return ("Const", op.device, outs, str(value.dtype), tuple(value.shape), value.tobytes())
    if not is_pure(op):
        return None
    ins = tuple(id(remap.get(t, t)) for t in op.inputs)
    ctrl = tuple(id(c) for c in op.control_inputs)
    try:
        attrs = repr(sorted(op.attrs.items()))
    except TypeError:
        return None
    return (op.type, op.device, outs, ins, ctrl, attrs)

"""``tf.squeeze``, ``tf.expand_dims``, ``tf.argmax`` / ``argmin``, ``tf.reduce_max`` / ``min``,
``tf.one_hot``, ``tf.gather``, ``tf.tile`` and ``tf.cumsum``: shape and index ops, named as
TF 1.x names them (an axis given as a number becomes a Const input: ``ArgMax/dimension``,
``ExpandDims/dim``; ``tile``'s multiples and ``cumsum``'s axis stay attributes)."""

from __future__ import annotations

from typing import Any

import numpy as np

from . import api
from . import dtypes as dt
from .graph import Tensor
from .kernels import NOT_DIFFERENTIABLE, BindContext, _static
from .operation import Operation


def squeeze(
    input: Any,  # noqa: A002 - TF's name
    axis: Any = None,
    name: str | None = None,
    squeeze_dims: Any = None,
) -> Tensor:
    """``tf.squeeze``: ``input`` without its size-1 axes (all, or those ``axis`` lists)."""
    axis = squeeze_dims if axis is None else axis
    if isinstance(axis, int):
        axis = [axis]
    attrs = {"axis": None if axis is None else [int(a) for a in axis]}
    return api.apply_op("Squeeze", [input], name, "Squeeze", attrs)


def expand_dims(
    input: Any,  # noqa: A002 - TF's name
    axis: Any = None,
    name: str | None = None,
    dim: Any = None,
) -> Tensor:
    """``tf.expand_dims``: a size-1 axis inserted at ``axis``."""
    axis = dim if axis is None else axis
    if axis is None:
        raise ValueError("Must specify an axis argument to tf.expand_dims()")
    return _with_axis("ExpandDims", "ExpandDims", "dim", input, int(axis), name)


def argmax(
    input: Any,  # noqa: A002 - TF's name
    axis: Any = None,
    name: str | None = None,
    dimension: Any = None,
    output_type: Any = dt.int64,
) -> Tensor:
    """``tf.argmax``: the index of the largest entry along ``axis`` (TF 1: 0 when omitted)."""
    return _arg("ArgMax", input, axis, name, dimension, output_type)


def argmin(
    input: Any,  # noqa: A002 - TF's name
    axis: Any = None,
    name: str | None = None,
    dimension: Any = None,
    output_type: Any = dt.int64,
) -> Tensor:
    """``tf.argmin``: the index of the smallest entry along ``axis`` (TF 1: 0 when omitted)."""
    return _arg("ArgMin", input, axis, name, dimension, output_type)


def _arg(
    op_type: str,
    x: Any,
    axis: Any,
    name: str | None,
    dimension: Any,
    out: Any,  # noqa: A002
) -> Tensor:
    if axis is not None and dimension is not None:
        raise ValueError("Cannot specify both 'axis' and 'dimension'")
    axis = dimension if axis is None else axis
    t = _with_axis(op_type, op_type, "dimension", x, 0 if axis is None else int(axis), name)
    return t if dt.as_dtype(out) == dt.int64 else api.cast(t, out)


def _with_axis(op_type: str, default: str, arg: str, x: Any, axis: int, name: str | None) -> Tensor:
    """``op_type`` on ``x`` with ``axis`` both as attribute and as a Const input named ``arg``
    (a structural input, as TF draws it)."""
    g = api.graph_of(x)
    with g.name_scope(name or default) as scope:
        t = api.convert_to_tensor(x, graph=g)
        a = api.constant(np.int32(axis), dt.int32, name=arg, graph=g)
        return g.create_op(op_type, [t, a], name=scope, attrs={"axis": axis}).outputs[0]


def reduce_max(
    input_tensor: Any,
    axis: Any = None,
    keepdims: Any = None,
    name: str | None = None,
    reduction_indices: Any = None,
    keep_dims: Any = None,
) -> Tensor:
    """``tf.reduce_max`` over ``axis`` (all axes when None)."""
    return api._reduce(
        "Max", "Max", input_tensor, axis, keepdims, name, reduction_indices, keep_dims
    )


def reduce_min(
    input_tensor: Any,
    axis: Any = None,
    keepdims: Any = None,
    name: str | None = None,
    reduction_indices: Any = None,
    keep_dims: Any = None,
) -> Tensor:
    """``tf.reduce_min`` over ``axis`` (all axes when None)."""
    return api._reduce(
        "Min", "Min", input_tensor, axis, keepdims, name, reduction_indices, keep_dims
    )


def gather(
    params: Any,
    indices: Any,
    validate_indices: Any = None,
    name: str | None = None,
    axis: int = 0,
) -> Tensor:
    """``tf.gather``: the slices of ``params`` along ``axis`` that ``indices`` name (rows for
    axis 0, as an embedding lookup reads them). Another axis is moved to the front, gathered
    and moved back (two Transposes around the ``GatherV2`` node)."""
    g = api.graph_of(params, indices)
    x = api.convert_to_tensor(params, graph=g)
    idx = api.convert_to_tensor(indices, graph=g)
    if idx.dtype not in (dt.int32, dt.int64):
        raise TypeError(
            f"Value passed to parameter 'indices' has DataType {idx.dtype.name} not in list of "
            "allowed values: int32, int64"
        )
    rank = None if x._dims is None else len(x._dims)
    axis = int(axis)
    if rank is not None and not -rank <= axis < rank:
        raise ValueError(f"Shape must be at least rank {axis + 1} but is rank {rank}")
    if axis in (0, -rank if rank else 0):
        return api.apply_op("Gather", [x, idx], name, "GatherV2")
    if rank is None or idx._dims is None:
        raise ValueError("tf.gather along an axis other than 0 needs static ranks here")
    axis %= rank
    rest = [d for d in range(rank) if d != axis]
    front = api.transpose(x, [axis, *rest])
    rows = api.apply_op("Gather", [front, idx], name, "GatherV2")
    k = len(idx._dims)
    back = [k + j for j in range(axis)] + list(range(k)) + [k + j for j in range(axis, rank - 1)]
    return api.transpose(rows, back)


def tile(input: Any, multiples: Any, name: str | None = None) -> Tensor:  # noqa: A002
    """``tf.tile``: ``input`` copied ``multiples[i]`` times along each axis i (one multiple
    per axis, as TF asks)."""
    x = api.convert_to_tensor(input)
    reps = [int(m) for m in multiples]
    if x._dims is not None and len(reps) != len(x._dims):
        dims = ",".join("?" if d is None else str(d) for d in x._dims)
        raise ValueError(
            f"Shape must be rank {len(x._dims)} but is rank {len(reps)} for 'Tile' (op: 'Tile') "
            f"with input shapes: [{dims}], [{len(reps)}]."
        )
    if any(m < 0 for m in reps):
        raise ValueError(f"Expected multiples argument to be non-negative, but got {reps}")
    return api.apply_op("Tile", [x], name, "Tile", {"multiples": tuple(reps)})


def cumsum(
    x: Any, axis: int = 0, exclusive: bool = False, reverse: bool = False, name: str | None = None
) -> Tensor:
    """``tf.cumsum``: running sums along ``axis`` (from the end with ``reverse``; each
    element left out of its own sum with ``exclusive``, written as the sum minus it)."""
    t = api.convert_to_tensor(x)
    rank = None if t._dims is None else len(t._dims)
    if rank is not None and not -max(rank, 1) <= int(axis) < max(rank, 1):
        raise ValueError(
            f"axis {int(axis)} is out of range for a tensor of rank {rank} in 'Cumsum'"
        )
    a = int(axis) % rank if rank else int(axis)
    out = api.apply_op("Cumsum", [t], name, "Cumsum", {"axis": a, "reverse": bool(reverse)})
    return api.subtract(out, t) if exclusive else out


# ----------------------------------------------------------------------- one_hot


def one_hot(
    indices: Any,
    depth: int,
    on_value: Any = None,
    off_value: Any = None,
    axis: Any = None,
    dtype: Any = None,
    name: str | None = None,
) -> Tensor:
    """``tf.one_hot``: ``on_value`` where the last axis' index equals ``indices``, else
    ``off_value`` (1 and 0 in float32 unless told)."""
    if axis not in (None, -1):
        raise ValueError("tf.one_hot here puts the new axis last (axis=-1)")
    g = api.graph_of(indices)
    d = dt.as_dtype(dtype) if dtype is not None else dt.float32
    with g.name_scope(name or "one_hot") as scope:
        idx = api.convert_to_tensor(indices, graph=g)
        if not idx.dtype.is_integer:
            raise TypeError(
                f"Value passed to parameter 'indices' has DataType {idx.dtype.name} not in list "
                f"of allowed values: uint8, int32, int64"
            )
        n = api.constant(np.int32(depth), dt.int32, name="depth", graph=g)
        on = api.constant(1 if on_value is None else on_value, d, name="on_value", graph=g)
        off = api.constant(0 if off_value is None else off_value, d, name="off_value", graph=g)
        dims = None if idx._dims is None else (*idx._dims, int(depth))
        return g.create_op(
            "OneHot", [idx, n, on, off], name=scope, dtypes=[d], shapes=[dims], attrs={"axis": -1}
        ).outputs[0]


def _one_hot_kernel(op: Operation, ctx: BindContext) -> Any:
    xp = ctx.device.xp

    def one_hot(indices: Any, depth: Any, on: Any, off: Any) -> Any:
        hit = xp.expand_dims(indices, -1) == xp.arange(int(depth))
        return xp.where(hit, on, off)

    return one_hot


_static("OneHot", _one_hot_kernel, grad=NOT_DIFFERENTIABLE)


# -------------------------------------------------------------------------- size


def size(input: Any, name: str | None = None, out_type: Any = dt.int32) -> Tensor:  # noqa: A002
    """``tf.size``: the number of elements, as a scalar (a Const when the shape is known)."""
    g = api.graph_of(input)
    x = api.convert_to_tensor(input, graph=g)
    d = dt.as_dtype(out_type)
    if x._dims is not None and None not in x._dims:
        count = int(np.prod([int(n or 0) for n in x._dims]))
        return api.constant(count, d, name=name or "Size", graph=g)
    return g.create_op("Size", [x], name=name or "Size", dtypes=[d], shapes=[()]).outputs[0]


def _size_kernel(op: Operation, ctx: BindContext) -> Any:
    dtype = op.outputs[0].dtype.np
    return lambda x: np.asarray(x.size, dtype=dtype)


_static("Size", _size_kernel)

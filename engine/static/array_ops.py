"""``tf.squeeze``, ``tf.expand_dims``, ``tf.argmax`` / ``argmin``, ``tf.reduce_max`` / ``min``
and ``tf.one_hot``: shape and index ops, named as TF 1.x names them (an axis given as a
number becomes a Const input: ``ArgMax/dimension``, ``ExpandDims/dim``)."""

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

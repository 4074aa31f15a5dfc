"""Matrix product, bias, reductions, and the helper ops their gradients use.

``unbroadcast`` is the one place where broadcasting is undone: the ``Unbroadcast`` op runs it,
and every gradient rule reaches it through ``F.unbroadcast``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from .math import ufunc_out
from .shapes import (
    batch_matmul_flops,
    batch_matmul_shape,
    binary_shape,
    is_known,
    like_shape,
    matmul_flops,
    matmul_shape,
    no_flops,
    numel,
    reduce_axes,
    reduce_flops,
    reduce_shape,
    same_shape,
)
from .table import define


def _matmul(xp: Any, a: Any, b: Any, transpose_a: bool = False, transpose_b: bool = False) -> Any:
    return xp.matmul(a.T if transpose_a else a, b.T if transpose_b else b)


def _matmul_out(
    xp: Any, a: Any, b: Any, out: Any, transpose_a: bool = False, transpose_b: bool = False
) -> Any:
    return xp.matmul(a.T if transpose_a else a, b.T if transpose_b else b, out=out)


def bind_matmul(
    xp: Any, out: Any, transpose_a: bool = False, transpose_b: bool = False
) -> Callable[..., Any]:
    """MatMul's ``binder``: the transpositions decided once, not on every call."""
    mm = xp.matmul
    if transpose_a and transpose_b:
        return lambda a, b: mm(a.T, b.T, out=out)
    if transpose_a:
        return lambda a, b: mm(a.T, b, out=out)
    if transpose_b:
        return lambda a, b: mm(a, b.T, out=out)
    return lambda a, b: mm(a, b, out=out)


def _matmul_grad(
    F: Any, g: Any, out: Any, a: Any, b: Any, transpose_a: bool = False, transpose_b: bool = False
) -> tuple[Callable[[], Any], Callable[[], Any]]:
    """d(a @ b): ``g @ b.T`` and ``a.T @ g``, with the forward's transpositions folded in."""
    if transpose_a:
        da = lambda: F("MatMul", b, g, transpose_a=transpose_b, transpose_b=True)  # noqa: E731
    else:
        da = lambda: F("MatMul", g, b, transpose_b=not transpose_b)  # noqa: E731
    if transpose_b:
        db = lambda: F("MatMul", g, a, transpose_a=True, transpose_b=transpose_a)  # noqa: E731
    else:
        db = lambda: F("MatMul", a, g, transpose_a=not transpose_a)  # noqa: E731
    return da, db


define(
    "MatMul",
    kernel=_matmul,
    shape=matmul_shape,
    flops=matmul_flops,
    grad=_matmul_grad,
    reads=((1,), (0,)),
    eager_name="mm",
    backward_name="MmBackward0",
    kernel_out=_matmul_out,
    binder=bind_matmul,
)
define(
    "BiasAdd",
    kernel=lambda xp, x, b: xp.add(x, b),
    shape=binary_shape,
    grad=lambda F, g, out, x, b: (lambda: g, lambda: F("Sum", g, axis=0)),
    backward_name="AddBackward0",
    saved=(),
    elementwise=True,
    **ufunc_out("add", 2),
)

# ----------------------------------------------------------------- reductions


def _ax(axis: Any) -> Any:
    return tuple(axis) if isinstance(axis, list) else axis


def _sum_grad(xp: Any, g: Any, x: Any, axis: Any = None, keepdims: bool = False) -> Any:
    if not keepdims and axis is not None:
        g = xp.expand_dims(g, reduce_axes(axis, x.ndim))
    return xp.broadcast_to(g, x.shape)


def _mean_grad(xp: Any, g: Any, x: Any, axis: Any = None, keepdims: bool = False) -> Any:
    kept = reduce_shape(x.shape, axis, keepdims)  # known: x is an array
    count = x.size // max(1, math.prod(kept) if is_known(kept) else 1)
    return _sum_grad(xp, g, x, axis, keepdims) / xp.asarray(count, dtype=x.dtype)


define(
    "Sum",
    kernel=lambda xp, x, axis=None, keepdims=False: xp.sum(x, axis=_ax(axis), keepdims=keepdims),
    shape=reduce_shape,
    flops=reduce_flops,
    grad=lambda F, g, out, x, axis=None, keepdims=False: (
        lambda: F("SumGrad", g, x, axis=axis, keepdims=keepdims),
    ),
    saved=(),
)
define(
    "Mean",
    kernel=lambda xp, x, axis=None, keepdims=False: xp.mean(x, axis=_ax(axis), keepdims=keepdims),
    shape=reduce_shape,
    flops=reduce_flops,
    grad=lambda F, g, out, x, axis=None, keepdims=False: (
        lambda: F("MeanGrad", g, x, axis=axis, keepdims=keepdims),
    ),
    saved=(),
)
define("SumGrad", kernel=_sum_grad, shape=like_shape, flops=no_flops)
define("MeanGrad", kernel=_mean_grad, shape=like_shape)


def unbroadcast(xp: Any, g: Any, shape: tuple[int, ...]) -> Any:
    """Sum ``g`` over the axes that broadcasting added or stretched, back to ``shape``.

    The one place where broadcasting is undone.
    """
    g = xp.asarray(g)
    if g.shape == tuple(shape):
        return g
    lead = g.ndim - len(shape)
    if lead > 0:
        g = g.sum(axis=tuple(range(lead)))
    stretched = tuple(i for i, d in enumerate(shape) if d == 1 and g.shape[i] != 1)
    if stretched:
        g = g.sum(axis=stretched, keepdims=True)
    return g.reshape(shape)


define(
    "Unbroadcast",
    kernel=lambda xp, g, like: unbroadcast(xp, g, like.shape),
    shape=like_shape,
    flops=lambda out, g, *r, **k: numel(g),
)


def _extreme_grad(
    xp: Any, g: Any, x: Any, out: Any, axis: Any = None, keepdims: bool = False
) -> Any:
    """``g`` at the elements that equal the max (or min), shared equally among ties
    (TensorFlow's rule; PyTorch's ``max()`` without ``dim`` does the same)."""
    if not keepdims and axis is not None:
        axes = reduce_axes(axis, x.ndim)
        g, out = xp.expand_dims(g, axes), xp.expand_dims(out, axes)
    hit = x == out
    count = hit.sum(axis=_ax(axis), keepdims=True)
    return xp.where(hit, g / count.astype(x.dtype), xp.zeros((), dtype=x.dtype))


for _name, _fname in (("Max", "max"), ("Min", "min")):
    define(
        _name,
        kernel=lambda xp, x, axis=None, keepdims=False, _f=_fname: getattr(xp, _f)(
            x, axis=_ax(axis), keepdims=keepdims
        ),
        shape=reduce_shape,
        flops=reduce_flops,
        grad=lambda F, g, out, x, axis=None, keepdims=False: (
            lambda: F("ExtremeGrad", g, x, out, axis=axis, keepdims=keepdims),
        ),
        eager_name=_fname,
        backward_name=f"{_name}Backward1",
        saves_output=True,
    )
for _name, _fname in (("Any", "any"), ("All", "all")):
    define(  # tf.reduce_any / reduce_all, torch's any() / all(): no gradient, a bool answer
        _name,
        kernel=lambda xp, x, axis=None, keepdims=False, _f=_fname: getattr(xp, _f)(
            x, axis=_ax(axis), keepdims=keepdims
        ),
        shape=reduce_shape,
        flops=reduce_flops,
        eager_name=_fname,
        out_dtype="bool",
        same_dtypes=False,
    )
define("ExtremeGrad", kernel=_extreme_grad, shape=lambda g, x, out, **k: x, flops=reduce_flops)


def _norm(xp: Any, x: Any, axis: Any = None, keepdims: bool = False) -> Any:
    return xp.sqrt(xp.sum(x * x, axis=_ax(axis), keepdims=keepdims))


def _norm_grad(xp: Any, g: Any, x: Any, out: Any, axis: Any = None, keepdims: bool = False) -> Any:
    """``g * x / norm``, and 0 where the norm is 0 (PyTorch's subgradient there)."""
    if not keepdims and axis is not None:
        axes = reduce_axes(axis, x.ndim)
        g, out = xp.expand_dims(g, axes), xp.expand_dims(out, axes)
    zero = xp.zeros((), dtype=x.dtype)
    return xp.where(out == 0, zero, g * x / xp.where(out == 0, xp.ones((), x.dtype), out))


define(
    "EuclideanNorm",
    kernel=_norm,
    shape=reduce_shape,
    flops=lambda out, x, **k: 2 * numel(x),
    grad=lambda F, g, out, x, axis=None, keepdims=False: (
        lambda: F("EuclideanNormGrad", g, x, out, axis=axis, keepdims=keepdims),
    ),
    eager_name="norm",
    backward_name="LinalgVectorNormBackward0",
    saves_output=True,
)
define(
    "EuclideanNormGrad",
    kernel=_norm_grad,
    shape=lambda g, x, out, **k: x,
    flops=lambda out, g, x, *r, **k: 3 * numel(x),
)


def _arg_shape(x: Any, axis: Any = None, **attrs: Any) -> Any:
    return reduce_shape(x, axis, False)


for _name, _fname in (("ArgMax", "argmax"), ("ArgMin", "argmin")):
    define(
        _name,
        kernel=lambda xp, x, axis=None, _f=_fname: getattr(xp, _f)(x, axis=axis).astype("int64"),
        shape=_arg_shape,
        flops=reduce_flops,
        eager_name=_fname,
        out_dtype="int64",
    )

# ------------------------------------------------------------- batched matmul


def _batch_matmul(xp: Any, a: Any, b: Any, adj_x: bool = False, adj_y: bool = False) -> Any:
    return xp.matmul(xp.swapaxes(a, -1, -2) if adj_x else a, xp.swapaxes(b, -1, -2) if adj_y else b)


def _batch_matmul_grad(
    F: Any, g: Any, out: Any, a: Any, b: Any, adj_x: bool = False, adj_y: bool = False
) -> tuple[Callable[[], Any], Callable[[], Any]]:
    """d(a @ b) over stacks: ``g @ b^T`` and ``a^T @ g``, summed over broadcast batch axes."""
    if adj_x:
        da = lambda: F("BatchMatMulV2", b, g, adj_x=adj_y, adj_y=True)  # noqa: E731
    else:
        da = lambda: F("BatchMatMulV2", g, b, adj_y=not adj_y)  # noqa: E731
    if adj_y:
        db = lambda: F("BatchMatMulV2", g, a, adj_x=True, adj_y=adj_x)  # noqa: E731
    else:
        db = lambda: F("BatchMatMulV2", a, g, adj_x=not adj_x)  # noqa: E731
    return (lambda: F.unbroadcast(da(), a)), (lambda: F.unbroadcast(db(), b))


define(
    "BatchMatMulV2",
    kernel=_batch_matmul,
    shape=batch_matmul_shape,
    flops=batch_matmul_flops,
    grad=_batch_matmul_grad,
    reads=((1,), (0,)),
    eager_name="matmul",
    backward_name="BmmBackward0",
)

# ------------------------------------------------------------- running sums, sorting


def _cumsum(xp: Any, x: Any, axis: int = 0, reverse: bool = False) -> Any:
    if reverse:
        return xp.flip(xp.cumsum(xp.flip(x, axis), axis=axis), axis)
    return xp.cumsum(x, axis=axis)


define(
    "Cumsum",
    kernel=_cumsum,
    shape=same_shape,
    grad=lambda F, g, out, x, axis=0, reverse=False: (
        lambda: F("Cumsum", g, axis=axis, reverse=not reverse),  # each x[i] reaches out[i:]
    ),
    backward_name="CumsumBackward0",
    saved=(),
)


def _argsort(xp: Any, x: Any, axis: int = -1, descending: bool = False) -> Any:
    """Positions that sort ``x`` along ``axis``, ties in their order (a stable sort, as
    cupy's always is). Descending: the stable ascending order of the reversed axis, reversed
    and renumbered, so that ties still keep their order."""
    if x.ndim == 0:  # one value: it is first
        return xp.zeros((), dtype="int64")
    if not descending:
        return xp.argsort(x, axis=axis, kind="stable").astype("int64")
    n = x.shape[axis]
    back = xp.argsort(xp.flip(x, axis), axis=axis, kind="stable")
    return (n - 1 - xp.flip(back, axis)).astype("int64")


define(
    "ArgSort",  # the values come from the input at these positions (GatherElements)
    kernel=_argsort,
    shape=same_shape,
    flops=no_flops,  # comparisons and moves, no arithmetic
    eager_name="argsort",
    out_dtype="int64",
)

"""Fused ops: what the static graph's fusion passes put in place of a matched chain
(TensorFlow's Grappler calls the first one ``_FusedMatMul``).

Not differentiable: they exist only in the graph a Session runs, after the gradients were
built. Their kernels take ``out`` (None: allocate) and are their own ``kernel_out``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from .linalg import bind_matmul
from .shapes import Shape, broadcast, matmul_flops, matmul_shape, numel, reduce_axes, reduce_shape
from .table import OPS, define


def _fused_matmul(
    xp: Any,
    a: Any,
    b: Any,
    *bias: Any,
    out: Any = None,
    transpose_a: bool = False,
    transpose_b: bool = False,
    fused_ops: Any = (),
    alpha: float = 1.0,
) -> Any:
    """``activation(alpha * (a @ b) + bias)`` in one buffer: the product, then the scale,
    bias and ReLU in place."""
    r = xp.matmul(a.T if transpose_a else a, b.T if transpose_b else b, out=out)
    if alpha != 1.0:
        xp.multiply(r, alpha, out=r)
    if bias:
        xp.add(r, bias[0], out=r)
    if "Relu" in fused_ops:
        xp.maximum(r, 0, out=r)
    return r


def _bind_fused_matmul(
    xp: Any,
    out: Any,
    transpose_a: bool = False,
    transpose_b: bool = False,
    fused_ops: Any = (),
    alpha: float = 1.0,
) -> Callable[..., Any]:
    if fused_ops != ["Scale"]:
        return functools.partial(
            _fused_matmul,
            xp,
            out=out,
            transpose_a=transpose_a,
            transpose_b=transpose_b,
            fused_ops=fused_ops,
            alpha=alpha,
        )
    product, multiply = bind_matmul(xp, out, transpose_a, transpose_b), xp.multiply
    return lambda a, b: multiply(product(a, b), alpha, out=out)


def _fused_matmul_shape(
    a: Shape,
    b: Shape,
    *bias: Shape,
    transpose_a: bool = False,
    transpose_b: bool = False,
    **attrs: Any,
) -> Shape:
    return matmul_shape(a, b, transpose_a, transpose_b)


def _fused_matmul_flops(
    out: Shape,
    a: Shape,
    b: Shape,
    *bias: Shape,
    transpose_a: bool = False,
    fused_ops: Any = (),
    **attrs: Any,
) -> int:
    return matmul_flops(out, a, b, transpose_a) + numel(out) * len(fused_ops)


define(
    "_FusedMatMul",
    kernel=_fused_matmul,
    shape=_fused_matmul_shape,
    flops=_fused_matmul_flops,
    eager_name="fused_mm",
    backward_name="FusedMatMulBackward0",
    kernel_out=_fused_matmul,
    binder=_bind_fused_matmul,
)

# ------------------------------------------------------------ elementwise chains


def _scalar_scale(shape: tuple[int, ...], reduce: Any) -> float | None:
    """If the reductions ``reduce`` take ``shape`` down to a scalar, the factor the Means put
    on the plain sum of all elements; else None."""
    scale, rank = 1.0, len(shape)
    dims = list(shape)
    for kind, axis, keepdims in reduce:
        if keepdims:
            return None
        axes = reduce_axes(axis, len(dims))
        if kind == "Mean":
            for i in axes:
                scale /= max(dims[i], 1)
        dims = [d for i, d in enumerate(dims) if i not in axes]
    return scale if not dims and rank >= 0 else None


def fused_elementwise(
    xp: Any, *xs: Any, out: Any = None, program: Any = (), reduce: Any = ()
) -> Any:
    """A chain of elementwise ops (``program``: ``[op, [input index or -1 for the running
    value]]``), each after the first in place in one temporary, then the reductions
    ``reduce`` (``[op, axis, keepdims]``). A chain ending in ``Square`` and reduced to a scalar
    is a dot product (no temporary for the square at all)."""
    steps = list(program)
    square_dot = bool(reduce) and steps[-1][0] == "Square"
    if square_dot:
        steps = steps[:-1]
    v = None
    for name, refs in steps:
        args = [v if r < 0 else xs[r] for r in refs]
        op = OPS[name]
        if v is None:
            v = (
                op.kernel(xp, *args)
                if out is None or reduce
                else op.out_kernel()(xp, *args, out=out)
            )
        elif getattr(v, "ndim", 0):
            v = op.out_kernel()(xp, *args, out=v)
        else:  # a 0-d value may be a numpy scalar, which takes no out=
            v = op.kernel(xp, *args)
    if square_dot:
        base = v if v is not None else xs[program[-1][1][0]]
        scale = _scalar_scale(tuple(base.shape), reduce)
        if scale is not None:
            flat = base.reshape(-1)
            total = xp.dot(flat, flat)
            return total * base.dtype.type(scale) if scale != 1.0 else total
        v = xp.square(base) if v is None else xp.square(v, out=v)
    for kind, axis, keepdims in reduce:
        v = OPS[kind].kernel(xp, v, axis=axis, keepdims=keepdims)
    return v


def bind_fused_elementwise(
    xp: Any, out: Any = None, program: Any = (), reduce: Any = ()
) -> Callable[..., Any]:
    """``fused_elementwise`` bound to its attributes (``out`` may be None).

    A lone square reduced to a scalar (a loss: ``mean(sum(d ** 2, 1))``) becomes a plain
    ``dot(d, d) * scale`` with the scale worked out once per input shape and dtype, not on
    every call; any other chain runs ``fused_elementwise``.
    """
    if not (reduce and len(program) == 1 and program[0][0] == "Square"):
        return functools.partial(fused_elementwise, xp, out=out, program=program, reduce=reduce)
    src, dot = program[0][1][0], xp.dot
    known: list[tuple[Any, Any, Any]] = [(None, None, None)]  # shape, dtype, scale factor

    def sum_of_squares(*xs: Any) -> Any:
        x = xs[src]
        shape, dtype, factor = known[0]
        if shape != x.shape or dtype != x.dtype:
            scale = _scalar_scale(tuple(x.shape), reduce)
            factor = None if scale is None else 1 if scale == 1.0 else x.dtype.type(scale)
            known[0] = (x.shape, x.dtype, factor)
        if factor is None:  # not reduced to a scalar: the general chain
            return fused_elementwise(xp, *xs, out=out, program=program, reduce=reduce)
        flat = x.reshape(-1)
        total = dot(flat, flat)
        return total if factor == 1 else total * factor

    return sum_of_squares


def _fused_elementwise_shape(
    *shapes: Shape, program: Any = (), reduce: Any = (), **attrs: Any
) -> Shape:
    out: Shape = ()
    for s in shapes:
        out = broadcast(out, s)
    for _kind, axis, keepdims in reduce:
        out = reduce_shape(out, axis, keepdims)
    return out


def _fused_elementwise_flops(
    out: Shape, *shapes: Shape, program: Any = (), reduce: Any = (), **attrs: Any
) -> int:
    n: Shape = ()
    for s in shapes:
        n = broadcast(n, s)
    return numel(n) * (len(program) + len(reduce))


define(
    "_FusedElementwise",
    kernel=fused_elementwise,
    shape=_fused_elementwise_shape,
    flops=_fused_elementwise_flops,
    eager_name="fused_elementwise",
    backward_name="FusedElementwiseBackward0",
    kernel_out=fused_elementwise,
    binder=bind_fused_elementwise,
)

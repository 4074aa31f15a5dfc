"""The op table: every op once, shared by the static and the eager front end.

An op is one small record: a forward kernel written against the array module ``xp`` (numpy
or cupy, never branching on which), a shape rule, a FLOP count and a gradient rule. Op names
are TensorFlow's op types (``MatMul``, ``Maximum``, ``Sum``); the eager front end shows its
own names (``mm``, ``clamp``) and PyTorch's backward names (``MmBackward0``).

Gradient rules are written once against a tiny builder ``F``: ``F(op, *args, **attrs)`` applies
an op and ``F.unbroadcast(g, x)`` sums a gradient back to ``x``'s shape. The static front end
passes a builder that adds graph nodes (``tf.gradients``); the eager one passes a builder that
runs kernels at once (``backward()``). A rule gets ``needs`` (which inputs want a gradient) and
returns one gradient or None per input.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

Shape = tuple[int | None, ...] | None  # None: unknown rank; None inside: unknown dimension


class ShapeError(ValueError):
    """Inputs whose shapes do not fit together; front ends word it as their framework does.

    Attributes:
        kind: "matmul" (inner dimensions differ), "broadcast", "rank" or "reduce".
        shapes: the input shapes.
        dims: the two dimensions that disagree.
        axis: the axis where they disagree (broadcast: counted on the longer shape).
    """

    def __init__(
        self,
        kind: str,
        shapes: tuple[Shape, ...],
        dims: tuple[Any, Any] = (None, None),
        axis: int | None = None,
    ) -> None:
        super().__init__(f"{kind} shape mismatch: {shapes}")
        self.kind, self.shapes, self.dims, self.axis = kind, shapes, dims, axis


class Builder(Protocol):
    def __call__(self, op: str, *args: Any, **attrs: Any) -> Any: ...
    def unbroadcast(self, g: Any, like: Any) -> Any: ...


GradRule = Callable[..., tuple[Any, ...]]


@dataclass(frozen=True, slots=True)
class Op:
    """One op of the table.

    Attributes:
        name: TensorFlow's op type, used in events and static node names.
        kernel: ``kernel(xp, *arrays, **attrs) -> array``.
        shape: ``shape(*input_shapes, **attrs) -> Shape``; raises ShapeError.
        flops: ``flops(out_shape, *input_shapes, **attrs) -> int``.
        grad: ``grad(F, g, out, *inputs, needs=..., **attrs) -> grads``; None: not differentiable.
        eager_name: the PyTorch-style name (``mm``) shown for eager nodes.
        backward_name: PyTorch's grad_fn name (``MmBackward0``).
        out_dtype: "same" (of input 0), "bool", or a fixed dtype name.
    """

    name: str
    kernel: Callable[..., Any]
    shape: Callable[..., Shape]
    flops: Callable[..., int]
    grad: GradRule | None
    eager_name: str
    backward_name: str
    out_dtype: str = "same"


OPS: dict[str, Op] = {}


def register(
    name: str,
    kernel: Callable[..., Any],
    shape: Callable[..., Shape],
    *,
    flops: Callable[..., int] | None = None,
    grad: GradRule | None = None,
    eager: str | None = None,
    backward: str | None = None,
    out_dtype: str = "same",
) -> Op:
    """Add one op to the table."""
    eager_name = eager or name.lower()
    op = Op(
        name,
        kernel,
        shape,
        flops or elementwise_flops,
        grad,
        eager_name,
        backward or f"{eager_name.capitalize()}Backward0",
        out_dtype,
    )
    OPS[name] = op
    return op


# --------------------------------------------------------------------- shapes


def numel(shape: Shape) -> int:
    """Number of elements of a fully known shape (0 where unknown)."""
    if shape is None or any(d is None for d in shape):
        return 0
    return math.prod(shape)  # type: ignore[arg-type]


def elementwise_flops(out: Shape, *inputs: Shape, **attrs: Any) -> int:
    return numel(out)


def reduce_flops(out: Shape, x: Shape, *rest: Shape, **attrs: Any) -> int:
    return numel(x)


def no_flops(out: Shape, *inputs: Shape, **attrs: Any) -> int:
    return 0


def broadcast(a: Shape, b: Shape) -> Shape:
    """numpy's broadcasting rule over possibly unknown shapes; raises ShapeError."""
    if a is None or b is None:
        return None
    out: list[int | None] = []
    n = max(len(a), len(b))
    pa, pb = (1,) * (n - len(a)) + tuple(a), (1,) * (n - len(b)) + tuple(b)
    for axis, (x, y) in enumerate(zip(pa, pb, strict=True)):
        if x == 1:
            out.append(y)
        elif y == 1 or x == y or y is None:
            out.append(x)
        elif x is None:
            out.append(y)
        else:
            raise ShapeError("broadcast", (a, b), (x, y), axis)
    return tuple(out)


def same_shape(x: Shape, *rest: Shape, **attrs: Any) -> Shape:
    return x


def binary_shape(a: Shape, b: Shape, **attrs: Any) -> Shape:
    return broadcast(a, b)


def matmul_shape(
    a: Shape, b: Shape, transpose_a: bool = False, transpose_b: bool = False, **attrs: Any
) -> Shape:
    if a is None or b is None:
        return None
    if len(a) != 2 or len(b) != 2:
        raise ShapeError("rank", (a, b), (len(a), len(b)))
    m, k = (a[1], a[0]) if transpose_a else (a[0], a[1])
    k2, n = (b[1], b[0]) if transpose_b else (b[0], b[1])
    if k is not None and k2 is not None and k != k2:
        raise ShapeError("matmul", (a, b), (k, k2), 1)
    return (m, n)


def matmul_flops(out: Shape, a: Shape, b: Shape, transpose_a: bool = False, **attrs: Any) -> int:
    if out is None or a is None:
        return 0
    k = a[0] if transpose_a else a[1]
    return 2 * numel(out) * (k or 0)


def _axes(axis: Any, rank: int) -> tuple[int, ...]:
    if axis is None:
        return tuple(range(rank))
    axes = axis if isinstance(axis, (tuple, list)) else (axis,)
    out = []
    for a in axes:
        a = int(a)
        if not -rank <= a < rank:
            raise ShapeError("reduce", ((rank,),), (a, rank), a)
        out.append(a % rank)
    return tuple(sorted(out))


def reduce_shape(x: Shape, axis: Any = None, keepdims: bool = False, **attrs: Any) -> Shape:
    if x is None:
        return None if axis is not None or keepdims else ()
    axes = _axes(axis, len(x))
    if keepdims:
        return tuple(1 if i in axes else d for i, d in enumerate(x))
    return tuple(d for i, d in enumerate(x) if i not in axes)


def transpose_shape(x: Shape, **attrs: Any) -> Shape:
    if x is None:
        return None
    if len(x) > 2:
        raise ShapeError("rank", (x,), (len(x), 2))
    return tuple(reversed(x))


def like_shape(g: Shape, like: Shape, *rest: Any, **attrs: Any) -> Shape:
    return like


# -------------------------------------------------------------------- kernels


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


def _matmul(xp: Any, a: Any, b: Any, transpose_a: bool = False, transpose_b: bool = False) -> Any:
    return xp.matmul(a.T if transpose_a else a, b.T if transpose_b else b)


def _sum_grad(xp: Any, g: Any, x: Any, axis: Any = None, keepdims: bool = False) -> Any:
    if not keepdims and axis is not None:
        g = xp.expand_dims(g, _axes(axis, x.ndim))
    return xp.broadcast_to(g, x.shape)


def _mean_grad(xp: Any, g: Any, x: Any, axis: Any = None, keepdims: bool = False) -> Any:
    count = x.size // max(1, math.prod(reduce_shape(x.shape, axis, keepdims) or (1,)))
    return _sum_grad(xp, g, x, axis, keepdims) / xp.asarray(count, dtype=x.dtype)


CMP = {"ge": "greater_equal", "gt": "greater", "lt": "less", "le": "less_equal"}
"""GradMask's comparisons: ``cmp`` attribute -> ufunc name."""


def _grad_mask(xp: Any, g: Any, a: Any, b: Any, cmp: str = "ge") -> Any:
    """``g`` where ``a cmp b`` holds, else 0 (Maximum's and Minimum's gradient)."""
    keep = getattr(xp, CMP[cmp])
    if getattr(g, "ndim", 0) and getattr(a, "shape", None) == g.shape:
        return select_bits(xp, keep, g, a, b, xp.empty(g.shape, g.dtype))
    return xp.where(keep(a, b), g, xp.zeros((), dtype=g.dtype))


def select_bits(xp: Any, keep: Any, g: Any, a: Any, b: Any, out: Any, mask: Any = None) -> Any:
    """``where(keep(a, b), g, 0)`` into ``out`` (``g``'s shape and dtype) without branches.

    ``where`` and ``copyto(..., where=)`` branch on every element, which a ReLU's mask (half
    its elements, in no order) makes mispredict: 3-4x slower than this. Here the mask becomes
    an integer of all ones (kept) or zero (dropped) and is ANDed with ``g``'s bits, so a kept
    element is ``g``'s exactly and a dropped one is +0.0, as ``where`` gives (NaN included).
    Falls back to ``where`` for what is not a float array of ``out``'s shape. ``mask``: an
    integer array of ``out``'s shape and itemsize to use for the mask (else one is made).
    """
    if out.dtype.kind != "f" or g.shape != out.shape or g.dtype != out.dtype:
        xp.copyto(out, xp.where(keep(a, b), g, xp.zeros((), dtype=out.dtype)))
        return out
    bits = f"i{out.dtype.itemsize}"
    if mask is None:
        mask = xp.empty(out.shape, bits)
    keep(a, b, out=mask)  # True -> 1, False -> 0
    xp.negative(mask, out=mask)  # 1 -> all bits set
    xp.bitwise_and(g.view(bits), mask, out=out.view(bits))
    return out


def _clamp(xp: Any, x: Any, min: float | None = None, max: float | None = None) -> Any:  # noqa: A002
    if max is None:  # one-sided bounds as maximum/minimum: same values, less call overhead
        return xp.maximum(x, min)
    if min is None:
        return xp.minimum(x, max)
    return xp.clip(x, min, max)


def _clamp_grad(
    xp: Any,
    g: Any,
    x: Any,
    min: float | None = None,  # noqa: A002
    max: float | None = None,
) -> Any:
    keep = xp.ones(x.shape, dtype=bool)
    if min is not None:
        keep &= x >= min
    if max is not None:
        keep &= x <= max
    return xp.where(keep, g, xp.zeros((), dtype=g.dtype))


def _cast_like(xp: Any, value: Any, like: Any) -> Any:
    return xp.asarray(value, dtype=like.dtype)


# ------------------------------------------------------------ the table itself
# Each line: name, kernel, shape rule, then flops / gradient / eager name / backward name.

U = "unbroadcast"
register(
    "Identity",
    lambda xp, x: x,
    same_shape,
    flops=no_flops,
    grad=lambda F, g, out, x, needs: (g,),
    eager="clone",
    backward="CloneBackward0",
)
register(
    "Neg",
    lambda xp, x: xp.negative(x),
    same_shape,
    grad=lambda F, g, out, x, needs: (F("Neg", g),),
    backward="NegBackward0",
)
register(
    "Add",
    lambda xp, a, b: xp.add(a, b),
    binary_shape,
    grad=lambda F, g, out, a, b, needs: (
        F.unbroadcast(g, a) if needs[0] else None,
        F.unbroadcast(g, b) if needs[1] else None,
    ),
)
register(
    "Sub",
    lambda xp, a, b: xp.subtract(a, b),
    binary_shape,
    grad=lambda F, g, out, a, b, needs: (
        F.unbroadcast(g, a) if needs[0] else None,
        F.unbroadcast(F("Neg", g), b) if needs[1] else None,
    ),
)
register(
    "Mul",
    lambda xp, a, b: xp.multiply(a, b),
    binary_shape,
    grad=lambda F, g, out, a, b, needs: (
        F.unbroadcast(F("Mul", g, b), a) if needs[0] else None,
        F.unbroadcast(F("Mul", g, a), b) if needs[1] else None,
    ),
)
register(
    "RealDiv",
    lambda xp, a, b: xp.true_divide(a, b),
    binary_shape,
    eager="div",
    grad=lambda F, g, out, a, b, needs: (
        F.unbroadcast(F("RealDiv", g, b), a) if needs[0] else None,
        F.unbroadcast(F("Neg", F("RealDiv", F("Mul", g, out), b)), b) if needs[1] else None,
    ),
)
register(
    "Pow",
    lambda xp, x, y: xp.power(x, y),
    binary_shape,
    grad=lambda F, g, out, x, y, needs: (
        F.unbroadcast(F("Mul", g, F("Mul", y, F("Pow", x, F("Sub", y, 1.0)))), x)
        if needs[0]
        else None,
        F.unbroadcast(F("Mul", g, F("Mul", out, F("Log", x))), y) if needs[1] else None,
    ),
)
register(
    "Square",
    lambda xp, x: xp.square(x),
    same_shape,
    grad=lambda F, g, out, x, needs: (F("Mul", g, F("Mul", x, 2.0)),),
    backward="PowBackward0",
)
register(
    "SquaredDifference",
    lambda xp, a, b: xp.square(xp.subtract(a, b)),
    binary_shape,
    flops=lambda out, *i, **k: 2 * numel(out),
    grad=lambda F, g, out, a, b, needs: (
        F.unbroadcast(F("Mul", g, F("Mul", F("Sub", a, b), 2.0)), a) if needs[0] else None,
        F.unbroadcast(F("Mul", g, F("Mul", F("Sub", b, a), 2.0)), b) if needs[1] else None,
    ),
)
register(
    "Exp", lambda xp, x: xp.exp(x), same_shape, grad=lambda F, g, out, x, needs: (F("Mul", g, out),)
)
register(
    "Log",
    lambda xp, x: xp.log(x),
    same_shape,
    grad=lambda F, g, out, x, needs: (F("RealDiv", g, x),),
)
register(
    "Tanh",
    lambda xp, x: xp.tanh(x),
    same_shape,
    grad=lambda F, g, out, x, needs: (F("Mul", g, F("Sub", 1.0, F("Square", out))),),
)
register(
    "Sigmoid",
    lambda xp, x: 1 / (1 + xp.exp(-x)),
    same_shape,
    grad=lambda F, g, out, x, needs: (F("Mul", g, F("Mul", out, F("Sub", 1.0, out))),),
)
register(
    "Maximum",
    lambda xp, a, b: xp.maximum(a, b),
    binary_shape,
    grad=lambda F, g, out, a, b, needs: (
        F.unbroadcast(F("GradMask", g, a, b, cmp="ge"), a) if needs[0] else None,
        F.unbroadcast(F("GradMask", g, a, b, cmp="lt"), b) if needs[1] else None,
    ),
)
register(
    "Minimum",
    lambda xp, a, b: xp.minimum(a, b),
    binary_shape,
    grad=lambda F, g, out, a, b, needs: (
        F.unbroadcast(F("GradMask", g, a, b, cmp="le"), a) if needs[0] else None,
        F.unbroadcast(F("GradMask", g, a, b, cmp="gt"), b) if needs[1] else None,
    ),
)
register(
    "Relu",
    lambda xp, x: xp.maximum(x, 0),
    same_shape,
    grad=lambda F, g, out, x, needs: (F("GradMask", g, out, 0.0, cmp="gt"),),
    eager="relu",
    backward="ReluBackward0",
)
register(
    "Clamp",
    _clamp,
    same_shape,
    eager="clamp",
    backward="ClampMinBackward0",
    grad=lambda F, g, out, x, needs, min=None, max=None: (  # noqa: A006
        F("ClampGrad", g, x, min=min, max=max),
    ),
)
register(
    "MatMul",
    _matmul,
    matmul_shape,
    flops=matmul_flops,
    eager="mm",
    backward="MmBackward0",
    grad=lambda F, g, out, a, b, needs, transpose_a=False, transpose_b=False: (
        (
            F("MatMul", b, g, transpose_a=transpose_b, transpose_b=True)
            if transpose_a
            else F("MatMul", g, b, transpose_b=not transpose_b)
        )
        if needs[0]
        else None,
        (
            F("MatMul", g, a, transpose_a=True, transpose_b=transpose_a)
            if transpose_b
            else F("MatMul", a, g, transpose_a=not transpose_a)
        )
        if needs[1]
        else None,
    ),
)
register(
    "BiasAdd",
    lambda xp, x, b: xp.add(x, b),
    binary_shape,
    backward="AddBackward0",
    grad=lambda F, g, out, x, b, needs: (g, F("Sum", g, axis=0) if needs[1] else None),
)
register(
    "Sum",
    lambda xp, x, axis=None, keepdims=False: xp.sum(x, axis=_ax(axis), keepdims=keepdims),
    reduce_shape,
    flops=reduce_flops,
    backward="SumBackward0",
    grad=lambda F, g, out, x, needs, axis=None, keepdims=False: (
        F("SumGrad", g, x, axis=axis, keepdims=keepdims),
    ),
)
register(
    "Mean",
    lambda xp, x, axis=None, keepdims=False: xp.mean(x, axis=_ax(axis), keepdims=keepdims),
    reduce_shape,
    flops=reduce_flops,
    backward="MeanBackward0",
    grad=lambda F, g, out, x, needs, axis=None, keepdims=False: (
        F("MeanGrad", g, x, axis=axis, keepdims=keepdims),
    ),
)
register(
    "Transpose",
    lambda xp, x: x.T,
    transpose_shape,
    flops=no_flops,
    eager="t",
    backward="TBackward0",
    grad=lambda F, g, out, x, needs: (F("Transpose", g),),
)
register(
    "Reshape",
    lambda xp, x, shape: xp.reshape(x, shape),
    lambda x, shape=None, **k: tuple(shape) if shape is not None else None,
    flops=no_flops,
    eager="view",
    backward="ViewBackward0",
    grad=lambda F, g, out, x, needs, shape=None: (F("ReshapeLike", g, x),),
)
# Helpers that only gradients and front ends use (no gradient of their own).
register("ReshapeLike", lambda xp, g, like: xp.reshape(g, like.shape), like_shape, flops=no_flops)
register(
    "Unbroadcast",
    lambda xp, g, like: unbroadcast(xp, g, like.shape),
    like_shape,
    flops=lambda out, g, *r, **k: numel(g),
)
register("SumGrad", _sum_grad, like_shape, flops=no_flops)
register("MeanGrad", _mean_grad, like_shape)
register("GradMask", _grad_mask, lambda g, a, b, **k: broadcast(g, broadcast(a, b)))
register("ClampGrad", _clamp_grad, like_shape)
register("OnesLike", lambda xp, x: xp.ones_like(x), same_shape, flops=no_flops, eager="ones_like")
register(
    "ZerosLike", lambda xp, x: xp.zeros_like(x), same_shape, flops=no_flops, eager="zeros_like"
)
register("CastLike", _cast_like, lambda v, like, **k: v, flops=no_flops)
for _name, _fn in (
    ("Less", "less"),
    ("Greater", "greater"),
    ("LessEqual", "less_equal"),
    ("GreaterEqual", "greater_equal"),
    ("Equal", "equal"),
    ("NotEqual", "not_equal"),
):
    register(
        _name,
        (lambda f: lambda xp, a, b: getattr(xp, f)(a, b))(_fn),
        binary_shape,
        eager=_fn.replace("_", ""),
        out_dtype="bool",
    )
del U


def _ax(axis: Any) -> Any:
    return tuple(axis) if isinstance(axis, list) else axis


def get(name: str) -> Op:
    """The op named ``name``; raises LookupError naming it."""
    try:
        return OPS[name]
    except KeyError:
        raise LookupError(f"no op named {name!r} in the op table") from None


class Immediate:
    """A gradient builder that runs each op at once on arrays (the eager ``backward()``).

    Args:
        xp: the array module the arrays live in.
        run: optional ``run(op, args, attrs) -> array`` that times and reports each op; by
            default the kernel is called directly.
    """

    def __init__(
        self, xp: Any, run: Callable[[Op, tuple[Any, ...], dict[str, Any]], Any] | None = None
    ):
        self.xp = xp
        self._run = run

    def __call__(self, op: str, *args: Any, **attrs: Any) -> Any:
        spec = OPS[op]
        if self._run is not None:
            return self._run(spec, args, attrs)
        return spec.kernel(self.xp, *args, **attrs)

    def unbroadcast(self, g: Any, like: Any) -> Any:
        shape = tuple(getattr(like, "shape", ()))
        if tuple(getattr(g, "shape", ())) == shape:
            return g
        return self("Unbroadcast", g, like)


# ------------------------------------------- in-place updates, indexing and masks
# The eager front end's ``-=``, ``grad_h[h < 0] = 0``, ``zero_()``, ``clone()`` and ``x[t]``.
# In-place kernels write into their first input and return it (``out=``, ``copyto``), so an
# update costs no temporary; their gradients are those of the out-of-place op.


def _masked_fill(xp: Any, x: Any, mask: Any, value: float = 0.0) -> Any:
    xp.copyto(x, value, where=mask)
    return x


def _fill(xp: Any, x: Any, value: float = 0.0) -> Any:
    x.fill(value)
    return x


def _index_put(xp: Any, x: Any, value: Any, index: Any = None) -> Any:
    x[index] = value
    return x


def _is_basic(index: Any) -> bool:
    keys = index if isinstance(index, tuple) else (index,)
    return all(k is None or k is Ellipsis or isinstance(k, (int, slice)) for k in keys)


def _index_grad(xp: Any, g: Any, x: Any, index: Any = None) -> Any:
    out = xp.zeros(x.shape, dtype=g.dtype)
    if _is_basic(index):
        out[index] = g
    else:  # repeated integer indices must add up
        xp.add.at(out, index, g)
    return out


def index_shape(x: Shape, index: Any = None, **attrs: Any) -> Shape:
    """Shape of ``x[index]``, worked out on a zero-byte stand-in of shape ``x``."""
    if x is None or any(d is None for d in x):
        return None
    import numpy as np

    probe = np.lib.stride_tricks.as_strided(np.zeros(1), x, (0,) * len(x))
    return tuple(probe[index].shape)


register(
    "AssignSub",
    lambda xp, ref, v: xp.subtract(ref, v, out=ref),
    same_shape,
    eager="sub_",
    grad=OPS["Sub"].grad,
    backward="SubBackward0",
)
register(
    "AssignAdd",
    lambda xp, ref, v: xp.add(ref, v, out=ref),
    same_shape,
    eager="add_",
    grad=OPS["Add"].grad,
    backward="AddBackward0",
)
register("AssignMul", lambda xp, ref, v: xp.multiply(ref, v, out=ref), same_shape, eager="mul_")
register(
    "MaskedFill",
    _masked_fill,
    same_shape,
    eager="masked_fill_",
    backward="MaskedFillBackward0",
    grad=lambda F, g, out, x, mask, needs, value=0.0: (F("MaskZero", g, mask), None),
)
register("MaskZero", lambda xp, g, mask: xp.where(mask, xp.zeros((), dtype=g.dtype), g), same_shape)
register("Fill", _fill, same_shape, flops=no_flops, eager="fill_")
register("IndexPut", _index_put, same_shape, flops=no_flops, eager="index_put_")
register(
    "Clone",
    lambda xp, x: x.copy(),
    same_shape,
    flops=no_flops,
    eager="clone",
    backward="CloneBackward0",
    grad=lambda F, g, out, x, needs: (g,),
)
register(
    "Index",
    lambda xp, x, index=None: x[index],
    index_shape,
    flops=no_flops,
    eager="select",
    backward="SelectBackward0",
    grad=lambda F, g, out, x, needs, index=None: (F("IndexGrad", g, x, index=index),),
)
register("IndexGrad", _index_grad, like_shape, flops=no_flops)
register(
    "Cast",
    lambda xp, x, dtype="float32": x.astype(dtype),
    same_shape,
    flops=no_flops,
    eager="to",
    backward="ToCopyBackward0",
    grad=lambda F, g, out, x, needs, dtype="float32": (F("CastLike", g, x),),
)
register(
    "Sqrt",
    lambda xp, x: xp.sqrt(x),
    same_shape,
    backward="SqrtBackward0",
    grad=lambda F, g, out, x, needs: (F("RealDiv", F("Mul", g, 0.5), out),),
)


# ------------------------------------------------------- kernels writing into ``out``
# ``kernel_out(xp, *arrays, out, **attrs)`` computes the same value as ``kernel`` into a
# preallocated ``out`` of the result's shape and dtype, and returns ``out``. A front end that
# plans its buffers (the static Session) calls these; ``out`` may be one of the inputs when the
# op is elementwise and that input is a temporary nobody reads afterwards (in place).

ELEMENTWISE = frozenset(
    {
        "Neg",
        "Add",
        "Sub",
        "Mul",
        "RealDiv",
        "Pow",
        "Square",
        "SquaredDifference",
        "Exp",
        "Log",
        "Tanh",
        "Sigmoid",
        "Maximum",
        "Minimum",
        "Relu",
        "Sqrt",
        "GradMask",
        "BiasAdd",
    }
)
"""Ops whose output element i depends only on element i of their (broadcast) inputs."""


def _matmul_out(
    xp: Any, a: Any, b: Any, out: Any, transpose_a: bool = False, transpose_b: bool = False
) -> Any:
    return xp.matmul(a.T if transpose_a else a, b.T if transpose_b else b, out=out)


def _grad_mask_out(xp: Any, g: Any, a: Any, b: Any, out: Any, cmp: str = "ge") -> Any:
    return select_bits(xp, getattr(xp, CMP[cmp]), g, a, b, out)


def _sigmoid_out(xp: Any, x: Any, out: Any) -> Any:
    xp.negative(x, out=out)
    xp.exp(out, out=out)
    xp.add(out, 1, out=out)
    return xp.reciprocal(out, out=out)


def _squared_difference_out(xp: Any, a: Any, b: Any, out: Any) -> Any:
    xp.subtract(a, b, out=out)
    return xp.square(out, out=out)


def _ufunc_out(name: str) -> Callable[..., Any]:
    def kernel_out(xp: Any, *arrays: Any, out: Any) -> Any:
        return getattr(xp, name)(*arrays, out=out)

    kernel_out.__name__ = f"{name}_out"
    return kernel_out


KERNELS_OUT: dict[str, Callable[..., Any]] = {
    **{
        op: _ufunc_out(f)
        for op, f in (
            ("Neg", "negative"),
            ("Add", "add"),
            ("Sub", "subtract"),
            ("Mul", "multiply"),
            ("RealDiv", "true_divide"),
            ("Pow", "power"),
            ("Square", "square"),
            ("Exp", "exp"),
            ("Log", "log"),
            ("Tanh", "tanh"),
            ("Maximum", "maximum"),
            ("Minimum", "minimum"),
            ("Sqrt", "sqrt"),
            ("BiasAdd", "add"),
        )
    },
    "Relu": lambda xp, x, out: xp.maximum(x, 0, out=out),
    "Sigmoid": _sigmoid_out,
    "SquaredDifference": _squared_difference_out,
    "GradMask": _grad_mask_out,
    "MatMul": _matmul_out,
}
"""``kernel_out`` of the ops that have one (see above), by op name."""


def kernel_out(name: str) -> Callable[..., Any] | None:
    """The ``kernel_out(xp, *arrays, out, **attrs)`` of op ``name``, or None if it has none."""
    return KERNELS_OUT.get(name)


def bind_out(name: str, xp: Any, out: Any, **attrs: Any) -> Callable[..., Any]:
    """Op ``name``'s ``kernel_out`` bound to ``xp``, ``out`` and ``attrs``: ``f(*arrays)``.

    What does not change between calls (the ufunc, the transpositions, the comparison) is
    looked up here, once: a plan calls the result every run, where a ``functools.partial``
    of ``kernel_out`` would merge its keywords and look them up on every call.
    """
    binder = BINDERS_OUT.get(name)
    if binder is not None:
        return binder(xp, out, **attrs)
    return functools.partial(KERNELS_OUT[name], xp, out=out, **attrs)


def _bind_ufunc(fname: str, arity: int) -> Callable[..., Callable[..., Any]]:
    def bind(xp: Any, out: Any) -> Callable[..., Any]:
        f = getattr(xp, fname)
        if arity == 1:
            return lambda x: f(x, out=out)
        return lambda a, b: f(a, b, out=out)

    return bind


def _bind_matmul(
    xp: Any, out: Any, transpose_a: bool = False, transpose_b: bool = False
) -> Callable[..., Any]:
    mm = xp.matmul
    if transpose_a and transpose_b:
        return lambda a, b: mm(a.T, b.T, out=out)
    if transpose_a:
        return lambda a, b: mm(a.T, b, out=out)
    if transpose_b:
        return lambda a, b: mm(a, b.T, out=out)
    return lambda a, b: mm(a, b, out=out)


def _bind_grad_mask(xp: Any, out: Any, cmp: str = "ge") -> Callable[..., Any]:
    keep = getattr(xp, CMP[cmp])  # the mask lives with the buffer: a plan runs once at a time
    mask = xp.empty(out.shape, f"i{out.dtype.itemsize}") if out.dtype.kind == "f" else None
    return lambda g, a, b: select_bits(xp, keep, g, a, b, out, mask)


def _bind_relu(xp: Any, out: Any) -> Callable[..., Any]:
    maximum = xp.maximum
    return lambda x: maximum(x, 0, out=out)


# ------------------------------------------------------------------ fused ops
# What the static graph's fusion passes put in place of a matched chain (TensorFlow's
# Grappler calls the first one ``_FusedMatMul``). Not differentiable: they exist only in the
# graph a Session runs, after the gradients were built.


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
    product, multiply = _bind_matmul(xp, out, transpose_a, transpose_b), xp.multiply
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


def _scalar_scale(shape: tuple[int, ...], reduce: Any) -> float | None:
    """If the reductions ``reduce`` take ``shape`` down to a scalar, the factor the Means put
    on the plain sum of all elements; else None."""
    scale, rank = 1.0, len(shape)
    dims = list(shape)
    for kind, axis, keepdims in reduce:
        if keepdims:
            return None
        axes = _axes(axis, len(dims))
        if kind == "Mean":
            for i in axes:
                scale /= max(dims[i], 1)
        dims = [d for i, d in enumerate(dims) if i not in axes]
    return scale if not dims and rank >= 0 else None


def _fused_elementwise(
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
        if v is None:
            v = (
                OPS[name].kernel(xp, *args)
                if out is None or reduce
                else KERNELS_OUT[name](xp, *args, out=out)
            )
        elif getattr(v, "ndim", 0):
            v = KERNELS_OUT[name](xp, *args, out=v)
        else:  # a 0-d value may be a numpy scalar, which takes no out=
            v = OPS[name].kernel(xp, *args)
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
    """``_fused_elementwise`` bound to its attributes (``out`` may be None).

    A lone square reduced to a scalar (a loss: ``mean(sum(d ** 2, 1))``) becomes a plain
    ``dot(d, d) * scale`` with the scale worked out once per input shape and dtype, not on
    every call; any other chain runs ``_fused_elementwise``.
    """
    if not (reduce and len(program) == 1 and program[0][0] == "Square"):
        return functools.partial(_fused_elementwise, xp, out=out, program=program, reduce=reduce)
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
            return _fused_elementwise(xp, *xs, out=out, program=program, reduce=reduce)
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


register(
    "_FusedMatMul",
    _fused_matmul,
    _fused_matmul_shape,
    flops=_fused_matmul_flops,
    eager="fused_mm",
    backward="FusedMatMulBackward0",
)
register(
    "_FusedElementwise",
    _fused_elementwise,
    _fused_elementwise_shape,
    flops=_fused_elementwise_flops,
    eager="fused_elementwise",
    backward="FusedElementwiseBackward0",
)
KERNELS_OUT["_FusedMatMul"] = _fused_matmul
KERNELS_OUT["_FusedElementwise"] = _fused_elementwise
BINDERS_OUT: dict[str, Callable[..., Callable[..., Any]]] = {
    **{
        op: _bind_ufunc(f, arity)
        for op, f, arity in (
            ("Neg", "negative", 1),
            ("Add", "add", 2),
            ("Sub", "subtract", 2),
            ("Mul", "multiply", 2),
            ("RealDiv", "true_divide", 2),
            ("Pow", "power", 2),
            ("Square", "square", 1),
            ("Exp", "exp", 1),
            ("Log", "log", 1),
            ("Tanh", "tanh", 1),
            ("Maximum", "maximum", 2),
            ("Minimum", "minimum", 2),
            ("Sqrt", "sqrt", 1),
            ("BiasAdd", "add", 2),
        )
    },
    "Relu": _bind_relu,
    "MatMul": _bind_matmul,
    "GradMask": _bind_grad_mask,
    "_FusedElementwise": bind_fused_elementwise,
    "_FusedMatMul": _bind_fused_matmul,
}
"""``bind_out`` of the ops whose bound form is cheaper than a partial of ``kernel_out``."""
FUSIBLE = frozenset(
    {
        "Neg",
        "Add",
        "Sub",
        "Mul",
        "RealDiv",
        "Square",
        "Exp",
        "Log",
        "Tanh",
        "Maximum",
        "Minimum",
        "Relu",
        "Sqrt",
    }
)
"""Elementwise ops the elementwise fusion may chain (each has a ``kernel_out``)."""

"""Shape rules and FLOP counts: pure functions of shapes, no arrays.

A shape is a tuple whose entries may be None (an unknown dimension), or None itself (unknown
rank). A shape rule ``rule(*input_shapes, **attrs) -> Shape`` raises :class:`ShapeError` where
the inputs do not fit; a FLOP count is ``flops(out_shape, *input_shapes, **attrs) -> int``.
"""

from __future__ import annotations

import math
from typing import Any, TypeGuard

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


# ------------------------------------------------------------------------ shapes


def numel(shape: Shape) -> int:
    """Number of elements of a fully known shape (0 where unknown)."""
    if shape is None or any(d is None for d in shape):
        return 0
    return math.prod(shape)  # type: ignore[arg-type]


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
    """The first input's shape (unary elementwise ops, in-place updates)."""
    return x


def binary_shape(a: Shape, b: Shape, **attrs: Any) -> Shape:
    """The two inputs broadcast together (binary elementwise ops)."""
    return broadcast(a, b)


def like_shape(g: Shape, like: Shape, *rest: Any, **attrs: Any) -> Shape:
    """The second input's shape (gradient helpers: ``g`` shaped like ``like``)."""
    return like


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


def reduce_axes(axis: Any, rank: int) -> tuple[int, ...]:
    """The axes ``axis`` (None: all; an int, tuple or list; negative counts from the end)
    names on a shape of rank ``rank``, sorted; raises ShapeError for one out of range."""
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
    axes = reduce_axes(axis, len(x))
    if keepdims:
        return tuple(1 if i in axes else d for i, d in enumerate(x))
    return tuple(d for i, d in enumerate(x) if i not in axes)


def transpose_shape(x: Shape, perm: Any = None, **attrs: Any) -> Shape:
    """The axes reversed (at most 2 of them), or put in the order ``perm`` gives."""
    if x is None:
        return None
    if perm is not None:
        if sorted(perm) != list(range(len(x))):
            raise ShapeError("rank", (x,), (len(perm), len(x)))
        return tuple(x[i] for i in perm)
    if len(x) > 2:
        raise ShapeError("rank", (x,), (len(x), 2))
    return tuple(reversed(x))


def reshape_shape(x: Shape, shape: Any = None, **attrs: Any) -> Shape:
    return tuple(shape) if shape is not None else None


def is_known(shape: Shape) -> TypeGuard[tuple[int, ...]]:
    """Whether ``shape`` is fully known: its rank and every dimension."""
    return shape is not None and None not in shape


def index_shape(x: Shape, index: Any = None, **attrs: Any) -> Shape:
    """Shape of ``x[index]``, worked out on a zero-byte stand-in of shape ``x``."""
    if not is_known(x):
        return None
    import numpy as np

    probe = np.lib.stride_tricks.as_strided(np.zeros(1), x, (0,) * len(x))
    return tuple(probe[index].shape)


# ------------------------------------------------------------------------- FLOPs


def elementwise_flops(out: Shape, *inputs: Shape, **attrs: Any) -> int:
    """One FLOP per output element (the default)."""
    return numel(out)


def reduce_flops(out: Shape, x: Shape, *rest: Shape, **attrs: Any) -> int:
    """One FLOP per input element."""
    return numel(x)


def no_flops(out: Shape, *inputs: Shape, **attrs: Any) -> int:
    """Moves, views and fills: no arithmetic."""
    return 0


def matmul_flops(out: Shape, a: Shape, b: Shape, transpose_a: bool = False, **attrs: Any) -> int:
    if out is None or a is None:
        return 0
    k = a[0] if transpose_a else a[1]
    return 2 * numel(out) * (k or 0)


# ------------------------------------------------------------ joins and axes


def _axis_in(axis: int, rank: int, shapes: tuple[Shape, ...]) -> int:
    """``axis`` (negative counts from the end) as an index into a rank-``rank`` shape."""
    if not -rank <= axis < rank:
        raise ShapeError("rank", shapes, (axis, rank), axis)
    return axis % rank


def expand_dims_shape(x: Shape, axis: int = 0, **attrs: Any) -> Shape:
    """``x`` with a 1 inserted at ``axis`` (in ``[-rank - 1, rank]``)."""
    if x is None:
        return None
    at = _axis_in(axis, len(x) + 1, (x,))
    return (*x[:at], 1, *x[at:])


def squeeze_shape(x: Shape, axis: Any = None, **attrs: Any) -> Shape:
    """``x`` without its size-1 axes (all of them, or those ``axis`` names)."""
    if x is None:
        return None
    if axis is None:
        return tuple(d for d in x if d != 1)
    axes = {
        _axis_in(int(a), max(len(x), 1), (x,))
        for a in (axis if isinstance(axis, (tuple, list)) else (axis,))
    }
    for a in axes:
        if a < len(x) and x[a] not in (1, None):
            raise ShapeError("squeeze", (x,), (x[a], 1), a)
    return tuple(d for i, d in enumerate(x) if i not in axes)


def _known_ranks(xs: tuple[Shape, ...]) -> list[tuple[int | None, ...]] | None:
    """The shapes when every rank is known and equal (None: some rank unknown)."""
    known = [x for x in xs if x is not None]
    if len(known) != len(xs):
        return None
    for x in known[1:]:
        if len(x) != len(known[0]):
            raise ShapeError("rank", xs, (len(known[0]), len(x)))
    return known


def pack_shape(*xs: Shape, axis: int = 0, **attrs: Any) -> Shape:
    """Equal shapes stacked along a new ``axis``."""
    known = _known_ranks(xs)
    if known is None:
        return None
    first = known[0]
    for x in known[1:]:
        for i, (a, b) in enumerate(zip(first, x, strict=True)):
            if a is not None and b is not None and a != b:
                raise ShapeError("stack", xs, (a, b), i)
    at = _axis_in(axis, len(first) + 1, xs)
    return (*first[:at], len(xs), *first[at:])


def concat_shape(*xs: Shape, axis: int = 0, **attrs: Any) -> Shape:
    """Shapes joined along ``axis``: equal elsewhere, summed there."""
    known = _known_ranks(xs)
    if known is None:
        return None
    first = known[0]
    at = _axis_in(axis, max(len(first), 1), xs)
    total: int | None = 0
    for x in known:
        for i, (a, b) in enumerate(zip(first, x, strict=True)):
            if i != at and a is not None and b is not None and a != b:
                raise ShapeError("concat", xs, (a, b), i)
        size = x[at]
        total = None if total is None or size is None else total + size
    return (*first[:at], total, *first[at + 1 :])


def batch_matmul_shape(
    a: Shape, b: Shape, adj_x: bool = False, adj_y: bool = False, **attrs: Any
) -> Shape:
    """``a @ b`` over stacks of matrices: the batch axes broadcast, the last two multiply."""
    if a is None or b is None:
        return None
    if len(a) < 2 or len(b) < 2:
        raise ShapeError("rank", (a, b), (len(a), len(b)))
    m, k = (a[-1], a[-2]) if adj_x else (a[-2], a[-1])
    k2, n = (b[-1], b[-2]) if adj_y else (b[-2], b[-1])
    if k is not None and k2 is not None and k != k2:
        raise ShapeError("matmul", (a, b), (k, k2), len(a) - 1)
    batch = broadcast(a[:-2], b[:-2])
    return (*(batch or ()), m, n)


def batch_matmul_flops(out: Shape, a: Shape, b: Shape, adj_x: bool = False, **attrs: Any) -> int:
    if out is None or a is None:
        return 0
    k = a[-2] if adj_x else a[-1]
    return 2 * numel(out) * (k or 0)

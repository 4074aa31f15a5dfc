"""PyTorch's type promotion for binary ops, which numpy's rules do not give.

PyTorch ranks the operands first: tensors with dimensions, then 0-d tensors, then Python
numbers. A lower-ranked operand changes the result's dtype only when it is of a higher category
(bool < integer < floating point): ``float32 ** int64`` stays float32, ``float32 + 0-d float64``
stays float32, ``int64 * 2.5`` is the default float dtype (float32). numpy would give float64
for all three, and a later ``mm`` against float32 weights would fail. True division of integers
gives the default float dtype too.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from engine.eager import types


def _category(dt: np.dtype) -> int:
    return 0 if dt.kind == "b" else 2 if dt.kind in "fc" else 1


def promote(a: np.dtype, b: np.dtype) -> np.dtype:
    """The common dtype of two dtypes of equal rank: a float beats any integer or bool."""
    if a == b:
        return a
    ca, cb = _category(a), _category(b)
    if ca != cb:
        return a if ca > cb else b
    out: np.dtype = np.promote_types(a, b)
    return out


def _combine(higher: np.dtype | None, lower: np.dtype | None) -> np.dtype | None:
    """c10's ``combine_categories``: ``lower`` counts only where its category is higher."""
    if higher is None:
        return lower
    if lower is None or _category(higher) == 2:
        return higher
    if higher.kind == "b" or _category(lower) == 2:
        return promote(higher, lower)
    return higher


def result_type(x: Any, y: Any) -> np.dtype:
    """The dtype PyTorch gives ``x op y`` for two arrays (a 0-d one ranks below the other)."""
    dx: np.dtype = np.dtype(x.dtype)
    dy: np.dtype = np.dtype(y.dtype)
    if dx == dy:
        return dx
    if (x.ndim == 0) == (y.ndim == 0):
        return promote(dx, dy)
    dim, zero = (dy, dx) if x.ndim == 0 else (dx, dy)
    out = _combine(dim, zero)
    assert out is not None
    return out


def scalar_type(x: Any, value: Any) -> np.dtype:
    """The dtype PyTorch gives ``x op value`` for a Python number ``value``."""
    dx = np.dtype(x.dtype)
    wrapped: np.dtype
    if isinstance(value, (bool, np.bool_)):
        wrapped = np.dtype(bool)
    elif isinstance(value, (int, np.integer)):
        wrapped = np.dtype("int64")
    else:
        wrapped = types.DEFAULT.np
    out = _combine(dx, wrapped)
    assert out is not None
    return out


def true_divide_type(dt: np.dtype) -> np.dtype:
    """Division of integers (or bools) gives the default float dtype."""
    return dt if _category(dt) == 2 else types.DEFAULT.np


def can_cast(src: np.dtype, dst: np.dtype) -> bool:
    """Whether an in-place op may write a ``src`` result into a ``dst`` tensor: never to a
    lower category (a float into an integer, an integer into a bool), as c10's ``canCast``."""
    return _category(src) <= _category(dst)

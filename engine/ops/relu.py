"""The ReLU family: Maximum, Minimum, Relu, Clamp, and the mask their gradients share.

A gradient through a ReLU keeps ``g`` where the input won and zeroes it elsewhere. ``GradMask``
does that without branches (:func:`select_bits`): a ReLU's mask is half its elements in no
order, which branchy selection mispredicts.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .math import ufunc_out
from .shapes import binary_shape, broadcast, like_shape, same_shape
from .table import define

define(
    "Maximum",
    kernel=lambda xp, a, b: xp.maximum(a, b),
    shape=binary_shape,
    grad=lambda F, g, out, a, b: (
        lambda: F.unbroadcast(F("GradMask", g, a, b, cmp="ge"), a),
        lambda: F.unbroadcast(F("GradMask", g, a, b, cmp="lt"), b),
    ),
    elementwise=True,
    fusible=True,
    **ufunc_out("maximum", 2),
)
define(
    "Minimum",
    kernel=lambda xp, a, b: xp.minimum(a, b),
    shape=binary_shape,
    grad=lambda F, g, out, a, b: (
        lambda: F.unbroadcast(F("GradMask", g, a, b, cmp="le"), a),
        lambda: F.unbroadcast(F("GradMask", g, a, b, cmp="gt"), b),
    ),
    elementwise=True,
    fusible=True,
    **ufunc_out("minimum", 2),
)


def _bind_relu(xp: Any, out: Any) -> Callable[..., Any]:
    maximum = xp.maximum
    return lambda x: maximum(x, 0, out=out)


define(
    "Relu",
    kernel=lambda xp, x: xp.maximum(x, 0),
    shape=same_shape,
    grad=lambda F, g, out, x: (lambda: F("GradMask", g, out, 0.0, cmp="gt"),),
    saved=(),
    saves_output=True,
    elementwise=True,
    fusible=True,
    kernel_out=lambda xp, x, out: xp.maximum(x, 0, out=out),
    binder=_bind_relu,
)


def _leaky_relu_grad(xp: Any, g: Any, x: Any, alpha: float = 0.2) -> Any:
    return xp.where(x > 0, g, g * xp.asarray(alpha, dtype=g.dtype))


define(
    "LeakyRelu",
    kernel=lambda xp, x, alpha=0.2: xp.where(x > 0, x, x * xp.asarray(alpha, dtype=x.dtype)),
    shape=same_shape,
    grad=lambda F, g, out, x, alpha=0.2: (lambda: F("LeakyReluGrad", g, x, alpha=alpha),),
    eager_name="leaky_relu",
    backward_name="LeakyReluBackward0",
    elementwise=True,
)
define("LeakyReluGrad", kernel=_leaky_relu_grad, shape=like_shape)


def _where_grad(
    F: Any, g: Any, out: Any, x: Any, y: Any, cond: Any
) -> tuple[Callable[[], Any], Callable[[], Any], None]:
    """``g`` goes to ``x`` where ``cond`` holds and to ``y`` elsewhere; the mask gets none."""
    return (
        lambda: F.unbroadcast(F("Where", g, F("ZerosLike", g), cond), x),
        lambda: F.unbroadcast(F("Where", F("ZerosLike", g), g, cond), y),
        None,
    )


define(
    "Where",
    kernel=lambda xp, x, y, cond: xp.where(cond, x, y),
    shape=lambda x, y, cond, **k: broadcast(broadcast(x, y), cond),
    grad=_where_grad,
    eager_name="where",
    backward_name="WhereBackward0",
    same_dtypes=False,
    saved=(2,),
    reads=((2,), (2,), ()),
    elementwise=True,
)


def _clamp(xp: Any, x: Any, min: float | None = None, max: float | None = None) -> Any:
    if max is None:  # one-sided bounds as maximum/minimum: same values, less call overhead
        return xp.maximum(x, min)
    if min is None:
        return xp.minimum(x, max)
    return xp.clip(x, min, max)


def _clamp_grad(xp: Any, g: Any, x: Any, min: float | None = None, max: float | None = None) -> Any:
    keep = xp.ones(x.shape, dtype=bool)
    if min is not None:
        keep &= x >= min
    if max is not None:
        keep &= x <= max
    return xp.where(keep, g, xp.zeros((), dtype=g.dtype))


define(
    "Clamp",
    kernel=_clamp,
    shape=same_shape,
    eager_name="clamp",
    backward_name="ClampMinBackward0",
    grad=lambda F, g, out, x, min=None, max=None: (lambda: F("ClampGrad", g, x, min=min, max=max),),
)
define("ClampGrad", kernel=_clamp_grad, shape=like_shape)

CMP = {"ge": "greater_equal", "gt": "greater", "lt": "less", "le": "less_equal"}
"""GradMask's comparisons: ``cmp`` attribute -> ufunc name."""


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


def _grad_mask(xp: Any, g: Any, a: Any, b: Any, cmp: str = "ge") -> Any:
    """``g`` where ``a cmp b`` holds, else 0 (Maximum's and Minimum's gradient)."""
    keep = getattr(xp, CMP[cmp])
    if getattr(g, "ndim", 0) and getattr(a, "shape", None) == g.shape:
        return select_bits(xp, keep, g, a, b, xp.empty(g.shape, g.dtype))
    return xp.where(keep(a, b), g, xp.zeros((), dtype=g.dtype))


def _bind_grad_mask(xp: Any, out: Any, cmp: str = "ge") -> Callable[..., Any]:
    keep = getattr(xp, CMP[cmp])  # the mask lives with the buffer: a plan runs once at a time
    mask = xp.empty(out.shape, f"i{out.dtype.itemsize}") if out.dtype.kind == "f" else None
    return lambda g, a, b: select_bits(xp, keep, g, a, b, out, mask)


define(
    "GradMask",
    kernel=_grad_mask,
    shape=lambda g, a, b, **k: broadcast(g, broadcast(a, b)),
    elementwise=True,
    kernel_out=lambda xp, g, a, b, out, cmp="ge": select_bits(
        xp, getattr(xp, CMP[cmp]), g, a, b, out
    ),
    binder=_bind_grad_mask,
)

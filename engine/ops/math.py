"""Elementwise math: arithmetic, exp/log, activations, Maximum/Minimum, comparisons.

One ``define`` per op. Gradients that broadcasting spread out are summed back with
``F.unbroadcast``; the ReLU-family masks go through ``GradMask``, whose kernel selects
without branches (:func:`select_bits`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .shapes import binary_shape, broadcast, like_shape, numel, same_shape
from .table import define


def ufunc_out(fname: str, arity: int) -> dict[str, Any]:
    """``kernel_out`` and ``binder`` of an op that is the one ufunc ``xp.<fname>``."""

    def kernel_out(xp: Any, *arrays: Any, out: Any) -> Any:
        return getattr(xp, fname)(*arrays, out=out)

    def binder(xp: Any, out: Any) -> Callable[..., Any]:
        f = getattr(xp, fname)
        if arity == 1:
            return lambda x: f(x, out=out)
        return lambda a, b: f(a, b, out=out)

    kernel_out.__name__ = f"{fname}_out"
    return {"kernel_out": kernel_out, "binder": binder}


define(
    "Neg",
    kernel=lambda xp, x: xp.negative(x),
    shape=same_shape,
    grad=lambda F, g, out, x: (lambda: F("Neg", g),),
    saved=(),
    elementwise=True,
    fusible=True,
    **ufunc_out("negative", 1),
)
define(
    "Add",
    kernel=lambda xp, a, b: xp.add(a, b),
    shape=binary_shape,
    grad=lambda F, g, out, a, b: (lambda: F.unbroadcast(g, a), lambda: F.unbroadcast(g, b)),
    saved=(),
    elementwise=True,
    fusible=True,
    **ufunc_out("add", 2),
)
define(
    "Sub",
    kernel=lambda xp, a, b: xp.subtract(a, b),
    shape=binary_shape,
    grad=lambda F, g, out, a, b: (
        lambda: F.unbroadcast(g, a),
        lambda: F.unbroadcast(F("Neg", g), b),
    ),
    saved=(),
    elementwise=True,
    fusible=True,
    **ufunc_out("subtract", 2),
)
define(
    "Mul",
    kernel=lambda xp, a, b: xp.multiply(a, b),
    shape=binary_shape,
    grad=lambda F, g, out, a, b: (
        lambda: F.unbroadcast(F("Mul", g, b), a),
        lambda: F.unbroadcast(F("Mul", g, a), b),
    ),
    elementwise=True,
    fusible=True,
    **ufunc_out("multiply", 2),
)
define(
    "RealDiv",
    kernel=lambda xp, a, b: xp.true_divide(a, b),
    shape=binary_shape,
    eager_name="div",
    grad=lambda F, g, out, a, b: (
        lambda: F.unbroadcast(F("RealDiv", g, b), a),
        lambda: F.unbroadcast(F("Neg", F("RealDiv", F("Mul", g, out), b)), b),
    ),
    saves_output=True,
    elementwise=True,
    fusible=True,
    **ufunc_out("true_divide", 2),
)
define(
    "Pow",
    kernel=lambda xp, x, y: xp.power(x, y),
    shape=binary_shape,
    grad=lambda F, g, out, x, y: (
        lambda: F.unbroadcast(F("Mul", g, F("Mul", y, F("Pow", x, F("Sub", y, 1.0)))), x),
        lambda: F.unbroadcast(F("Mul", g, F("Mul", out, F("Log", x))), y),
    ),
    saves_output=True,
    elementwise=True,
    **ufunc_out("power", 2),
)
define(
    "Square",
    kernel=lambda xp, x: xp.square(x),
    shape=same_shape,
    grad=lambda F, g, out, x: (lambda: F("Mul", g, F("Mul", x, 2.0)),),
    backward_name="PowBackward0",
    elementwise=True,
    fusible=True,
    **ufunc_out("square", 1),
)


def _squared_difference_out(xp: Any, a: Any, b: Any, out: Any) -> Any:
    xp.subtract(a, b, out=out)
    return xp.square(out, out=out)


define(
    "SquaredDifference",
    kernel=lambda xp, a, b: xp.square(xp.subtract(a, b)),
    shape=binary_shape,
    flops=lambda out, *i, **k: 2 * numel(out),
    grad=lambda F, g, out, a, b: (
        lambda: F.unbroadcast(F("Mul", g, F("Mul", F("Sub", a, b), 2.0)), a),
        lambda: F.unbroadcast(F("Mul", g, F("Mul", F("Sub", b, a), 2.0)), b),
    ),
    elementwise=True,
    kernel_out=_squared_difference_out,
)
define(
    "Exp",
    kernel=lambda xp, x: xp.exp(x),
    shape=same_shape,
    grad=lambda F, g, out, x: (lambda: F("Mul", g, out),),
    saved=(),
    saves_output=True,
    elementwise=True,
    fusible=True,
    **ufunc_out("exp", 1),
)
define(
    "Log",
    kernel=lambda xp, x: xp.log(x),
    shape=same_shape,
    grad=lambda F, g, out, x: (lambda: F("RealDiv", g, x),),
    elementwise=True,
    fusible=True,
    **ufunc_out("log", 1),
)
define(
    "Sqrt",
    kernel=lambda xp, x: xp.sqrt(x),
    shape=same_shape,
    grad=lambda F, g, out, x: (lambda: F("RealDiv", F("Mul", g, 0.5), out),),
    saved=(),
    saves_output=True,
    elementwise=True,
    fusible=True,
    **ufunc_out("sqrt", 1),
)
define(
    "Tanh",
    kernel=lambda xp, x: xp.tanh(x),
    shape=same_shape,
    grad=lambda F, g, out, x: (lambda: F("Mul", g, F("Sub", 1.0, F("Square", out))),),
    saved=(),
    saves_output=True,
    elementwise=True,
    fusible=True,
    **ufunc_out("tanh", 1),
)


def _sigmoid_out(xp: Any, x: Any, out: Any) -> Any:
    xp.negative(x, out=out)
    xp.exp(out, out=out)
    xp.add(out, 1, out=out)
    return xp.reciprocal(out, out=out)


define(
    "Sigmoid",
    kernel=lambda xp, x: 1 / (1 + xp.exp(-x)),
    shape=same_shape,
    grad=lambda F, g, out, x: (lambda: F("Mul", g, F("Mul", out, F("Sub", 1.0, out))),),
    saved=(),
    saves_output=True,
    elementwise=True,
    kernel_out=_sigmoid_out,
)

# ------------------------------------------------------------- the ReLU family

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

# ---------------------------------------------------------------- comparisons


def _compare(name: str, fname: str) -> None:
    define(
        name,
        kernel=lambda xp, a, b: getattr(xp, fname)(a, b),
        shape=binary_shape,
        eager_name=fname.replace("_", ""),
        out_dtype="bool",
    )


_compare("Less", "less")
_compare("Greater", "greater")
_compare("LessEqual", "less_equal")
_compare("GreaterEqual", "greater_equal")
_compare("Equal", "equal")
_compare("NotEqual", "not_equal")

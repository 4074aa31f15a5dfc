"""Softmax and log-softmax along one axis, the activations of classifiers and their losses.

Both subtract the maximum along the axis first (no overflow for large logits). Their gradients
are written with ops already in the table, so both front ends build them as they build any
other: ``y * (g - sum(g * y))`` for the softmax ``y`` and ``g - exp(z) * sum(g)`` for the
log-softmax ``z``, each sum along the same axis, kept for broadcasting.
"""

from __future__ import annotations

from typing import Any

from .shapes import Shape, ShapeError, numel
from .table import define


def _axis_shape(x: Shape, axis: int = -1, **attrs: Any) -> Shape:
    """The input's shape, once ``axis`` is checked against its rank."""
    if x is not None:
        rank = max(len(x), 1)
        if not -rank <= axis < rank:
            raise ShapeError("reduce", (x,), (axis, rank), axis)
    return x


def _flops(out: Shape, x: Shape, **attrs: Any) -> int:
    """Max, subtract, exp, sum and divide (or log): about five per element."""
    return 5 * numel(x)


def _softmax(xp: Any, x: Any, axis: int = -1) -> Any:
    z = xp.exp(x - x.max(axis=axis, keepdims=True))
    z /= z.sum(axis=axis, keepdims=True)
    return z


def _softmax_out(xp: Any, x: Any, out: Any, axis: int = -1) -> Any:
    xp.subtract(x, x.max(axis=axis, keepdims=True), out=out)
    xp.exp(out, out=out)
    return xp.divide(out, out.sum(axis=axis, keepdims=True), out=out)


def _log_softmax(xp: Any, x: Any, axis: int = -1) -> Any:
    shifted = x - x.max(axis=axis, keepdims=True)
    shifted -= xp.log(xp.exp(shifted).sum(axis=axis, keepdims=True))
    return shifted


def _log_softmax_out(xp: Any, x: Any, out: Any, axis: int = -1) -> Any:
    xp.subtract(x, x.max(axis=axis, keepdims=True), out=out)
    return xp.subtract(out, xp.log(xp.exp(out).sum(axis=axis, keepdims=True)), out=out)


define(
    "Softmax",
    kernel=_softmax,
    shape=_axis_shape,
    flops=_flops,
    grad=lambda F, g, out, x, axis=-1: (
        lambda: F(
            "Mul",
            out,
            F("Sub", g, F("Sum", F("Mul", g, out), axis=axis, keepdims=True)),
        ),
    ),
    backward_name="SoftmaxBackward0",
    saved=(),
    saves_output=True,
    kernel_out=_softmax_out,
)
define(
    "LogSoftmax",
    kernel=_log_softmax,
    shape=_axis_shape,
    flops=_flops,
    grad=lambda F, g, out, x, axis=-1: (
        lambda: F("Sub", g, F("Mul", F("Exp", out), F("Sum", g, axis=axis, keepdims=True))),
    ),
    eager_name="log_softmax",
    backward_name="LogSoftmaxBackward0",
    saved=(),
    saves_output=True,
    kernel_out=_log_softmax_out,
)

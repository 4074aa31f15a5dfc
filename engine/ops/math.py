"""Elementwise math: arithmetic, powers, exp/log, tanh/sigmoid, comparisons.

One ``define`` per op. Gradients that broadcasting spread out are summed back with
``F.unbroadcast``. Ops that are one ufunc get their ``kernel_out`` and ``binder`` from
:func:`ufunc_out`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .shapes import binary_shape, broadcast, numel, same_shape
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
    reads=((1,), (0,)),
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
    reads=((1,), (1, 2)),
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
    reads=((0, 1), (0, 2)),
    elementwise=True,
    **ufunc_out("power", 2),
)
define(
    "Square",
    kernel=lambda xp, x: xp.square(x),
    shape=same_shape,
    grad=lambda F, g, out, x: (lambda: F("Mul", g, F("Mul", x, 2.0)),),
    backward_name="PowBackward0",
    shown_args=(None, 2),
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
    "Abs",
    kernel=lambda xp, x: xp.abs(x),
    shape=same_shape,
    grad=lambda F, g, out, x: (lambda: F("Mul", g, F("Sign", x)),),  # 0 at 0, as PyTorch
    elementwise=True,
    fusible=True,
    **ufunc_out("abs", 1),
)
define(
    "Sign",
    kernel=lambda xp, x: xp.sign(x),
    shape=same_shape,
    elementwise=True,
    fusible=True,
    **ufunc_out("sign", 1),
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

# ------------------------------------------------------- trigonometry, softplus, smooth L1

define(
    "Sin",
    kernel=lambda xp, x: xp.sin(x),
    shape=same_shape,
    grad=lambda F, g, out, x: (lambda: F("Mul", g, F("Cos", x)),),
    elementwise=True,
    fusible=True,
    **ufunc_out("sin", 1),
)
define(
    "Cos",
    kernel=lambda xp, x: xp.cos(x),
    shape=same_shape,
    grad=lambda F, g, out, x: (lambda: F("Neg", F("Mul", g, F("Sin", x))),),
    elementwise=True,
    fusible=True,
    **ufunc_out("cos", 1),
)


def _bind_softplus(xp: Any, out: Any) -> Callable[..., Any]:
    logaddexp = xp.logaddexp
    return lambda x: logaddexp(x, 0, out=out)


define(
    "Softplus",
    kernel=lambda xp, x: xp.logaddexp(x, xp.zeros((), dtype=x.dtype)),
    shape=same_shape,
    grad=lambda F, g, out, x: (lambda: F("Mul", g, F("Sigmoid", x)),),
    elementwise=True,
    fusible=True,
    kernel_out=lambda xp, x, out: xp.logaddexp(x, 0, out=out),
    binder=_bind_softplus,
)


def _smooth_l1(xp: Any, x: Any, y: Any, beta: float = 1.0) -> Any:
    """``0.5 d**2 / beta`` where ``|d| < beta``, else ``|d| - 0.5 beta``, with ``d = x - y``."""
    d = xp.subtract(x, y)
    a = xp.abs(d)
    if beta == 0:
        return a
    return xp.where(a < beta, (0.5 / beta) * d * d, a - 0.5 * beta)


def _smooth_l1_grad(xp: Any, g: Any, x: Any, y: Any, beta: float = 1.0) -> Any:
    """d smooth_l1 / dx: ``d / beta`` clipped to [-1, 1] (the sign of d where beta is 0)."""
    d = xp.subtract(x, y)
    slope = xp.sign(d) if beta == 0 else xp.clip(d / beta, -1.0, 1.0)
    return xp.multiply(g, slope)


define(
    "SmoothL1",
    kernel=_smooth_l1,
    shape=binary_shape,
    flops=lambda out, *i, **k: 4 * numel(out),
    grad=lambda F, g, out, x, y, beta=1.0: (
        lambda: F.unbroadcast(F("SmoothL1Grad", g, x, y, beta=beta), x),
        lambda: F.unbroadcast(F("Neg", F("SmoothL1Grad", g, x, y, beta=beta)), y),
    ),
    eager_name="smooth_l1_loss",
    backward_name="SmoothL1LossBackward0",
    elementwise=True,
)
define("SmoothL1Grad", kernel=_smooth_l1_grad, shape=lambda g, x, y, **k: broadcast(x, y))


_TINY_LOG = -100.0
"""PyTorch's floor of a binary cross entropy's logs: ``p = 0`` costs 100, not infinity."""


def _held_log(xp: Any, p: Any) -> Any:
    """``max(log p, -100)``, without taking the log of 0."""
    return xp.maximum(xp.log(xp.maximum(p, 1e-45)), _TINY_LOG)  # 1e-45 < e**-100


def _bce(xp: Any, p: Any, y: Any) -> Any:
    """``-(y log p + (1 - y) log(1 - p))`` of probabilities ``p``, each log held at -100."""
    return -(y * _held_log(xp, p) + (1 - y) * _held_log(xp, 1 - p))


define(
    "BinaryCrossEntropy",
    kernel=_bce,
    shape=binary_shape,
    flops=lambda out, *i, **k: 8 * numel(out),
    grad=lambda F, g, out, p, y: (
        lambda: F("BinaryCrossEntropyGrad", g, p, y),
        lambda: F("Mul", g, F("BinaryCrossEntropyTargetGrad", p)),
    ),
    eager_name="bce_loss",  # nn.BCELoss; the whole name does not fit a box
    backward_name="BinaryCrossEntropyBackward0",
    elementwise=True,
)
_BCE_EPSILON = 9.999999960041972e-13
"""PyTorch's floor of ``p (1 - p)`` in the gradient: ``1e-12`` as a float32 (in float64 too)."""
define(
    "BinaryCrossEntropyGrad",  # PyTorch's: g (p - y) / max(p (1 - p), 1e-12)
    kernel=lambda xp, g, p, y: g * (p - y) / xp.maximum(p * (1 - p), _BCE_EPSILON),
    shape=lambda g, p, y, **k: p,
)
define(
    "BinaryCrossEntropyTargetGrad",  # d/dy: log(1 - p) - log p, each held at -100
    kernel=lambda xp, p: _held_log(xp, 1 - p) - _held_log(xp, p),
    shape=same_shape,
)

# ------------------------------------------------------------ floating-point checks

for _name, _fname in (("IsNan", "isnan"), ("IsFinite", "isfinite"), ("IsInf", "isinf")):
    define(  # no gradient: a bool answer (a training loop's "is the loss still finite?")
        _name,
        kernel=lambda xp, x, _f=_fname: getattr(xp, _f)(x),
        shape=same_shape,
        eager_name=_fname,
        out_dtype="bool",
        same_dtypes=False,
        elementwise=True,
        **ufunc_out(_fname, 1),
    )

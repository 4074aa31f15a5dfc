"""In-place updates and masks: the eager front end's ``-=``, ``mul_``, ``relu_``, ``t_``,
``copy_``, ``grad_h[h < 0] = 0``, ``zero_()`` and ``clone()``.

An in-place kernel writes into its first input and returns it (``out=``, ``copyto``), so an
update costs no temporary (``t_`` returns the transposed view the tensor takes on). Its gradient
is that of the out-of-place op, given the input's value from before the write where the rule
reads it (the front end keeps a copy then, as PyTorch saves ``original_self``); ``saved`` and
``saves_output`` say which values are version-checked, as PyTorch's in-place variants save them.
"""

from __future__ import annotations

from typing import Any

from . import math as _math  # noqa: F401  (Add, Sub, Mul, Pow, whose gradients updates share)
from . import relu as _relu  # noqa: F401  (Relu and Clamp)
from . import views as _views  # noqa: F401  (Transpose)
from .shapes import no_flops, same_shape, transpose_shape
from .table import define, get

define(
    "AssignSub",
    kernel=lambda xp, ref, v: xp.subtract(ref, v, out=ref),
    shape=same_shape,
    grad=get("Sub").grad,
    eager_name="sub_",
    backward_name="SubBackward0",
    saved=(),
)
define(
    "AssignAdd",
    kernel=lambda xp, ref, v: xp.add(ref, v, out=ref),
    shape=same_shape,
    grad=get("Add").grad,
    eager_name="add_",
    backward_name="AddBackward0",
    saved=(),
)
define(  # reads the other factor, and self's old value for the other's gradient
    "AssignMul",
    kernel=lambda xp, ref, v: xp.multiply(ref, v, out=ref),
    shape=same_shape,
    grad=get("Mul").grad,
    eager_name="mul_",
    backward_name="MulBackward0",
    reads=((1,), (0,)),
)
define(  # d/db (a / b) from a (self's old value), not from the output: PyTorch saves no result
    "AssignDiv",
    kernel=lambda xp, ref, v: xp.true_divide(ref, v, out=ref),
    shape=same_shape,
    grad=lambda F, g, out, a, b: (
        lambda: F.unbroadcast(F("RealDiv", g, b), a),
        lambda: F.unbroadcast(F("Neg", F("RealDiv", F("RealDiv", F("Mul", g, a), b), b)), b),
    ),
    eager_name="div_",
    backward_name="DivBackward0",
    reads=((1,), (0, 1)),
)


def _pow_scalar_grad(xp: Any, g: Any, x: Any, exponent: float = 1.0) -> Any:
    """``g * e * x ** (e - 1)``; 0 for ``e == 0`` (PyTorch's ``pow_backward``)."""
    if exponent == 0.0:
        return xp.zeros_like(g)
    return g * (exponent * xp.power(x, exponent - 1.0))


define("PowScalarGrad", kernel=_pow_scalar_grad, shape=same_shape)
define(  # x.pow_(2.0): reads self's old value
    "AssignPowScalar",
    kernel=lambda xp, ref, exponent=1.0: xp.power(ref, exponent, out=ref),
    shape=same_shape,
    grad=lambda F, g, out, x, exponent=1.0: (lambda: F("PowScalarGrad", g, x, exponent=exponent),),
    eager_name="pow_",
    backward_name="PowBackward0",
    saved=(0,),
)
define(  # x.pow_(y) for a tensor y: reads self's old value, y and the result
    "AssignPow",
    kernel=lambda xp, ref, y: xp.power(ref, y, out=ref),
    shape=same_shape,
    grad=get("Pow").grad,
    eager_name="pow_",
    backward_name="PowBackward1",
    saves_output=True,
    reads=((0, 1), (0, 2)),
)
define(
    "AssignNeg",
    kernel=lambda xp, ref: xp.negative(ref, out=ref),
    shape=same_shape,
    grad=get("Neg").grad,
    eager_name="neg_",
    backward_name="NegBackward0",
    saved=(),
)
define(  # reads its result, as relu does: a later in-place change of it is caught
    "AssignRelu",
    kernel=lambda xp, ref: xp.maximum(ref, 0, out=ref),
    shape=same_shape,
    grad=get("Relu").grad,
    eager_name="relu_",
    backward_name="ReluBackward0",
    saved=(),
    saves_output=True,
)


def _clamp_into(xp: Any, ref: Any, min: float | None = None, max: float | None = None) -> Any:  # noqa: A002
    if min is not None:
        xp.maximum(ref, min, out=ref)
    if max is not None:
        xp.minimum(ref, max, out=ref)
    return ref


define(  # reads self's old value (where it was within the bounds)
    "AssignClamp",
    kernel=_clamp_into,
    shape=same_shape,
    grad=get("Clamp").grad,
    eager_name="clamp_",
    backward_name=get("Clamp").backward_name,
    saved=(0,),
)
define(  # the tensor takes on the transposed view of its storage
    "AssignTranspose",
    kernel=lambda xp, ref: ref.T,
    shape=transpose_shape,
    flops=no_flops,
    grad=get("Transpose").grad,
    eager_name="t_",
    backward_name="TBackward1",
    saved=(),
)


def _copy_into(xp: Any, ref: Any, src: Any) -> Any:
    xp.copyto(ref, src, casting="unsafe")
    return ref


define(  # self's old value gets no gradient; src gets it summed to its shape, in its dtype
    "AssignCopy",
    kernel=_copy_into,
    shape=same_shape,
    flops=no_flops,
    grad=lambda F, g, out, ref, src: (
        lambda: F("ZerosLike", g),
        lambda: F("CastLike", F.unbroadcast(g, src), src),
    ),
    eager_name="copy_",
    backward_name="torch::autograd::CopyBackwards",
    same_dtypes=False,
    saved=(),
)


def _masked_fill(xp: Any, x: Any, mask: Any, value: float = 0.0) -> Any:
    xp.copyto(x, value, where=mask)
    return x


define(
    "MaskedFill",
    kernel=_masked_fill,
    shape=same_shape,
    grad=lambda F, g, out, x, mask, value=0.0: (lambda: F("MaskZero", g, mask), None),
    eager_name="masked_fill_",
    backward_name="MaskedFillBackward0",
    same_dtypes=False,
    saved=(1,),
)
define(
    "MaskZero",
    kernel=lambda xp, g, mask: xp.where(mask, xp.zeros((), dtype=g.dtype), g),
    shape=same_shape,
    same_dtypes=False,
)


def _fill(xp: Any, x: Any, value: float = 0.0) -> Any:
    x.fill(value)
    return x


def _index_put(xp: Any, x: Any, value: Any, index: Any = None) -> Any:
    x[index] = value
    return x


define(  # zero_() and fill_(v): the old value gets a zero gradient (ZeroBackward0, FillBackward2)
    "Fill",
    kernel=_fill,
    shape=same_shape,
    flops=no_flops,
    grad=lambda F, g, out, x, value=0.0: (lambda: F("ZerosLike", g),),
    eager_name="fill_",
    backward_name="FillBackward2",
    saved=(),
)


def _index_zero(xp: Any, g: Any, index: Any = None) -> Any:
    """``g`` with the indexed elements zeroed (what was overwritten gets no gradient)."""
    g = g.copy()
    g[index] = 0
    return g


define("IndexZero", kernel=_index_zero, shape=same_shape, flops=no_flops)
define(  # x[index] = value: the old values there get none; value gets g there, summed to it
    "IndexPut",
    kernel=_index_put,
    shape=same_shape,
    flops=no_flops,
    grad=lambda F, g, out, x, value, index=None: (
        lambda: F("IndexZero", g, index=index),
        lambda: F("CastLike", F.unbroadcast(F("Index", g, index=index), value), value),
    ),
    eager_name="index_put_",
    backward_name="torch::autograd::CopySlices",
    same_dtypes=False,
    saved=(),
)
define(
    "Clone",
    kernel=lambda xp, x: x.copy(),
    shape=same_shape,
    flops=no_flops,
    grad=lambda F, g, out, x: (lambda: g,),
    eager_name="clone",
    backward_name="CloneBackward0",
    saved=(),
)

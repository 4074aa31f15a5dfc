"""In-place updates and masks: the eager front end's ``-=``, ``grad_h[h < 0] = 0``, ``zero_()``
and ``clone()``.

An in-place kernel writes into its first input and returns it (``out=``, ``copyto``), so an
update costs no temporary; where it has a gradient, it is that of the out-of-place op.
"""

from __future__ import annotations

from typing import Any

from . import math as _math  # noqa: F401  (Add and Sub, whose gradients the updates share)
from .shapes import no_flops, same_shape
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
define(
    "AssignMul",
    kernel=lambda xp, ref, v: xp.multiply(ref, v, out=ref),
    shape=same_shape,
    eager_name="mul_",
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


define("Fill", kernel=_fill, shape=same_shape, flops=no_flops, eager_name="fill_")
define("IndexPut", kernel=_index_put, shape=same_shape, flops=no_flops, eager_name="index_put_")
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

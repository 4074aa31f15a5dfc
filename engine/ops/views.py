"""Ops that move or relabel data without arithmetic: identity, transpose, reshape, indexing,
casts, and the ``*Like`` helpers that gradient rules use to match a shape or dtype."""

from __future__ import annotations

from typing import Any

from .shapes import index_shape, like_shape, no_flops, reshape_shape, same_shape, transpose_shape
from .table import define

define(
    "Identity",
    kernel=lambda xp, x: x,
    shape=same_shape,
    flops=no_flops,
    grad=lambda F, g, out, x: (lambda: g,),
    eager_name="clone",
    backward_name="CloneBackward0",
    saved=(),
)
define(
    "Transpose",
    kernel=lambda xp, x: x.T,
    shape=transpose_shape,
    flops=no_flops,
    grad=lambda F, g, out, x: (lambda: F("Transpose", g),),
    eager_name="t",
    backward_name="TBackward0",
    saved=(),
)
define(
    "Reshape",
    kernel=lambda xp, x, shape: xp.reshape(x, shape),
    shape=reshape_shape,
    flops=no_flops,
    grad=lambda F, g, out, x, shape=None: (lambda: F("ReshapeLike", g, x),),
    eager_name="view",
    backward_name="ViewBackward0",
    saved=(),
)
define(
    "ReshapeLike",
    kernel=lambda xp, g, like: xp.reshape(g, like.shape),
    shape=like_shape,
    flops=no_flops,
)


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


define(
    "Index",
    kernel=lambda xp, x, index=None: x[index],
    shape=index_shape,
    flops=no_flops,
    grad=lambda F, g, out, x, index=None: (lambda: F("IndexGrad", g, x, index=index),),
    eager_name="select",
    backward_name="SelectBackward0",
    same_dtypes=False,
    saved=(),
)
define(
    "IndexGrad",
    kernel=_index_grad,
    shape=like_shape,
    flops=no_flops,
    same_dtypes=False,
)
define(
    "Cast",
    kernel=lambda xp, x, dtype="float32": x.astype(dtype),
    shape=same_shape,
    flops=no_flops,
    grad=lambda F, g, out, x, dtype="float32": (lambda: F("CastLike", g, x),),
    eager_name="to",
    backward_name="ToCopyBackward0",
    saved=(),
)
define(
    "CastLike",
    kernel=lambda xp, value, like: xp.asarray(value, dtype=like.dtype),
    shape=lambda v, like, **k: v,
    flops=no_flops,
    same_dtypes=False,
)
define(
    "OnesLike",
    kernel=lambda xp, x: xp.ones_like(x),
    shape=same_shape,
    flops=no_flops,
    eager_name="ones_like",
)
define(
    "ZerosLike",
    kernel=lambda xp, x: xp.zeros_like(x),
    shape=same_shape,
    flops=no_flops,
    eager_name="zeros_like",
)

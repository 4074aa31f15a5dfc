"""Ops that move or relabel data without arithmetic: identity, transpose, reshape, indexing,
casts, and the ``*Like`` helpers that gradient rules use to match a shape or dtype."""

from __future__ import annotations

from typing import Any

from .shapes import (
    ShapeError,
    broadcast,
    concat_shape,
    expand_dims_shape,
    index_shape,
    like_shape,
    no_flops,
    pack_shape,
    reshape_shape,
    same_shape,
    squeeze_shape,
    transpose_shape,
)
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


def _inverse(perm: Any) -> Any:
    """The permutation that undoes ``perm`` (None: reversing the axes undoes itself)."""
    return None if perm is None else tuple(sorted(range(len(perm)), key=lambda i: perm[i]))


define(
    "Transpose",
    kernel=lambda xp, x, perm=None: x.T if perm is None else xp.transpose(x, perm),
    shape=transpose_shape,
    flops=no_flops,
    grad=lambda F, g, out, x, perm=None: (lambda: F("Transpose", g, perm=_inverse(perm)),),
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

# ------------------------------------------------------------- axes, stacks and joins

define(
    "ExpandDims",
    kernel=lambda xp, x, axis=0: xp.expand_dims(x, axis),
    shape=expand_dims_shape,
    flops=no_flops,
    grad=lambda F, g, out, x, axis=0: (lambda: F("ReshapeLike", g, x),),
    eager_name="unsqueeze",
    backward_name="UnsqueezeBackward0",
    saved=(),
)
define(
    "Squeeze",
    kernel=lambda xp, x, axis=None: xp.squeeze(x, axis=_axes(axis)),
    shape=squeeze_shape,
    flops=no_flops,
    grad=lambda F, g, out, x, axis=None: (lambda: F("ReshapeLike", g, x),),
    eager_name="squeeze",
    backward_name="SqueezeBackward1",
    saved=(),
)


def _axes(axis: Any) -> Any:
    return tuple(axis) if isinstance(axis, list) else axis


def _take(axis: int, i: int) -> tuple[Any, ...]:
    """The index that picks entry ``i`` along ``axis`` (negative: counted from the end)."""
    if axis >= 0:
        return (*(slice(None),) * axis, i)
    return (Ellipsis, i, *(slice(None),) * (-axis - 1))


def _pack_grad(F: Any, g: Any, out: Any, *xs: Any, axis: int = 0) -> tuple[Any, ...]:
    return tuple((lambda i=i: F("Index", g, index=_take(axis, i))) for i in range(len(xs)))


define(
    "Pack",
    kernel=lambda xp, *xs, axis=0: xp.stack(xs, axis=axis),
    shape=pack_shape,
    flops=no_flops,
    grad=_pack_grad,
    eager_name="stack",
    backward_name="StackBackward0",
    saved=(),
)


def _concat_grad_kernel(xp: Any, g: Any, *xs: Any, axis: int = 0, index: int = 0) -> Any:
    """Input ``index``'s part of the gradient of a concatenation along ``axis``."""
    start = sum(x.shape[axis] for x in xs[:index])
    cut = [slice(None)] * g.ndim
    cut[axis] = slice(start, start + xs[index].shape[axis])
    return g[tuple(cut)]


def _concat_grad(F: Any, g: Any, out: Any, *xs: Any, axis: int = 0) -> tuple[Any, ...]:
    return tuple((lambda i=i: F("ConcatGrad", g, *xs, axis=axis, index=i)) for i in range(len(xs)))


define(
    "ConcatV2",
    kernel=lambda xp, *xs, axis=0: xp.concatenate(xs, axis=axis),
    shape=concat_shape,
    flops=no_flops,
    grad=_concat_grad,
    eager_name="cat",
    backward_name="CatBackward0",
    saved=(),
)
define(
    "ConcatGrad",
    kernel=_concat_grad_kernel,
    shape=lambda g, *xs, axis=0, index=0, **k: xs[index],
    flops=no_flops,
)

# ------------------------------------------------------------- gather along an axis


def _gather_where(xp: Any, index: Any, axis: int) -> tuple[Any, ...]:
    """Where each element of ``index`` reads from: ``index`` along ``axis``, its own position
    along every other axis (an index may be smaller than the input there, as PyTorch allows)."""
    ones = [1] * index.ndim
    return tuple(
        index if d == axis else xp.arange(n).reshape(ones[:d] + [n] + ones[d + 1 :])
        for d, n in enumerate(index.shape)
    )  # (an open grid, built with arange: cupy's indices() has no sparse form)


def _gather(xp: Any, x: Any, index: Any, axis: int = 0) -> Any:
    return x[_gather_where(xp, index, axis)]


def _gather_grad(xp: Any, g: Any, x: Any, index: Any, axis: int = 0) -> Any:
    """``g`` added back where each element was read from: indices read twice add up."""
    out = xp.zeros(x.shape, dtype=g.dtype)
    xp.add.at(out, _gather_where(xp, index, axis), g)
    return out


define(
    "GatherElements",
    kernel=_gather,
    shape=lambda x, index, axis=0, **k: index,
    flops=no_flops,
    grad=lambda F, g, out, x, index, axis=0: (
        lambda: F("GatherElementsGrad", g, x, index, axis=axis),
        None,
    ),
    eager_name="gather",
    backward_name="GatherBackward0",
    same_dtypes=False,
    saved=(1,),
    reads=((1,), ()),
)
define(
    "GatherElementsGrad",
    kernel=_gather_grad,
    shape=lambda g, x, index, **k: x,
    same_dtypes=False,
)

# ------------------------------------------------------- broadcast, tile, embedding rows


def _broadcast_to_shape(x: Any, shape: Any = (), **attrs: Any) -> Any:
    if x is not None and len(shape) < len(x):
        raise ShapeError("rank", (x,), (len(shape), len(x)))
    return broadcast(x, tuple(shape)) if x is not None else tuple(shape)


define(
    "BroadcastTo",  # x.expand(...): the size-1 axes stretched, without copying
    kernel=lambda xp, x, shape=(): xp.broadcast_to(x, shape),
    shape=_broadcast_to_shape,
    flops=no_flops,
    grad=lambda F, g, out, x, shape=(): (lambda: F.unbroadcast(g, x),),
    eager_name="expand",
    backward_name="ExpandBackward0",
    saved=(),
)


def _tile_shape(x: Any, multiples: Any = (), **attrs: Any) -> Any:
    if x is None:
        return None
    padded = (1,) * (len(multiples) - len(x)) + tuple(x)
    return tuple(None if d is None else d * m for d, m in zip(padded, multiples, strict=True))


def _tile_grad(xp: Any, g: Any, x: Any, multiples: Any = ()) -> Any:
    """``g`` folded back onto ``x``: each axis split into (copies, size) and the copies
    summed (axes that ``multiples`` added in front are copies only)."""
    padded = (1,) * (len(multiples) - x.ndim) + tuple(x.shape)
    split = [n for pair in zip(multiples, padded, strict=True) for n in pair]
    summed = g.reshape(split).sum(axis=tuple(range(0, len(split), 2)))
    return summed.reshape(x.shape)


define(
    "Tile",  # x.repeat(...): whole copies laid side by side along each axis
    kernel=lambda xp, x, multiples=(): xp.tile(x, multiples),
    shape=_tile_shape,
    flops=no_flops,
    grad=lambda F, g, out, x, multiples=(): (lambda: F("TileGrad", g, x, multiples=multiples),),
    eager_name="repeat",
    backward_name="RepeatBackward0",
    saved=(),
)
define("TileGrad", kernel=_tile_grad, shape=like_shape)


def _gather_rows_grad(xp: Any, g: Any, params: Any, indices: Any, padding_idx: Any = None) -> Any:
    """``g`` added into the rows that were read (a row read twice gets both); the padding
    row gets none, as ``nn.Embedding(padding_idx=...)`` promises."""
    out = xp.zeros(params.shape, dtype=g.dtype)
    xp.add.at(out, indices, g)
    if padding_idx is not None:
        out[padding_idx] = 0
    return out


define(
    "Gather",  # tf.gather / nn.Embedding: the rows of params that indices name
    kernel=lambda xp, params, indices, padding_idx=None: params[indices],
    shape=lambda p, i, **k: None if p is None or i is None else (*i, *p[1:]),
    flops=no_flops,
    grad=lambda F, g, out, params, indices, padding_idx=None: (
        lambda: F("GatherRowsGrad", g, params, indices, padding_idx=padding_idx),
        None,
    ),
    eager_name="embedding",
    backward_name="EmbeddingBackward0",
    same_dtypes=False,
    saved=(1,),
    reads=((1,), ()),
)
define(
    "GatherRowsGrad",
    kernel=_gather_rows_grad,
    shape=lambda g, params, *r, **k: params,
    same_dtypes=False,
)


def _band(kind: str) -> None:
    """``Triu``/``Tril``: the last two axes' upper (on and above the ``diagonal``-th
    diagonal) or lower triangle kept, the rest zero; the gradient is kept the same way."""
    define(
        kind,
        kernel=lambda xp, x, diagonal=0: getattr(xp, kind.lower())(x, diagonal),
        shape=same_shape,
        flops=no_flops,
        grad=lambda F, g, out, x, diagonal=0: (lambda: F(kind, g, diagonal=diagonal),),
        saved=(),
    )


_band("Triu")  # torch.triu: e.g. the -inf above the diagonal of a causal attention mask
_band("Tril")  # torch.tril(torch.ones(T, T)): which earlier steps each step may attend to

"""``torch.nn.functional``: ``relu``, ``mse_loss``, ``linear``."""

from __future__ import annotations

import warnings
from typing import Any

from engine import ops
from engine.eager import errors
from engine.eager.tensor import Tensor, _binary, _fail_op, apply


def relu(x: Tensor, inplace: bool = False) -> Tensor:
    return x.relu()


def linear(x: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """``x @ weight.T + bias`` with ``weight`` of shape (out, in)."""
    a, w = x.array, weight.array
    if a.ndim != 2 or w.ndim != 2 or a.shape[1] != w.shape[1] or a.dtype != w.dtype:
        mm = ops.OPS["MatMul"]
        if a.ndim == 2 and w.ndim == 2 and a.dtype == w.dtype:
            _fail_op(
                mm,
                "linear",
                (x, weight),
                x._dev,
                errors.mm_shapes_message(a.shape, (w.shape[1], w.shape[0])),
            )
        x.mm(weight.t())  # raises the mm error for rank or dtype
    if weight._dev is not x._dev:
        x.mm(weight)  # raises the device error
    out = apply(ops.OPS["MatMul"], (x, weight), (a, w), {"transpose_b": True}, x._dev, "linear")
    return out if bias is None else out + bias


def _reduction(size_average: Any, reduce: Any, reduction: str) -> str:
    if size_average is None and reduce is None:
        return reduction
    warnings.warn(
        "size_average and reduce args will be deprecated, please use reduction='"
        f"{'sum' if size_average is False else 'mean'}' instead.",
        UserWarning,
        stacklevel=3,
    )
    if reduce is False:
        return "none"
    return "sum" if size_average is False else "mean"


def mse_loss(
    input: Tensor,
    target: Tensor,
    size_average: Any = None,
    reduce: Any = None,  # noqa: A002
    reduction: str = "mean",
) -> Tensor:
    """Squared error, averaged (``'mean'``), summed (``'sum'``) or kept (``'none'``)."""
    reduction = _reduction(size_average, reduce, reduction)
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    sq = _binary(ops.OPS["SquaredDifference"], input, target, name="mse_loss")
    if reduction == "none":
        return sq
    return sq.sum() if reduction == "sum" else sq.mean()

"""``torch.nn.functional``: activations, ``linear``, ``dropout`` and the losses (``mse_loss``,
``cross_entropy``, ``nll_loss``, ``smooth_l1_loss``, ``binary_cross_entropy`` and
``binary_cross_entropy_with_logits``)."""

from __future__ import annotations

import warnings
from typing import Any

from engine import ops
from engine.eager import errors
from engine.eager.nn.normalization import layer_norm  # F.layer_norm: LayerNorm's own
from engine.eager.tensor import Tensor, _binary, _fail_op, apply

__all__ = [
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "cross_entropy",
    "dropout",
    "embedding",
    "l1_loss",
    "layer_norm",
    "leaky_relu",
    "linear",
    "log_softmax",
    "mse_loss",
    "nll_loss",
    "one_hot",
    "relu",
    "sigmoid",
    "smooth_l1_loss",
    "softmax",
    "softplus",
    "tanh",
]


def relu(x: Tensor, inplace: bool = False) -> Tensor:
    """``max(x, 0)``; with ``inplace``, written into ``x`` (``relu_``)."""
    return x.relu_() if inplace else x.relu()


def leaky_relu(x: Tensor, negative_slope: float = 0.01, inplace: bool = False) -> Tensor:
    """``x`` where positive, ``negative_slope * x`` elsewhere."""
    if inplace:
        raise NotImplementedError("leaky_relu(inplace=True) is not supported by the engine")
    attrs = {"alpha": float(negative_slope)}
    return apply(ops.OPS["LeakyRelu"], (x,), (x.array,), attrs, x._dev)


def one_hot(tensor: Tensor, num_classes: int = -1) -> Tensor:
    """An int64 tensor with a new last axis of ``num_classes`` (-1: the largest class + 1),
    1 at each element's class and 0 elsewhere; no gradient flows through it."""
    a = tensor.array
    if a.dtype != "int64":
        errors.fail("one_hot is only applicable to index tensor of type LongTensor.")
    if a.size and int(a.min()) < 0:
        errors.fail("Class values must be non-negative.")
    if num_classes == -1:
        num_classes = int(a.max()) + 1 if a.size else 0
    elif a.size and int(a.max()) >= num_classes:
        errors.fail("Class values must be smaller than num_classes.")
    from engine.eager.factory import arange

    classes = arange(num_classes, device=tensor.device)
    return (tensor.unsqueeze(-1) == classes).long()


def linear(x: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """``x @ weight.T + bias`` with ``weight`` of shape (out, in); ``x`` (..., in)."""
    a, w = x.array, weight.array
    if a.ndim != 2 and w.ndim == 2:  # a vector, or a batch of sequences: matmul's broadcasting
        out = x.matmul(weight.t())
        return out if bias is None else out + bias
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


def binary_cross_entropy(
    input: Tensor,  # noqa: A002
    target: Tensor,
    weight: Tensor | None = None,
    size_average: Any = None,
    reduce: Any = None,
    reduction: str = "mean",
) -> Tensor:
    """``-(y log p + (1 - y) log(1 - p))`` of probabilities ``p`` (a sigmoid's output), each
    log held at -100 or above as PyTorch holds it (``p = 0`` costs 100, not infinity), with
    PyTorch's gradient ``(p - y) / max(p (1 - p), 1e-12)``."""
    reduction = _checked_reduction(size_average, reduce, reduction)
    if target.array.shape != input.array.shape:
        raise ValueError(
            f"Using a target size ({target.shape!r}) that is different to the input size "
            f"({input.shape!r}) is deprecated. Please ensure they have the same size."
        )
    p, y = input.array, target.array
    if bool(((p < 0) | (p > 1)).any()):
        errors.fail("all elements of input should be between 0 and 1")
    if y.dtype != p.dtype:
        y = y.astype(p.dtype)
    loss = apply(ops.OPS["BinaryCrossEntropy"], (input, target), (p, y), {}, input._dev)
    return _reduced(loss, weight, reduction)


def binary_cross_entropy_with_logits(
    input: Tensor,  # noqa: A002
    target: Tensor,
    weight: Tensor | None = None,
    size_average: Any = None,
    reduce: Any = None,
    reduction: str = "mean",
    pos_weight: Tensor | None = None,
) -> Tensor:
    """``binary_cross_entropy(sigmoid(x), y)`` without the sigmoid's rounding: ``softplus(x)
    - x y``, where softplus never overflows; ``pos_weight`` weighs the positive term:
    ``(1 - y) x + (1 + (w - 1) y) softplus(-x)``."""
    reduction = _checked_reduction(size_average, reduce, reduction)
    if target.array.shape != input.array.shape:
        raise ValueError(
            f"Target size ({target.shape!r}) must be the same as input size ({input.shape!r})"
        )
    if pos_weight is None:
        loss = softplus(input) - input * target
    else:
        loss = (1 - target) * input + (1 + (pos_weight - 1) * target) * softplus(-input)
    return _reduced(loss, weight, reduction)


def _checked_reduction(size_average: Any, reduce: Any, reduction: str) -> str:
    reduction = _reduction(size_average, reduce, reduction)
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    return reduction


def _reduced(loss: Tensor, weight: Tensor | None, reduction: str) -> Tensor:
    """Each element's loss times its ``weight``, then averaged, summed or kept."""
    if weight is not None:
        loss = loss * weight
    if reduction == "none":
        return loss
    return loss.sum() if reduction == "sum" else loss.mean()


def sigmoid(x: Tensor) -> Tensor:
    return x.sigmoid()


def tanh(x: Tensor) -> Tensor:
    return x.tanh()


def softplus(x: Tensor, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
    """``log(1 + exp(beta * x)) / beta`` (linear above ``threshold``, where they agree to
    float precision)."""
    if beta == 1.0:
        return apply(ops.OPS["Softplus"], (x,), (x._float().array,), {}, x._dev)
    scaled = x * beta
    return apply(ops.OPS["Softplus"], (scaled,), (scaled.array,), {}, x._dev) / beta


def softmax(x: Tensor, dim: int | None = None, _stacklevel: int = 3, dtype: Any = None) -> Tensor:
    return x.softmax(dim, dtype)


def log_softmax(
    x: Tensor, dim: int | None = None, _stacklevel: int = 3, dtype: Any = None
) -> Tensor:
    return x.log_softmax(dim, dtype)


def nll_loss(
    input: Tensor,  # noqa: A002
    target: Tensor,
    weight: Tensor | None = None,
    size_average: Any = None,
    ignore_index: int = -100,
    reduce: Any = None,
    reduction: str = "mean",
) -> Tensor:
    """Minus the log-probability of each target class, averaged (``'mean'``), summed or kept."""
    reduction = _reduction(size_average, reduce, reduction)
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    if weight is not None:
        raise NotImplementedError("nll_loss(weight=...) is not supported by the engine")
    logp, t = input, target.array
    if logp.array.ndim != 2 or t.ndim != 1:
        raise NotImplementedError("nll_loss: the engine takes (N, C) scores and (N,) class indices")
    classes = logp.array.shape[1]
    keep = t != ignore_index
    bad = t[keep & ((t < 0) | (t >= classes))]
    if bad.size:
        errors.fail(f"Target {int(bad[0])} is out of bounds.", IndexError)
    rows = logp._dev.xp.arange(t.shape[0])[keep]
    picked = -logp[rows, t[keep]]
    if reduction == "none":
        if not bool(keep.all()):
            raise NotImplementedError("nll_loss(reduction='none') with ignored targets")
        return picked
    return picked.sum() if reduction == "sum" else picked.mean()


def cross_entropy(
    input: Tensor,  # noqa: A002
    target: Tensor,
    weight: Tensor | None = None,
    size_average: Any = None,
    ignore_index: int = -100,
    reduce: Any = None,
    reduction: str = "mean",
    label_smoothing: float = 0.0,
) -> Tensor:
    """``nll_loss(log_softmax(input, 1), target)``; ``target`` class indices or, shaped like
    ``input``, class probabilities."""
    reduction = _reduction(size_average, reduce, reduction)
    if label_smoothing:
        raise NotImplementedError(
            "cross_entropy(label_smoothing=...) is not supported by the engine"
        )
    logp = input.log_softmax(1 if input.array.ndim > 1 else 0)
    if target.array.dtype.kind == "f":  # probabilities per class
        per_row = -(logp * target).sum(1 if input.array.ndim > 1 else 0)
        if reduction == "none":
            return per_row
        return per_row.sum() if reduction == "sum" else per_row.mean()
    return nll_loss(logp, target, weight, None, ignore_index, None, reduction)


def l1_loss(
    input: Tensor,  # noqa: A002
    target: Tensor,
    size_average: Any = None,
    reduce: Any = None,
    reduction: str = "mean",
) -> Tensor:
    """Absolute error ``|input - target|``, averaged (``'mean'``), summed or kept."""
    reduction = _checked_reduction(size_average, reduce, reduction)
    if target.array.shape != input.array.shape:
        warnings.warn(
            f"Using a target size ({target.shape!r}) that is different to the input size "
            f"({input.shape!r}). This will likely lead to incorrect results due to "
            "broadcasting. Please ensure they have the same size.",
            UserWarning,
            stacklevel=2,
        )
    return _reduced((input - target).abs(), None, reduction)


def embedding(
    input: Tensor,  # noqa: A002
    weight: Tensor,
    padding_idx: int | None = None,
    max_norm: float | None = None,
    norm_type: float = 2.0,
    scale_grad_by_freq: bool = False,
    sparse: bool = False,
) -> Tensor:
    """The rows of ``weight`` that the integer ``input`` names (one vector per index); the
    row ``padding_idx`` gets no gradient."""
    if max_norm is not None or scale_grad_by_freq or sparse:
        raise NotImplementedError(
            "embedding(max_norm=, scale_grad_by_freq=, sparse=) is not supported by the engine"
        )
    op, index = ops.OPS["Gather"], input.array
    if index.dtype.name not in ("int64", "int32"):
        _fail_op(
            op,
            "embedding",
            (weight,),
            weight._dev,
            "Expected tensor for argument #1 'indices' to have one of the following scalar "
            f"types: Long, Int; but got {input.type()} instead (while checking arguments for "
            "embedding)",
        )
    rows = weight.array.shape[0]
    if index.size and (int(index.min()) < 0 or int(index.max()) >= rows):
        _fail_op(op, "embedding", (weight,), weight._dev, "index out of range in self", IndexError)
    if padding_idx is not None and padding_idx < 0:
        padding_idx += rows
    attrs = {"padding_idx": padding_idx} if padding_idx is not None else {}
    return apply(op, (weight, None), (weight.array, index), attrs, weight._dev)


def smooth_l1_loss(
    input: Tensor,  # noqa: A002
    target: Tensor,
    size_average: Any = None,
    reduce: Any = None,
    reduction: str = "mean",
    beta: float = 1.0,
) -> Tensor:
    """``0.5 d**2 / beta`` where ``|d| < beta``, else ``|d| - 0.5 beta``."""
    reduction = _reduction(size_average, reduce, reduction)
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    op = ops.OPS["SmoothL1"]
    if target.array.shape != input.array.shape or target._dev is not input._dev:
        _binary(ops.OPS["Sub"], input, target, name="smooth_l1_loss")  # raises the shape error
    a, b = input.array, target.array
    if a.dtype != b.dtype:
        b = b.astype(a.dtype)
    out = apply(op, (input, target), (a, b), {"beta": float(beta)}, input._dev)
    if reduction == "none":
        return out
    return out.sum() if reduction == "sum" else out.mean()


def dropout(x: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Zeroes each element with probability ``p`` and scales the rest by ``1 / (1 - p)`` while
    training; the identity otherwise."""
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if not training or p == 0.0:
        return x
    from engine.eager import factory

    keep = factory.generator().random(x.array.shape) >= p
    scale = (keep / (1.0 - p) if p < 1.0 else keep * 0.0).astype(x.array.dtype)
    mask = factory._make(scale, x._dev, False)
    mask._name = "dropout mask"  # what its leaf node is called (no variable holds it)
    return _binary(ops.OPS["Mul"], x, mask, name="dropout")

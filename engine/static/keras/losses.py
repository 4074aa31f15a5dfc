"""``keras.losses``: per-example losses ``fn(y_true, y_pred)``, looked up by name.

``categorical_crossentropy`` and ``sparse_categorical_crossentropy`` take probabilities; when
``y_pred`` is a softmax's output they work from its logits with TF's fused op instead, as
tf.keras does (no ``log(0)``, and the graph shows one cross-entropy node).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .. import api, array_ops, nn_ops
from .. import dtypes as dt
from ..graph import Tensor
from ..namespace import missing_names

__all__ = [
    "MAE",
    "MSE",
    "binary_crossentropy",
    "categorical_crossentropy",
    "get",
    "mae",
    "mean_absolute_error",
    "mean_squared_error",
    "mse",
    "sparse_categorical_crossentropy",
]

EPSILON = 1e-7
"""Probabilities are clipped to [EPSILON, 1 - EPSILON] before their log."""


def mean_squared_error(y_true: Any, y_pred: Any) -> Tensor:
    """Mean over the last axis of ``(y_pred - y_true)^2``."""
    return api.reduce_mean(api.square(api.subtract(y_pred, y_true)), axis=-1)


def mean_absolute_error(y_true: Any, y_pred: Any) -> Tensor:
    """Mean over the last axis of ``|y_pred - y_true|``."""
    d = api.subtract(y_pred, y_true)
    return api.reduce_mean(api.maximum(d, api.negative(d)), axis=-1)


def _logits_of(y_pred: Tensor) -> Tensor | None:
    return y_pred.op.inputs[0] if y_pred.op.type == "Softmax" else None


def _clipped_log(p: Tensor) -> Tensor:
    return api.log(api.minimum(api.maximum(p, EPSILON), 1.0 - EPSILON))


def categorical_crossentropy(y_true: Any, y_pred: Any, from_logits: bool = False) -> Tensor:
    """``-sum(y_true * log(y_pred))`` over the last axis (``y_true`` one-hot)."""
    pred = api.convert_to_tensor(y_pred)
    logits = pred if from_logits else _logits_of(pred)
    if logits is not None:
        return nn_ops.softmax_cross_entropy_with_logits_v2(labels=y_true, logits=logits)
    p = api.divide(pred, api.reduce_sum(pred, axis=-1, keepdims=True))
    return api.negative(api.reduce_sum(api.multiply(y_true, _clipped_log(p)), axis=-1))


def sparse_categorical_crossentropy(y_true: Any, y_pred: Any, from_logits: bool = False) -> Tensor:
    """``-log(y_pred[y_true])`` per example (``y_true`` class indices)."""
    pred = api.convert_to_tensor(y_pred)
    labels = api.cast(y_true, dt.int64)
    logits = pred if from_logits else _logits_of(pred)
    if logits is not None:
        return nn_ops.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits)
    classes = pred._dims[-1] if pred._dims is not None else None
    if classes is None:
        raise ValueError("sparse_categorical_crossentropy needs the number of classes known")
    hot = array_ops.one_hot(labels, int(classes), dtype=pred.dtype)
    return api.negative(api.reduce_sum(api.multiply(hot, _clipped_log(pred)), axis=-1))


def binary_crossentropy(y_true: Any, y_pred: Any) -> Tensor:
    """Mean over the last axis of ``-(y log p + (1 - y) log(1 - p))``."""
    p = api.convert_to_tensor(y_pred)
    y = api.cast(y_true, p.dtype)
    both = api.add(
        api.multiply(y, _clipped_log(p)),
        api.multiply(api.subtract(1.0, y), _clipped_log(api.subtract(1.0, p))),
    )
    return api.negative(api.reduce_mean(both, axis=-1))


mse = MSE = mean_squared_error
mae = MAE = mean_absolute_error

_BY_NAME: dict[str, Callable[..., Tensor]] = {
    "mean_squared_error": mean_squared_error,
    "mse": mean_squared_error,
    "MSE": mean_squared_error,
    "mean_absolute_error": mean_absolute_error,
    "mae": mean_absolute_error,
    "categorical_crossentropy": categorical_crossentropy,
    "sparse_categorical_crossentropy": sparse_categorical_crossentropy,
    "binary_crossentropy": binary_crossentropy,
}


def get(identifier: Any) -> Callable[..., Tensor]:
    """The loss ``identifier`` names (a callable: itself)."""
    if callable(identifier):
        return identifier  # type: ignore[no-any-return]
    try:
        return _BY_NAME[str(identifier)]
    except KeyError:
        raise ValueError(f"Unknown loss function:{identifier}") from None


__getattr__ = missing_names("keras.losses")

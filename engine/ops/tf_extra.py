"""TensorFlow's fused classifier losses and ``DivNoNan``: ops only a TF 1 graph names.

``SoftmaxCrossEntropyWithLogits(logits, labels)`` is ``-sum(labels * log_softmax(logits))``
along the last axis, one loss per row; ``SparseSoftmaxCrossEntropyWithLogits(logits, labels)``
takes class indices instead of distributions. Both compute the log-softmax stably (the row's
maximum subtracted first) and their gradient with respect to the logits is TF's
``softmax(logits) - labels``, times the incoming gradient per row. ``DivNoNan(x, y)`` is
``x / y``, and 0 where ``y`` is 0 (``tf.metrics`` and weighted ``tf.losses`` divide by counts
that may be 0).
"""

from __future__ import annotations

from typing import Any

from .shapes import Shape, ShapeError, binary_shape, numel
from .table import define


class InvalidLabels(ValueError):
    """A class index outside ``[0, classes)``; the message is TensorFlow's own words."""


def _log_softmax(xp: Any, logits: Any) -> Any:
    shifted = logits - logits.max(axis=-1, keepdims=True)
    return shifted - xp.log(xp.exp(shifted).sum(axis=-1, keepdims=True))


def _rows(logits: Shape, labels: Shape, sparse: bool) -> Shape:
    """One loss per row of ``logits``; ``labels`` shaped like the logits (dense) or like a
    row index (sparse)."""
    if logits is None:
        return None
    if len(logits) < 1:
        raise ShapeError("rank", (logits, labels), (len(logits), 2))
    want = logits[:-1] if sparse else logits
    if labels is not None:
        if len(labels) != len(want):
            raise ShapeError("rank", (logits, labels), (len(want), len(labels)))
        for axis, (a, b) in enumerate(zip(want, labels, strict=True)):
            if a is not None and b is not None and a != b:
                raise ShapeError("broadcast", (logits, labels), (a, b), axis)
    return logits[:-1]


def _xent(xp: Any, logits: Any, labels: Any) -> Any:
    return -(labels * _log_softmax(xp, logits)).sum(axis=-1)


def _xent_grad(xp: Any, g: Any, logits: Any, labels: Any) -> Any:
    """d loss / d logits: ``g[..., None] * (softmax(logits) - labels)``."""
    return xp.expand_dims(g, -1) * (xp.exp(_log_softmax(xp, logits)) - labels)


def _xent_labels_grad(xp: Any, g: Any, logits: Any, labels: Any) -> Any:
    """d loss / d labels: ``-g[..., None] * log_softmax(logits)``."""
    return -xp.expand_dims(g, -1) * _log_softmax(xp, logits)


def _check_classes(xp: Any, logits: Any, labels: Any) -> Any:
    classes = logits.shape[-1]
    labels = xp.asarray(labels)
    if labels.size and (int(labels.min()) < 0 or int(labels.max()) >= classes):
        bad = int(labels.max()) if int(labels.max()) >= classes else int(labels.min())
        raise InvalidLabels(
            f"Received a label value of {bad} which is outside the valid range of "
            f"[0, {classes}).  Label values: {' '.join(str(int(v)) for v in labels.ravel())}"
        )
    return labels.astype("int64", copy=False)


def _sparse_xent(xp: Any, logits: Any, labels: Any) -> Any:
    labels = _check_classes(xp, logits, labels)
    picked = xp.take_along_axis(_log_softmax(xp, logits), labels[..., None], axis=-1)
    return -picked[..., 0]


def _sparse_xent_grad(xp: Any, g: Any, logits: Any, labels: Any) -> Any:
    """d loss / d logits: ``g[..., None] * (softmax(logits) - one_hot(labels))``."""
    labels = _check_classes(xp, logits, labels)
    p = xp.exp(_log_softmax(xp, logits))
    xp.put_along_axis(p, labels[..., None], xp.take_along_axis(p, labels[..., None], -1) - 1, -1)
    return xp.expand_dims(g, -1) * p


def _xent_flops(out: Shape, logits: Shape, *rest: Shape, **attrs: Any) -> int:
    """Max, subtract, exp, sum, log and the product with the labels: about six per logit."""
    return 6 * numel(logits)


define(
    "SoftmaxCrossEntropyWithLogits",
    kernel=_xent,
    shape=lambda logits, labels, **k: _rows(logits, labels, sparse=False),
    flops=_xent_flops,
    grad=lambda F, g, out, logits, labels: (
        lambda: F("SoftmaxCrossEntropyWithLogitsGrad", g, logits, labels),
        lambda: F("SoftmaxCrossEntropyWithLogitsLabelsGrad", g, logits, labels),
    ),
    eager_name="softmax_cross_entropy",
)
define(
    "SoftmaxCrossEntropyWithLogitsGrad",
    kernel=_xent_grad,
    shape=lambda g, logits, labels, **k: logits,
    flops=_xent_flops,
)
define(
    "SoftmaxCrossEntropyWithLogitsLabelsGrad",
    kernel=_xent_labels_grad,
    shape=lambda g, logits, labels, **k: labels,
    flops=_xent_flops,
)
define(
    "SparseSoftmaxCrossEntropyWithLogits",
    kernel=_sparse_xent,
    shape=lambda logits, labels, **k: _rows(logits, labels, sparse=True),
    flops=_xent_flops,
    grad=lambda F, g, out, logits, labels: (
        lambda: F("SparseSoftmaxCrossEntropyWithLogitsGrad", g, logits, labels),
        None,
    ),
    eager_name="sparse_softmax_cross_entropy",
    same_dtypes=False,
)
define(
    "SparseSoftmaxCrossEntropyWithLogitsGrad",
    kernel=_sparse_xent_grad,
    shape=lambda g, logits, labels, **k: logits,
    flops=_xent_flops,
    same_dtypes=False,
)


def _div_no_nan(xp: Any, x: Any, y: Any) -> Any:
    zero = y == 0
    safe = xp.where(zero, xp.ones((), dtype=y.dtype), y)
    return xp.where(zero, xp.zeros((), dtype=x.dtype), x / safe)


define(
    "DivNoNan",
    kernel=_div_no_nan,
    shape=binary_shape,
    grad=lambda F, g, out, x, y: (
        lambda: F.unbroadcast(F("DivNoNan", g, y), x),
        lambda: F.unbroadcast(F("Neg", F("DivNoNan", F("Mul", g, out), y)), y),
    ),
    eager_name="div_no_nan",
    saves_output=True,
    elementwise=True,
)

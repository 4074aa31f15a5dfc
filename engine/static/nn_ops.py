"""``tf.nn``'s activations, dropout and cross entropies with logits; ``tf.layers.dropout``.

Softmax, log-softmax and softplus are the shared op table's records; the cross entropies are
TF's fused ops (``engine/ops/tf_extra.py``). Dropout is built from the graph ops as TF 1.14
builds it - ``random_uniform(tf.shape(x)) >= rate`` cast to a mask, ``x * 1/(1 - rate) * mask``
- so its random shape is known only when a run reaches it. ``tf.layers.dropout(training=t)``
with a bool tensor ``t`` selects arithmetically (``x * (1 + t * (mask / keep - 1))``) rather
than through ``tf.cond``, so gradients flow through it.
"""

from __future__ import annotations

from typing import Any

from . import api
from .graph import Tensor


def softplus(features: Any, name: str | None = None) -> Tensor:
    """``tf.nn.softplus``: ``log(1 + exp(x))``."""
    return api.apply_op("Softplus", [features], name, "Softplus")


def softmax(logits: Any, axis: Any = None, name: str | None = None, dim: Any = None) -> Tensor:
    """``tf.nn.softmax`` along ``axis`` (the last by default)."""
    axis = dim if axis is None else axis
    return api.apply_op(
        "Softmax", [logits], name, "Softmax", {"axis": -1 if axis is None else int(axis)}
    )


def log_softmax(logits: Any, axis: Any = None, name: str | None = None, dim: Any = None) -> Tensor:
    """``tf.nn.log_softmax`` along ``axis`` (the last by default)."""
    axis = dim if axis is None else axis
    return api.apply_op(
        "LogSoftmax", [logits], name, "LogSoftmax", {"axis": -1 if axis is None else int(axis)}
    )


def _rate_of(keep_prob: Any, rate: Any) -> float:
    if (keep_prob is None) == (rate is None):
        raise ValueError("Either keep_prob or rate should be set, but not both.")
    r = float(rate) if rate is not None else 1.0 - float(keep_prob)
    if not 0.0 <= r < 1.0:
        raise ValueError(f"rate must be a scalar tensor or a float in the range [0, 1), got {r}")
    return r


def _mask(x: Tensor, rate: float, noise_shape: Any, seed: Any) -> Tensor:
    shape = noise_shape if noise_shape is not None else api.shape(x)
    uniform = api.random_uniform(shape, dtype=x.dtype, seed=seed)
    keep = api.greater_equal(uniform, api.constant(rate, x.dtype, name="rate"))
    return api.cast(keep, x.dtype)


def dropout(
    x: Any,
    keep_prob: Any = None,
    noise_shape: Any = None,
    seed: Any = None,
    name: str | None = None,
    rate: Any = None,
) -> Tensor:
    """``tf.nn.dropout``: each entry zeroed with probability ``rate`` (= 1 - ``keep_prob``),
    the rest scaled by ``1 / (1 - rate)``; drawn anew on every run."""
    r = _rate_of(keep_prob, rate)
    g = api.graph_of(x)
    with g.as_default(), g.name_scope(name or "dropout"):
        t = api.convert_to_tensor(x)
        if r == 0.0:
            return api.identity(t)
        scaled = api.multiply(t, api.constant(1.0 / (1.0 - r), t.dtype), name="mul")
        return api.multiply(scaled, _mask(t, r, noise_shape, seed), name="mul")


def layers_dropout(
    inputs: Any,
    rate: float = 0.5,
    noise_shape: Any = None,
    seed: Any = None,
    training: Any = False,
    name: str | None = None,
) -> Tensor:
    """``tf.layers.dropout``: dropout while ``training`` (a Python bool or a bool tensor, such
    as ``tf.placeholder_with_default(False, ())``), the inputs unchanged otherwise."""
    r = _rate_of(None, rate)
    if not api.is_tensor_like(training):
        if not training or r == 0.0:
            g = api.graph_of(inputs)
            with g.as_default(), g.name_scope(name or "dropout"):
                return api.identity(inputs)
        return dropout(inputs, rate=r, noise_shape=noise_shape, seed=seed, name=name)
    g = api.graph_of(inputs, training)
    with g.as_default(), g.name_scope(name or "dropout"):
        t = api.convert_to_tensor(inputs)
        on = api.cast(training, t.dtype)
        kept = api.multiply(_mask(t, r, noise_shape, seed), api.constant(1.0 / (1.0 - r), t.dtype))
        factor = api.add(api.multiply(on, api.subtract(kept, 1.0)), 1.0)
        return api.multiply(t, factor, name="mul")


# ------------------------------------------------------------------ cross entropy


def _sentinel(sentinel: Any, fn: str) -> None:
    if sentinel is not None:
        raise ValueError(f"Only call `{fn}` with named arguments (labels=..., logits=..., ...)")


def softmax_cross_entropy_with_logits_v2(
    _sentinel_: Any = None,
    labels: Any = None,
    logits: Any = None,
    axis: Any = None,
    name: str | None = None,
    dim: Any = None,
) -> Tensor:
    """``tf.nn.softmax_cross_entropy_with_logits_v2``: per row, ``-sum(labels *
    log_softmax(logits))``; gradients reach the labels too."""
    _sentinel(_sentinel_, "softmax_cross_entropy_with_logits")
    if labels is None or logits is None:
        raise ValueError("Both labels and logits must be provided.")
    axis = dim if axis is None else axis
    if axis not in (None, -1):
        raise ValueError("softmax_cross_entropy_with_logits here works along the last axis")
    return api.apply_op(
        "SoftmaxCrossEntropyWithLogits", [logits, labels], name, "softmax_cross_entropy_with_logits"
    )


def softmax_cross_entropy_with_logits(
    _sentinel_: Any = None,
    labels: Any = None,
    logits: Any = None,
    dim: Any = -1,
    name: str | None = None,
    axis: Any = None,
) -> Tensor:
    """``tf.nn.softmax_cross_entropy_with_logits`` (TF 1: no gradient into the labels)."""
    _sentinel(_sentinel_, "softmax_cross_entropy_with_logits")
    if labels is not None:
        labels = api.stop_gradient(labels, name="labels_stop_gradient")
    return softmax_cross_entropy_with_logits_v2(
        labels=labels, logits=logits, axis=axis if axis is not None else dim, name=name
    )


def sparse_softmax_cross_entropy_with_logits(
    _sentinel_: Any = None,
    labels: Any = None,
    logits: Any = None,
    name: str | None = None,
) -> Tensor:
    """``tf.nn.sparse_softmax_cross_entropy_with_logits``: per row, ``-log_softmax(logits)``
    at the class index ``labels`` (int32 or int64, in ``[0, classes)``)."""
    _sentinel(_sentinel_, "sparse_softmax_cross_entropy_with_logits")
    if labels is None or logits is None:
        raise ValueError("Both labels and logits must be provided.")
    g = api.graph_of(labels, logits)
    with g.as_default(), g.name_scope(name or "SparseSoftmaxCrossEntropyWithLogits") as scope:
        lab = api.convert_to_tensor(labels)
        if not lab.dtype.is_integer:
            raise TypeError(
                f"Value passed to parameter 'labels' has DataType {lab.dtype.name} not in list of "
                f"allowed values: int32, int64"
            )
        lg = api.convert_to_tensor(logits)
        if lab._dims is not None and lg._dims is not None and len(lab._dims) != len(lg._dims) - 1:
            raise ValueError(
                f"Rank mismatch: Rank of labels (received {len(lab._dims)}) should equal rank of "
                f"logits minus 1 (received {len(lg._dims)})."
            )
        return g.create_op(
            "SparseSoftmaxCrossEntropyWithLogits",
            [lg, lab],
            name="SparseSoftmaxCrossEntropyWithLogits" if name is None else scope,
        ).outputs[0]

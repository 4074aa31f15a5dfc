"""The lecture's higher-level TF pieces: ``tf.nn``, ``tf.layers.dense``, ``tf.losses``,
initializers (``tf.contrib.layers.xavier_initializer``, ``tf.variance_scaling_initializer``)
and ``tf.train.GradientDescentOptimizer``, all built from the graph ops, named like TF 1.x.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from . import api
from . import dtypes as dt
from .graph import Tensor
from .shapes import as_dims
from .variables import GraphKeys, Variable

Initializer = Callable[..., Tensor]

# ---------------------------------------------------------------- initializers


def _fans(shape: Sequence[int]) -> tuple[float, float]:
    if len(shape) < 1:
        return 1.0, 1.0
    if len(shape) == 1:
        return float(shape[0]), float(shape[0])
    receptive = float(np.prod(shape[:-2])) if len(shape) > 2 else 1.0
    return shape[-2] * receptive, shape[-1] * receptive


class VarianceScaling:
    """``tf.variance_scaling_initializer(scale, mode, distribution)`` (TF 1.x defaults)."""

    def __init__(
        self,
        scale: float = 1.0,
        mode: str = "fan_in",
        distribution: str = "truncated_normal",
        seed: int | None = None,
        dtype: Any = dt.float32,
    ) -> None:
        if scale <= 0.0:
            raise ValueError("`scale` must be positive float.")
        if mode.lower() not in ("fan_in", "fan_out", "fan_avg"):
            raise ValueError(f"Invalid `mode` argument: {mode}")
        self.scale, self.mode, self.seed = scale, mode.lower(), seed
        self.distribution = {"normal": "truncated_normal"}.get(
            distribution.lower(), distribution.lower()
        )
        self.dtype = dt.as_dtype(dtype)

    def __call__(self, shape: Any, dtype: Any = None, partition_info: Any = None) -> Tensor:
        dims = tuple(int(d or 0) for d in as_dims(shape) or ())
        fan_in, fan_out = _fans(dims)
        n = {"fan_in": fan_in, "fan_out": fan_out}.get(self.mode, (fan_in + fan_out) / 2.0)
        scale = self.scale / max(1.0, n)
        d = dt.as_dtype(dtype) if dtype is not None else self.dtype
        if self.distribution == "truncated_normal":  # stddev of the normal truncated at 2 sigma
            return api.truncated_normal(
                dims, 0.0, math.sqrt(scale) / 0.87962566103423978, d, self.seed
            )
        if self.distribution == "untruncated_normal":
            return api.random_normal(dims, 0.0, math.sqrt(scale), d, self.seed)
        limit = math.sqrt(3.0 * scale)
        return api.random_uniform(dims, -limit, limit, d, self.seed)


def variance_scaling_initializer(
    scale: float = 1.0,
    mode: str = "fan_in",
    distribution: str = "truncated_normal",
    seed: int | None = None,
    dtype: Any = dt.float32,
) -> VarianceScaling:
    """``tf.variance_scaling_initializer`` (the 2018 lecture passes ``2.0``)."""
    return VarianceScaling(scale, mode, distribution, seed, dtype)


def glorot_uniform_initializer(seed: int | None = None, dtype: Any = dt.float32) -> VarianceScaling:
    """``tf.glorot_uniform_initializer``: the default of ``tf.layers.dense``."""
    return VarianceScaling(1.0, "fan_avg", "uniform", seed, dtype)


def xavier_initializer(
    uniform: bool = True, seed: int | None = None, dtype: Any = dt.float32
) -> VarianceScaling:
    """``tf.contrib.layers.xavier_initializer`` (the 2017 lecture)."""
    return VarianceScaling(
        1.0, "fan_avg", "uniform" if uniform else "truncated_normal", seed, dtype
    )


def contrib_variance_scaling_initializer(
    factor: float = 2.0,
    mode: str = "FAN_IN",
    uniform: bool = False,
    seed: int | None = None,
    dtype: Any = dt.float32,
) -> VarianceScaling:
    """``tf.contrib.layers.variance_scaling_initializer`` (He initialisation by default)."""
    return VarianceScaling(factor, mode, "uniform" if uniform else "truncated_normal", seed, dtype)


def random_normal_initializer(
    mean: float = 0.0, stddev: float = 1.0, seed: int | None = None, dtype: Any = dt.float32
) -> Initializer:
    """``tf.random_normal_initializer``."""
    return lambda shape, dtype_=None, partition_info=None: api.random_normal(
        shape, mean, stddev, dtype_ or dtype, seed
    )


def zeros_initializer(dtype: Any = dt.float32) -> Initializer:
    """``tf.zeros_initializer``: a Const ``zeros``."""
    return lambda shape, dtype_=None, partition_info=None: api.zeros(shape, dtype_ or dtype)


def ones_initializer(dtype: Any = dt.float32) -> Initializer:
    """``tf.ones_initializer``: a Const ``ones``."""
    return lambda shape, dtype_=None, partition_info=None: api.ones(shape, dtype_ or dtype)


def constant_initializer(value: Any = 0, dtype: Any = dt.float32) -> Initializer:
    """``tf.constant_initializer``."""
    return lambda shape, dtype_=None, partition_info=None: api.constant(
        value, dtype_ or dtype, shape=shape, name="Const"
    )


# ----------------------------------------------------------------------- layers


def dense(
    inputs: Any,
    units: int,
    activation: Callable[[Tensor], Tensor] | None = None,
    use_bias: bool = True,
    kernel_initializer: Initializer | None = None,
    bias_initializer: Initializer | None = None,
    kernel_regularizer: Any = None,
    bias_regularizer: Any = None,
    activity_regularizer: Any = None,
    kernel_constraint: Any = None,
    bias_constraint: Any = None,
    trainable: bool = True,
    name: str | None = None,
    reuse: Any = None,
) -> Tensor:
    """``tf.layers.dense``: ``activation(inputs @ kernel + bias)`` with new Variables
    ``dense/kernel`` and ``dense/bias`` (``dense_1/...`` for the next layer)."""
    x = api.convert_to_tensor(inputs)
    if x._dims is None or x._dims[-1] is None:
        raise ValueError(
            "The last dimension of the inputs to `Dense` should be defined. Found `None`."
        )
    g = x.graph
    init = kernel_initializer or glorot_uniform_initializer()
    binit = bias_initializer or zeros_initializer()
    with g.as_default(), g.name_scope(name or "dense"):
        kernel = Variable(
            lambda: init((x._dims[-1], units), x.dtype), trainable=trainable, name="kernel"
        )
        bias = (
            Variable(lambda: binit((units,), x.dtype), trainable=trainable, name="bias")
            if use_bias
            else None
        )
        out = api.matmul(x, kernel)
        if bias is not None:
            out = api.bias_add(out, bias)
        if activation is not None:
            out = activation(out)
    return out


# ----------------------------------------------------------------------- losses


def mean_squared_error(
    labels: Any,
    predictions: Any,
    weights: Any = 1.0,
    scope: str | None = None,
    loss_collection: str = GraphKeys.LOSSES,
    reduction: Any = None,
) -> Tensor:
    """``tf.losses.mean_squared_error``: the mean over *all* elements of the squared error
    (so it is D times smaller than T1's ``reduce_mean(reduce_sum(diff ** 2, axis=1))``)."""
    g = api.graph_of(labels, predictions)
    with g.as_default(), g.name_scope(scope or "mean_squared_error"):
        p = api.convert_to_tensor(predictions)
        lab = api.convert_to_tensor(labels)
        losses = api.squared_difference(p, lab)
        if not (isinstance(weights, int | float) and weights == 1.0):
            losses = api.multiply(losses, weights)
        loss = api.reduce_mean(losses, name="value")
    g.add_to_collection(loss_collection, loss)
    return loss

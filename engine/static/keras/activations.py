"""``keras.activations``: functions of a tensor, looked up by name (``Activation('relu')``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .. import api, nn_ops
from ..graph import Tensor
from ..namespace import missing_names

__all__ = [
    "get",
    "linear",
    "relu",
    "sigmoid",
    "softmax",
    "softplus",
    "tanh",
]


def relu(x: Any) -> Tensor:
    """``max(x, 0)`` (``Relu``)."""
    return api.relu(x)


def sigmoid(x: Any) -> Tensor:
    """``1 / (1 + exp(-x))``."""
    return api.sigmoid(x)


def tanh(x: Any) -> Tensor:
    """The hyperbolic tangent."""
    return api.tanh(x)


def softmax(x: Any, axis: int = -1) -> Tensor:
    """The softmax along ``axis``."""
    return nn_ops.softmax(x, axis=axis)


def softplus(x: Any) -> Tensor:
    """``log(1 + exp(x))``."""
    return nn_ops.softplus(x)


def linear(x: Any) -> Any:
    """``x`` unchanged (the default: no activation)."""
    return x


_BY_NAME: dict[str, Callable[..., Any]] = {
    "relu": relu,
    "sigmoid": sigmoid,
    "tanh": tanh,
    "softmax": softmax,
    "softplus": softplus,
    "linear": linear,
}


def get(identifier: Any) -> Callable[..., Any]:
    """The activation ``identifier`` names (None: linear; a callable: itself)."""
    if identifier is None:
        return linear
    if callable(identifier):
        return identifier  # type: ignore[no-any-return]
    try:
        return _BY_NAME[str(identifier)]
    except KeyError:
        raise ValueError(f"Unknown activation function:{identifier}") from None


__getattr__ = missing_names("keras.activations")

"""``keras.layers``: Dense, Activation, Dropout, Input-less Sequential building blocks.

Both Keras APIs are accepted: Keras 1's ``Dense(output_dim, init=, input_dim=)`` and Keras 2's
``Dense(units, kernel_initializer=, input_shape=)``. A layer is named once (``dense``,
``dense_1``, as the graph's names go), builds its Variables on its first call
(``dense/kernel``, ``dense/bias``) and adds its ops under its name (``dense/MatMul``,
``dense/BiasAdd``, ``dense/Relu``), so a Keras model reads in the static pane like
``tf.layers.dense``.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

from .. import api, nn_layers, nn_ops
from ..graph import Tensor, get_default_graph
from ..namespace import missing_names
from ..variables import Variable
from . import activations
from .backend import learning_phase

__all__ = [
    "Activation",
    "Dense",
    "Dropout",
    "Layer",
]

_LAYER_ARGS = frozenset(
    {"input_shape", "input_dim", "batch_input_shape", "batch_size", "name", "trainable", "dtype"}
)


def _initializer(identifier: Any) -> Any:
    """A TF initializer from a Keras name (Keras 1's too) or an initializer."""
    if identifier is None or callable(identifier):
        return identifier
    name = str(identifier)
    table: dict[str, Callable[[], Any]] = {
        "glorot_uniform": lambda: nn_layers.VarianceScaling(1.0, "fan_avg", "uniform"),
        "glorot_normal": lambda: nn_layers.VarianceScaling(1.0, "fan_avg", "truncated_normal"),
        "he_uniform": lambda: nn_layers.VarianceScaling(2.0, "fan_in", "uniform"),
        "he_normal": lambda: nn_layers.VarianceScaling(2.0, "fan_in", "truncated_normal"),
        "lecun_uniform": lambda: nn_layers.VarianceScaling(1.0, "fan_in", "uniform"),
        "zeros": nn_layers.zeros_initializer,
        "zero": nn_layers.zeros_initializer,
        "ones": nn_layers.ones_initializer,
        "one": nn_layers.ones_initializer,
        "random_normal": lambda: nn_layers.random_normal_initializer(0.0, 0.05),
        "normal": lambda: nn_layers.random_normal_initializer(0.0, 0.05),
    }
    try:
        return table[name]()
    except KeyError:
        raise ValueError(f"Unknown initializer: {name}") from None


class Layer:
    """A Keras layer: a name, an optional input shape, Variables made on the first call."""

    default_name = "layer"

    def __init__(self, **kwargs: Any) -> None:
        unknown = set(kwargs) - _LAYER_ARGS
        if unknown:
            raise TypeError(("Keyword argument not understood:", sorted(unknown)[0]))
        shape = kwargs.get("input_shape")
        if kwargs.get("batch_input_shape") is not None:
            shape = tuple(kwargs["batch_input_shape"])[1:]
        elif kwargs.get("input_dim") is not None:
            shape = (int(kwargs["input_dim"]),)
        self.input_shape_hint: tuple[Any, ...] | None = None if shape is None else tuple(shape)
        """The shape of one input example, if the layer was told it."""
        self.trainable = bool(kwargs.get("trainable", True))
        """Whether its weights are trained."""
        self._given_name: str | None = kwargs.get("name")
        self._name: str | None = None
        self.built = False
        """True once its Variables exist."""
        self.weights: list[Variable] = []
        """Its Variables, once built."""

    @property
    def name(self) -> str:
        """Its name, unique in the graph (``dense``, ``dense_1``...)."""
        if self._name is None:
            self._name = get_default_graph().unique_name(self._given_name or self.default_name)
        return self._name

    def build(self, input_dims: tuple[Any, ...]) -> None:
        """Make the Variables for inputs of ``input_dims``."""
        self.built = True

    def call(self, x: Tensor) -> Tensor:
        """The layer's ops on ``x``."""
        raise NotImplementedError

    def __call__(self, inputs: Any) -> Tensor:
        x = api.convert_to_tensor(inputs)
        g = x.graph
        with g.as_default(), g.name_scope(self.name + "/"):
            if not self.built:
                self.build(tuple(x._dims or ()))
                self.built = True
            return self.call(x)

    def compute_output_shape(self, input_shape: tuple[Any, ...]) -> tuple[Any, ...]:
        """The output's shape for an input of ``input_shape``."""
        return input_shape

    def count_params(self) -> int:
        """How many numbers its weights hold."""
        total = 0
        for w in self.weights:
            n = 1
            for d in w.shape.as_list():
                n *= int(d or 0)
            total += n
        return total


class Dense(Layer):
    """``Dense(units, activation=None, use_bias=True, kernel_initializer='glorot_uniform',
    bias_initializer='zeros')``; Keras 1: ``Dense(output_dim, init=, input_dim=, bias=)``."""

    default_name = "dense"

    def __init__(
        self,
        units: int | None = None,
        activation: Any = None,
        use_bias: bool = True,
        kernel_initializer: Any = "glorot_uniform",
        bias_initializer: Any = "zeros",
        kernel_regularizer: Any = None,
        bias_regularizer: Any = None,
        activity_regularizer: Any = None,
        kernel_constraint: Any = None,
        bias_constraint: Any = None,
        output_dim: int | None = None,
        init: Any = None,
        bias: bool | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        units = units if units is not None else output_dim
        if units is None:
            raise TypeError("Dense needs the number of units (units=, or Keras 1's output_dim=)")
        if any(r is not None for r in (kernel_regularizer, bias_regularizer, activity_regularizer)):
            raise ValueError("Dense here takes no regularizers")
        if kernel_constraint is not None or bias_constraint is not None:
            raise ValueError("Dense here takes no constraints")
        self.units = int(units)
        """The number of outputs."""
        self.activation = activations.get(activation)
        """The function applied to the output."""
        self.use_bias = use_bias if bias is None else bool(bias)
        """Whether a bias is added."""
        self.kernel_initializer = _initializer(init if init is not None else kernel_initializer)
        self.bias_initializer = _initializer(bias_initializer)

    def build(self, input_dims: tuple[Any, ...]) -> None:
        last = input_dims[-1] if input_dims else None
        if last is None:
            raise ValueError(
                "The last dimension of the inputs to `Dense` should be defined. Found `None`."
            )
        kinit, binit = self.kernel_initializer, self.bias_initializer
        self.kernel = Variable(
            lambda: kinit((int(last), self.units)), trainable=self.trainable, name="kernel"
        )
        self.weights = [self.kernel]
        if self.use_bias:
            self.bias = Variable(
                lambda: binit((self.units,)), trainable=self.trainable, name="bias"
            )
            self.weights.append(self.bias)

    def call(self, x: Tensor) -> Tensor:
        out = api.matmul(x, self.kernel)
        if self.use_bias:
            out = api.bias_add(out, self.bias)
        return api.convert_to_tensor(self.activation(out))

    def compute_output_shape(self, input_shape: tuple[Any, ...]) -> tuple[Any, ...]:
        return (*input_shape[:-1], self.units)


class Activation(Layer):
    """``Activation('relu')``: an activation as a layer of its own."""

    default_name = "activation"

    def __init__(self, activation: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.activation = activations.get(activation)
        """The function it applies."""

    def call(self, x: Tensor) -> Tensor:
        return api.convert_to_tensor(self.activation(x))


class Dropout(Layer):
    """``Dropout(rate)`` (Keras 1: ``Dropout(p)``): active only while ``fit`` trains."""

    default_name = "dropout"

    def __init__(
        self,
        rate: float | None = None,
        noise_shape: Any = None,
        seed: Any = None,
        p: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        rate = rate if rate is not None else p
        if rate is None:
            raise TypeError("Dropout needs a rate")
        self.rate = float(rate)
        """The fraction of inputs zeroed."""
        self.seed = seed

    def call(self, x: Tensor) -> Tensor:
        return nn_ops.layers_dropout(
            x, self.rate, seed=self.seed, training=learning_phase(), name="dropout"
        )


core = sys.modules[__name__]
"""``keras.layers.core`` (Keras 1's home of Dense and Activation) is this module."""


__getattr__ = missing_names("keras.layers")

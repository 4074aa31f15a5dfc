"""``keras.optimizers``: Keras' optimizer names and defaults over ``tf.train``'s optimizers.

``SGD(lr=0.01, momentum=0.0, nesterov=False)``, ``Adam(lr=0.001)``, ``RMSprop(lr=0.001,
rho=0.9)``, ``Adagrad(lr=0.01)``; ``lr`` (Keras 1 and 2) and ``learning_rate`` both work. Each
becomes the ``tf.train`` optimizer that ``compile`` adds to the graph (its update ops grouped
under the optimizer's name, as in any TF 1 graph). RMSprop and Adagrad follow TF's update
rules (TF's RMSProp starts its mean square at ones and puts epsilon inside the root).
"""

from __future__ import annotations

from typing import Any

from .. import optimizers as tfo
from ..namespace import missing_names

__all__ = [
    "Adagrad",
    "Adam",
    "Optimizer",
    "RMSprop",
    "SGD",
    "adagrad",
    "adam",
    "get",
    "rmsprop",
    "sgd",
]

_UNSET = object()


class Optimizer:
    """A Keras optimizer: its settings, and the TF optimizer it stands for."""

    def __init__(
        self, lr: Any, learning_rate: Any, decay: float, clipnorm: Any, default: float
    ) -> None:
        if decay:
            raise ValueError("keras optimizers here take no decay (use a fixed learning rate)")
        if clipnorm is not None:
            raise ValueError("keras optimizers here take no clipnorm")
        rate = learning_rate if learning_rate is not None else lr
        self.lr = float(default if rate is None else rate)
        """The learning rate."""
        self.learning_rate = self.lr
        """The learning rate (the tf.keras 2 name)."""

    def tf_optimizer(self) -> tfo.Optimizer:
        """The ``tf.train`` optimizer that builds the update ops."""
        raise NotImplementedError

    def get_config(self) -> dict[str, Any]:
        """The settings, by name."""
        return {k: v for k, v in vars(self).items() if not k.startswith("_")}


class SGD(Optimizer):
    """``SGD(lr=0.01, momentum=0.0, decay=0.0, nesterov=False)``."""

    def __init__(
        self,
        lr: Any = None,
        momentum: float = 0.0,
        decay: float = 0.0,
        nesterov: bool = False,
        learning_rate: Any = None,
        clipnorm: Any = None,
        **_: Any,
    ) -> None:
        super().__init__(lr, learning_rate, decay, clipnorm, 0.01)
        self.momentum, self.nesterov = float(momentum), bool(nesterov)

    def tf_optimizer(self) -> tfo.Optimizer:
        if self.momentum:
            return tfo.MomentumOptimizer(
                self.lr, self.momentum, use_nesterov=self.nesterov, name="SGD"
            )
        return tfo.GradientDescentOptimizer(self.lr, name="SGD")


class Adam(Optimizer):
    """``Adam(lr=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7)``."""

    def __init__(
        self,
        lr: Any = None,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
        epsilon: float | None = None,
        decay: float = 0.0,
        learning_rate: Any = None,
        clipnorm: Any = None,
        **_: Any,
    ) -> None:
        super().__init__(lr, learning_rate, decay, clipnorm, 0.001)
        self.beta_1, self.beta_2 = float(beta_1), float(beta_2)
        self.epsilon = 1e-7 if epsilon is None else float(epsilon)

    def tf_optimizer(self) -> tfo.Optimizer:
        return tfo.AdamOptimizer(self.lr, self.beta_1, self.beta_2, self.epsilon)


class RMSprop(Optimizer):
    """``RMSprop(lr=0.001, rho=0.9, epsilon=1e-7)``."""

    def __init__(
        self,
        lr: Any = None,
        rho: float = 0.9,
        epsilon: float | None = None,
        decay: float = 0.0,
        learning_rate: Any = None,
        clipnorm: Any = None,
        **_: Any,
    ) -> None:
        super().__init__(lr, learning_rate, decay, clipnorm, 0.001)
        self.rho = float(rho)
        self.epsilon = 1e-7 if epsilon is None else float(epsilon)

    def tf_optimizer(self) -> tfo.Optimizer:
        return tfo.RMSPropOptimizer(self.lr, decay=self.rho, epsilon=self.epsilon)


class Adagrad(Optimizer):
    """``Adagrad(lr=0.01)`` (accumulators start at 0.1, as TF's)."""

    def __init__(
        self,
        lr: Any = None,
        epsilon: float | None = None,
        decay: float = 0.0,
        learning_rate: Any = None,
        clipnorm: Any = None,
        **_: Any,
    ) -> None:
        super().__init__(lr, learning_rate, decay, clipnorm, 0.01)

    def tf_optimizer(self) -> tfo.Optimizer:
        return tfo.AdagradOptimizer(self.lr)


sgd, adam, rmsprop, adagrad = SGD, Adam, RMSprop, Adagrad


def get(identifier: Any) -> tfo.Optimizer:
    """The TF optimizer for a name (``'sgd'``), a Keras optimizer or a ``tf.train`` one."""
    if isinstance(identifier, tfo.Optimizer):
        return identifier
    if isinstance(identifier, Optimizer):
        return identifier.tf_optimizer()
    by_name = {"sgd": SGD, "adam": Adam, "rmsprop": RMSprop, "adagrad": Adagrad}
    chosen = by_name.get(str(identifier).lower())
    if chosen is None:
        raise ValueError(f"Unknown optimizer: {identifier}")
    made: Optimizer = chosen()
    return made.tf_optimizer()


__getattr__ = missing_names("keras.optimizers")

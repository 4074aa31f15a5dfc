"""Keras on the static engine: ``tf.keras`` and the standalone ``keras`` of the 2017 slide.

``cgviz run`` resolves ``import keras`` here as it resolves ``import tensorflow``, and
``tf.keras`` is this package too. A ``Sequential`` model compiles into a TF 1 graph in the
default graph (so it shows in the static pane) and ``fit`` runs it in the Keras Session::

    model = Sequential()
    model.add(Dense(input_dim=D, output_dim=H))       # Keras 1 names
    model.add(Activation('relu'))
    model.add(Dense(input_dim=H, output_dim=D))
    model.compile(loss='mean_squared_error', optimizer=SGD(lr=1e0))
    model.fit(x, y, nb_epoch=50, batch_size=N, verbose=0)

Modules: ``layers`` (Dense, Activation, Dropout), ``models`` (Sequential, History),
``optimizers``, ``losses``, ``activations``, ``backend``, ``utils``.
"""

from __future__ import annotations

from ..namespace import Namespace, Unsupported
from . import activations, backend, layers, losses, models, optimizers, utils
from .models import History, Sequential

__version__ = "2.2.4-tf"
"""The Keras this front end follows (the one TensorFlow 1.x ships as tf.keras)."""

callbacks = Namespace("keras.callbacks", History=History)
"""``keras.callbacks``: the History that ``fit`` returns (no other callbacks here)."""


def __getattr__(name: str) -> object:
    """A name this Keras lacks: one clear line saying so."""
    if name.startswith("__") and name.endswith("__"):
        raise AttributeError(name)
    raise Unsupported(f"keras.{name}")


__all__ = [
    "History",
    "Sequential",
    "activations",
    "backend",
    "callbacks",
    "layers",
    "losses",
    "models",
    "optimizers",
    "utils",
]

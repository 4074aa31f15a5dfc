"""``torch.nn``: Module, Parameter, Sequential, the layers, the losses, RNN, ``functional``
and ``utils`` (gradient clipping)."""

from __future__ import annotations

from engine.eager.nn import functional, init, utils
from engine.eager.nn.layers import (
    BCELoss,
    BCEWithLogitsLoss,
    CrossEntropyLoss,
    Dropout,
    Embedding,
    Flatten,
    L1Loss,
    LeakyReLU,
    Linear,
    LogSoftmax,
    MSELoss,
    NLLLoss,
    ReLU,
    Sigmoid,
    SmoothL1Loss,
    Softmax,
    Softplus,
    Tanh,
)
from engine.eager.nn.module import Module, ModuleDict, ModuleList, Parameter, Sequential
from engine.eager.nn.normalization import BatchNorm1d, LayerNorm
from engine.eager.nn.rnn import RNN, RNNCell

__all__ = [
    "RNN",
    "BCELoss",
    "BatchNorm1d",
    "BCEWithLogitsLoss",
    "CrossEntropyLoss",
    "Dropout",
    "Embedding",
    "Flatten",
    "L1Loss",
    "LayerNorm",
    "LeakyReLU",
    "Linear",
    "LogSoftmax",
    "MSELoss",
    "Module",
    "ModuleDict",
    "ModuleList",
    "NLLLoss",
    "Parameter",
    "RNNCell",
    "ReLU",
    "Sequential",
    "Sigmoid",
    "SmoothL1Loss",
    "Softmax",
    "Softplus",
    "Tanh",
    "functional",
    "init",
    "utils",
]

"""``torch.nn``: Module, Parameter, Sequential, Linear, ReLU, MSELoss and ``functional``."""

from __future__ import annotations

from engine.eager.nn import functional
from engine.eager.nn.layers import Linear, MSELoss, ReLU
from engine.eager.nn.module import Module, Parameter, Sequential

__all__ = ["Linear", "MSELoss", "Module", "Parameter", "ReLU", "Sequential", "functional"]

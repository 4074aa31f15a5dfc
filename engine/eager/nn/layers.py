"""The layers the lecture uses: ``Linear``, ``ReLU``, ``MSELoss``."""

from __future__ import annotations

import math
from typing import Any

from engine.eager import factory
from engine.eager.nn import functional
from engine.eager.nn.module import Module, Parameter
from engine.eager.tensor import Tensor


class Linear(Module):
    """``y = x W^T + b`` with W of shape (out_features, in_features), both U(±1/sqrt(in))."""

    def __init__(
        self,
        in_features: int,
        out_features: int,
        bias: bool = True,
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        super().__init__()
        self.in_features, self.out_features = in_features, out_features
        bound = 1.0 / math.sqrt(in_features) if in_features else 0.0
        rng = factory.generator()
        dt = factory._dtype(dtype)

        def uniform(*shape: int) -> Tensor:
            host = rng.uniform(-bound, bound, shape).astype(dt)
            return factory._make(host, device, False)

        self.weight = Parameter(uniform(out_features, in_features))
        self.bias = Parameter(uniform(out_features)) if bias else None

    def forward(self, x: Tensor) -> Tensor:
        return functional.linear(x, self.weight, self.bias)

    def extra_repr(self) -> str:
        return (
            f"in_features={self.in_features}, out_features={self.out_features}, "
            f"bias={self.bias is not None}"
        )


class ReLU(Module):
    def __init__(self, inplace: bool = False) -> None:
        super().__init__()

    def forward(self, x: Tensor) -> Tensor:
        return x.relu()


class MSELoss(Module):
    """Mean squared error; ``size_average=False`` (2017) means ``reduction='sum'``."""

    def __init__(
        self, size_average: Any = None, reduce: Any = None, reduction: str = "mean"
    ) -> None:
        super().__init__()
        self.reduction = functional._reduction(size_average, reduce, reduction)

    def forward(self, input: Tensor, target: Tensor) -> Tensor:  # noqa: A002
        return functional.mse_loss(input, target, reduction=self.reduction)

    def extra_repr(self) -> str:
        return ""

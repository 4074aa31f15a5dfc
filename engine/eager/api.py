"""The ``torch.*`` functions that mirror tensor methods (``torch.mm(a, b)``, ``torch.sum(x)``)."""

from __future__ import annotations

from typing import Any

from engine.eager.tensor import Operand, Tensor


def mm(a: Tensor, b: Tensor) -> Tensor:
    return a.mm(b)


def matmul(a: Tensor, b: Tensor) -> Tensor:
    return a.mm(b)


def t(x: Tensor) -> Tensor:
    return x.t()


def clamp(x: Tensor, min: float | None = None, max: float | None = None) -> Tensor:  # noqa: A002
    return x.clamp(min=min, max=max)


def pow(x: Tensor, e: Any) -> Tensor:  # noqa: A001
    return x.pow(e)


def sum(x: Tensor, dim: Any = None, keepdim: bool = False) -> Tensor:  # noqa: A001
    return x.sum(dim, keepdim)


def mean(x: Tensor, dim: Any = None, keepdim: bool = False) -> Tensor:
    return x.mean(dim, keepdim)


def relu(x: Tensor) -> Tensor:
    return x.relu()


def exp(x: Tensor) -> Tensor:
    return x.exp()


def log(x: Tensor) -> Tensor:
    return x.log()


def tanh(x: Tensor) -> Tensor:
    return x.tanh()


def sigmoid(x: Tensor) -> Tensor:
    return x.sigmoid()


def clone(x: Tensor) -> Tensor:
    return x.clone()


def add(a: Tensor, b: Operand) -> Tensor:
    return a + b


def sub(a: Tensor, b: Operand) -> Tensor:
    return a - b


def mul(a: Tensor, b: Operand) -> Tensor:
    return a * b


def div(a: Tensor, b: Operand) -> Tensor:
    return a / b


def is_tensor(x: Any) -> bool:
    return isinstance(x, Tensor)


def numel(x: Tensor) -> int:
    return x.numel()

"""The ``torch.*`` functions that mirror tensor methods (``torch.mm(a, b)``, ``torch.sum(x)``)."""

from __future__ import annotations

from typing import Any

from engine.eager.tensor import Operand, Tensor


def mm(a: Tensor, b: Tensor) -> Tensor:
    return a.mm(b)


def matmul(input: Tensor, other: Tensor) -> Tensor:  # noqa: A002
    return input.matmul(other)


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


def abs(x: Tensor) -> Tensor:  # noqa: A001 - torch.abs
    return x.abs()


def exp(x: Tensor) -> Tensor:
    return x.exp()


def log(x: Tensor) -> Tensor:
    return x.log()


def tanh(x: Tensor) -> Tensor:
    return x.tanh()


def sigmoid(x: Tensor) -> Tensor:
    return x.sigmoid()


def sin(x: Tensor) -> Tensor:
    return x.sin()


def cos(x: Tensor) -> Tensor:
    return x.cos()


def sqrt(x: Tensor) -> Tensor:
    return x.sqrt()


def softmax(x: Tensor, dim: int, dtype: Any = None) -> Tensor:
    return x.softmax(dim, dtype)


def log_softmax(x: Tensor, dim: int, dtype: Any = None) -> Tensor:
    return x.log_softmax(dim, dtype)


def max(x: Tensor, dim: Any = None, keepdim: bool = False) -> Any:  # noqa: A001
    return x.max(dim, keepdim)


def min(x: Tensor, dim: Any = None, keepdim: bool = False) -> Any:  # noqa: A001
    return x.min(dim, keepdim)


def maximum(x: Tensor, other: Tensor) -> Tensor:
    out: Tensor = x.max(other)
    return out


def minimum(x: Tensor, other: Tensor) -> Tensor:
    out: Tensor = x.min(other)
    return out


def norm(x: Tensor, p: Any = "fro", dim: Any = None, keepdim: bool = False) -> Tensor:
    return x.norm(p, dim, keepdim)


def gather(x: Tensor, dim: int, index: Tensor) -> Tensor:
    return x.gather(dim, index)


def argmax(x: Tensor, dim: Any = None, keepdim: bool = False) -> Tensor:
    return x.argmax(dim, keepdim)


def argmin(x: Tensor, dim: Any = None, keepdim: bool = False) -> Tensor:
    return x.argmin(dim, keepdim)


def unsqueeze(x: Tensor, dim: int) -> Tensor:
    return x.unsqueeze(dim)


def squeeze(x: Tensor, dim: Any = None) -> Tensor:
    return x.squeeze(dim)


def flatten(x: Tensor, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    return x.flatten(start_dim, end_dim)


def reshape(x: Tensor, shape: Any) -> Tensor:
    return x.reshape(shape)


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

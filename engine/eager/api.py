"""The ``torch.*`` functions that mirror tensor methods (``torch.mm(a, b)``, ``torch.sum(x)``)."""

from __future__ import annotations

from typing import Any

import numpy as np

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


def transpose(x: Tensor, dim0: int, dim1: int) -> Tensor:
    return x.transpose(dim0, dim1)


def permute(x: Tensor, dims: Any) -> Tensor:
    return x.permute(dims)


def var(x: Tensor, dim: Any = None, unbiased: Any = None, keepdim: bool = False) -> Tensor:
    return x.var(dim, unbiased, keepdim)


def std(x: Tensor, dim: Any = None, unbiased: Any = None, keepdim: bool = False) -> Tensor:
    return x.std(dim, unbiased, keepdim)


_SCALAR_TYPE = {
    "int64": "Long",
    "int32": "Int",
    "int16": "Short",
    "int8": "Char",
    "uint8": "Byte",
    "float16": "Half",
    "float32": "Float",
    "float64": "Double",
}
"""numpy dtype name -> PyTorch's ScalarType name, as its dtype errors print it."""


def where(condition: Tensor, input: Any, other: Any) -> Tensor:  # noqa: A002
    """``input`` where ``condition`` holds, ``other`` elsewhere (numbers allowed for either:
    they take the other operand's dtype, or the default float when both are numbers)."""
    from engine import ops
    from engine.eager import promotion
    from engine.eager.tensor import apply

    if not isinstance(condition, Tensor):
        raise TypeError(
            "where(): argument 'condition' (position 1) must be Tensor, not "
            f"{type(condition).__name__}"
        )
    cond = condition.array
    if cond.dtype != bool:
        raise RuntimeError(
            "where expected condition to be a boolean tensor, but got a tensor with dtype "
            f"{_SCALAR_TYPE.get(cond.dtype.name, cond.dtype.name)}"
        )
    dev, xp = condition._dev, condition._dev.xp
    tensors = [v for v in (input, other) if isinstance(v, Tensor)]
    if len(tensors) == 2:
        dt = promotion.result_type(input.array, other.array)
    elif tensors:
        number = other if tensors[0] is input else input
        dt = promotion.scalar_type(tensors[0].array, number)
    else:
        from engine.eager import factory

        dt = (
            np.dtype(factory._dtype(None))
            if any(isinstance(v, float) for v in (input, other))
            else np.dtype("int64")
        )

    def operand(v: Any) -> Any:
        return v.array.astype(dt, copy=False) if isinstance(v, Tensor) else xp.asarray(v, dtype=dt)

    parents = (
        input if isinstance(input, Tensor) else None,
        other if isinstance(other, Tensor) else None,
        None,
    )
    args = (operand(input), operand(other), cond)
    return apply(ops.OPS["Where"], parents, args, {}, dev)


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


def triu(input: Tensor, diagonal: int = 0) -> Tensor:  # noqa: A002
    return input.triu(diagonal)


def tril(input: Tensor, diagonal: int = 0) -> Tensor:  # noqa: A002
    return input.tril(diagonal)


def split(tensor: Tensor, split_size_or_sections: Any, dim: int = 0) -> tuple[Tensor, ...]:
    return tensor.split(split_size_or_sections, dim)


def chunk(input: Tensor, chunks: int, dim: int = 0) -> tuple[Tensor, ...]:  # noqa: A002
    return input.chunk(chunks, dim)


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


def bmm(input: Tensor, mat2: Tensor) -> Tensor:  # noqa: A002
    return input.bmm(mat2)


def masked_fill(input: Tensor, mask: Tensor, value: Any) -> Tensor:  # noqa: A002
    return input.masked_fill(mask, value)


def cumsum(input: Tensor, dim: int, dtype: Any = None) -> Tensor:  # noqa: A002
    return input.cumsum(dim, dtype)


def isnan(input: Tensor) -> Tensor:  # noqa: A002
    return input.isnan()


def isfinite(input: Tensor) -> Tensor:  # noqa: A002
    return input.isfinite()


def isinf(input: Tensor) -> Tensor:  # noqa: A002
    return input.isinf()


def sort(x: Tensor, dim: int = -1, descending: bool = False, stable: bool = False) -> Any:
    return x.sort(dim, descending, stable)


def argsort(x: Tensor, dim: int = -1, descending: bool = False, stable: bool = False) -> Tensor:
    return x.argsort(dim, descending, stable)


def topk(
    input: Tensor,  # noqa: A002
    k: int,
    dim: int = -1,
    largest: bool = True,
    sorted: bool = True,  # noqa: A002
) -> Any:
    return input.topk(k, dim, largest, sorted)


def any_(x: Tensor, dim: Any = None, keepdim: bool = False) -> Tensor:
    """``torch.any`` (named apart here: this module calls the builtin ``any``)."""
    return x.any(dim, keepdim)


def all_(x: Tensor, dim: Any = None, keepdim: bool = False) -> Tensor:
    """``torch.all`` (named apart here, as ``any_``)."""
    return x.all(dim, keepdim)

"""``torch.autograd``: ``Function``, ``Variable`` (the 2017 shim), ``backward``, grad modes.

``Variable(t, requires_grad=...)`` returns a tensor, as PyTorch 0.4 merged the two; ``.data``
is the tensor's storage without autograd.
"""

from __future__ import annotations

from typing import Any

from engine.eager.function import Function, FunctionCtx
from engine.eager.grad_mode import enable_grad, no_grad, set_grad_enabled
from engine.eager.tensor import Tensor, _new

__all__ = [
    "Function",
    "FunctionCtx",
    "Variable",
    "backward",
    "enable_grad",
    "no_grad",
    "set_detect_anomaly",
    "set_grad_enabled",
]


def Variable(data: Tensor, requires_grad: bool = False, volatile: bool = False) -> Tensor:  # noqa: N802
    """The 2017 wrapper: a tensor sharing ``data``'s storage, tracked when ``requires_grad``."""
    if not isinstance(data, Tensor):
        raise TypeError(f"Variable data has to be a tensor, but got {type(data).__name__}")
    t = _new(data.array, data._dev, requires_grad=bool(requires_grad))
    t._vc = data._vc
    return t


def backward(tensors: Any, grad_tensors: Any = None, retain_graph: bool | None = None) -> None:
    """``torch.autograd.backward(loss)``: the same as ``loss.backward()``."""
    tensors = tensors if isinstance(tensors, (list, tuple)) else (tensors,)
    grads = (
        grad_tensors if isinstance(grad_tensors, (list, tuple)) else (grad_tensors,) * len(tensors)
    )
    for t, g in zip(tensors, grads, strict=False):
        t.backward(g, retain_graph=retain_graph)


class set_detect_anomaly:  # noqa: N801 - PyTorch's name
    """Accepted for compatibility; errors here always name the failing node."""

    def __init__(self, mode: bool) -> None:
        self.mode = mode

    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: Any) -> None:
        return None

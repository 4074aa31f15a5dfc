"""``torch.autograd``: ``Function``, ``Variable`` (the 2017 shim), ``backward``, grad modes.

``Variable(t, requires_grad=...)`` returns a tensor, as PyTorch 0.4 merged the two; ``.data``
is the tensor's storage without autograd. A script that takes ``Variable`` from here (``from
torch.autograd import Variable``, the 2017 slides' import) runs with the PyTorch 0.1 idioms
accepted (:mod:`engine.eager.legacy`); so ``Variable`` is handed out by the module's
``__getattr__``, which sees who asks.
"""

from __future__ import annotations

import os
import sys
from typing import Any

from engine.eager import legacy, variable
from engine.eager.function import Function, FunctionCtx
from engine.eager.grad_mode import enable_grad, no_grad, set_grad_enabled

__all__ = [
    "Function",
    "FunctionCtx",
    "Variable",  # noqa: F822 - handed out by __getattr__, below
    "backward",
    "enable_grad",
    "no_grad",
    "set_detect_anomaly",
    "set_grad_enabled",
]


_ENGINE = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep


def __getattr__(name: str) -> Any:
    """``Variable``, taken by a script's code (not the engine's), turns the 0.1 mode on."""
    if name == "Variable":
        if not sys._getframe(1).f_code.co_filename.startswith(_ENGINE):
            legacy.requested()
        return variable.Variable
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


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

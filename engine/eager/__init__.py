"""PyTorch's eager model over the engine: ``import engine.eager as torch``.

The lecture's PyTorch listings (tensors, autograd, custom Functions, nn, optim, DataLoader; both
the 2017 and the 2018 editions) run with only the import line changed. Every op runs at once
through the shared op table (``engine.ops``) on numpy or cupy, and when anyone listens on
``engine.events.STREAM`` each op is a node of the iteration's graph ``eager:{n}``.

Iterations: ``new_iteration()`` ends one explicitly; otherwise one ends when an op is created
again at the line that created the first op of the current graph (the loop came back round).

Choices where PyTorch changed between the lecture's editions:

* ``if w1.grad:`` (P3, 2017) behaves as in modern PyTorch: falsy while the grad is None, then
  ``RuntimeError: Boolean value of Tensor with more than one value is ambiguous``. Write
  ``if w1.grad is not None:``.
* Legacy Functions (P4, 2017: instance ``forward(self, x)``, called as ``ReLU()(x)``) raise
  modern PyTorch's ``RuntimeError: Legacy autograd function with non-static forward method is
  deprecated...``. ``set_legacy(True)`` is the explicit compatibility switch that runs them the
  2017 way (``self.save_for_backward`` / ``self.saved_tensors``).
* ``Variable(t, requires_grad=...)`` returns a tensor; ``.data`` is its storage without autograd.
* ``.cuda()`` / ``.type(torch.cuda.FloatTensor)`` without a usable GPU raise
  ``engine.devices.DeviceError`` (a RuntimeError) saying why: no cupy, no driver, no device.
* ReLU at exactly 0: ``clamp(min=0)`` passes the gradient where ``x >= 0`` (PyTorch's rule),
  ``relu`` where the output is ``> 0``.
"""

from __future__ import annotations

import builtins

from engine.eager import autograd, cuda, nn, optim, utils
from engine.eager.api import (
    add,
    clamp,
    clone,
    div,
    exp,
    is_tensor,
    log,
    matmul,
    mean,
    mm,
    mul,
    numel,
    pow,
    relu,
    sigmoid,
    sub,
    sum,
    t,
    tanh,
)
from engine.eager.autograd import Variable
from engine.eager.factory import (
    arange,
    cat,
    empty,
    eye,
    from_numpy,
    full,
    manual_seed,
    ones,
    ones_like,
    rand,
    randn,
    randn_like,
    stack,
    tensor,
    zeros,
    zeros_like,
)
from engine.eager.function import LEGACY
from engine.eager.grad_mode import enable_grad, is_grad_enabled, no_grad, set_grad_enabled
from engine.eager.tensor import Size, Tensor
from engine.eager.tracing import new_iteration
from engine.eager.types import (
    CPU_TYPES,
    bool,
    device,
    double,
    dtype,
    float,
    float16,
    float32,
    float64,
    half,
    int,
    int32,
    int64,
    long,
    uint8,
)

FloatTensor = CPU_TYPES["FloatTensor"]
DoubleTensor = CPU_TYPES["DoubleTensor"]
HalfTensor = CPU_TYPES["HalfTensor"]
LongTensor = CPU_TYPES["LongTensor"]
IntTensor = CPU_TYPES["IntTensor"]
ByteTensor = CPU_TYPES["ByteTensor"]
BoolTensor = CPU_TYPES["BoolTensor"]


def set_legacy(enabled: builtins.bool = True) -> None:
    """The explicit 2017 compatibility switch: legacy instance-style autograd Functions run."""
    LEGACY[0] = enabled


def get_default_dtype() -> dtype:
    return float32


__all__ = [
    "BoolTensor",
    "ByteTensor",
    "DoubleTensor",
    "FloatTensor",
    "HalfTensor",
    "IntTensor",
    "LongTensor",
    "Size",
    "Tensor",
    "Variable",
    "add",
    "arange",
    "autograd",
    "bool",
    "cat",
    "clamp",
    "clone",
    "cuda",
    "device",
    "div",
    "double",
    "dtype",
    "empty",
    "enable_grad",
    "exp",
    "eye",
    "float",
    "float16",
    "float32",
    "float64",
    "from_numpy",
    "full",
    "get_default_dtype",
    "half",
    "int",
    "int32",
    "int64",
    "is_grad_enabled",
    "is_tensor",
    "log",
    "long",
    "manual_seed",
    "matmul",
    "mean",
    "mm",
    "mul",
    "new_iteration",
    "nn",
    "no_grad",
    "numel",
    "ones",
    "ones_like",
    "optim",
    "pow",
    "rand",
    "randn",
    "randn_like",
    "relu",
    "set_grad_enabled",
    "set_legacy",
    "sigmoid",
    "stack",
    "sub",
    "sum",
    "t",
    "tanh",
    "tensor",
    "uint8",
    "utils",
    "zeros",
    "zeros_like",
]

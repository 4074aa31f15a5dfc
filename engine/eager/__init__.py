"""PyTorch's eager model over the engine: ``import engine.eager as torch``.

The lecture's PyTorch listings (tensors, autograd, custom Functions, nn, optim, DataLoader; both
the 2017 and the 2018 editions) run with only the import line changed. Every op runs at once
through the shared op table (``engine.ops``) on numpy or cupy, and when anyone listens on
``engine.events.STREAM`` each op is a node of the iteration's graph ``eager:{n}``.

Iterations: ``new_iteration()`` ends one explicitly; otherwise one ends when an op is created
again at the line that created the first op of the current graph (the loop came back round).

Choices where PyTorch changed between the lecture's editions:

* ``if w1.grad:`` (P3, 2017) behaves as in modern PyTorch: falsy while the grad is None, then
  ``RuntimeError: Boolean value of Tensor with more than one value is ambiguous``; and
  ``w1.grad.data.zero_()`` before the first backward fails on the None gradient.
* Legacy Functions (P4, 2017: instance ``forward(self, x)``, called as ``ReLU()(x)``) raise
  modern PyTorch's ``RuntimeError: Legacy autograd function with non-static forward method is
  deprecated...``.
* A script that imports ``Variable`` from ``torch.autograd`` (as the 2017 slides do) runs in a
  PyTorch 0.1 mode that accepts exactly those idioms and says so once on stderr
  (:mod:`engine.eager.legacy`); ``set_legacy(True)`` turns that mode on explicitly.
* ``Variable(t, requires_grad=...)`` returns a tensor; ``.data`` is its storage without autograd.
* ``.cuda()`` / ``.type(torch.cuda.FloatTensor)`` without a usable GPU raise
  ``engine.devices.DeviceError`` (a RuntimeError) saying why: no cupy, no driver, no device.
* ReLU at exactly 0: ``clamp(min=0)`` passes the gradient where ``x >= 0`` (PyTorch's rule),
  ``relu`` where the output is ``> 0``.
"""

from __future__ import annotations

import builtins

from engine.eager import autograd, cuda, legacy, nn, optim, types, utils
from engine.eager.api import (
    abs,
    add,
    argmax,
    argmin,
    argsort,
    bmm,
    chunk,
    clamp,
    clone,
    cos,
    cumsum,
    div,
    exp,
    flatten,
    gather,
    is_tensor,
    isfinite,
    isinf,
    isnan,
    log,
    log_softmax,
    masked_fill,
    matmul,
    max,
    maximum,
    mean,
    min,
    minimum,
    mm,
    mul,
    norm,
    numel,
    permute,
    pow,
    relu,
    reshape,
    sigmoid,
    sin,
    softmax,
    sort,
    split,
    sqrt,
    squeeze,
    std,
    sub,
    sum,
    t,
    tanh,
    topk,
    transpose,
    tril,
    triu,
    unsqueeze,
    var,
    where,
)
from engine.eager.api import all_ as all  # noqa: A004 - torch.all
from engine.eager.api import any_ as any  # noqa: A004 - torch.any
from engine.eager.factory import (
    arange,
    empty,
    empty_like,
    eye,
    from_numpy,
    full,
    full_like,
    get_default_device,
    linspace,
    manual_seed,
    normal,
    ones,
    ones_like,
    rand,
    rand_like,
    randint,
    randint_like,
    randn,
    randn_like,
    randperm,
    set_default_device,
    set_default_dtype,
    tensor,
    zeros,
    zeros_like,
)
from engine.eager.grad_mode import enable_grad, is_grad_enabled, no_grad, set_grad_enabled
from engine.eager.serialization import load, save
from engine.eager.shaping import cat, stack
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
from engine.eager.variable import Variable

FloatTensor = CPU_TYPES["FloatTensor"]
DoubleTensor = CPU_TYPES["DoubleTensor"]
HalfTensor = CPU_TYPES["HalfTensor"]
LongTensor = CPU_TYPES["LongTensor"]
IntTensor = CPU_TYPES["IntTensor"]
ByteTensor = CPU_TYPES["ByteTensor"]
BoolTensor = CPU_TYPES["BoolTensor"]


def set_legacy(enabled: builtins.bool = True) -> None:
    """The explicit switch of the PyTorch 0.1 mode (:mod:`engine.eager.legacy`): ``if w.grad:``,
    zero gradients of new Variables and instance-style autograd Functions (no notice)."""
    legacy.ACTIVE[0] = enabled


def get_default_dtype() -> dtype:
    """The float dtype new tensors get (``set_default_dtype``)."""
    return types.DEFAULT


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
    "abs",
    "add",
    "all",
    "any",
    "arange",
    "argmax",
    "argmin",
    "argsort",
    "autograd",
    "bmm",
    "bool",
    "cat",
    "chunk",
    "clamp",
    "clone",
    "cos",
    "cuda",
    "cumsum",
    "device",
    "div",
    "double",
    "dtype",
    "empty",
    "empty_like",
    "enable_grad",
    "exp",
    "eye",
    "flatten",
    "float",
    "float16",
    "float32",
    "float64",
    "from_numpy",
    "full",
    "full_like",
    "gather",
    "get_default_device",
    "get_default_dtype",
    "half",
    "int",
    "int32",
    "int64",
    "is_grad_enabled",
    "is_tensor",
    "isfinite",
    "isinf",
    "isnan",
    "linspace",
    "load",
    "log",
    "log_softmax",
    "long",
    "manual_seed",
    "masked_fill",
    "matmul",
    "max",
    "maximum",
    "mean",
    "min",
    "minimum",
    "mm",
    "mul",
    "new_iteration",
    "nn",
    "no_grad",
    "norm",
    "normal",
    "numel",
    "ones",
    "ones_like",
    "optim",
    "permute",
    "pow",
    "rand",
    "rand_like",
    "randint",
    "randint_like",
    "randn",
    "randn_like",
    "randperm",
    "relu",
    "reshape",
    "save",
    "set_default_device",
    "set_default_dtype",
    "set_grad_enabled",
    "set_legacy",
    "sigmoid",
    "sin",
    "softmax",
    "sort",
    "split",
    "sqrt",
    "squeeze",
    "stack",
    "std",
    "sub",
    "sum",
    "t",
    "tanh",
    "tensor",
    "topk",
    "transpose",
    "tril",
    "triu",
    "uint8",
    "unsqueeze",
    "utils",
    "var",
    "where",
    "zeros",
    "zeros_like",
]

"""Making tensors: ``randn``, ``zeros``, ``ones``, ``empty``, ``tensor``, ``manual_seed``...

Random numbers are drawn on the host with numpy and then copied to the device, so a seed gives
the same values on the CPU and the GPU.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from engine.eager import types
from engine.eager.tensor import Tensor, _new, _resolve

_RNG = [np.random.default_rng()]
_DEVICE: list[Any] = [None]
"""The device factories use when none is named (``torch.set_default_device``)."""


def manual_seed(seed: int) -> None:
    """Seed the generator behind ``randn``, ``rand``, ``nn.Linear``'s init and shuffling."""
    _RNG[0] = np.random.default_rng(int(seed))


def generator() -> np.random.Generator:
    """The numpy generator every random draw uses."""
    return _RNG[0]


def _shape(size: tuple[Any, ...]) -> tuple[int, ...]:
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = tuple(size[0])
    return tuple(int(d) for d in size)


def set_default_device(device: Any) -> None:
    """Where new tensors go when a factory names no device (None: the CPU)."""
    _DEVICE[0] = None if device is None else _resolve(device)


def get_default_device() -> Any:
    return types.torch_device(_resolve(_DEVICE[0]))


def set_default_dtype(d: Any) -> None:
    """The float dtype of new tensors (``torch.float32`` or ``torch.float64``)."""
    dt = types.of(types.to_numpy_dtype(d))
    if not dt.is_floating_point:
        raise TypeError(f"only floating-point types are supported as the default type, got {dt}")
    types.DEFAULT = dt


def _make(host: np.ndarray, device: Any, requires_grad: bool) -> Tensor:
    dev = _resolve(device if device is not None else _DEVICE[0])
    t = _new(dev.asarray(host) if dev.name != "cpu" else host, dev)
    if requires_grad:
        if host.dtype.kind not in "fc":
            raise RuntimeError(
                "Only Tensors of floating point and complex dtype can require gradients"
            )
        t.requires_grad = True
    return t


def _dtype(dtype: Any, default: Any = None) -> np.dtype:
    d = types.to_numpy_dtype(dtype)
    return d if d is not None else (default if default is not None else types.DEFAULT.np)


def randn(
    *size: Any,
    dtype: Any = None,
    device: Any = None,
    requires_grad: bool = False,
    generator: Any = None,
) -> Tensor:
    """Standard normal samples (float32 by default)."""
    dt = _dtype(dtype)
    host = _RNG[0].standard_normal(
        # numpy's stub takes float32/float64 spelled statically; `in` cannot narrow a dtype
        _shape(size),
        dtype=dt if dt in (np.float32, np.float64) else None,  # type: ignore[arg-type]
    )
    return _make(host.astype(dt, copy=False), device, requires_grad)


def rand(*size: Any, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    """Uniform samples in [0, 1)."""
    dt = _dtype(dtype)
    return _make(_RNG[0].random(_shape(size)).astype(dt), device, requires_grad)


def zeros(*size: Any, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    return _make(np.zeros(_shape(size), dtype=_dtype(dtype)), device, requires_grad)


def ones(*size: Any, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    return _make(np.ones(_shape(size), dtype=_dtype(dtype)), device, requires_grad)


def empty(*size: Any, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    """Uninitialised values (zeros here, which are as good as any)."""
    return zeros(*size, dtype=dtype, device=device, requires_grad=requires_grad)


def _value_dtype(value: Any) -> np.dtype:
    """The dtype PyTorch infers from a Python number: bool, int64, or the default float."""
    if isinstance(value, (bool, np.bool_)):
        return np.dtype(bool)
    if isinstance(value, (int, np.integer)):
        return np.dtype("int64")
    return types.DEFAULT.np


def full(
    size: Any, fill_value: Any, dtype: Any = None, device: Any = None, requires_grad: bool = False
) -> Tensor:
    """A tensor of ``size`` filled with ``fill_value`` (its dtype inferred from the value)."""
    dt = types.to_numpy_dtype(dtype) or _value_dtype(fill_value)
    return _make(np.full(_shape((size,)), fill_value, dtype=dt), device, requires_grad)


def arange(
    start: Any,
    end: Any = None,
    step: Any = 1,
    dtype: Any = None,
    device: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    """``[start, end)`` by ``step`` (``arange(end)`` starts at 0); int64 when all three are
    integers, else the default float dtype."""
    if end is None:
        start, end = 0, start
    whole = all(isinstance(a, (int, np.integer)) for a in (start, end, step))
    dt = _dtype(dtype, np.dtype("int64") if whole else None)
    return _make(np.arange(start, end, step).astype(dt), device, requires_grad)


def linspace(
    start: float,
    end: float,
    steps: int,
    dtype: Any = None,
    device: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    """``steps`` evenly spaced values from ``start`` to ``end`` inclusive (the default float)."""
    return _make(np.linspace(start, end, int(steps)).astype(_dtype(dtype)), device, requires_grad)


def eye(
    n: int, m: int | None = None, dtype: Any = None, device: Any = None, requires_grad: bool = False
) -> Tensor:
    return _make(np.eye(n, m, dtype=_dtype(dtype)), device, requires_grad)


def randperm(
    n: int,
    dtype: Any = None,
    device: Any = None,
    requires_grad: bool = False,
    generator: Any = None,
) -> Tensor:
    """A random permutation of ``0 .. n-1`` (int64): the order of one epoch's samples."""
    if n < 0:
        raise RuntimeError(f"Trying to create tensor with negative dimension {n}: [{n}]")
    host = _RNG[0].permutation(int(n)).astype(_dtype(dtype, np.int64))
    return _make(host, device, requires_grad)


def randint(
    low: int,
    high: Any = None,
    size: Any = None,
    dtype: Any = None,
    device: Any = None,
    requires_grad: bool = False,
    generator: Any = None,
) -> Tensor:
    """Integers uniform in ``[low, high)`` (``randint(high, size)`` starts at 0), int64."""
    if size is None:
        low, high, size = 0, low, high
    host = _RNG[0].integers(low, high, _shape((size,)))
    return _make(host.astype(_dtype(dtype, np.dtype("int64"))), device, requires_grad)


def normal(
    mean: Any = 0.0,
    std: Any = 1.0,
    size: Any = None,
    generator: Any = None,
    dtype: Any = None,
    device: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    """Normal samples: ``mean`` and ``std`` numbers (with ``size``) or tensors (their
    broadcast shape)."""
    means = mean.array if isinstance(mean, Tensor) else mean
    stds = std.array if isinstance(std, Tensor) else std
    like = next((t for t in (mean, std) if isinstance(t, Tensor)), None)
    if size is not None:
        shape = _shape((size,))
    else:
        shape = np.broadcast_shapes(np.shape(means), np.shape(stds))
    dt = _dtype(dtype, like.array.dtype if like is not None else None)
    dev = device if device is not None else (like._dev if like is not None else None)
    host = _RNG[0].standard_normal(shape) * _host(stds) + _host(means)
    return _make(np.asarray(host).astype(dt), dev, requires_grad)


def _host(value: Any) -> Any:
    return value.get() if type(value).__module__.startswith("cupy") else value  # cupy -> numpy


def _like(t: Tensor, make: Any, dtype: Any, device: Any, requires_grad: bool, *args: Any) -> Tensor:
    out: Tensor = make(
        *args,
        *t.array.shape,
        dtype=dtype or t.dtype,
        device=device or t._dev,
        requires_grad=requires_grad,
    )
    return out


def zeros_like(
    t: Tensor, dtype: Any = None, device: Any = None, requires_grad: bool = False
) -> Tensor:
    return _like(t, zeros, dtype, device, requires_grad)


def ones_like(
    t: Tensor, dtype: Any = None, device: Any = None, requires_grad: bool = False
) -> Tensor:
    return _like(t, ones, dtype, device, requires_grad)


def empty_like(
    t: Tensor, dtype: Any = None, device: Any = None, requires_grad: bool = False
) -> Tensor:
    return _like(t, zeros, dtype, device, requires_grad)


def randn_like(
    t: Tensor, dtype: Any = None, device: Any = None, requires_grad: bool = False
) -> Tensor:
    return _like(t, randn, dtype, device, requires_grad)


def rand_like(
    t: Tensor, dtype: Any = None, device: Any = None, requires_grad: bool = False
) -> Tensor:
    return _like(t, rand, dtype, device, requires_grad)


def full_like(
    t: Tensor, fill_value: Any, dtype: Any = None, device: Any = None, requires_grad: bool = False
) -> Tensor:
    return full(
        t.array.shape,
        fill_value,
        dtype=dtype or t.dtype,
        device=device or t._dev,
        requires_grad=requires_grad,
    )


def randint_like(
    t: Tensor, low: int, high: Any = None, dtype: Any = None, device: Any = None
) -> Tensor:
    if high is None:
        low, high = 0, low
    return randint(low, high, t.array.shape, dtype=dtype or t.dtype, device=device or t._dev)


def _infer(data: Any) -> np.ndarray:
    """Python data -> numpy the way torch.tensor types it (floats float32, ints int64)."""
    host = np.asarray(data)
    if host.dtype == np.float64 and not isinstance(data, np.ndarray):
        host = host.astype(types.DEFAULT.np)
    elif host.dtype.kind in "iu" and not isinstance(data, np.ndarray):
        host = host.astype(np.int64)
    return host


def tensor(data: Any, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    """A new tensor holding a copy of ``data`` (nested lists, numbers, numpy arrays, tensors)."""
    if isinstance(data, Tensor):
        host = data._dev.to_host(data.array).copy()
    elif isinstance(data, (list, tuple)) and data and isinstance(data[0], Tensor):
        host = np.stack([d._dev.to_host(d.array) for d in data])
    else:
        host = np.array(_infer(data), copy=True)
    dt = types.to_numpy_dtype(dtype)
    if dt is not None:
        host = host.astype(dt)
    return _make(host, device, requires_grad)


def from_numpy(array: np.ndarray) -> Tensor:
    """A CPU tensor sharing memory with ``array``."""
    return _new(array, _resolve("cpu"))

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


def _make(host: np.ndarray, device: Any, requires_grad: bool) -> Tensor:
    dev = _resolve(device)
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


def full(
    size: Any, fill_value: float, dtype: Any = None, device: Any = None, requires_grad: bool = False
) -> Tensor:
    return _make(np.full(_shape((size,)), fill_value, dtype=_dtype(dtype)), device, requires_grad)


def arange(*args: Any, dtype: Any = None, device: Any = None) -> Tensor:
    host = np.arange(*args)
    dt = _dtype(dtype, np.dtype("int64") if host.dtype.kind == "i" else None)
    return _make(host.astype(dt), device, False)


def eye(n: int, m: int | None = None, dtype: Any = None, device: Any = None) -> Tensor:
    return _make(np.eye(n, m, dtype=_dtype(dtype)), device, False)


def zeros_like(t: Tensor, dtype: Any = None, device: Any = None) -> Tensor:
    return zeros(*t.array.shape, dtype=dtype or t.dtype, device=device or t._dev)


def ones_like(t: Tensor, dtype: Any = None, device: Any = None) -> Tensor:
    return ones(*t.array.shape, dtype=dtype or t.dtype, device=device or t._dev)


def randn_like(t: Tensor, dtype: Any = None, device: Any = None) -> Tensor:
    return randn(*t.array.shape, dtype=dtype or t.dtype, device=device or t._dev)


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


def stack(tensors: list[Tensor], dim: int = 0) -> Tensor:
    """Join tensors along a new dimension (no autograd: used for batching data)."""
    dev = tensors[0]._dev
    return _new(dev.xp.stack([t.array for t in tensors], axis=dim), dev)


def cat(tensors: list[Tensor], dim: int = 0) -> Tensor:
    """Join tensors along an existing dimension (no autograd)."""
    dev = tensors[0]._dev
    return _new(dev.xp.concatenate([t.array for t in tensors], axis=dim), dev)

"""The Tensor between host and devices: ``item()``, ``numpy()``, ``to()``, ``cuda()``, casts.

A copy between devices is timed and reported as a ``transfer`` event (``memcpy`` in the
lecture's words); ``Tensor`` gets these methods by inheriting :class:`Host`.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any, cast

import numpy as np

import engine.eager.tensor as core
from engine import ops
from engine.devices import CPU, Device
from engine.eager import errors, legacy, metrics, tracing, types
from engine.eager.fields import TensorFields
from engine.eager.grad_mode import MODE
from engine.eager.graph import CopyNode
from engine.eager.types import _resolve, _type_by_name
from engine.events import STREAM

if TYPE_CHECKING:
    from engine.eager.tensor import Tensor

OPS = ops.OPS


class Host(TensorFields):
    """Conversions and moves of ``Tensor``."""

    __slots__ = ()

    # ------------------------------------------------------ host and devices

    def __bool__(self) -> bool:
        if self.array.size != 1:
            if legacy.ACTIVE[0] and self.array.ndim:  # PyTorch 0.1: true when not empty
                return bool(self.array.shape[0])
            errors.fail(errors.BOOL_AMBIGUOUS)
        return bool(self.item())

    def __float__(self) -> float:
        return float(self.item())

    def __int__(self) -> int:
        return int(self.item())

    def __index__(self) -> int:
        return int(self.item())

    def item(self) -> Any:
        """The single value as a Python number (a device sync on the GPU)."""
        if self.array.size != 1:
            errors.fail(f"a Tensor with {self.array.size} elements cannot be converted to Scalar")
        if self._dev is CPU:
            value = self.array.item()
            if STREAM.active:
                metrics.item_metric(value)
            return value
        t0 = time.perf_counter_ns()
        value = self._dev.to_host(self.array).item()
        if STREAM.active:
            tracing.sync_point()
            tracing.transfer(
                "D2H", self.array.itemsize, time.perf_counter_ns() - t0, self._dev.name, ".item()"
            )
            metrics.item_metric(value)
        return value

    def tolist(self) -> Any:
        return self._dev.to_host(self.array).tolist()

    def numpy(self) -> np.ndarray:
        """The values as a numpy array sharing memory (CPU tensors that need no grad only)."""
        if self.requires_grad:
            errors.fail(errors.NUMPY_GRAD)
        if self._dev is not CPU:
            errors.fail(
                "can't convert cuda:0 device type tensor to numpy. Use Tensor.cpu() to "
                "copy the tensor to host memory first.",
                TypeError,
            )
        values: np.ndarray = self.array
        return values

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        a = self.numpy()
        return a if dtype is None else a.astype(dtype)

    def to(self, *args: Any, **kwargs: Any) -> Tensor:
        """Move and/or convert: ``to(device)``, ``to(dtype)``, ``to(other_tensor)``."""
        dev, dt = kwargs.get("device"), kwargs.get("dtype")
        for a in args:
            if isinstance(a, types.dtype):
                dt = a
            elif isinstance(a, core.Tensor):
                dev, dt = a._dev, a.dtype
            else:
                dev = a
        out = cast("Tensor", self)
        if dt is not None and out.array.dtype != dt.np:
            out = out._cast(dt.np)
        if dev is not None:
            out = out._move(_resolve(dev), ".to()")
        return out

    def cpu(self) -> Tensor:
        return self._move(CPU, ".cpu()")

    def cuda(self, device: Any = None) -> Tensor:
        """A copy on the GPU; says why when there is none (no cupy / no driver / no device)."""
        return self._move(_resolve("cuda"), ".cuda()")

    def float(self) -> Tensor:
        return self._cast(np.dtype("float32"))

    def double(self) -> Tensor:
        return self._cast(np.dtype("float64"))

    def long(self) -> Tensor:
        return self._cast(np.dtype("int64"))

    def int(self) -> Tensor:
        return self._cast(np.dtype("int32"))

    def bool(self) -> Tensor:
        """True where nonzero (``mask.bool()``, e.g. an attention mask made of 0s and 1s)."""
        return self._cast(np.dtype("bool"))

    def type(self, t: Any = None) -> Any:
        """``x.type()`` names the type; ``x.type(torch.cuda.FloatTensor)`` converts and moves."""
        if t is None:
            return types.type_name(self.array.dtype, self._dev)
        if isinstance(t, str):
            t = _type_by_name(t)
        if isinstance(t, types.dtype):
            return self._cast(t.np)
        target = _resolve("cuda") if t.kind == "cuda" else CPU
        out = self._cast(t.dtype.np) if self.array.dtype != t.dtype.np else self
        return out._move(target, ".type()") if target is not self._dev else out

    def _cast(self, dt: np.dtype) -> Tensor:
        if self.array.dtype == dt:
            return cast("Tensor", self)
        return core.apply(OPS["Cast"], (self,), (self.array,), {"dtype": dt.name}, self._dev, "to")

    def _move(self, target: Device, reason: str) -> Tensor:
        src = self._dev
        if target is src:
            return cast("Tensor", self)
        t0 = time.perf_counter_ns()
        array = target.asarray(src.to_host(self.array))
        if STREAM.active:
            dur = time.perf_counter_ns() - t0
            tracing.transfer(
                "H2D" if target.name != "cpu" else "D2H", self.array.nbytes, dur, "gpu", reason
            )
        out = core._new(array, target)
        if MODE.enabled and self.requires_grad:
            out.requires_grad, out.grad_fn = True, CopyNode(self)
        return out

"""The Tensor's math methods: powers, matrix products, activations, reductions, shapes.

Each is a few lines over :func:`engine.eager.tensor.apply`, which runs an op of the table now
and records it for autograd. ``Tensor`` gets them by inheriting :class:`Methods`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import engine.eager.tensor as core
from engine import ops
from engine.eager.fields import TensorFields
from engine.eager.op_failure import _check_mm, _fail_op

if TYPE_CHECKING:
    from engine.eager.tensor import Tensor

OPS = ops.OPS
_MM, _SQUARE, _POW = OPS["MatMul"], OPS["Square"], OPS["Pow"]


class Methods(TensorFields):
    """The math methods of ``Tensor`` (``x.pow(2)``, ``x.mm(w)``, ``x.sum(1)``, ``x.view(-1)``)."""

    __slots__ = ()

    def pow(self, e: Any) -> Tensor:
        """``x ** e``: ``e == 2`` runs as a square (PowBackward0 either way)."""
        if isinstance(e, core.Tensor):
            return core._binary(_POW, self, e, name="pow")
        if e == 2:
            return core.apply(_SQUARE, (self,), (self.array,), {}, self._dev, "pow")
        y = self._dev.xp.asarray(float(e), dtype=self.array.dtype)
        return core.apply(_POW, (self, None), (self.array, y), {}, self._dev, "pow")

    def mm(self, o: Tensor) -> Tensor:
        """Matrix product of two 2-D tensors."""
        a = self.array
        if not isinstance(o, core.Tensor):
            raise TypeError(
                f"mm(): argument 'mat2' (position 1) must be Tensor, not {type(o).__name__}"
            )
        b = o.array
        if (
            a.ndim != 2
            or b.ndim != 2
            or a.shape[1] != b.shape[0]
            or a.dtype != b.dtype
            or o._dev is not self._dev
        ):
            _check_mm(self, o)
        return core.apply(_MM, (self, o), (a, b), {}, self._dev)

    matmul = mm

    def t(self) -> Tensor:
        """Transpose of a tensor of at most 2 dimensions."""
        if self.array.ndim > 2:
            _fail_op(
                OPS["Transpose"],
                "t",
                (self,),
                self._dev,
                f"t() expects a tensor with <= 2 dimensions, but self is {self.array.ndim}D",
            )
        return core.apply(OPS["Transpose"], (self,), (self.array,), {}, self._dev)

    @property
    def T(self) -> Tensor:  # noqa: N802 - PyTorch's name
        return self.t()

    def clamp(self, min: float | None = None, max: float | None = None) -> Tensor:  # noqa: A002
        """Values limited to [min, max]."""
        if min is None and max is None:
            raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
        attrs = {
            "min": None if min is None else float(min),
            "max": None if max is None else float(max),
        }
        return core.apply(OPS["Clamp"], (self,), (self.array,), attrs, self._dev)

    clip = clamp

    def relu(self) -> Tensor:
        return core.apply(OPS["Relu"], (self,), (self.array,), {}, self._dev)

    def exp(self) -> Tensor:
        return core.apply(OPS["Exp"], (self,), (self.array,), {}, self._dev)

    def log(self) -> Tensor:
        return core.apply(OPS["Log"], (self,), (self.array,), {}, self._dev)

    def sqrt(self) -> Tensor:
        return core.apply(OPS["Sqrt"], (self,), (self.array,), {}, self._dev)

    def tanh(self) -> Tensor:
        return core.apply(OPS["Tanh"], (self,), (self.array,), {}, self._dev)

    def sigmoid(self) -> Tensor:
        return core.apply(OPS["Sigmoid"], (self,), (self.array,), {}, self._dev)

    def sum(self, dim: Any = None, keepdim: bool = False) -> Tensor:
        """Sum over all elements (a 0-d tensor) or over ``dim``."""
        return self._reduce(OPS["Sum"], dim, keepdim)

    def mean(self, dim: Any = None, keepdim: bool = False) -> Tensor:
        return self._reduce(OPS["Mean"], dim, keepdim)

    def _reduce(self, op: ops.Op, dim: Any, keepdim: bool) -> Tensor:
        if dim is not None:
            n = max(self.array.ndim, 1)
            for d in dim if isinstance(dim, (tuple, list)) else (dim,):
                if not -n <= d < n:
                    _fail_op(
                        op,
                        op.eager_name,
                        (self,),
                        self._dev,
                        f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], "
                        f"but got {d})",
                        IndexError,
                    )
            dim = tuple(dim) if isinstance(dim, list) else dim
        attrs = {"axis": dim, "keepdims": keepdim} if dim is not None or keepdim else {}
        return core.apply(op, (self,), (self.array,), attrs, self._dev)

    def clone(self) -> Tensor:
        return core.apply(OPS["Clone"], (self,), (self.array,), {}, self._dev)

    def view(self, *shape: Any) -> Tensor:
        """The same values in another shape (-1: inferred)."""
        if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
            shape = tuple(shape[0])
        try:
            full = self.array.reshape(shape).shape
        except ValueError:
            _fail_op(
                OPS["Reshape"],
                "view",
                (self,),
                self._dev,
                f"shape '{list(shape)}' is invalid for input of size {self.array.size}",
            )
        return core.apply(OPS["Reshape"], (self,), (self.array,), {"shape": tuple(full)}, self._dev)

    reshape = view

"""The Tensor's reductions: ``sum``, ``mean``, ``max``/``min`` (with ``dim``: values and
indices), ``argmax``/``argmin``; and what runs along one axis: ``cumsum``, ``sort``,
``argsort``, ``topk``.

``Tensor`` gets them by inheriting :class:`Reductions`.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, NamedTuple

import engine.eager.tensor as core
from engine import ops
from engine.eager.op_failure import _dim, _fail_op
from engine.eager.shaping import Shaping

if TYPE_CHECKING:
    from engine.eager.tensor import Tensor

OPS = ops.OPS


class ValuesIndices(NamedTuple):
    """What ``max(dim)`` / ``min(dim)`` return (``torch.return_types.max``)."""

    values: Tensor
    indices: Tensor


class SortedValues(NamedTuple):
    """What ``sort`` returns (``torch.return_types.sort``)."""

    values: Tensor
    indices: Tensor


class TopValues(NamedTuple):
    """What ``topk`` returns (``torch.return_types.topk``)."""

    values: Tensor
    indices: Tensor


class Reductions(Shaping):
    """Sums, means, extremes and their positions."""

    __slots__ = ()

    def sum(self, dim: Any = None, keepdim: bool = False) -> Tensor:
        """Sum over all elements (a 0-d tensor) or over ``dim``."""
        return self._reduce(OPS["Sum"], dim, keepdim)

    def mean(self, dim: Any = None, keepdim: bool = False) -> Tensor:
        return self._reduce(OPS["Mean"], dim, keepdim)

    def any(self, dim: Any = None, keepdim: bool = False) -> Tensor:
        """Whether any element (along ``dim``) is nonzero: a bool tensor."""
        return self._reduce(OPS["Any"], dim, keepdim)

    def all(self, dim: Any = None, keepdim: bool = False) -> Tensor:
        """Whether every element (along ``dim``) is nonzero: a bool tensor."""
        return self._reduce(OPS["All"], dim, keepdim)

    def var(
        self,
        dim: Any = None,
        unbiased: Any = None,
        keepdim: bool = False,
        *,
        correction: Any = None,
    ) -> Tensor:
        """The variance over all elements or over ``dim``, divided by ``n - correction``
        (1 by default: unbiased; ``unbiased=False`` means 0), written with the mean, a
        difference, its square and a sum."""
        if correction is None:
            correction = 0 if unbiased is False else 1
        mean = self.mean(dim, True)
        diff = self - mean
        count = self.array.size // max(1, mean.array.size)
        out: Tensor = (diff * diff).sum(dim, keepdim) / max(0, count - correction)
        return core.composed(out, "VarBackward0")

    def std(
        self,
        dim: Any = None,
        unbiased: Any = None,
        keepdim: bool = False,
        *,
        correction: Any = None,
    ) -> Tensor:
        """The square root of :meth:`var` (same arguments)."""
        out: Tensor = self.var(dim, unbiased, keepdim, correction=correction).sqrt()
        return core.composed(out, "StdBackward0")

    def norm(self, p: Any = "fro", dim: Any = None, keepdim: bool = False) -> Tensor:
        """The vector p-norm over all elements or over ``dim``: 2 (and ``"fro"``) as one op,
        others written out (``|x|.sum()`` for 1, ``|x|.max()`` for inf)."""
        if p in ("fro", 2, 2.0, None):
            return self._reduce(OPS["EuclideanNorm"], dim, keepdim)
        size = core.apply(OPS["Abs"], (self,), (self.array,), {}, self._dev)
        out: Tensor
        if p == math.inf:
            out = size.max() if dim is None else size.max(dim, keepdim).values
        elif p == 1:
            out = size.sum(dim, keepdim)
        else:
            out = size.pow(p).sum(dim, keepdim).pow(1.0 / p)
        return out

    def _reduce(self, op: ops.Op, dim: Any, keepdim: bool) -> Tensor:
        if dim is not None:
            dims = dim if isinstance(dim, (tuple, list)) else (dim,)
            for d in dims:
                _dim(op, op.eager_name, self, d)
            dim = tuple(dim) if isinstance(dim, list) else dim
        attrs = {"axis": dim, "keepdims": keepdim} if dim is not None or keepdim else {}
        return core.apply(op, (self,), (self.array,), attrs, self._dev)

    def max(self, dim: Any = None, keepdim: bool = False) -> Any:
        """The largest element, or with ``dim`` the (values, indices) along it; with a tensor,
        the elementwise maximum (``torch.max(a, b)``)."""
        return self._extreme("Max", "ArgMax", dim, keepdim)

    def min(self, dim: Any = None, keepdim: bool = False) -> Any:
        """The smallest element, or with ``dim`` the (values, indices) along it."""
        return self._extreme("Min", "ArgMin", dim, keepdim)

    def _extreme(self, op: str, arg: str, dim: Any, keepdim: bool) -> Any:
        if isinstance(dim, core.Tensor):
            return core._binary(OPS["Maximum" if op == "Max" else "Minimum"], self, dim)
        if dim is None:
            return core.apply(OPS[op], (self,), (self.array,), {}, self._dev)
        axis = _dim(OPS[op], op.lower(), self, dim)
        attrs = {"axis": axis, "keepdims": bool(keepdim)}
        values = core.apply(OPS[op], (self,), (self.array,), attrs, self._dev)
        return ValuesIndices(values, self._arg(arg, axis, keepdim))

    def argmax(self, dim: Any = None, keepdim: bool = False) -> Tensor:
        """The index of the largest element (of the flattened tensor when ``dim`` is None)."""
        return self._arg("ArgMax", dim, keepdim)

    def argmin(self, dim: Any = None, keepdim: bool = False) -> Tensor:
        return self._arg("ArgMin", dim, keepdim)

    def _arg(self, op: str, dim: Any, keepdim: bool) -> Tensor:
        axis = None if dim is None else _dim(OPS[op], op.lower(), self, dim)
        out = core.apply(OPS[op], (self,), (self.array,), {"axis": axis}, self._dev)
        if keepdim:
            shape = [1] * self.array.ndim if axis is None else list(self.array.shape)
            if axis is not None:
                shape[axis] = 1
            out = out.view(*shape)
        return out

    # ------------------------------------------------------------- along one axis

    def cumsum(self, dim: int, dtype: Any = None) -> Tensor:
        """Running sums along ``dim``: element i is the sum of elements 0..i (integers and
        bools sum as int64, as PyTorch's do)."""
        x = self if dtype is None else self.to(dtype)
        if x.array.dtype.kind in "biu" and x.array.dtype != "int64":
            x = x.long()
        op = OPS["Cumsum"]
        axis = _dim(op, "cumsum", x, dim)
        return core.apply(op, (x,), (x.array,), {"axis": axis}, x._dev)

    def argsort(self, dim: int = -1, descending: bool = False, stable: bool = False) -> Tensor:
        """The positions that sort the values along ``dim`` (ties in their order)."""
        op = OPS["ArgSort"]
        axis = _dim(op, "argsort", self, dim)
        attrs = {"axis": axis, "descending": bool(descending)}
        return core.apply(op, (self,), (self.array,), attrs, self._dev)

    def sort(self, dim: int = -1, descending: bool = False, stable: bool = False) -> SortedValues:
        """The values sorted along ``dim`` and where each came from; the values are read
        at those positions (a gather), so their gradient goes back where each came from."""
        indices = self.argsort(dim, descending)
        return SortedValues(self._picked(indices, dim, "sort", "SortBackward0"), indices)

    def topk(
        self,
        k: int,
        dim: int = -1,
        largest: bool = True,
        sorted: bool = True,  # noqa: A002
    ) -> TopValues:
        """The ``k`` largest (``largest=False``: smallest) values along ``dim``, best first,
        and their positions: the first ``k`` of a sort."""
        op = OPS["ArgSort"]
        axis = _dim(op, "topk", self, dim)
        size = self.array.shape[axis] if self.array.ndim else 1
        if not 0 <= k <= size:
            _fail_op(op, "topk", (self,), self._dev, "selected index k out of range")
        indices = self.argsort(axis, largest)
        if self.array.ndim:
            key = (slice(None),) * axis + (slice(0, k),)
            args = (indices.array,)
            indices = core.apply(OPS["Index"], (None,), args, {"index": key}, self._dev)
        return TopValues(self._picked(indices, axis, "topk", "TopkBackward0"), indices)

    def _picked(self, indices: Tensor, dim: int, name: str, backward: str) -> Tensor:
        """This tensor's values at ``indices`` along ``dim``, labelled as the op that chose
        them (``sort``, ``topk``) with its backward node's name."""
        if self.array.ndim == 0:
            out = core.apply(OPS["Identity"], (self,), (self.array,), {}, self._dev, name)
        else:
            attrs = {"axis": dim % self.array.ndim}
            args = (self.array, indices.array)
            out = core.apply(OPS["GatherElements"], (self, None), args, attrs, self._dev, name)
        if out.grad_fn is not None:
            out.grad_fn.name = backward
        return out

"""A tensor's parts: its triangles (``triu``, ``tril``, as the causal attention mask
``torch.tril(torch.ones(T, T))`` is made) and its pieces along one axis (``split``,
``chunk``, as a fused ``qkv`` projection is cut into ``q, k, v``).

All record their gradient: a triangle's is the gradient's same triangle; each piece is a slice
of the tensor (a view, as PyTorch's are), so the gradients of the pieces used meet in the
tensor's. ``Tensor`` gets the methods by inheriting :class:`Pieces`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import engine.eager.tensor as core
from engine import ops
from engine.eager.host import Host
from engine.eager.op_failure import _dim, _fail_op

if TYPE_CHECKING:
    from engine.eager.tensor import Tensor

OPS = ops.OPS


class Pieces(Host):
    """Triangles and pieces of a tensor."""

    __slots__ = ()

    def triu(self, diagonal: int = 0) -> Tensor:
        """The upper triangle of the last two axes: elements on and above the
        ``diagonal``-th diagonal (0: the main one, 1: above it, -1: below it), zeros below."""
        return self._band("Triu", diagonal)

    def tril(self, diagonal: int = 0) -> Tensor:
        """The lower triangle of the last two axes: elements on and below the
        ``diagonal``-th diagonal, zeros above."""
        return self._band("Tril", diagonal)

    def _band(self, kind: str, diagonal: int) -> Tensor:
        op, name = OPS[kind], kind.lower()
        if self.array.ndim < 2:
            message = f"{name}: input tensor must have at least 2 dimensions"
            _fail_op(op, name, (self,), self._dev, message)
        attrs = {"diagonal": int(diagonal)}
        return core.apply(op, (self,), (self.array,), attrs, self._dev)

    def split(self, split_size: Any, dim: int = 0) -> tuple[Tensor, ...]:
        """Pieces along ``dim``: each ``split_size`` long (the last one shorter if the size
        does not divide), or, for a list, one piece per entry of that length."""
        op = OPS["Index"]
        d = _dim(op, "split", self, dim)
        n = self.array.shape[d] if self.array.ndim else 1
        if isinstance(split_size, (list, tuple)):
            sizes = [int(s) for s in split_size]
            problem = _sizes_problem(sizes, n, dim)
            grad_name = "SplitWithSizesBackward0"
        else:
            size = int(split_size)
            problem = _size_problem(size, n)
            sizes = [min(size, n - start) for start in range(0, n, size)] if size else [n]
            sizes = sizes or [0]  # an empty axis is one empty piece
            grad_name = "SplitBackward0"
        if problem:
            _fail_op(op, "split", (self,), self._dev, problem)
        pieces, start = [], 0
        for size in sizes:
            index = (slice(None),) * d + (slice(start, start + size),)
            attrs = {"index": index}
            pieces.append(
                core.apply(op, (self,), (self.array,), attrs, self._dev, "split", grad_name)
            )
            start += size
        return tuple(pieces)

    def chunk(self, chunks: int, dim: int = 0) -> tuple[Tensor, ...]:
        """About ``chunks`` equal pieces along ``dim``: :meth:`split` into pieces of
        ``ceil(size / chunks)``, so fewer come back where that leaves nothing for the last."""
        chunks = int(chunks)
        if chunks <= 0:
            message = f"chunk expects `chunks` to be greater than 0, got: {chunks}"
            _fail_op(OPS["Index"], "chunk", (self,), self._dev, message)
        d = _dim(OPS["Index"], "chunk", self, dim)
        n = self.array.shape[d] if self.array.ndim else 1
        return self.split(-(-n // chunks), d)


def _size_problem(size: int, n: int) -> str | None:
    """What PyTorch says about ``split(size)`` of an axis of ``n``, or None when it is fine."""
    if size < 0:
        return f"split expects split_size be non-negative, but got split_size={size}"
    if size == 0 and n != 0:
        return f"split_size can only be 0 if dimension size is 0, but got dimension size of {n}"
    return None


def _sizes_problem(sizes: list[int], n: int, dim: int) -> str | None:
    """What PyTorch says about ``split(sizes)`` of axis ``dim`` (as given) of ``n``, or None."""
    if any(s < 0 for s in sizes):
        return (
            "split_with_sizes expects split_sizes have only non-negative entries, but got "
            f"split_sizes={sizes}"
        )
    if sum(sizes) != n:
        return (
            f"split_with_sizes expects split_sizes to sum exactly to {n} (input tensor's size "
            f"at dimension {dim}), but got split_sizes={sizes}"
        )
    return None

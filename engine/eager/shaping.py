"""The Tensor's shape methods (``view``, ``reshape``, ``unsqueeze``, ``squeeze``, ``flatten``,
``expand``, ``repeat``), ``torch.stack`` and ``torch.cat``, and the check of an indexing key.

All record their gradient (the values only move). ``Tensor`` gets the methods by inheriting
:class:`Shaping` (and those of :mod:`engine.eager.pieces` through it).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

import engine.eager.tensor as core
from engine import ops
from engine.eager import errors
from engine.eager.fields import TensorFields
from engine.eager.op_failure import _check_device, _dim, _fail_op
from engine.eager.pieces import Pieces

if TYPE_CHECKING:
    from engine.eager.tensor import Tensor

OPS = ops.OPS


class Shaping(Pieces):
    """Views of the same values in another shape."""

    __slots__ = ()

    def view(self, *shape: Any) -> Tensor:
        """The same values in another shape (-1: inferred), sharing the storage: only where
        the strides allow it (not ``x.transpose(0, 1).view(-1)``: ``reshape`` copies there)."""
        full = self._new_shape("view", shape)
        if not _viewable(self, full):
            _fail_op(OPS["Reshape"], "view", (self,), self._dev, VIEW_STRIDES)
        return core.apply(OPS["Reshape"], (self,), (self.array,), {"shape": full}, self._dev)

    def reshape(self, *shape: Any) -> Tensor:
        """:meth:`view` where the strides allow it, else a copy in the new shape (PyTorch's
        ``UnsafeViewBackward0``, not a view)."""
        full = self._new_shape("reshape", shape)
        if _viewable(self, full):
            return self.view(full)
        attrs = {"shape": full}
        return core.apply(
            OPS["Reshape"],
            (self,),
            (self.array,),
            attrs,
            self._dev,
            "reshape",
            "UnsafeViewBackward0",
        )

    def _new_shape(self, name: str, shape: tuple[Any, ...]) -> tuple[int, ...]:
        """``shape`` (sizes, or one tuple of them; -1 inferred) made whole, or PyTorch's
        error when the sizes do not hold this tensor's elements."""
        if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
            shape = tuple(shape[0])
        try:  # (numpy works the sizes out on a stand-in of no storage: nothing is copied)
            return tuple(np.broadcast_to(np.int8(0), self.array.shape).reshape(shape).shape)
        except ValueError:
            _fail_op(
                OPS["Reshape"],
                name,
                (self,),
                self._dev,
                f"shape '{list(shape)}' is invalid for input of size {self.array.size}",
            )

    def view_as(self, other: Tensor) -> Tensor:
        """The same values in ``other``'s shape."""
        return self.view(tuple(other.array.shape))

    def reshape_as(self, other: Tensor) -> Tensor:
        """The same values in ``other``'s shape, copied where a view cannot be."""
        return self.reshape(tuple(other.array.shape))

    def unsqueeze(self, dim: int) -> Tensor:
        """A size-1 dimension inserted at ``dim`` (in ``[-ndim - 1, ndim]``)."""
        op = OPS["ExpandDims"]
        axis = _dim(op, "unsqueeze", self, dim, self.array.ndim + 1)
        return core.apply(op, (self,), (self.array,), {"axis": axis}, self._dev)

    def squeeze(self, dim: Any = None) -> Tensor:
        """Without size-1 dimensions: all of them, or ``dim`` if it has size 1 (else as is)."""
        op, shape = OPS["Squeeze"], self.array.shape
        if dim is None:
            axes = tuple(i for i, d in enumerate(shape) if d == 1)
        else:
            dims = dim if isinstance(dim, (tuple, list)) else (dim,)
            axes = tuple(
                a
                for a in (_dim(op, "squeeze", self, d) for d in dims)
                if a < len(shape) and shape[a] == 1
            )
        if not axes:
            return core.apply(
                OPS["Reshape"], (self,), (self.array,), {"shape": shape}, self._dev, "squeeze"
            )
        return core.apply(op, (self,), (self.array,), {"axis": axes}, self._dev)

    def flatten(self, start_dim: int = 0, end_dim: int = -1) -> Tensor:
        """Dimensions ``start_dim`` to ``end_dim`` (inclusive) merged into one."""
        shape = self.array.shape
        if not shape:
            return self.reshape(1)
        op = OPS["Reshape"]
        start, end = _dim(op, "flatten", self, start_dim), _dim(op, "flatten", self, end_dim)
        if start > end:
            errors.fail(
                "flatten() has invalid args: start_dim cannot come after end_dim", IndexError
            )
        merged = math.prod(shape[start : end + 1])
        return self.reshape(*shape[:start], merged, *shape[end + 1 :])

    def permute(self, *dims: Any) -> Tensor:
        """The same values with the axes in the order ``dims`` (a view)."""
        if len(dims) == 1 and isinstance(dims[0], (tuple, list)):
            dims = tuple(dims[0])
        op, n = OPS["Transpose"], self.array.ndim
        if len(dims) != n:
            _fail_op(
                op,
                "permute",
                (self,),
                self._dev,
                "permute(sparse_coo): number of dimensions in the tensor input does not match "
                f"the length of the desired ordering of dimensions i.e. input.dim() = {n} is not "
                f"equal to len(dims) = {len(dims)}",
            )
        perm = tuple(_dim(op, "permute", self, d) for d in dims)
        if len(set(perm)) != n:
            _fail_op(
                op, "permute", (self,), self._dev, "permute(): duplicate dims are not allowed."
            )
        attrs = {"perm": perm}
        return core.apply(
            op, (self,), (self.array,), attrs, self._dev, "permute", "PermuteBackward0"
        )

    def transpose(self, dim0: int, dim1: int) -> Tensor:
        """The same values with axes ``dim0`` and ``dim1`` swapped (a view)."""
        op = OPS["Transpose"]
        a, b = _dim(op, "transpose", self, dim0), _dim(op, "transpose", self, dim1)
        perm = list(range(self.array.ndim))
        perm[a], perm[b] = perm[b], perm[a]
        attrs = {"perm": tuple(perm)}
        return core.apply(
            op, (self,), (self.array,), attrs, self._dev, "transpose", "TransposeBackward0"
        )

    def expand(self, *sizes: Any) -> Tensor:
        """The size-1 axes stretched to ``sizes`` (-1: kept; new axes go in front), without
        copying: every row of ``b.expand(4, 3)`` is ``b``'s one row."""
        if len(sizes) == 1 and isinstance(sizes[0], (tuple, list)):
            sizes = tuple(sizes[0])
        op, shape = OPS["BroadcastTo"], self.array.shape
        lead = len(sizes) - len(shape)
        if lead < 0:
            _fail_op(
                op,
                "expand",
                (self,),
                self._dev,
                f"expand({self.type()}{{{list(shape)}}}, size={list(sizes)}): the number of sizes "
                f"provided ({len(sizes)}) must be greater or equal to the number of dimensions "
                f"in the tensor ({len(shape)})",
            )
        target = []
        for i, n in enumerate(int(s) for s in sizes):
            if i < lead:
                if n < 0:
                    _fail_op(
                        op,
                        "expand",
                        (self,),
                        self._dev,
                        f"The expanded size of the tensor ({n}) isn't allowed in a leading, "
                        f"non-existing dimension {i}",
                    )
                target.append(n)
                continue
            have = shape[i - lead]
            if n == -1:
                n = have
            if have != 1 and n != have:
                _fail_op(
                    op,
                    "expand",
                    (self,),
                    self._dev,
                    f"The expanded size of the tensor ({n}) must match the existing size "
                    f"({have}) at non-singleton dimension {i}.  Target sizes: {list(sizes)}.  "
                    f"Tensor sizes: {list(shape)}",
                )
            target.append(n)
        attrs = {"shape": tuple(target)}
        return core.apply(op, (self,), (self.array,), attrs, self._dev)

    def expand_as(self, other: Tensor) -> Tensor:
        """:meth:`expand` to ``other``'s shape."""
        return self.expand(tuple(other.array.shape))

    def repeat(self, *sizes: Any) -> Tensor:
        """Whole copies side by side: ``sizes[i]`` of them along axis i (axes added in
        front where ``sizes`` is longer than the shape)."""
        if len(sizes) == 1 and isinstance(sizes[0], (tuple, list)):
            sizes = tuple(sizes[0])
        op = OPS["Tile"]
        if len(sizes) < self.array.ndim:
            _fail_op(
                op,
                "repeat",
                (self,),
                self._dev,
                "Number of dimensions of repeat dims can not be smaller than number of "
                "dimensions of tensor",
            )
        attrs = {"multiples": tuple(int(s) for s in sizes)}
        return core.apply(op, (self,), (self.array,), attrs, self._dev)

    def gather(self, dim: int, index: Tensor) -> Tensor:
        """``out[i][j] = self[index[i][j]][j]`` along ``dim`` (``self[i][index[i][j]]`` for
        dim 1): picks, e.g., each row's score of its true class."""
        op = OPS["GatherElements"]
        d = _dim(op, "gather", self, dim)
        problem = _gather_problem(self.array, index.array, d)
        if problem:
            _fail_op(op, "gather", (self,), self._dev, problem)
        return core.apply(op, (self, None), (self.array, index.array), {"axis": d}, self._dev)


VIEW_STRIDES = (
    "view size is not compatible with input tensor's size and stride (at least one dimension "
    "spans across two contiguous subspaces). Use .reshape(...) instead."
)
"""PyTorch's error for a ``view`` its strides do not allow."""


def _viewable(t: TensorFields, shape: tuple[int, ...]) -> bool:
    """Whether ``t.view(shape)`` keeps ``t``'s storage, as PyTorch decides it.

    Only a view of a contiguous base (a transpose, permute or slice of it) is checked: there
    numpy's strides are PyTorch's. Elsewhere numpy's layout may differ from PyTorch's (numpy
    keeps a transposed input's order in a sum, PyTorch writes its result contiguous), and a
    student's ``view`` that works in PyTorch must work here.
    """
    a = t.array
    if a.flags.c_contiguous or t._view is None or not t._view.base.array.flags.c_contiguous:
        return True
    kept = [(n, s // a.itemsize) for n, s in zip(a.shape, a.strides, strict=True) if n != 1]
    return _strides_allow(kept, [n for n in shape if n != 1])


def _strides_allow(old: list[tuple[int, int]], new: list[int]) -> bool:
    """PyTorch's ``computeStride``, answering only whether it finds strides: the old axes
    (size, stride in elements; no size-1 ones) fall into chunks that lie contiguously, and
    each chunk must be covered exactly by consecutive new sizes."""
    if not old:
        return True
    view_d = len(new) - 1
    base, tensor_numel, view_numel = old[-1][1], 1, 1
    for d in range(len(old) - 1, -1, -1):
        tensor_numel *= old[d][0]
        if d == 0 or old[d - 1][1] != tensor_numel * base:  # a chunk ends here
            while view_d >= 0 and view_numel < tensor_numel:
                view_numel *= new[view_d]
                view_d -= 1
            if view_numel != tensor_numel:
                return False
            if d > 0:
                base, tensor_numel, view_numel = old[d - 1][1], 1, 1
    return view_d == -1


def _joined(tensors: Sequence[Tensor], what: str) -> tuple[Any, ...]:
    if not isinstance(tensors, (list, tuple)) or not tensors:
        errors.fail(f"{what}(): expected a non-empty list of Tensors")
    first = tensors[0]
    for t in tensors[1:]:
        if t._dev is not first._dev:
            _check_device(OPS["Pack"], what, first, t)
    return tuple(tensors)


def stack(tensors: Sequence[Tensor], dim: int = 0) -> Tensor:
    """Tensors of one shape joined along a new dimension ``dim`` (with their gradients)."""
    ts = _joined(tensors, "stack")
    op, first = OPS["Pack"], ts[0]
    axis = _dim(op, "stack", first, dim, first.array.ndim + 1)
    for i, t in enumerate(ts[1:], 1):
        if t.array.shape != first.array.shape:
            _fail_op(
                op,
                "stack",
                ts,
                first._dev,
                f"stack expects each tensor to be equal size, but got {list(first.array.shape)} "
                f"at entry 0 and {list(t.array.shape)} at entry {i}",
            )
    arrays = _common(ts)
    return core.apply(op, ts, arrays, {"axis": axis}, first._dev)


def cat(tensors: Sequence[Tensor], dim: int = 0) -> Tensor:
    """Tensors joined along their dimension ``dim`` (with their gradients)."""
    ts = _joined(tensors, "cat")
    op, first = OPS["ConcatV2"], ts[0]
    axis = _dim(op, "cat", first, dim)
    for i, t in enumerate(ts[1:], 1):
        a, b = first.array.shape, t.array.shape
        if len(a) != len(b):
            _fail_op(
                op,
                "cat",
                ts,
                first._dev,
                f"Tensors must have same number of dimensions: got {len(a)} and {len(b)}",
            )
        for d, (x, y) in enumerate(zip(a, b, strict=True)):
            if d != axis and x != y:
                _fail_op(
                    op,
                    "cat",
                    ts,
                    first._dev,
                    f"Sizes of tensors must match except in dimension {axis}. Expected size {x} "
                    f"but got size {y} for tensor number {i} in the list.",
                )
    return core.apply(op, ts, _common(ts), {"axis": axis}, first._dev)


def _gather_problem(x: Any, index: Any, dim: int) -> str | None:
    """What PyTorch says about ``x.gather(dim, index)``, or None when it is fine."""
    if index.dtype.kind not in "iu" or index.dtype.itemsize < 4:
        return "gather(): Expected dtype int32/int64 for index"
    if index.ndim != x.ndim:
        return "Index tensor must have the same number of dimensions as input tensor"
    for k, n in enumerate(index.shape):
        if k != dim and n > x.shape[k]:
            return (
                f"Size does not match at dimension {k} expected index {list(index.shape)} to be "
                f"no larger than self {list(x.shape)} apart from dimension {dim}"
            )
    bad = index[(index < 0) | (index >= x.shape[dim])] if index.size else index
    if bad.size:
        first, size = int(bad.ravel()[0]), x.shape[dim]
        return f"index {first} is out of bounds for dimension {dim} with size {size}"
    return None


def _common(ts: tuple[Tensor, ...]) -> tuple[Any, ...]:
    """The arrays, brought to one dtype as PyTorch promotes them."""
    arrays = tuple(t.array for t in ts)
    dtypes = {a.dtype for a in arrays}
    if len(dtypes) == 1:
        return arrays
    from engine.eager.promotion import promote

    dt = arrays[0].dtype
    for a in arrays[1:]:
        dt = promote(dt, a.dtype)
    return tuple(a.astype(dt, copy=False) for a in arrays)


def _index_key(t: TensorFields, key: Any) -> Any:
    """Tensors in a key become arrays; integer indices are checked (cupy would wrap them)."""
    keys = key if isinstance(key, tuple) else (key,)
    out = []
    dim = 0
    for k in keys:
        if isinstance(k, core.Tensor):
            k = k.array if k.array.ndim else k.array.item()
        if isinstance(k, (int, np.integer)) and not isinstance(k, bool):
            size = t.array.shape[dim] if dim < t.array.ndim else 0
            if not -size <= k < size:
                errors.fail(
                    f"index {k} is out of bounds for dimension {dim} with size {size}", IndexError
                )
            k = int(k)
        out.append(k)
        if k is not None:
            dim += 1
    return tuple(out) if isinstance(key, tuple) else out[0]

"""The eager Tensor: runs each op at once through the op table, and records it for autograd.

A Tensor holds an array (``array``: numpy or cupy) on an engine Device. Every op is one call to
:func:`apply`: the kernel runs now (timed and shown as a node when anyone listens), and when
grad mode is on and an input requires grad the result gets a ``grad_fn`` node. In-place ops
(``-=``, ``grad_h[h < 0] = 0``, ``zero_()``) write into the array, bump the version counter and
are nodes too.

This file holds the class's core (its fields, attributes, ``backward()``, display) and the
dispatch every op goes through (:func:`apply`, :func:`_binary`, :func:`_new`). The methods come
from mixins, one job each: ``methods`` (math, reductions, shapes), ``operators`` (``+ - * /``,
comparisons, indexing), ``inplace`` (``-=``, ``zero_()``, ``x[mask] = 0``) and ``host``
(``item()``, ``numpy()``, ``to()``, ``cuda()``). Beside them: ``factory`` (making tensors),
``size`` (``torch.Size``), ``op_failure`` (an op's error, shown as a failed node first) and
``types`` (dtypes, devices, tensor types and their names).
"""

from __future__ import annotations

from typing import Any, Union

import numpy as np

from engine import ops
from engine.devices import CPU, Device
from engine.eager import errors, promotion, tracing, types
from engine.eager.grad_mode import MODE
from engine.eager.graph import OpNode, ViewOf, refresh_view
from engine.eager.op_failure import _check_device, _check_mm, _fail_op
from engine.eager.operators import Operators
from engine.eager.size import Size
from engine.eager.types import _resolve, _type_by_name
from engine.events import STREAM

__all__ = [  # the moved helpers stay importable from here
    "Operand",
    "Size",
    "Tensor",
    "_check_device",
    "_check_mm",
    "_fail_op",
    "_new",
    "_resolve",
    "_type_by_name",
    "apply",
]

_SCALARS = (int, float, bool, np.number, np.bool_)
_ndarray = np.ndarray
_DIV = ops.OPS["RealDiv"]
Operand = Union["Tensor", float, np.number, np.bool_, np.ndarray]
"""What arithmetic takes besides a tensor's own: a tensor, a Python or numpy scalar, an array."""


def _new(array: Any, dev: Device, requires_grad: bool = False, grad_fn: Any = None) -> Tensor:
    t = object.__new__(Tensor)
    t.array = array
    t._dev = dev
    t.requires_grad = requires_grad
    t.grad_fn = grad_fn
    t.grad = None
    t._vc = [0]
    t._gtok = 0
    t._nid = -1
    t._acc = None
    t._name = None
    t._view = None
    t._leaf = None
    return t


_VIEW_OPS = frozenset({"Transpose", "Reshape", "Index", "ExpandDims", "Squeeze"})
"""Ops whose result may be a view of their input's storage (numpy decides: basic indexing,
a transpose, a reshape that needs no copy)."""


def _mark_view(t: Tensor, src: Tensor, op: ops.Op, attrs: dict[str, Any]) -> None:
    """Make ``t`` a view of ``src``'s storage if its array is one, as PyTorch's views are: it
    shares the version counter, and an in-place op on it rewrites the base's history."""
    a, base = src.array, getattr(t.array, "base", None)
    if base is None or (base is not a and base is not a.base):  # (numpy names the owner)
        return
    view = src._view
    root, chain = (src, ()) if view is None else (view.base, view.chain)
    t._view = ViewOf(root, (*chain, (op, attrs)), root._vc[0])
    t._vc = root._vc


def apply(
    op: ops.Op,
    parents: tuple[Any, ...],
    args: tuple[Any, ...],
    attrs: dict[str, Any],
    dev: Device,
    name: str | None = None,
    grad_name: str | None = None,
) -> Tensor:
    """Run ``op`` now and wrap the result.

    ``parents`` is aligned with ``args`` (None: not a tensor). ``name`` is the label shown
    for the node (default the op's eager name), ``grad_name`` its grad_fn's name where
    PyTorch's differs from the op's (``x.transpose(0, 1)`` runs as ``t`` but shows
    ``TransposeBackward0``).
    """
    listened = STREAM.active
    if listened:
        out = tracing.traced(op, name or op.eager_name, parents, args, attrs, dev)
    else:
        out = op.kernel(dev.xp, *args, **attrs)
    if type(out) is not _ndarray and isinstance(out, np.generic):
        out = np.asarray(out)  # numpy answers 0-d operands with a scalar: keep an array
    t = object.__new__(Tensor)  # _new(out, dev), inline: every op makes one
    t.array = out
    t._dev = dev
    t.requires_grad = False
    t.grad_fn = None
    t.grad = None
    t._vc = [0]
    if listened:
        t._gtok, t._nid = tracing.STATE.token, tracing.STATE.last
    else:
        t._gtok, t._nid = 0, -1
    t._acc = None
    t._name = None
    t._view = None
    t._leaf = None
    if op.name in _VIEW_OPS and parents[0] is not None:
        _mark_view(t, parents[0], op, attrs)
    if MODE.enabled and (op.grad is not None or op.out_dtype == "same"):
        for p in parents:
            if p is None:
                continue
            if p._view is not None:
                refresh_view(p)  # its storage changed since: history from its base's
            if p.requires_grad:
                if op.grad is None:
                    _fail_op(
                        op,
                        name,
                        parents,
                        dev,
                        f"the derivative for '{name or op.eager_name}' is not implemented",
                    )
                node = OpNode(op, parents, args, out, attrs, t._vc, grad_name)
                if t._gtok == tracing.STATE.token:
                    node.graph, node.node = tracing.STATE.graph, t._nid
                t.requires_grad, t.grad_fn = True, node
                break
    return t


def composed(t: Tensor, grad_name: str) -> Tensor:
    """``t``, the result of an op written with others (``std`` as a mean, a difference, a
    square, a sum, a division and a root), its grad_fn named as PyTorch's one node for the
    op (``StdBackward0``); the steps before stay nodes of their own."""
    if t.grad_fn is not None:
        t.grad_fn.name = grad_name
    return t


def _binary(op: ops.Op, a: Any, b: Any, reverse: bool = False, name: str | None = None) -> Tensor:
    """``a op b`` (or ``b op a`` when ``reverse``) for a tensor and a tensor or Python number,
    the operands first brought to the dtype PyTorch's promotion gives (:mod:`promotion`)."""
    if isinstance(b, Tensor):
        if b._dev is not a._dev:
            _check_device(op, name or op.eager_name, a, b)
        x, y = a.array, b.array
        if x.shape != y.shape:
            try:
                ops.broadcast(x.shape, y.shape) if not reverse else ops.broadcast(y.shape, x.shape)
            except ops.ShapeError as e:
                _fail_op(op, name, (a, b), a._dev, errors.broadcast_message(e.dims, e.axis))
        if x.dtype != y.dtype or (op is _DIV and x.dtype.kind in "biu"):
            dt = promotion.result_type(x, y)
            if op is _DIV:
                dt = promotion.true_divide_type(dt)
            x, y = x.astype(dt, copy=False), y.astype(dt, copy=False)
        if reverse:
            return apply(op, (b, a), (y, x), {}, a._dev, name)
        return apply(op, (a, b), (x, y), {}, a._dev, name)
    if isinstance(b, _SCALARS):
        x = a.array
        if x.dtype.kind in "biu":  # an integer or bool tensor: PyTorch's dtype, not numpy's
            dt = promotion.scalar_type(x, b)
            if op is _DIV:
                dt = promotion.true_divide_type(dt)
            if dt != x.dtype:
                x = x.astype(dt)
            b = dt.type(b)
        elif not isinstance(b, (bool, np.bool_)):
            b = float(b)
        if reverse:
            return apply(op, (None, a), (b, x), {}, a._dev, name)
        return apply(op, (a, None), (x, b), {}, a._dev, name)
    if isinstance(b, np.ndarray):
        return _binary(op, a, _new(a._dev.asarray(b), a._dev), reverse, name)
    return NotImplemented  # type: ignore[no-any-return]  # typeshed: its type subclasses Any


class Tensor(Operators):
    """A multi-dimensional array with autograd (``torch.Tensor``); its fields are those of
    :class:`~engine.eager.fields.TensorFields`."""

    __slots__ = ()
    __array_ufunc__ = None  # numpy defers to our reflected operators (np.float32(2) * t)
    __hash__ = object.__hash__

    def __new__(cls, *args: Any, **kwargs: Any) -> Tensor:
        if cls is Tensor:
            return types.CPU_TYPES["FloatTensor"](*args)
        return object.__new__(cls)

    # ------------------------------------------------------------- attributes

    @property
    def shape(self) -> Size:
        return Size(self.array.shape)

    def size(self, dim: int | None = None) -> Any:
        """The shape, or one dimension of it."""
        return Size(self.array.shape) if dim is None else self.array.shape[dim]

    def dim(self) -> int:
        return int(self.array.ndim)

    @property
    def ndim(self) -> int:
        return int(self.array.ndim)

    def numel(self) -> int:
        return int(self.array.size)

    def nelement(self) -> int:
        return int(self.array.size)

    @property
    def dtype(self) -> types.dtype:
        return types.of(self.array.dtype)

    @property
    def device(self) -> types.device:
        return types.torch_device(self._dev)

    @property
    def is_cuda(self) -> bool:
        return self._dev.name != "cpu"

    @property
    def is_leaf(self) -> bool:
        return self.grad_fn is None

    @property
    def _version(self) -> int:
        return self._vc[0]

    @property
    def data(self) -> Tensor:
        """The same storage without autograd (and outside version tracking)."""
        return _new(self.array, self._dev)

    @data.setter
    def data(self, value: Tensor) -> None:
        self.array = value.array
        self._dev = value._dev
        self._leaf = None  # (it held the old array)

    def detach(self) -> Tensor:
        """The same storage, cut from the graph (shares the version counter)."""
        t = _new(self.array, self._dev)
        t._vc = self._vc
        return t

    def detach_(self) -> Tensor:
        self.grad_fn, self.requires_grad = None, False
        return self

    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
        if self.grad_fn is not None and not requires_grad:
            raise RuntimeError(
                "you can only change requires_grad flags of leaf variables. If you "
                "want to use a computed variable in a subgraph that doesn't require "
                "differentiation use var_no_grad = var.detach()."
            )
        self.requires_grad = requires_grad
        return self

    def retain_grad(self) -> None:
        raise NotImplementedError("retain_grad() is not supported by this engine")

    # ----------------------------------------------------------------- autograd

    def backward(
        self, gradient: Any = None, retain_graph: bool | None = None, create_graph: bool = False
    ) -> None:
        """Compute gradients of this tensor w.r.t. the graph's leaves (into their ``.grad``)."""
        from engine.eager.backward import run_backward

        run_backward(self, gradient, retain_graph)

    # ------------------------------------------------------------------ display

    def __repr__(self) -> str:
        values = np.array2string(self._dev.to_host(self.array), separator=", ", prefix="tensor(")
        extra = ""
        if self._dev is not CPU:
            extra += ", device='cuda:0'"
        if self.array.dtype not in (np.float32, np.int64, np.bool_):
            extra += f", dtype={types.of(self.array.dtype)!r}"
        if self.grad_fn is not None:
            extra += f", grad_fn=<{self.grad_fn.name}>"
        elif self.requires_grad:
            extra += ", requires_grad=True"
        return f"tensor({values}{extra})"

    def __format__(self, spec: str) -> str:
        if self.array.size == 1 and spec:
            return format(self.item(), spec)
        return repr(self)

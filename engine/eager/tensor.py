"""The eager Tensor: runs each op at once through the op table, and records it for autograd.

A Tensor holds an array (``array``: numpy or cupy) on an engine Device. Every op is one call to
:func:`apply`: the kernel runs now (timed and shown as a node when anyone listens), and when
grad mode is on and an input requires grad the result gets a ``grad_fn`` node. In-place ops
(``-=``, ``grad_h[h < 0] = 0``, ``zero_()``) write into the array, bump the version counter and
are nodes too.

Beside it: ``size`` (``torch.Size``), ``op_failure`` (an op's error, shown as a failed node
first) and ``types`` (dtypes, devices, tensor types and their names). The class stays in one
file: its methods are PyTorch's API, each a few lines over :func:`apply`, which needs the class.
"""

from __future__ import annotations

import time
from typing import Any, Union

import numpy as np

from engine import ops
from engine.devices import CPU, Device
from engine.eager import errors, metrics, tracing, types
from engine.eager.grad_mode import MODE
from engine.eager.graph import AccumulateGrad, CopyNode, Node, OpNode
from engine.eager.op_failure import _check_device, _check_mm, _fail_op
from engine.eager.size import Size
from engine.eager.types import _resolve, _type_by_name
from engine.events import STREAM

OPS = ops.OPS
_ADD, _SUB, _MUL, _DIV = OPS["Add"], OPS["Sub"], OPS["Mul"], OPS["RealDiv"]
_MM, _NEG, _SQUARE, _POW = OPS["MatMul"], OPS["Neg"], OPS["Square"], OPS["Pow"]
_SCALARS = (int, float, bool, np.number, np.bool_)
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
    return t


def apply(
    op: ops.Op,
    parents: tuple[Any, ...],
    args: tuple[Any, ...],
    attrs: dict[str, Any],
    dev: Device,
    name: str | None = None,
) -> Tensor:
    """Run ``op`` now and wrap the result.

    ``parents`` is aligned with ``args`` (None: not a tensor).
    """
    if STREAM.active:
        out = tracing.traced(op, name or op.eager_name, parents, args, attrs, dev)
        t = _new(out, dev)
        t._gtok, t._nid = tracing.STATE.token, tracing.STATE.last
    else:
        out = op.kernel(dev.xp, *args, **attrs)
        t = _new(out, dev)
    if MODE.enabled:
        for p in parents:
            if p is not None and p.requires_grad:
                if op.grad is None:
                    _fail_op(
                        op,
                        name,
                        parents,
                        dev,
                        f"the derivative for '{name or op.eager_name}' is not implemented",
                    )
                node = OpNode(op, parents, args, out, attrs, t._vc)
                if t._gtok == tracing.STATE.token:
                    node.graph, node.node = tracing.STATE.graph, t._nid
                t.requires_grad, t.grad_fn = True, node
                break
    return t


def _binary(
    op: ops.Op, a: Tensor, b: Any, reverse: bool = False, name: str | None = None
) -> Tensor:
    """``a op b`` (or ``b op a`` when ``reverse``) for a tensor and a tensor or Python number."""
    if isinstance(b, Tensor):
        if b._dev is not a._dev:
            _check_device(op, name or op.eager_name, a, b)
        x, y = a.array, b.array
        if x.shape != y.shape:
            try:
                ops.broadcast(x.shape, y.shape) if not reverse else ops.broadcast(y.shape, x.shape)
            except ops.ShapeError as e:
                _fail_op(op, name, (a, b), a._dev, errors.broadcast_message(e.dims, e.axis))
        if reverse:
            return apply(op, (b, a), (y, x), {}, a._dev, name)
        return apply(op, (a, b), (x, y), {}, a._dev, name)
    if isinstance(b, _SCALARS):
        b = float(b) if not isinstance(b, (bool, np.bool_)) else b
        if reverse:
            return apply(op, (None, a), (b, a.array), {}, a._dev, name)
        return apply(op, (a, None), (a.array, b), {}, a._dev, name)
    if isinstance(b, np.ndarray):
        return _binary(op, a, _new(a._dev.asarray(b), a._dev), reverse, name)
    return NotImplemented  # type: ignore[no-any-return]  # typeshed: its type subclasses Any


class Tensor:
    """A multi-dimensional array with autograd (``torch.Tensor``).

    Attributes:
        array: the numpy or cupy array holding the values.
        requires_grad: whether autograd tracks ops on this tensor.
        grad_fn: the node that made this tensor (None for leaves).
        grad: the accumulated gradient of a leaf (None until a backward reaches it).
    """

    __slots__ = (
        "array",
        "_dev",
        "requires_grad",
        "grad_fn",
        "grad",
        "_vc",
        "_gtok",
        "_nid",
        "_acc",
        "_name",
        "__weakref__",
    )
    array: Any
    _dev: Device
    requires_grad: bool
    grad_fn: Node | None
    grad: Tensor | None
    _vc: list[int]
    """The version counter, shared with views and detached copies (``_version``)."""
    _gtok: int
    """The event graph token ``_nid`` belongs to (``tracing.STATE.token``)."""
    _nid: int
    _acc: AccumulateGrad | None
    _name: str | None
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

    # ------------------------------------------------------------- arithmetic

    def __add__(self, o: Any) -> Tensor:
        return _binary(_ADD, self, o)

    def __radd__(self, o: Any) -> Tensor:
        return _binary(_ADD, self, o, reverse=True)

    def __sub__(self, o: Any) -> Tensor:
        return _binary(_SUB, self, o)

    def __rsub__(self, o: Any) -> Tensor:
        return _binary(_SUB, self, o, reverse=True, name="rsub")

    def __mul__(self, o: Any) -> Tensor:
        return _binary(_MUL, self, o)

    def __rmul__(self, o: Any) -> Tensor:
        return _binary(_MUL, self, o, reverse=True)

    def __truediv__(self, o: Any) -> Tensor:
        return _binary(_DIV, self, o)

    def __rtruediv__(self, o: Any) -> Tensor:
        return _binary(_DIV, self, o, reverse=True)

    def __neg__(self) -> Tensor:
        return apply(_NEG, (self,), (self.array,), {}, self._dev)

    def __pow__(self, e: Any) -> Tensor:
        return self.pow(e)

    def __matmul__(self, o: Any) -> Tensor:
        return self.mm(o)

    def add(self, o: Operand) -> Tensor:
        return self + o

    def sub(self, o: Operand) -> Tensor:
        return self - o

    def mul(self, o: Operand) -> Tensor:
        return self * o

    def div(self, o: Operand) -> Tensor:
        return self / o

    def neg(self) -> Tensor:
        return -self

    def pow(self, e: Any) -> Tensor:
        """``x ** e``: ``e == 2`` runs as a square (PowBackward0 either way)."""
        if isinstance(e, Tensor):
            return _binary(_POW, self, e, name="pow")
        if e == 2:
            return apply(_SQUARE, (self,), (self.array,), {}, self._dev, "pow")
        y = self._dev.xp.asarray(float(e), dtype=self.array.dtype)
        return apply(_POW, (self, None), (self.array, y), {}, self._dev, "pow")

    def mm(self, o: Tensor) -> Tensor:
        """Matrix product of two 2-D tensors."""
        a = self.array
        if not isinstance(o, Tensor):
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
        return apply(_MM, (self, o), (a, b), {}, self._dev)

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
        return apply(OPS["Transpose"], (self,), (self.array,), {}, self._dev)

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
        return apply(OPS["Clamp"], (self,), (self.array,), attrs, self._dev)

    clip = clamp

    def relu(self) -> Tensor:
        return apply(OPS["Relu"], (self,), (self.array,), {}, self._dev)

    def exp(self) -> Tensor:
        return apply(OPS["Exp"], (self,), (self.array,), {}, self._dev)

    def log(self) -> Tensor:
        return apply(OPS["Log"], (self,), (self.array,), {}, self._dev)

    def sqrt(self) -> Tensor:
        return apply(OPS["Sqrt"], (self,), (self.array,), {}, self._dev)

    def tanh(self) -> Tensor:
        return apply(OPS["Tanh"], (self,), (self.array,), {}, self._dev)

    def sigmoid(self) -> Tensor:
        return apply(OPS["Sigmoid"], (self,), (self.array,), {}, self._dev)

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
        return apply(op, (self,), (self.array,), attrs, self._dev)

    def clone(self) -> Tensor:
        return apply(OPS["Clone"], (self,), (self.array,), {}, self._dev)

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
        return apply(OPS["Reshape"], (self,), (self.array,), {"shape": tuple(full)}, self._dev)

    reshape = view

    # ------------------------------------------------------------ comparisons

    def __lt__(self, o: Any) -> Tensor:
        return _binary(OPS["Less"], self, o, name="lt")

    def __le__(self, o: Any) -> Tensor:
        return _binary(OPS["LessEqual"], self, o, name="le")

    def __gt__(self, o: Any) -> Tensor:
        return _binary(OPS["Greater"], self, o, name="gt")

    def __ge__(self, o: Any) -> Tensor:
        return _binary(OPS["GreaterEqual"], self, o, name="ge")

    def __eq__(self, o: Any) -> Tensor:  # type: ignore[override]
        return _binary(OPS["Equal"], self, o, name="eq")

    def __ne__(self, o: Any) -> Tensor:  # type: ignore[override]
        return _binary(OPS["NotEqual"], self, o, name="ne")

    # -------------------------------------------------------------- in-place

    def _inplace(
        self,
        op: ops.Op,
        name: str,
        others: tuple[Any, ...],
        args: tuple[Any, ...],
        attrs: dict[str, Any],
    ) -> Tensor:
        parents = (self, *others)
        record = MODE.enabled and any(p is not None and p.requires_grad for p in parents)
        if record and self.grad_fn is None and self.requires_grad:
            _fail_op(op, name, parents, self._dev, errors.LEAF_INPLACE)
        if record and op.grad is None:
            _fail_op(
                op,
                name,
                parents,
                self._dev,
                f"the derivative for in-place '{name}' is not implemented",
            )
        if STREAM.active:
            tracing.traced(op, name, parents, args, attrs, self._dev)
            self._gtok, self._nid = tracing.STATE.token, tracing.STATE.last
        else:
            op.kernel(self._dev.xp, *args, **attrs)
        self._vc[0] += 1
        if record:  # the tensor now comes from this op; its old history feeds it
            before = _new(self.array, self._dev, self.requires_grad, self.grad_fn)
            node = OpNode(op, (before, *others), args, self.array, attrs, self._vc)
            if self._gtok == tracing.STATE.token and STREAM.active:
                node.graph, node.node = tracing.STATE.graph, self._nid
            self.grad_fn, self.requires_grad = node, True
        return self

    def _inplace_binary(self, op: ops.Op, name: str, o: Any) -> Tensor:
        if isinstance(o, Tensor):
            if o._dev is not self._dev:
                _check_device(op, name, self, o)
            y = o.array
            if y.shape != self.array.shape:
                try:
                    shape = ops.broadcast(self.array.shape, y.shape)
                except ops.ShapeError as e:
                    _fail_op(
                        op, name, (self, o), self._dev, errors.broadcast_message(e.dims, e.axis)
                    )
                if shape != self.array.shape:
                    _fail_op(
                        op,
                        name,
                        (self, o),
                        self._dev,
                        f"output with shape {list(self.array.shape)} doesn't match the "
                        f"broadcast shape {list(shape or ())}",
                    )
            return self._inplace(op, name, (o,), (self.array, y), {})
        if isinstance(o, _SCALARS):
            return self._inplace(op, name, (None,), (self.array, float(o)), {})
        return NotImplemented  # type: ignore[no-any-return]  # typeshed: its type subclasses Any

    def __isub__(self, o: Any) -> Tensor:
        return self._inplace_binary(OPS["AssignSub"], "sub_", o)

    def __iadd__(self, o: Any) -> Tensor:
        return self._inplace_binary(OPS["AssignAdd"], "add_", o)

    def __imul__(self, o: Any) -> Tensor:
        return self._inplace_binary(OPS["AssignMul"], "mul_", o)

    def sub_(self, o: Any, alpha: float = 1.0) -> Tensor:
        return self.__isub__(o * alpha if alpha != 1.0 else o)

    def add_(self, o: Any, alpha: float = 1.0) -> Tensor:
        return self.__iadd__(o * alpha if alpha != 1.0 else o)

    def mul_(self, o: Any) -> Tensor:
        return self.__imul__(o)

    def zero_(self) -> Tensor:
        """Set every element to 0 in place (``w1.grad.zero_()``)."""
        return self._inplace(OPS["Fill"], "zero_", (), (self.array,), {"value": 0})

    def fill_(self, value: float) -> Tensor:
        return self._inplace(OPS["Fill"], "fill_", (), (self.array,), {"value": value})

    def masked_fill_(self, mask: Tensor, value: Any) -> Tensor:
        """Set the elements where ``mask`` is True to ``value``, in place."""
        if isinstance(value, Tensor):
            value = value.array
        if mask._dev is not self._dev:
            _check_device(OPS["MaskedFill"], "masked_fill_", self, mask)
        return self._inplace(
            OPS["MaskedFill"], "masked_fill_", (mask,), (self.array, mask.array), {"value": value}
        )

    # -------------------------------------------------------------- indexing

    def __getitem__(self, key: Any) -> Tensor:
        key = _index_key(self, key)
        return apply(OPS["Index"], (self,), (self.array,), {"index": key}, self._dev)

    def __setitem__(self, key: Any, value: Any) -> None:
        scalar = not isinstance(value, Tensor) or value.array.size == 1
        if isinstance(key, Tensor) and key.array.dtype == bool and scalar:
            if key.array.shape != self.array.shape:
                errors.fail(
                    f"The shape of the mask {list(key.array.shape)} does not match the "
                    f"shape of the indexed tensor {list(self.array.shape)}",
                    IndexError,
                )
            self.masked_fill_(key, value)
            return
        key = _index_key(self, key)
        v = value.array if isinstance(value, Tensor) else value
        others = (value,) if isinstance(value, Tensor) else (None,)
        self._inplace(OPS["IndexPut"], "index_put_", others, (self.array, v), {"index": key})

    def __len__(self) -> int:
        if self.array.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return int(self.array.shape[0])

    def __iter__(self) -> Any:
        if self.array.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return (self[i] for i in range(self.array.shape[0]))

    # ------------------------------------------------------ host and devices

    def __bool__(self) -> bool:
        if self.array.size != 1:
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
            elif isinstance(a, Tensor):
                dev, dt = a._dev, a.dtype
            else:
                dev = a
        out = self
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
            return self
        return apply(OPS["Cast"], (self,), (self.array,), {"dtype": dt.name}, self._dev, "to")

    def _move(self, target: Device, reason: str) -> Tensor:
        src = self._dev
        if target is src:
            return self
        t0 = time.perf_counter_ns()
        array = target.asarray(src.to_host(self.array))
        if STREAM.active:
            dur = time.perf_counter_ns() - t0
            tracing.transfer(
                "H2D" if target.name != "cpu" else "D2H", self.array.nbytes, dur, "gpu", reason
            )
        out = _new(array, target)
        if MODE.enabled and self.requires_grad:
            out.requires_grad, out.grad_fn = True, CopyNode(self)
        return out

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


def _index_key(t: Tensor, key: Any) -> Any:
    """Tensors in a key become arrays; integer indices are checked (cupy would wrap them)."""
    keys = key if isinstance(key, tuple) else (key,)
    out = []
    dim = 0
    for k in keys:
        if isinstance(k, Tensor):
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

"""The Tensor's math methods: powers, matrix products, activations, softmax, clamp.

Each is a few lines over :func:`engine.eager.tensor.apply`, which runs an op of the table now
and records it for autograd. ``Tensor`` gets them by inheriting :class:`Methods`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

import engine.eager.tensor as core
from engine import ops
from engine.eager import errors, promotion
from engine.eager.op_failure import _check_mm, _dim, _fail_op
from engine.eager.reductions import Reductions

if TYPE_CHECKING:
    from engine.eager.tensor import Tensor

OPS = ops.OPS
_MM, _BMM, _SQUARE, _POW = OPS["MatMul"], OPS["BatchMatMulV2"], OPS["Square"], OPS["Pow"]


def softmax_dim(ndim: int) -> int:
    """The dim PyTorch picks when a softmax is given none (with a deprecation warning)."""
    return 0 if ndim in (0, 1, 3) else 1


class Methods(Reductions):
    """The math methods of ``Tensor`` (``x.pow(2)``, ``x.mm(w)``, ``x.softmax(1)``)."""

    __slots__ = ()

    def _unary(self, op: str, name: str | None = None, **attrs: Any) -> Tensor:
        return core.apply(OPS[op], (self,), (self.array,), attrs, self._dev, name)

    def pow(self, e: Any) -> Tensor:
        """``x ** e``: ``e == 2`` runs as a square (PowBackward0 either way)."""
        if isinstance(e, core.Tensor):
            return core._binary(_POW, self, e, name="pow")
        x = self.array
        if e == 2 and not isinstance(e, bool):
            return core.apply(_SQUARE, (self,), (x,), {}, self._dev, "pow")
        dt = promotion.scalar_type(x, e) if x.dtype.kind in "biu" else x.dtype
        if dt != x.dtype:
            x = x.astype(dt)
        y = self._dev.xp.asarray(e, dtype=dt)
        return core.apply(_POW, (self, None), (x, y), {}, self._dev, "pow")

    def mm(self, o: Tensor) -> Tensor:
        """Matrix product of two 2-D tensors."""
        a = self.array
        if not isinstance(o, core.Tensor):
            raise TypeError(
                f"mm(): argument 'mat2' (position 1) must be Tensor, not {type(o).__name__}"
            )
        b = o.array
        sa, sb = a.shape, b.shape  # (an array's attributes are slow to read: each once)
        if (
            len(sa) != 2
            or len(sb) != 2
            or sa[1] != sb[0]
            or a.dtype != b.dtype
            or o._dev is not self._dev
        ):
            _check_mm(self, o)
        return core.apply(_MM, (self, o), (a, b), {}, self._dev)

    def matmul(self, other: Tensor) -> Tensor:
        """``torch.matmul``: a dot product (1-D @ 1-D), a matrix-vector product (either side
        1-D, the 1 added then removed), ``mm`` for matrices, batched beyond 2-D."""
        o = other
        if not isinstance(o, core.Tensor):
            raise TypeError(
                f"matmul(): argument 'other' (position 1) must be Tensor, not {type(o).__name__}"
            )
        a, b = self.array, o.array
        if a.ndim == 2 and b.ndim == 2:
            return self.mm(o)
        if a.ndim == 0 or b.ndim == 0:
            errors.fail(
                "both arguments to matmul need to be at least 1D, but they are "
                f"{a.ndim}D and {b.ndim}D"
            )
        if a.ndim == 1 and b.ndim == 1:
            if a.shape[0] != b.shape[0]:
                _fail_op(
                    _MM,
                    "dot",
                    (self, o),
                    self._dev,
                    f"inconsistent tensor size, expected tensor [{a.shape[0]}] and src "
                    f"[{b.shape[0]}] to have the same number of elements, but got "
                    f"{a.shape[0]} and {b.shape[0]} elements respectively",
                )
            return self.unsqueeze(0).mm(o.unsqueeze(1)).view(())
        if a.ndim == 1 and b.ndim == 2:
            return self.unsqueeze(0).mm(o).squeeze(0)
        if a.ndim == 2 and b.ndim == 1:
            if a.shape[1] != b.shape[0]:
                _fail_op(
                    _MM,
                    "mv",
                    (self, o),
                    self._dev,
                    f"size mismatch, got input ({a.shape[0]}), mat ({a.shape[0]}x{a.shape[1]}), "
                    f"vec ({b.shape[0]})",
                )
            return self.mm(o.unsqueeze(1)).squeeze(-1)
        return self._batched(o)

    def _batched(self, o: Tensor) -> Tensor:
        """``matmul`` with an operand beyond 2-D: 1-D operands get their 1 and lose it after."""
        x, y = self, o
        if x.array.ndim == 1:
            return x.unsqueeze(0)._batched(y).squeeze(-2)
        if y.array.ndim == 1:
            return x._batched(y.unsqueeze(-1)).squeeze(-1)
        a, b = x.array, y.array
        if o._dev is not self._dev:
            _check_mm(self, o)
        try:
            ops.batch_matmul_shape(a.shape, b.shape)
        except ops.ShapeError as e:
            if e.kind == "matmul":
                _fail_op(
                    _BMM,
                    "matmul",
                    (x, y),
                    self._dev,
                    errors.mm_shapes_message(
                        (a.size // a.shape[-1], a.shape[-1]), (b.shape[-2], b.shape[-1])
                    ),
                )
            _fail_op(_BMM, "matmul", (x, y), self._dev, errors.broadcast_message(e.dims, e.axis))
        if a.dtype != b.dtype:
            _fail_op(_BMM, "matmul", (x, y), self._dev, errors.mm_dtype_message(a.dtype, b.dtype))
        return core.apply(_BMM, (x, y), (a, b), {}, self._dev)

    def bmm(self, o: Tensor) -> Tensor:
        """Matrix products of two stacks of as many matrices: (b, n, m) @ (b, m, p)."""
        if not isinstance(o, core.Tensor):
            raise TypeError(
                f"bmm(): argument 'mat2' (position 1) must be Tensor, not {type(o).__name__}"
            )
        a, b = self.array, o.array
        for which, arr in (("batch1", a), ("batch2", b)):
            if arr.ndim != 3:
                _fail_op(_BMM, "bmm", (self, o), self._dev, f"{which} must be a 3D tensor")
        if o._dev is not self._dev:
            _check_mm(self, o)
        if b.shape[:2] != (a.shape[0], a.shape[2]):
            _fail_op(
                _BMM,
                "bmm",
                (self, o),
                self._dev,
                "Expected size for first two dimensions of batch2 tensor to be: "
                f"[{a.shape[0]}, {a.shape[2]}] but got: [{b.shape[0]}, {b.shape[1]}].",
            )
        if a.dtype != b.dtype:
            _fail_op(_BMM, "bmm", (self, o), self._dev, errors.mm_dtype_message(a.dtype, b.dtype))
        return core.apply(_BMM, (self, o), (a, b), {}, self._dev, "bmm")

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
        """The axes reversed, as PyTorch runs ``.T``: a permute (``PermuteBackward0``)."""
        return self.permute(*reversed(range(self.array.ndim)))

    @property
    def mT(self) -> Tensor:  # noqa: N802 - PyTorch's name
        """The last two axes swapped (a batch of matrices, each transposed): a transpose
        (``TransposeBackward0``); below two dimensions, PyTorch's error."""
        if self.array.ndim < 2:
            _fail_op(
                OPS["Transpose"],
                "mT",
                (self,),
                self._dev,
                "tensor.mT is only supported on matrices or batches of matrices. "
                f"Got {self.array.ndim}-D tensor.",
            )
        return self.transpose(-2, -1)

    mH = mT  # (real tensors only: the conjugate is the tensor itself)

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
        return self._unary("Relu")

    def abs(self) -> Tensor:
        return self._unary("Abs")

    def exp(self) -> Tensor:
        return self._float()._unary("Exp")

    def log(self) -> Tensor:
        return self._float()._unary("Log")

    def sqrt(self) -> Tensor:
        return self._float()._unary("Sqrt")

    def tanh(self) -> Tensor:
        return self._float()._unary("Tanh")

    def sigmoid(self) -> Tensor:
        return self._float()._unary("Sigmoid")

    def sin(self) -> Tensor:
        return self._float()._unary("Sin")

    def cos(self) -> Tensor:
        return self._float()._unary("Cos")

    def isnan(self) -> Tensor:
        return self._unary("IsNan")

    def isfinite(self) -> Tensor:
        return self._unary("IsFinite")

    def isinf(self) -> Tensor:
        return self._unary("IsInf")

    def softmax(self, dim: int | None = None, dtype: Any = None) -> Tensor:
        """``exp(x) / sum(exp(x))`` along ``dim``."""
        return self._along("Softmax", "softmax", dim, dtype)

    def log_softmax(self, dim: int | None = None, dtype: Any = None) -> Tensor:
        """``x - log(sum(exp(x)))`` along ``dim``, computed stably."""
        return self._along("LogSoftmax", "log_softmax", dim, dtype)

    def _along(self, op: str, name: str, dim: int | None, dtype: Any) -> Tensor:
        x = self._float() if dtype is None else self.to(dtype)
        if dim is None:
            dim = softmax_dim(x.array.ndim)
        axis = _dim(OPS[op], name, x, dim)
        return x._unary(op, name, axis=axis)

    def _float(self) -> Tensor:
        """This tensor, or a float copy of an integer one (``exp`` of an int tensor)."""
        if self.array.dtype.kind in "biu":
            return self._cast(promotion.true_divide_type(self.array.dtype))
        return cast("Tensor", self)

    def clone(self) -> Tensor:
        return core.apply(OPS["Clone"], (self,), (self.array,), {}, self._dev)

    def is_contiguous(self) -> bool:
        """Whether the values lie in memory row after row (not after a transpose, an
        expand or a step slice)."""
        return bool(self.array.flags.c_contiguous)

    def contiguous(self) -> Tensor:
        """This tensor if it :meth:`is_contiguous`, else a copy that is (``CloneBackward0``),
        as ``x.transpose(1, 2).contiguous().view(...)`` asks."""
        if self.array.flags.c_contiguous:
            return cast("Tensor", self)
        return self.clone()

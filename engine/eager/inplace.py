"""The Tensor's in-place ops: ``-= += *= /= **=``, ``add_`` ``sub_`` ``mul_`` ``div_``
``pow_`` ``neg_`` ``relu_`` ``clamp_`` ``t_`` ``copy_`` ``zero_`` ``fill_`` ``masked_fill_``
and ``x[key] = value``.

Each writes into the tensor's array (``t_`` gives it the transposed view), bumps its version
counter and is a node of the graph; ``Tensor`` gets them by inheriting :class:`InPlace`. With
grad mode on and an input that requires grad, the tensor's history goes on through the op, as
in PyTorch: its ``grad_fn`` becomes the op's node, fed by the old one. A leaf that requires grad
refuses (outside ``no_grad``); a value saved for a backward and changed in place afterwards is
caught by that backward (:mod:`engine.eager.graph`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Self

import numpy as np

import engine.eager.tensor as core
from engine import ops
from engine.eager import errors, promotion, tracing, types
from engine.eager.grad_mode import MODE
from engine.eager.graph import OpNode, SlicesNode, refresh_view
from engine.eager.methods import Methods
from engine.eager.op_failure import _check_device, _fail_op
from engine.eager.shaping import _index_key
from engine.events import STREAM

if TYPE_CHECKING:
    from engine.eager.tensor import Tensor

OPS = ops.OPS
_DIVIDES = frozenset({"AssignDiv"})
_T_ = OPS["AssignTranspose"]
_CPP_NAMES = {"int64": "long int", "int32": "int", "uint8": "unsigned char", "bool": "bool"}
"""The C++ names ``clamp_`` gives the tensor's dtype in its cast error."""
_C_NAMES = {**_CPP_NAMES, "float32": "float", "float64": "double", "float16": "c10::Half"}
"""The C++ names ``masked_fill`` gives a mask's dtype."""


class InPlace(Methods):
    """In-place updates of ``Tensor``."""

    __slots__ = ()

    # -------------------------------------------------------------- in-place

    def _inplace(
        self,
        op: ops.Op,
        name: str,
        others: tuple[Any, ...],
        args: tuple[Any, ...],
        attrs: dict[str, Any],
        keep_self: bool = False,
        node_name: str | None = None,
    ) -> Self:
        """Run ``op`` into this tensor's array and record it.

        Args:
            op: the in-place op; its kernel writes into ``args[0]`` (this tensor's array).
            name: PyTorch's name of the method (``mul_``), shown on the node.
            others: the inputs after this tensor, aligned with ``args[1:]`` (None: no tensor).
            args: the kernel's arrays, this tensor's first.
            attrs: the kernel's attributes.
            keep_self: the gradient reads this tensor's value from before the write, so a copy
                is kept for it (PyTorch's ``original_self``).
            node_name: the grad_fn's name where it is not the op's (``ZeroBackward0``).
        """
        parents = (self, *others)
        strides = self.array.strides
        if 0 in strides and op is not _T_:  # (t_ only relabels the axes)
            self._check_overlap(op, name, parents, strides)
        view = self._view
        if view is not None and MODE.enabled:
            refresh_view(self)  # the storage changed since it was taken: history anew
        record = False
        if MODE.enabled:
            for p in parents:
                if p is not None and p.requires_grad:
                    record = True
                    break
        if record and self.grad_fn is None and self.requires_grad:
            _fail_op(op, name, parents, self._dev, errors.LEAF_INPLACE)
        if record and view is not None and view.base.grad_fn is None and view.base.requires_grad:
            _fail_op(op, name, parents, self._dev, errors.LEAF_VIEW_INPLACE)
        if record and op.grad is None:
            _fail_op(
                op,
                name,
                parents,
                self._dev,
                f"the derivative for in-place '{name}' is not implemented",
            )
        old = args[0].copy() if record and keep_self else args[0]
        if STREAM.active:
            out = tracing.traced(op, name, parents, args, attrs, self._dev)
            self._gtok, self._nid = tracing.STATE.token, tracing.STATE.last
        else:
            out = op.kernel(self._dev.xp, *args, **attrs)
        self.array = out
        if view is not None and op is _T_:  # the view now lies across its base the other way
            view.chain = (*view.chain, (OPS["Transpose"], {}))
        if record:  # the tensor now comes from this op; its old history feeds it
            before = core._new(old, self._dev, self.requires_grad, self.grad_fn)
            # the saved inputs' versions are taken before this op's own bump, as PyTorch does
            # (``h.mul_(h)`` then backward is an error there too)
            node = OpNode(op, (before, *others), (old, *args[1:]), out, attrs, self._vc, node_name)
            self._vc[0] += 1
            node.out_version = self._vc[0]
            if view is not None:  # its history is this op's now
                view.version = self._vc[0]
            if self._gtok == tracing.STATE.token and STREAM.active:
                node.graph, node.node = tracing.STATE.graph, self._nid
            self.grad_fn, self.requires_grad = node, True
            if view is not None and op is not _T_:  # (t_ leaves the base's values be)
                self._rebase(view.base, view.chain)
        else:
            self._vc[0] += 1
        return self

    def _rebase(self, base: Tensor, chain: tuple[Any, ...]) -> None:
        """After an in-place op on this view, ``base`` comes from it too (``CopySlices``): its
        gradient outside the view goes to its old history, inside it through this op."""
        before = core._new(base.array, base._dev, base.requires_grad, base.grad_fn)
        base.grad_fn = SlicesNode((before, self), chain, base.array)
        base.requires_grad = True
        if STREAM.active:  # later uses of the base are drawn from this op
            base._gtok, base._nid = self._gtok, self._nid

    def _check_broadcast(self, op: ops.Op, name: str, o: Tensor) -> None:
        """``o``'s shape must broadcast to this tensor's (PyTorch's words where it does not)."""
        y = o.array
        if y.shape == self.array.shape:
            return
        a, b = self.array.shape, y.shape
        n = max(len(a), len(b))
        pa, pb = (1,) * (n - len(a)) + a, (1,) * (n - len(b)) + b
        for axis in reversed(range(n)):  # PyTorch names the last dimension that disagrees
            if pa[axis] != pb[axis] and pa[axis] != 1 and pb[axis] != 1:
                message = errors.broadcast_message((pa[axis], pb[axis]), axis)
                _fail_op(op, name, (self, o), self._dev, message)
        shape = ops.broadcast(a, b)
        if shape != a:
            _fail_op(
                op,
                name,
                (self, o),
                self._dev,
                f"output with shape {list(self.array.shape)} doesn't match the "
                f"broadcast shape {list(shape or ())}",
            )

    def _check_cast(self, op: ops.Op, name: str, parents: tuple[Any, ...], dt: Any) -> None:
        """The result's dtype ``dt`` must fit this tensor's (no float into an integer)."""
        if not promotion.can_cast(np.dtype(dt), self.array.dtype):
            out = types.of(self.array.dtype).legacy
            if name == "clamp_":  # its kernel names the C++ type
                out = _CPP_NAMES.get(self.array.dtype.name, out)
            message = errors.cast_message(types.of(dt).legacy, out)
            _fail_op(op, name, parents, self._dev, message)

    def _check_overlap(
        self, op: ops.Op, name: str, parents: tuple[Any, ...], strides: tuple[int, ...]
    ) -> None:
        """An expanded tensor (stride 0 along an axis of more than one element: every row
        the same memory) takes no in-place write, as in PyTorch."""
        if any(s == 0 and n > 1 for s, n in zip(strides, self.array.shape, strict=True)):
            _fail_op(
                op,
                name,
                parents,
                self._dev,
                "unsupported operation: more than one element of the written-to tensor refers "
                "to a single memory location. Please clone() the tensor before performing the "
                "operation.",
            )

    def _inplace_binary(self, op: ops.Op, name: str, o: Any) -> Self:
        x = self.array
        if isinstance(o, core.Tensor):
            if o._dev is not self._dev:
                _check_device(op, name, self, o)
            self._check_broadcast(op, name, o)
            y = o.array
            dt = promotion.result_type(x, y)
            if op.name in _DIVIDES:
                dt = promotion.true_divide_type(dt)
            if dt != x.dtype:
                self._check_cast(op, name, (self, o), dt)
            # the other's gradient reads this tensor's old value; a power's own does too
            keep = o.requires_grad or op.name == "AssignPow"
            return self._inplace(op, name, (o,), (x, y), {}, keep_self=keep)
        if isinstance(o, core._SCALARS):
            dt = promotion.scalar_type(x, o)
            if op.name in _DIVIDES:
                dt = promotion.true_divide_type(dt)
            if dt != x.dtype:
                self._check_cast(op, name, (self, None), dt)
            v = float(o) if x.dtype.kind in "fc" else x.dtype.type(o)
            return self._inplace(op, name, (None,), (x, v), {})
        return NotImplemented  # type: ignore[no-any-return]  # typeshed: its type subclasses Any

    def __isub__(self, o: Any) -> Self:
        return self._inplace_binary(OPS["AssignSub"], "sub_", o)

    def __iadd__(self, o: Any) -> Self:
        return self._inplace_binary(OPS["AssignAdd"], "add_", o)

    def __imul__(self, o: Any) -> Self:
        return self._inplace_binary(OPS["AssignMul"], "mul_", o)

    def __itruediv__(self, o: Any) -> Self:
        return self._inplace_binary(OPS["AssignDiv"], "div_", o)

    def __ipow__(self, e: Any) -> Self:
        return self.pow_(e)

    def sub_(self, o: Any, alpha: float = 1.0) -> Self:
        return self.__isub__(o * alpha if alpha != 1.0 else o)

    def add_(self, o: Any, alpha: float = 1.0) -> Self:
        return self.__iadd__(o * alpha if alpha != 1.0 else o)

    def mul_(self, o: Any) -> Self:
        return self.__imul__(o)

    def div_(self, o: Any, rounding_mode: str | None = None) -> Self:
        """Divide in place (true division; ``rounding_mode`` is not supported)."""
        if rounding_mode is not None:
            raise NotImplementedError("div_(rounding_mode=...) is not supported by this engine")
        return self.__itruediv__(o)

    def pow_(self, e: Any) -> Self:
        """Raise to the power ``e`` (a number or a tensor) in place."""
        if isinstance(e, core.Tensor):
            return self._inplace_binary(OPS["AssignPow"], "pow_", e)
        op, x = OPS["AssignPowScalar"], self.array
        if not isinstance(e, core._SCALARS):
            raise TypeError(
                f"pow_() received an invalid combination of arguments - got ({type(e).__name__})"
            )
        dt = promotion.scalar_type(x, e) if x.dtype.kind in "biu" else x.dtype
        if dt != x.dtype:
            self._check_cast(op, "pow_", (self,), dt)
        exponent = float(e) if x.dtype.kind in "fc" else int(e)
        return self._inplace(op, "pow_", (), (x,), {"exponent": exponent}, keep_self=True)

    def neg_(self) -> Self:
        if self.array.dtype == np.bool_:
            _fail_op(
                OPS["AssignNeg"],
                "neg_",
                (self,),
                self._dev,
                "Negation, the `-` operator, on a bool tensor is not supported. If you are trying "
                "to invert a mask, use the `~` or `logical_not()` operator instead.",
            )
        return self._inplace(OPS["AssignNeg"], "neg_", (), (self.array,), {})

    def relu_(self) -> Self:
        return self._inplace(OPS["AssignRelu"], "relu_", (), (self.array,), {})

    def clamp_(self, min: float | None = None, max: float | None = None) -> Self:  # noqa: A002
        """Limit the values to [min, max] in place."""
        op = OPS["AssignClamp"]
        if min is None and max is None:
            _fail_op(
                op,
                "clamp_",
                (self,),
                self._dev,
                "torch.clamp: At least one of 'min' or 'max' must not be None",
            )
        x = self.array
        for bound in (min, max):
            if bound is not None and x.dtype.kind in "biu":
                dt = promotion.scalar_type(x, bound)
                if dt != x.dtype:
                    self._check_cast(op, "clamp_", (self,), dt)
        kind = float if x.dtype.kind in "fc" else x.dtype.type
        attrs = {
            "min": None if min is None else kind(min),
            "max": None if max is None else kind(max),
        }
        return self._inplace(op, "clamp_", (), (x,), attrs, keep_self=True)

    clip_ = clamp_

    def t_(self) -> Self:
        """Transpose in place: the tensor takes on its transposed view (at most 2-D)."""
        if self.array.ndim > 2:
            _fail_op(
                OPS["AssignTranspose"],
                "t_",
                (self,),
                self._dev,
                f"t_() expects a tensor with <= 2 dimensions, but self is {self.array.ndim}D",
            )
        return self._inplace(OPS["AssignTranspose"], "t_", (), (self.array,), {})

    def copy_(self, src: Any, non_blocking: bool = False) -> Self:
        """Copy ``src``'s values (broadcast, cast to this dtype, moved to this device) in."""
        op = OPS["AssignCopy"]
        if isinstance(src, core._SCALARS):
            return self.fill_(src)
        if not isinstance(src, core.Tensor):
            raise TypeError(
                f"copy_(): argument 'src' (position 1) must be Tensor, not {type(src).__name__}"
            )
        if src._dev is not self._dev:
            src = src.to(types.torch_device(self._dev))  # a move of its own (ToCopyBackward0)
        self._check_broadcast(op, "copy_", src)
        return self._inplace(op, "copy_", (src,), (self.array, src.array), {})

    def zero_(self) -> Self:
        """Set every element to 0 in place (``w1.grad.zero_()``)."""
        return self._inplace(
            OPS["Fill"], "zero_", (), (self.array,), {"value": 0}, node_name="ZeroBackward0"
        )

    def fill_(self, value: Any) -> Self:
        """Set every element to ``value`` (a number or a 0-d tensor) in place."""
        if isinstance(value, core.Tensor):
            if value.array.ndim != 0:
                _fail_op(
                    OPS["Fill"],
                    "fill_",
                    (self, value),
                    self._dev,
                    "fill_ only supports 0-dimension value tensor but got tensor with "
                    f"{value.array.ndim} dimensions.",
                )
            if value._dev is not self._dev:
                value = value.to(types.torch_device(self._dev))
            # a 0-d tensor is copied in (its gradient: the sum of the output's)
            args = (self.array, value.array)
            return self._inplace(
                OPS["AssignCopy"], "fill_", (value,), args, {}, False, "FillBackward3"
            )
        return self._inplace(OPS["Fill"], "fill_", (), (self.array,), {"value": value})

    def masked_fill_(self, mask: Tensor, value: Any) -> Self:
        """Set the elements where ``mask`` is True to ``value``, in place."""
        return self._masked_fill(mask, value, None)

    def _masked_fill(self, mask: Tensor, value: Any, node_name: str | None) -> Self:
        value = _fill_value(self, mask, value, "masked_fill_")
        if mask.array.shape != self.array.shape:
            self._check_broadcast(OPS["MaskedFill"], "masked_fill_", mask)
        op, args = OPS["MaskedFill"], (self.array, mask.array)
        return self._inplace(op, "masked_fill_", (mask,), args, {"value": value}, False, node_name)

    def masked_fill(self, mask: Tensor, value: Any) -> Tensor:
        """A new tensor: ``value`` where ``mask`` is True, this tensor's values elsewhere
        (the two broadcast together), e.g. the scores an attention mask hides set to -inf."""
        op = OPS["Where"]
        v = _fill_value(self, mask, value, "masked_fill")
        try:
            ops.broadcast(mask.array.shape, self.array.shape)  # PyTorch's order: mask first
        except ops.ShapeError as e:
            message = errors.broadcast_message(e.dims, e.axis)
            _fail_op(op, "masked_fill", (self, mask), self._dev, message)
        fill = self._dev.xp.asarray(v, dtype=self.array.dtype)
        parents = (value if isinstance(value, core.Tensor) else None, self, None)
        out = core.apply(op, parents, (fill, self.array, mask.array), {}, self._dev, "masked_fill")
        if out.grad_fn is not None:
            out.grad_fn.name = "MaskedFillBackward0"
        return out

    def __setitem__(self, key: Any, value: Any) -> None:
        scalar = not isinstance(value, core.Tensor) or value.array.size == 1
        if isinstance(key, core.Tensor) and key.array.dtype == bool and scalar:
            if key.array.shape != self.array.shape:
                errors.fail(
                    f"The shape of the mask {list(key.array.shape)} does not match the "
                    f"shape of the indexed tensor {list(self.array.shape)}",
                    IndexError,
                )
            self._masked_fill(key, value, "IndexPutBackward0")  # PyTorch's index_put_
            return
        key = _index_key(self, key)
        v = value.array if isinstance(value, core.Tensor) else value
        others = (value,) if isinstance(value, core.Tensor) else (None,)
        self._inplace(OPS["IndexPut"], "index_put_", others, (self.array, v), {"index": key})


def _fill_value(t: InPlace, mask: Tensor, value: Any, name: str) -> Any:
    """``value`` for ``masked_fill(_)`` (a number, or the array of a 0-d tensor), after
    PyTorch's checks of the mask and the value."""
    op = OPS["MaskedFill"]
    if mask._dev is not t._dev:
        _check_device(op, name, t, mask)
    if mask.array.dtype != bool:
        _fail_op(
            op,
            name,
            (t, mask),
            t._dev,
            "masked_fill_ only supports boolean masks, but got mask with dtype "
            f"{_C_NAMES.get(mask.array.dtype.name, mask.array.dtype.name)}",
        )
    if isinstance(value, core.Tensor):
        if value.array.ndim != 0:
            _fail_op(
                op,
                name,
                (t, mask),
                t._dev,
                "masked_fill_ only supports a 0-dimensional value tensor, but got tensor with "
                f"{value.array.ndim} dimension(s).",
            )
        return value.array
    return value

"""The Tensor's in-place ops: ``-=``, ``+=``, ``*=``, ``zero_()``, ``fill_()``, ``masked_fill_``
and ``x[key] = value``.

Each writes into the tensor's array, bumps its version counter (so a saved copy read later by
backward is caught, as PyTorch does) and is a node of the graph; ``Tensor`` gets them by
inheriting :class:`InPlace`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Self

import engine.eager.tensor as core
from engine import ops
from engine.eager import errors, tracing
from engine.eager.grad_mode import MODE
from engine.eager.graph import OpNode
from engine.eager.methods import Methods
from engine.eager.op_failure import _check_device, _fail_op
from engine.eager.shaping import _index_key
from engine.events import STREAM

if TYPE_CHECKING:
    from engine.eager.tensor import Tensor

OPS = ops.OPS


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
    ) -> Self:
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
            before = core._new(self.array, self._dev, self.requires_grad, self.grad_fn)
            node = OpNode(op, (before, *others), args, self.array, attrs, self._vc)
            if self._gtok == tracing.STATE.token and STREAM.active:
                node.graph, node.node = tracing.STATE.graph, self._nid
            self.grad_fn, self.requires_grad = node, True
        return self

    def _inplace_binary(self, op: ops.Op, name: str, o: Any) -> Self:
        if isinstance(o, core.Tensor):
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
        if isinstance(o, core._SCALARS):
            return self._inplace(op, name, (None,), (self.array, float(o)), {})
        return NotImplemented  # type: ignore[no-any-return]  # typeshed: its type subclasses Any

    def __isub__(self, o: Any) -> Self:
        return self._inplace_binary(OPS["AssignSub"], "sub_", o)

    def __iadd__(self, o: Any) -> Self:
        return self._inplace_binary(OPS["AssignAdd"], "add_", o)

    def __imul__(self, o: Any) -> Self:
        return self._inplace_binary(OPS["AssignMul"], "mul_", o)

    def sub_(self, o: Any, alpha: float = 1.0) -> Self:
        return self.__isub__(o * alpha if alpha != 1.0 else o)

    def add_(self, o: Any, alpha: float = 1.0) -> Self:
        return self.__iadd__(o * alpha if alpha != 1.0 else o)

    def mul_(self, o: Any) -> Self:
        return self.__imul__(o)

    def zero_(self) -> Self:
        """Set every element to 0 in place (``w1.grad.zero_()``)."""
        return self._inplace(OPS["Fill"], "zero_", (), (self.array,), {"value": 0})

    def fill_(self, value: float) -> Self:
        return self._inplace(OPS["Fill"], "fill_", (), (self.array,), {"value": value})

    def masked_fill_(self, mask: Tensor, value: Any) -> Self:
        """Set the elements where ``mask`` is True to ``value``, in place."""
        if isinstance(value, core.Tensor):
            value = value.array
        if mask._dev is not self._dev:
            _check_device(OPS["MaskedFill"], "masked_fill_", self, mask)
        return self._inplace(
            OPS["MaskedFill"], "masked_fill_", (mask,), (self.array, mask.array), {"value": value}
        )

    def __setitem__(self, key: Any, value: Any) -> None:
        scalar = not isinstance(value, core.Tensor) or value.array.size == 1
        if isinstance(key, core.Tensor) and key.array.dtype == bool and scalar:
            if key.array.shape != self.array.shape:
                errors.fail(
                    f"The shape of the mask {list(key.array.shape)} does not match the "
                    f"shape of the indexed tensor {list(self.array.shape)}",
                    IndexError,
                )
            self.masked_fill_(key, value)
            return
        key = _index_key(self, key)
        v = value.array if isinstance(value, core.Tensor) else value
        others = (value,) if isinstance(value, core.Tensor) else (None,)
        self._inplace(OPS["IndexPut"], "index_put_", others, (self.array, v), {"index": key})

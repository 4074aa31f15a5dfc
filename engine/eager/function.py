"""``torch.autograd.Function``: user-defined ops with their own forward and backward (P4).

The 2018 style is supported: ``@staticmethod forward(ctx, ...)`` / ``backward(ctx, *grads)``,
``ctx.save_for_backward`` / ``ctx.saved_tensors`` (version-checked), ``ctx.needs_input_grad``,
and ``MyReLU.apply(x)``. The 2017 style (instance ``forward(self, x)`` called as ``ReLU()(x)``)
raises PyTorch's own error for it, unless the PyTorch 0.1 mode is on (:mod:`engine.eager.legacy`:
a script that imports ``Variable`` from ``torch.autograd``, or ``engine.eager.set_legacy(True)``).
"""

from __future__ import annotations

from typing import Any, Union

from engine.devices import Device
from engine.eager import errors, legacy, tracing
from engine.eager.grad_mode import MODE, no_grad
from engine.eager.graph import Node, producer_name
from engine.eager.tensor import Tensor, _new
from engine.eager.types import type_name


class FunctionCtx:
    """The ``ctx`` of a custom Function: what forward leaves for backward."""

    def __init__(self) -> None:
        self._saved: tuple[tuple[Tensor, int], ...] = ()
        self._freed = False
        self.needs_input_grad: tuple[bool, ...] = ()

    def save_for_backward(self, *tensors: Tensor) -> None:
        """Keep tensors for backward; an in-place change before backward is an error there."""
        self._saved = tuple((t, t._vc[0]) for t in tensors)

    def mark_dirty(self, *tensors: Tensor) -> None:
        """Accepted for compatibility (in-place forwards); nothing to do here."""

    def mark_non_differentiable(self, *tensors: Tensor) -> None:
        """Accepted for compatibility."""

    @property
    def saved_tensors(self) -> tuple[Tensor, ...]:
        if self._freed:
            errors.fail(errors.BACKWARD_TWICE)
        for t, version in self._saved:
            if t._vc[0] != version:
                producer = producer_name(t)
                errors.fail(
                    errors.version_message(
                        type_name(t.array.dtype, t._dev), t.array.shape, producer, t._vc[0], version
                    )
                )
        return tuple(t for t, _ in self._saved)


class FunctionNode(Node):
    """The grad_fn of one call of a custom Function (``MyReLUBackward``)."""

    __slots__ = ("fn", "ctx", "_device")
    _device: Device
    """Where the inputs live: the gradient handed to ``backward`` is put there."""

    def __init__(self, fn: Backward, ctx: FunctionCtx, parents: tuple[Any, ...]) -> None:
        Node.__init__(self, f"{fn.__name__}Backward", parents)
        self.fn, self.ctx = fn, ctx

    def apply(self, F: Any, g: Any) -> tuple[Any, ...]:
        dev = self._device
        with tracing.scope(self.name):
            grads = self.fn.backward(self.ctx, _new(g, dev))
        if not isinstance(grads, tuple):
            grads = (grads,)
        if len(grads) != len(self.nexts):
            raise RuntimeError(
                f"function {self.name} returned an incorrect number of gradients "
                f"(expected {len(self.nexts)}, got {len(grads)})"
            )
        return tuple(gr.array if isinstance(gr, Tensor) else gr for gr in grads)

    def release(self) -> None:
        self.freed = True
        self.ctx._freed = True


class Function:
    """Base class of user-defined autograd ops; call them with ``MyFunction.apply(*args)``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._legacy_ctx = FunctionCtx()

    def __call__(self, *args: Any) -> Any:
        if not legacy.ACTIVE[0]:
            errors.fail(errors.LEGACY_FUNCTION)
        return _call(type(self), self, self._legacy_ctx, args, legacy=True)

    def save_for_backward(self, *tensors: Tensor) -> None:
        """2017 style (the PyTorch 0.1 mode only)."""
        self._legacy_ctx.save_for_backward(*tensors)

    @property
    def saved_tensors(self) -> tuple[Tensor, ...]:
        return self._legacy_ctx.saved_tensors

    @staticmethod
    def forward(ctx: Any, *args: Any) -> Any:
        raise NotImplementedError(
            "You must implement the forward function for custom autograd.Function."
        )

    @staticmethod
    def backward(ctx: Any, *grads: Any) -> Any:
        raise NotImplementedError(
            "You must implement either the backward or vjp method for your "
            "custom autograd.Function to use it with backward mode AD."
        )

    @classmethod
    def apply(cls, *args: Any) -> Any:
        """Run ``forward`` (grad mode off inside) and record one node whose backward is yours."""
        return _call(cls, None, FunctionCtx(), args, legacy=False)


class _LegacyAdapter:
    """Calls a 2017-style instance's ``backward(self, grad)`` from a FunctionNode."""

    def __init__(self, instance: Function) -> None:
        self.instance = instance
        self.__name__ = type(instance).__name__

    def backward(self, ctx: FunctionCtx, *grads: Any) -> Any:
        return self.instance.backward(*grads)


Backward = Union[type[Function], _LegacyAdapter]
"""What a :class:`FunctionNode` calls back: a Function subclass (its static ``backward``) or,
for a 2017-style instance, the adapter around it."""


def _call(
    cls: type[Function],
    instance: Function | None,
    ctx: FunctionCtx,
    args: tuple[Any, ...],
    legacy: bool,
) -> Any:
    tensors = tuple(a if isinstance(a, Tensor) else None for a in args)
    ctx.needs_input_grad = tuple(t is not None and t.requires_grad for t in tensors)
    with no_grad(), tracing.scope(cls.__name__):
        # legacy: instance is the 2017-style object (Function.__call__ passes it)
        out = (
            instance.forward(*args) if legacy and instance is not None else cls.forward(ctx, *args)
        )
    record = MODE.enabled and any(ctx.needs_input_grad)
    outs = out if isinstance(out, tuple) else (out,)
    if record:
        fn: Backward = _LegacyAdapter(instance) if legacy and instance is not None else cls
        node = FunctionNode(fn, ctx, tensors)
        node._device = next(t._dev for t in tensors if t is not None)
        for o in outs:
            if isinstance(o, Tensor):  # forward ran without grad: outputs are fresh tensors
                o.requires_grad, o.grad_fn = True, node
                node.graph, node.node = _ids(o)
    return out


def _ids(t: Tensor) -> tuple[str | None, int | None]:
    if t._gtok == tracing.STATE.token and tracing.STATE.graph is not None:
        return tracing.STATE.graph, t._nid
    return None, None

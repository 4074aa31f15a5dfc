"""The op table and its record type: everything about one op in one :class:`Op`.

``define(name, kernel=..., shape=..., ...)`` makes the record and puts it in :data:`OPS`; the
family modules (``math``, ``relu``, ``linalg``, ``views``, ``inplace``, ``fused``) hold the
records themselves.

Both front ends read only this table: the static ``Session`` binds ``kernel_out`` to planned
buffers and ``tf.gradients`` calls ``grad`` with a builder that adds graph nodes; the eager
``Tensor`` calls ``kernel`` at once and ``backward()`` calls ``grad`` with :class:`Immediate`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypedDict, Unpack

from .shapes import Shape, elementwise_flops

Array = Any
"""A numpy or cupy array (or a numpy scalar): the two libraries share no static type."""
ArrayModule = Any
"""``numpy`` or ``cupy``, the ``xp`` every kernel gets first."""
Kernel = Callable[..., Array]
"""``kernel(xp, *arrays, **attrs) -> array``."""
KernelOut = Callable[..., Array]
"""``kernel_out(xp, *arrays, out, **attrs) -> out``: the value written into ``out``."""
Binder = Callable[..., Callable[..., Array]]
"""``binder(xp, out, **attrs) -> f(*arrays)``: a ``kernel_out`` with its constants bound."""
ShapeRule = Callable[..., Shape]
"""``shape(*input_shapes, **attrs) -> Shape``; raises ShapeError."""
FlopsRule = Callable[..., int]
"""``flops(out_shape, *input_shapes, **attrs) -> int``."""
GradRule = Callable[..., tuple[Callable[[], Any] | None, ...]]
"""``grad(F, g, out, *inputs, **attrs) -> (maker, ...)``: one entry per input, each
``lambda: gradient`` or None where no gradient flows (a mask); see :func:`input_grads`."""


@dataclass(frozen=True, slots=True)
class Op:
    """One op of the table.

    Attributes:
        name: TensorFlow's op type, used in events and static node names.
        kernel: ``kernel(xp, *arrays, **attrs) -> array``; ``xp`` is numpy or cupy.
        shape: ``shape(*input_shapes, **attrs) -> Shape``; raises ShapeError.
        flops: ``flops(out_shape, *input_shapes, **attrs) -> int``; default one per element.
        grad: the gradient rule (:data:`GradRule`); None: not differentiable.
        eager_name: the PyTorch-style name (``mm``) shown for eager nodes; default the
            lower-cased name.
        backward_name: PyTorch's grad_fn name (``MmBackward0``); default from ``eager_name``.
        out_dtype: "same" (of input 0), "bool", or a fixed dtype name.
        same_dtypes: a static graph checks at build time that all inputs share one dtype.
        kernel_out: ``kernel_out(xp, *arrays, out, **attrs) -> out``: the same value written
            into a preallocated ``out`` (a static plan's buffer), or None.
        binder: ``binder(xp, out, **attrs) -> f(*arrays)``: ``kernel_out`` with what does not
            change between calls looked up once; None: a partial of ``kernel_out``.
        elementwise: output element i depends only on element i of the (broadcast) inputs, so
            ``out`` may be one of the inputs (a plan writes in place).
        fusible: the static elementwise fusion may chain it (needs ``kernel_out``).
        saved: the inputs (by position) ``grad`` reads, which autograd saves and checks for
            in-place changes; None: all of them.
        saves_output: ``grad`` reads the output (``out``), which autograd saves too.
        reads: per input, what its gradient reads (input positions; the number of inputs
            stands for the output): autograd saves only what the inputs needing a gradient
            read, as PyTorch does (``h * 2`` saves no ``h``); None: ``saved`` and
            ``saves_output`` whatever needs a gradient.
        shown_args: the numbers an eager node's label writes in that no operand carries, in
            operand order, None where a tensor goes: ``Square`` is how ``x.pow(2)`` runs,
            drawn ``pow(·, 2)``.
    """

    name: str
    kernel: Kernel
    shape: ShapeRule
    flops: FlopsRule = elementwise_flops
    grad: GradRule | None = None
    eager_name: str = ""
    backward_name: str = ""
    out_dtype: str = "same"
    same_dtypes: bool = True
    kernel_out: KernelOut | None = None
    binder: Binder | None = field(default=None, repr=False)
    elementwise: bool = False
    fusible: bool = False
    saved: tuple[int, ...] | None = None
    saves_output: bool = False
    reads: tuple[tuple[int, ...], ...] | None = None
    shown_args: tuple[float | None, ...] = ()

    def bind_out(self, xp: ArrayModule, out: Array, **attrs: Any) -> Callable[..., Array]:
        """``kernel_out`` bound to ``xp``, ``out`` and ``attrs``: ``f(*arrays) -> out``.

        A plan calls the result every run; a ``functools.partial`` would merge its keywords
        on every call, so ops with attributes or a ufunc to look up give a ``binder``.
        """
        if self.binder is not None:
            return self.binder(xp, out, **attrs)
        return functools.partial(self.out_kernel(), xp, out=out, **attrs)

    def out_kernel(self) -> KernelOut:
        """``kernel_out``; raises LookupError naming the op when it has none."""
        if self.kernel_out is None:
            raise LookupError(f"op {self.name!r} has no kernel writing into out")
        return self.kernel_out


OPS: dict[str, Op] = {}


class _Required(TypedDict):
    kernel: Kernel
    shape: ShapeRule


class OpFields(_Required, total=False):
    """The keyword arguments of :func:`define`: the fields of :class:`Op` after its name."""

    flops: FlopsRule
    grad: GradRule | None
    eager_name: str
    backward_name: str
    out_dtype: str
    same_dtypes: bool
    kernel_out: KernelOut | None
    binder: Binder | None
    elementwise: bool
    fusible: bool
    saved: tuple[int, ...] | None
    saves_output: bool
    reads: tuple[tuple[int, ...], ...] | None
    shown_args: tuple[float | None, ...]


def define(name: str, **fields: Unpack[OpFields]) -> Op:
    """Make op ``name`` from ``fields`` (see :class:`Op`), add it to the table and return it."""
    if name in OPS:
        raise ValueError(f"op {name!r} is defined twice")
    eager = fields["eager_name"] = fields.get("eager_name", "") or name.lower()
    fields["backward_name"] = fields.get("backward_name", "") or f"{eager.capitalize()}Backward0"
    op = Op(name, **fields)
    if op.fusible and op.kernel_out is None:
        raise ValueError(f"op {name!r} is fusible but has no kernel_out")
    OPS[name] = op
    return op


def get(name: str) -> Op:
    """The op named ``name``; raises LookupError naming it."""
    try:
        return OPS[name]
    except KeyError:
        raise LookupError(f"no op named {name!r} in the op table") from None


def input_grads(makers: Sequence[Callable[[], Any] | None], needs: Sequence[bool]) -> tuple:
    """What a gradient rule returned, made only for the inputs in ``needs``; None elsewhere.

    A rule returns every input's gradient as a ``lambda:``; calling only the needed ones is
    what keeps an input that needs none free: no matmul in ``backward()``, no graph node in
    ``tf.gradients`` (``x @ w1`` with ``x`` a placeholder).
    """
    made = [m() if need and m is not None else None for m, need in zip(makers, needs, strict=True)]
    return tuple(made)  # (a list comprehension: cheaper than a generator, once per node)


class Immediate:
    """A gradient builder that runs each op at once on arrays (the eager ``backward()``).

    ``F(op, *args, **attrs)`` runs op ``op``'s kernel; ``F.unbroadcast(g, like)`` sums ``g``
    back to ``like``'s shape.

    Args:
        xp: the array module the arrays live in.
    """

    def __init__(self, xp: Any) -> None:
        self.xp = xp

    def __call__(self, op: str, *args: Any, **attrs: Any) -> Any:
        return OPS[op].kernel(self.xp, *args, **attrs)

    def unbroadcast(self, g: Any, like: Any) -> Any:
        shape = tuple(getattr(like, "shape", ()))
        if tuple(getattr(g, "shape", ())) == shape:
            return g
        return self("Unbroadcast", g, like)

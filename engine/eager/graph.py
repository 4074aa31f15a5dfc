"""Autograd nodes (``grad_fn``): micrograd's shape with PyTorch's names and bookkeeping.

An :class:`OpNode` is what one recorded op leaves behind: the op (its label and backward rule
come from the op table), its input arrays in order, its output, and ``nexts``: for each input
the node its gradient flows to (the producer's ``grad_fn``, the leaf tensor that accumulates it
(shown as ``AccumulateGrad``), or None). The op's record says which inputs (``saved``) and
whether the output (``saves_output``) its backward rule reads, and where it says so per input
(``reads``) only what the inputs needing a gradient read; those are saved and remember their
version, so a later in-place change is caught at backward time, as PyTorch does.
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING, Any, TypeGuard

from engine.devices import device_of
from engine.eager import errors
from engine.eager.types import type_name
from engine.ops import input_grads

if TYPE_CHECKING:
    from engine.eager.fields import TensorFields
    from engine.eager.tensor import Tensor
    from engine.ops import Op

SEQUENCE = itertools.count()


class ViewOf:
    """What a view is a view of (``Tensor._view``).

    Attributes:
        base: the tensor whose storage it is (never a view itself).
        chain: the view ops from ``base`` to it, ``(op, attrs)`` in order.
        version: the version counter's value its ``grad_fn`` was made at; when the storage
            has changed since (an in-place op on the base or another view), its ``grad_fn`` is
            made anew from the base's (``AsStridedBackward0``), as PyTorch does.
    """

    __slots__ = ("base", "chain", "version")

    def __init__(self, base: Tensor, chain: tuple[Any, ...], version: int) -> None:
        self.base, self.chain, self.version = base, chain, version


def refresh_view(t: TensorFields) -> None:
    """Give view ``t`` a grad_fn from its base's present history if the storage changed."""
    view = t._view
    if view is None or view.version == t._vc[0]:
        return
    view.version = t._vc[0]
    base = view.base
    if base.grad_fn is not None or base.requires_grad:
        t.grad_fn, t.requires_grad = ViewNode(base, view.chain), True


class Node:
    """Base of every ``grad_fn``.

    Attributes:
        name: PyTorch's class name (``MmBackward0``).
        nexts: per input, the Node or leaf Tensor its gradient goes to, or None.
        seq: sequence number; among ready nodes backward runs the highest first.
        graph, node: the forward node's ids in the event stream (None when nobody listened).
    """

    __slots__ = ("name", "nexts", "needs", "seq", "graph", "node", "freed", "__weakref__")

    def __init__(self, name: str, parents: tuple[Any, ...]) -> None:
        self.name = name
        self.seq = next(SEQUENCE)
        nexts: list[Node | Tensor | None] = []
        for p in parents:
            if p is None:
                nexts.append(None)
                continue
            if p._view is not None:
                refresh_view(p)
            if p.grad_fn is not None:
                nexts.append(p.grad_fn)
            elif p.requires_grad:
                nexts.append(p)
            else:
                nexts.append(None)
        self.nexts = tuple(nexts)
        self.needs = tuple(n is not None for n in nexts)
        self.graph: str | None = None
        self.node: int | None = None
        self.freed = False

    @property
    def next_functions(self) -> tuple[tuple[Any, int], ...]:
        """``((node, 0), ...)`` per tensor input; leaves appear as their AccumulateGrad."""
        return tuple((accumulate_grad(n) if _is_tensor(n) else n, 0) for n in self.nexts)

    def apply(self, F: Any, g: Any) -> tuple[Any, ...]:
        """Gradients for each input given the output gradient ``g`` (arrays)."""
        raise NotImplementedError

    def release(self) -> None:
        """Free saved values (end of a backward without retain_graph)."""

    def name_(self) -> str:
        return self.name

    def __repr__(self) -> str:
        return f"<{self.name} object at {hex(id(self))}>"


_READ_PLANS: dict[tuple[str, tuple[bool, ...]], tuple[tuple[int, ...], bool, bool]] = {}
"""(op name, which inputs need a gradient) -> what to save: input positions, the output, any."""


def _read_plan(op: Op, needs: tuple[bool, ...]) -> tuple[tuple[int, ...], bool, bool]:
    assert op.reads is not None
    read = {i for need, r in zip(needs, op.reads, strict=False) if need for i in r}
    # a number read counts as saved too (PyTorch saves it as a tensor, freed after backward)
    return tuple(sorted(read)), op.saves_output and len(needs) in read, bool(read)


class OpNode(Node):
    """The grad_fn of one op from the op table."""

    __slots__ = ("op", "args", "out", "attrs", "saved", "out_vc", "out_version", "keeps")

    def __init__(
        self,
        op: Op,
        parents: tuple[Any, ...],
        args: tuple[Any, ...],
        out: Any,
        attrs: dict[str, Any],
        out_vc: list[int],
        name: str | None = None,
    ) -> None:
        Node.__init__(self, name or op.backward_name, parents)
        self.op, self.args, self.out, self.attrs = op, args, out, attrs
        idx, saves_output, keeps = op.saved, op.saves_output, False
        if op.reads is not None:  # only what the inputs needing a gradient read
            key = (op.name, self.needs)
            plan = _READ_PLANS.get(key)
            if plan is None:
                plan = _READ_PLANS[key] = _read_plan(op, self.needs)
            idx, saves_output, keeps = plan
        if idx is None:
            self.saved = tuple((p, p._vc[0]) for p in parents if p is not None)
        else:
            self.saved = tuple(
                (parents[i], parents[i]._vc[0])
                for i in idx
                if i < len(parents) and parents[i] is not None
            )
        self.out_vc: list[int] | None
        if saves_output:
            self.out_vc, self.out_version = out_vc, out_vc[0]
        else:
            self.out_vc, self.out_version = None, 0
        self.keeps = keeps or bool(self.saved) or self.out_vc is not None

    def _saves(self) -> bool:
        return self.keeps

    def apply(self, F: Any, g: Any) -> tuple[Any, ...]:
        if self.freed and self._saves():
            errors.fail(errors.BACKWARD_TWICE, graph=self.graph, node=self.node)
        for t, version in self.saved:
            if t._vc[0] != version:
                producer = producer_name(t)
                errors.fail(
                    errors.version_message(
                        type_name(t.array.dtype, t._dev), t.array.shape, producer, t._vc[0], version
                    ),
                    graph=self.graph,
                    node=self.node,
                )
        if self.out_vc is not None and self.out_vc[0] != self.out_version:
            errors.fail(
                errors.version_message(
                    type_name(self.out.dtype, device_of(self.out)),
                    self.out.shape,
                    self.name,
                    self.out_vc[0],
                    self.out_version,
                ),
                graph=self.graph,
                node=self.node,
            )
        rule = self.op.grad
        assert rule is not None, "tensor.apply makes an OpNode only for an op with a grad rule"
        return input_grads(rule(F, g, self.out, *self.args, **self.attrs), self.needs)

    def release(self) -> None:
        self.freed = True
        if self._saves():
            self.args = None  # type: ignore[assignment]
            self.out = None


class SlicesNode(Node):
    """``CopySlices``: the new history of a tensor after an in-place op on a view of it.

    Its inputs: the base's old history, which gets the gradient outside the view, and the
    in-place op's node, which gets the gradient inside it (and passes it on to the view's old
    history, thus to the base's again). ``chain``: the view ops from the base to the view;
    applied to a gradient laid out as the base, they give the view's region of it.
    """

    __slots__ = ("chain", "like")

    def __init__(self, parents: tuple[Any, Any], chain: tuple[Any, ...], like: Any) -> None:
        Node.__init__(self, "torch::autograd::CopySlices", parents)
        self.chain, self.like = chain, like

    def apply(self, F: Any, g: Any) -> tuple[Any, ...]:
        xp = F.xp
        outside = xp.empty_like(self.like)  # the base's layout, so the views below are views
        outside[...] = g
        region = outside
        for op, attrs in self.chain:
            region = op.kernel(xp, region, **attrs)
        inside = region.copy()
        region[...] = 0
        return (outside, inside)


class ViewNode(Node):
    """``AsStridedBackward0``: a view's history made anew from its base's; the gradient is
    placed where the view lies in the base (``chain`` applied to zeros laid out as the base)."""

    __slots__ = ("chain", "like")

    def __init__(self, base: TensorFields, chain: tuple[Any, ...]) -> None:
        Node.__init__(self, "AsStridedBackward0", (base,))
        self.chain, self.like = chain, base.array

    def apply(self, F: Any, g: Any) -> tuple[Any, ...]:
        whole = F.xp.zeros_like(self.like)
        region = whole
        for op, attrs in self.chain:
            region = op.kernel(F.xp, region, **attrs)
        region[...] = g
        return (whole,)


class CopyNode(Node):
    """``ToCopyBackward0``: a device move; the gradient moves back."""

    __slots__ = ("src",)

    def __init__(self, parent: TensorFields) -> None:
        Node.__init__(self, "ToCopyBackward0", (parent,))
        self.src = parent._dev

    def apply(self, F: Any, g: Any) -> tuple[Any, ...]:
        return (self.src.asarray(device_of(g).to_host(g)),)


class AccumulateGrad:
    """The node a leaf's gradient reaches; ``variable`` is the leaf."""

    __slots__ = ("variable",)
    name = "AccumulateGrad"

    def __init__(self, variable: Tensor) -> None:
        self.variable = variable

    @property
    def next_functions(self) -> tuple[()]:
        return ()

    def name_(self) -> str:
        return self.name

    def __repr__(self) -> str:
        return f"<AccumulateGrad object at {hex(id(self))}>"


def producer_name(t: TensorFields) -> str | None:
    """The grad_fn the in-place error names for a saved tensor changed since: its own, or for
    a view ``AsStridedBackward0`` (PyTorch gives a changed view that grad_fn anew)."""
    if t.grad_fn is None:
        return None
    return "AsStridedBackward0" if t._view is not None else t.grad_fn.name


def accumulate_grad(t: Tensor) -> AccumulateGrad:
    """The leaf's AccumulateGrad (one per leaf, made on first request)."""
    if t._acc is None:
        t._acc = AccumulateGrad(t)
    return t._acc


def _is_tensor(x: object) -> TypeGuard[Tensor]:
    return x is not None and not isinstance(x, Node)

"""Elementwise fusion: a chain of elementwise ops, each the only reader of the one before,
optionally ending in ``Sum`` / ``Mean`` reductions, becomes one ``_FusedElementwise`` node
(named and numbered as the chain's last node). The kernel computes the chain in place in one
temporary instead of one per op, and a chain that ends in a square reduced to a scalar (a
loss) becomes a dot product, with no temporary for the square at all: T1's
``Square -> Sum -> Mean``, or ``sub -> pow -> Sum -> Mean`` when the difference has no other
reader."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from engine.ops import OPS

from ..graph import Operation, Tensor
from .view import Change, GraphView, new_op, rewrite, shape_of

REDUCE = frozenset({"Sum", "Mean"})
FUSIBLE = frozenset(name for name, op in OPS.items() if op.fusible)
"""The table's ops marked ``fusible``, as a set for the pass's membership tests."""


@dataclass
class _Chain:
    ops: list[Operation]
    inputs: list[Tensor]
    program: list[list[Any]] = field(default_factory=list)
    reduce: list[list[Any]] = field(default_factory=list)

    def ref(self, t: Tensor, running: Tensor | None) -> int:
        if t is running:
            return -1
        if t not in self.inputs:
            self.inputs.append(t)
        return self.inputs.index(t)


def run(view: GraphView) -> Change | None:
    """Fuse every chain of two or more nodes."""
    pinned = view.pinned()
    readers = view.consumers()
    tail: dict[Tensor, _Chain] = {}
    chains: list[_Chain] = []
    for op in view.ops:
        if len(op.outputs) != 1 or any(t in view.fed for t in op.outputs):
            continue
        out = op.outputs[0]
        chain = _extendable(op, tail, readers, pinned)
        if chain is not None:
            prev = chain.ops[-1].outputs[0]
            del tail[prev]
            chain.ops.append(op)
            if op.type in REDUCE:
                chain.reduce.append(
                    [op.type, op.attrs.get("axis"), bool(op.attrs.get("keepdims", False))]
                )
            else:
                chain.program.append([op.type, [chain.ref(t, prev) for t in op.inputs]])
            tail[out] = chain
        elif op.type in FUSIBLE and out.dtype.np.kind == "f" and shape_of(out) is not None:
            chain = _Chain([op], [])
            chain.program.append([op.type, [chain.ref(t, None) for t in op.inputs]])
            chains.append(chain)
            tail[out] = chain
    subst: dict[Operation, Operation | None] = {}
    replaced: dict[int, int] = {}
    for chain in chains:
        if len(chain.ops) < 2:
            continue
        last = chain.ops[-1]
        fused = new_op(
            last,
            "_FusedElementwise",
            tuple(chain.inputs),
            attrs={"program": chain.program, "reduce": chain.reduce},
            meta={"fused": [op.name for op in chain.ops]},
        )
        for op in chain.ops:
            subst[op] = None
            replaced[op._id] = last._id
        subst[last] = fused
    if not subst:
        return None
    change = rewrite(view, subst)
    change.replaced = replaced
    return change


def _extendable(
    op: Operation,
    tail: dict[Tensor, _Chain],
    readers: dict[Tensor, list[Operation]],
    pinned: set[Tensor],
) -> _Chain | None:
    """The chain ``op`` continues, if any: it reads a chain's last value, as its only reader,
    and (for an elementwise op) keeps that value's shape and dtype."""
    if op.type not in FUSIBLE and op.type not in REDUCE:
        return None
    for t in op.inputs:
        chain = tail.get(t)
        if (
            chain is None
            or t in pinned
            or len(readers.get(t, ())) != 1
            or op.inputs.count(t) != 1
            or op.device != chain.ops[0].device
        ):
            continue
        if op.type in REDUCE:
            if op.inputs[0] is t and not isinstance(op.attrs.get("axis"), dict):
                return chain
            continue
        if chain.reduce or shape_of(op.outputs[0]) != shape_of(t) or op.outputs[0].dtype != t.dtype:
            continue
        return chain
    return None

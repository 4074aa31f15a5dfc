"""``tf.gradients``: build the backward graph symbolically from the op table's gradient rules.

Nothing is computed here. For every op on a path from ``xs`` to ``ys`` (walked in reverse
creation order, which is a reverse topological order), the op's gradient rule is called with a
:class:`GraphBuilder` that *adds nodes* instead of computing, under
``gradients/<op name>_grad/``. Gradients reaching one tensor along several paths are summed
with ``AddN`` (named ``gradients/AddN``); an ``x`` that ``ys`` do not depend on gets None.
Every node made here records the forward node it belongs to (``grad_of``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from engine.ops import input_grads

from . import api, errors
from .graph import Graph, Operation, Tensor
from .kernels import NOT_DIFFERENTIABLE, arg_names, kernel_inputs, spec


class GraphBuilder:
    """The ``F`` that gradient rules call: ``F(op, *args, **attrs)`` adds a node.

    Python numbers among ``args`` become Consts named after their argument (``Mul/y``).
    """

    def __init__(self, graph: Graph, grad_of: int) -> None:
        self.graph = graph
        self.grad_of = grad_of

    def __call__(self, op_type: str, *args: Any, **attrs: Any) -> Tensor:
        g = self.graph
        with g.name_scope(op_type) as scope, g._gradient_of(self.grad_of):
            inputs = api.convert_inputs(g, args, arg_names(op_type, len(args)))
            if spec(op_type).structural and len(inputs) == 1:  # a reduction's axes, as TF has
                axis, rank = attrs.get("axis"), inputs[0]._dims
                value = (
                    np.arange(len(rank))
                    if axis is None and rank is not None
                    else ([] if axis is None else axis)
                )
                inputs.append(
                    api.constant(
                        np.asarray(value, np.int32), api.dt.int32, name="reduction_indices", graph=g
                    )
                )
            return g.create_op(
                op_type, inputs, name=scope, attrs=attrs, grad_of=self.grad_of
            ).outputs[0]

    def unbroadcast(self, g: Tensor, like: Tensor) -> Tensor:
        """``g`` summed back to ``like``'s shape; no node when the shapes are known equal."""
        a, b = g._dims, like._dims
        if a is not None and b is not None and a == b and None not in a:
            return g
        return self("Unbroadcast", g, like)


def _as_x(value: Any) -> Tensor:
    if hasattr(value, "_ref"):  # a Variable: differentiate with respect to its value node
        return value._ref()  # type: ignore[no-any-return]
    if isinstance(value, Tensor):
        return value
    raise TypeError(f"Expected a Tensor or Variable among xs, got {value!r}")


def gradients(
    ys: Any,
    xs: Any,
    grad_ys: Any = None,
    name: str = "gradients",
    colocate_gradients_with_ops: bool = False,
    gate_gradients: bool = False,
    aggregation_method: Any = None,
    stop_gradients: Any = None,
) -> list[Tensor | None]:
    """``tf.gradients(ys, xs)``: symbolic d(sum of ys)/dx for each x (None if unconnected).

    Raises:
        LookupError: an op on a path has no gradient rule.
    """
    ys_l = [api.convert_to_tensor(y) for y in (ys if isinstance(ys, list | tuple) else [ys])]
    xs_l = [_as_x(x) for x in (xs if isinstance(xs, list | tuple) else [xs])]
    g = api.graph_of(*ys_l, *xs_l)
    gys: list[Any] = list(grad_ys) if isinstance(grad_ys, list | tuple) else [grad_ys] * len(ys_l)
    stops = {id(_as_x(s).op) for s in (stop_gradients or [])}

    between = _between(ys_l, xs_l, stops)
    with g.name_scope(name or "gradients"):
        grads: dict[Tensor, list[Tensor]] = {}
        for i, (y, gy) in enumerate(zip(ys_l, gys, strict=True)):
            if gy is None:
                with g._gradient_of(y.op._id):
                    shape = g.create_op(
                        "Shape",
                        [y],
                        name="Shape",
                        dtypes=[api.dt.int32],
                        shapes=[None if y._dims is None else (len(y._dims),)],
                    )
                    one = api.constant(1, y.dtype, name=f"grad_ys_{i}", graph=g)
                    gy = g.create_op(
                        "Fill",
                        [shape.outputs[0], one],
                        name="Fill",
                        dtypes=[y.dtype],
                        shapes=[y._dims],
                    ).outputs[0]
            else:
                gy = api.convert_to_tensor(gy, dtype=None if api.is_tensor_like(gy) else y.dtype)
            grads.setdefault(y, []).append(gy)

        xs_set = set(xs_l)
        for op in sorted(between, key=lambda o: -o._id):
            out = op.outputs[0] if op.outputs else None
            if out is None or out not in grads or id(op) in stops:
                continue
            inputs = kernel_inputs(op)
            needs = [t in xs_set or t.op in between for t in inputs]
            if not any(needs):
                continue
            gout = _aggregate(g, grads[out], op)
            rule = spec(op.type).grad
            if rule is None:
                raise LookupError(errors.no_gradient(op.name, op.type))
            if rule is NOT_DIFFERENTIABLE:
                continue
            builder = GraphBuilder(g, op._id)
            with g.name_scope(op.name + "_grad"):
                in_grads = input_grads(rule(builder, gout, out, *inputs, **op.attrs), needs)
            for t, gt in zip(inputs, in_grads, strict=True):
                if gt is not None:
                    grads.setdefault(t, []).append(gt)

        result: list[Tensor | None] = []
        for x in xs_l:
            parts = grads.get(x)
            result.append(None if not parts else _aggregate(g, parts, x.op))
            if parts and len(parts) > 1:
                grads[x] = [result[-1]]  # type: ignore[list-item]
    return result


def _between(ys: Sequence[Tensor], xs: Sequence[Tensor], stops: set[int]) -> set[Operation]:
    """Ops reachable forward from ``xs`` and backward from ``ys`` (data edges only)."""
    consumers: dict[int, list[Operation]] = {}
    graph = ys[0].graph if ys else xs[0].graph
    for op in graph._ops:
        for t in op.inputs:
            consumers.setdefault(id(t.op), []).append(op)
    reached: set[int] = set()
    stack = [x.op for x in xs]
    while stack:
        op = stack.pop()
        if id(op) in reached:
            continue
        reached.add(id(op))
        stack.extend(consumers.get(id(op), []))
    between: set[Operation] = set()
    stack = [y.op for y in ys]
    while stack:
        op = stack.pop()
        if op in between or id(op) not in reached:
            continue
        between.add(op)
        if id(op) not in stops:
            stack.extend(t.op for t in op.inputs)
    return between


def _aggregate(g: Graph, parts: list[Tensor], op: Operation) -> Tensor:
    """One gradient from several: ``AddN`` in the ``gradients/`` scope."""
    if len(parts) == 1:
        return parts[0]
    shape = next((p._dims for p in parts if p._dims is not None), None)
    return g.create_op(
        "AddN", parts, name="AddN", dtypes=[parts[0].dtype], shapes=[shape], grad_of=op._id
    ).outputs[0]

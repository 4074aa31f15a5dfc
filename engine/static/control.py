"""Control flow and grouping: ``tf.group``, ``tf.no_op``, ``tf.cond``, ``tf.foldl``, scopes.

``tf.cond`` and ``tf.foldl`` are functional ops (TF2's ``If`` / ``While`` style, simpler and
easier to draw than TF1's Switch/Merge): the branch or body functions are called once while
building, their ops are recorded in a :class:`BodyContext` of the same graph (named under
``cond/`` or ``foldl/``), and the ``If`` / ``While`` op takes every outside tensor they use as an
input. When a run reaches it, it runs the taken branch (or the body once per element) as a
sub-plan. As the lecture warns, ops created *outside* the branch functions run regardless.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from . import api
from . import dtypes as dt
from .graph import BodyContext, Graph, Operation, Tensor, _as_op, get_default_graph
from .shapes import Dims, TensorShape, compatible

_pytuple = builtins.tuple


def no_op(name: str | None = None) -> Operation:
    """``tf.no_op``: a node that does nothing (useful for its control inputs)."""
    return get_default_graph().create_op("NoOp", [], name=name or "NoOp", dtypes=[], shapes=[])


def group(*inputs: Any, name: str | None = None) -> Operation:
    """``tf.group``: a NoOp (``group_deps``) that runs after all ``inputs``."""
    deps = [_as_op(i) for i in inputs if i is not None]
    g = deps[0].graph if deps else get_default_graph()
    with g.name_scope(name or "group_deps") as scope:
        return g.create_op("NoOp", [], name=scope, dtypes=[], shapes=[], control_inputs=deps)


def tuple(
    tensors: Sequence[Any],
    name: str | None = None,  # noqa: A001 - TF's name
    control_inputs: Sequence[Any] | None = None,
) -> list[Any]:
    """``tf.tuple``: each tensor passed through an Identity that waits for all of them."""
    ts = [api.convert_to_tensor(t) if t is not None else None for t in tensors]
    g = api.graph_of(*[t for t in ts if t is not None])
    with g.name_scope(name or "tuple"):
        gate = group(*[t for t in ts if t is not None], *(control_inputs or []))
        return [
            None
            if t is None
            else g.create_op(
                "Identity",
                [t],
                name="control_dependency",
                dtypes=[t.dtype],
                shapes=[t._dims],
                control_inputs=[gate],
            ).outputs[0]
            for t in ts
        ]


def control_dependencies(control_inputs: Sequence[Any] | None) -> Any:
    """``tf.control_dependencies``: ops *created* inside run after ``control_inputs``."""
    return get_default_graph().control_dependencies(control_inputs)


def device(spec: str | None) -> Any:
    """``tf.device``: ops created inside ask for this device (soft placement: see session)."""
    return get_default_graph().device(spec)


@contextmanager
def name_scope(
    name: str | None, default_name: str | None = None, values: Any = None
) -> Iterator[str]:
    """``tf.name_scope``: prefix the names of ops created inside (made unique)."""
    g = api.graph_of(*(values or []))
    with g.name_scope(name or default_name) as scope:
        yield scope


variable_scope = name_scope


# -------------------------------------------------------------------------- cond


def _flatten(value: Any) -> list[Any]:
    if isinstance(value, list | _pytuple):
        return [leaf for v in value for leaf in _flatten(v)]
    if isinstance(value, dict):
        return [leaf for k in sorted(value) for leaf in _flatten(value[k])]
    return [value]


def _pack(structure: Any, leaves: Iterator[Any]) -> Any:
    if isinstance(structure, list):
        return [_pack(s, leaves) for s in structure]
    if isinstance(structure, _pytuple):
        return _pytuple(_pack(s, leaves) for s in structure)
    if isinstance(structure, dict):
        packed = {k: _pack(structure[k], leaves) for k in sorted(structure)}
        return {k: packed[k] for k in structure}
    return next(leaves)


def _merge_dims(a: Dims, b: Dims) -> Dims:
    if a is None or b is None or len(a) != len(b):
        return None
    return _pytuple(x if x == y else None for x, y in zip(a, b, strict=True))


def _body_outputs(g: Graph, ctx: BodyContext, result: Any) -> list[Tensor]:
    outs = []
    with g._body(ctx):
        for leaf in _flatten(result):
            if isinstance(leaf, Operation):
                raise TypeError(
                    "tf.cond branches here must return tensors, not Operations "
                    f"(got {leaf!r}); wrap it with tf.control_dependencies and "
                    "tf.identity"
                )
            outs.append(api.convert_to_tensor(leaf, graph=g))
    return outs


def cond(
    pred: Any,
    true_fn: Callable[[], Any] | None = None,
    false_fn: Callable[[], Any] | None = None,
    strict: bool = False,
    name: str | None = None,
    fn1: Any = None,
    fn2: Any = None,
) -> Any:
    """``tf.cond(pred, true_fn, false_fn)``: the output of the branch ``pred`` selects.

    Both functions are called exactly once, now; only the ops they create are conditional.

    Raises:
        TypeError: ``pred`` is a Python bool, or a function is missing, or the branches'
            dtypes differ.
        ValueError: the branches return different structures.
    """
    true_fn, false_fn = true_fn or fn1, false_fn or fn2
    if not callable(true_fn):
        raise TypeError("true_fn must be callable.")
    if not callable(false_fn):
        raise TypeError("false_fn must be callable.")
    if isinstance(pred, bool):
        raise TypeError("pred must not be a Python bool")
    g = api.graph_of(pred)
    pred_t = api.convert_to_tensor(pred, graph=g)
    if pred_t.dtype != dt.bool_:
        raise TypeError(f"pred must be a bool tensor, got {pred_t}")
    if pred_t._dims not in (None, ()):
        raise ValueError(
            f"Shape must be rank 0 but is rank {len(pred_t._dims)} for 'cond' (pred {pred_t})"
        )
    with g.name_scope(name or "cond") as scope:
        then_ctx, else_ctx = BodyContext("cond", "then"), BodyContext("cond", "else")
        with g._body(then_ctx):
            then_res = true_fn()
        with g._body(else_ctx):
            else_res = false_fn()
        then_out = _body_outputs(g, then_ctx, then_res)
        else_out = _body_outputs(g, else_ctx, else_res)
        if len(then_out) != len(else_out) or (
            _pack(then_res, iter([0] * len(then_out))) != _pack(else_res, iter([0] * len(else_out)))
        ):
            raise ValueError(
                "true_fn and false_fn arguments to tf.cond must have the same number, "
                "type, and overall structure of return values."
            )
        for a, b in zip(then_out, else_out, strict=True):
            if a.dtype != b.dtype:
                raise TypeError(
                    f"Outputs of true_fn and false_fn must have the same type: "
                    f"{a.dtype.name}, {b.dtype.name}"
                )
        captures: list[Tensor] = []
        ctrl: list[Operation] = []
        for ctx, outs in ((then_ctx, then_out), (else_ctx, else_out)):
            data, c = ctx.captures()
            extra = [t for t in outs if t.op._ctx is not ctx]
            captures.extend(t for t in data + extra if t not in captures)
            ctrl.extend(x for x in c if x not in ctrl)
        op = g.create_op(
            "If",
            [pred_t, *captures],
            name=scope,
            control_inputs=ctrl,
            dtypes=[t.dtype for t in then_out],
            shapes=[_merge_dims(a._dims, b._dims) for a, b in zip(then_out, else_out, strict=True)],
            meta={"then": then_ctx, "else": else_ctx, "then_out": then_out, "else_out": else_out},
        )
    then_ctx.owner = else_ctx.owner = op
    return _pack(then_res, iter(op.outputs)) if then_out else op


# ------------------------------------------------------------------------- foldl


def foldl(
    fn: Callable[[Any, Any], Any],
    elems: Any,
    initializer: Any = None,
    parallel_iterations: int = 10,
    back_prop: bool = True,
    swap_memory: bool = False,
    name: str | None = None,
) -> Tensor:
    """``tf.foldl(fn, elems, initializer)``: ``acc = fn(acc, x)`` for each ``x`` along axis 0.

    Returns only the final accumulator (unlike a Python loop that keeps every step).

    Raises:
        ValueError: the body changes the accumulator's shape.
        TypeError: the body changes its dtype.
    """
    g = api.graph_of(elems, initializer)
    xs = api.convert_to_tensor(elems, graph=g)
    with g.name_scope(name or "foldl") as scope:
        init = api.convert_to_tensor(initializer, graph=g) if initializer is not None else None
        elem_dims = None if xs._dims is None else xs._dims[1:]
        acc_dtype, acc_dims = (
            (init.dtype, init._dims) if init is not None else (xs.dtype, elem_dims)
        )
        ctx = BodyContext("foldl", "body")
        with g._body(ctx):
            acc = g.create_op(
                "_Arg", [], name="acc", dtypes=[acc_dtype], shapes=[acc_dims], attrs={"index": 0}
            ).outputs[0]
            elem = g.create_op(
                "_Arg", [], name="elem", dtypes=[xs.dtype], shapes=[elem_dims], attrs={"index": 1}
            ).outputs[0]
            out = api.convert_to_tensor(fn(acc, elem), graph=g)
        if out.dtype != acc_dtype:
            raise TypeError(
                f"The body of tf.foldl returns {out.dtype.name}, but the accumulator "
                f"is {acc_dtype.name}"
            )
        if not compatible(out._dims, acc_dims):
            start = init if init is not None else elem
            raise ValueError(
                f"Input tensor '{start.name}' enters the loop with shape "
                f"{TensorShape(acc_dims)}, but has shape {TensorShape(out._dims)} "
                f"after one iteration. To allow the shape to vary across "
                f"iterations, use the `shape_invariants` argument of "
                f"tf.while_loop to specify a less-specific shape."
            )
        data, ctrl = ctx.captures()
        captures = [t for t in data + ([out] if out.op._ctx is not ctx else []) if t is not None]
        inputs = [xs] + ([init] if init is not None else []) + captures
        op = g.create_op(
            "While",
            inputs,
            name=scope,
            control_inputs=ctrl,
            dtypes=[acc_dtype],
            shapes=[acc_dims],
            meta={
                "body": ctx,
                "args": [acc.op, elem.op],
                "out": [out],
                "has_init": init is not None,
            },
        )
    ctx.owner = op
    return op.outputs[0]

"""How each op type of a static graph runs: the shared op table plus the graph-only ops.

Math ops come from ``engine.ops`` (one kernel, shape rule and gradient rule for both front
ends). The ops that only a TensorFlow-1 graph has - placeholders, constants, variables and
their assignments, random initialisers, ``NoOp``, ``Shape``/``Fill``, ``AddN``,
the optimizers' ``Apply*`` updates - are in ``STATIC`` here. Their names shadow the table's (TF's
``Fill(dims, value)`` is not the eager ``fill_``).

A spec's ``bind(op, ctx)`` returns a plain callable ``fn(*input_values) -> value`` with the
device's array module and the op's attributes already bound, so a plan can call it in a tight
loop. ``ctx`` is the session's view for one device (its variables, its random generators).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from engine import ops as table
from engine.ops import ShapeError

from . import errors
from .dtypes import DType, as_dtype, bool_
from .shapes import Dims

if TYPE_CHECKING:
    from engine.devices import Device

    from .graph import Operation, Tensor

NOT_DIFFERENTIABLE = "not differentiable"
"""A gradient rule meaning "no gradient flows through here" (unlike None: no rule at all)."""


class BindContext(Protocol):
    """What a kernel may need from the session that runs it."""

    device: Device
    variables: dict[int, Any]

    def rng(self, op: Operation) -> np.random.Generator: ...


class Uninitialized:
    """The value of a Variable that was never assigned in this session."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name


@dataclass(frozen=True)
class Spec:
    """How one op type runs in a static graph.

    Attributes:
        name: the op type.
        bind: ``bind(op, ctx) -> fn(*inputs)``.
        grad: the gradient rule (``engine.ops`` signature), NOT_DIFFERENTIABLE, or None.
        stateful: never constant-folded, never cached (random, variables, assignments).
        structural: how many trailing inputs only carry structure (a reduction's axes Const):
            they are graph edges but neither kernel arguments nor differentiable.
        flops: ``flops(out_shape, *input_shapes, **attrs)``, or None.
    """

    name: str
    bind: Callable[[Operation, BindContext], Callable[..., Any]]
    grad: Any = None
    stateful: bool = False
    structural: int = 0
    flops: Callable[..., int] | None = None


STATIC: dict[str, Spec] = {}


def _static(
    name: str,
    bind: Callable[[Operation, BindContext], Callable[..., Any]],
    *,
    grad: Any = NOT_DIFFERENTIABLE,
    stateful: bool = False,
) -> None:
    STATIC[name] = Spec(name, bind, grad, stateful)


STRUCTURAL = frozenset({"Sum", "Mean", "Max", "Min", "ArgMax", "ArgMin", "ExpandDims"})
"""Table ops whose last input is an axis Const (TF draws it; the kernel takes an attribute)."""


@functools.lru_cache(maxsize=None)
def spec(op_type: str) -> Spec:
    """The Spec of ``op_type``: graph-only ops first, then the shared op table.

    Raises:
        LookupError: no such op type.
    """
    if op_type in STATIC:
        return STATIC[op_type]
    op = table.get(op_type)
    structural = 1 if op_type in STRUCTURAL else 0

    def bind(node: Operation, ctx: BindContext, _k: Callable[..., Any] = op.kernel) -> Any:
        return functools.partial(_k, ctx.device.xp, **node.attrs)

    grad: Any = op.grad
    if grad is None and op.out_dtype in ("bool", "int32", "int64"):
        grad = NOT_DIFFERENTIABLE  # comparisons, argmax: TF registers them NotDifferentiable
    return Spec(op_type, PREBOUND.get(op_type, bind), grad, False, structural, op.flops)


def _bind_grad_mask(op: Operation, ctx: BindContext) -> Callable[..., Any]:
    """``engine.ops``' GradMask with its comparison looked up once, not per call."""
    xp, kernel = ctx.device.xp, table.get("GradMask").kernel
    keep, cmp = getattr(xp, table.CMP[op.attrs.get("cmp", "ge")]), op.attrs.get("cmp", "ge")

    def grad_mask(g: Any, a: Any, b: Any) -> Any:
        if getattr(g, "ndim", 0) and getattr(a, "shape", None) == g.shape:
            return table.select_bits(xp, keep, g, a, b, xp.empty(g.shape, g.dtype))
        return kernel(xp, g, a, b, cmp=cmp)

    return grad_mask


def _bind_fused_elementwise(op: Operation, ctx: BindContext) -> Callable[..., Any]:
    """``engine.ops``' fused chain with its program resolved once (a loss: one dot)."""
    return table.bind_fused_elementwise(ctx.device.xp, None, **op.attrs)


def _bind_gather(op: Operation, ctx: BindContext) -> Callable[..., Any]:
    """``engine.ops``' Gather with TF's check of the indices first: numpy would wrap a
    negative one round and word an out-of-range one its own way."""
    xp, kernel = ctx.device.xp, table.get("Gather").kernel

    def gather(params: Any, indices: Any) -> Any:
        n = params.shape[0] if params.ndim else 0
        bad = (indices < 0) | (indices >= n)
        if bad.any():
            where = tuple(int(i) for i in xp.argwhere(bad)[0])
            message = (
                f"indices[{','.join(map(str, where))}] = {int(indices[where])} is not in [0, {n})"
            )
            raise errors.op_error(errors.InvalidArgumentError, op, message)
        return kernel(xp, params, indices)

    return gather


PREBOUND: dict[str, Callable[[Operation, BindContext], Callable[..., Any]]] = {
    "Gather": _bind_gather,
    "GradMask": _bind_grad_mask,
    "_FusedElementwise": _bind_fused_elementwise,
}
"""Table ops bound to an equivalent callable with their per-call lookups done at plan time."""


def kernel_inputs(op: Operation) -> tuple[Tensor, ...]:
    """The inputs a kernel and a gradient rule see (structural ones dropped)."""
    n = spec(op.type).structural
    return op.inputs[: len(op.inputs) - n] if n else op.inputs


# ----------------------------------------------------------- build-time inference

ARG_NAMES: dict[str, tuple[str, ...]] = {
    "MatMul": ("a", "b"),
    "BiasAdd": ("value", "bias"),
    "Sum": ("input", "reduction_indices"),
    "Mean": ("input", "reduction_indices"),
    "Max": ("input", "reduction_indices"),
    "Min": ("input", "reduction_indices"),
    "ArgMax": ("input", "dimension"),
    "ArgMin": ("input", "dimension"),
    "ExpandDims": ("input", "dim"),
    "SoftmaxCrossEntropyWithLogits": ("features", "labels"),
    "SparseSoftmaxCrossEntropyWithLogits": ("features", "labels"),
}


def arg_names(op_type: str, n: int) -> tuple[str, ...]:
    """Names of an op's inputs, as TF's error messages and Const names use them."""
    names = ARG_NAMES.get(op_type, ("x", "y", "z"))
    return tuple(names[i] if i < len(names) else f"input_{i}" for i in range(n))


def infer(
    op_type: str, inputs: Sequence[Tensor], attrs: dict[str, Any], name: str
) -> tuple[DType, Dims]:
    """Dtype and shape of a table op's output; raises TF's build-time errors naming ``name``."""
    if op_type == "StopGradient":  # graph-only: its input's value, no gradient
        return inputs[0].dtype, inputs[0]._dims
    s = spec(op_type)
    kin = inputs[: len(inputs) - s.structural] if s.structural else inputs
    op = table.get(op_type)
    if kin and op.same_dtypes:
        names = arg_names(op_type, len(kin))
        first = kin[0].dtype
        for arg, t in zip(names[1:], kin[1:], strict=False):
            if t.dtype != first:
                raise TypeError(
                    errors.dtype_mismatch(op_type, arg, t.dtype.name, names[0], first.name)
                )
    dims_in = tuple(t._dims for t in inputs)
    try:
        dims = op.shape(*[t._dims for t in kin], **attrs)
    except ShapeError as e:
        raise ValueError(build_shape_message(e, name, op_type, dims_in)) from None
    dtype = (
        bool_
        if op.out_dtype == "bool"
        else (as_dtype(op.out_dtype) if op.out_dtype != "same" else kin[0].dtype)
    )
    return dtype, dims


def build_shape_message(e: ShapeError, name: str, op_type: str, dims: tuple[Dims, ...]) -> str:
    """TF's ValueError text for a ShapeError found while building."""
    if e.kind == "rank":
        want = 2
        got = next((len(d) for d in dims if d is not None and len(d) != want), e.dims[0])
        return errors.rank_mismatch(name, op_type, want, got, dims)
    if e.kind == "squeeze":
        return (
            f"Can not squeeze dim[{e.axis}], expected a dimension of 1, got {e.dims[0]} for "
            f"'{name}' (op: '{op_type}') with input shapes: "
            f"{', '.join(errors.fmt(d) for d in dims)}."
        )
    if e.kind == "reduce":
        return (
            f"Invalid reduction dimension {e.dims[0]} for input with {e.dims[1]} dimensions. "
            f"for '{name}' (op: '{op_type}') with input shapes: "
            f"{', '.join(errors.fmt(d) for d in dims)}."
        )
    return errors.shape_mismatch(name, op_type, e.dims, dims)


def run_shape_message(e: ShapeError, dims: tuple[Dims, ...]) -> str:
    """TF's InvalidArgumentError text for a ShapeError found while running."""
    if e.kind == "matmul":
        return errors.matrix_incompatible(dims[0], dims[1])
    if e.kind == "rank":
        i = next((i for i, d in enumerate(dims) if d is not None and len(d) != 2), 0)
        return errors.not_a_matrix(i, dims[i])
    if e.kind == "reduce":
        return f"Invalid reduction dimension {e.dims[0]} for input with {e.dims[1]} dimensions."
    return errors.incompatible_shapes(*(dims + (None, None))[:2])


def flops_of(op: Operation) -> int:
    """FLOPs of one run of ``op`` from its static shapes (0 when unknown or not counted)."""
    s = spec(op.type)
    if s.flops is None or not op.outputs:
        return 0
    try:
        return int(s.flops(op.outputs[0]._dims, *[t._dims for t in kernel_inputs(op)], **op.attrs))
    except Exception:  # a flops rule that cannot handle unknown shapes counts nothing
        return 0


# ------------------------------------------------------------ graph-only kernels


def _no_value(op: Operation, ctx: BindContext) -> Callable[..., Any]:
    def missing(*_: Any) -> Any:
        raise errors.op_error(errors.InternalError, op, f"{op.type} '{op.name}' has no kernel")

    return missing


def _const(op: Operation, ctx: BindContext) -> Callable[..., Any]:
    value = ctx.device.asarray(op.meta["value"])
    return lambda: value


def _placeholder(op: Operation, ctx: BindContext) -> Callable[..., Any]:
    t = op.outputs[0]
    message = errors.missing_feed(op.name, t.dtype.proto, t._dims)

    def unfed() -> Any:
        raise errors.op_error(errors.InvalidArgumentError, op, message)

    return unfed


def _variable(op: Operation, ctx: BindContext) -> Callable[..., Any]:
    store, key, missing = ctx.variables, op._id, Uninitialized(op.name)
    return lambda: store.get(key, missing)


def _assign(op: Operation, ctx: BindContext) -> Callable[..., Any]:
    store, key = ctx.variables, op.inputs[0].op._id
    validate = op.attrs.get("validate_shape", True)
    var_dims = op.inputs[0]._dims

    def assign(ref: Any, value: Any) -> Any:
        if validate and var_dims is not None and tuple(value.shape) != var_dims:
            raise errors.op_error(
                errors.InvalidArgumentError,
                op,
                f"Assign requires shapes of both tensors to match. lhs shape= "
                f"{errors.fmt(var_dims)} rhs shape= {errors.fmt(value.shape)}",
            )
        store[key] = value
        return value

    return assign


def _assign_update(sign: float) -> Callable[[Operation, BindContext], Callable[..., Any]]:
    def bind(op: Operation, ctx: BindContext) -> Callable[..., Any]:
        store, key, xp = ctx.variables, op.inputs[0].op._id, ctx.device.xp

        def update(ref: Any, value: Any) -> Any:
            new = xp.add(ref, value) if sign > 0 else xp.subtract(ref, value)
            store[key] = new
            return new

        return update

    return bind


def _apply_rule(name: str) -> Callable[[Operation, BindContext], Callable[..., Any]]:
    """Bind an optimizer's update op: ``UPDATES[name](xp, var, *slots, *rest, **attrs)``
    returns the new (var, *slots), which are stored back into the session's variables."""
    rule, n_state = UPDATES[name]

    def bind(op: Operation, ctx: BindContext) -> Callable[..., Any]:
        store, xp, attrs = ctx.variables, ctx.device.xp, op.attrs
        keys = [t.op._id for t in op.inputs[:n_state]]

        def apply(*args: Any) -> Any:
            new = rule(xp, *args, **attrs)
            for key, value in zip(keys, new, strict=True):
                store[key] = value
            return new[0]

        return apply

    return bind


def _momentum(
    xp: Any, var: Any, accum: Any, lr: Any, g: Any, momentum: Any, use_nesterov: bool = False
) -> tuple[Any, ...]:
    accum = accum * momentum + g
    if use_nesterov:
        return var - (g * lr + accum * (momentum * lr)), accum
    return var - lr * accum, accum


def _adam(
    xp: Any,
    var: Any,
    m: Any,
    v: Any,
    beta1_power: Any,
    beta2_power: Any,
    lr: Any,
    beta1: Any,
    beta2: Any,
    epsilon: Any,
    g: Any,
) -> tuple[Any, ...]:
    lr_t = lr * xp.sqrt(1 - beta2_power) / (1 - beta1_power)
    m = m + (g - m) * (1 - beta1)
    v = v + (xp.square(g) - v) * (1 - beta2)
    return var - m * lr_t / (xp.sqrt(v) + epsilon), m, v


def _rmsprop(
    xp: Any,
    var: Any,
    ms: Any,
    mom: Any,
    lr: Any,
    rho: Any,
    momentum: Any,
    epsilon: Any,
    g: Any,
) -> tuple[Any, ...]:
    ms = ms + (xp.square(g) - ms) * (1 - rho)
    mom = mom * momentum + g * lr / xp.sqrt(ms + epsilon)
    return var - mom, ms, mom


def _centered_rmsprop(
    xp: Any,
    var: Any,
    ms: Any,
    mom: Any,
    mg: Any,
    lr: Any,
    rho: Any,
    momentum: Any,
    epsilon: Any,
    g: Any,
) -> tuple[Any, ...]:
    ms = ms + (xp.square(g) - ms) * (1 - rho)
    mg = mg + (g - mg) * (1 - rho)
    mom = mom * momentum + g * lr / xp.sqrt(ms - xp.square(mg) + epsilon)
    return var - mom, ms, mom, mg


def _adagrad(xp: Any, var: Any, accum: Any, lr: Any, g: Any) -> tuple[Any, ...]:
    accum = accum + xp.square(g)
    return var - g * lr / xp.sqrt(accum), accum


UPDATES: dict[str, tuple[Callable[..., tuple[Any, ...]], int]] = {
    "ApplyGradientDescent": (lambda xp, var, alpha, delta: (var - alpha * delta,), 1),
    "ApplyMomentum": (_momentum, 2),
    "ApplyAdam": (_adam, 3),
    "ApplyRMSProp": (_rmsprop, 3),
    "ApplyCenteredRMSProp": (_centered_rmsprop, 4),
    "ApplyAdagrad": (_adagrad, 2),
}
"""An optimizer's update op: (rule, how many leading inputs are Variables it writes back).
The rules are TF's ``training_ops`` kernels written out with ``xp``."""


def _random(kind: str) -> Callable[[Operation, BindContext], Callable[..., Any]]:
    def bind(op: Operation, ctx: BindContext) -> Callable[..., Any]:
        rng, dev = ctx.rng(op), ctx.device
        dtype = op.outputs[0].dtype.np

        def draw(shape: Any) -> Any:
            dims = tuple(int(d) for d in np.asarray(dev.to_host(shape)).reshape(-1))
            if kind == "normal":
                v = rng.standard_normal(dims)
            elif kind == "uniform":
                v = rng.random(dims)
            else:  # truncated normal: redraw everything beyond two standard deviations
                v = rng.standard_normal(dims)
                bad = np.abs(v) > 2
                while bad.any():
                    v[bad] = rng.standard_normal(int(bad.sum()))
                    bad = np.abs(v) > 2
            return dev.asarray(v.astype(dtype, copy=False))

        return draw

    return bind


def _shape(op: Operation, ctx: BindContext) -> Callable[..., Any]:
    return lambda x: np.asarray(x.shape, dtype=np.int32)


def _rank(op: Operation, ctx: BindContext) -> Callable[..., Any]:
    return lambda x: np.asarray(x.ndim, dtype=np.int32)


def _range(op: Operation, ctx: BindContext) -> Callable[..., Any]:
    return lambda start, limit, delta: np.arange(int(start), int(limit), int(delta), dtype=np.int32)


def _fill(op: Operation, ctx: BindContext) -> Callable[..., Any]:
    xp, to_host = ctx.device.xp, ctx.device.to_host

    def fill(dims: Any, value: Any) -> Any:
        shape = tuple(int(d) for d in np.asarray(to_host(dims)).reshape(-1))
        return xp.full(shape, value, dtype=value.dtype)

    return fill


def _add_n(op: Operation, ctx: BindContext) -> Callable[..., Any]:
    add = ctx.device.xp.add

    def add_n(*xs: Any) -> Any:
        total = add(xs[0], xs[1]) if len(xs) > 1 else xs[0]
        for x in xs[2:]:
            add(total, x, out=total)
        return total

    return add_n


def _cast(op: Operation, ctx: BindContext) -> Callable[..., Any]:
    dtype = op.outputs[0].dtype.np
    return lambda x: x.astype(dtype, copy=False)


_static("Placeholder", _placeholder)
_static(
    "PlaceholderWithDefault", lambda op, ctx: lambda x: x, grad=lambda F, g, out, x: (lambda: g,)
)
_static("_Arg", _no_value)
_static("Const", _const)
_static("VariableV2", _variable, stateful=True)
_static("Assign", _assign, stateful=True)
_static("AssignAdd", _assign_update(+1), stateful=True)
_static("AssignSub", _assign_update(-1), stateful=True)
for _name in UPDATES:
    _static(_name, _apply_rule(_name), stateful=True)
_static("NoOp", lambda op, ctx: lambda: None)
_static("RandomStandardNormal", _random("normal"), stateful=True)
_static("RandomUniform", _random("uniform"), stateful=True)
_static("TruncatedNormal", _random("truncated"), stateful=True)
_static("Shape", _shape)
_static("Rank", _rank)
_static("Range", _range)
_static("Fill", _fill)
_static("AddN", _add_n, grad=lambda F, g, out, *xs: tuple((lambda: g) for _ in xs))
_static(
    "Cast",
    _cast,
    grad=lambda F, g, out, x, **attrs: (
        (lambda: F("CastLike", g, x)) if x.dtype.is_floating else None,  # TF: none into ints
    ),
)
_static("StopGradient", lambda op, ctx: lambda x: x)
_static("If", _no_value, grad=None, stateful=True)  # bound by the planner (runs a sub-plan)
_static("While", _no_value, grad=None, stateful=True)

APPLY = frozenset(UPDATES)
"""The optimizers' update ops (``ApplyAdam``...): they read and write Variables."""


def _iterator(op: Operation, ctx: BindContext) -> Callable[..., Any]:
    """A dataset iterator: its position in this session, started on first use (one-shot) or
    by ``MakeIterator`` (initializable: None until then)."""
    from .datasets import start

    store, key, one_shot = ctx.variables, op._id, op.type == "OneShotIterator"

    def handle() -> Any:
        state = store.get(key)
        if state is None and one_shot:
            state = store[key] = start(op, ctx.rng(op))
        return state

    return handle


def _make_iterator(op: Operation, ctx: BindContext) -> Callable[..., Any]:
    from .datasets import start

    store, it = ctx.variables, op.inputs[0].op

    def make(handle: Any) -> None:
        store[it._id] = start(it, ctx.rng(it))

    return make


def _get_next(op: Operation, ctx: BindContext) -> Callable[..., Any]:
    from .datasets import next_element

    xp = np  # elements are made on the host; consumers elsewhere get a copy
    return lambda state: next_element(op, state, xp)


_static("OneShotIterator", _iterator, stateful=True)
_static("IteratorV2", _iterator, stateful=True)
_static("MakeIterator", _make_iterator, stateful=True)
_static("IteratorGetNext", _get_next, stateful=True)

HOST = frozenset({"OneShotIterator", "IteratorV2", "MakeIterator", "IteratorGetNext"})
"""Ops that always run on the CPU (a dataset iterator's state is host memory)."""
STATEFUL_READERS = frozenset({"AssignAdd", "AssignSub"}) | APPLY
"""Ops that read their variable input's current value (Assign only overwrites it)."""
COLOCATED = frozenset({"Assign", "AssignAdd", "AssignSub"}) | APPLY
"""Ops that run where their first input (a Variable) lives."""
SHAPE_ONLY: dict[str, tuple[int, ...]] = {
    "SumGrad": (1,),
    "MeanGrad": (1,),
    "ReshapeLike": (1,),
    "Unbroadcast": (1,),
    "CastLike": (1,),
    "OnesLike": (0,),
    "ZerosLike": (0,),
    "IndexGrad": (1,),
}
"""Inputs (by position) a table kernel reads only for their shape and dtype, never values."""
VIEWS = frozenset(
    {
        "Identity",
        "Reshape",
        "Transpose",
        "ReshapeLike",
        "Unbroadcast",
        "SumGrad",
        "StopGradient",
        "PlaceholderWithDefault",
        "Cast",
        "Index",
        "Squeeze",
    }
)
"""Ops whose output may share memory with their first input."""

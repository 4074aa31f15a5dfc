"""The ``tf.*`` functions that add nodes: constants, placeholders, math, reductions, operators.

Each function opens a name scope named like TensorFlow's (``MatMul``, ``add`` for ``+``),
converts Python values to ``Const`` nodes inside it (``pow/y``, ``Maximum/y``) and creates the
op with that scope's name, so graphs read like TensorBoard's.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from . import dtypes as dt
from .graph import Graph, Operation, Tensor, get_default_graph
from .kernels import arg_names
from .shapes import Dims, as_dims


def is_tensor_like(value: Any) -> bool:
    """True for Tensors and for objects that convert to one (Variables)."""
    return isinstance(value, Tensor) or hasattr(value, "_as_tensor")


def graph_of(*values: Any) -> Graph:
    """The graph of the first tensor among ``values`` (all must agree), else the default graph."""
    g: Graph | None = None
    first: Any = None
    for v in values:
        t = _tensor_of(v)
        if t is None:
            continue
        if g is None:
            g, first = t.graph, t
        elif t.graph is not g:
            raise ValueError(f"{t} must be from the same graph as {first}.")
    return g if g is not None else get_default_graph()


def _tensor_of(value: Any) -> Tensor | None:
    if isinstance(value, Tensor):
        return value
    if hasattr(value, "_as_tensor"):
        return value._as_tensor()  # type: ignore[no-any-return]
    return None


def _check_value(value: Any, dtype: dt.DType) -> np.ndarray:
    """``value`` as a numpy array of ``dtype``; TypeError when that would change it."""
    if isinstance(value, Tensor | Operation):
        raise TypeError(
            f"Expected {dtype.name}, got {value} of type '{type(value).__name__}' instead."
        )
    if dtype == dt.string:
        return dt.as_bytes(value)
    arr = np.asarray(value)
    if arr.dtype.kind in "OUS" and dtype.np.kind not in "OUS":
        raise TypeError(
            f"Expected {dtype.name}, got {value!r} of type '{type(value).__name__}' instead."
        )
    try:
        out = np.asarray(value, dtype=dtype.np)
    except (OverflowError, ValueError):
        raise TypeError(
            f"Expected {dtype.name}, got {value!r} of type '{type(value).__name__}' instead."
        ) from None
    if dtype.np.kind in "iub" and arr.dtype.kind in "fc" and not np.array_equal(out, arr):
        raise TypeError(
            f"Expected {dtype.name}, got {value!r} of type '{type(value).__name__}' instead."
        )
    return out


def constant(
    value: Any,
    dtype: Any = None,
    shape: Any = None,
    name: str = "Const",
    verify_shape: bool = False,
    *,
    graph: Graph | None = None,
) -> Tensor:
    """``tf.constant``: a Const node holding ``value`` (Python floats become float32)."""
    d = dt.as_dtype(dtype) if dtype is not None else dt.of_value(value)
    arr = _check_value(value, d)
    if shape is not None:
        dims = tuple(int(d or 0) for d in as_dims(shape) or ())
        if arr.size == 1:
            arr = np.broadcast_to(arr.reshape(()), dims).copy()
        elif arr.size == int(np.prod(dims)):
            arr = arr.reshape(dims)
        else:
            raise TypeError(f"Expected Tensor's shape: {dims}, got {arr.shape}.")
    g = graph or get_default_graph()
    op = g.create_op("Const", [], name=name, meta={"value": arr}, dtypes=[d], shapes=[arr.shape])
    return op.outputs[0]


def convert_to_tensor(
    value: Any,
    dtype: Any = None,
    name: str | None = None,
    preferred_dtype: Any = None,
    *,
    graph: Graph | None = None,
) -> Tensor:
    """``tf.convert_to_tensor``: Tensors pass through; Variables give their value; others Const."""
    t = _tensor_of(value)
    if t is not None:
        if dtype is not None and dt.as_dtype(dtype) != t.dtype:
            raise ValueError(
                f"Tensor conversion requested dtype {dt.as_dtype(dtype).name} for "
                f"Tensor with dtype {t.dtype.name}: {t!r}"
            )
        return t
    if isinstance(value, Operation):
        raise TypeError(f"Can not convert an Operation into a Tensor: {value!r}")
    if value is None:
        raise ValueError("None values not supported.")
    if dtype is None and preferred_dtype is not None:
        try:
            return constant(value, preferred_dtype, name=name or "Const", graph=graph)
        except TypeError:
            pass
    return constant(value, dtype, name=name or "Const", graph=graph)


def convert_inputs(g: Graph, values: Sequence[Any], names: Sequence[str]) -> list[Tensor]:
    """Convert an op's inputs: Python values become Consts named after their argument, with
    the dtype of the first tensor input (so ``tf.maximum(h, 0)`` makes a float ``Maximum/y``)."""
    like = next((t.dtype for t in map(_tensor_of, values) if t is not None), None)
    return [
        convert_to_tensor(v, dtype=None if is_tensor_like(v) else like, name=n, graph=g)
        for v, n in zip(values, names, strict=True)
    ]


def apply_op(
    op_type: str,
    inputs: Sequence[Any],
    name: str | None,
    default: str,
    attrs: dict[str, Any] | None = None,
) -> Tensor:
    """Create ``op_type`` on ``inputs`` in a name scope ``name or default``; returns its output."""
    g = graph_of(*inputs)
    with g.name_scope(name or default) as scope:
        tensors = convert_inputs(g, inputs, arg_names(op_type, len(inputs)))
        return g.create_op(op_type, tensors, name=scope, attrs=attrs).outputs[0]


# ----------------------------------------------------------------- constructors


def placeholder(dtype: Any, shape: Any = None, name: str | None = None) -> Tensor:
    """``tf.placeholder``: a value fed at run time (shape None: any shape)."""
    d = dt.as_dtype(dtype)
    op = get_default_graph().create_op(
        "Placeholder", [], name=name or "Placeholder", attrs={}, dtypes=[d], shapes=[as_dims(shape)]
    )
    return op.outputs[0]


def placeholder_with_default(input: Any, shape: Any, name: str | None = None) -> Tensor:  # noqa: A002
    """``tf.placeholder_with_default``: its input unless fed."""
    g = graph_of(input)
    x = convert_to_tensor(input, graph=g)
    op = g.create_op(
        "PlaceholderWithDefault",
        [x],
        name=name or "PlaceholderWithDefault",
        dtypes=[x.dtype],
        shapes=[as_dims(shape)],
    )
    return op.outputs[0]


def _shape_const(g: Graph, shape: Any, name: str) -> Tensor:
    dims = as_dims(shape)
    if dims is None or None in dims:
        raise ValueError(f"Shape {shape} must be fully defined")
    return constant(np.asarray(dims, dtype=np.int32), dt.int32, name=name, graph=g)


def _random(
    op_type: str,
    default: str,
    shape: Any,
    a: float,
    b: float,
    dtype: Any,
    seed: Any,
    name: str | None,
) -> Tensor:
    """``a + b * R`` where R is drawn by ``op_type`` (TF's random_normal/uniform layout)."""
    g = graph_of(shape) if is_tensor_like(shape) else get_default_graph()
    d = dt.as_dtype(dtype)
    first, second = ("min", "max") if op_type == "RandomUniform" else ("mean", "stddev")
    with g.name_scope(name or default) as scope:
        if is_tensor_like(shape):  # known only when the run reaches it: tf.shape(x)
            shape_t = convert_to_tensor(shape, graph=g)
            dims = static_value_of_shape(shape_t)
        else:
            dims = tuple(as_dims(shape) or ())
            shape_t = _shape_const(g, dims, "shape")
        lo = constant(a, d, name=first, graph=g)
        hi = constant(b, d, name=second, graph=g)
        r = g.create_op(
            op_type,
            [shape_t],
            name=op_type,
            dtypes=[d],
            shapes=[dims],
            attrs={"seed": seed or 0, "seed2": 0, "dtype": d.name},
        ).outputs[0]
        if op_type == "RandomUniform":  # min + (max - min) * U
            hi = g.create_op("Sub", [hi, lo], name="sub").outputs[0]
        scaled = g.create_op("Mul", [r, hi], name="mul").outputs[0]
        return g.create_op("Add", [scaled, lo], name=scope).outputs[0]


def random_normal(
    shape: Any,
    mean: float = 0.0,
    stddev: float = 1.0,
    dtype: Any = dt.float32,
    seed: int | None = None,
    name: str | None = None,
) -> Tensor:
    """``tf.random_normal``: drawn anew every time it runs."""
    return _random("RandomStandardNormal", "random_normal", shape, mean, stddev, dtype, seed, name)


def truncated_normal(
    shape: Any,
    mean: float = 0.0,
    stddev: float = 1.0,
    dtype: Any = dt.float32,
    seed: int | None = None,
    name: str | None = None,
) -> Tensor:
    """``tf.truncated_normal``: normal, redrawn beyond two standard deviations."""
    return _random("TruncatedNormal", "truncated_normal", shape, mean, stddev, dtype, seed, name)


def random_uniform(
    shape: Any,
    minval: float = 0.0,
    maxval: float = 1.0,
    dtype: Any = dt.float32,
    seed: int | None = None,
    name: str | None = None,
) -> Tensor:
    """``tf.random_uniform``: uniform in [minval, maxval)."""
    return _random("RandomUniform", "random_uniform", shape, minval, maxval, dtype, seed, name)


def static_value_of_shape(t: Tensor) -> Dims:
    """What can be known while building of the shape a 1-D int tensor ``t`` holds: all of it
    for a Const, ``x``'s static shape for ``tf.shape(x)``, else just its length."""
    if t.op.type == "Const":
        return tuple(int(v) for v in np.asarray(t.op.meta["value"]).reshape(-1))
    if t.op.type == "Shape":
        return t.op.inputs[0]._dims
    if t._dims is not None and len(t._dims) == 1 and t._dims[0] is not None:
        return (None,) * t._dims[0]
    return None


def zeros(shape: Any, dtype: Any = dt.float32, name: str | None = None) -> Tensor:
    """``tf.zeros``."""
    d = dt.as_dtype(dtype)
    return constant(np.zeros(tuple(as_dims(shape) or ()), d.np), d, name=name or "zeros")


def ones(shape: Any, dtype: Any = dt.float32, name: str | None = None) -> Tensor:
    """``tf.ones``."""
    d = dt.as_dtype(dtype)
    return constant(np.ones(tuple(as_dims(shape) or ()), d.np), d, name=name or "ones")


def zeros_like(tensor: Any, dtype: Any = None, name: str | None = None) -> Tensor:
    """``tf.zeros_like``."""
    return apply_op("ZerosLike", [tensor], name, "zeros_like")


def ones_like(tensor: Any, dtype: Any = None, name: str | None = None) -> Tensor:
    """``tf.ones_like``."""
    return apply_op("OnesLike", [tensor], name, "ones_like")


def fill(dims: Any, value: Any, name: str | None = None) -> Tensor:
    """``tf.fill``: a tensor of shape ``dims`` full of ``value``."""
    g = graph_of(dims, value)
    with g.name_scope(name or "Fill") as scope:
        d = convert_to_tensor(
            dims, dt.int32 if not is_tensor_like(dims) else None, name="dims", graph=g
        )
        v = convert_to_tensor(value, name="value", graph=g)
        static = d.op.meta.get("value") if d.op.type == "Const" else None
        out_dims = tuple(int(x) for x in static.reshape(-1)) if static is not None else None
        return g.create_op("Fill", [d, v], name=scope, dtypes=[v.dtype], shapes=[out_dims]).outputs[
            0
        ]


def shape(input: Any, name: str | None = None, out_type: Any = dt.int32) -> Tensor:  # noqa: A002
    """``tf.shape``: the run-time shape as an int32 vector."""
    g = graph_of(input)
    x = convert_to_tensor(input, graph=g)
    rank = None if x._dims is None else (len(x._dims),)
    return g.create_op(
        "Shape", [x], name=name or "Shape", dtypes=[dt.int32], shapes=[rank]
    ).outputs[0]


def rank(input: Any, name: str | None = None) -> Tensor:  # noqa: A002
    """``tf.rank``: the number of dimensions, as a scalar."""
    g = graph_of(input)
    x = convert_to_tensor(input, graph=g)
    return g.create_op("Rank", [x], name=name or "Rank", dtypes=[dt.int32], shapes=[()]).outputs[0]


def cast(x: Any, dtype: Any, name: str | None = None) -> Tensor:
    """``tf.cast``: the same values in another dtype (returns ``x`` when already of it)."""
    g = graph_of(x)
    d = dt.as_dtype(dtype)
    t = convert_to_tensor(x, graph=g)
    if t.dtype == d:
        return t
    with g.name_scope(name or "Cast") as scope:
        return g.create_op(
            "Cast", [t], name=scope, dtypes=[d], shapes=[t._dims], attrs={"DstT": d.name}
        ).outputs[0]


def to_float(x: Any, name: str = "ToFloat") -> Tensor:
    """``tf.to_float``."""
    return cast(x, dt.float32, name=name)


# ------------------------------------------------------------------------- math


def _binary(op_type: str, default: str) -> Callable[..., Tensor]:
    def fn(x: Any, y: Any, name: str | None = None) -> Tensor:
        return apply_op(op_type, [x, y], name, default)

    fn.__name__ = default
    fn.__doc__ = f"``tf.{default.lower()}``: elementwise {op_type}, with broadcasting."
    return fn


def _unary(op_type: str, default: str) -> Callable[..., Tensor]:
    def fn(x: Any, name: str | None = None) -> Tensor:
        return apply_op(op_type, [x], name, default)

    fn.__name__ = default
    fn.__doc__ = f"``tf.{default.lower()}``: elementwise {op_type}."
    return fn


add = _binary("Add", "Add")
subtract = _binary("Sub", "Sub")
multiply = _binary("Mul", "Mul")
realdiv = _binary("RealDiv", "RealDiv")
maximum = _binary("Maximum", "Maximum")
minimum = _binary("Minimum", "Minimum")
squared_difference = _binary("SquaredDifference", "SquaredDifference")
less = _binary("Less", "Less")
greater = _binary("Greater", "Greater")
less_equal = _binary("LessEqual", "LessEqual")
greater_equal = _binary("GreaterEqual", "GreaterEqual")
equal = _binary("Equal", "Equal")
not_equal = _binary("NotEqual", "NotEqual")
negative = _unary("Neg", "Neg")
square = _unary("Square", "Square")
exp = _unary("Exp", "Exp")
log = _unary("Log", "Log")
tanh = _unary("Tanh", "Tanh")
sigmoid = _unary("Sigmoid", "Sigmoid")
relu = _unary("Relu", "Relu")
identity = _unary("Identity", "Identity")
stop_gradient = _unary("StopGradient", "StopGradient")


def pow(x: Any, y: Any, name: str | None = None) -> Tensor:  # noqa: A001 - TF's name
    """``tf.pow``: ``x ** y`` elementwise."""
    return apply_op("Pow", [x, y], name, "Pow")


def divide(x: Any, y: Any, name: str | None = None) -> Tensor:
    """``tf.divide``: ``x / y``."""
    return apply_op("RealDiv", [x, y], name, "truediv")


truediv = divide


def matmul(
    a: Any,
    b: Any,
    transpose_a: bool = False,
    transpose_b: bool = False,
    name: str | None = None,
    **_: Any,
) -> Tensor:
    """``tf.matmul``: matrix product of two rank-2 tensors."""
    return apply_op(
        "MatMul",
        [a, b],
        name,
        "MatMul",
        {"transpose_a": bool(transpose_a), "transpose_b": bool(transpose_b)},
    )


def bias_add(value: Any, bias: Any, name: str | None = None, data_format: Any = None) -> Tensor:
    """``tf.nn.bias_add``: add a vector to the last axis."""
    return apply_op("BiasAdd", [value, bias], name, "BiasAdd")


def transpose(a: Any, perm: Any = None, name: str = "transpose") -> Tensor:
    """``tf.transpose``: the axes reversed (a matrix), or in the order ``perm`` gives."""
    if perm is None or list(perm) in ([1, 0], [0]):
        return apply_op("Transpose", [a], name, "transpose")
    return apply_op("Transpose", [a], name, "transpose", {"perm": tuple(int(p) for p in perm)})


def leaky_relu(features: Any, alpha: float = 0.2, name: str | None = None) -> Tensor:
    """``tf.nn.leaky_relu``: ``features`` where positive, ``alpha * features`` elsewhere."""
    return apply_op("LeakyRelu", [features], name, "LeakyRelu", {"alpha": float(alpha)})


def reshape(tensor: Any, shape: Any, name: str | None = None) -> Tensor:
    """``tf.reshape`` to a static shape (one -1 allowed when the size is known)."""
    g = graph_of(tensor)
    x = convert_to_tensor(tensor, graph=g)
    dims = list(as_dims(shape) or ())
    if None in dims:
        total = (
            None
            if x._dims is None or None in x._dims
            else int(np.prod([int(d or 0) for d in x._dims]))
        )
        if total is None or dims.count(None) > 1:
            raise ValueError("tf.reshape here needs a static target shape")
        known = int(np.prod([d for d in dims if d is not None]))
        dims[dims.index(None)] = total // known
    return apply_op("Reshape", [x], name, "Reshape", {"shape": [int(d or 0) for d in dims]})


def add_n(inputs: Sequence[Any], name: str | None = None) -> Tensor:
    """``tf.add_n``: the sum of a list of same-shape tensors."""
    inputs = list(inputs)
    if not inputs:
        raise ValueError(
            "inputs must be a list of at least one Tensor with the same dtype and shape"
        )
    if len(inputs) == 1 and name is None:
        return convert_to_tensor(inputs[0])
    g = graph_of(*inputs)
    with g.name_scope(name or "AddN") as scope:
        ts = convert_inputs(g, inputs, [f"inputs_{i}" for i in range(len(inputs))])
        return g.create_op(
            "AddN", ts, name=scope, dtypes=[ts[0].dtype], shapes=[ts[0]._dims]
        ).outputs[0]


def _reduce(
    op_type: str,
    default: str,
    input_tensor: Any,
    axis: Any,
    keepdims: Any,
    name: str | None,
    reduction_indices: Any = None,
    keep_dims: Any = None,
) -> Tensor:
    if axis is None:
        axis = reduction_indices
    keep = bool(keepdims if keepdims is not None else keep_dims)
    g = graph_of(input_tensor)
    x = convert_to_tensor(input_tensor, graph=g)
    if axis is None:
        if x._dims is not None:  # TF folds "all axes" into a Const beside the op
            axes_t = constant(np.arange(len(x._dims), dtype=np.int32), dt.int32, graph=g)
        else:  # unknown rank: range(0, rank(x))
            r = rank(x)
            with g.name_scope("range") as scope:
                start = constant(0, dt.int32, name="start", graph=g)
                delta = constant(1, dt.int32, name="delta", graph=g)
                axes_t = g.create_op(
                    "Range", [start, r, delta], name=scope, dtypes=[dt.int32], shapes=[(None,)]
                ).outputs[0]
        attr_axis: Any = None
    else:
        attr_axis = [int(a) for a in axis] if isinstance(axis, list | tuple) else int(axis)
        axes_t = None
    with g.name_scope(name or default) as scope:
        if axes_t is None:
            axes_t = constant(
                np.asarray(attr_axis, dtype=np.int32), dt.int32, name="reduction_indices", graph=g
            )
        op = g.create_op(
            op_type, [x, axes_t], name=scope, attrs={"axis": attr_axis, "keepdims": keep}
        )
    return op.outputs[0]


def reduce_sum(
    input_tensor: Any,
    axis: Any = None,
    keepdims: Any = None,
    name: str | None = None,
    reduction_indices: Any = None,
    keep_dims: Any = None,
) -> Tensor:
    """``tf.reduce_sum`` over ``axis`` (all axes when None)."""
    return _reduce("Sum", "Sum", input_tensor, axis, keepdims, name, reduction_indices, keep_dims)


def reduce_mean(
    input_tensor: Any,
    axis: Any = None,
    keepdims: Any = None,
    name: str | None = None,
    reduction_indices: Any = None,
    keep_dims: Any = None,
) -> Tensor:
    """``tf.reduce_mean`` over ``axis`` (all axes when None)."""
    return _reduce("Mean", "Mean", input_tensor, axis, keepdims, name, reduction_indices, keep_dims)


# -------------------------------------------------------------------- operators


def _op_method(op_type: str, scope: str, reflected: bool = False) -> Any:
    def method(self: Any, other: Any) -> Tensor:
        x, y = (other, self) if reflected else (self, other)
        return apply_op(op_type, [x, y], None, scope)

    return method


def _matmul_method(reflected: bool) -> Any:
    def method(self: Any, other: Any) -> Tensor:
        a, b = (other, self) if reflected else (self, other)
        return apply_op(
            "MatMul", [a, b], None, "matmul", {"transpose_a": False, "transpose_b": False}
        )

    return method


def _neg(self: Any) -> Tensor:
    return apply_op("Neg", [self], None, "Neg")


def _getitem(self: Any, index: Any) -> Tensor:
    if isinstance(index, Tensor):
        raise TypeError("Indexing with a Tensor is not supported here")
    return apply_op("Index", [self], None, "strided_slice", {"index": index})


OPERATORS: dict[str, Any] = {
    "__add__": _op_method("Add", "add"),
    "__radd__": _op_method("Add", "add", True),
    "__sub__": _op_method("Sub", "sub"),
    "__rsub__": _op_method("Sub", "sub", True),
    "__mul__": _op_method("Mul", "mul"),
    "__rmul__": _op_method("Mul", "mul", True),
    "__truediv__": _op_method("RealDiv", "truediv"),
    "__rtruediv__": _op_method("RealDiv", "truediv", True),
    "__pow__": _op_method("Pow", "pow"),
    "__rpow__": _op_method("Pow", "pow", True),
    "__matmul__": _matmul_method(False),
    "__rmatmul__": _matmul_method(True),
    "__lt__": _op_method("Less", "Less"),
    "__le__": _op_method("LessEqual", "LessEqual"),
    "__gt__": _op_method("Greater", "Greater"),
    "__ge__": _op_method("GreaterEqual", "GreaterEqual"),
    "__neg__": _neg,
    "__getitem__": _getitem,
}


def install_operators(cls: type) -> None:
    """Give ``cls`` TensorFlow's Python operators (``+ - * / ** @``, unary ``-``, ``< <= > >=``)."""
    for name, fn in OPERATORS.items():
        setattr(cls, name, fn)


install_operators(Tensor)

"""Every differentiable op: forward against numpy written out, gradient against finite
differences."""

from __future__ import annotations

import numpy as np
import pytest

from engine import ops
from engine.ops import OPS, Immediate, ShapeError, input_grads

RNG = np.random.default_rng(0)
F = Immediate(np)


def randn(*shape: int) -> np.ndarray:
    return RNG.standard_normal(shape)


def away_from_zero(*shape: int) -> np.ndarray:
    """Values with |v| >= 0.2, so kinks (relu, max, clamp) are far from the probe step."""
    v = RNG.uniform(0.2, 1.5, shape)
    return v * RNG.choice([-1.0, 1.0], shape)


# (op, inputs, attrs): float64, small shapes, broadcasting where the op allows it.
CASES = [
    ("Identity", [randn(3, 4)], {}),
    ("Neg", [randn(3, 4)], {}),
    ("Add", [randn(3, 4), randn(4)], {}),
    ("Sub", [randn(3, 1), randn(3, 4)], {}),
    ("Mul", [randn(3, 4), randn(3, 4)], {}),
    ("RealDiv", [randn(3, 4), RNG.uniform(1, 2, (3, 4))], {}),
    ("Pow", [RNG.uniform(0.5, 2, (3, 4)), np.array(2.0)], {}),
    ("Pow", [RNG.uniform(0.5, 2, (3, 4)), RNG.uniform(1, 3, (3, 4))], {}),
    ("Square", [randn(3, 4)], {}),
    ("SquaredDifference", [randn(3, 4), randn(3, 4)], {}),
    ("Exp", [randn(3, 4)], {}),
    ("Log", [RNG.uniform(0.5, 2, (3, 4))], {}),
    ("Tanh", [randn(3, 4)], {}),
    ("Sigmoid", [randn(3, 4)], {}),
    ("Maximum", [away_from_zero(3, 4), np.array(0.0)], {}),
    ("Minimum", [away_from_zero(3, 4), np.array(0.0)], {}),
    ("Relu", [away_from_zero(3, 4)], {}),
    ("Clamp", [away_from_zero(3, 4)], {"min": 0.0}),
    ("Clamp", [away_from_zero(3, 4)], {"min": -0.1, "max": 0.1}),
    ("MatMul", [randn(3, 4), randn(4, 5)], {}),
    ("MatMul", [randn(4, 3), randn(4, 5)], {"transpose_a": True}),
    ("MatMul", [randn(3, 4), randn(5, 4)], {"transpose_b": True}),
    ("MatMul", [randn(4, 3), randn(5, 4)], {"transpose_a": True, "transpose_b": True}),
    ("BiasAdd", [randn(3, 4), randn(4)], {}),
    ("Sum", [randn(3, 4)], {}),
    ("Sum", [randn(3, 4)], {"axis": 1}),
    ("Sum", [randn(3, 4)], {"axis": 0, "keepdims": True}),
    ("Mean", [randn(3, 4)], {}),
    ("Mean", [randn(3, 4)], {"axis": 1}),
    ("Transpose", [randn(3, 4)], {}),
    ("Reshape", [randn(3, 4)], {"shape": (4, 3)}),
    ("Clone", [randn(3, 4)], {}),
    ("Index", [randn(3, 4)], {"index": 1}),
    ("Index", [randn(3, 4)], {"index": (slice(0, 2), -1)}),
    ("Index", [randn(3, 4)], {"index": [0, 2, 0]}),
    ("MaskedFill", [randn(3, 4), RNG.standard_normal((3, 4)) > 0], {}),
    ("Cast", [randn(3, 4)], {"dtype": "float64"}),
    ("Sqrt", [RNG.uniform(0.5, 2, (3, 4))], {}),
    ("Sin", [randn(3, 4)], {}),
    ("Cos", [randn(3, 4)], {}),
    ("Softplus", [3 * randn(3, 4)], {}),
    ("SmoothL1", [away_from_zero(3, 4) * 2, np.zeros((3, 4))], {}),
    ("SmoothL1", [away_from_zero(3, 4), away_from_zero(4) * 3], {"beta": 0.5}),
    ("Softmax", [randn(3, 4)], {}),
    ("Softmax", [randn(3, 4)], {"axis": 0}),
    ("LogSoftmax", [randn(3, 4)], {"axis": 1}),
    ("LogSoftmax", [randn(2, 3, 4)], {"axis": -2}),
    ("Max", [randn(3, 4)], {}),
    ("Max", [randn(3, 4)], {"axis": 1}),
    ("Min", [randn(3, 4)], {"axis": 0, "keepdims": True}),
    ("ExpandDims", [randn(3, 4)], {"axis": 1}),
    ("ExpandDims", [randn(3, 4)], {"axis": -1}),
    ("Squeeze", [randn(3, 1, 4, 1)], {}),
    ("Squeeze", [randn(3, 1, 4, 1)], {"axis": 1}),
    ("Pack", [randn(3, 4), randn(3, 4), randn(3, 4)], {}),
    ("Pack", [randn(3, 4), randn(3, 4)], {"axis": -1}),
    ("ConcatV2", [randn(3, 4), randn(3, 2), randn(3, 1)], {"axis": 1}),
    ("ConcatV2", [randn(1, 4), randn(2, 4)], {"axis": -2}),
    ("BatchMatMulV2", [randn(2, 3, 4), randn(4, 5)], {}),
    ("BatchMatMulV2", [randn(2, 4, 3), randn(1, 4, 5)], {"adj_x": True}),
    ("BatchMatMulV2", [randn(3, 4), randn(2, 5, 4)], {"adj_y": True}),
    ("LeakyRelu", [away_from_zero(3, 4)], {"alpha": 0.01}),
    ("Where", [randn(3, 4), randn(4), RNG.standard_normal((3, 1)) > 0], {}),
    ("Transpose", [randn(2, 3, 4)], {"perm": (2, 0, 1)}),
    ("Transpose", [randn(3, 4)], {"perm": (0, 1)}),
    ("EuclideanNorm", [randn(3, 4)], {}),
    ("EuclideanNorm", [randn(3, 4)], {"axis": 1}),
    ("EuclideanNorm", [randn(3, 4)], {"axis": 0, "keepdims": True}),
    ("GatherElements", [randn(3, 4), np.array([[1], [0], [3]])], {"axis": 1}),
    ("GatherElements", [randn(3, 4), np.array([[2, 0, 2], [2, 1, 0]])], {"axis": 0}),
    ("Cumsum", [randn(3, 4)], {"axis": 1}),
    ("Cumsum", [randn(3, 4)], {"axis": 0, "reverse": True}),
    ("BroadcastTo", [randn(3, 1)], {"shape": (2, 3, 4)}),
    ("BroadcastTo", [randn(4)], {"shape": (3, 4)}),
    ("Tile", [randn(2, 3)], {"multiples": (2, 3)}),
    ("Tile", [randn(3)], {"multiples": (2, 1, 2)}),
    ("Gather", [randn(5, 3), np.array([[1, 4], [1, 0]])], {}),
    ("Gather", [randn(5, 3), np.array([2, 2, 0])], {}),
    ("Triu", [randn(3, 4)], {}),
    ("Triu", [randn(2, 3, 4)], {"diagonal": 1}),
    ("Tril", [randn(4, 3)], {}),
    ("Tril", [randn(2, 3, 4)], {"diagonal": -1}),
]

REFERENCE = {  # numpy written out by hand
    "Identity": lambda x: x,
    "Neg": lambda x: -x,
    "Add": lambda a, b: a + b,
    "Sub": lambda a, b: a - b,
    "Mul": lambda a, b: a * b,
    "RealDiv": lambda a, b: a / b,
    "Pow": lambda x, y: x**y,
    "Square": lambda x: x * x,
    "SquaredDifference": lambda a, b: (a - b) * (a - b),
    "Exp": np.exp,
    "Log": np.log,
    "Tanh": np.tanh,
    "Sigmoid": lambda x: 1 / (1 + np.exp(-x)),
    "Maximum": lambda a, b: np.where(a >= b, a, b),
    "Minimum": lambda a, b: np.where(a <= b, a, b),
    "Relu": lambda x: np.where(x > 0, x, 0),
    "BiasAdd": lambda x, b: x + b,
    "Clone": lambda x: x.copy(),
    "Sqrt": lambda x: x**0.5,
    "MaskedFill": lambda x, mask: np.where(mask, 0.0, x),
    "Sin": np.sin,
    "Cos": np.cos,
    "Softplus": lambda x: np.log(1 + np.exp(x)),
}


def _softmax(x: np.ndarray, axis: int) -> np.ndarray:
    e = np.exp(x)
    return e / e.sum(axis=axis, keepdims=True)


def _smooth_l1(x: np.ndarray, y: np.ndarray, beta: float) -> np.ndarray:
    out = np.empty(np.broadcast(x, y).shape)
    for idx in np.ndindex(out.shape):
        d = np.broadcast_to(x, out.shape)[idx] - np.broadcast_to(y, out.shape)[idx]
        out[idx] = 0.5 * d * d / beta if abs(d) < beta else abs(d) - 0.5 * beta
    return out


def _batch_matmul(a: np.ndarray, b: np.ndarray, attrs: dict) -> np.ndarray:
    a = np.swapaxes(a, -1, -2) if attrs.get("adj_x") else a
    b = np.swapaxes(b, -1, -2) if attrs.get("adj_y") else b
    batch = np.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    a, b = np.broadcast_to(a, batch + a.shape[-2:]), np.broadcast_to(b, batch + b.shape[-2:])
    out = np.zeros(batch + (a.shape[-2], b.shape[-1]))
    for i in np.ndindex(batch):
        for r in range(a.shape[-2]):
            for c in range(b.shape[-1]):
                out[i + (r, c)] = sum(a[i + (r, k)] * b[i + (k, c)] for k in range(a.shape[-1]))
    return out


def _gather(x: np.ndarray, index: np.ndarray, axis: int) -> np.ndarray:
    """``out[i][j] = x[index[i][j]][j]`` (axis 0) or ``x[i][index[i][j]]`` (axis 1)."""
    out = np.zeros(index.shape)
    for i, j in np.ndindex(index.shape):
        out[i, j] = x[index[i, j], j] if axis == 0 else x[i, index[i, j]]
    return out


def _cumsum(x: np.ndarray, axis: int, reverse: bool) -> np.ndarray:
    """Each element plus those before it along ``axis`` (after it, with ``reverse``)."""
    out = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        line = list(idx)
        total = 0.0
        stop = x.shape[axis] if reverse else idx[axis] + 1
        for k in range(idx[axis] if reverse else 0, stop):
            line[axis] = k
            total += x[tuple(line)]
        out[idx] = total
    return out


def reference(name: str, inputs: list[np.ndarray], attrs: dict) -> np.ndarray:
    if name in REFERENCE:
        return REFERENCE[name](*inputs)
    if name == "Clamp":
        x = inputs[0]
        lo, hi = attrs.get("min", -np.inf), attrs.get("max", np.inf)
        return np.where(x < lo, lo, np.where(x > hi, hi, x))
    if name == "MatMul":
        a, b = inputs
        a = a.T if attrs.get("transpose_a") else a
        b = b.T if attrs.get("transpose_b") else b
        out = np.zeros((a.shape[0], b.shape[1]))
        for i in range(a.shape[0]):
            for j in range(b.shape[1]):
                out[i, j] = sum(a[i, k] * b[k, j] for k in range(a.shape[1]))
        return out
    if name in ("Sum", "Mean"):
        x, axis = inputs[0], attrs.get("axis")
        total = x.sum(axis=axis, keepdims=attrs.get("keepdims", False))
        return total / (x.size if axis is None else x.shape[axis]) if name == "Mean" else total
    if name == "Transpose" and not attrs.get("perm"):
        return inputs[0].T
    if name == "Reshape":
        return inputs[0].reshape(attrs["shape"])
    if name == "Cast":
        return inputs[0].astype(attrs["dtype"])
    if name == "Index":
        return inputs[0][attrs["index"]]
    if name == "SmoothL1":
        return _smooth_l1(*inputs, attrs.get("beta", 1.0))
    if name == "Softmax":
        return _softmax(inputs[0], attrs.get("axis", -1))
    if name == "LogSoftmax":
        return np.log(_softmax(inputs[0], attrs.get("axis", -1)))
    if name in ("Max", "Min"):
        pick = np.max if name == "Max" else np.min
        return pick(inputs[0], axis=attrs.get("axis"), keepdims=attrs.get("keepdims", False))
    if name == "ExpandDims":
        x, axis = inputs[0], attrs["axis"]
        at = axis if axis >= 0 else x.ndim + 1 + axis
        return x.reshape(x.shape[:at] + (1,) + x.shape[at:])
    if name == "Squeeze":
        x, axis = inputs[0], attrs.get("axis")
        return x.reshape([d for i, d in enumerate(x.shape) if d != 1 or axis not in (None, i)])
    if name == "Pack":
        axis = attrs.get("axis", 0)
        joined = np.array([x for x in inputs])  # stacked along axis 0
        return np.moveaxis(joined, 0, axis)
    if name == "ConcatV2":
        axis = attrs["axis"] % inputs[0].ndim
        parts = [np.moveaxis(x, axis, 0) for x in inputs]
        rows = [row for part in parts for row in part]
        return np.moveaxis(np.array(rows), 0, axis)
    if name == "BatchMatMulV2":
        return _batch_matmul(*inputs, attrs)
    if name == "Where":
        x, y, cond = (np.broadcast_to(a, (3, 4)) for a in inputs)
        return np.array([[x[i, j] if cond[i, j] else y[i, j] for j in range(4)] for i in range(3)])
    if name == "Transpose" and attrs.get("perm"):
        x, perm = inputs[0], attrs["perm"]
        out = np.zeros(tuple(x.shape[i] for i in perm))
        for idx in np.ndindex(x.shape):
            out[tuple(idx[i] for i in perm)] = x[idx]
        return out
    if name == "LeakyRelu":
        x = inputs[0]
        return np.where(x > 0, x, attrs["alpha"] * x)
    if name == "EuclideanNorm":
        x, axis = inputs[0], attrs.get("axis")
        squares = (x * x).sum(axis=axis, keepdims=attrs.get("keepdims", False))
        return squares**0.5
    if name == "GatherElements":
        return _gather(*inputs, attrs["axis"])
    if name == "Cumsum":
        return _cumsum(inputs[0], attrs["axis"], attrs.get("reverse", False))
    if name == "BroadcastTo":
        x, shape = inputs[0], attrs["shape"]
        padded = x.reshape((1,) * (len(shape) - x.ndim) + x.shape)
        out = np.zeros(shape)
        for idx in np.ndindex(shape):
            pairs = zip(idx, padded.shape, strict=True)
            out[idx] = padded[tuple(0 if n == 1 else i for i, n in pairs)]
        return out
    if name == "Tile":
        x, reps = inputs[0], attrs["multiples"]
        padded = x.reshape((1,) * (len(reps) - x.ndim) + x.shape)
        out = np.zeros(tuple(n * r for n, r in zip(padded.shape, reps, strict=True)))
        for idx in np.ndindex(out.shape):
            out[idx] = padded[tuple(i % n for i, n in zip(idx, padded.shape, strict=True))]
        return out
    if name in ("Triu", "Tril"):
        x, k, out = inputs[0], attrs.get("diagonal", 0), np.zeros_like(inputs[0])
        for idx in np.ndindex(x.shape):
            row, col = idx[-2:]
            if (col - row >= k) if name == "Triu" else (col - row <= k):
                out[idx] = x[idx]
        return out
    if name == "Gather":
        params, indices = inputs
        return np.array([params[i] for i in indices.ravel()]).reshape(*indices.shape, -1)
    raise AssertionError(name)


def ids(case):
    return f"{case[0]}{case[2] or ''}"


@pytest.mark.parametrize("case", CASES, ids=[ids(c) for c in CASES])
def test_forward_matches_numpy(case):
    name, inputs, attrs = case
    out = OPS[name].kernel(np, *inputs, **attrs)
    want = reference(name, inputs, attrs)
    np.testing.assert_allclose(
        out,
        want,
        rtol=1e-12,
        atol=1e-12,
        err_msg=f"{name} forward, shapes {[i.shape for i in inputs]}, float64",
    )
    assert OPS[name].shape(*[i.shape for i in inputs], **attrs) == np.shape(out)


@pytest.mark.parametrize("case", CASES, ids=[ids(c) for c in CASES])
def test_gradient_matches_finite_differences(case):
    name, inputs, attrs = case
    op = OPS[name]
    out = op.kernel(np, *inputs, **attrs)
    g = RNG.standard_normal(np.shape(out))  # a random cotangent probes every output element
    grads = input_grads(op.grad(F, g, out, *inputs, **attrs), [True] * len(inputs))
    eps = 1e-6
    for i, x in enumerate(inputs):
        if x.dtype.kind in "bi":  # masks and indices get no gradient
            assert grads[i] is None, f"d{name}/d mask or index {i} should be None"
            continue
        numeric = np.zeros_like(x)
        for idx in np.ndindex(x.shape):
            plus, minus = [a.copy() for a in inputs], [a.copy() for a in inputs]
            plus[i][idx] += eps
            minus[i][idx] -= eps
            numeric[idx] = (
                (op.kernel(np, *plus, **attrs) - op.kernel(np, *minus, **attrs)) * g
            ).sum() / (2 * eps)
        np.testing.assert_allclose(
            grads[i],
            numeric,
            rtol=1e-5,
            atol=1e-7,
            err_msg=f"d{name}/d input {i}, shape {x.shape}, attrs {attrs}, float64",
        )


@pytest.mark.parametrize(
    "name, x, axis, want",
    [
        ("ArgMax", np.array([[1.0, 5.0, 2.0], [7.0, 0.0, 7.5]]), 1, [1, 2]),
        ("ArgMax", np.array([[1.0, 5.0, 2.0], [7.0, 0.0, 7.5]]), 0, [1, 0, 1]),
        ("ArgMin", np.array([[1.0, 5.0, 2.0], [7.0, 0.0, 7.5]]), -1, [0, 1]),
        ("ArgMax", np.array([[1.0, 5.0, 2.0], [7.0, 0.0, 7.5]]), None, 5),
    ],
)
def test_argmax_and_argmin_give_int64_indices(name, x, axis, want):
    out = OPS[name].kernel(np, x, axis=axis)
    assert out.dtype == np.int64 and out.tolist() == want, f"{name} axis={axis}"
    assert OPS[name].shape(x.shape, axis=axis) == np.shape(out)
    assert OPS[name].grad is None and OPS[name].out_dtype == "int64"


def test_max_gradient_is_shared_among_ties():
    """TensorFlow's reduce_max rule: tied maxima split the gradient equally."""
    x = np.array([[1.0, 3.0, 3.0], [2.0, 0.0, -1.0]])
    op = OPS["Max"]
    out = op.kernel(np, x, axis=1)
    (dx,) = input_grads(op.grad(F, np.ones(2), out, x, axis=1), [True])
    assert dx.tolist() == [[0.0, 0.5, 0.5], [1.0, 0.0, 0.0]]


@pytest.mark.parametrize(
    "rule, shapes, attrs, kind",
    [
        (ops.pack_shape, [(3, 4), (3, 5)], {}, "stack"),
        (ops.pack_shape, [(3, 4), (3, 4, 1)], {}, "rank"),
        (ops.concat_shape, [(3, 4), (2, 5)], {"axis": 1}, "concat"),
        (ops.concat_shape, [(3, 4), (3, 4)], {"axis": 2}, "rank"),
        (ops.squeeze_shape, [(3, 2)], {"axis": 1}, "squeeze"),
        (ops.expand_dims_shape, [(3, 2)], {"axis": 4}, "rank"),
        (ops.batch_matmul_shape, [(2, 3, 4), (5, 6)], {}, "matmul"),
    ],
)
def test_join_and_axis_shape_rules_report_what_disagrees(rule, shapes, attrs, kind):
    with pytest.raises(ShapeError) as e:
        rule(*shapes, **attrs)
    assert e.value.kind == kind


def test_join_and_axis_shape_rules_with_unknown_dimensions():
    assert ops.concat_shape((None, 4), (3, 2), axis=1) == (None, 6)
    assert ops.concat_shape((None, 4), (3, 4), axis=0) == (None, 4)
    assert ops.pack_shape((None, 4), (3, 4), axis=1) == (None, 2, 4)
    assert ops.squeeze_shape((None, 1)) == (None,)
    assert ops.batch_matmul_shape((7, 1, 2, 3), (5, 3, 4)) == (7, 5, 2, 4)


def test_unbroadcast_sums_added_and_stretched_axes():
    g = np.ones((2, 3, 4))
    assert ops.unbroadcast(np, g, (4,)).tolist() == [6.0] * 4
    assert ops.unbroadcast(np, g, (3, 1)).tolist() == [[8.0]] * 3
    assert ops.unbroadcast(np, g, ()).shape == ()


def test_shape_rules_report_what_disagrees():
    with pytest.raises(ShapeError) as e:
        ops.matmul_shape((3, 4), (5, 6))
    assert (e.value.kind, e.value.dims) == ("matmul", (4, 5))
    with pytest.raises(ShapeError) as e:
        ops.broadcast((3, 4), (3, 5))
    assert (e.value.kind, e.value.dims, e.value.axis) == ("broadcast", (4, 5), 1)
    assert ops.broadcast((None, 4), (3, 1)) == (3, 4)
    assert ops.matmul_shape((None, 4), (4, 2)) == (None, 2)
    assert ops.reduce_shape((64, 1000), axis=1) == (64,)


def test_flops_of_matmul_and_elementwise():
    assert OPS["MatMul"].flops((64, 100), (64, 1000), (1000, 100)) == 2 * 64 * 100 * 1000
    assert OPS["Add"].flops((3, 4), (3, 4), (3, 4)) == 12


class _Recorder(Immediate):
    """``Immediate`` that remembers which ops the gradient rules ran."""

    def __init__(self) -> None:
        super().__init__(np)
        self.ran: list[str] = []

    def __call__(self, op: str, *args, **attrs):
        self.ran.append(op)
        return super().__call__(op, *args, **attrs)


@pytest.mark.parametrize(
    "name, inputs, needs, ran",
    [
        ("MatMul", [randn(3, 4), randn(4, 5)], [False, True], ["MatMul"]),
        ("MatMul", [randn(3, 4), randn(4, 5)], [True, True], ["MatMul", "MatMul"]),
        ("Sub", [randn(3, 4), randn(3, 4)], [True, False], []),
        ("Pow", [RNG.uniform(0.5, 2, (3, 4)), np.array(2.0)], [True, False], ["Sub", "Pow"]),
    ],
)
def test_a_gradient_nobody_needs_is_never_computed(name, inputs, needs, ran):
    """Rules return every gradient as a ``lambda:``; only the needed ones run (``x @ w1``
    with ``x`` a placeholder: one matmul, not two; ``x ** 2``: no log of x)."""
    op, F = OPS[name], _Recorder()
    out = op.kernel(np, *inputs)
    grads = input_grads(op.grad(F, np.ones_like(out), out, *inputs), needs)
    assert [g is not None for g in grads] == needs
    assert [r for r in F.ran if r in ("MatMul", "Sub", "Pow", "Neg", "Log")] == ran


def test_every_record_is_complete():
    """What the front ends rely on, checked over the whole table."""
    for name, op in OPS.items():
        assert op.name == name
        assert op.eager_name and op.backward_name, name
        assert not op.fusible or (op.elementwise and op.kernel_out is not None), name
        assert op.saved is None or all(isinstance(i, int) for i in op.saved), name
        assert op.grad is not None or not (op.saved or op.saves_output), name
    with pytest.raises(ValueError, match="defined twice"):
        ops.define("Relu", kernel=OPS["Relu"].kernel, shape=OPS["Relu"].shape)


def test_gather_gives_the_padding_row_no_gradient():
    params, indices = randn(4, 2), np.array([[2, 1], [2, 3]])
    g = np.ones((2, 2, 2))
    (dparams, dindices) = input_grads(
        OPS["Gather"].grad(F, g, None, params, indices, padding_idx=2), [True, True]
    )
    assert dindices is None
    np.testing.assert_array_equal(dparams, [[0, 0], [1, 1], [0, 0], [1, 1]])


@pytest.mark.parametrize(
    "x, descending, want",
    [
        (np.array([[3.0, 1.0, 3.0, 2.0]]), False, [[1, 3, 0, 2]]),
        (np.array([[3.0, 1.0, 3.0, 2.0]]), True, [[0, 2, 3, 1]]),  # ties keep their order
        (np.array([5, 5, 5, 1, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 2]), True, None),
    ],
)
def test_argsort_is_stable_both_ways(x, descending, want):
    out = OPS["ArgSort"].kernel(np, x, axis=-1, descending=descending)
    assert out.dtype == np.int64 and OPS["ArgSort"].grad is None
    if want is None:  # longer than numpy's insertion-sort threshold: still stable
        want = [i for i in range(20) if x[i] == 5] + [19, 3]
    assert out.tolist() == want


def test_float_checks_give_bool_without_gradient():
    x = np.array([1.0, np.nan, np.inf, -np.inf])
    want = {"IsNan": [0, 1, 0, 0], "IsFinite": [1, 0, 0, 0], "IsInf": [0, 0, 1, 1]}
    for name, expected in want.items():
        out = OPS[name].kernel(np, x)
        assert out.dtype == bool and out.tolist() == [bool(v) for v in expected], name
        assert OPS[name].grad is None and OPS[name].out_dtype == "bool"
        buffer = np.zeros(4, dtype=bool)
        assert OPS[name].bind_out(np, buffer)(x) is buffer and buffer.tolist() == out.tolist()


def test_broadcast_to_and_tile_shapes_follow_numpy_and_refuse_fewer_axes():
    assert OPS["BroadcastTo"].shape((3, 1), shape=(2, 3, 4)) == (2, 3, 4)
    assert OPS["BroadcastTo"].shape((None, 1), shape=(5, 4)) == (5, 4)
    with pytest.raises(ShapeError):
        OPS["BroadcastTo"].shape((3, 4), shape=(4,))
    assert OPS["Tile"].shape((2, None), multiples=(3, 2, 1)) == (3, 4, None)


def test_any_and_all_reduce_to_bool_without_gradient():
    x = np.array([[0.0, 2.0], [0.0, 0.0]])
    assert OPS["Any"].kernel(np, x).item() is True and OPS["All"].kernel(np, x).item() is False
    assert OPS["Any"].kernel(np, x, axis=1).tolist() == [True, False]
    assert OPS["All"].kernel(np, x != 5, axis=0, keepdims=True).tolist() == [[True, True]]
    assert OPS["Any"].shape((2, 2), axis=1) == (2,) and OPS["Any"].out_dtype == "bool"
    assert OPS["Any"].grad is None and OPS["All"].grad is None

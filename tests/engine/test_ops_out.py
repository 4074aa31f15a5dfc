"""Kernels writing into ``out`` (what a static plan binds to its buffers) against the op
table's own kernels, which ``test_ops`` checks against numpy written out."""

from __future__ import annotations

import numpy as np
import pytest

from engine import ops

from .test_ops import CASES, ids

OUT_CASES = [c for c in CASES if ops.get(c[0]).kernel_out is not None]


@pytest.mark.parametrize("case", OUT_CASES, ids=[ids(c) for c in OUT_CASES])
def test_bound_out_kernels_match_the_kernels(case):
    name, inputs, attrs = case
    want = np.asarray(ops.get(name).kernel(np, *inputs, **attrs))
    out = np.full(want.shape, np.nan, want.dtype)
    fn = ops.get(name).bind_out(np, out, **attrs)
    for _ in range(2):  # bound once, called every run
        got = fn(*inputs)
        assert got is out, f"{name}{attrs}: did not write into out"
        np.testing.assert_allclose(
            got, want, rtol=1e-12, atol=1e-12, err_msg=f"{name}{attrs} {want.shape} {want.dtype}"
        )


def test_an_in_place_out_kernel_may_overwrite_its_input():
    x = np.linspace(-1, 1, 12).reshape(3, 4)
    want = np.maximum(x, 0) - 1.0
    buf = x.copy()
    ops.get("Relu").bind_out(np, buf)(buf)
    ops.get("Sub").bind_out(np, buf)(buf, np.float64(1.0))
    np.testing.assert_array_equal(buf, want, err_msg="(3, 4) float64 in place")


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
@pytest.mark.parametrize("cmp", ["ge", "gt", "lt", "le"])
def test_grad_mask_selects_exactly_as_where(cmp, dtype):
    """Kept elements are g's bits, dropped ones +0.0, whatever g holds (NaN, inf, -0.0) and
    wherever a sits (NaN, -0.0, +0.0): the bit select is ``where``, not a multiply."""
    special = np.array([np.nan, np.inf, -np.inf, -0.0, 0.0, 1.5, -2.5, 3.0], dtype)
    rng = np.random.default_rng(1)
    g = np.concatenate([special, rng.standard_normal(64).astype(dtype)]).reshape(8, 9)
    a = np.concatenate([special[::-1], rng.standard_normal(64).astype(dtype)]).reshape(8, 9)
    compare = getattr(np, ops.CMP[cmp])
    for b in (np.zeros((), dtype), 0.0, rng.standard_normal((8, 9)).astype(dtype)):
        want = np.where(compare(a, b), g, np.zeros((), dtype))
        bits = f"i{want.dtype.itemsize}"
        got = ops.get("GradMask").kernel(np, g, a, b, cmp=cmp)
        out = np.full_like(g, 7.0)
        bound = ops.get("GradMask").bind_out(np, out, cmp=cmp)(g, a, b)
        in_place = g.copy()
        ops.get("GradMask").bind_out(np, in_place, cmp=cmp)(in_place, a, b)
        for name, v in (("kernel", got), ("out", bound), ("in place", in_place)):
            assert v.dtype == dtype and v.shape == g.shape, name
            np.testing.assert_array_equal(
                v.view(bits), want.view(bits), err_msg=f"GradMask {cmp} {name} (8, 9) {dtype}"
            )


def test_grad_mask_broadcasting_falls_back_to_where():
    g, a = np.arange(6.0).reshape(2, 3), np.array([[-1.0], [1.0]])
    want = np.where(a >= 0, g, 0.0)
    np.testing.assert_array_equal(ops.get("GradMask").kernel(np, g, a, 0.0), want)
    out = np.empty((2, 3))
    np.testing.assert_array_equal(ops.get("GradMask").bind_out(np, out)(g, a, 0.0), want)


def test_a_bound_sum_of_squares_is_a_dot_scaled_per_shape():
    program = [["Square", [0]]]
    reduce = [["Sum", 1, False], ["Mean", None, False]]
    fn = ops.bind_fused_elementwise(np, None, program=program, reduce=reduce)
    rng = np.random.default_rng(2)
    for shape, dtype in (
        ((64, 100), np.float32),
        ((7, 3), np.float32),
        ((7, 3), np.float64),
        ((64, 100), np.float32),
    ):
        x = rng.standard_normal(shape).astype(dtype)
        got = fn(x)
        want = np.mean(np.sum(x.astype(np.float64) ** 2, axis=1))
        assert np.asarray(got).dtype == dtype, f"{shape} {dtype}"
        np.testing.assert_allclose(got, want, rtol=1e-5, err_msg=f"loss of {shape} {dtype}")
        np.testing.assert_allclose(
            got, ops.fused_elementwise(np, x, program=program, reduce=reduce), rtol=1e-6
        )
    x = rng.standard_normal((4, 5))  # kept dimensions: not a scalar, the general chain
    kept = [["Sum", 1, True]]
    got = ops.bind_fused_elementwise(np, None, program=program, reduce=kept)(x)
    np.testing.assert_allclose(got, np.sum(x**2, axis=1, keepdims=True), rtol=1e-12)


@pytest.mark.parametrize("ta", [False, True])
@pytest.mark.parametrize("tb", [False, True])
@pytest.mark.parametrize("fused_ops", [["Scale"], ["Scale", "BiasAdd", "Relu"]])
def test_fused_matmul_scales_the_product_before_bias_and_relu(ta, tb, fused_ops):
    rng = np.random.default_rng(4)
    a = rng.standard_normal((4, 3) if ta else (3, 4))
    b = rng.standard_normal((5, 4) if tb else (4, 5))
    bias = [rng.standard_normal(5)] if "BiasAdd" in fused_ops else []
    want = 0.25 * ((a.T if ta else a) @ (b.T if tb else b)) + (bias[0] if bias else 0.0)
    want = np.maximum(want, 0) if "Relu" in fused_ops else want
    attrs = {"transpose_a": ta, "transpose_b": tb, "fused_ops": fused_ops, "alpha": 0.25}
    got = ops.get("_FusedMatMul").kernel(np, a, b, *bias, **attrs)
    out = np.empty((3, 5))
    bound = ops.get("_FusedMatMul").bind_out(np, out, **attrs)(a, b, *bias)
    for name, v in (("kernel", got), ("out", bound)):
        np.testing.assert_allclose(
            v,
            want,
            rtol=1e-12,
            atol=1e-12,
            err_msg=f"_FusedMatMul {fused_ops} {name} (3, 5) float64",
        )

"""Kernels writing into ``out`` (what a static plan binds to its buffers) against the op
table's own kernels, which ``test_ops`` checks against numpy written out."""

from __future__ import annotations

import numpy as np
import pytest

from engine import ops

from .test_ops import CASES, ids

OUT_CASES = [c for c in CASES if c[0] in ops.KERNELS_OUT]


@pytest.mark.parametrize("case", OUT_CASES, ids=[ids(c) for c in OUT_CASES])
def test_bound_out_kernels_match_the_kernels(case):
    name, inputs, attrs = case
    want = np.asarray(ops.get(name).kernel(np, *inputs, **attrs))
    out = np.full(want.shape, np.nan, want.dtype)
    fn = ops.bind_out(name, np, out, **attrs)
    for _ in range(2):  # bound once, called every run
        got = fn(*inputs)
        assert got is out, f"{name}{attrs}: did not write into out"
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12,
                                   err_msg=f"{name}{attrs} {want.shape} {want.dtype}")


def test_an_in_place_out_kernel_may_overwrite_its_input():
    x = np.linspace(-1, 1, 12).reshape(3, 4)
    want = np.maximum(x, 0) - 1.0
    buf = x.copy()
    ops.bind_out("Relu", np, buf)(buf)
    ops.bind_out("Sub", np, buf)(buf, np.float64(1.0))
    np.testing.assert_array_equal(buf, want, err_msg="(3, 4) float64 in place")

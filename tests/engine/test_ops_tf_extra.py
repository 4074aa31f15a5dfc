"""engine/ops/tf_extra.py: TF's fused classifier losses and DivNoNan, forward against numpy
written out by hand, gradients against central finite differences (float64)."""

from __future__ import annotations

import numpy as np
import pytest

from engine.ops import OPS, Immediate, input_grads
from engine.ops.tf_extra import InvalidLabels

RNG = np.random.default_rng(12)
F = Immediate(np)


def log_softmax_by_hand(z: np.ndarray) -> np.ndarray:
    out = np.empty_like(z)
    for i, row in enumerate(z.reshape(-1, z.shape[-1])):
        m = max(row)
        total = sum(np.exp(v - m) for v in row)
        out.reshape(-1, z.shape[-1])[i] = [v - m - np.log(total) for v in row]
    return out


def numeric_grad(f, x: np.ndarray, g: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """d sum(g * f(x)) / dx by central differences."""
    out = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        hi, lo = x.copy(), x.copy()
        hi[i] += eps
        lo[i] -= eps
        out[i] = (np.sum(g * f(hi)) - np.sum(g * f(lo))) / (2 * eps)
    return out


def analytic(op: str, g: np.ndarray, *inputs: np.ndarray) -> tuple:
    record = OPS[op]
    out = record.kernel(np, *inputs)
    return input_grads(record.grad(F, g, out, *inputs), [True] * len(inputs))


LOGITS = RNG.standard_normal((4, 5)) * 3
LABELS = RNG.dirichlet(np.ones(5), size=4)
CLASSES = np.array([0, 4, 2, 2])


def test_softmax_cross_entropy_values():
    got = OPS["SoftmaxCrossEntropyWithLogits"].kernel(np, LOGITS, LABELS)
    want = -(LABELS * log_softmax_by_hand(LOGITS)).sum(axis=1)
    np.testing.assert_allclose(got, want, rtol=1e-12, err_msg="xent (4, 5) float64")
    big = OPS["SoftmaxCrossEntropyWithLogits"].kernel(np, LOGITS * 1000, LABELS)
    assert np.isfinite(big).all(), "large logits must not overflow"


def test_softmax_cross_entropy_gradients():
    g = RNG.standard_normal(4)
    d_logits, d_labels = analytic("SoftmaxCrossEntropyWithLogits", g, LOGITS, LABELS)
    kernel = OPS["SoftmaxCrossEntropyWithLogits"].kernel
    np.testing.assert_allclose(
        d_logits, numeric_grad(lambda z: kernel(np, z, LABELS), LOGITS, g), rtol=1e-6, atol=1e-8
    )
    np.testing.assert_allclose(
        d_labels, numeric_grad(lambda y: kernel(np, LOGITS, y), LABELS, g), rtol=1e-6, atol=1e-8
    )


def test_sparse_softmax_cross_entropy_values_and_gradient():
    kernel = OPS["SparseSoftmaxCrossEntropyWithLogits"].kernel
    got = kernel(np, LOGITS, CLASSES)
    want = np.array([-log_softmax_by_hand(LOGITS)[i, c] for i, c in enumerate(CLASSES)])
    np.testing.assert_allclose(got, want, rtol=1e-12, err_msg="sparse xent (4, 5) float64")
    g = RNG.standard_normal(4)
    d_logits, d_labels = analytic("SparseSoftmaxCrossEntropyWithLogits", g, LOGITS, CLASSES)
    assert d_labels is None
    np.testing.assert_allclose(
        d_logits, numeric_grad(lambda z: kernel(np, z, CLASSES), LOGITS, g), rtol=1e-6, atol=1e-8
    )


def test_sparse_labels_out_of_range_say_so_as_tf():
    with pytest.raises(InvalidLabels) as e:
        OPS["SparseSoftmaxCrossEntropyWithLogits"].kernel(np, LOGITS, np.array([0, 5, 1, 1]))
    assert str(e.value) == (
        "Received a label value of 5 which is outside the valid range of [0, 5).  "
        "Label values: 0 5 1 1"
    )


def test_div_no_nan_values_and_gradients():
    x = RNG.standard_normal((3, 4))
    y = RNG.uniform(0.5, 2.0, (3, 4))
    y[1, 2] = 0.0
    got = OPS["DivNoNan"].kernel(np, x, y)
    want = np.array(
        [
            [a / b if b != 0 else 0.0 for a, b in zip(r, s, strict=True)]
            for r, s in zip(x, y, strict=True)
        ]
    )
    np.testing.assert_array_equal(got, want)
    g = RNG.standard_normal((3, 4))
    dx, dy = analytic("DivNoNan", g, x, y)
    kernel = OPS["DivNoNan"].kernel
    mask = y != 0  # the derivative in y does not exist at y = 0; TF's rule gives 0 there
    np.testing.assert_allclose(dx, numeric_grad(lambda v: kernel(np, v, y), x, g), rtol=1e-6)
    num_dy = numeric_grad(lambda v: kernel(np, x, v), y, g)
    np.testing.assert_allclose(dy[mask], num_dy[mask], rtol=1e-6)
    assert dx[1, 2] == 0.0 and dy[1, 2] == 0.0


def test_shape_rules():
    xent = OPS["SoftmaxCrossEntropyWithLogits"].shape
    sparse = OPS["SparseSoftmaxCrossEntropyWithLogits"].shape
    assert xent((None, 10), (None, 10)) == (None,)
    assert sparse((8, 10), (8,)) == (8,)
    assert sparse(None, (8,)) is None
    from engine.ops import ShapeError

    with pytest.raises(ShapeError):
        sparse((8, 10), (8, 10))
    with pytest.raises(ShapeError):
        xent((8, 10), (8, 9))

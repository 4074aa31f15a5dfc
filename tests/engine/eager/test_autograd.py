"""Autograd against finite differences (float64), and PyTorch's bookkeeping."""

from __future__ import annotations

import numpy as np
import pytest

import engine.eager as torch


def numeric_grad(f, arrays, i, eps=1e-6):
    x = arrays[i]
    out = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        old = x[idx]
        x[idx] = old + eps
        up = f()
        x[idx] = old - eps
        down = f()
        x[idx] = old
        out[idx] = (up - down) / (2 * eps)
    return out


def check(expr, *shapes, positive=False):
    rng = np.random.default_rng(7)
    arrays = [rng.uniform(0.5, 2.0, s) if positive else rng.standard_normal(s) for s in shapes]
    leaves = [torch.tensor(a, dtype=torch.float64, requires_grad=True) for a in arrays]
    out = expr(*leaves)
    out.backward()
    for i, leaf in enumerate(leaves):
        views = [leaf.detach().numpy() for leaf in leaves]

        def f(views=views):
            with torch.no_grad():
                return expr(*[torch.from_numpy(v) for v in views]).item()

        np.testing.assert_allclose(
            leaf.grad.numpy(),
            numeric_grad(f, views, i),
            rtol=1e-5,
            atol=1e-7,
            err_msg=f"input {i}, shapes {shapes}, float64",
        )


def test_fan_out_sums_gradients():
    check(lambda x: (x * x + x * 3.0 - x).sum(), (3, 4))


def test_broadcasting_unbroadcasts():
    check(lambda a, b, c: ((a + b) * c - b / c).mean(), (3, 4), (4,), (3, 1), positive=True)


def test_matmul_chain_with_transpose_and_pow():
    check(
        lambda x, w1, w2: x.mm(w1).clamp(min=0.1).mm(w2).pow(2).sum() + w1.t().mm(x.t()).sum(),
        (3, 4),
        (4, 5),
        (5, 2),
    )


def test_reductions_indexing_and_nonlinearities():
    check(
        lambda x, y: (
            (x[1] * y.sum(0)).tanh().sum()
            + x[:, 0].exp().mean()
            + (1 - x.sigmoid()).sum()
            + x.pow(3).sum()
        ),
        (3, 4),
        (2, 4),
    )


def test_inplace_on_non_leaf_records_history():
    check(lambda x: _inplace_expr(x), (3, 4))


def _inplace_expr(x):
    h = x * 2.0
    h -= x
    h += 1.0
    return (h * x).sum()


def test_grad_fn_names_and_next_functions():
    x = torch.randn(3, 4)
    w = torch.randn(4, 5, requires_grad=True)
    loss = (x.mm(w).clamp(min=0) - 1).pow(2).sum()
    fn = loss.grad_fn
    names = []
    while fn is not None and fn.name != "AccumulateGrad":
        names.append(fn.name)
        fn = next((n for n, _ in fn.next_functions if n is not None), None)
    assert names == [
        "SumBackward0",
        "PowBackward0",
        "SubBackward0",
        "ClampMinBackward0",
        "MmBackward0",
    ]
    acc = (
        loss.grad_fn.next_functions[0][0]
        .next_functions[0][0]
        .next_functions[0][0]
        .next_functions[0][0]
        .next_functions[1][0]
    )
    assert acc.name == "AccumulateGrad" and acc.variable is w
    assert (
        loss.grad_fn.next_functions[0][0]
        .next_functions[0][0]
        .next_functions[0][0]
        .next_functions[0][0]
        .next_functions[0][0]
        is None
    )  # x needs no grad


def test_grad_accumulates_until_zeroed():
    w = torch.ones(3, requires_grad=True)
    (w * 2.0).sum().backward()
    (w * 3.0).sum().backward()
    np.testing.assert_allclose(w.grad.numpy(), [5.0, 5.0, 5.0])
    w.grad.zero_()
    np.testing.assert_allclose(w.grad.numpy(), [0.0, 0.0, 0.0])


def test_retain_graph_allows_a_second_backward():
    w = torch.ones(3, requires_grad=True)
    y = (w * w).sum()
    y.backward(retain_graph=True)
    y.backward()
    np.testing.assert_allclose(w.grad.numpy(), [4.0, 4.0, 4.0])


def test_graph_without_saved_values_survives_a_second_backward():
    w = torch.ones(3, requires_grad=True)
    y = (w + 1.0).sum()
    y.backward()
    y.backward()  # nothing was saved, so nothing was freed (as in PyTorch)
    np.testing.assert_allclose(w.grad.numpy(), [2.0, 2.0, 2.0])


def test_no_grad_and_enable_grad():
    w = torch.ones(2, requires_grad=True)
    with torch.no_grad():
        y = w * 2
        with torch.enable_grad():
            z = w * 2
    assert y.grad_fn is None and not y.requires_grad
    assert z.grad_fn is not None and z.requires_grad
    assert torch.is_grad_enabled()

    @torch.no_grad()
    def f():
        return w * 3

    assert f().grad_fn is None


def test_version_counter_counts_inplace_ops():
    t = torch.zeros(3)
    assert t._version == 0
    t += 1.0
    t[t > 0] = 2.0
    t.zero_()
    assert t._version == 3
    assert t.detach()._version == 3
    assert t.data._version == 0  # .data is outside version tracking


def test_leaf_and_requires_grad_propagation():
    x = torch.randn(2)
    w = torch.randn(2, requires_grad=True)
    y = x * w
    assert x.is_leaf and w.is_leaf and not y.is_leaf
    assert y.requires_grad and not (x * 2).requires_grad


def test_backward_with_explicit_gradient_for_non_scalar():
    w = torch.ones(2, 3, requires_grad=True)
    (w * 2.0).backward(torch.ones(2, 3))
    np.testing.assert_allclose(w.grad.numpy(), np.full((2, 3), 2.0))


def test_custom_function_saved_tensor_version_check():
    class Square(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return 2 * x * g

    x = torch.randn(3, requires_grad=True)
    h = x * 1.0
    y = Square.apply(h)
    y.sum().backward(retain_graph=True)
    np.testing.assert_allclose(x.grad.numpy(), 2 * x.detach().numpy(), rtol=1e-6)
    with torch.no_grad():
        h += 1.0
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.sum().backward()


def test_type_promotion_float32_plus_float64():
    a = torch.ones(2)
    b = torch.ones(2, dtype=torch.float64)
    assert (a + b).dtype == torch.float64
    assert (a * 2.0).dtype == torch.float32
    assert torch.randn(2).dtype == torch.float32

"""Triangles, pieces and views against real PyTorch's recorded answers
(``fixtures/torch_reference.json``, section ``pieces``): ``triu``/``tril`` and the causal
attention mask, ``split``/``chunk`` with a gradient through each piece, ``view`` after a
transpose (PyTorch's error) and ``reshape`` (a copy), the grad_fn names PyTorch gives
``transpose``, ``permute``, ``std`` and ``layer_norm``, and the error texts word for word."""

from __future__ import annotations

import numpy as np
import pytest

import engine.eager as torch
from engine.events import recording
from tests.engine.eager.fixtures.calls import piece_calls, piece_errors
from tests.engine.eager.fixtures.reference import REFERENCE, close, error_text, t

REF = REFERENCE["pieces"]
X, W = np.asarray(REF["x"]), np.asarray(REF["w"])
CALLS = piece_calls(torch)
CASES = {c["name"]: c for c in REF["cases"]}


def _weighted(parts: tuple[torch.Tensor, ...]) -> torch.Tensor:
    """Each piece times its own slice of the weights, summed: every piece's gradient counts."""
    total, start = 0, 0
    for p in parts:
        total = total + (p * t(W[start : start + p.numel()].reshape(tuple(p.shape)), False)).sum()
        start += p.numel()
    return total


@pytest.mark.parametrize("name", list(CASES))
def test_values_gradients_and_grad_fn_names_match_pytorch(name):
    case, x = CASES[name], t(X)
    y = CALLS[name](x)
    assert isinstance(y, tuple) == case["pieces"], f"{name}: pieces come as a tuple"
    parts = y if isinstance(y, tuple) else (y,)
    assert [list(p.shape) for p in parts] == case["shape"], name
    assert [p.grad_fn.name for p in parts] == case["grad_fn"], name
    _weighted(parts).backward()
    for i, (got, want, shape) in enumerate(zip(parts, case["y"], case["shape"], strict=True)):
        close(got, np.reshape(want, shape), f"{name} piece {i} value")  # (an empty one too)
    close(x.grad, case["dx"], f"d {name} / dx")


@pytest.mark.parametrize("name", ["triu_diagonal1", "tril_diagonal-1", "split_sizes", "chunk_qkv"])
def test_gradients_match_finite_differences(name):
    x = t(X)
    _weighted(_parts(CALLS[name](x))).backward()
    numeric, eps = np.zeros_like(X), 1e-6
    for idx in np.ndindex(X.shape):
        plus, minus = X.copy(), X.copy()
        plus[idx] += eps
        minus[idx] -= eps
        up = _weighted(_parts(CALLS[name](t(plus, False)))).item()
        down = _weighted(_parts(CALLS[name](t(minus, False)))).item()
        numeric[idx] = (up - down) / (2 * eps)
    np.testing.assert_allclose(x.grad.numpy(), numeric, rtol=1e-6, atol=1e-8, err_msg=name)


def _parts(y):
    return y if isinstance(y, tuple) else (y,)


@pytest.mark.parametrize("name", list(REF["errors"]))
def test_errors_match_pytorch_word_for_word(name):
    assert error_text(piece_errors(torch)[name]) == REF["errors"][name]


def test_the_attention_mask_idiom_runs_and_hides_the_future():
    T = 4
    scores = torch.randn(2, T, T, requires_grad=True)
    mask = torch.tril(torch.ones(T, T))
    att = scores.masked_fill(mask == 0, float("-inf")).softmax(-1)
    att.sum().backward()
    assert (att.detach().numpy()[:, np.triu_indices(T, 1)[0], np.triu_indices(T, 1)[1]] == 0).all()
    assert np.isfinite(scores.grad.numpy()).all()


def test_pieces_are_views_sharing_the_tensors_storage():
    x = torch.arange(6.0)
    a, b = x.split(3)
    with torch.no_grad():
        b.mul_(10)
    assert x.tolist() == [0.0, 1.0, 2.0, 30.0, 40.0, 50.0]
    assert x.transpose(0, 0).contiguous().view(2, 3).shape == (2, 3)


def test_a_reshape_that_copies_is_not_a_view():
    x = torch.arange(6.0).view(2, 3)
    y = x.t().reshape(6)
    y.add_(1)
    assert x.tolist() == [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]]


def test_each_piece_and_triangle_is_drawn_with_its_shape():
    x = torch.randn(2, 3, 4, requires_grad=True)
    with recording() as events:
        torch.new_iteration()
        x.split([1, 3], dim=-1)
        x.chunk(2, dim=1)
        x.tril()
        torch.new_iteration()
    made = [
        (e["name"], e["op"], e["inputs"], tuple(e["shape"]))
        for e in events
        if e["kind"] == "node_created" and e["op"] != "Leaf"
    ]
    assert made == [
        ("split", "Index", [0], (2, 3, 1)),
        ("split", "Index", [0], (2, 3, 3)),
        ("split", "Index", [0], (2, 2, 4)),
        ("split", "Index", [0], (2, 1, 4)),
        ("tril", "Tril", [0], (2, 3, 4)),
    ]


def test_mT_transposes_each_matrix_of_a_batch() -> None:  # noqa: N802 - PyTorch's name
    """``x.mT`` swaps the last two axes (``TransposeBackward0``, as PyTorch 2.13 names it);
    its gradient is the upstream one swapped back; below two dimensions, PyTorch's text."""
    values = X.ravel()[:24].reshape(2, 3, 4)
    x = t(values)
    y = x.mT
    assert tuple(y.shape) == (2, 4, 3) and y.grad_fn.name == "TransposeBackward0"
    np.testing.assert_array_equal(y.detach().numpy(), values.swapaxes(-1, -2))
    up = np.arange(24.0).reshape(2, 4, 3)
    (y * t(up, False)).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), up.swapaxes(-1, -2))
    assert x.mH.grad_fn.name == "TransposeBackward0"
    with pytest.raises(RuntimeError) as err:
        _ = t(X.ravel()[:3]).mT
    assert str(err.value) == (
        "tensor.mT is only supported on matrices or batches of matrices. Got 1-D tensor."
    )

"""What course training loops use beyond the lecture, against real PyTorch's recorded answers
(``fixtures/torch_reference.json``, section ``training_ops``): ``gather``, ``norm``,
``leaky_relu``, ``one_hot``, gradient clipping, and their error texts word for word."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import engine.eager as torch
from tests.engine.eager.fixtures.calls import training_calls
from tests.engine.eager.fixtures.reference import REFERENCE, close, error_text, t

REF = REFERENCE["training_ops"]
F = torch.nn.functional
INDEX = np.asarray(REF["index"])

CALLS = training_calls(torch, INDEX)
ONE_OP = {"GatherBackward0", "LinalgVectorNormBackward0", "LeakyReluBackward0"}
"""grad_fn names the engine shares with PyTorch (other norms are written out in ops)."""


@pytest.mark.parametrize("case", REF["cases"], ids=[c["name"] for c in REF["cases"]])
def test_values_and_gradients_match_pytorch(case):
    x = t(REF["x"])
    y = CALLS[case["name"]](x)
    w = np.asarray(REF["w"])
    wy = w[: y.shape[0], : y.shape[1]] if y.ndim == 2 else w.ravel()[: y.numel()]
    (y * t(np.reshape(wy, tuple(y.shape)), False)).sum().backward()
    close(y, case["y"], f"{case['name']} value")
    close(x.grad, case["dx"], f"d {case['name']} / dx")
    if case["name"] in ("gather1", "norm", "leaky_relu"):
        assert case["grad_fn"] in ONE_OP
        assert y.grad_fn.name == case["grad_fn"], case["name"]


@pytest.mark.parametrize("case", REF["clip"], ids=lambda c: f"{c['max_norm']}-{c['norm_type']}")
def test_clip_grad_norm_scales_all_gradients_as_pytorch_does(case):
    a, b = t(np.zeros((3, 2))), t(np.zeros(2))
    a.grad, b.grad = t(case["grads"][0], False), t(case["grads"][1], False)
    norm_type = float(case["norm_type"])
    total = torch.nn.utils.clip_grad_norm_([a, b], case["max_norm"], norm_type)
    close(total, case["total"], "total norm")
    close(a.grad, case["clipped"][0], "clipped grad of a")
    close(b.grad, case["clipped"][1], "clipped grad of b")


def test_clip_grad_value_clamps_each_element():
    g = t(np.zeros((3, 3)))
    g.grad = t(REF["clip_value"]["grad"], False)
    torch.nn.utils.clip_grad_value_([g], 0.5)
    close(g.grad, REF["clip_value"]["clipped"], "clip_grad_value_")


def test_clip_grad_norm_of_no_gradient_is_zero_and_a_model_trains_through_it():
    model = torch.nn.Linear(3, 2)
    assert torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0).item() == 0.0
    model(torch.ones(4, 3)).sum().backward()
    total = torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm=0.1)
    after = sum(float((p.grad * p.grad).sum()) for p in model.parameters()) ** 0.5
    assert total.item() > 0.1 and abs(after - 0.1) < 1e-5, (total, after)


def test_one_hot_matches_pytorch():
    labels = torch.tensor(REF["one_hot"]["labels"])
    assert F.one_hot(labels).tolist() == REF["one_hot"]["auto"]
    assert F.one_hot(labels, 5).tolist() == REF["one_hot"]["five"]
    assert str(F.one_hot(labels).dtype) == REF["one_hot"]["dtype"]


def _nan_grad() -> torch.Tensor:
    p = torch.zeros(2, requires_grad=True)
    p.grad = torch.full((2,), float("nan"))
    return p


SRC = torch.zeros(3, 4)
ERRORS: dict[str, Any] = {
    "gather_ndim": lambda: SRC.gather(1, torch.tensor([1, 0, 3])),
    "gather_range": lambda: SRC.gather(1, torch.tensor([[1], [0], [4]])),
    "gather_negative": lambda: SRC.gather(1, torch.tensor([[1], [-1], [0]])),
    "gather_size": lambda: SRC.gather(0, torch.tensor([[1] * 5])),
    "gather_dtype": lambda: SRC.gather(1, torch.tensor([[1.0], [0.0], [1.0]])),
    "gather_dim": lambda: SRC.gather(2, torch.tensor([[1]])),
    "one_hot_dtype": lambda: F.one_hot(torch.tensor([1.0, 2.0])),
    "one_hot_negative": lambda: F.one_hot(torch.tensor([-1, 2])),
    "one_hot_small": lambda: F.one_hot(torch.tensor([1, 2]), 2),
    "clip_nonfinite": lambda: torch.nn.utils.clip_grad_norm_(
        [_nan_grad()], 1.0, error_if_nonfinite=True
    ),
}


@pytest.mark.parametrize("name", sorted(REF["errors"]))
def test_errors_say_what_pytorch_says(name):
    assert error_text(ERRORS[name]) == REF["errors"][name]

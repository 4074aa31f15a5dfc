"""The boilerplate of course scripts against real PyTorch's recorded answers
(``fixtures/torch_reference.json``, section ``course_extras``): ``transpose``, ``permute``,
``where``, ``std``/``var`` (values and gradients), AdamW, ``nn.init``, ``ModuleList``,
``Module.apply``, ``randperm``, and their error texts word for word."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import engine.eager as torch
from tests.engine.eager.fixtures.calls import course_calls
from tests.engine.eager.fixtures.reference import REFERENCE, close, error_text, matches, t

REF = REFERENCE["course_extras"]
MASK = np.asarray(REF["mask"])

CALLS = course_calls(torch, MASK)


@pytest.mark.parametrize("case", REF["cases"], ids=[c["name"] for c in REF["cases"]])
def test_values_and_gradients_match_pytorch(case):
    matches(CALLS[case["name"]], case, REF["x"], REF["w"])


@pytest.mark.parametrize("case", REF["adamw"]["cases"], ids=lambda c: str(c["kwargs"]))
def test_adamw_steps_match_pytorch(case):
    p = t(REF["adamw"]["w0"])
    kwargs = {**case["kwargs"], "betas": tuple(case["kwargs"]["betas"])}
    opt = torch.optim.AdamW([p], **kwargs)
    for i, want in enumerate(case["steps"]):
        opt.zero_grad()
        ((p - t(REF["adamw"]["target"], False)) ** 2).sum().backward()
        opt.step()
        close(p, want, f"AdamW {case['kwargs']} after step {i + 1}")


def test_init_gains_match_pytorch():
    calls = {
        "relu": ("relu",),
        "tanh": ("tanh",),
        "leaky_relu": ("leaky_relu",),
        "leaky_relu_0.2": ("leaky_relu", 0.2),
        "sigmoid": ("sigmoid",),
        "selu": ("selu",),
    }
    for name, args in calls.items():
        assert torch.nn.init.calculate_gain(*args) == pytest.approx(REF["gains"][name]), name


def test_init_fills_in_place_within_the_fan_bounds():
    torch.manual_seed(0)
    w = torch.nn.Linear(300, 200).weight
    same = w
    bound = (6.0 / (300 + 200)) ** 0.5
    torch.nn.init.xavier_uniform_(w)
    a = w.detach().numpy()
    assert same is w and w.requires_grad and w.grad_fn is None
    assert np.abs(a).max() <= bound and np.abs(a).max() > 0.99 * bound
    torch.nn.init.kaiming_normal_(w, nonlinearity="relu")
    assert abs(float(w.detach().numpy().std()) - (2.0 / 300) ** 0.5) < 0.003
    torch.nn.init.zeros_(w)
    assert not w.detach().numpy().any()
    torch.nn.init.constant_(w, 0.5)
    assert (w.detach().numpy() == 0.5).all()


def test_modulelist_registers_its_modules_and_apply_visits_children_first():
    class Net(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.blocks = torch.nn.ModuleList([torch.nn.Linear(3, 4), torch.nn.Linear(4, 2)])
            self.head = torch.nn.Linear(2, 1)

        def forward(self, x: Any) -> Any:
            for block in self.blocks[:-1]:
                x = block(x).relu()
            return self.head(self.blocks[-1](x))

    net = Net()
    assert [n for n, _ in net.named_parameters()] == REF["param_names"]
    visited: list[str] = []
    net.apply(lambda m: visited.append(type(m).__name__))
    assert visited == REF["apply_order"]
    assert len(net.blocks) == 2 and [type(m).__name__ for m in net.blocks] == ["Linear"] * 2
    net(torch.randn(5, 3)).sum().backward()
    assert all(p.grad is not None for p in net.parameters())
    assert [n for n, _ in net.named_parameters()] == REF["param_names"]  # slicing renamed none


def test_randperm_is_a_permutation_drawn_from_the_seed():
    torch.manual_seed(3)
    a = torch.randperm(10)
    torch.manual_seed(3)
    b = torch.randperm(10)
    assert sorted(a.tolist()) == list(range(10)) and a.tolist() == b.tolist()
    assert str(a.dtype) == REF["randperm_dtype"]


def test_where_gives_pytorchs_dtypes():
    cond = torch.tensor([True, False])
    got = {
        "float_int": torch.where(cond, 1.0, 0),
        "int_int": torch.where(cond, 1, 0),
        "double_int": torch.where(cond, torch.zeros(2, dtype=torch.float64), 2),
        "int32_float": torch.where(cond, torch.zeros(2, dtype=torch.int32), 2.5),
    }
    assert {k: str(v.dtype) for k, v in got.items()} == REF["where_dtypes"]


ERRORS: dict[str, Any] = {
    "permute_len": lambda: torch.zeros(2, 3, 4).permute(0, 1),
    "permute_dup": lambda: torch.zeros(2, 3, 4).permute(0, 1, 1),
    "permute_range": lambda: torch.zeros(2, 3, 4).permute(0, 1, 3),
    "transpose_range": lambda: torch.zeros(2, 3, 4).transpose(0, 3),
    "where_cond": lambda: torch.where(torch.tensor([1, 0]), torch.zeros(2), 1.0),
    "randperm_negative": lambda: torch.randperm(-1),
    "init_fans": lambda: torch.nn.init.xavier_uniform_(torch.zeros(3)),
    "init_gain": lambda: torch.nn.init.calculate_gain("swish"),
}


@pytest.mark.parametrize("name", sorted(REF["errors"]))
def test_errors_say_what_pytorch_says(name):
    assert error_text(ERRORS[name]) == REF["errors"][name]

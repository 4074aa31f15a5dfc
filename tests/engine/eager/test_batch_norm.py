"""``nn.BatchNorm1d`` and module buffers against real PyTorch's recorded answers
(``fixtures/torch_reference.json``, section ``batch_norm``): outputs and gradients while
training, the running statistics, eval mode, ``state_dict`` keys and error texts."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import engine.eager as torch
from tests.engine.eager.fixtures.reference import REFERENCE, close, error_text, t

REF = REFERENCE["batch_norm"]


def _layer(case: dict[str, Any]) -> Any:
    bn = torch.nn.BatchNorm1d(3, dtype=torch.float64, **case["kwargs"])
    if case["weight"] is not None:
        with torch.no_grad():  # the values the recorded layer started from
            bn.weight.copy_(t(case["weight"], False))
            bn.bias.copy_(t(case["bias"], False))
    return bn


@pytest.mark.parametrize("case", REF["cases"], ids=lambda c: f"{c['shape']}-{c['kwargs']}")
def test_training_steps_then_eval_match_pytorch(case):
    bn = _layer(case)
    for i, step in enumerate(case["steps"]):
        x = t(step["x"])
        bn.zero_grad()
        y = bn(x)
        (y * t(step["w"], False)).sum().backward()
        what = f"step {i}, input {case['shape']}, {case['kwargs']}"
        close(y, step["y"], f"{what}: output")
        close(x.grad, step["dx"], f"{what}: d/dx")
        if step["dweight"] is not None:
            close(bn.weight.grad, step["dweight"], f"{what}: d/dweight")
            close(bn.bias.grad, step["dbias"], f"{what}: d/dbias")
        close(bn.running_mean, step["running_mean"], f"{what}: running_mean")
        close(bn.running_var, step["running_var"], f"{what}: running_var")
    bn.eval()
    close(bn(t(case["eval_x"], False)), case["eval_y"], f"eval, input {case['shape']}")
    assert bn.num_batches_tracked.item() == case["tracked"]
    assert str(bn.num_batches_tracked.dtype) == REF["tracked_dtype"]


def test_buffers_are_kept_in_state_dict_in_pytorchs_order_and_restored():
    def model() -> Any:
        return torch.nn.Sequential(
            torch.nn.Linear(4, 3), torch.nn.BatchNorm1d(3), torch.nn.ReLU(), torch.nn.Linear(3, 2)
        )

    trained = model()
    trained(torch.randn(8, 4))  # a training step moves the running statistics
    state = trained.state_dict()
    assert list(state) == REF["state_dict"]
    assert [n for n, _ in trained.named_parameters()] == [
        k for k in REF["state_dict"] if "running" not in k and "tracked" not in k
    ]
    fresh = model()
    fresh.load_state_dict(state)
    np.testing.assert_array_equal(fresh[1].running_mean.numpy(), state["1.running_mean"].numpy())
    assert fresh[1].num_batches_tracked.item() == 1
    assert len(list(fresh.buffers())) == 3


def test_buffers_are_no_parameters_and_repr_matches():
    bn = torch.nn.BatchNorm1d(3)
    assert len(list(bn.parameters())) == 2
    assert repr(bn) == REF["repr"]


def test_eval_mode_uses_the_running_statistics_and_records_nothing():
    bn = torch.nn.BatchNorm1d(2, affine=False)
    bn.eval()
    x = torch.tensor([[1.0, 3.0], [3.0, 5.0]])
    y = bn(x)
    want = x.numpy() / np.sqrt(1 + 1e-5)  # running mean 0, running var 1
    np.testing.assert_allclose(y.numpy(), want, rtol=1e-6, err_msg="eval BatchNorm1d, float32")
    assert bn.num_batches_tracked.item() == 0


BN = torch.nn.BatchNorm1d(3)
ERRORS: dict[str, Any] = {
    "one_per_channel": lambda: BN(torch.zeros(1, 3)),
    "features": lambda: BN(torch.zeros(2, 4)),
    "rank": lambda: BN(torch.zeros(2, 3, 4, 5)),
}


@pytest.mark.parametrize("name", sorted(REF["errors"]))
def test_errors_say_what_pytorch_says(name):
    assert error_text(ERRORS[name]) == REF["errors"][name]

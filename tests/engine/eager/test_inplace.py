"""In-place autograd as PyTorch does it, against real PyTorch's answers recorded once in
``fixtures/torch_reference.json`` (section ``inplace``, cases in ``fixtures/inplace_calls.py``)
and against finite differences.

A non-leaf changed in place keeps its history (its grad_fn becomes the op's node); a leaf that
requires grad refuses outside ``no_grad``; a value saved for backward and changed afterwards is
caught by the version counter, with PyTorch's words. Values and gradients in float64 (1e-10),
error texts whole and word for word.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import engine.eager as torch
from engine.eager import errors
from engine.events import recording
from tests.engine.eager.fixtures.inplace_calls import (
    inplace_cases,
    inplace_errors,
    no_grad_updates,
)
from tests.engine.eager.fixtures.reference import REFERENCE, close, t

REF = REFERENCE["inplace"]
CASES = inplace_cases(torch)
GRAD_FN = {"ClampBackward1": "ClampMinBackward0"}
"""Where the engine's grad_fn name is not PyTorch 2.13's: the engine names a clamp (in place
or not) ``ClampMinBackward0``, as the lecture's PyTorch did; 2.13 says ``ClampBackward1``."""


def weights(case: dict[str, Any], h: torch.Tensor) -> np.ndarray:
    w = np.asarray(case["w"])
    return w.T if tuple(h.shape) != w.shape else w


@pytest.mark.parametrize("case", REF["cases"], ids=[c["name"] for c in REF["cases"]])
def test_values_gradients_names_and_versions_match_pytorch(case):
    x, y = t(case["x"]), t(case["y"])
    h = CASES[case["name"]](x, y)
    (h * t(weights(case, h), False)).sum().backward()
    name = case["name"]
    close(h, case["h"], f"{name} value")
    for leaf, want, what in ((x, case["dx"], "dx"), (y, case["dy"], "dy")):
        if want is None:
            assert leaf.grad is None, f"{name}: {what} should get no gradient"
        else:
            close(leaf.grad, want, f"d {name} / {what}")
    assert h.grad_fn.name == GRAD_FN.get(case["grad_fn"], case["grad_fn"]), name
    assert h._version == case["version"], name
    assert h.requires_grad and not h.is_leaf


def numeric_grad(f: Any, a: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    grad = np.zeros_like(a)
    for i in np.ndindex(a.shape):
        up, down = a.copy(), a.copy()
        up[i] += eps
        down[i] -= eps
        grad[i] = (f(up) - f(down)) / (2 * eps)
    return grad


@pytest.mark.parametrize("case", REF["cases"], ids=[c["name"] for c in REF["cases"]])
def test_gradients_match_finite_differences(case):
    fn, x0, y0 = CASES[case["name"]], np.asarray(case["x"]), np.asarray(case["y"])
    x, y = t(x0), t(y0)
    h = fn(x, y)
    w = weights(case, h)
    (h * t(w, False)).sum().backward()

    def loss(xv: np.ndarray, yv: np.ndarray) -> float:
        return float((fn(t(xv, False), t(yv, False)).numpy() * w).sum())

    for leaf, numeric in (
        (x, numeric_grad(lambda v: loss(v, y0), x0)),
        (y, numeric_grad(lambda v: loss(x0, v), y0)),
    ):
        got = np.zeros_like(x0) if leaf.grad is None else leaf.grad.numpy()
        np.testing.assert_allclose(
            got, numeric, rtol=1e-5, atol=1e-6, err_msg=f"{case['name']}, float64, (3, 4)"
        )


def error_text(fn: Any) -> str:
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - compared with what torch raised
        return f"{type(e).__name__}: {e}"
    return "no error"


@pytest.mark.parametrize("name", list(REF["errors"]))
def test_error_texts_match_pytorch(name):
    rng = np.random.default_rng(5)
    x = torch.tensor(rng.standard_normal((3, 4)).astype(np.float32), requires_grad=True)
    y = torch.tensor(rng.standard_normal((3, 4)).astype(np.float32), requires_grad=True)
    assert error_text(inplace_errors(torch, x, y)[name]) == REF["errors"][name]


def test_a_refused_leaf_update_changes_nothing():
    x = torch.ones(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="^" + errors.LEAF_INPLACE.replace(".", r"\.") + "$"):
        x.mul_(2)
    assert x._version == 0 and x.is_leaf and x.grad_fn is None
    np.testing.assert_array_equal(x.detach().numpy(), [1.0, 1.0, 1.0])


def test_leaves_update_in_place_under_no_grad_as_pytorch():
    ref = REF["no_grad"]
    w = t(ref["w"])
    steps = no_grad_updates(torch, w, t(ref["v"], False))
    assert len(steps) == len(ref["steps"])
    for i, (got, want) in enumerate(zip(steps, ref["steps"], strict=True)):
        close(got, want, f"no_grad update step {i}")
    assert w._version == ref["version"]
    assert w.is_leaf == ref["is_leaf"] and w.requires_grad == ref["requires_grad"]
    assert w.grad_fn is None


def test_an_optimizer_step_leaves_the_weights_leaves():
    w = torch.randn(4, 3, requires_grad=True)
    opt = torch.optim.SGD([w], lr=0.1, momentum=0.9)
    for _ in range(3):
        opt.zero_grad()
        (w * w).sum().backward()
        opt.step()
    assert w.is_leaf and w.grad_fn is None and w._version > 0


def test_the_version_counter_is_shared_with_detached_views():
    x = torch.ones(2, 3, requires_grad=True)
    h = x * 1
    d = h.detach()
    d.mul_(2)  # a detached tensor changes the same values: PyTorch counts it on h too
    assert h._version == 1
    z = h.sin()
    d.add_(1)
    with pytest.raises(RuntimeError, match="output 0 of Mul, is at version 2; expected version 1"):
        z.sum().backward()


def test_the_old_history_feeds_the_new_node():
    x = torch.ones(2, 3, requires_grad=True)
    h = x.exp()
    before = h.grad_fn
    h.mul_(2)
    assert h.grad_fn is not before and h.grad_fn.name == "MulBackward0"
    assert h.grad_fn.next_functions[0][0] is before
    assert h.grad_fn.next_functions[1][0] is None  # a number


def test_forward_name_is_the_one_the_error_gives():
    assert errors.forward_name("MulBackward0") == "Mul"
    assert errors.forward_name("TBackward1") == "T1"
    assert errors.forward_name("torch::autograd::CopyBackwards") == "torch::autograd::CopyBackwards"
    assert errors.forward_name("CopySlices") == "CopySlices"


def test_relu_inplace_in_nn():
    x = t(np.linspace(-1, 1, 6).reshape(2, 3))
    h = x * 1
    out = torch.nn.functional.relu(h, inplace=True)
    assert out is h and h.grad_fn.name == "ReluBackward0"
    net = torch.nn.Sequential(torch.nn.Linear(3, 2), torch.nn.ReLU(inplace=True))
    assert repr(net[1]) == "ReLU(inplace=True)" and repr(torch.nn.ReLU()) == "ReLU()"
    out = net(torch.randn(4, 3))
    assert out.grad_fn.name == "ReluBackward0" and out.min().item() >= 0
    out.sum().backward()
    assert net[0].weight.grad is not None


def test_inplace_ops_are_nodes_fed_by_the_tensor_before():
    x = torch.ones(3, 4, requires_grad=True)
    y = torch.ones(3, 4, requires_grad=True)
    with recording() as events:
        torch.new_iteration()
        h = x * 1
        h.mul_(y)
        h.t_()
        h.relu_()
        h.sum().backward()
        torch.new_iteration()
    nodes = [e for e in events if e["kind"] == "node_created"]
    by_name = {n["name"]: n for n in nodes}
    mul, mul_, t_, relu_ = by_name["mul"], by_name["mul_"], by_name["t_"], by_name["relu_"]
    assert mul_["op"] == "AssignMul" and mul_["inputs"] == [mul["node"], by_name["y"]["node"]]
    assert t_["op"] == "AssignTranspose" and t_["inputs"] == [mul_["node"]]
    assert t_["shape"] == [4, 3] and relu_["shape"] == [4, 3]
    assert relu_["inputs"] == [t_["node"]]
    grads = {e["node"] for e in events if e["kind"] == "grad"}
    assert {mul_["node"], t_["node"], relu_["node"]} <= grads


def test_an_inplace_op_on_a_view_is_where_the_base_is_drawn_from_after():
    x = torch.ones(3, 4, requires_grad=True)
    with recording() as events:
        torch.new_iteration()
        h = x * 1
        h[0].mul_(2)
        h.sum().backward()
        torch.new_iteration()
    nodes = {n["name"]: n for n in events if n["kind"] == "node_created"}
    assert nodes["select"]["inputs"] == [nodes["mul"]["node"]]
    assert nodes["mul_"]["inputs"] == [nodes["select"]["node"]]
    assert nodes["sum"]["inputs"] == [nodes["mul_"]["node"]]
    np.testing.assert_array_equal(x.grad.numpy(), [[2.0] * 4, [1.0] * 4, [1.0] * 4])


def test_copy_across_devices_sends_the_gradient_home():
    from engine import devices
    from tests import fakecupy

    with devices.simulated_gpu(fakecupy):
        x = torch.ones(2, 3, requires_grad=True)
        h = torch.zeros(2, 3, device="cuda")
        h.copy_(x * 2)
        assert h.is_cuda and h.grad_fn.name == "torch::autograd::CopyBackwards"
        (h * torch.full((2, 3), 3.0, device="cuda")).sum().backward()
        assert not x.grad.is_cuda
        np.testing.assert_array_equal(x.grad.numpy(), np.full((2, 3), 6.0))
        with torch.no_grad():
            x.copy_(h)
        np.testing.assert_array_equal(x.detach().numpy(), np.full((2, 3), 2.0))


def test_views_changed_in_place_on_the_simulated_gpu_give_the_cpu_gradients():
    from engine import devices
    from tests import fakecupy

    def run(device: str) -> np.ndarray:
        x = torch.tensor(np.arange(12.0).reshape(3, 4) / 7, device=device, requires_grad=True)
        h = x * 1
        h[0].mul_(x[1] * 2)
        h.t()[1].neg_()
        h[1:, 2:].clamp_(max=0.9)
        (h * h).sum().backward()
        return x.grad.cpu().numpy()

    want = run("cpu")
    with devices.simulated_gpu(fakecupy):
        np.testing.assert_allclose(run("cuda"), want, rtol=1e-12, err_msg="float64, (3, 4)")

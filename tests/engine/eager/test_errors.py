"""Every row of the PyTorch error table: RuntimeError (or PyTorch's type) with PyTorch's words."""

from __future__ import annotations

import re

import numpy as np
import pytest

import engine.eager as torch
from engine import devices
from engine.eager import errors
from engine.eager.tensor import _new
from engine.events import recording


def raises(exc, text):
    return pytest.raises(exc, match="^" + re.escape(text) + "$")


def test_mm_shape_mismatch():
    with raises(RuntimeError, "mat1 and mat2 shapes cannot be multiplied (3x4 and 5x6)"):
        torch.randn(3, 4).mm(torch.randn(5, 6))


def test_mm_non_matrix():
    with raises(RuntimeError, "self must be a matrix"):
        torch.randn(3).mm(torch.randn(3, 2))
    with raises(RuntimeError, "mat2 must be a matrix"):
        torch.randn(2, 3).mm(torch.randn(3))


def test_mm_dtype_mismatch():
    with raises(
        RuntimeError, "expected mat1 and mat2 to have the same dtype, but got: float != double"
    ):
        torch.randn(3, 4).mm(torch.randn(4, 2, dtype=torch.float64))


def test_elementwise_shape_mismatch():
    with raises(
        RuntimeError,
        "The size of tensor a (4) must match the size of tensor b (5) at non-singleton dimension 1",
    ):
        torch.randn(3, 4) + torch.randn(3, 5)


class FakeGPU(devices.Device):
    """A second device on numpy: the mixing check is logic, testable without a GPU."""

    name = "gpu"


def test_mixed_devices():
    a = torch.randn(2, 2)
    b = _new(np.ones((2, 2), np.float32), FakeGPU())
    with raises(RuntimeError, errors.device_message("cpu", "cuda:0")):
        a + b
    with raises(
        RuntimeError,
        "Expected all tensors to be on the same device, but found at least "
        "two devices, cpu and cuda:0!",
    ):
        a.mm(b)


def test_cuda_without_gpu_says_why():
    ok, reason = devices.gpu_status()
    if ok:
        pytest.skip("a GPU is present")
    with pytest.raises(RuntimeError, match=re.escape(reason)):
        torch.randn(2, 2).cuda()
    with pytest.raises(RuntimeError, match=re.escape(reason)):
        torch.randn(2, 2).type(torch.cuda.FloatTensor)
    assert torch.device("cuda").type == "cuda"  # naming a device touches nothing


def test_backward_twice():
    x = torch.randn(3, requires_grad=True)
    y = (x * x).sum()
    y.backward()
    with raises(RuntimeError, errors.BACKWARD_TWICE):
        y.backward()
    assert errors.BACKWARD_TWICE.startswith("Trying to backward through the graph a second time")


def test_backward_from_non_scalar():
    with raises(RuntimeError, "grad can be implicitly created only for scalar outputs"):
        (torch.randn(3, requires_grad=True) * 2).backward()


def test_backward_without_grad_fn():
    with raises(
        RuntimeError, "element 0 of tensors does not require grad and does not have a grad_fn"
    ):
        torch.randn(3).sum().backward()


def test_inplace_on_leaf_requiring_grad():
    w = torch.randn(3, requires_grad=True)
    with raises(
        RuntimeError, "a leaf Variable that requires grad is being used in an in-place operation."
    ):
        w -= 1.0
    with torch.no_grad():
        w -= 1.0  # allowed, as in P3
    assert w._version == 1


def test_saved_tensor_modified_in_place():
    x = torch.randn(64, 100)
    w = torch.randn(100, 10, requires_grad=True)
    h = x.clamp(min=0)
    y = h.mm(w)  # MmBackward0 saves h
    h -= 1.0
    with pytest.raises(RuntimeError) as e:
        y.sum().backward()
    assert str(e.value) == (
        "one of the variables needed for gradient computation has been modified by an inplace "
        "operation: [torch.FloatTensor [64, 100]] is at version 1; expected version 0 instead. "
        "Hint: enable anomaly detection to find the operation that failed to compute its gradient, "
        "with torch.autograd.set_detect_anomaly(True, check_nan=False)."
    )


def test_saved_output_of_a_node_modified_in_place_names_its_producer():
    x = torch.randn(4, 5, requires_grad=True)
    w = torch.randn(5, 3, requires_grad=True)
    h = x.clamp(min=0)
    y = h.mm(w)  # saves h for w's gradient
    with torch.no_grad():
        h.masked_fill_(h > 1, 0.0)
    with pytest.raises(
        RuntimeError,
        match=re.escape(
            "[torch.FloatTensor [4, 5]], which is output 0 "
            "of ClampMin, is at version 1; "  # PyTorch 2.13 names the node without 'Backward0'
            "expected version 0 instead."
        ),
    ):
        y.sum().backward()


def test_bool_of_multi_element_tensor():
    with raises(RuntimeError, "Boolean value of Tensor with more than one value is ambiguous"):
        bool(torch.randn(2, 2))
    assert bool(torch.ones(1)) is True


def test_numpy_of_tensor_requiring_grad():
    with raises(
        RuntimeError,
        "Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead.",
    ):
        torch.randn(2, requires_grad=True).numpy()


def test_index_out_of_range_is_checked_not_wrapped():
    with raises(IndexError, "index 3 is out of bounds for dimension 0 with size 3"):
        torch.randn(3, 4)[3]


def test_error_event_is_emitted_before_raising_and_names_the_node():
    torch.new_iteration()
    a, b = torch.randn(3, 4), torch.randn(5, 6)
    with recording() as events, pytest.raises(RuntimeError):
        a.mm(b)
    err = [e for e in events if e["kind"] == "error"]
    assert err and err[0]["type"] == "RuntimeError"
    assert err[0]["message"].startswith("mat1 and mat2 shapes")
    failed = [e for e in events if e["kind"] == "node_created" and e["node"] == err[0]["node"]]
    assert failed and failed[0]["op"] == "MatMul" and failed[0]["graph"] == err[0]["graph"]

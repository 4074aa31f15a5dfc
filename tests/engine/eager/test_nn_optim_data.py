"""nn layers, optimizers (step values against numpy by hand) and the DataLoader."""

from __future__ import annotations

import math

import numpy as np
import pytest

import engine.eager as torch


def test_linear_shapes_and_init_bounds():
    torch.manual_seed(0)
    layer = torch.nn.Linear(100, 7)
    assert layer.weight.shape == (7, 100) and layer.bias.shape == (7,)
    bound = 1 / math.sqrt(100)
    assert np.abs(layer.weight.detach().numpy()).max() <= bound
    assert np.abs(layer.bias.detach().numpy()).max() <= bound
    assert layer.weight.requires_grad and isinstance(layer.weight, torch.nn.Parameter)
    x = torch.randn(4, 100)
    want = x.numpy() @ layer.weight.detach().numpy().T + layer.bias.detach().numpy()
    np.testing.assert_allclose(layer(x).detach().numpy(), want, rtol=1e-5, atol=1e-6)


def test_linear_input_mismatch_uses_mm_wording():
    with pytest.raises(
        RuntimeError, match=r"^mat1 and mat2 shapes cannot be multiplied \(4x3 and 5x2\)$"
    ):
        torch.nn.Linear(5, 2)(torch.randn(4, 3))


def test_mse_loss_reductions():
    a, b = torch.randn(3, 4), torch.randn(3, 4)
    d = (a.numpy() - b.numpy()) ** 2
    np.testing.assert_allclose(torch.nn.functional.mse_loss(a, b).item(), d.mean(), rtol=1e-5)
    np.testing.assert_allclose(torch.nn.MSELoss(reduction="sum")(a, b).item(), d.sum(), rtol=1e-5)
    with pytest.warns(UserWarning, match="size_average and reduce args will be deprecated"):
        loss = torch.nn.MSELoss(size_average=False)
    assert loss.reduction == "sum"


def test_sgd_step_values():
    p = torch.nn.Parameter(torch.tensor([1.0, -2.0, 3.0]))
    p.grad = torch.tensor([0.5, 0.5, -1.0])
    opt = torch.optim.SGD([p], lr=0.1)
    opt.step()
    np.testing.assert_allclose(p.detach().numpy(), [0.95, -2.05, 3.1], rtol=1e-6)
    opt.zero_grad()
    assert p.grad is None


def test_sgd_momentum_step_values():
    p = torch.nn.Parameter(torch.tensor([1.0]))
    opt = torch.optim.SGD([p], lr=0.1, momentum=0.9)
    for _ in range(2):
        p.grad = torch.tensor([1.0])
        opt.step()
    # buf1 = 1, p = 0.9; buf2 = 0.9 * 1 + 1 = 1.9, p = 0.9 - 0.19
    np.testing.assert_allclose(p.detach().numpy(), [0.71], rtol=1e-6)


def test_adam_step_values_against_numpy():
    rng = np.random.default_rng(0)
    p0 = rng.standard_normal(5)
    grads = [rng.standard_normal(5) for _ in range(3)]
    p = torch.nn.Parameter(torch.tensor(p0, dtype=torch.float64))
    opt = torch.optim.Adam([p], lr=0.01, betas=(0.9, 0.999), eps=1e-8)
    want, m, v = p0.copy(), np.zeros(5), np.zeros(5)
    for t, g in enumerate(grads, start=1):
        p.grad = torch.tensor(g, dtype=torch.float64)
        opt.step()
        m = 0.9 * m + 0.1 * g
        v = 0.999 * v + 0.001 * g * g
        m_hat, v_hat = m / (1 - 0.9**t), v / (1 - 0.999**t)
        want = want - 0.01 * m_hat / (np.sqrt(v_hat) + 1e-8)
    np.testing.assert_allclose(p.detach().numpy(), want, rtol=1e-6, atol=1e-9)


def test_dataloader_batches_in_order_with_a_short_last_batch():
    x = torch.arange(10).float().view(10, 1)
    y = torch.arange(10)
    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(x, y), batch_size=4)
    batches = list(loader)
    assert len(loader) == 3 and [b[0].shape[0] for b in batches] == [4, 4, 2]
    assert batches[2][1].tolist() == [8, 9]
    assert batches[0][0].numpy().ravel().tolist() == [0.0, 1.0, 2.0, 3.0]


def test_dataloader_drop_last_and_shuffle():
    x = torch.arange(10)
    ds = torch.utils.data.TensorDataset(x)
    loader = torch.utils.data.DataLoader(ds, batch_size=4, shuffle=True, drop_last=True)
    torch.manual_seed(3)
    batches = [b[0].tolist() for b in loader]
    assert len(loader) == 2 and len(batches) == 2 and all(len(b) == 4 for b in batches)
    flat = sum(batches, [])
    assert len(set(flat)) == 8 and flat != list(range(8))


def test_tensor_dataset_checks_sizes():
    with pytest.raises(AssertionError, match="Size mismatch between tensors"):
        torch.utils.data.TensorDataset(torch.zeros(3), torch.zeros(4))


def test_legacy_types_and_devices():
    dtype = torch.FloatTensor
    x = torch.randn(2, 3).type(torch.DoubleTensor)
    assert x.type() == "torch.DoubleTensor" and x.dtype == torch.float64
    assert x.type(dtype).type() == "torch.FloatTensor"
    assert torch.FloatTensor(2, 3).shape == (2, 3)
    assert torch.FloatTensor([1, 2]).tolist() == [1.0, 2.0]
    assert torch.device("cpu") == torch.randn(1).device
    assert repr(torch.device("cuda:0")) == "device(type='cuda', index=0)"
    assert torch.tensor([1, 2]).dtype == torch.int64
    assert torch.tensor([1.5]).dtype == torch.float32
    assert torch.randn(2, 3).to(torch.device("cpu")).device.type == "cpu"
    assert torch.randn(2, 3).size() == torch.Size([2, 3]) and torch.randn(2, 3).size(1) == 3

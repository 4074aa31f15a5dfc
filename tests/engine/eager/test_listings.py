"""The lecture's PyTorch listings (A0.3, P2-P9, S4, S5) at small sizes, against numpy by hand."""

from __future__ import annotations

import numpy as np
import pytest

import engine.eager as torch

N, D_in, H, D_out = 8, 12, 6, 3
TOL = {"rtol": 1e-4, "atol": 1e-5}


def host(t):
    return t.detach().numpy().copy()


def test_a03_computational_graph_2018():
    N_, D = 3, 4
    device = torch.device("cpu")
    torch.manual_seed(0)
    x = torch.randn(N_, D, requires_grad=True, device=device)
    y = torch.randn(N_, D, device=device)
    z = torch.randn(N_, D, device=device)
    a = x * y
    b = a + z
    c = torch.sum(b)
    c.backward()
    xn, yn, zn = host(x), host(y), host(z)
    assert np.allclose(c.item(), np.sum(xn * yn + zn), rtol=1e-5)
    grad_b = np.ones((N_, D))  # A0.1's manual backward
    np.testing.assert_allclose(x.grad.numpy(), grad_b * yn, **TOL)
    assert y.grad is None and z.grad is None


def test_a03_computational_graph_2017_variable():
    from engine.eager.autograd import Variable

    torch.manual_seed(1)
    x = Variable(torch.randn(3, 4), requires_grad=True)
    y = Variable(torch.randn(3, 4), requires_grad=True)
    z = Variable(torch.randn(3, 4), requires_grad=True)
    c = torch.sum(x * y + z)
    c.backward()
    np.testing.assert_allclose(x.grad.data.numpy(), y.data.numpy(), **TOL)
    np.testing.assert_allclose(y.grad.data.numpy(), x.data.numpy(), **TOL)
    np.testing.assert_allclose(z.grad.data.numpy(), np.ones((3, 4)), **TOL)


def numpy_p2(x, y, w1, w2, lr, steps):
    """P2's manual loop in numpy (the lecture's own numpy network)."""
    losses = []
    for _ in range(steps):
        h = x.dot(w1)
        h_relu = np.maximum(h, 0)
        y_pred = h_relu.dot(w2)
        losses.append(np.square(y_pred - y).sum())
        grad_y_pred = 2.0 * (y_pred - y)
        grad_w2 = h_relu.T.dot(grad_y_pred)
        grad_h_relu = grad_y_pred.dot(w2.T)
        grad_h = grad_h_relu.copy()
        grad_h[h < 0] = 0
        grad_w1 = x.T.dot(grad_h)
        w1 = w1 - lr * grad_w1
        w2 = w2 - lr * grad_w2
    return w1, w2, losses


def test_p2_tensors_manual_backward():
    dtype = torch.FloatTensor
    torch.manual_seed(0)
    x = torch.randn(N, D_in).type(dtype)
    y = torch.randn(N, D_out).type(dtype)
    w1 = torch.randn(D_in, H).type(dtype)
    w2 = torch.randn(H, D_out).type(dtype)
    start = [host(v) for v in (x, y, w1, w2)]
    learning_rate = 1e-3
    losses = []
    for _t in range(5):
        h = x.mm(w1)
        h_relu = h.clamp(min=0)
        y_pred = h_relu.mm(w2)
        loss = (y_pred - y).pow(2).sum()
        losses.append(loss.item())
        grad_y_pred = 2.0 * (y_pred - y)
        grad_w2 = h_relu.t().mm(grad_y_pred)
        grad_h_relu = grad_y_pred.mm(w2.t())
        grad_h = grad_h_relu.clone()
        grad_h[h < 0] = 0
        grad_w1 = x.t().mm(grad_h)
        w1 -= learning_rate * grad_w1
        w2 -= learning_rate * grad_w2
    w1n, w2n, want = numpy_p2(*start, learning_rate, 5)
    assert x.type() == "torch.FloatTensor" and w1.dtype == torch.float32
    np.testing.assert_allclose(losses, want, rtol=1e-4)
    np.testing.assert_allclose(w1.numpy(), w1n, **TOL)
    np.testing.assert_allclose(w2.numpy(), w2n, **TOL)
    assert losses[-1] < losses[0]


def test_p3_autograd_2018_matches_manual_backward():
    torch.manual_seed(0)
    x = torch.randn(N, D_in)
    y = torch.randn(N, D_out)
    w1 = torch.randn(D_in, H, requires_grad=True)
    w2 = torch.randn(H, D_out, requires_grad=True)
    start = [host(v) for v in (x, y, w1, w2)]
    learning_rate = 1e-3
    losses = []
    for _t in range(5):
        y_pred = x.mm(w1).clamp(min=0).mm(w2)
        loss = (y_pred - y).pow(2).sum()
        losses.append(loss.item())
        loss.backward()
        with torch.no_grad():
            w1 -= learning_rate * w1.grad
            w2 -= learning_rate * w2.grad
            w1.grad.zero_()
            w2.grad.zero_()
    w1n, w2n, want = numpy_p2(*start, learning_rate, 5)
    np.testing.assert_allclose(losses, want, rtol=1e-4)
    np.testing.assert_allclose(w1.detach().numpy(), w1n, **TOL)
    np.testing.assert_allclose(w2.detach().numpy(), w2n, **TOL)


def test_p3_autograd_2017_with_patched_grad_test():
    from engine.eager.autograd import Variable

    torch.manual_seed(0)
    dtype = torch.FloatTensor
    x = Variable(torch.randn(N, D_in).type(dtype), requires_grad=False)
    y = Variable(torch.randn(N, D_out).type(dtype), requires_grad=False)
    w1 = Variable(torch.randn(D_in, H).type(dtype), requires_grad=True)
    w2 = Variable(torch.randn(H, D_out).type(dtype), requires_grad=True)
    start = [host(v) for v in (x, y, w1, w2)]
    learning_rate = 1e-3
    for _t in range(4):
        y_pred = x.mm(w1).clamp(min=0).mm(w2)
        loss = (y_pred - y).pow(2).sum()
        if w1.grad is not None:
            w1.grad.data.zero_()
        if w2.grad is not None:
            w2.grad.data.zero_()
        loss.backward()
        w1.data -= learning_rate * w1.grad.data
        w2.data -= learning_rate * w2.grad.data
    w1n, w2n, _ = numpy_p2(*start, learning_rate, 4)
    np.testing.assert_allclose(w1.data.numpy(), w1n, **TOL)


def test_p3_2017_if_grad_raises_modern_error_on_second_iteration():
    w1 = torch.randn(3, 4, requires_grad=True)
    assert not w1.grad  # iteration 0: None is falsy
    (w1 * 2).sum().backward()
    with pytest.raises(
        RuntimeError, match="^Boolean value of Tensor with more than one value is ambiguous$"
    ):
        if w1.grad:
            pass


class MyReLU(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x.clamp(min=0)

    @staticmethod
    def backward(ctx, grad_y):
        (x,) = ctx.saved_tensors
        grad_input = grad_y.clone()
        grad_input[x < 0] = 0
        return grad_input


def my_relu(x):
    return MyReLU.apply(x)


def test_p4_new_autograd_function_2018():
    torch.manual_seed(0)
    x = torch.randn(N, D_in)
    y = torch.randn(N, D_out)
    w1 = torch.randn(D_in, H, requires_grad=True)
    w2 = torch.randn(H, D_out, requires_grad=True)
    start = [host(v) for v in (x, y, w1, w2)]
    learning_rate = 1e-3
    for _t in range(3):
        y_pred = my_relu(x.mm(w1)).mm(w2)
        loss = (y_pred - y).pow(2).sum()
        loss.backward()
        with torch.no_grad():
            w1 -= learning_rate * w1.grad
            w2 -= learning_rate * w2.grad
            w1.grad.zero_()
            w2.grad.zero_()
    w1n, w2n, _ = numpy_p2(*start, learning_rate, 3)
    np.testing.assert_allclose(w1.detach().numpy(), w1n, **TOL)
    np.testing.assert_allclose(w2.detach().numpy(), w2n, **TOL)
    y_pred = my_relu(x.mm(w1))
    assert y_pred.grad_fn.name == "MyReLUBackward"
    assert y_pred.grad_fn.next_functions[0][0].name == "MmBackward0"


class LegacyReLU(torch.autograd.Function):
    def forward(self, x):
        self.save_for_backward(x)
        return x.clamp(min=0)

    def backward(self, grad_y):
        (x,) = self.saved_tensors
        grad_input = grad_y.clone()
        grad_input[x < 0] = 0
        return grad_input


def test_p4_legacy_function_2017_raises_modern_error_and_switch_runs_it():
    x = torch.randn(4, 5)
    w1 = torch.randn(5, 3, requires_grad=True)
    relu = LegacyReLU()
    with pytest.raises(
        RuntimeError, match="^Legacy autograd function with non-static forward method"
    ):
        relu(x.mm(w1))
    torch.set_legacy(True)
    try:
        out = LegacyReLU()(x.mm(w1))
        out.sum().backward()
    finally:
        torch.set_legacy(False)
    h = x.numpy() @ w1.detach().numpy()
    np.testing.assert_allclose(out.detach().numpy(), np.maximum(h, 0), **TOL)
    np.testing.assert_allclose(w1.grad.numpy(), x.numpy().T @ (h >= 0).astype(np.float32), **TOL)


def numpy_net_sum_loss(x, y, W1, b1, W2, b2, lr, steps, mean=False):
    """Linear-ReLU-Linear with (out, in) weights and SGD, by hand."""
    for _ in range(steps):
        h = x @ W1.T + b1
        r = np.maximum(h, 0)
        y_pred = r @ W2.T + b2
        diff = y_pred - y
        g = 2 * diff / (diff.size if mean else 1)
        gW2, gb2 = g.T @ r, g.sum(0)
        gr = g @ W2
        gh = gr * (h > 0)
        gW1, gb1 = gh.T @ x, gh.sum(0)
        W1, b1, W2, b2 = W1 - lr * gW1, b1 - lr * gb1, W2 - lr * gW2, b2 - lr * gb2
    return W1, b1, W2, b2


def test_p5_nn_2017_sum_loss_and_manual_update():
    torch.manual_seed(0)
    from engine.eager.autograd import Variable

    x = Variable(torch.randn(N, D_in))
    y = Variable(torch.randn(N, D_out), requires_grad=False)
    model = torch.nn.Sequential(
        torch.nn.Linear(D_in, H), torch.nn.ReLU(), torch.nn.Linear(H, D_out)
    )
    with pytest.warns(UserWarning):
        loss_fn = torch.nn.MSELoss(size_average=False)
    start = [host(p) for p in model.parameters()]
    learning_rate = 1e-3
    for _t in range(3):
        y_pred = model(x)
        loss = loss_fn(y_pred, y)
        model.zero_grad()
        loss.backward()
        for param in model.parameters():
            param.data -= learning_rate * param.grad.data
    want = numpy_net_sum_loss(host(x), host(y), *start, learning_rate, 3)
    for p, w in zip(model.parameters(), want, strict=True):
        np.testing.assert_allclose(host(p), w, **TOL)
    assert [n for n, _ in model.named_parameters()] == ["0.weight", "0.bias", "2.weight", "2.bias"]
    assert model[0].weight.shape == (H, D_in)


def test_p5_nn_2018_functional_mean_loss():
    torch.manual_seed(0)
    x, y = torch.randn(N, D_in), torch.randn(N, D_out)
    model = torch.nn.Sequential(
        torch.nn.Linear(D_in, H), torch.nn.ReLU(), torch.nn.Linear(H, D_out)
    )
    start = [host(p) for p in model.parameters()]
    learning_rate = 1e-2
    for _t in range(3):
        y_pred = model(x)
        loss = torch.nn.functional.mse_loss(y_pred, y)
        loss.backward()
        with torch.no_grad():
            for param in model.parameters():
                param -= learning_rate * param.grad
        model.zero_grad()
    want = numpy_net_sum_loss(host(x), host(y), *start, learning_rate, 3, mean=True)
    for p, w in zip(model.parameters(), want, strict=True):
        np.testing.assert_allclose(host(p), w, **TOL)


def test_p6_optim_adam_trains():
    torch.manual_seed(0)
    x, y = torch.randn(N, D_in), torch.randn(N, D_out)
    model = torch.nn.Sequential(
        torch.nn.Linear(D_in, H), torch.nn.ReLU(), torch.nn.Linear(H, D_out)
    )
    loss_fn = torch.nn.MSELoss(reduction="sum")
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
    losses = []
    for _t in range(30):
        loss = loss_fn(model(x), y)
        losses.append(loss.item())
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    assert losses[-1] < 0.5 * losses[0]


class TwoLayerNet(torch.nn.Module):
    def __init__(self, D_in, H, D_out):
        super().__init__()
        self.linear1 = torch.nn.Linear(D_in, H)
        self.linear2 = torch.nn.Linear(H, D_out)

    def forward(self, x):
        h_relu = self.linear1(x).clamp(min=0)
        return self.linear2(h_relu)


def test_p7_define_new_module_with_sgd():
    torch.manual_seed(0)
    x, y = torch.randn(N, D_in), torch.randn(N, D_out)
    model = TwoLayerNet(D_in, H, D_out)
    assert [n for n, _ in model.named_parameters()] == [
        "linear1.weight",
        "linear1.bias",
        "linear2.weight",
        "linear2.bias",
    ]
    start = [host(p) for p in model.parameters()]
    criterion = torch.nn.MSELoss(reduction="sum")
    optimizer = torch.optim.SGD(model.parameters(), lr=1e-3)
    for _t in range(3):
        loss = criterion(model(x), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    want = numpy_net_sum_loss(host(x), host(y), *start, 1e-3, 3)
    for p, w in zip(model.parameters(), want, strict=True):
        np.testing.assert_allclose(host(p), w, **TOL)


def test_p7_module_without_super_init_fails_like_pytorch():
    class Broken(torch.nn.Module):
        def __init__(self):
            self.linear = torch.nn.Linear(2, 2)

    with pytest.raises(AttributeError, match="cannot assign module before Module.__init__"):
        Broken()


class ParallelBlock(torch.nn.Module):
    def __init__(self, D_in, D_out):
        super().__init__()
        self.linear1 = torch.nn.Linear(D_in, D_out)
        self.linear2 = torch.nn.Linear(D_in, D_out)

    def forward(self, x):
        h1 = self.linear1(x)
        h2 = self.linear2(x)
        return (h1 * h2).clamp(min=0)


def test_p8_mix_and_match_fan_out_gradients():
    torch.manual_seed(0)
    x = torch.randn(4, 5, dtype=torch.float64)
    model = torch.nn.Sequential(ParallelBlock(5, 6), ParallelBlock(6, 6), torch.nn.Linear(6, 2))
    model.to(torch.float64)
    loss = model(x).pow(2).sum()
    loss.backward()
    p = model[0].linear1.weight
    grad = p.grad.numpy().copy()
    eps = 1e-6
    base = p.detach().numpy()
    numeric = np.zeros_like(base)
    with torch.no_grad():
        for idx in np.ndindex(base.shape):
            old = base[idx]
            base[idx] = old + eps
            up = model(x).pow(2).sum().item()
            base[idx] = old - eps
            down = model(x).pow(2).sum().item()
            base[idx] = old
            numeric[idx] = (up - down) / (2 * eps)
    np.testing.assert_allclose(grad, numeric, rtol=1e-5, atol=1e-7)


def test_p9_dataloader_training_loop():
    torch.manual_seed(0)
    x, y = torch.randn(N, D_in), torch.randn(N, D_out)
    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(x, y), batch_size=4)
    model = TwoLayerNet(D_in, H, D_out)
    criterion = torch.nn.MSELoss(reduction="sum")
    optimizer = torch.optim.SGD(model.parameters(), lr=1e-3)
    seen = []
    for _epoch in range(2):
        for x_batch, y_batch in loader:
            seen.append(x_batch.shape)
            loss = criterion(model(x_batch), y_batch)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    assert seen == [(4, D_in)] * 4


def test_s4_conditional_takes_the_python_branch():
    N_, D, H_ = 3, 4, 5
    x = torch.randn(N_, D)
    w1 = torch.randn(D, H_)
    w2 = torch.randn(D, H_)
    z = 10
    if z > 0:
        y = x.mm(w1)
    else:
        y = x.mm(w2)
    np.testing.assert_allclose(y.numpy(), x.numpy() @ w1.numpy(), **TOL)


def test_s5_loop_keeps_every_state():
    T, D = 3, 4
    y0 = torch.randn(D)
    x = torch.randn(T, D)
    w = torch.randn(D)
    y = [y0]
    for t in range(T):
        prev_y = y[-1]
        next_y = (prev_y + x[t]) * w
        y.append(next_y)
    want = [y0.numpy()]
    for t in range(T):
        want.append((want[-1] + x.numpy()[t]) * w.numpy())
    assert len(y) == T + 1
    for got, w_ in zip(y, want, strict=True):
        np.testing.assert_allclose(got.numpy(), w_, **TOL)

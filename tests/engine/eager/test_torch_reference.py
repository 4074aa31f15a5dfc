"""The eager front end against real PyTorch's answers, recorded once in
``fixtures/torch_reference.json`` by ``fixtures/record_torch.py`` (CI needs no torch).

Values and gradients in float64 (tolerance 1e-10 unless said), dtypes by name, error texts
word for word.
"""

from __future__ import annotations

import numpy as np
import pytest

import engine.eager as torch
from engine.eager import factory, types
from tests.engine.eager.fixtures.calls import unary_calls
from tests.engine.eager.fixtures.reference import REFERENCE, close, error_text, t

F = torch.nn.functional

REF = REFERENCE


def test_fixtures_come_from_real_pytorch():
    assert REF["torch_version"].startswith("2."), REF["torch_version"]


CALLS = unary_calls(torch)


@pytest.mark.parametrize("case", REF["unary"], ids=[c["name"] for c in REF["unary"]])
def test_elementwise_and_softmax_values_and_gradients(case):
    x = t(case["x"])
    y = CALLS[case["name"]](x)
    (y * t(case["w"], False)).sum().backward()
    close(y, case["y"], f"{case['name']} value")
    close(x.grad, case["dx"], f"d {case['name']} / dx")


@pytest.mark.parametrize(
    "case",
    REF["binary_losses"]["cases"],
    ids=[f"{c['name']}-{c['reduction']}" for c in REF["binary_losses"]["cases"]],
)
def test_binary_cross_entropy_values_and_gradients(case):
    x = t(case["x"])
    kwargs = {"reduction": case["reduction"]}
    if case["weight"] is not None:
        kwargs["weight"] = t(case["weight"], False)
    if case["pos_weight"] is not None:
        kwargs["pos_weight"] = t(case["pos_weight"], False)
    loss = getattr(torch.nn.functional, case["name"])(x, t(case["target"], False), **kwargs)
    loss.sum().backward()
    close(loss, case["y"], f"{case['name']} value")
    close(x.grad, case["dx"], f"d {case['name']} / dx")


BCE_ERRORS = {
    "bce_range": lambda: F.binary_cross_entropy(torch.tensor([1.5]), torch.ones(1)),
    "bce_size": lambda: F.binary_cross_entropy(torch.zeros(2, 3), torch.zeros(2, 2)),
    "bce_logits_size": lambda: F.binary_cross_entropy_with_logits(
        torch.zeros(2, 3), torch.zeros(2, 2)
    ),
    "bce_reduction": lambda: F.binary_cross_entropy_with_logits(
        torch.zeros(2), torch.zeros(2), reduction="avg"
    ),
}


@pytest.mark.parametrize("name", sorted(BCE_ERRORS))
def test_bce_error_texts_are_pytorchs(name):
    assert error_text(BCE_ERRORS[name]) == REF["binary_losses"]["errors"][name]


def test_the_bce_modules_are_their_functions():
    x, y = torch.randn(4, 3), torch.randint(0, 2, (4, 3)).float()
    close(torch.nn.BCEWithLogitsLoss()(x, y), F.binary_cross_entropy_with_logits(x, y).item(), "")
    close(
        torch.nn.BCELoss(reduction="sum")(x.sigmoid(), y),
        F.binary_cross_entropy(x.sigmoid(), y, reduction="sum").item(),
        "",
    )


@pytest.mark.parametrize(
    "case",
    REF["losses"],
    ids=[f"{c['name']}-{c.get('reduction', c.get('beta'))}" for c in REF["losses"]],
)
def test_losses_values_and_gradients(case):
    x = t(case["x"])
    name = case["name"]
    if name == "cross_entropy":
        loss = torch.nn.CrossEntropyLoss(reduction=case["reduction"])(
            x, torch.tensor(case["target"])
        )
        weight = t(case["w"], False) if case["reduction"] == "none" else 1.0
        (loss * weight).sum().backward()
    elif name == "smooth_l1_loss":
        target = t(case["target"])
        loss = torch.nn.functional.smooth_l1_loss(x, target, beta=case["beta"])
        loss.backward()
        close(target.grad, case["dtarget"], "d smooth_l1 / d target")
    else:
        loss = torch.nn.SmoothL1Loss(reduction="sum")(x, torch.zeros(3, 4, dtype=torch.float64))
        loss.backward()
    close(loss, case["y"], f"{name} value")
    close(x.grad, case["dx"], f"d {name} / dx")


def test_max_min_argmax_with_dim_give_values_and_indices():
    ref = REF["reductions"][0]
    x = t(ref["x"])
    values, indices = torch.max(x, dim=1)
    values.sum().backward()
    close(values, ref["max1"]["values"], "max(dim=1).values")
    assert indices.tolist() == ref["max1"]["indices"] and indices.dtype == torch.int64
    close(x.grad, ref["max1"]["dx"], "d max(dim=1) / dx")
    x = t(ref["x"])
    out = x.min(0, keepdim=True)
    out.values.sum().backward()
    close(out.values, ref["min0k"]["values"], "min(0, keepdim).values")
    assert out.indices.tolist() == ref["min0k"]["indices"]
    close(x.grad, ref["min0k"]["dx"], "d min / dx")
    x = t(ref["x"])
    m = x.max()
    m.backward()
    close(m, ref["max"]["value"], "max()")
    close(x.grad, ref["max"]["dx"], "d max() / dx")
    plain = t(ref["x"], False)
    assert torch.argmax(plain, dim=1).tolist() == ref["argmax1"]
    assert torch.argmax(plain).tolist() == ref["argmax"]
    assert plain.argmin(dim=-1, keepdim=True).tolist() == ref["argmin-1k"]
    close(torch.max(plain, -plain), ref["max_pair"], "max(a, b)")


def test_argmax_of_a_tensor_that_requires_grad_needs_none():
    x = torch.randn(3, 4, requires_grad=True)
    i = x.argmax(1)
    assert not i.requires_grad and i.grad_fn is None


def test_stack_and_cat_record_gradients():
    ref = REF["shapes"]
    a, b, c = t(ref["a"]), t(ref["b"]), t(ref["c"])
    s = torch.stack([a, b], dim=1)
    assert list(s.shape) == ref["stack1"]["shape"] and s.grad_fn.name == "StackBackward0"
    (s * t(ref["stack1"]["w"], False)).sum().backward()
    close(a.grad, ref["stack1"]["da"], "d stack / da")
    close(b.grad, ref["stack1"]["db"], "d stack / db")
    a = t(ref["a"])
    k = torch.cat([a, c], 1)
    assert list(k.shape) == ref["cat1"]["shape"] and k.grad_fn.name == "CatBackward0"
    (k * t(ref["cat1"]["w"], False)).sum().backward()
    close(a.grad, ref["cat1"]["da"], "d cat / da")
    close(c.grad, ref["cat1"]["dc"], "d cat / dc")


def test_squeeze_unsqueeze_flatten_shapes():
    ref = REF["shapes"]
    x = torch.zeros(2, 1, 3, 1)
    assert list(x.squeeze().shape) == ref["squeeze"]
    assert list(torch.squeeze(x, 1).shape) == ref["squeeze1"]
    assert list(x.squeeze(0).shape) == ref["squeeze0"]
    assert list(torch.unsqueeze(torch.zeros(2, 3), -1).shape) == ref["unsqueeze-1"]
    assert list(torch.zeros(2, 3).unsqueeze(0).shape) == ref["unsqueeze0"]
    y = torch.zeros(2, 3, 4, 5)
    assert list(torch.flatten(y).shape) == ref["flatten"]
    assert list(y.flatten(1).shape) == ref["flatten1"]
    assert list(torch.flatten(y, 1, 2).shape) == ref["flatten1_2"]
    assert list(torch.nn.Flatten()(y).shape) == ref["nn.Flatten"]
    assert list(torch.nn.Flatten(0, 2)(y).shape) == ref["nn.Flatten0_2"]


def test_shape_ops_pass_gradients_back_in_the_input_shape():
    x = torch.randn(2, 3, requires_grad=True)
    y = (x.unsqueeze(0).unsqueeze(-1).squeeze().flatten() * torch.arange(6.0)).sum()
    y.backward()
    assert x.grad.tolist() == [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]]


ERRORS = {
    "stack": lambda: torch.stack([torch.zeros(3, 4), torch.zeros(3, 5)]),
    "cat": lambda: torch.cat([torch.zeros(3, 4), torch.zeros(2, 5)], 1),
    "squeeze": lambda: torch.zeros(2, 3).squeeze(3),
    "unsqueeze": lambda: torch.zeros(2, 3).unsqueeze(4),
    "matmul1d": lambda: torch.matmul(torch.zeros(3), torch.zeros(4, 5)),
    "matmul_mv": lambda: torch.matmul(torch.zeros(4, 5), torch.zeros(3)),
    "matmul_dot": lambda: torch.matmul(torch.zeros(3), torch.zeros(4)),
    "cross_entropy_target": lambda: torch.nn.functional.cross_entropy(
        torch.zeros(2, 3), torch.tensor([0, 3])
    ),
    "max_dim": lambda: torch.zeros(2, 3).max(2),
}


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_error_texts_are_pytorchs(name):
    assert error_text(ERRORS[name]) == REF["shapes"]["errors"][name]


@pytest.mark.parametrize("i", range(len(REF["matmul"])))
def test_matmul_with_keywords_vectors_and_batches(i):
    case = REF["matmul"][i]
    a, b = t(case["a"]), t(case["b"])
    y = torch.matmul(input=a, other=b)
    (y * t(case["w"], False)).sum().backward()
    what = f"matmul {np.shape(case['a'])} @ {np.shape(case['b'])}"
    close(y, case["y"], what)
    close(a.grad, case["da"], f"d {what} / da")
    close(b.grad, case["db"], f"d {what} / db")


PROMOTION = {
    "f32.pow(i64)": lambda f32, f64, i64, i32, b: f32.pow(i64 * 2),
    "f32**i64": lambda f32, f64, i64, i32, b: f32**i64,
    "f32+f64": lambda f32, f64, i64, i32, b: f32 + f64,
    "f32+f64_0d": lambda f32, f64, i64, i32, b: f32 + torch.tensor(2.0, dtype=torch.float64),
    "i64+f32_0d": lambda f32, f64, i64, i32, b: i64 + torch.tensor(2.0),
    "i64+f64_0d": lambda f32, f64, i64, i32, b: i64 + torch.tensor(2.0, dtype=torch.float64),
    "i64*2.5": lambda f32, f64, i64, i32, b: i64 * 2.5,
    "i64+1": lambda f32, f64, i64, i32, b: i64 + 1,
    "i64/i64": lambda f32, f64, i64, i32, b: i64 / i64,
    "i32+i64": lambda f32, f64, i64, i32, b: i32 + i64,
    "b+b": lambda f32, f64, i64, i32, b: b + b,
    "b+1": lambda f32, f64, i64, i32, b: b + 1,
    "b*1.5": lambda f32, f64, i64, i32, b: b * 1.5,
    "f32*True": lambda f32, f64, i64, i32, b: f32 * True,
    "2**f32": lambda f32, f64, i64, i32, b: 2**f32,
    "i64.pow(2)": lambda f32, f64, i64, i32, b: i64.pow(2),
    "i64.pow(0.5)": lambda f32, f64, i64, i32, b: i64.pow(0.5),
    "f32*i32_0d": lambda f32, f64, i64, i32, b: f32 * torch.tensor(3, dtype=torch.int32),
    "i32*i64_0d": lambda f32, f64, i64, i32, b: i32 * torch.tensor(3),
}


@pytest.mark.parametrize("name", sorted(PROMOTION))
def test_dtype_promotion_is_pytorchs(name):
    operands = (
        torch.ones(3),
        torch.ones(3, dtype=torch.float64),
        torch.ones(3, dtype=torch.int64),
        torch.ones(3, dtype=torch.int32),
        torch.ones(3, dtype=torch.bool),
    )
    assert repr(PROMOTION[name](*operands).dtype) == REF["promotion"][name], name


def test_float32_pow_of_an_int_tensor_feeds_mm():
    """The issue's case: ``x.pow(int64 tensor)`` stayed float64, and the next mm failed."""
    x = torch.ones(2, 3)
    y = x.pow(torch.tensor([2, 2, 2])).mm(torch.ones(3, 1))
    assert y.dtype == torch.float32 and y.tolist() == [[3.0], [3.0]]


def test_creation_functions():
    ref = REF["creation"]
    close(torch.linspace(0, 1, 5), ref["linspace"], "linspace", rtol=1e-6)
    assert repr(torch.linspace(-3.14, 3.14, 2000).dtype) == ref["linspace_dtype"]
    assert repr(torch.linspace(0, 10, 3).dtype) == ref["linspace_int_dtype"]
    for key, args in (("arange5", (5,)), ("arange_f", (0, 1, 0.25)), ("arange_1_4", (1, 4))):
        a = torch.arange(*args)
        assert [a.tolist(), repr(a.dtype)] == ref[key], key
    assert repr(torch.full((2,), 3).dtype) == ref["full_int"]
    assert repr(torch.full((2,), 1.5).dtype) == ref["full_float"]
    assert repr(torch.full((2,), True).dtype) == ref["full_bool"]
    assert [repr(torch.randint(0, 5, (3,)).dtype), list(torch.randint(5, (2, 3)).shape)] == ref[
        "randint"
    ]
    assert repr(torch.rand_like(torch.zeros(2, dtype=torch.float64)).dtype) == ref["rand_like"]
    full = torch.full_like(torch.zeros(2, 2), 7)
    ints = torch.full_like(torch.zeros(2, dtype=torch.int64), 7)
    assert [full.tolist(), repr(ints.dtype)] == ref["full_like"]
    eye = torch.eye(2, 3)
    assert [eye.tolist(), repr(torch.eye(2).dtype)] == ref["eye"]
    shapes = [
        list(torch.normal(torch.zeros(3, 2), 1.0).shape),
        list(torch.normal(0.0, torch.ones(4)).shape),
        list(torch.normal(2.0, 3.0, size=(5, 6)).shape),
        list(torch.normal(torch.zeros(3), torch.ones(3)).shape),
    ]
    assert shapes == ref["normal_shapes"]
    assert repr(torch.tensor([1, 2]).dtype) == ref["tensor_int"]


def test_set_default_dtype_changes_what_factories_make():
    ref = REF["creation"]["default64"]
    torch.set_default_dtype(torch.float64)
    try:
        got = [
            repr(torch.tensor([1.5]).dtype),
            repr(torch.zeros(2).dtype),
            repr(torch.linspace(0, 1, 3).dtype),
            repr(torch.arange(0, 1, 0.5).dtype),
            repr((torch.ones(2, dtype=torch.int64) * 2.5).dtype),
            repr(torch.get_default_dtype()),
        ]
    finally:
        torch.set_default_dtype(torch.float32)
    assert got == ref
    with pytest.raises(TypeError, match="only floating-point types"):
        torch.set_default_dtype(torch.int64)


def test_set_default_device_is_where_factories_put_tensors():
    torch.set_default_device("cpu")
    try:
        assert torch.zeros(2).device == torch.device("cpu")
        assert torch.get_default_device() == torch.device("cpu")
    finally:
        torch.set_default_device(None)


def test_normal_draws_from_the_asked_distribution():
    torch.manual_seed(0)
    x = torch.normal(2.0, 3.0, size=(200_000,)).numpy()
    assert abs(x.mean() - 2.0) < 0.05 and abs(x.std() - 3.0) < 0.05
    y = torch.normal(torch.full((50_000,), -1.0), torch.full((50_000,), 0.5)).numpy()
    assert abs(y.mean() + 1.0) < 0.02 and abs(y.std() - 0.5) < 0.02


@pytest.mark.parametrize(
    "case",
    REF["rnn"],
    ids=[f"layers{c['layers']}-bf{c['batch_first']}-{c['nonlinearity']}" for c in REF["rnn"]],
)
def test_rnn_outputs_and_gradients_through_time(case):
    net = torch.nn.RNN(
        3,
        4,
        num_layers=case["layers"],
        batch_first=case["batch_first"],
        nonlinearity=case["nonlinearity"],
        dtype=torch.float64,
    )
    params = dict(net.named_parameters())
    assert sorted(params) == sorted(case["weights"])
    for name, value in case["weights"].items():
        params[name].data = torch.tensor(np.asarray(value))
    x, h0 = t(case["x"]), t(case["h0"])
    out, hn = net(x, h0)
    ((out * t(case["w"], False)).sum() + hn.sum()).backward()
    close(out, case["out"], "RNN output")
    close(hn, case["hn"], "RNN h_n")
    close(x.grad, case["dx"], "d RNN / d input")
    close(h0.grad, case["dh0"], "d RNN / d h0")
    for name, want in case["dweights"].items():
        close(params[name].grad, want, f"d RNN / d {name}")


OPT = REF["optimizers"]


@pytest.mark.parametrize("case", OPT["cases"], ids=[c["label"] for c in OPT["cases"]])
def test_optimizer_steps_match_pytorch_on_a_0d_and_a_2d_parameter(case):
    """Four steps each; the 0-d parameter is the issue's SGD-momentum case."""
    w = torch.tensor(np.asarray(OPT["w0"]), requires_grad=True)
    s = torch.tensor(OPT["s0"], dtype=torch.float64, requires_grad=True)
    opt = getattr(torch.optim, case["cls"])([w, s], **case["kwargs"])
    target = torch.tensor(np.asarray(OPT["target"]))
    for i, want in enumerate(case["steps"]):
        opt.zero_grad()
        loss = ((w * s - target) ** 2).sum() + s**4
        loss.backward()
        opt.step()
        close(w, want["w"], f"{case['label']} step {i + 1}: w", rtol=1e-9)
        close(s, want["s"], f"{case['label']} step {i + 1}: s (0-d)", rtol=1e-9)
        assert s.array.shape == () and isinstance(s.array, np.ndarray)


def test_dropout_trains_and_evaluates():
    torch.manual_seed(1)
    drop = torch.nn.Dropout(0.25)
    x = torch.ones(1000, requires_grad=True)
    y = drop(x)
    kept = y.detach().numpy() != 0
    assert set(np.unique(y.detach().numpy()).tolist()) <= {0.0, float(np.float32(1 / 0.75))}
    assert 0.70 < kept.mean() < 0.80
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), np.where(kept, 1 / 0.75, 0.0).astype(np.float32))
    drop.eval()
    assert drop(x) is x
    with pytest.raises(ValueError, match="between 0 and 1"):
        torch.nn.Dropout(1.5)


def test_activation_modules_match_their_functions():
    x = torch.randn(3, 4)
    nn = torch.nn
    close(nn.Sigmoid()(x), torch.sigmoid(x).numpy(), "Sigmoid", rtol=1e-6)
    close(nn.Tanh()(x), torch.tanh(x).numpy(), "Tanh", rtol=1e-6)
    close(nn.Softplus()(x), np.log1p(np.exp(x.numpy())), "Softplus", rtol=1e-6)
    close(nn.Softplus(beta=2.0)(x), np.log1p(np.exp(2 * x.numpy())) / 2, "Softplus(2)", rtol=1e-6)
    close(nn.Softmax(dim=1)(x).sum(1), np.ones(3), "Softmax rows", rtol=1e-6)
    assert factory is not None and types.DEFAULT is torch.float32


def test_bce_passes_a_gradient_to_a_target_that_needs_one():
    p = np.array([[0.2, 0.7], [0.9, 0.05]])
    y = t([[0.0, 1.0], [0.5, 0.3]])
    F.binary_cross_entropy(t(p, False), y, reduction="sum").backward()
    close(y.grad, np.log1p(-p) - np.log(p), "d bce / d target")  # numpy by hand


SCHEDULERS = {
    "StepLR": lambda opt: torch.optim.lr_scheduler.StepLR(opt, step_size=3, gamma=0.5),
    "MultiStepLR": lambda opt: torch.optim.lr_scheduler.MultiStepLR(opt, [2, 5, 9], gamma=0.3),
    "ExponentialLR": lambda opt: torch.optim.lr_scheduler.ExponentialLR(opt, gamma=0.9),
    "CosineAnnealingLR": lambda opt: torch.optim.lr_scheduler.CosineAnnealingLR(
        opt, T_max=8, eta_min=0.001
    ),
    "LambdaLR": lambda opt: torch.optim.lr_scheduler.LambdaLR(opt, lambda epoch: 1 / (1 + epoch)),
}


@pytest.mark.parametrize("name", sorted(SCHEDULERS))
def test_a_scheduler_sets_the_rates_pytorch_sets(name):
    want = REF["schedulers"][name]
    a, b = torch.zeros(1, requires_grad=True), torch.zeros(1, requires_grad=True)
    groups = [{"params": [a]}, {"params": [b], "lr": 0.02}][: len(want[0])]
    opt = torch.optim.SGD(groups, lr=0.1)
    sched = SCHEDULERS[name](opt)
    rates = [sched.get_last_lr()]
    for _ in range(len(want) - 1):
        opt.step()
        sched.step()
        rates.append(sched.get_last_lr())
    close(np.array(rates), want, f"{name} rates")
    assert [g["lr"] for g in opt.param_groups] == rates[-1]  # what the next step() reads


def test_the_update_reads_the_scheduled_rate():
    w = torch.ones(2, requires_grad=True)
    opt = torch.optim.SGD([w], lr=1.0)
    sched = torch.optim.lr_scheduler.StepLR(opt, step_size=1, gamma=0.5)
    for lr in (1.0, 0.5, 0.25):  # w -= lr * grad, grad = 1 each step
        before = w.detach().clone()
        (w.sum()).backward()
        opt.step()
        opt.zero_grad()
        sched.step()
        close(before - w.detach(), np.full(2, lr), "step size")


def test_comparison_methods_and_view_as_are_the_operators():
    x, y = torch.tensor([1.0, 2.0, 3.0]), torch.tensor([2.0, 2.0, 2.0])
    for method, op in (
        ("eq", np.equal),
        ("ne", np.not_equal),
        ("lt", np.less),
        ("le", np.less_equal),
        ("gt", np.greater),
        ("ge", np.greater_equal),
    ):
        assert getattr(x, method)(y).tolist() == op(x.numpy(), y.numpy()).tolist(), method
    assert x.view(3, 1).view_as(torch.zeros(1, 3)).shape == (1, 3)
    assert x.reshape_as(torch.zeros(3, 1)).shape == (3, 1)


class Net(torch.nn.Module):  # named as the recorded one (its name is in the error texts)
    def __init__(self) -> None:
        super().__init__()
        self.fc1 = torch.nn.Linear(2, 4)
        self.fc2 = torch.nn.Linear(4, 1)


def test_state_dict_and_load_state_dict_answer_as_pytorch_does():
    want = REF["state_dicts"]
    net = Net()
    sd = net.state_dict()
    assert list(sd) == want["keys"] and not sd["fc1.weight"].requires_grad
    assert repr(net.load_state_dict(sd)) == want["matched"]
    partial = net.load_state_dict({"fc1.weight": sd["fc1.weight"]}, strict=False)
    assert repr(partial) == want["partial"]
    wrong = dict(sd)
    wrong.pop("fc2.bias")
    wrong["foo"] = torch.zeros(1)
    assert error_text(lambda: net.load_state_dict(wrong), whole=True) == want["keys_error"]
    resized = {**sd, "fc1.weight": torch.zeros(3, 2)}
    assert error_text(lambda: net.load_state_dict(resized), whole=True) == want["size_error"]


def test_a_checkpoint_saved_and_loaded_gives_the_same_model(tmp_path):
    import io

    net, other = Net(), Net()
    x = torch.randn(5, 2)
    torch.save(net.state_dict(), tmp_path / "net.pt")
    other.load_state_dict(torch.load(tmp_path / "net.pt"))
    close(other.fc2(other.fc1(x)).detach(), net.fc2(net.fc1(x)).detach().numpy(), "loaded")
    buf = io.BytesIO()
    torch.save({"epoch": 3, "w": net.fc1.weight, "t": torch.arange(4)}, buf)
    buf.seek(0)
    back = torch.load(buf, map_location="cpu")
    assert back["epoch"] == 3 and isinstance(back["w"], torch.nn.Parameter)
    assert back["w"].requires_grad and back["t"].tolist() == [0, 1, 2, 3]


def test_a_checkpoint_that_would_run_code_is_refused(tmp_path):
    import pickle

    (tmp_path / "evil.pt").write_bytes(pickle.dumps(print))
    with pytest.raises(pickle.UnpicklingError, match="unsupported global builtins.print"):
        torch.load(tmp_path / "evil.pt")


def test_abs_and_its_gradient_against_numpy():
    x = np.array([[-2.0, 0.0, 1.5], [0.25, -0.5, 3.0]])
    w = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    xt = t(x)
    y = torch.abs(xt)
    (y * t(w, False)).sum().backward()
    close(y.detach(), np.abs(x), "abs")
    close(xt.grad, np.sign(x) * w, "d abs / dx (0 at 0)")
    assert xt.abs().tolist() == np.abs(x).tolist()

"""What sequence and attention scripts use, against real PyTorch's recorded answers
(``fixtures/torch_reference.json``, section ``sequence_ops``): ``expand``/``repeat``, ``bmm``,
``masked_fill``, ``cumsum``, ``sort``/``topk`` (values, gradients, indices), LayerNorm,
Embedding, L1Loss, ModuleDict, ``isnan``/``isfinite``, and their error texts word for word."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pytest

import engine.eager as torch
from tests.engine.eager.fixtures.calls import heads, sequence_calls
from tests.engine.eager.fixtures.reference import REFERENCE, close, error_text, matches, t

REF = REFERENCE["sequence_ops"]
X = np.asarray(REF["x"])
MASK = np.asarray(REF["mask"])
F = torch.nn.functional

CALLS = sequence_calls(torch, X, np.asarray(REF["other"]), MASK)
GRAD_FN_DIFFERS = {
    "smooth_l1": "MeanBackward0",  # PyTorch fuses the mean into SmoothL1LossBackward0
}
"""The cases whose result node is named otherwise than PyTorch's, and the engine's name."""


@pytest.mark.parametrize("case", REF["cases"], ids=[c["name"] for c in REF["cases"]])
def test_values_and_gradients_match_pytorch(case):
    y = matches(CALLS[case["name"]], case, X, REF["w"])
    assert y.grad_fn.name == GRAD_FN_DIFFERS.get(case["name"], case["grad_fn"]), case["name"]


def test_sort_topk_and_argsort_indices_match_pytorch_ties_included():
    x = torch.tensor(X)
    got = {
        "sort": torch.sort(x).indices,
        "sort_desc_dim": x.sort(dim=1, descending=True).indices,
        "topk": torch.topk(x, 2).indices,
        "argsort": torch.argsort(x, dim=0),
        "ties": torch.sort(torch.tensor([2, 1, 2, 0, 1, 2]), descending=True).indices,
        "ties_up": torch.sort(torch.tensor([2, 1, 2, 0, 1, 2])).indices,
    }
    assert {k: v.tolist() for k, v in got.items()} == REF["indices"]
    values, indices = torch.topk(x, 1)  # unpacks as PyTorch's return types do
    assert values.shape == indices.shape == (2, 3, 1)


def test_a_0d_tensor_sorts_to_itself_with_its_gradient():
    x = torch.tensor(3.0, requires_grad=True)
    values, indices = x.sort()
    top, where = torch.topk(x, 1)
    (values + top).backward()
    assert values.item() == top.item() == 3.0 and indices.item() == where.item() == 0
    assert x.grad.item() == 2.0 and values.grad_fn.name == "SortBackward0"


def test_layer_norm_module_matches_pytorch():
    ref = REF["layer_norm"]
    ln = torch.nn.LayerNorm(4).double()
    with torch.no_grad():
        ln.weight.copy_(t(ref["weight"], False))
        ln.bias.copy_(t(ref["bias"], False))
    x = t(X)
    y = ln(x)
    (y * t(np.asarray(REF["w"])[:24].reshape(2, 3, 4), False)).sum().backward()
    close(y, ref["y"], "LayerNorm value")
    close(x.grad, ref["dx"], "d LayerNorm / dx")
    close(ln.weight.grad, ref["dweight"], "d LayerNorm / d weight")
    close(ln.bias.grad, ref["dbias"], "d LayerNorm / d bias")
    assert [n for n, _ in ln.named_parameters()] == ref["params"]
    assert repr(ln) == ref["repr"]
    assert repr(torch.nn.LayerNorm([3, 4], elementwise_affine=False)) == ref["repr_2d"]


@pytest.mark.parametrize("pad", ["None", "1", "-2"])
def test_embedding_rows_and_their_gradients_match_pytorch(pad):
    ref, want = REF["embedding"], REF["embedding"]["cases"][pad]
    emb = torch.nn.Embedding(6, 3, padding_idx=None if pad == "None" else int(pad)).double()
    with torch.no_grad():
        emb.weight.copy_(t(ref["table"], False))
    out = emb(torch.tensor(ref["ids"]))
    (out * t(np.asarray(REF["w"])[:18].reshape(2, 3, 3), False)).sum().backward()
    close(out, want["y"], f"Embedding(padding_idx={pad}) rows")
    close(emb.weight.grad, want["dweight"], f"d Embedding(padding_idx={pad}) / d weight")
    assert out.grad_fn.name == want["grad_fn"]
    assert repr(emb) == want["repr"]
    assert torch.nn.Embedding(5, 2, padding_idx=3).weight[3].tolist() == REF["pad_row"]


def test_moduledict_registers_its_modules_in_insertion_order():
    module = heads(torch)
    ref = REF["moduledict"]
    assert [n for n, _ in module.named_parameters()] == ref["params"]
    assert list(module.heads.keys()) == ref["keys"] and list(module.heads) == ref["keys"]
    assert repr(module.heads) == ref["repr"] and len(module.heads) == ref["len"]
    assert "a" in module.heads and "z" not in module.heads
    out = {k: m(torch.randn(4, 3)) for k, m in module.heads.items() if k != "c"}
    sum(o.sum() for o in out.values()).backward()
    assert all(p.grad is not None for p in module.parameters())


def test_float_checks_any_and_all_match_pytorch():
    special = torch.tensor([1.0, float("nan"), float("inf"), -float("inf"), -2.0])
    got = {
        "isnan": torch.isnan(special).tolist(),
        "isfinite": special.isfinite().tolist(),
        "isinf": torch.isinf(special).tolist(),
        "any": special.isnan().any().item(),
        "all": torch.isfinite(special).all().item(),
        "int_isnan": torch.isnan(torch.tensor([1, 2])).tolist(),
    }
    assert got == REF["special"]


def test_dtypes_match_pytorch():
    got = {
        "cumsum_int32": torch.cumsum(torch.tensor([1, 2], dtype=torch.int32), 0).dtype,
        "cumsum_bool": torch.tensor([True, True]).cumsum(0).dtype,
        "sort_indices": torch.sort(torch.zeros(3)).indices.dtype,
        "isnan": torch.isnan(torch.zeros(2)).dtype,
    }
    assert {k: str(v) for k, v in got.items()} == REF["dtypes"]


def test_masked_fill_in_place_takes_a_broadcast_mask_and_a_0d_value():
    x = torch.zeros(2, 3)
    x.masked_fill_(torch.tensor([True, False, True]), torch.tensor(1.5))
    assert x.tolist() == [[1.5, 0.0, 1.5], [1.5, 0.0, 1.5]]
    v = torch.tensor(2.0, requires_grad=True)
    y = torch.zeros(3).masked_fill(torch.tensor([True, False, True]), v)
    y.sum().backward()
    assert y.tolist() == [2.0, 0.0, 2.0] and v.grad.item() == 2.0


def test_an_expanded_tensor_takes_writes_once_made_contiguous():
    b = torch.zeros(1, 3, requires_grad=True)
    e = b.expand(2, 3)
    assert not e.is_contiguous() and b.is_contiguous() and b.contiguous() is b
    c = e.contiguous()
    assert c.is_contiguous() and c.grad_fn.name == "CloneBackward0"
    c.mul_(2)
    c.sum().backward()
    assert b.grad.tolist() == [[4.0, 4.0, 4.0]]
    assert e.transpose(0, 1).contiguous().view(6).shape == (6,)


def _l1_shape_error() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        F.l1_loss(torch.zeros(3), torch.zeros(4))


ERRORS: dict[str, Any] = {
    "expand_size": lambda: torch.zeros(1, 3).expand(2, 4),
    "expand_fewer": lambda: torch.zeros(1, 3).expand(3),
    "expand_leading": lambda: torch.zeros(1, 3).expand(-1, 2, 3),
    "repeat_fewer": lambda: torch.zeros(1, 3).repeat(2),
    "expand_in_place": lambda: torch.zeros(1, 3).expand(2, 3).add_(1),
    "bmm_rank1": lambda: torch.bmm(torch.zeros(2, 3), torch.zeros(2, 3, 4)),
    "bmm_rank2": lambda: torch.bmm(torch.zeros(2, 3, 4), torch.zeros(2, 3)),
    "bmm_batch": lambda: torch.bmm(torch.zeros(2, 3, 4), torch.zeros(3, 4, 5)),
    "bmm_inner": lambda: torch.bmm(torch.zeros(2, 3, 4), torch.zeros(2, 5, 5)),
    "masked_fill_float_mask": lambda: torch.zeros(3).masked_fill(
        torch.tensor([1.0, 0.0, 1.0]), 0.0
    ),
    "masked_fill__long_mask": lambda: torch.zeros(3).masked_fill_(torch.tensor([1, 0, 1]), 0.0),
    "masked_fill_shape": lambda: torch.zeros(3).masked_fill(torch.tensor([True, False]), 0.0),
    "masked_fill__broadcast": lambda: torch.zeros(3).masked_fill_(torch.zeros(2, 3).bool(), 0.0),
    "masked_fill_value": lambda: torch.zeros(3).masked_fill(
        torch.tensor([True, False, True]), torch.zeros(2)
    ),
    "layer_norm_shape": lambda: torch.nn.LayerNorm(6)(torch.zeros(4, 5)),
    "embedding_float": lambda: F.embedding(torch.tensor([1.0]), torch.zeros(3, 2)),
    "embedding_range": lambda: F.embedding(torch.tensor([3]), torch.zeros(3, 2)),
    "embedding_negative": lambda: F.embedding(torch.tensor([-1]), torch.zeros(3, 2)),
    "embedding_padding": lambda: torch.nn.Embedding(3, 2, padding_idx=3),
    "topk_k": lambda: torch.topk(torch.zeros(3), 4),
    "topk_dim": lambda: torch.zeros(3, 2).topk(1, dim=2),
    "cumsum_dim": lambda: torch.cumsum(torch.zeros(3), dim=1),
    "moduledict_value": lambda: torch.nn.ModuleDict({"a": 1}),
    "moduledict_key": lambda: torch.nn.ModuleDict()["x"],
    "l1_loss_shape": _l1_shape_error,
    "isnan_backward": lambda: t(X).isnan().sum().backward(),
}


@pytest.mark.parametrize("name", sorted(REF["errors"]))
def test_errors_say_what_pytorch_says(name):
    assert error_text(ERRORS[name]) == REF["errors"][name]


def test_l1_loss_warns_of_a_target_that_broadcasts():
    with pytest.warns(UserWarning, match="Using a target size"):
        F.l1_loss(torch.zeros(3, 1), torch.zeros(3))

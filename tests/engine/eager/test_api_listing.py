"""``python -m engine api``: the supported names, found by walking the front ends, and the
one-line message for a name the engine lacks."""

from __future__ import annotations

import engine.eager as torch
from engine.cli import api, main
from engine.cli.aliases import framework_aliases

HINT = "is not supported by the engine (see 'python -m engine api')"


def test_api_torch_lists_the_front_ends_names(capsys):
    assert main(["api", "torch"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("torch (engine.eager):")
    listing = api.walk("torch")
    for owner, name in [
        ("torch", "linspace"),
        ("torch", "set_default_dtype"),
        ("torch.nn", "RNN"),
        ("torch.nn", "CrossEntropyLoss"),
        ("torch.nn.functional", "smooth_l1_loss"),
        ("torch.optim", "RMSprop"),
        ("torch.Tensor", "unsqueeze"),
    ]:
        assert name in listing[owner], f"{owner}.{name}"
    assert "LSTM" not in listing["torch.nn"]
    assert "annotations" not in listing["torch"], "a __future__ import is no name of torch"


def test_a_name_added_to_a_front_end_shows_at_once(monkeypatch):
    layer = type("Bilinear", (torch.nn.Module,), {"__module__": "engine.eager.nn.layers"})
    monkeypatch.setattr(torch.nn, "Bilinear", layer, raising=False)
    monkeypatch.setattr(torch.nn, "__all__", [*torch.nn.__all__, "Bilinear"])
    assert "Bilinear" in api.walk("torch")["torch.nn"]


def test_api_with_an_unknown_framework_is_a_usage_error(capsys):
    assert main(["api", "jax"]) == 2
    assert "no framework 'jax'" in capsys.readouterr().err


def message(fn) -> str | None:
    try:
        fn()
    except (AttributeError, ImportError) as e:
        return api.unsupported_message(e)
    raise AssertionError("no error")


def test_missing_names_get_one_clear_line():
    assert message(lambda: torch.nn.LSTM) == f"torch.nn.LSTM {HINT}"
    assert message(lambda: torch.zeros(2).unfold) == f"torch.Tensor.unfold {HINT}"
    assert message(lambda: torch.optim.LBFGS) == f"torch.optim.LBFGS {HINT}"


def test_missing_imports_get_the_same_line():
    with framework_aliases({"torch": "engine.eager"}):
        assert message(lambda: exec("from torch.nn import LSTM", {})) == f"torch.nn.LSTM {HINT}"
        assert message(lambda: exec("import torch.distributions", {})) == (
            f"torch.distributions {HINT}"
        )


def test_other_errors_are_left_alone():
    class Mine:
        pass

    assert message(lambda: Mine().missing) is None
    assert message(lambda: exec("import no_such_module_here", {})) is None

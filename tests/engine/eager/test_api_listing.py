"""``python -m engine api``: the supported names, found by walking the front ends, and the
one-line message for a name the engine lacks."""

from __future__ import annotations

import importlib
import types

import engine.eager as torch
from engine.cli import api, main
from engine.cli.aliases import ALIASES, framework_aliases

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


def _owner(path: str) -> object:
    """The module, namespace or class a heading of the listing names."""
    framework, *rest = path.split(".")
    obj: object = importlib.import_module(ALIASES[framework])
    for part in rest:
        obj = getattr(obj, part)
    return obj


def test_every_module_listed_says_what_is_public():
    for framework in ALIASES:
        for owner in api.walk(framework):
            obj = _owner(owner)
            if isinstance(obj, types.ModuleType):
                assert isinstance(getattr(obj, "__all__", None), list), (
                    f"{owner} ({obj.__name__}) has no __all__: its imports would be listed"
                )


def test_no_helper_import_is_listed():
    seen = {
        f"{owner}.{name}"
        for framework in ALIASES
        for owner, names in api.walk(framework).items()
        for name in ["", *names]
    }
    for helper in [
        "keras.models.kopt",  # `from . import optimizers as kopt`
        "keras.models.Layer",
        "keras.layers.learning_phase",
        "tensorflow.keras.activations.api",
        "tensorflow.keras.losses.array_ops",
        "tensorflow.errors.TYPE_CHECKING",
        "tensorflow.errors.fmt",
        "torch.nn.functional.errors",
        "torch.nn.functional.Tensor",
        "torch.optim.zeros_like",
        "torch.optim.no_grad",
        "torch.cuda.CUDA_TYPES",
    ]:
        leaked = [p for p in seen if p == helper or p.startswith(helper + ".")]
        assert not leaked, f"{helper} is a helper import, not an API name: {leaked[:3]}"


def test_a_module_without_all_lists_only_what_it_defines(monkeypatch):
    extra = types.ModuleType("engine.eager.nn.extra")
    exec(  # noqa: S102 - a module's source, as a file would hold it
        "from typing import TYPE_CHECKING\n"
        "from engine.eager import errors\n"
        "from engine.eager.factory import zeros_like\n"
        "import engine.eager.optim as optimizers\n"
        "LIMIT = 3\n"
        "def gelu(x):\n    return x\n",
        extra.__dict__,
    )
    monkeypatch.setattr(torch.nn, "extra", extra, raising=False)
    monkeypatch.setattr(torch.nn, "__all__", [*torch.nn.__all__, "extra"])
    assert api.walk("torch")["torch.nn.extra"] == ["LIMIT", "gelu"]


def test_a_name_the_engines_own_code_misses_is_no_users_request():
    def engine_side():
        return torch.zeros(2).unfold  # stands for the engine's code, in another file

    try:
        engine_side()
    except AttributeError as e:
        assert api.unsupported_message(e) == f"torch.Tensor.unfold {HINT}"
        assert api.unsupported_message(e, filename=__file__) == f"torch.Tensor.unfold {HINT}"
        assert api.unsupported_message(e, filename="script.py") is None, "not the script's line"

"""The 2017 slides' PyTorch 0.1 idioms: accepted, and said once, for a script that imports
``Variable`` from ``torch.autograd``; modern PyTorch's errors for any other script."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import numpy as np
import pytest

from engine.cli.program import load_script, printed_as_events
from engine.eager import errors, legacy
from engine.events import recording

HERE = Path(__file__).parent / "tutorials"
NOTICE = "PyTorch 0.1 idioms accepted"


def run_script(path: Path, iterations: int | None = None) -> list[dict]:
    """Run a script as ``cgviz run`` does (its prints as ``output`` events); its events."""
    program = load_script(str(path), "cpu", iterations)
    with recording() as events, printed_as_events():
        program.run()
    return events


@pytest.mark.parametrize("script", ["autograd_2017.py", "function_2017.py"])
def test_the_2017_listing_runs_as_the_slide_shows_it_and_its_loss_falls(script):
    events = run_script(HERE / script, iterations=40)
    losses = [e["value"] for e in events if e["kind"] == "metric" and e["name"] == "loss"]
    assert len(losses) == 40, "one loss per turn of the loop"
    assert np.all(np.isfinite(losses))
    assert losses[-1] < 0.05 * losses[0], f"{script}: loss {losses[0]} -> {losses[-1]}"
    said = [e["text"] for e in events if e["kind"] == "output" and NOTICE in e["text"]]
    assert len(said) == 1, "the notice is said once, in the app's log pane"
    assert [e["stream"] for e in events if e["kind"] == "output" and NOTICE in e["text"]] == [
        "stderr"
    ]
    assert said[0].startswith("cgviz: PyTorch 0.1 idioms accepted")
    assert "modern PyTorch raises" in said[0]
    assert not legacy.ACTIVE[0], "the mode ends with the script"


def test_the_notice_goes_to_stderr_once(capsys):
    load_script(str(HERE / "autograd_2017.py"), "cpu", 3).run()
    err = capsys.readouterr().err
    assert err.count(NOTICE) == 1, err


IDIOMS = {
    "if_grad": (
        """
        import torch
        w1 = torch.randn(5, 3, requires_grad=True)
        for t in range(2):
            loss = (w1 * 2.0).sum()
            if w1.grad: w1.grad.data.zero_()
            loss.backward()
        """,
        RuntimeError,
        "^" + re.escape(errors.BOOL_AMBIGUOUS) + "$",
    ),
    "zero_a_none_grad": (
        """
        import torch
        w1 = torch.randn(5, 3, requires_grad=True)
        w1.grad.data.zero_()
        """,
        AttributeError,
        "^'NoneType' object has no attribute 'data'$",
    ),
    "legacy_function": (
        """
        import torch

        class ReLU(torch.autograd.Function):
            def forward(self, x):
                self.save_for_backward(x)
                return x.clamp(min=0)

        relu = ReLU()
        relu(torch.randn(4, 5))
        """,
        RuntimeError,
        "^" + re.escape(errors.LEGACY_FUNCTION) + "$",
    ),
}


@pytest.mark.parametrize("idiom", sorted(IDIOMS))
def test_without_the_variable_import_the_idioms_give_modern_errors(idiom, tmp_path, capsys):
    load_script(str(HERE / "autograd_2017.py"), "cpu", 2).run()  # a 2017 script ran before
    source, exc, message = IDIOMS[idiom]
    path = tmp_path / f"{idiom}.py"
    path.write_text(textwrap.dedent(source), encoding="utf-8")
    with pytest.raises(exc, match=message):
        load_script(str(path), "cpu", None).run()
    assert capsys.readouterr().err.count(NOTICE) == 1, "said for the 2017 script only"


def test_variable_outside_a_script_changes_nothing():
    import engine.eager as torch
    from engine.eager.autograd import Variable

    w = Variable(torch.randn(3, 2), requires_grad=True)
    assert w.grad is None and not legacy.ACTIVE[0]
    assert torch.autograd.Variable is Variable


@pytest.mark.parametrize("script", ["autograd_2017.py", "function_2017.py"])
def test_the_2017_listing_computes_the_lectures_numpy_network(script, capsys):
    import engine.eager as torch
    from tests.engine.eager.test_listings import numpy_p2

    torch.manual_seed(7)  # the script's four randn, drawn again below for the reference
    namespace = load_script(str(HERE / script), "cpu", 4).run()
    torch.manual_seed(7)
    shapes = [(64, 1000), (64, 10), (1000, 100), (100, 10)]  # x, y, w1, w2
    start = [torch.randn(*shape).numpy() for shape in shapes]
    w1, w2, _ = numpy_p2(*start, 1e-6, 4)  # zeroed grads each step, as `if w1.grad:` does in 0.1
    np.testing.assert_allclose(namespace["w1"].data.numpy(), w1, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(namespace["w2"].data.numpy(), w2, rtol=1e-4, atol=1e-5)

"""PyTorch 0.1 idioms, accepted for a script that imports ``Variable`` from ``torch.autograd``.

The 2017 lecture's PyTorch slides (P3, P4) were written for PyTorch 0.1, and three of their
idioms fail in modern PyTorch:

* ``if w1.grad: w1.grad.data.zero_()``: a gradient of more than one value has no truth value
  (``RuntimeError: Boolean value of Tensor with more than one value is ambiguous``); in 0.1 a
  Variable was true when it was not empty.
* ``w1.grad.data.zero_()`` before the first ``backward()``: the gradient is None until then
  (``AttributeError: 'NoneType' object has no attribute 'data'``); early 0.1 releases made it
  zeros with the Variable.
* a ``torch.autograd.Function`` with an instance ``forward(self, x)``, called as ``relu(x)``
  (``RuntimeError: Legacy autograd function with non-static forward method is deprecated...``).

The engine gives the modern errors, unless a script run by ``cgviz run`` / ``python -m engine
run`` takes ``Variable`` from ``torch.autograd`` (``from torch.autograd import Variable``): from
then on, for that script, the three idioms work as they did in 0.1, and the engine says so once
on stderr (which the app shows in its log pane)::

    cgviz: PyTorch 0.1 idioms accepted: ... modern PyTorch raises an error for each

``engine.eager.set_legacy(True)`` turns the same mode on explicitly, without the notice.
"""

from __future__ import annotations

import sys

__all__ = ["ACTIVE", "NOTICE", "arm", "disarm", "requested"]

ACTIVE = [False]
"""Whether the 0.1 idioms are accepted now (read by ``__bool__``, ``Variable``, ``Function``)."""
_ARMED = [False]
"""A script is running under the framework aliases: taking ``Variable`` turns the mode on."""
_ANNOUNCED = [False]

NOTICE = (
    "PyTorch 0.1 idioms accepted (the script imports Variable from torch.autograd): "
    "`if w.grad:` on a gradient, `w.grad.data.zero_()` before the first backward(), "
    "an autograd.Function instance called as `relu(x)`; modern PyTorch raises an error for each"
)
"""The line said once when a script turns the mode on."""


def arm() -> None:
    """A script starts: the mode is off until it takes ``Variable`` from ``torch.autograd``."""
    _ARMED[0], ACTIVE[0], _ANNOUNCED[0] = True, False, False


def disarm() -> None:
    """The script ended: back to modern PyTorch's errors."""
    _ARMED[0], ACTIVE[0], _ANNOUNCED[0] = False, False, False


def requested() -> None:
    """The running script took ``Variable`` from ``torch.autograd``: accept the 0.1 idioms and
    say so, once. Outside a script (tests, the engine's own imports) nothing changes."""
    if not _ARMED[0]:
        return
    ACTIVE[0] = True
    if not _ANNOUNCED[0]:
        _ANNOUNCED[0] = True
        sys.stderr.write(f"cgviz: {NOTICE}\n")
        sys.stderr.flush()

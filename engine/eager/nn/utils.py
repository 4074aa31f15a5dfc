"""``torch.nn.utils``: gradient clipping (``clip_grad_norm_``, ``clip_grad_value_``), the step a
training loop takes between ``backward()`` and ``optimizer.step()`` to tame large gradients.

Both work on the parameters' ``.grad`` in place, outside autograd (as PyTorch's do), with
PyTorch's arithmetic: every gradient is multiplied by ``max_norm / (total_norm + 1e-6)``
clamped to at most 1.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from engine.eager.factory import tensor
from engine.eager.grad_mode import no_grad
from engine.eager.shaping import stack
from engine.eager.tensor import Tensor

__all__ = ["clip_grad_norm_", "clip_grad_value_"]


def _grads(parameters: Tensor | Iterable[Tensor]) -> list[Tensor]:
    params = [parameters] if isinstance(parameters, Tensor) else list(parameters)
    return [p.grad for p in params if p.grad is not None]


def clip_grad_norm_(
    parameters: Tensor | Iterable[Tensor],
    max_norm: float,
    norm_type: float = 2.0,
    error_if_nonfinite: bool = False,
) -> Tensor:
    """Scale every gradient by one factor so that their joint norm is at most ``max_norm``.

    Returns:
        The joint norm before clipping (a 0-d tensor; 0 when no parameter has a gradient).

    Raises:
        RuntimeError: with ``error_if_nonfinite``, when the norm is nan or inf.
    """
    grads = _grads(parameters)
    if not grads:
        return tensor(0.0)
    with no_grad():
        total = stack([g.norm(norm_type) for g in grads]).norm(norm_type)
        if error_if_nonfinite and not math.isfinite(total.item()):
            raise RuntimeError(
                f"The total norm of order {float(norm_type)} for gradients from `parameters` is "
                "non-finite, so it cannot be clipped. To disable this error and scale the "
                "gradients by the non-finite norm anyway, set `error_if_nonfinite=False`"
            )
        coef = (float(max_norm) / (total + 1e-6)).clamp(max=1.0)
        for g in grads:
            g.mul_(coef)
    return total


def clip_grad_value_(parameters: Tensor | Iterable[Tensor], clip_value: float) -> None:
    """Clamp every gradient element into ``[-clip_value, clip_value]``."""
    with no_grad():
        for g in _grads(parameters):
            g.clamp_(min=-clip_value, max=clip_value)

"""``torch.autograd.Variable``: the 2017 wrapper, a tensor since PyTorch 0.4 merged the two."""

from __future__ import annotations

from engine.eager import legacy
from engine.eager.tensor import Tensor, _new

__all__ = ["Variable"]


def Variable(data: Tensor, requires_grad: bool = False, volatile: bool = False) -> Tensor:  # noqa: N802
    """The 2017 wrapper: a tensor sharing ``data``'s storage, tracked when ``requires_grad``.

    In the PyTorch 0.1 mode (:mod:`engine.eager.legacy`) a Variable that requires grad starts
    with a gradient of zeros, as early 0.1 releases made it, so ``w1.grad.data.zero_()`` works
    before the first ``backward()``.
    """
    if not isinstance(data, Tensor):
        raise TypeError(f"Variable data has to be a tensor, but got {type(data).__name__}")
    t = _new(data.array, data._dev, requires_grad=bool(requires_grad))
    t._vc = data._vc
    if requires_grad and legacy.ACTIVE[0]:
        t.grad = _new(data._dev.xp.zeros_like(data.array), data._dev)
    return t

"""``nn.BatchNorm1d``: each feature normalised by the batch's mean and variance while training,
by running estimates of them in ``eval()`` mode, then scaled and shifted (``weight``,
``bias``). ``nn.LayerNorm`` and ``F.layer_norm``: each sample normalised over its last axes,
the same in training and in ``eval()``.

Written with the Tensor's ops (mean, subtract, square, sqrt, divide), so autograd and the
graph pane show each step; the running estimates are buffers updated outside autograd, as
PyTorch updates them: ``running = (1 - momentum) * running + momentum * batch``, the variance
unbiased there (``n / (n - 1)``) and biased in the normalisation.
"""

from __future__ import annotations

from typing import Any

from engine.eager.factory import ones, tensor, zeros
from engine.eager.grad_mode import no_grad
from engine.eager.nn.module import Module, Parameter
from engine.eager.tensor import Tensor, composed

__all__ = ["BatchNorm1d", "LayerNorm", "layer_norm"]


class BatchNorm1d(Module):
    """Batch normalisation over a (N, C) or (N, C, L) input, per feature C."""

    def __init__(
        self,
        num_features: int,
        eps: float = 1e-5,
        momentum: float | None = 0.1,
        affine: bool = True,
        track_running_stats: bool = True,
        device: Any = None,
        dtype: Any = None,
        bias: bool = True,
    ) -> None:
        super().__init__()
        self.num_features, self.eps, self.momentum = num_features, eps, momentum
        self.affine, self.track_running_stats = affine, track_running_stats
        self.has_bias = bias
        kw = {"device": device, "dtype": dtype}
        if affine:
            self.weight = Parameter(ones(num_features, **kw))
            self.bias = Parameter(zeros(num_features, **kw)) if bias else None
        if track_running_stats:
            self.register_buffer("running_mean", zeros(num_features, **kw))
            self.register_buffer("running_var", ones(num_features, **kw))
            self.register_buffer("num_batches_tracked", tensor(0, device=device))

    def forward(self, x: Tensor) -> Tensor:
        if x.dim() not in (2, 3):
            raise ValueError(f"expected 2D or 3D input (got {x.dim()}D input)")
        channels = x.shape[1]
        if self.track_running_stats and channels != self.num_features:
            raise RuntimeError(
                f"running_mean should contain {channels} elements not {self.num_features}"
            )
        axes = (0,) if x.dim() == 2 else (0, 2)
        shape = (1, channels) if x.dim() == 2 else (1, channels, 1)
        batch_stats = self.training or not self.track_running_stats
        if batch_stats:
            count = x.numel() // channels
            if count <= 1:
                raise ValueError(
                    "Expected more than 1 value per channel when training, got input size "
                    f"{x.shape!r}"
                )
            mean = x.mean(axes, keepdim=True)
            centred = x - mean
            var = (centred * centred).mean(axes, keepdim=True)
            if self.training and self.track_running_stats:
                self._track(mean, var, count)
        else:
            centred = x - self.running_mean.view(*shape)
            var = self.running_var.view(*shape)
        y = centred / (var + self.eps).sqrt()
        if self.affine:
            y = y * self.weight.view(*shape)
            if self.bias is not None:
                y = y + self.bias.view(*shape)
        return y

    def _track(self, mean: Tensor, var: Tensor, count: int) -> None:
        """The running estimates take a step towards this batch's (outside autograd)."""
        with no_grad():
            self.num_batches_tracked.add_(1)
            m = self.momentum
            if m is None:  # a cumulative average
                m = 1.0 / float(self.num_batches_tracked.item())
            c = self.num_features
            self.running_mean.mul_(1 - m).add_(mean.view(c) * m)
            self.running_var.mul_(1 - m).add_(var.view(c) * (m * count / (count - 1)))

    def extra_repr(self) -> str:
        return (
            f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, "
            f"affine={self.affine}, bias={self.has_bias}, "
            f"track_running_stats={self.track_running_stats}"
        )


def layer_norm(
    input: Tensor,  # noqa: A002
    normalized_shape: Any,
    weight: Tensor | None = None,
    bias: Tensor | None = None,
    eps: float = 1e-5,
) -> Tensor:
    """``(x - mean) / sqrt(var + eps) * weight + bias``, the mean and the (biased) variance
    taken over the last ``len(normalized_shape)`` axes of each sample."""
    shape = _normalized(normalized_shape)
    have = tuple(input.shape)
    if not shape or have[len(have) - len(shape) :] != shape or len(have) < len(shape):
        raise RuntimeError(
            f"Given normalized_shape={list(shape)}, expected input with shape "
            f"[*, {', '.join(str(n) for n in shape)}], but got input of size{list(have)}"
        )
    axes = tuple(range(len(have) - len(shape), len(have)))
    mean = input.mean(axes, keepdim=True)
    centred = input - mean
    var = (centred * centred).mean(axes, keepdim=True)
    y = centred / (var + eps).sqrt()
    if weight is not None:
        y = y * weight
    if bias is not None:
        y = y + bias
    return composed(y, "NativeLayerNormBackward0")


def _normalized(shape: Any) -> tuple[int, ...]:
    return (int(shape),) if isinstance(shape, int) else tuple(int(n) for n in shape)


class LayerNorm(Module):
    """Layer normalisation over the last axes (``normalized_shape``) of each sample, then
    an elementwise scale and shift of that shape (``elementwise_affine``)."""

    def __init__(
        self,
        normalized_shape: Any,
        eps: float = 1e-5,
        elementwise_affine: bool = True,
        bias: bool = True,
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        super().__init__()
        self.normalized_shape = _normalized(normalized_shape)
        self.eps, self.elementwise_affine = eps, elementwise_affine
        kw = {"device": device, "dtype": dtype}
        self.weight = Parameter(ones(*self.normalized_shape, **kw)) if elementwise_affine else None
        has_bias = elementwise_affine and bias
        self.bias = Parameter(zeros(*self.normalized_shape, **kw)) if has_bias else None

    def forward(self, x: Tensor) -> Tensor:
        return layer_norm(x, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return (
            f"{self.normalized_shape}, eps={self.eps}, "
            f"elementwise_affine={self.elementwise_affine}, bias={self.bias is not None}"
        )

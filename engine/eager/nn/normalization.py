"""``nn.BatchNorm1d``: each feature normalised by the batch's mean and variance while training,
by running estimates of them in ``eval()`` mode, then scaled and shifted (``weight``,
``bias``).

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
from engine.eager.tensor import Tensor

__all__ = ["BatchNorm1d"]


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

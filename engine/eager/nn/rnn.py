"""``nn.RNN`` and ``nn.RNNCell``: Elman recurrent layers, unrolled in Python so every time
step's ops are nodes of the graph and backward runs through time.

One step of layer ``k``: ``h_t = tanh(x_t W_ih^T + b_ih + h_(t-1) W_hh^T + b_hh)`` (``relu``
with ``nonlinearity='relu'``); layer ``k + 1`` reads layer ``k``'s ``h_t``. Parameters are named
and initialised as PyTorch's (``weight_ih_l0``... uniform in ``±1/sqrt(hidden_size)``).
"""

from __future__ import annotations

import math
from typing import Any

from engine.eager import factory
from engine.eager.nn import functional
from engine.eager.nn.module import Module, Parameter
from engine.eager.shaping import stack
from engine.eager.tensor import Tensor


def _uniform(bound: float, dtype: Any, device: Any, *shape: int) -> Parameter:
    host = factory.generator().uniform(-bound, bound, shape).astype(factory._dtype(dtype))
    return Parameter(factory._make(host, device, False))


def _step(
    x: Tensor,
    h: Tensor,
    w_ih: Tensor,
    w_hh: Tensor,
    b_ih: Tensor | None,
    b_hh: Tensor | None,
    nonlinearity: str,
) -> Tensor:
    pre = functional.linear(x, w_ih, b_ih) + functional.linear(h, w_hh, b_hh)
    return pre.tanh() if nonlinearity == "tanh" else pre.relu()


def _check_nonlinearity(nonlinearity: str) -> str:
    if nonlinearity not in ("tanh", "relu"):
        raise ValueError(f"Unknown nonlinearity '{nonlinearity}'. Select from 'tanh' or 'relu'.")
    return nonlinearity


class RNNCell(Module):
    """One step of an Elman RNN: ``h' = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh)``."""

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        bias: bool = True,
        nonlinearity: str = "tanh",
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        super().__init__()
        self.input_size, self.hidden_size = input_size, hidden_size
        self.nonlinearity = _check_nonlinearity(nonlinearity)
        bound = 1.0 / math.sqrt(hidden_size) if hidden_size else 0.0
        self.weight_ih = _uniform(bound, dtype, device, hidden_size, input_size)
        self.weight_hh = _uniform(bound, dtype, device, hidden_size, hidden_size)
        self.bias_ih = _uniform(bound, dtype, device, hidden_size) if bias else None
        self.bias_hh = _uniform(bound, dtype, device, hidden_size) if bias else None

    def forward(self, input: Tensor, hx: Tensor | None = None) -> Tensor:  # noqa: A002
        batched = input.array.ndim == 2
        x = input if batched else input.unsqueeze(0)
        if hx is None:
            h = factory.zeros(x.array.shape[0], self.hidden_size, dtype=x.dtype, device=x._dev)
        else:
            h = hx if batched else hx.unsqueeze(0)
        out = _step(
            x, h, self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh, self.nonlinearity
        )
        return out if batched else out.squeeze(0)

    def extra_repr(self) -> str:
        return f"{self.input_size}, {self.hidden_size}"


class RNN(Module):
    """A multi-layer Elman RNN over a sequence: ``(output, h_n)``.

    ``input`` is (L, N, H_in), or (N, L, H_in) with ``batch_first``, or (L, H_in) unbatched;
    ``output`` holds the last layer's ``h_t`` for every step, ``h_n`` every layer's last.
    """

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        nonlinearity: str = "tanh",
        bias: bool = True,
        batch_first: bool = False,
        dropout: float = 0.0,
        bidirectional: bool = False,
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        super().__init__()
        if bidirectional:
            raise NotImplementedError("nn.RNN(bidirectional=True) is not supported by the engine")
        self.input_size, self.hidden_size, self.num_layers = input_size, hidden_size, num_layers
        self.nonlinearity = _check_nonlinearity(nonlinearity)
        self.bias, self.batch_first, self.dropout = bias, batch_first, float(dropout)
        bound = 1.0 / math.sqrt(hidden_size) if hidden_size else 0.0
        for k in range(num_layers):
            width = input_size if k == 0 else hidden_size
            setattr(self, f"weight_ih_l{k}", _uniform(bound, dtype, device, hidden_size, width))
            setattr(
                self, f"weight_hh_l{k}", _uniform(bound, dtype, device, hidden_size, hidden_size)
            )
            if bias:
                setattr(self, f"bias_ih_l{k}", _uniform(bound, dtype, device, hidden_size))
                setattr(self, f"bias_hh_l{k}", _uniform(bound, dtype, device, hidden_size))

    def _layer(self, k: int) -> tuple[Any, Any, Any, Any]:
        get = self.__dict__["_parameters"].get
        return (
            get(f"weight_ih_l{k}"),
            get(f"weight_hh_l{k}"),
            get(f"bias_ih_l{k}"),
            get(f"bias_hh_l{k}"),
        )

    def forward(
        self,
        input: Tensor,  # noqa: A002
        hx: Tensor | None = None,
    ) -> tuple[Tensor, Tensor]:
        batched = input.array.ndim == 3
        if input.array.ndim not in (2, 3):
            raise ValueError(
                f"RNN: Expected input to be 2D or 3D, got {input.array.ndim}D tensor instead"
            )
        x = input if batched else input.unsqueeze(1 if not self.batch_first else 0)
        if hx is not None and not batched:
            hx = hx.unsqueeze(1)
        time_axis = 1 if self.batch_first else 0
        steps, batch = x.array.shape[time_axis], x.array.shape[1 - time_axis]
        if hx is None:
            zero = factory.zeros(batch, self.hidden_size, dtype=x.dtype, device=x._dev)
            h = [zero] * self.num_layers
        else:
            h = [hx[k] for k in range(self.num_layers)]
        outputs = []
        for t in range(steps):
            inp = x[:, t] if self.batch_first else x[t]
            for k in range(self.num_layers):
                w_ih, w_hh, b_ih, b_hh = self._layer(k)
                h[k] = _step(inp, h[k], w_ih, w_hh, b_ih, b_hh, self.nonlinearity)
                inp = h[k]
                if self.dropout and self.training and k < self.num_layers - 1:
                    inp = functional.dropout(inp, self.dropout, True)
            outputs.append(inp)
        output, h_n = stack(outputs, time_axis), stack(h, 0)
        if not batched:
            output, h_n = output.squeeze(time_axis ^ 1), h_n.squeeze(1)
        return output, h_n

    def extra_repr(self) -> str:
        extra = f", num_layers={self.num_layers}" if self.num_layers != 1 else ""
        extra += ", batch_first=True" if self.batch_first else ""
        return f"{self.input_size}, {self.hidden_size}{extra}"

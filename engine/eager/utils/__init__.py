"""``torch.utils``: only ``data`` (TensorDataset, DataLoader)."""

from __future__ import annotations

from engine.eager.utils import data

__all__ = ["data"]

"""``keras.utils``: ``to_categorical`` (class indices to one-hot rows, in numpy)."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..namespace import missing_names

__all__ = [
    "to_categorical",
]


def to_categorical(y: Any, num_classes: int | None = None, dtype: str = "float32") -> np.ndarray:
    """One-hot rows for the class indices ``y`` (``num_classes``: max + 1 by default)."""
    labels = np.asarray(y, dtype=np.int64)
    if labels.ndim > 1 and labels.shape[-1] == 1:
        labels = labels[..., 0]
    n = int(labels.max()) + 1 if num_classes is None else int(num_classes)
    out = np.zeros((*labels.shape, n), dtype=dtype)
    np.put_along_axis(out, labels[..., None], 1, axis=-1)
    return out


__getattr__ = missing_names("keras.utils")

"""``torch.cuda``: whether a GPU can be used, and the legacy ``torch.cuda.FloatTensor`` types."""

from __future__ import annotations

from engine import devices
from engine.eager.types import CUDA_TYPES

__all__ = [
    "BoolTensor",
    "ByteTensor",
    "DoubleTensor",
    "FloatTensor",
    "HalfTensor",
    "IntTensor",
    "LongTensor",
    "device_count",
    "is_available",
    "synchronize",
]

FloatTensor = CUDA_TYPES["FloatTensor"]
DoubleTensor = CUDA_TYPES["DoubleTensor"]
HalfTensor = CUDA_TYPES["HalfTensor"]
LongTensor = CUDA_TYPES["LongTensor"]
IntTensor = CUDA_TYPES["IntTensor"]
ByteTensor = CUDA_TYPES["ByteTensor"]
BoolTensor = CUDA_TYPES["BoolTensor"]


def is_available() -> bool:
    """True when cupy and a CUDA device work."""
    return devices.gpu_status()[0]


def device_count() -> int:
    return 1 if is_available() else 0


def synchronize() -> None:
    """Wait for the GPU (and deliver pending kernel timings)."""
    if is_available():
        devices.get_device("gpu").flush()

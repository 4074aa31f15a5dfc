"""``torch.utils.data``: ``TensorDataset`` and a single-process ``DataLoader``."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from engine.eager.factory import generator, stack
from engine.eager.tensor import Tensor, _new


class Dataset:
    """Anything with ``__getitem__`` and ``__len__``."""

    def __getitem__(self, index: int) -> Any:
        raise NotImplementedError

    def __len__(self) -> int:
        raise NotImplementedError


class TensorDataset(Dataset):
    """Samples are the i-th rows of each tensor (their first dimensions must agree)."""

    def __init__(self, *tensors: Tensor) -> None:
        if any(t.array.shape[0] != tensors[0].array.shape[0] for t in tensors):
            raise AssertionError("Size mismatch between tensors")
        self.tensors = tensors

    def __getitem__(self, index: int) -> tuple[Tensor, ...]:
        return tuple(_new(t.array[index], t._dev) for t in self.tensors)

    def __len__(self) -> int:
        return int(self.tensors[0].array.shape[0])


class DataLoader:
    """Batches of a dataset: lists of stacked tensors, in order or shuffled.

    Args:
        dataset: a TensorDataset (batched by slicing) or any Dataset (stacked sample by sample).
        batch_size: samples per batch.
        shuffle: draw a new order every epoch (seeded by ``manual_seed``).
        drop_last: skip a last batch smaller than ``batch_size``.
    """

    def __init__(self, dataset: Dataset, batch_size: int = 1, shuffle: bool = False,
                 drop_last: bool = False, num_workers: int = 0, **kwargs: Any) -> None:
        if batch_size is None or batch_size < 1:
            raise ValueError(f"batch_size should be a positive integer value, but got batch_size={batch_size}")
        self.dataset, self.batch_size = dataset, int(batch_size)
        self.shuffle, self.drop_last = shuffle, drop_last

    def __len__(self) -> int:
        n = len(self.dataset)
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)

    def __iter__(self) -> Iterator[list[Tensor]]:
        import numpy as np

        n = len(self.dataset)
        order = generator().permutation(n) if self.shuffle else np.arange(n)
        for start in range(0, n, self.batch_size):
            idx = order[start:start + self.batch_size]
            if self.drop_last and len(idx) < self.batch_size:
                return
            if isinstance(self.dataset, TensorDataset):
                yield [_new(t.array[t._dev.asarray(idx)], t._dev) for t in self.dataset.tensors]
            else:
                samples = [self.dataset[int(i)] for i in idx]
                yield [stack(list(col)) for col in zip(*samples, strict=True)]

"""``torch.utils.data``: ``Dataset``, ``TensorDataset`` and a ``DataLoader`` with thread workers.

When someone listens, the loader tells the stream how long the training loop waited for each
batch: a ``data`` event (``dur_ns``, ``source``, ``batch``, ``bytes``, ``mode``) - the lecture's
"loading data can starve the GPU", measured. Before it waits, the loader ends the eager
iteration in progress, so iteration times stay compute only and the wait is counted apart.
``source`` is "ram" for a TensorDataset, "prefetch" when ``num_workers`` threads load batches
ahead, else the dataset's own ``source`` attribute ("disk" when it has none).
"""

from __future__ import annotations

import os
import time
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import numpy as np

from engine.eager.factory import generator
from engine.eager.tensor import Tensor, _new
from engine.events import STREAM

__all__ = ["DataLoader", "Dataset", "TensorDataset", "drop_page_cache"]


class Dataset:
    """Anything with ``__getitem__`` and ``__len__``."""

    source = "disk"
    """What the loader's ``data`` events call this dataset's origin."""

    def __getitem__(self, index: int) -> Any:
        raise NotImplementedError

    def __len__(self) -> int:
        raise NotImplementedError


class TensorDataset(Dataset):
    """Samples are the i-th rows of each tensor (their first dimensions must agree)."""

    source = "ram"

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
        batch_size: samples per batch; None hands out the dataset's items as they are (a
            dataset whose items are whole batches).
        shuffle: draw a new order every epoch (seeded by ``manual_seed``).
        drop_last: skip a last batch smaller than ``batch_size``.
        num_workers: threads that load batches ahead of the loop (0: the loop loads them).
        prefetch_factor: batches each worker loads ahead (``num_workers * prefetch_factor``
            batches are in flight at most).
    """

    def __init__(
        self,
        dataset: Dataset,
        batch_size: int | None = 1,
        shuffle: bool = False,
        drop_last: bool = False,
        num_workers: int = 0,
        prefetch_factor: int = 2,
        **kwargs: Any,
    ) -> None:
        if batch_size is not None and (not isinstance(batch_size, int) or batch_size < 1):
            raise ValueError(
                f"batch_size should be a positive integer value, but got batch_size={batch_size}"
            )
        if num_workers < 0:
            raise ValueError(
                "num_workers option should be non-negative; "
                "use num_workers=0 to disable multiprocessing."
            )
        self.dataset, self.batch_size = dataset, batch_size
        self.shuffle, self.drop_last = shuffle, drop_last
        self.num_workers, self.prefetch_factor = int(num_workers), max(1, int(prefetch_factor))

    def __len__(self) -> int:
        n = len(self.dataset)
        if self.batch_size is None:
            return n
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)

    @property
    def source(self) -> str:
        """What this loader's ``data`` events call the batches' origin."""
        if self.num_workers:
            return "prefetch"
        return str(getattr(self.dataset, "source", "disk"))

    def _batches(self) -> list[Any]:
        """This epoch's batches as index arrays (or single indices when batch_size is None)."""
        n = len(self.dataset)
        order = generator().permutation(n) if self.shuffle else np.arange(n)
        if self.batch_size is None:
            return [int(i) for i in order]
        out = [order[s : s + self.batch_size] for s in range(0, n, self.batch_size)]
        if self.drop_last and out and len(out[-1]) < self.batch_size:
            out.pop()
        return out

    def _fetch(self, idx: Any) -> Any:
        """Load one batch (in the loop's thread or a worker's)."""
        if self.batch_size is None:
            return self.dataset[idx]
        if isinstance(self.dataset, TensorDataset):
            return [_new(t.array[t._dev.asarray(idx)], t._dev) for t in self.dataset.tensors]
        samples = [self.dataset[int(i)] for i in idx]
        return [_stack(list(col)) for col in zip(*samples, strict=True)]

    def __iter__(self) -> Iterator[Any]:
        batches = self._batches()
        if self.num_workers:
            return self._prefetched(batches)
        return self._in_loop(batches)

    def _in_loop(self, batches: list[Any]) -> Iterator[Any]:
        source = self.source
        for number, idx in enumerate(batches):
            if not STREAM.active:
                yield self._fetch(idx)
                continue
            _end_iteration()
            t0 = time.perf_counter_ns()
            batch = self._fetch(idx)
            _waited(time.perf_counter_ns() - t0, source, number, batch)
            yield batch
        if STREAM.active:
            _end_iteration()  # the epoch's last step ends here, not at the next loader

    def _prefetched(self, batches: list[Any]) -> Iterator[Any]:
        ahead = self.num_workers * self.prefetch_factor
        pool = ThreadPoolExecutor(max_workers=self.num_workers, thread_name_prefix="DataLoader")
        pending: deque[Future[Any]] = deque()
        todo = iter(batches)
        if STREAM.active:
            _end_iteration()
        t_first = time.perf_counter_ns()  # the first wait includes starting the workers
        try:
            for idx in todo:
                pending.append(pool.submit(self._fetch, idx))
                if len(pending) >= ahead:
                    break
            number = 0
            while pending:
                future = pending.popleft()
                active = STREAM.active
                if active:
                    _end_iteration()
                t0 = t_first if number == 0 else time.perf_counter_ns()
                batch = future.result()
                waited = time.perf_counter_ns() - t0
                for idx in todo:  # keep the workers busy: refill one
                    pending.append(pool.submit(self._fetch, idx))
                    break
                if active:
                    _waited(waited, "prefetch", number, batch)
                number += 1
                yield batch
            if STREAM.active:
                _end_iteration()
        finally:
            pool.shutdown(wait=True, cancel_futures=True)


def _end_iteration() -> None:
    """End the eager iteration in progress: the wait that follows is not compute."""
    from engine.eager.tracing import new_iteration

    new_iteration()


def _nbytes(batch: Any) -> int:
    if isinstance(batch, Tensor):
        return int(batch.array.nbytes)
    if isinstance(batch, (list, tuple)):
        return sum(_nbytes(b) for b in batch)
    return int(getattr(batch, "nbytes", 0) or 0)


def _waited(dur_ns: int, source: str, number: int, batch: Any) -> None:
    STREAM.emit(
        "data", dur_ns=int(dur_ns), source=source, batch=number, bytes=_nbytes(batch), mode="eager"
    )


def drop_page_cache(path: str | os.PathLike[str]) -> str:
    """Ask the OS to forget its cached pages of ``path``, so the next read goes to the disk.

    Linux and other POSIX systems with ``posix_fadvise``; elsewhere a no-op. Returns ``path``
    as a string (so ``np.load(drop_page_cache(p))`` reads it).
    """
    path = os.fspath(path)
    advise = getattr(os, "posix_fadvise", None)
    if advise is not None:
        fd = os.open(path, os.O_RDONLY)
        try:
            advise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
        finally:
            os.close(fd)
    return path


def _stack(tensors: list[Tensor]) -> Tensor:
    """Samples joined into a batch: data, so no autograd node and no graph node."""
    dev = tensors[0]._dev
    return _new(dev.xp.stack([t.array for t in tensors]), dev)

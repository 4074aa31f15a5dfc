"""The data-loading scene and the DataLoader's ``data`` events (wait per batch, by source)."""

from __future__ import annotations

import time

import numpy as np
import pytest

import engine.eager as torch
from engine.eager.utils.data import DataLoader, Dataset, TensorDataset, drop_page_cache
from engine.events import recording
from engine.scenes import get_scene

SLEEP = 0.01


class SlowDataset(Dataset):
    """Each item takes SLEEP seconds to load (a sleep, so threads overlap deterministically)."""

    def __init__(self, n: int) -> None:
        self.n = n

    def __getitem__(self, i: int):
        time.sleep(SLEEP)
        return torch.from_numpy(np.full((2, 3), i, np.float32))

    def __len__(self) -> int:
        return self.n


def _consume(loader: DataLoader, compute: float) -> list[dict]:
    with recording() as events:
        got = []
        for batch in loader:
            got.append(float(batch.array[0, 0]))
            time.sleep(compute)  # the loop's compute: at least the load time
    assert got == [float(i) for i in range(len(loader.dataset))], "batches in order"
    return [e for e in events if e["kind"] == "data"]


def test_prefetch_waits_less_than_loading_in_the_loop():
    n = 8
    disk = _consume(DataLoader(SlowDataset(n), batch_size=None), SLEEP)
    ahead = _consume(DataLoader(SlowDataset(n), batch_size=None, num_workers=2), SLEEP)
    assert [e["source"] for e in disk] == ["disk"] * n
    assert [e["source"] for e in ahead] == ["prefetch"] * n
    assert [e["batch"] for e in ahead] == list(range(n))
    assert all(e["bytes"] == 24 and e["mode"] == "eager" for e in disk + ahead)
    wait_disk = sum(e["dur_ns"] for e in disk)
    wait_ahead = sum(e["dur_ns"] for e in ahead[1:])  # the first batch waits either way
    assert wait_disk >= n * SLEEP * 1e9 * 0.9
    assert wait_ahead * 3 < wait_disk, (wait_ahead, wait_disk)


def test_loader_order_batching_and_no_events_without_listeners():
    x = torch.from_numpy(np.arange(10, dtype=np.float32).reshape(5, 2))
    for workers in (0, 2):
        loader = DataLoader(TensorDataset(x, x), batch_size=2, num_workers=workers)
        batches = [b[0].array.tolist() for b in loader]
        assert batches == [[[0, 1], [2, 3]], [[4, 5], [6, 7]], [[8, 9]]]
    with recording() as events:
        list(DataLoader(TensorDataset(x), batch_size=2))
    assert [e["source"] for e in events if e["kind"] == "data"] == ["ram"] * 3
    with pytest.raises(ValueError):
        DataLoader(TensorDataset(x), num_workers=-1)


def test_drop_page_cache_returns_the_path(tmp_path):
    path = tmp_path / "a.npy"
    np.save(path, np.ones(3))
    assert np.load(drop_page_cache(path)).tolist() == [1, 1, 1]


def test_data_scene_has_three_parts_each_with_its_source():
    with recording() as events:
        get_scene("data-loading").run(iterations=1, small=True)
    part, seen = None, {}
    for e in events:
        if e["kind"] == "scene" and e.get("part_of") == "data-loading":
            part = e["part"]
            assert e["title"] and e["caption"] and e["title_ko"] and e["caption_ko"]
        elif e["kind"] == "data":
            seen.setdefault(part, set()).add(e["source"])
    assert seen == {"ram": {"ram"}, "disk": {"disk"}, "prefetch": {"prefetch"}}
    # iterations are compute only: each one closes before the loop waits for its next batch
    order = [
        e["kind"]
        for e in events
        if e["kind"] in ("data", "iteration_started", "iteration_finished")
    ]
    for a, b in zip(order, order[1:], strict=False):
        assert not (a == "iteration_started" and b == "data"), "a wait inside an iteration"

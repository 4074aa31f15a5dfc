"""The data-loading scene and the DataLoader's ``data`` events (wait per batch, by source)."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest

import engine.eager as torch
from engine.eager.utils.data import DataLoader, Dataset, TensorDataset, drop_page_cache
from engine.events import recording
from engine.scenes import get_scene

LOAD_NS = 10**12  # loading one item takes 1000 s, on the fake clock
DEADLINE_S = 10.0


class FakeClock:
    """The engine's clock, moved only by loading an item (thread-safe)."""

    def __init__(self) -> None:
        self.now = 0
        self.lock = threading.Lock()

    def __call__(self) -> int:
        with self.lock:
            self.now += 1
            return self.now

    def advance(self, ns: int) -> None:
        with self.lock:
            self.now += ns


class GatedDataset(Dataset):
    """Item ``i`` loads (moving the fake clock by LOAD_NS) once ``go[i]`` is set; ``loaded[i]``
    is set when it has. Nothing sleeps: which wait holds a load is decided by the gates."""

    def __init__(self, n: int, clock: FakeClock) -> None:
        self.n, self.clock = n, clock
        self.go = [threading.Event() for _ in range(n)]
        self.loaded = [threading.Event() for _ in range(n)]

    def __getitem__(self, i: int):
        assert self.go[i].wait(DEADLINE_S), f"item {i} was never released"
        self.clock.advance(LOAD_NS)
        self.loaded[i].set()
        return torch.from_numpy(np.full((2, 3), i, np.float32))

    def __len__(self) -> int:
        return self.n


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    fake = FakeClock()
    monkeypatch.setattr(time, "perf_counter_ns", fake)
    return fake


def _consume(loader: DataLoader, ahead: bool) -> list[dict]:
    """Iterate ``loader``; with ``ahead``, the loop's compute for batch k lets item k+1 load
    and waits until it has (a loader that does not load ahead fails here)."""
    data: GatedDataset = loader.dataset
    data.go[0].set()
    if not ahead:
        for go in data.go:
            go.set()
    with recording() as events:
        got = []
        for batch in loader:
            k = int(batch.array[0, 0])
            got.append(k)
            if ahead and k + 1 < len(data):  # the loop's compute
                data.go[k + 1].set()
                assert data.loaded[k + 1].wait(DEADLINE_S), f"item {k + 1} not loaded ahead"
    assert got == list(range(len(data))), "batches in order"
    return [e for e in events if e["kind"] == "data"]


def test_prefetch_waits_less_than_loading_in_the_loop(clock: FakeClock) -> None:
    n = 8
    disk = _consume(DataLoader(GatedDataset(n, clock), batch_size=None), ahead=False)
    ahead = _consume(DataLoader(GatedDataset(n, clock), batch_size=None, num_workers=2), ahead=True)
    assert [e["source"] for e in disk] == ["disk"] * n
    assert [e["source"] for e in ahead] == ["prefetch"] * n
    assert [e["batch"] for e in ahead] == list(range(n))
    assert all(e["bytes"] == 24 and e["mode"] == "eager" for e in disk + ahead)
    # in the loop, every wait holds exactly one load
    assert all(LOAD_NS <= e["dur_ns"] < 2 * LOAD_NS for e in disk), disk
    # prefetched, only the first batch waits for its load; the others were loaded ahead
    assert LOAD_NS <= ahead[0]["dur_ns"] < 2 * LOAD_NS, ahead[0]
    assert all(0 <= e["dur_ns"] < LOAD_NS for e in ahead[1:]), ahead


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
    assert {"data", "iteration_started", "iteration_finished"} <= set(order), order
    for a, b in zip(order, order[1:], strict=False):
        assert not (a == "iteration_started" and b == "data"), "a wait inside an iteration"

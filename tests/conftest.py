"""Suite-wide fixtures: GPU tests run only where a CUDA device works; the garbage collector
tuned for a session that starts a hundred Textual apps."""

from __future__ import annotations

import gc

import pytest

from engine.devices import gpu_status


def pytest_collection_finish(session: pytest.Session) -> None:
    """Full garbage collections rarely, and never over what the imports made.

    A full collection walks every live object. Textual's global caches hold ~400 000 of them
    once a few apps have run (``Strip.blank``'s lru_cache keeps strips whose own caches keep
    more strips), so at the default thresholds the suite spent about 30 CPU-s (a sixth of its
    time) in ~90 full collections. The objects alive after collection (modules, classes,
    the tests) are frozen, and a full collection waits for 1000 passes over the young
    generations instead of 10; the young generations are collected as usual, and so is any
    explicit ``gc.collect()``.
    """
    gc.collect()
    gc.freeze()
    young, middle, _ = gc.get_threshold()
    gc.set_threshold(young, middle, 1000)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    ok, reason = gpu_status()
    if ok:
        return
    skip = pytest.mark.skip(reason=f"GPU test: {reason}")
    for item in items:
        if "gpu" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _screenshots_in_tmp(tmp_path_factory: pytest.TempPathFactory, monkeypatch) -> None:
    """ctrl+s in a test saves under a temporary folder, never in the user's Pictures."""
    monkeypatch.setenv("CGVIZ_SCREENSHOT_DIR", str(tmp_path_factory.getbasetemp() / "shots"))

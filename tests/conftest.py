"""Suite-wide fixtures: GPU tests run only where a CUDA device works."""

from __future__ import annotations

import pytest

from engine.devices import gpu_status


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

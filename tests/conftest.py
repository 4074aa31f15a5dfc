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

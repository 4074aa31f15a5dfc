"""Helpers for subprocess tests of ``python -m engine``."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def engine_cli(
    *args: str, cwd: Path | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m engine ARGS`` in a fresh interpreter; returns the finished process."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OPENBLAS_NUM_THREADS": "1"}
    env.pop("CGVIZ_DEBUG", None)
    return subprocess.run(
        [sys.executable, "-m", "engine", *args],
        cwd=cwd or ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@pytest.fixture
def cli():
    """The ``engine_cli`` runner."""
    return engine_cli


@pytest.fixture
def cli_here(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> Callable[..., subprocess.CompletedProcess[str]]:
    """``python -m engine ARGS`` run in this process (``engine.cli.main``, output captured):
    the fast way to check what is refused before anything runs. Same result type as ``cli``."""
    from engine.cli import main

    def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
        if cwd is not None:
            monkeypatch.chdir(cwd)
        capsys.readouterr()
        code = main(list(args))
        out, err = capsys.readouterr()
        return subprocess.CompletedProcess(["python", "-m", "engine", *args], code, out, err)

    return run


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """A test that runs ``python -m engine`` in a fresh interpreter (the ``cli`` fixture) is
    ``slow``; ``cli_here`` tests are not."""
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents and "cli" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.slow)

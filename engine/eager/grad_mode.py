"""Grad mode: whether ops record autograd nodes (``no_grad``, ``enable_grad``,
``set_grad_enabled``).

A thread-local flag, as in PyTorch: the engine's worker thread and a test thread never see each
other's mode.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


class _Mode(threading.local):
    enabled = True


MODE = _Mode()


def is_grad_enabled() -> bool:
    """True when ops record autograd nodes."""
    return MODE.enabled


class set_grad_enabled:  # noqa: N801 - PyTorch's name
    """Set grad mode; usable as a call, a context manager or a decorator."""

    def __init__(self, mode: bool) -> None:
        self.prev = MODE.enabled
        self.mode = bool(mode)
        MODE.enabled = self.mode

    def __enter__(self) -> None:
        MODE.enabled = self.mode

    def __exit__(self, *exc: Any) -> None:
        MODE.enabled = self.prev

    def __call__(self, fn: Callable[..., T]) -> Callable[..., T]:
        mode = self.mode
        MODE.enabled = self.prev

        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> T:
            with _Scoped(mode):
                return fn(*args, **kwargs)

        return wrapper


class _Scoped:
    """Context manager that sets grad mode for its block and restores it after."""

    mode = True

    def __init__(self, mode: bool | None = None) -> None:
        if mode is not None:
            self.mode = mode
        self.prev = True

    def __enter__(self) -> None:
        self.prev = MODE.enabled
        MODE.enabled = self.mode

    def __exit__(self, *exc: Any) -> None:
        MODE.enabled = self.prev

    def __call__(self, fn: Callable[..., T]) -> Callable[..., T]:
        mode = self.mode

        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> T:
            with _Scoped(mode):
                return fn(*args, **kwargs)

        return wrapper


class no_grad(_Scoped):  # noqa: N801 - PyTorch's name
    """Ops inside the block record nothing for autograd (the update step of every listing)."""

    mode = False


class enable_grad(_Scoped):  # noqa: N801 - PyTorch's name
    """Ops inside the block record for autograd again, even inside ``no_grad``."""

    mode = True

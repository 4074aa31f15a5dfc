"""Keep glibc's allocator from handing freed array memory back to the OS between ops.

glibc serves mid-sized blocks (the seed loop's 400 KB gradients) from its heap and trims the
heap's free top back to the OS once it exceeds a threshold that adapts at run time. When small
objects (event dicts, tensors) are allocated between two array ops, the top of the heap moves
and the next array's memory is faulted in again, page by page: a kernel such as
``lr * grad_w1`` then runs several times slower while events flow. Fixing both thresholds
(arrays up to 32 MiB from the heap, trim only above 128 MiB free) keeps those pages mapped.

Applied once, when the engine's devices are imported; a no-op off glibc, when the user set
``MALLOC_TRIM_THRESHOLD_`` / ``MALLOC_MMAP_THRESHOLD_`` themselves, or when
``CGVIZ_MALLOC=default``. The cost: up to 128 MiB of freed memory may stay with the process.
"""

from __future__ import annotations

import ctypes
import os
import sys
from typing import Any

M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD = 32 * 2**20  # glibc's largest allowed value on 64-bit
TRIM_THRESHOLD = 128 * 2**20
USER_VARS = ("MALLOC_TRIM_THRESHOLD_", "MALLOC_MMAP_THRESHOLD_", "MALLOC_TOP_PAD_")

_STATUS: str | None = None


def _libc() -> Any:
    """The process's C library (overridable in tests)."""
    return ctypes.CDLL(None)


def tune() -> str:
    """Fix glibc's trim and mmap thresholds once; returns what was done (a short sentence)."""
    global _STATUS
    if _STATUS is None:
        _STATUS = _apply()
    return _STATUS


def status() -> str:
    """What :func:`tune` did ("not applied" before it ran)."""
    return _STATUS or "not applied"


def _apply() -> str:
    if not sys.platform.startswith("linux"):
        return f"left as is ({sys.platform}: not glibc)"
    if os.environ.get("CGVIZ_MALLOC") == "default":
        return "left as is (CGVIZ_MALLOC=default)"
    if any(v in os.environ for v in USER_VARS):
        return "left as is (MALLOC_*_ variables set by the user)"
    try:
        libc = _libc()
        version = libc.gnu_get_libc_version
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return "left as is (not glibc)"
    version.restype = ctypes.c_char_p
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    mallopt.restype = ctypes.c_int
    ok = mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD) == 1
    ok = mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD) == 1 and ok
    name = f"glibc {version().decode()}"
    if not ok:
        return f"left as is ({name} refused mallopt)"
    return (
        f"{name}: mmap threshold {MMAP_THRESHOLD >> 20} MiB, "
        f"trim threshold {TRIM_THRESHOLD >> 20} MiB"
    )

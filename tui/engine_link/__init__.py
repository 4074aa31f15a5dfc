"""The UI's only doorway into the engine: scenes and device facts, imported lazily.

Everything here degrades to a reason string when the engine (or a part of it) is missing, so
the app always starts and says what is wrong.
"""

from __future__ import annotations

import importlib
from typing import Any

# Engine names the rest of the UI uses, imported on first use (PEP 562) so start-up stays fast:
# ``from tui.engine_link import read_trace`` is the UI's way to reach them.
_LAZY = {
    "STREAM": "engine.events",  # the in-process event stream (thread engine, recorder)
    "TraceError": "engine.events",  # a trace file that cannot be read, worded for the user
    "read_trace": "engine.events",
    "TraceReader": "engine.trace_read",  # the streaming, checking trace reader
    "safe_text": "engine.trace_text",  # trace or script text with control characters shown
    "UsageError": "engine.cli.common",  # a script the engine refuses, worded for the user
    "engine_cli": "engine.cli",  # ``python -m engine``'s entry point (``cgviz bench``)
}
_ALIASES = {"engine_cli": "main"}


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(_LAZY[name]), _ALIASES.get(name, name))
    globals()[name] = value
    return value


def load_scenes() -> tuple[dict[str, Any], str]:
    """The engine's scenes by name, and "" (or why there are none)."""
    try:
        from engine.scenes import SCENES
    except Exception as e:  # an unfinished or broken engine must not stop the UI
        return {}, f"engine scenes unavailable: {type(e).__name__}: {e}"
    return dict(SCENES), ""


def gpu_status() -> tuple[bool, str]:
    """Whether a GPU can be used, and why (not)."""
    try:
        from engine.devices import gpu_status as probe
    except Exception as e:
        return False, f"engine devices unavailable: {e}"
    try:
        return probe()
    except Exception as e:
        return False, f"GPU probe failed: {type(e).__name__}: {e}"


def device_info(name: str) -> dict[str, Any]:
    """Device facts (cores, clock, memory...) or ``{"available": False, "reason": ...}``."""
    try:
        from engine.devices import device_info as info

        return dict(info(name))
    except Exception as e:
        return {"device": name, "available": False, "reason": f"{type(e).__name__}: {e}"}

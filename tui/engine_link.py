"""The UI's only doorway into the engine: scenes and device facts, imported lazily.

Everything here degrades to a reason string when the engine (or a part of it) is missing, so
the app always starts and says what is wrong.
"""

from __future__ import annotations

from typing import Any


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

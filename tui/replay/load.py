"""Recorded traces for replay: load one, say where and when it was recorded (no Textual).

A trace is JSON only (``engine.events.read_trace`` validates every line); nothing in it is executed.
Its header may carry the recording machine's device facts (``devices``: name -> facts, written by
:mod:`tui.engine_link.recorder`); the replay shows those, not the local machine's, so a GPU run
recorded on a server replays with its GPU figures on a laptop without one.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tui.i18n import tr

__all__ = ["Recording", "load_recording"]


@dataclass
class Recording:
    """A trace file read into memory."""

    path: Path
    header: dict[str, Any]
    events: list[dict[str, Any]]

    @property
    def device(self) -> str:
        """ "cpu" or "gpu": the device the run was recorded on."""
        device = self.header.get("device")
        if device in ("cpu", "gpu"):
            return str(device)
        for ev in self.events:
            if ev.get("kind") == "node_finished" and ev.get("device") in ("cpu", "gpu"):
                return str(ev["device"])
        return "cpu"

    @property
    def device_name(self) -> str:
        """The recording machine's device, in words ("NVIDIA H200", "host vm (cpu)")."""
        name = self.header.get("device_name")
        if name:
            return str(name)
        facts = self.device_facts(self.device)
        if facts.get("name"):
            return f"{facts['name']} ({self.device})"
        return f"{self.header.get('host') or 'unknown host'} ({self.device})"

    @property
    def date(self) -> str:
        """When it was recorded (the header's date, as written)."""
        created = str(self.header.get("date") or self.header.get("created") or "?")
        return created.replace("T", " ")[:16]

    @property
    def paced(self) -> bool:
        """The run was slowed or stepped while recorded."""
        return bool(self.header.get("paced"))

    @property
    def scene_name(self) -> str:
        """The recorded scene's (or script's) name."""
        for ev in self.events[:50]:
            if ev.get("kind") == "scene":
                return str(ev.get("name") or "")
        return str(self.header.get("scene") or self.header.get("script") or self.path.name)

    def device_facts(self, device: str) -> dict[str, Any]:
        """The header's facts of a device ({} when the header has none)."""
        devices = self.header.get("devices")
        if isinstance(devices, dict) and isinstance(devices.get(device), dict):
            return dict(devices[device])
        return {}

    def label(self, lang: str = "en") -> str:
        """ "replay · recorded on NVIDIA H200 (gpu) · 2026-11-29 10:02"."""
        return tr("replay.label", lang, device=self.device_name, date=self.date)


def load_recording(path: str | Path) -> Recording:
    """Read a trace file.

    Raises:
        engine.events.TraceError: missing, truncated, corrupt or foreign (names file and line).
    """
    from tui.engine_link import read_trace

    header, events = read_trace(path)
    return Recording(Path(path), header, events)

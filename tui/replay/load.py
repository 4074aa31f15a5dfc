"""Recorded traces for replay: load one, say where and when it was recorded (no Textual).

A trace is JSON only, and untrusted: the engine's one reader (``engine.trace_read``) checks
every line against the trace schema and makes its strings safe to show before anything here
sees it; nothing in it is executed or parsed as markup. A recording cut short (a crash,
``kill -9``) loads up to its last whole event; :attr:`Recording.warning` says so, the load
writes that line on stderr, and the replay's label says "incomplete".
Its header may carry the recording machine's device facts (``devices``: name -> facts, written by
:mod:`tui.engine_link.recorder`); the replay shows those, not the local machine's, so a GPU run
recorded on a server replays with its GPU figures on a laptop without one.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
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
    warning: str = ""
    """"" for a whole recording, else one line saying it was cut short."""

    @property
    def complete(self) -> bool:
        """The recording ended with its closing line (it was not cut short)."""
        return not self.warning

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
        """ "replay · recorded on NVIDIA H200 (gpu) · 2026-11-29 10:02" (and "· incomplete"
        for a recording cut short)."""
        text = tr("replay.label", lang, device=self.device_name, date=self.date)
        if self.warning:
            text += " · " + INCOMPLETE.get(lang, INCOMPLETE["en"])
        return text


INCOMPLETE = {"en": "incomplete", "ko": "불완전"}
"""What the label adds for a recording cut short."""


def _note(line: str) -> None:
    print(f"cgviz: warning: {line}", file=sys.stderr, flush=True)


def load_recording(path: str | Path, warn: Callable[[str], None] | None = _note) -> Recording:
    """Read a trace file, every line checked against the trace schema.

    Args:
        path: the trace.
        warn: called with one line when the recording was cut short (default: written on
            stderr, before the replay takes the screen; None: quiet).

    Raises:
        engine.events.TraceError: missing, corrupt, ill-typed or foreign (one line naming the
            file, the line and the field).
    """
    from tui.engine_link import TraceReader

    with TraceReader(path, share=True) as reader:  # every event is kept: share their strings
        events = list(reader)
    if reader.warning and warn is not None:
        warn(reader.warning)
    return Recording(Path(path), reader.header, events, reader.warning)

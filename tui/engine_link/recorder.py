"""Recording a live session: the trace file (``--record``) and the Chrome trace
(``--chrome-trace``).

Both subscribe to the engine's stream for the whole session (every scene opened, every
restart) and are closed when the app ends. The trace header says where and when: the device
asked for, its name, the facts of both devices, the date, and whether the run was paced.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

__all__ = ["Recorder", "recording_header"]


def recording_header(device: str, facts: dict[str, dict[str, Any]], **extra: Any) -> dict[str, Any]:
    """Header fields of a recording made on ``device`` (facts: device -> device_info)."""
    own = facts.get(device) or {}
    name = own.get("name") or device
    return {
        "device": device,
        "device_name": f"{name} ({device})",
        "devices": facts,
        "date": time.strftime("%Y-%m-%d %H:%M"),
        **extra,
    }


class Recorder:
    """Writes what the stream carries to a trace and/or keeps it for a Chrome trace."""

    def __init__(
        self, stream: Any, trace: str | None, chrome: str | None, header: dict[str, Any]
    ) -> None:
        from engine.events import TraceWriter

        self.trace, self.chrome = trace, chrome
        self.events: list[dict[str, Any]] = []
        self._undo: list[Any] = []
        self.writer = TraceWriter(trace, **header) if trace else None
        if self.writer is not None:
            self._undo.append(stream.subscribe(self.writer))
        if chrome:
            self._undo.append(stream.subscribe(self.events.append))

    def close(self) -> list[str]:
        """Stop recording, write the files; returns a line per file written."""
        for undo in self._undo:
            undo()
        self._undo.clear()
        done = []
        if self.writer is not None:
            self.writer.close()
            done.append(f"trace written to {self.trace}")
            self.writer = None
        if self.chrome:
            write_chrome(self.events, self.chrome)
            done.append(f"Chrome trace written to {self.chrome} (open it in ui.perfetto.dev)")
            self.chrome = None
        return done


def write_chrome(events: list[dict[str, Any]], path: str | Path) -> None:
    """Write a Chrome/Perfetto trace of ``events`` (one process per device)."""
    from engine.chrome import write_chrome_trace

    write_chrome_trace(events, path)

"""Replay a recorded trace file as if it were a scene: record on a GPU server, show anywhere.

The events are emitted again on the stream, so the runner paces, steps and stops a replay
exactly like a live run, and the panes cannot tell the difference. Durations are the recorded
ones.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

ENVELOPE = ("seq", "t_ns", "kind")


class TraceScene:
    """A scene-like object whose ``run`` re-emits a trace file's events."""

    def __init__(self, path: str | Path, stream: Any = None) -> None:
        self.path = Path(path)
        self.name = f"trace:{self.path.name}"
        """Scene name shown in the palette."""
        self.title = f"replay of {self.path.name}"
        self.caption = "recorded events, replayed"
        self.stream = stream

    def run(self, device: str = "cpu", iterations: int | None = None, seed: int = 0) -> None:
        """Emit every event of the trace (device and seed are the recording's).

        Raises:
            engine.events.TraceError: the file is missing, foreign or corrupt (named by line).
        """
        from engine.events import STREAM, read_trace

        stream = self.stream or STREAM
        _, events = read_trace(self.path)
        iteration_limit = iterations
        for event in events:
            if (iteration_limit is not None and event["kind"] == "iteration_started"
                    and int(event.get("iteration") or 0) >= iteration_limit):
                return
            stream.emit(event["kind"], **{k: v for k, v in event.items() if k not in ENVELOPE})

"""Recorded traces for replay: open one, read it a segment at a time, say where and when it was
recorded (no Textual).

A trace is JSON only, and untrusted: the engine's one reader (``engine.trace_read``) checks
every line against the trace schema and makes its strings safe to show before anything here
sees it; nothing in it is executed or parsed as markup.

A trace is read as a stream, never held whole: :class:`EventLog` decodes it in segments of
:data:`SEGMENT` events, keeps the last :data:`WINDOW` of them, and remembers where each
segment it has passed begins (its byte offset and line), so going back to one re-reads only
that segment. Opening reads the header, the closing line (or counts the lines, when there is
none) and the first segment: a problem there is raised at once, one further on when the
replay reaches it (:class:`engine.events.TraceError`, the same one line).

A recording cut short (a crash, ``kill -9``) loads up to its last whole event;
:attr:`Recording.warning` says so, the load writes that line on stderr, and the replay's label
says "incomplete". Its header may carry the recording machine's device facts (``devices``:
name -> facts, written by :mod:`tui.engine_link.recorder`); the replay shows those, not the
local machine's, so a GPU run recorded on a server replays with its GPU figures on a laptop
without one.
"""

from __future__ import annotations

import sys
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any, overload

from tui.i18n import tr

if TYPE_CHECKING:
    from tui.engine_link import TraceReader

__all__ = ["SEGMENT", "WINDOW", "EventLog", "MemoryLog", "Recording", "load_recording"]

Event = dict[str, Any]

SEGMENT = 2048
"""Events decoded at once (and between two of the player's saved states)."""
WINDOW = 4
"""Decoded segments kept (the oldest used is dropped first)."""


class EventLog:
    """The events of a trace file, read a segment at a time: ``log[i]``, ``len(log)``,
    ``log.segment(s)`` (events ``s * size`` to ``(s + 1) * size``), and iterating (a pass of
    its own over the whole file).

    ``len`` is what the file says before it has been read to its end (its closing line's
    count, or its lines), and exact after (:attr:`ended`).

    Raises (from reading a segment): engine.events.TraceError, for a line that is not an
    event of the schema.
    """

    def __init__(self, reader: TraceReader, *, size: int = SEGMENT, window: int = WINDOW) -> None:
        self.size = size
        """Events per segment."""
        self.window = max(window, 1)
        self._reader = reader
        survey = reader.survey()
        self.total = survey.events
        self.complete = survey.complete
        """The file ends with its closing line (and, once read, it counts the events)."""
        self.warning = survey.warning
        """"" or one line saying the recording was cut short."""
        self.ended = False
        """Read to its end: :attr:`total` is exact, :attr:`warning` the reader's own."""
        self._starts: list[tuple[int, int]] = [(reader.body, 2)]
        """(byte offset, line number) where each segment passed so far begins."""
        self._cache: OrderedDict[int, list[Event]] = OrderedDict()
        self._pass: Iterator[Event] | None = None
        self._pass_at = -1  # the segment the open pass reads next
        self.decoded = 0
        """Events decoded so far, all passes together (a segment read again counts again)."""

    @property
    def path(self) -> Path:
        return self._reader.path

    # ------------------------------------------------------------ segments

    def segment(self, s: int) -> list[Event]:
        """The events of segment ``s`` (fewer at the end, none past it)."""
        cached = self._cache.get(s)
        if cached is not None:
            self._cache.move_to_end(s)
            return cached
        if self.ended and s * self.size >= self.total:
            return []
        while len(self._starts) <= s:  # not reached yet: read on to it
            if not self._read(len(self._starts) - 1) and len(self._starts) <= s:
                return []
        if s in self._cache:
            return self._cache[s]
        return self._read(s)

    def _read(self, s: int) -> list[Event]:
        if self._pass is None or self._pass_at != s:
            self._close_pass()
            offset, line = self._starts[s]
            self._pass = self._reader.events_from(offset, line, s * self.size)
        try:
            events = list(islice(self._pass, self.size))
        except BaseException:
            self._close_pass()
            raise
        self.decoded += len(events)
        self._pass_at = s + 1
        if len(events) == self.size:
            if len(self._starts) == s + 1:
                self._starts.append((self._reader.offset, self._reader.line + 1))
            self.total = max(self.total, (s + 1) * self.size)
        else:  # the pass ran to the file's end: now it is known
            self._close_pass()
            self.ended = True
            self.total = s * self.size + len(events)
            self.complete = bool(self._reader.complete)
            self.warning = self._reader.warning
            del self._starts[s + 1 :]
        self._cache[s] = events
        while len(self._cache) > self.window:
            self._cache.popitem(last=False)
        return events

    def _close_pass(self) -> None:
        if self._pass is not None:
            self._pass.close()  # type: ignore[attr-defined]
        self._pass, self._pass_at = None, -1

    def head(self, n: int) -> list[Event]:
        """The first ``n`` events (at most a segment's)."""
        return self.segment(0)[:n]

    # ------------------------------------------------------------ a sequence

    def __len__(self) -> int:
        return self.total

    @overload
    def __getitem__(self, i: int) -> Event: ...

    @overload
    def __getitem__(self, i: slice) -> list[Event]: ...

    def __getitem__(self, i: int | slice) -> Event | list[Event]:
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self)))]
        if i < 0:
            i += len(self)
        segment = self.segment(i // self.size) if i >= 0 else []
        if not 0 <= i % self.size < len(segment):
            raise IndexError(i)
        return segment[i % self.size]

    def __iter__(self) -> Iterator[Event]:
        """Every event, in a pass of its own (its own file: the segments stay where they are)."""
        from tui.engine_link import TraceReader

        with TraceReader(self.path) as reader:
            yield from reader

    def close(self) -> None:
        """Close the file."""
        self._close_pass()
        self._reader.close()


class MemoryLog(EventLog):
    """An event list already in memory, as an :class:`EventLog` (tests, a recording made in
    this process)."""

    def __init__(self, events: Sequence[Event], *, size: int = SEGMENT) -> None:
        self.size = size
        self.window = 1
        self.events = list(events)
        self.total = len(self.events)
        self.complete, self.warning, self.ended, self.decoded = True, "", True, 0

    @property
    def path(self) -> Path:
        return Path("<memory>")

    def segment(self, s: int) -> list[Event]:
        return self.events[s * self.size : (s + 1) * self.size] if s >= 0 else []

    def __iter__(self) -> Iterator[Event]:
        return iter(self.events)

    def close(self) -> None:
        """Nothing to close."""


class Recording:
    """A trace file, open: its header and its events (:class:`EventLog`)."""

    def __init__(self, path: Path, header: dict[str, Any], events: EventLog) -> None:
        self.path = path
        self.header = header
        self.events = events

    @property
    def warning(self) -> str:
        """ "" for a whole recording, else one line saying it was cut short."""
        return self.events.warning

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
        for ev in self.events.head(self.events.size):
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
        for ev in self.events.head(50):
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

    def close(self) -> None:
        """Close the trace file."""
        self.events.close()


INCOMPLETE = {"en": "incomplete", "ko": "불완전"}
"""What the label adds for a recording cut short."""


def _note(line: str) -> None:
    print(f"cgviz: warning: {line}", file=sys.stderr, flush=True)


def load_recording(
    path: str | Path,
    warn: Callable[[str], None] | None = _note,
    *,
    segment: int = SEGMENT,
    window: int = WINDOW,
) -> Recording:
    """Open a trace file: its header, whether it is whole, and its first segment, checked
    against the trace schema (the rest is read, and checked, as the replay goes).

    Args:
        path: the trace.
        warn: called with one line when the recording was cut short (default: written on
            stderr, before the replay takes the screen; None: quiet).
        segment: events decoded at once; window: segments kept decoded.

    Raises:
        engine.events.TraceError: missing, foreign, or corrupt, ill-typed within its first
            segment (one line naming the file, the line and the field).
    """
    from tui.engine_link import TraceReader

    reader = TraceReader(path)
    try:
        log = EventLog(reader, size=segment, window=window)
        log.segment(0)
    except BaseException:
        reader.close()
        raise
    if log.warning and warn is not None:
        warn(log.warning)
    return Recording(Path(path), reader.header, log)

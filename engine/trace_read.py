"""The one trace reader: a stream of checked events, or one line saying what is wrong and where.

:class:`TraceReader` reads the header at once and the events one line at a time, never the
whole file, checking each line against :mod:`engine.trace_schema` (strings made safe to show)
before handing it on. A problem is a :class:`~engine.events.TraceError` whose text is one line,
``FILE:LINE: FIELD: PROBLEM``; every command that reads a trace reports it as is, exit code 2.

A recording that ends without its closing line was cut short (a crash, ``kill -9``, a copy
interrupted): it still reads up to its last whole line, and :attr:`TraceReader.warning` says
so once the events are read. A last line cut in the middle (the writer killed inside a
write: the kernel may stop a write between pages) is dropped the same way, with a warning
naming it; a file whose first event is cut has nothing to read, and is an error.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

from engine.events import Event, TraceError
from engine.trace_schema import (
    END_KIND,
    MAX_LINE_BYTES,
    SchemaError,
    check_end,
    check_event,
    check_header,
)
from engine.trace_text import safe_text

__all__ = ["TraceReader", "open_trace"]

SHARED_LEN = 64
"""String values up to this long are shared between the events of a reader asked to share."""

_NEEDS_FIX = re.compile(
    rb"\\u00[0-9a-fA-F]{2}|\\u20[26][0-9a-fA-F]|\\u[dD][89a-fA-F]|\\[bfnrt]"
    rb"|\x7f|\xc2[\x80-\x9f]|\xe2\x80[\xaa-\xae]|\xe2\x81[\xa6-\xa9]"
)
"""Bytes of a line that may decode to a character ``safe_text`` changes (a control character,
a bidirectional override, a lone surrogate, a newline or tab in a one-line field). A line
without any is checked for types only; one with some has its strings made safe as well."""


_SCAN: Callable[[str, int], tuple[Any, int]] = json.JSONDecoder().scan_once  # type: ignore[attr-defined]
"""The C scanner of one JSON value (``json.loads`` without its per-call Python overhead)."""


def _decode(raw: bytes) -> Any:
    """One line's JSON value.

    Raises:
        ValueError: the problem, in words (corrupt JSON, too deep, not UTF-8, a huge number).
    """
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ValueError("not UTF-8 text") from None
    try:  # the fast way; anything unusual goes the slow way, which names the problem
        value, end = _SCAN(text, 0)
        if end == len(text) or not text[end:].strip():
            return value
    except (StopIteration, ValueError, RecursionError):
        pass
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        raise ValueError(f"corrupt JSON: {e.msg} (column {e.colno})") from None
    except RecursionError:
        raise ValueError("nested too deep") from None
    except ValueError as e:  # an integer of more than 4,300 digits
        raise ValueError(f"corrupt JSON: {safe_text(e)[:80]}") from None


class TraceReader:
    """A trace file, read as a stream of checked events.

    Opening reads and checks the header (:attr:`header`); iterating reads the events, one line
    at a time, each checked before it is yielded (the closing line is not an event). Iterating
    again starts again after the header. With ``share`` (for a reader whose events are all
    kept, as a replay keeps them) equal keys and short strings of different events are one
    object; a stream read once (``engine trace``) leaves it off, so its memory stays flat.

    Raises (on opening and while iterating):
        TraceError: the file is missing, unreadable, empty, foreign, of another version, or a
            line is not a complete event of the schema (named by file, line and field).
    """

    def __init__(self, path: str | Path, *, share: bool = False) -> None:
        self.path = Path(path)
        self._share: dict[str, str] | None = {} if share else None
        self._name = safe_text(str(self.path))
        self.events = 0
        """Events read so far (in the current pass)."""
        self.complete: bool | None = None
        """After a full pass: whether the recording ended with its closing line."""
        self.warning = ""
        """After a full pass: "" or one line saying the recording was cut short."""
        self.size = 0
        """The file's size in bytes (progress: compare :attr:`offset`)."""
        self.offset = 0
        """Bytes read so far."""
        try:
            self._file: IO[bytes] = self.path.open("rb")
            self.size = self.path.stat().st_size
        except OSError as e:
            raise TraceError(f"{self._name}: cannot read trace: {e.strerror or e}") from None
        try:
            self.header = self._read_header()
        except BaseException:
            self._file.close()
            raise
        self._body = self._file.tell()

    # ------------------------------------------------------------ reading

    def _fail(self, line: int, problem: str) -> TraceError:
        return TraceError(f"{self._name}:{line}: {problem}")

    def _readline(self, line: int) -> bytes:
        """The next line (b"" at the end of the file), at most the schema's line length."""
        try:
            raw = self._file.readline(MAX_LINE_BYTES + 1)
        except OSError as e:
            raise self._fail(line, f"cannot read: {e.strerror or e}") from None
        if len(raw) > MAX_LINE_BYTES:
            raise self._fail(line, f"line longer than {MAX_LINE_BYTES // 2**20} MiB")
        self.offset += len(raw)
        return raw

    def _read_header(self) -> dict[str, Any]:
        raw = self._readline(1)
        if not raw.strip():
            raise self._fail(1, "empty file, not a cgviz trace")
        try:
            header = _decode(raw)
        except ValueError as e:
            why = "not UTF-8 text" if "UTF-8" in str(e) else "the first line is not a JSON header"
            raise self._fail(1, f"not a cgviz trace ({why})") from None
        try:
            return check_header(header, fix=True)
        except SchemaError as e:
            problem = e.problem if e.field in ("format", "version") else str(e)
            raise self._fail(1, problem) from None

    def __iter__(self) -> Iterator[Event]:
        """The events, checked, in file order; at the end :attr:`complete` and
        :attr:`warning` say whether the recording was whole."""
        self._file.seek(self._body)
        self.offset, self.events, self.complete, self.warning = self._body, 0, None, ""
        number = 1
        ended = 0  # the closing line's number
        while True:
            number += 1
            raw = self._readline(number)
            if not raw:
                break
            if not raw.strip():
                continue
            if ended:
                raise self._fail(number, f"a line after the closing line (line {ended})")
            try:
                value = _decode(raw)
            except ValueError as e:
                if not raw.endswith(b"\n") and "JSON" in str(e):  # the last line, cut short
                    if self.events:  # a crash mid-write: what came before is whole
                        self._cut(number)
                        return
                    raise self._fail(number, "truncated event (file cut short?)") from None
                raise self._fail(number, str(e)) from None
            if type(value) is dict and value.get("kind") == END_KIND:
                self._end(value, number)
                ended = number
                continue
            try:
                event = check_event(value, _NEEDS_FIX.search(raw) is not None)
            except SchemaError as e:
                raise self._fail(number, str(e)) from None
            self.events += 1
            if self._share is not None:
                event = self._shared(event)
            yield event
        if not ended:
            self.complete = False
            self.warning = (
                f"{self._name}:{number}: incomplete recording: no closing line after its "
                f"{self.events:,} events (it was cut short); they are all read"
            )

    def _shared(self, event: Event) -> Event:
        """``event`` with its keys and short string values the very objects earlier events
        use (json builds new ones per line): a trace held whole takes a third of the memory."""
        memo = self._share
        assert memo is not None
        get = memo.setdefault
        return {
            get(k, k): get(v, v) if type(v) is str and len(v) <= SHARED_LEN else v
            for k, v in event.items()
        }

    def _end(self, value: dict[str, Any], number: int) -> None:
        try:
            end = check_end(value)
        except SchemaError as e:
            raise self._fail(number, str(e)) from None
        self.complete = True
        if end["events"] != self.events:
            self.complete = False
            self.warning = (
                f"{self._name}:{number}: the closing line counts {end['events']:,} events, "
                f"the file holds {self.events:,} (lines lost?)"
            )

    def _cut(self, number: int) -> None:
        self.complete = False
        self.warning = (
            f"{self._name}:{number}: incomplete recording: its last line is cut short "
            f"(a crash mid-write?); the {self.events:,} events before it are read"
        )

    # ------------------------------------------------------------ the file

    def close(self) -> None:
        """Close the file (iterating again is then an error)."""
        self._file.close()

    def __enter__(self) -> TraceReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_trace(path: str | Path) -> TraceReader:
    """A :class:`TraceReader` on ``path`` (header read and checked)."""
    return TraceReader(path)

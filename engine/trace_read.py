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
from typing import IO, Any, NamedTuple

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

__all__ = ["Survey", "TraceReader", "open_trace"]

SHARED_LEN = 64
"""String values up to this long are shared between the events of a reader asked to share."""

_NEEDS_FIX = re.compile(
    rb"\\u00[0-9a-fA-F]{2}|\\u20[26][0-9a-fA-F]|\\u[dD][89a-fA-F]|\\[bfnrt]"
    rb"|\x7f|\xc2[\x80-\x9f]|\xe2\x80[\xaa-\xae]|\xe2\x81[\xa6-\xa9]"
)
"""Bytes of a line that may decode to a character ``safe_text`` changes (a control character,
a bidirectional override, a lone surrogate, a newline or tab in a one-line field). A line
without any is checked for types only; one with some has its strings made safe as well."""


_BLANKISH = re.compile(rb"\n[ \t\r\n\f\v]")
"""A line of spaces or none (never written by cgviz: a file edited by hand)."""

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
        """Bytes read so far: where the next line starts."""
        self.line = 1
        """The number of the line read last (the header is line 1)."""
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

    @property
    def body(self) -> int:
        """The byte offset of the line after the header (the first event's, line 2)."""
        return self._body

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
        return self.events_from(self._body, 2, 0)

    def events_from(self, offset: int, line: int, events: int) -> Iterator[Event]:
        """The events from byte ``offset`` on, checked, in file order (as :meth:`__iter__`
        from there): ``line`` is the number of the line that starts at ``offset`` and
        ``events`` how many events come before it, both as a pass from the start counted
        them (:attr:`line` and :attr:`events` after an event was read, :attr:`offset` where
        the next line starts). So a reader can go back to a place it passed, or skip ahead
        to one it was told of, without reading what lies between. One pass at a time: a new
        one moves the file, and the one before must not be resumed."""
        self._file.seek(offset)
        self.offset, self.events, self.complete, self.warning = offset, events, None, ""
        number = line - 1
        ended = 0  # the closing line's number
        while True:
            number += 1
            self.line = number
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

    # ------------------------------------------------------------ without reading every line

    def survey(self) -> Survey:
        """How many events the file holds and whether it is whole, from its bytes, not its
        events: what a pass over every event would say (:attr:`events`, :attr:`complete`,
        :attr:`warning`) for a file whose lines are all good, in a fraction of its time.

        A closing line at the end is taken at its word (it counts the events it closes); a
        file without one has its lines counted (a newline count, about 1 GB/s). Nothing is
        checked here: a bad line is found by the pass that reads it.
        """
        last = self._last_line()
        end: dict[str, Any] | None = None
        if last is not None:
            start, raw, after = last
            try:
                value = _decode(raw)
            except ValueError:
                value = None
            if type(value) is dict and value.get("kind") == END_KIND:
                try:
                    end = check_end(value)
                except SchemaError:
                    end = None
                if end is not None and end["events"] <= (start - self._body) // 2:
                    return Survey(end["events"], True, "", False)
        lines, blank = self._count_lines(self._body, self.size if last is None else last[0])
        if last is None and lines > blank:  # a last line too long to be one: an error
            return Survey(lines - blank, False, "", True)
        if last is None:  # only the header (and blank lines)
            self._file.seek(max(self._body, self.size - 1))
            lines += self._file.read(1) not in (b"", b"\n")  # the last, unterminated
            warning = (
                f"{self._name}:{lines + 2}: incomplete recording: no closing line after its "
                "0 events (it was cut short); they are all read"
            )
            return Survey(0, False, warning, True)
        before = lines - blank  # whole events before the last line
        number = lines + 2  # the last line's
        if end is not None:  # a closing line that counts more than the file could hold
            warning = (
                f"{self._name}:{number}: the closing line counts {end['events']:,} events, "
                f"the file holds {before:,} (lines lost?)"
            )
            return Survey(
                before, end["events"] == before, "" if end["events"] == before else warning, True
            )
        if raw.endswith(b"\n") or value is not None:  # a whole event, and no closing line
            trailing = after.count(b"\n") + (after[-1:] not in (b"", b"\n"))  # blank lines
            events = before + 1
            warning = (
                f"{self._name}:{number + trailing + 1}: incomplete recording: no closing "
                f"line after its {events:,} events (it was cut short); they are all read"
            )
            return Survey(events, False, warning, True)
        warning = (
            f"{self._name}:{number}: incomplete recording: its last line is cut short "
            f"(a crash mid-write?); the {before:,} events before it are read"
        )
        return Survey(before, False, warning, True)

    def _last_line(self) -> tuple[int, bytes, bytes] | None:
        """The last line that is not blank, after the header: (where it starts, its bytes up to
        and with its newline, what follows it); None when there is none, or it is longer than
        a line may be."""
        end = self.size
        tail = b""
        while True:
            begin = max(self._body, end - 65536)
            self._file.seek(begin)
            tail = self._file.read(end - begin) + tail
            end = begin
            content = len(tail.rstrip())
            if content:
                cut = tail.rfind(b"\n", 0, content)
                if cut >= 0 or end <= self._body:
                    start = cut + 1
                    stop = tail.find(b"\n", content)
                    stop = len(tail) if stop < 0 else stop + 1
                    return end + start, tail[start:stop], tail[stop:]
            if end <= self._body or len(tail) > MAX_LINE_BYTES + 65536:
                return None

    def _count_lines(self, begin: int, end: int) -> tuple[int, int]:
        """(lines, blank lines) between byte ``begin`` (a line's start) and ``end``."""
        self._file.seek(begin)
        lines = blank = 0
        left = end - begin
        odd = False
        last = b"\n"  # the byte before the chunk: begin is a line's start
        while left > 0:
            chunk = self._file.read(min(left, 1 << 20))
            if not chunk:
                break
            left -= len(chunk)
            lines += chunk.count(b"\n")
            odd = odd or _BLANKISH.search(last + chunk[:1]) is not None
            odd = odd or _BLANKISH.search(chunk) is not None
            last = chunk[-1:]
        if odd:  # a line of spaces, or none: count them one by one (an edited file)
            self._file.seek(begin)
            whole = True  # the piece read starts a line
            while begin < end:
                raw = self._file.readline(min(end - begin, 1 << 20))
                if not raw:
                    break
                begin += len(raw)
                blank += whole and raw.endswith(b"\n") and not raw.strip()
                whole = raw.endswith(b"\n")
        return lines, blank

    # ------------------------------------------------------------ the file

    def close(self) -> None:
        """Close the file (iterating again is then an error)."""
        self._file.close()

    def __enter__(self) -> TraceReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class Survey(NamedTuple):
    """What :meth:`TraceReader.survey` finds."""

    events: int
    """The events the file holds (as its closing line counts them, or its lines)."""
    complete: bool
    """The file ends with a closing line."""
    warning: str
    """"" or the line a whole pass would end with: the recording was cut short."""
    counted: bool
    """The lines were counted (there was no closing line to believe)."""


def open_trace(path: str | Path) -> TraceReader:
    """A :class:`TraceReader` on ``path`` (header read and checked)."""
    return TraceReader(path)

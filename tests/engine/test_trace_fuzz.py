"""Fuzzing every trace reader: mutated traces give exit 0 or one clean line with exit 2.

A trace travels, so it is untrusted input. The base is a real recording (the two-layer scene,
one small iteration, every event kind it sends) plus the kinds it does not send (an error with
a traceback, printed output, a transfer, a data wait, op totals). Every mutation of it goes
through every reader that does not need a terminal:

* ``python -m engine trace FILE`` (in this process): its tables, or one line and exit 2;
* the replay: ``load_recording`` (or the one line and exit 2 ``cgviz replay`` gives), then the
  player folded to the end and stepped back (``ViewState`` sees every event), its phase
  markers, and the Chrome trace of the events; once as it reads these small traces (one
  segment, read at load) and once reading them 32 events at a time, as it reads a long trace
  (a bad line met while it plays, a file cut short surveyed at load).

Mutations: every field of every kind given each wrong type, dropped, or nested 100,000 deep;
huge fields and lines; control codes and markup in every string (nothing of them may reach
the output); the file cut at every line and inside every line; random JSON values in random
fields and random bytes in random lines (hypothesis). The replay app and ``export-cast``
(Textual, slow) get the hostile-strings trace in ``tests/tui/test_hostile_trace.py``.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.cli import main as engine_main
from engine.events import EventStream, TraceError, recording
from engine.trace_schema import EVENTS, HEADER, MAX_LINE_BYTES

HOSTILE = "[/] [bold]x[/bold]\x1b]0;TITLE\x07\x1b]52;c;aGVsbG8=\x07\x1b[2J\x9b31m\u202e"
"""Set the window title, write the clipboard (OSC 52), clear the screen, a C1 CSI, a
right-to-left override, and markup that does not close."""
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
"""What may never reach the output (newline and tab may)."""
WRONG: list[Any] = ["fast", ["x"], {"a": 1}, None, True, 1.5, -1, 2**70, "", [[[]]]]
"""A value of each other JSON type (and a few edge values) for every field."""
ONE_LINE = re.compile(r"cgviz: error: (?P<path>.+?):(?P<line>\d+): \S.*")


# ---------------------------------------------------------------- the base trace


def _record_base() -> list[str]:
    """Header, events, closing line of a small real recording (as JSON lines)."""
    from engine.scenes import SCENES

    stream_events: list[dict[str, Any]] = []
    with recording() as events:
        SCENES["two-layer"].run(iterations=1, small=True)
    stream_events = json.loads(json.dumps(events, default=str))
    stream = EventStream()
    with recording(stream) as extra:
        stream.emit(
            "error",
            type="ValueError",
            message="bad config",
            traceback='Traceback (most recent call last):\n  File "s.py", line 1\nValueError',
            label="s.py",
            exit_code=1,
        )
        stream.emit("output", text="hello", stream="stdout")
        stream.emit("transfer", direction="H2D", bytes=64, dur_ns=5, device="gpu", reason="edge")
        stream.emit("data", dur_ns=7, source="disk", batch=0, bytes=64, mode="eager")
        stream.emit(
            "op_totals", graph="eager:9", mode="eager", device="cpu", ops={"MatMul": [2, 10, 4]}
        )
        rows = [0, 1, 2, 0, None, 1, 3, 4, 1, 9, 2, 5, 6, 0.5, 0, 3, 7, 8, 0, 11]
        stream.emit("units", mode="static", graph="static:1", metric="loss", rows=rows)
    header = {"format": "cgviz-trace", "version": 1, "host": "vm", "scene": "two-layer"}
    body = [*stream_events, *json.loads(json.dumps(extra))]
    lines = [json.dumps(header), *(json.dumps(e) for e in body)]
    lines.append(json.dumps({"kind": "end", "events": len(body)}))
    return lines


@pytest.fixture(scope="module")
def base() -> list[str]:
    return _record_base()


def _first_of_each_kind(lines: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for i, line in enumerate(lines[1:-1], start=1):
        found.setdefault(json.loads(line)["kind"], i)
    return found


def test_the_base_holds_every_kind(base: list[str]) -> None:
    assert set(_first_of_each_kind(base)) == set(EVENTS)


# ---------------------------------------------------------------- the readers


def _engine_trace(path: Path) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = engine_main(["trace", str(path)])
    return code, out.getvalue(), err.getvalue()


def _replay(path: Path, segment: int = 2048) -> tuple[int, str, str]:
    """What ``cgviz replay`` does: load (the header and the first segment) or one line, exit 2;
    then the player over every event, both ways (a bad line further on: that one line, exit
    2), and (in segments of the default size) the Chrome trace of them."""
    from engine.chrome import to_chrome_trace
    from tui.replay.load import load_recording
    from tui.replay.player import Player

    warnings: list[str] = []
    try:
        rec = load_recording(path, warn=warnings.append, segment=segment, window=2)
        player = Player(rec.events, speed="full", fake_timings=True, paced=rec.paced)
        player.seek(len(rec.events))
        player.seek(len(rec.events) // 2)
        if segment > len(rec.events):
            player.seek(len(rec.events))
            json.dumps(to_chrome_trace(rec.events), default=str)
    except TraceError as e:
        return 2, "", f"cgviz: error: {e}\n"
    for marker in player.markers:
        marker.label("en")
    shown = [rec.label("en"), rec.label("ko"), rec.device_name, rec.scene_name, rec.date]
    shown += [str(e.get("message", "")) for e in player.state.errors]
    rec.close()
    return 0, "\n".join(shown), "".join(f"cgviz: warning: {w}\n" for w in warnings)


def _replay_in_segments(path: Path) -> tuple[int, str, str]:
    """The replay reading the trace 32 events at a time: a bad line is met while it plays, a
    file cut short is surveyed at load (the base trace is one segment of the default size)."""
    return _replay(path, segment=32)


READERS = {
    "engine trace": _engine_trace,
    "replay": _replay,
    "replay, 32 at a time": _replay_in_segments,
}


def _check(path: Path, allow_error: bool = True) -> dict[str, int]:
    """Run every reader on ``path``: exit 0 with nothing unsafe in its output, or exit 2 with
    one line naming the file and a line. Returns reader -> exit code."""
    codes = {}
    for name, reader in READERS.items():
        code, out, err = reader(path)
        assert code in (0, 2), (name, code, err)
        assert not UNSAFE.search(out), (name, "unsafe output", out[:300])
        assert not UNSAFE.search(err), (name, "unsafe stderr", err[:300])
        if code == 2:
            assert allow_error, (name, err)
            lines = err.splitlines()
            assert len(lines) == 1, (name, err)
            match = ONE_LINE.fullmatch(lines[0])
            assert match and match["path"] == str(path), (name, lines[0])
        codes[name] = code
    assert len(set(codes.values())) == 1, ("the readers disagree", codes)
    return codes


def _write(tmp_path: Path, lines: list[str], name: str = "t.jsonl") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _with(lines: list[str], index: int, event: Any) -> list[str]:
    out = list(lines)
    out[index] = json.dumps(event)
    return out


# ---------------------------------------------------------------- wrong types, missing fields


@pytest.mark.slow
@pytest.mark.parametrize("kind", sorted(EVENTS))
def test_every_field_given_every_wrong_type(tmp_path: Path, base: list[str], kind: str) -> None:
    """Each field of the kind's first event, replaced by each value of :data:`WRONG`, or
    dropped: the readers accept it (a value the schema allows there) or name the line."""
    index = _first_of_each_kind(base)[kind]
    event = json.loads(base[index])
    refused = 0
    for key in event:
        for value in [*WRONG, ...]:
            mutated = dict(event)
            if value is ...:
                del mutated[key]
            else:
                mutated[key] = value
            codes = _check(_write(tmp_path, _with(base, index, mutated)))
            refused += codes["engine trace"] == 2
    assert refused, "some mutation must be refused"


def test_a_field_nested_100000_deep_is_one_line_in_every_kind(
    tmp_path: Path, base: list[str]
) -> None:
    deep = "[" * 100_000 + "]" * 100_000
    for kind, index in _first_of_each_kind(base).items():
        lines = list(base)
        lines[index] = lines[index][:-1] + ', "deep": ' + deep + "}"
        codes = _check(_write(tmp_path, lines))
        assert codes["replay"] == 2, kind


# ---------------------------------------------------------------- sizes


@pytest.mark.parametrize(
    ("where", "size"),
    [("header", MAX_LINE_BYTES + 1), ("scene", 2 * 2**20), ("error", 3 * 2**20), ("node", 5000)],
)
def test_a_huge_field_is_one_line(tmp_path: Path, base: list[str], where: str, size: int) -> None:
    lines = list(base)
    if where == "header":
        lines[0] = json.dumps({**json.loads(base[0]), "host": "h" * size})
    else:
        kind = {"scene": "scene", "error": "error", "node": "node_created"}[where]
        index = _first_of_each_kind(base)[kind]
        event = json.loads(base[index])
        field = {"scene": "title", "error": "message", "node": "name"}[where]
        lines[index] = json.dumps({**event, field: "x" * size})
    codes = _check(_write(tmp_path, lines))
    assert codes["replay"] == 2


# ---------------------------------------------------------------- control codes and markup


def _poison(value: Any, key: str = "") -> Any:
    """``value`` with :data:`HOSTILE` added to every string and key in it, but for what says
    what a line is (kind, format) and what must be a number written as text (a ``replaced``
    node id); keys the schema names stay, a poisoned copy being an extra key of its own."""
    if isinstance(value, str):
        return value if key in ("kind", "format") else value + HOSTILE
    if isinstance(value, list):
        return [_poison(v) for v in value]
    if isinstance(value, dict):
        keep = key == "replaced"
        return {
            (k if keep or k in _KEYS else k + HOSTILE): _poison(v, "" if keep else k)
            for k, v in value.items()
        }
    return value


_KEYS = {key for record in (*EVENTS.values(), HEADER) for key in record.fields} | {"events"}
"""The keys the schema names."""


def hostile_trace(lines: list[str]) -> list[str]:
    """Every string of every line (header included) made hostile; keys the schema does not
    name too, plus one extra hostile key per event."""
    out = [json.dumps(_poison(json.loads(lines[0])))]
    for line in lines[1:-1]:
        event = _poison(json.loads(line))
        event["note" + HOSTILE] = HOSTILE
        out.append(json.dumps(event))
    out.append(lines[-1])
    return out


def test_control_codes_and_markup_in_every_string_never_reach_the_output(
    tmp_path: Path, base: list[str]
) -> None:
    path = _write(tmp_path, hostile_trace(base))
    codes = _check(path, allow_error=False)
    assert codes == dict.fromkeys(READERS, 0)
    _, out, _ = _engine_trace(path)
    assert "␛]0;TITLE␇" in out  # shown, as text
    _, shown, _ = _replay(path)
    assert "[/] [bold]x[/bold]" in shown  # markup kept as the characters it is


# ---------------------------------------------------------------- cut short


def test_cut_at_every_line_and_inside_every_line(tmp_path: Path, base: list[str]) -> None:
    text = "\n".join(base) + "\n"
    starts = [m.end() for m in re.finditer("\n", text)]
    for n, end in enumerate(starts[:-1], start=1):  # a header and n - 1 events, no end
        path = tmp_path / "cut.jsonl"
        path.write_text(text[:end], encoding="utf-8")
        code, _, err = _engine_trace(path)
        _check(path)
        assert code == 0 and "incomplete recording" in err, (n, err)
    for n, (start, end) in enumerate(zip([0, *starts[:-1]], starts, strict=True), start=1):
        path = tmp_path / "cut.jsonl"
        path.write_text(text[: (start + end) // 2], encoding="utf-8")  # inside line n
        codes = _check(path)
        assert codes["replay"] == (2 if n <= 2 else 0), n  # the header or the first event


# ---------------------------------------------------------------- property-based

JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**80), max_value=2**80)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)


@pytest.mark.slow
@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_any_json_value_in_any_field(tmp_path: Path, base: list[str], data: st.DataObject) -> None:
    index = data.draw(st.integers(1, len(base) - 2), label="line")
    event = json.loads(base[index])
    key = data.draw(st.sampled_from([*event, "extra"]), label="field")
    value = data.draw(JSON, label="value")
    _check(_write(tmp_path, _with(base, index, {**event, key: value})))


@pytest.mark.slow
@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_any_bytes_in_any_line(tmp_path: Path, base: list[str], data: st.DataObject) -> None:
    raw = [line.encode() for line in base]
    index = data.draw(st.integers(0, len(raw) - 1), label="line")
    line = bytearray(raw[index])
    for _ in range(data.draw(st.integers(1, 4), label="edits")):
        at = data.draw(st.integers(0, len(line)), label="at")
        edit = data.draw(st.sampled_from(["flip", "insert", "delete"]), label="edit")
        if edit == "insert":
            line[at:at] = data.draw(st.binary(min_size=1, max_size=4), label="bytes")
        elif at < len(line):
            if edit == "flip":
                line[at] ^= 1 << data.draw(st.integers(0, 7), label="bit")
            else:
                del line[at]
    raw[index] = bytes(line)
    path = tmp_path / "t.jsonl"
    path.write_bytes(b"\n".join(raw) + b"\n")
    _check(path)

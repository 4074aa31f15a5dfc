"""Trace files: a round trip, every bad file named by its line and field, recordings that
survive being cut short, text made safe to show."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from engine.events import EventStream, TraceError, TraceWriter, read_trace, trace_to
from engine.trace_read import TraceReader
from engine.trace_schema import LISTING, MAX_DEPTH, MAX_LINE_BYTES, MESSAGE, NAME
from engine.trace_text import safe_text

ROOT = Path(__file__).resolve().parents[2]


def _write(tmp_path, text: str | bytes):
    path = tmp_path / "t.jsonl"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


HEADER = json.dumps({"format": "cgviz-trace", "version": 1})
EVENT = json.dumps({"seq": 0, "t_ns": 1, "kind": "metric", "name": "loss", "value": 1.0})


def test_round_trip(tmp_path):
    stream = EventStream()
    path = tmp_path / "run.jsonl"
    with trace_to(path, stream, scene="demo"):
        stream.emit("metric", name="loss", value=2.0, mode="eager", iteration=0)
        stream.emit("iteration_finished", mode="eager", iteration=0, dur_ns=10)
    header, events = read_trace(path)
    assert header["scene"] == "demo"
    assert [e["kind"] for e in events] == ["metric", "iteration_finished"]
    assert events[0]["value"] == 2.0


def test_eager_trace_reads_back_as_the_events_sent(tmp_path):
    """Node events with a ``site`` are written from a cached fixed part: reading the trace
    back gives exactly the events subscribers saw, over iterations and a change of shape."""
    import numpy as np

    import engine.eager as torch
    from engine.eager import tracing
    from engine.events import STREAM, recording

    path = tmp_path / "eager.jsonl"
    tracing.reset()
    with recording() as seen, trace_to(path):
        for n in (3, 3, 5):  # the third iteration runs the same lines on other shapes
            x = torch.from_numpy(np.ones((n, 2), np.float32))
            w = torch.from_numpy(np.full((2, 4), 0.5, np.float32))
            y = x.mm(w).clamp(min=0)
            (y - 1.0).pow(2).sum()
        tracing.new_iteration()
    assert not STREAM.active
    _, events = read_trace(path)
    sites = [e for e in events if "site" in e]
    assert len(sites) > 20
    assert {e["kind"] for e in sites} == {"node_created"}  # an eager op: one event
    assert events == json.loads(json.dumps(seen))


def test_an_eager_trace_written_from_batches_reads_back_as_the_events_they_stand_for(tmp_path):
    """With only batch-taking subscribers (a trace writer, here beside a collector) the eager
    ops come as ``OpBatch`` rows: the trace written from them reads back as the very events
    the rows stand for, and every other event in between, in order."""
    import numpy as np

    import engine.eager as torch
    from engine.eager import tracing
    from engine.events import STREAM

    seen: list[dict] = []

    class Collector:
        def __call__(self, event: dict) -> None:
            seen.append(event)

        def on_ops(self, batch) -> None:
            seen.extend(batch.events())

    path = tmp_path / "batched.jsonl"
    tracing.reset()
    undo = STREAM.subscribe(Collector())
    try:
        with trace_to(path) as writer:
            assert STREAM.batching
            # the same lines again; an op more (the ops after it have other node ids); the
            # same lines on other shapes
            for n, more in ((3, False), (3, False), (3, True), (3, False), (5, False)):
                x = torch.from_numpy(np.ones((n, 2), np.float32))
                w = torch.from_numpy(np.full((2, 4), 0.5, np.float32))
                y = x.mm(w)
                if more:
                    y = y * 2.0
                y = y.clamp(min=0)
                (y - 1.0).pow(2).sum().item()
                w.sum()  # its inputs as before, its node id not
            tracing.new_iteration()
            counted = writer.count
    finally:
        undo()
    _, events = read_trace(path)
    with TraceReader(path) as reader:
        assert len(list(reader)) == len(events) == counted and reader.complete
    assert sum(1 for e in events if "dur_ns" in e and e["kind"] == "node_created") == 31
    assert events == json.loads(json.dumps(seen))


@pytest.mark.parametrize(
    ("text", "where", "words"),
    [
        ("", ":1:", "empty"),
        ("hello world\n", ":1:", "not a cgviz trace"),
        ('{"format": "chrome"}\n', ":1:", "not a cgviz trace"),
        ('{"format": "cgviz-trace", "version": 99}\n', ":1:", "version 99"),
        ('{"format": "cgviz-trace", "version": 1.0}\n', ":1:", "version 1.0"),
        ('{"format": "cgviz-trace", "version": true}\n', ":1:", "version true"),
        ('{"format": "cgviz-trace", "version": "1"}\n', ":1:", "version '1'"),
        (HEADER + "\n" + EVENT[:20], ":2:", "truncated"),
        (HEADER + "\n" + "{not json}\n" + EVENT + "\n", ":2:", "corrupt JSON"),
        (HEADER + "\n" + EVENT + "\n" + '{"kind": "martian"}\n', ":3:", "unknown event kind"),
        (
            HEADER + "\n" + '{"seq": 0, "t_ns": 0, "kind": "metric", "name": "loss"}\n',
            ":2:",
            "value: missing",
        ),
        (HEADER + "\n" + "[1, 2]\n", ":2:", "event: expected an object"),
        (
            HEADER + "\n" + EVENT + "\n" + '{"kind": "end", "events": 1}\n' + EVENT + "\n",
            ":4:",
            "after the closing line",
        ),
    ],
    ids=[
        "empty",
        "text",
        "foreign-json",
        "version",
        "version-float",
        "version-bool",
        "version-str",
        "truncated-first-event",
        "corrupt",
        "kind",
        "missing-key",
        "not-object",
        "after-end",
    ],
)
def test_bad_trace_names_the_line(tmp_path, text, where, words):
    path = _write(tmp_path, text)
    with pytest.raises(TraceError) as info:
        read_trace(path)
    message = str(info.value)
    assert str(path) + where in message, message
    assert words in message, message


def test_the_schema_declares_every_kind_and_its_required_keys():
    from engine.events import KINDS
    from engine.trace_schema import EVENTS

    assert set(EVENTS) == set(KINDS)
    for kind, keys in KINDS.items():
        assert set(keys) <= set(EVENTS[kind].required), kind
        assert {"seq", "t_ns", "kind"} <= set(EVENTS[kind].required), kind


def test_missing_and_binary_files(tmp_path):
    with pytest.raises(TraceError, match="cannot read"):
        read_trace(tmp_path / "nope.jsonl")
    with pytest.raises(TraceError, match="not UTF-8"):
        read_trace(_write(tmp_path, b"\xff\xfe\x00binary"))
    with pytest.raises(TraceError, match="cannot read"):
        read_trace(tmp_path)  # a directory


def test_every_scene_records_a_trace_that_reads_back(tmp_path):
    """What the front ends emit fits the schema read_trace checks (kinds and their keys)."""
    from engine.scenes import SCENES

    for name, scene in SCENES.items():
        path = tmp_path / f"{name}.jsonl"
        with trace_to(path, scene=name):
            scene.run(iterations=2, small=True)
        header, events = read_trace(path)
        assert header["scene"] == name
        kinds = {e["kind"] for e in events}
        assert {"scene", "node_created"} <= kinds, (name, kinds)
        assert any(e["kind"] == "node_finished" or "dur_ns" in e for e in events), name


def _event(**fields: object) -> str:
    return json.dumps({"seq": 0, "t_ns": 1, **fields})


@pytest.mark.parametrize(
    ("line", "field", "words"),
    [
        (
            _event(kind="node_finished", graph="g", node=1, device="cpu", dur_ns="fast"),
            "dur_ns",
            "expected a whole number >= 0, got 'fast'",
        ),
        (_event(kind=["node_created"]), "kind", "expected a string, got a list of 1"),
        (
            _event(kind="node_created", graph="g", node=1, name="n", op="Op", inputs="abc"),
            "inputs",
            "expected a list",
        ),
        (
            _event(kind="node_created", graph="g", node=None, name="n", op="Op", inputs=[]),
            "node",
            "expected a whole number, got null",
        ),
        (
            _event(
                kind="graph_rewritten",
                graph="g",
                removed=[],
                added=[1, 2],
                replaced={},
                stats={"nodes_before": 1, "nodes_after": 1},
                **{"pass": "p"},
            ),
            "added[0]",
            "expected an object, got 1",
        ),
        (
            _event(kind="node_finished", graph="g", node=1, device="cpu", dur_ns=-5),
            "dur_ns",
            ">= 0, got -5",
        ),
        (
            _event(kind="node_finished", graph="g", node=1, device="cpu", dur_ns=10**30),
            "dur_ns",
            "got a number of 31 digits",
        ),
        (
            _event(kind="node_finished", graph="g", node=1, device="cpu", dur_ns=True),
            "dur_ns",
            "got true",
        ),
        (_event(kind="metric", name="loss", value="1.0"), "value", "expected a number"),
        (
            _event(kind="op_totals", graph="g", mode="eager", device="cpu", ops={"MatMul": [1, 2]}),
            "ops.MatMul",
            "expected a list of 3 values",
        ),
        (
            _event(
                kind="node_created", graph="g", node=1, name="n", op="Op", inputs=[], shape=[2, "x"]
            ),
            "shape[1]: ",
            "expected",
        ),
        (
            _event(kind="scene", name="s", title="t" * (NAME + 1)),
            "title",
            f"{NAME + 1:,} characters, more than the {NAME:,} allowed",
        ),
        (
            _event(kind="error", type="E", message="m" * (MESSAGE + 1)),
            "message",
            "characters, more than",
        ),
        (
            _event(
                kind="metric", name="loss", value=1.0, extra=[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]
            ),
            "extra[0][0]",
            f"nested deeper than {MAX_DEPTH} levels",
        ),
        (
            _event(kind="node_started", graph="g", node=1, device="cpu", worker=-1),
            "worker",
            ">= 0, got -1",
        ),
    ],
    ids=[
        "str-for-int",
        "list-kind",
        "str-for-list",
        "null-node",
        "int-for-node",
        "negative-duration",
        "huge-int",
        "bool-for-int",
        "str-for-number",
        "short-totals",
        "bad-shape",
        "long-title",
        "long-message",
        "deep-extra",
        "negative-worker",
    ],
)
def test_an_ill_typed_field_is_named_with_file_and_line(tmp_path, line, field, words):
    path = _write(tmp_path, HEADER + "\n" + EVENT + "\n" + line + "\n")
    with pytest.raises(TraceError) as info:
        read_trace(path)
    message = str(info.value)
    assert message.startswith(f"{path}:3: {field}"), message
    assert words in message, message
    assert "\n" not in message


def test_a_value_nested_100000_deep_is_one_line(tmp_path):
    deep = "[" * 100_000 + "]" * 100_000
    path = _write(tmp_path, HEADER + "\n" + EVENT[:-1] + ', "x": ' + deep + "}\n")
    with pytest.raises(TraceError, match=r"t\.jsonl:2: nested too deep"):
        read_trace(path)


def test_a_line_longer_than_the_limit_is_refused_without_reading_it_all(tmp_path):
    huge = "x" * (MAX_LINE_BYTES + 10)
    header = json.dumps({"format": "cgviz-trace", "version": 1, "host": huge})
    path = _write(tmp_path, header + "\n")
    with pytest.raises(TraceError, match=r"t\.jsonl:1: line longer than 8 MiB"):
        read_trace(path)


def test_the_limits_hold_what_the_writer_writes(tmp_path):
    """A script's huge message or listing is clipped on writing, so the trace reads back."""
    stream = EventStream()
    path = tmp_path / "big.jsonl"
    with trace_to(path, stream):
        stream.emit("error", type="ValueError", message="m" * (MESSAGE * 3))
        stream.emit("scene", name="s", title="t", source="x = 1\n" * LISTING)
        stream.emit("output", text="o" * (MESSAGE + 1), stream="stdout")
    _, events = read_trace(path)
    assert len(events[0]["message"]) <= MESSAGE and events[0]["message"].startswith("mmm")
    assert "characters cut" in events[0]["message"]
    assert len(events[1]["source"]) <= LISTING
    assert len(events[2]["text"]) <= MESSAGE


# ---------------------------------------------------------------- cut short


def _complete_trace(tmp_path: Path) -> Path:
    stream = EventStream()
    path = tmp_path / "whole.jsonl"
    with trace_to(path, stream, scene="demo"):
        for i in range(3):
            stream.emit("iteration_started", mode="eager", iteration=i)
            stream.emit("metric", name="loss", value=1.0 / (i + 1), mode="eager", iteration=i)
            stream.emit("iteration_finished", mode="eager", iteration=i, dur_ns=10 + i)
    return path


def test_a_sharing_reader_gives_the_same_events_with_one_object_per_string(tmp_path):
    path = _complete_trace(tmp_path)
    with TraceReader(path) as plain, TraceReader(path, share=True) as shared:
        a, b = list(plain), list(shared)
    assert a == b
    assert a[0]["mode"] is not a[3]["mode"]  # json makes a string per line
    assert b[0]["mode"] is b[3]["mode"] and next(iter(b[0])) is next(iter(b[3]))


def test_a_finished_recording_ends_with_its_closing_line(tmp_path):
    path = _complete_trace(tmp_path)
    last = json.loads(path.read_text().splitlines()[-1])
    assert last == {"kind": "end", "events": 9}
    with TraceReader(path) as reader:
        events = list(reader)
    assert len(events) == 9 and reader.complete and reader.warning == ""
    assert all(e["kind"] != "end" for e in events)


def test_a_recording_cut_at_every_line_reads_what_it_holds_and_says_so(tmp_path):
    lines = _complete_trace(tmp_path).read_text().splitlines(keepends=True)
    for n in range(1, len(lines) - 1):  # header + n - 1 events, no closing line
        path = _write(tmp_path, "".join(lines[:n]))
        with TraceReader(path) as reader:
            events = list(reader)
        assert len(events) == n - 1
        assert reader.complete is False
        assert reader.warning.startswith(f"{path}:{n + 1}: incomplete recording"), reader.warning


def test_a_recording_cut_inside_a_line_reads_the_lines_before_it(tmp_path):
    text = _complete_trace(tmp_path).read_text()
    lines = text.splitlines(keepends=True)
    at = len("".join(lines[:4])) + 7  # seven characters into the fourth event line
    path = _write(tmp_path, text[:at])
    with TraceReader(path) as reader:
        events = list(reader)
    assert len(events) == 3 and reader.complete is False
    assert f"{path}:5: incomplete recording: its last line is cut short" in reader.warning
    first = _write(tmp_path, "".join(lines[:1]) + lines[1][:9])  # nothing before the cut
    with pytest.raises(TraceError, match=r"t\.jsonl:2: truncated event \(file cut short\?\)"):
        read_trace(first)


def test_a_closing_line_that_counts_otherwise_says_lines_were_lost(tmp_path):
    lines = _complete_trace(tmp_path).read_text().splitlines(keepends=True)
    path = _write(tmp_path, "".join(lines[:3] + lines[5:]))  # two events gone
    with TraceReader(path) as reader:
        assert len(list(reader)) == 7
    assert reader.complete is False and "counts 9 events, the file holds 7" in reader.warning


def test_reading_from_a_line_passed_before_gives_the_same_events(tmp_path):
    path = _complete_trace(tmp_path)
    with TraceReader(path) as reader:
        events, places = [], []
        for event in reader:
            events.append(event)
            places.append((reader.offset, reader.line + 1, reader.events))  # the next line's
        assert reader.complete
        for k in (0, 3, 8):  # from just after event k on, alone
            offset, line, before = places[k]
            assert list(reader.events_from(offset, line, before)) == events[k + 1 :]
            assert reader.complete and reader.warning == ""  # counted as from the start
    lines = path.read_text().splitlines(keepends=True)
    bad = _write(tmp_path, "".join([*lines[:6], '{"kind": 3}\n', *lines[6:]]))
    with TraceReader(bad) as reader:
        offset, line, before = places[2]
        with pytest.raises(TraceError, match=r"t\.jsonl:7: kind: expected a string"):
            list(reader.events_from(offset, line, before))  # named by its line in the file


def _whole_pass(path):
    with TraceReader(path) as reader:
        n = sum(1 for _ in reader)
        return n, bool(reader.complete), reader.warning


def _survey(path):
    with TraceReader(path) as reader:
        survey = reader.survey()
    return survey.events, survey.complete, survey.warning


def test_a_survey_says_what_a_whole_pass_says_without_reading_every_event(tmp_path):
    """Cut at every line and inside every line, with blank lines, spaces, CR LF ends: the
    survey (a closing line read, or lines counted) agrees with a pass over every event."""
    import random

    lines = _complete_trace(tmp_path).read_text().splitlines()
    text = "\n".join(lines) + "\n"
    ends = [i + 1 for i, c in enumerate(text) if c == "\n"]
    starts = [0, *ends[:-1]]
    variants = [text[:e] for e in ends]
    variants += [text[: (a + b) // 2] for a, b in zip(starts, ends, strict=True)]
    rng = random.Random(14)
    for _ in range(200):
        edited = list(lines)
        for _ in range(rng.randint(1, 4)):
            edited.insert(rng.randint(1, len(edited)), rng.choice(["", "  ", "\t", "\r"]))
        t = "\n".join(edited) + rng.choice(["\n", "", "\n\n", "\n  ", "  "])
        if rng.random() < 0.5:
            t = t[: rng.randint(len(t) // 2, len(t))]
        variants.append(t.replace("\n", "\r\n") if rng.random() < 0.3 else t)
    agreed = 0
    for variant in variants:
        path = _write(tmp_path, variant)
        try:
            whole = _whole_pass(path)
        except TraceError:  # the header, or the first event, cut: nothing to survey
            continue
        assert _survey(path) == whole, variant[-80:]
        agreed += 1
    assert agreed > len(variants) * 0.9


def test_a_survey_believes_a_closing_line_only_as_far_as_the_file_could_hold(tmp_path):
    lines = _complete_trace(tmp_path).read_text().splitlines(keepends=True)
    path = _write(tmp_path, "".join([*lines[:-1], json.dumps({"kind": "end", "events": 10**9})]))
    survey = _survey(path)  # not 10^9 events: the lines are counted instead
    assert survey[:2] == (9, False) and "counts 1,000,000,000 events, the file holds 9" in survey[2]
    assert survey == _whole_pass(path)


def test_the_writer_flushes_within_a_second_while_no_event_comes(tmp_path):
    path = tmp_path / "live.jsonl"
    writer = TraceWriter(path, flush_s=0.05)
    try:
        writer({"seq": 0, "t_ns": 1, "kind": "metric", "name": "loss", "value": 2.0})
        deadline = time.monotonic() + 30  # a generous bound for a loaded machine
        while len(path.read_text().splitlines()) < 2:
            assert time.monotonic() < deadline, "the held line was never written"
            time.sleep(0.01)
        with TraceReader(path) as reader:
            assert [e["value"] for e in reader] == [2.0]
        assert reader.complete is False
    finally:
        writer.close()
    with TraceReader(path) as reader:
        assert len(list(reader)) == 1 and reader.complete


@pytest.mark.slow
def test_a_recording_killed_with_sigkill_reads_up_to_its_last_flush(tmp_path):
    """``run --trace`` killed mid-run (no chance to close): the file reads, incomplete."""
    path = tmp_path / "killed.jsonl"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OPENBLAS_NUM_THREADS": "1"}
    child = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "engine",
            "run",
            "--scene",
            "two-layer",
            "--small",
            "--iterations",
            "1000000",
            "--trace",
            str(path),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        while not path.exists() or path.stat().st_size < 200_000:
            assert child.poll() is None, "the run ended before it was killed"
            assert time.monotonic() < deadline, "the trace never grew"
            time.sleep(0.05)
    finally:
        child.kill()
        child.wait()
    with TraceReader(path) as reader:
        events = list(reader)
    assert reader.complete is False and "incomplete recording" in reader.warning
    assert len(events) > 100
    assert {"scene", "node_created"} <= {e["kind"] for e in events}
    assert any(e["kind"] == "node_finished" or "dur_ns" in e for e in events)


# ---------------------------------------------------------------- text made safe

HOSTILE = "\x1b]0;TITLE\x07\x1b]52;c;aGVsbG8=\x07\x1b[2J\x9b31m\u202e[/] [bold]x[/bold]"


def test_safe_text_shows_every_control_character_and_keeps_the_rest():
    shown = safe_text(HOSTILE)
    assert shown == "␛]0;TITLE␇␛]52;c;aGVsbG8=␇␛[2J\\x9b31m\\u202e[/] [bold]x[/bold]"
    assert safe_text(shown) == shown  # idempotent
    assert safe_text("a\tb\nc") == "a␉b␊c"
    assert safe_text("a\tb\r\nc\rd", multiline=True) == "a\tb\nc␍d"
    assert safe_text("\ud800") == "\\ud800"  # a lone surrogate (stdout cannot encode it)
    assert safe_text("정적 그래프 · ×1.5 ∇") == "정적 그래프 · ×1.5 ∇"
    assert safe_text(42) == "42"


def test_the_reader_makes_every_string_safe(tmp_path):
    hostile = {
        "seq": 0,
        "t_ns": 1,
        "kind": "error",
        "type": HOSTILE,
        "message": "line one\n" + HOSTILE,
        "traceback": "Traceback\n\t" + HOSTILE,
        "extra" + HOSTILE: [HOSTILE, {"k" + HOSTILE: HOSTILE}],
    }
    header = {
        "format": "cgviz-trace",
        "version": 1,
        "host": HOSTILE,
        "devices": {"cpu": {"name": HOSTILE}},
    }
    path = _write(tmp_path, json.dumps(header) + "\n" + json.dumps(hostile) + "\n")
    header_read, (event,) = read_trace(path)

    def strings(value):
        if isinstance(value, str):
            yield value
        elif isinstance(value, list):
            for v in value:
                yield from strings(v)
        elif isinstance(value, dict):
            for k, v in value.items():
                yield k
                yield from strings(v)

    for text in [*strings(header_read), *strings(event)]:
        assert not any(ord(c) < 32 and c not in "\n\t" or 0x7F <= ord(c) <= 0x9F for c in text)
        assert "\u202e" not in text
    assert event["type"] == safe_text(HOSTILE)
    assert event["message"] == "line one\n" + safe_text(HOSTILE)  # text keeps its lines
    assert event["traceback"].startswith("Traceback\n\t")


def test_events_sent_from_several_threads_are_all_written_and_counted(tmp_path):
    path = tmp_path / "threads.jsonl"
    writer = TraceWriter(path, flush_s=0.001)  # the flusher writes while the threads send

    def send(k: int) -> None:
        for i in range(3000):
            writer({"seq": i, "t_ns": i, "kind": "metric", "name": f"t{k}", "value": float(i)})

    threads = [threading.Thread(target=send, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    writer.close()
    assert json.loads(path.read_text().splitlines()[-1]) == {"kind": "end", "events": 12000}
    with TraceReader(path) as reader:
        events = list(reader)
    assert reader.complete
    for k in range(4):  # every event of each thread, in the order it sent them
        assert [e["value"] for e in events if e["name"] == f"t{k}"] == [
            float(i) for i in range(3000)
        ]


def test_site_events_the_cached_encoding_cannot_take_are_written_whole(tmp_path):
    node = {
        "seq": 1,
        "t_ns": 9,
        "kind": "node_created",
        "graph": "eager:0",
        "node": 2,
        "name": "mm",
        "op": "MatMul",
        "inputs": [0, 1],
        "dur_ns": 5,
        "site": 7,
    }
    events = [
        node,
        {**node, "seq": 2, "node": 3},  # the cached encoding
        {**node, "seq": 3, "inputs": [True, 1]},  # %d and str() would write 1 and True
        {**node, "seq": 4, "inputs": [0, 1.5]},
        {**node, "seq": 5, "dur_ns": 2.5},
        {**node, "seq": 6, "graph": "eager:1"},  # another graph
        {**node, "seq": 7, "inputs": (0, 1)},  # not a list
    ]
    path = tmp_path / "odd.jsonl"
    writer = TraceWriter(path)
    for e in events:
        writer(dict(e))
    writer.close()
    lines = path.read_text().splitlines()[1:-1]
    assert [json.loads(line) for line in lines] == json.loads(json.dumps(events))


def test_the_line_encoder_writes_what_the_json_module_writes():
    import numpy as np

    from engine.events import _ENCODE, _jsonable

    plain = json.JSONEncoder(default=_jsonable, separators=(",", ":"), check_circular=False)
    values = [
        {"seq": 1, "t_ns": 2, "kind": "iteration_started", "mode": "eager", "iteration": 3},
        {"s": '정적 \u202e\n"q"', "f": [0.1, -0.0, 1e300, float("inf"), float("nan")]},
        {"n": np.float32(0.5), "i": np.int64(7), "a": np.arange(3), "set": {2, 1}, "o": object},
        {"nested": {"deeper": [[], {}, None, True, False]}, 3: "int key"},
    ]
    for value in values:
        assert _ENCODE(value) == plain.encode(value)


def test_an_iterations_own_events_are_written_as_json_writes_them(tmp_path):
    from engine.events import _ENCODE

    started = {"seq": 1, "t_ns": 2, "kind": "iteration_started", "mode": "eager", "iteration": 3}
    graph = {"seq": 4, "t_ns": 5, "kind": "graph_created", "graph": 'e"é\n', "mode": "eager"}
    graph["iteration"] = 3
    finished = {"seq": 6, "t_ns": 7, "kind": "iteration_finished", "mode": "eager"}
    finished.update(iteration=3, dur_ns=10**15)
    events = [
        started,
        graph,
        finished,
        {**started, "iteration": True},  # a bool: json's true, not 1
        {**started, "iteration": 2.5},
        {**started, "extra": 1},  # other keys
        {k: v for k, v in started.items() if k != "mode"},
        {**finished, "dur_ns": None},
    ]
    writer = TraceWriter(tmp_path / "small.jsonl")
    try:
        for event in events:
            assert writer._line(event, None) == _ENCODE(event), event
    finally:
        writer.close()


def _summaries() -> list[dict]:
    """Two static units' summary events, as the engine sends them."""
    events: list[dict] = []
    for i in range(2):
        seq, t = 10 * i, 1000 * i
        events += [
            {"seq": seq, "t_ns": t, "kind": "iteration_started", "mode": "static", "iteration": i},
            {"seq": seq + 2, "t_ns": t + 5, "kind": "run_finished", "graph": "static:1"}
            | {"run": i + 1, "dur_ns": 4},
            {
                "seq": seq + 3,
                "t_ns": t + 6,
                "kind": "metric",
                "name": "loss",
                "value": 0.5 / (i + 1),
            }
            | {"mode": "static", "iteration": i},
            {"seq": seq + 4, "t_ns": t + 7, "kind": "iteration_finished", "mode": "static"}
            | {"iteration": i, "dur_ns": 7},
        ]
    return events


def test_a_units_event_is_written_read_back_and_unpacks_to_the_events_it_packed(tmp_path):
    from engine.events import Units

    events = _summaries()
    pack = Units("static")
    assert all(pack.add(e, Units.mode_of(e)) for e in events)
    path = tmp_path / "units.jsonl"
    writer = TraceWriter(path)
    writer(pack.event())
    writer.close()
    _, read = read_trace(path)
    assert [e["kind"] for e in read] == ["units"]
    assert Units.events(read[0]) == events
    assert (read[0]["seq"], read[0]["t_ns"]) == (0, 1007)  # the first's seq, the last's time


def test_only_a_summary_event_with_its_kinds_own_keys_is_packed():
    from engine.events import Units

    started, *_ = _summaries()
    assert Units.mode_of(started) == "static"
    assert Units.mode_of({**started, "src": "one"}) is None  # (unpacked, it would lose src)
    assert Units.mode_of({**started, "iteration": 1.0}) is None
    assert Units.mode_of({"seq": 0, "t_ns": 0, "kind": "output", "text": "x"}) is None
    pack = Units("static")
    assert not pack.add({**started, "mode": "eager"}, "eager")  # another mode: another pack


@pytest.mark.parametrize(
    "rows, field",
    [
        ([0, 1, 2, 3], "rows"),  # not whole rows
        ([9, 1, 2, 3, None], "rows[0]"),  # no such row
        ([0, 1, 2, 3, 4], "rows[4]"),  # an iteration_started row holds one value
        ([1, 1, 2, 3, -4], "rows[4]"),  # a run's time
        ([2, 1, 2, "low", 0], "rows[3]"),  # a loss
    ],
)
def test_a_units_event_with_bad_rows_is_named_by_its_field(tmp_path, rows, field):
    line = {"seq": 0, "t_ns": 1, "kind": "units", "mode": "static", "graph": None}
    line |= {"metric": None, "rows": rows}
    path = _write(tmp_path, HEADER + "\n" + json.dumps(line) + "\n")
    with pytest.raises(TraceError, match=rf":2: {re.escape(field)}: "):
        read_trace(path)

"""Trace files: a round trip, and every bad file named by its line."""

from __future__ import annotations

import json

import pytest

from engine.events import EventStream, TraceError, read_trace, trace_to


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
    assert {e["kind"] for e in sites} == {"node_created", "node_finished"}
    assert events == json.loads(json.dumps(seen))


@pytest.mark.parametrize(
    ("text", "where", "words"),
    [
        ("", ":1:", "empty"),
        ("hello world\n", ":1:", "not a cgviz trace"),
        ('{"format": "chrome"}\n', ":1:", "not a cgviz trace"),
        ('{"format": "cgviz-trace", "version": 99}\n', ":1:", "version 99"),
        (HEADER + "\n" + EVENT + "\n" + EVENT[:20], ":3:", "truncated"),
        (HEADER + "\n" + "{not json}\n" + EVENT + "\n", ":2:", "corrupt JSON"),
        (HEADER + "\n" + EVENT + "\n" + '{"kind": "martian"}\n', ":3:", "unknown event kind"),
        (HEADER + "\n" + '{"kind": "metric", "name": "loss"}\n', ":2:", "lacks value"),
        (HEADER + "\n" + "[1, 2]\n", ":2:", "unknown event kind"),
    ],
    ids=[
        "empty",
        "text",
        "foreign-json",
        "version",
        "truncated",
        "corrupt",
        "kind",
        "missing-key",
        "not-object",
    ],
)
def test_bad_trace_names_the_line(tmp_path, text, where, words):
    path = _write(tmp_path, text)
    with pytest.raises(TraceError) as info:
        read_trace(path)
    message = str(info.value)
    assert str(path) + where in message, message
    assert words in message, message


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
        assert {"scene", "node_created", "node_finished"} <= kinds, (name, kinds)

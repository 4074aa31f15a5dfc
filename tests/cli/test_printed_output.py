"""What a script prints becomes ``output`` events while the UI runs it (nothing is lost)."""

from __future__ import annotations

import sys

from engine.cli.program import printed_as_events
from engine.events import STREAM


def test_printed_lines_become_output_events_in_order() -> None:
    seen: list[dict] = []
    undo = STREAM.subscribe(seen.append)
    try:
        with printed_as_events():
            print("one")
            print("two", "three", sep="\n")
            print("to stderr", file=sys.stderr)
            print("no newline", end="")
    finally:
        undo()
    got = [(e["stream"], e["text"]) for e in seen if e["kind"] == "output"]
    assert got == [
        ("stdout", "one"),
        ("stdout", "two"),
        ("stdout", "three"),
        ("stderr", "to stderr"),
        ("stdout", "no newline"),
    ]
    print("after", end="")  # the terminal again, not an event
    assert [e for e in seen if e["kind"] == "output"][-1]["text"] == "no newline"

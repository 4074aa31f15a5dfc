"""A script's printed lines reach the UI (and a trace) as a terminal would leave them, and as
text: a carriage return keeps what came after it, control sequences are shown, not obeyed."""

from __future__ import annotations

from engine.cli.program import printed_as_events
from engine.events import STREAM


def test_printed_lines_are_text_as_a_terminal_leaves_them() -> None:
    seen: list[dict] = []
    undo = STREAM.subscribe(seen.append)
    try:
        with printed_as_events():
            print("epoch 1\r 10%\r 50%\r100%")
            print("windows line\r")
            print("\x1b]0;OWNED\x07\x1b[31mred\x1b[0m\tcell")
    finally:
        undo()
    got = [e["text"] for e in seen if e["kind"] == "output"]
    assert got == ["100%", "windows line", "␛]0;OWNED␇␛[31mred␛[0m\tcell"]

"""Text from a trace or a user's script, made safe to show: control characters become visible.

A trace travels (recorded on a server, replayed on a laptop, shared with a class) and a
script's messages are the script's: either may hold terminal control sequences (``ESC ] 0 ;``
sets a window title, ``ESC ] 52 ;`` writes the clipboard, ``ESC [ 2 J`` clears the screen).
:func:`safe_text` turns every control character into a visible stand-in before such text
reaches a terminal, stdout, a cast or an SVG: C0 controls as their Unicode control pictures
(ESC as ``␛``, BEL as ``␇``), DEL as ``␡``, C1 controls (``U+0080``-``U+009F``, which some
terminals obey as ESC sequences) as ``\\x9b``-style escapes, and the invisible characters that
reorder text (bidirectional overrides and isolates) and lone surrogates (which no terminal
encoding can write) as ``\\u202e``-style escapes. Newline and tab stay where the text is
meant to have several lines.

It is idempotent (what it returns is already safe) and costs one regex search for text that
needs nothing. It does nothing about markup: a UI shows such text as plain text
(``rich.text.Text``, ``textual.content.Content``, ``markup=False``), never parsed.
"""

from __future__ import annotations

import re

__all__ = ["safe_text", "is_safe"]

_UNSAFE_LINE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
"""What a single-line text may not hold (newline and tab included)."""
_UNSAFE_LINES = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
"""What a multi-line text may not hold (it keeps newline and tab)."""


def _stand_in(match: re.Match[str]) -> str:
    ch = match.group()
    code = ord(ch)
    if code < 0x20:
        return chr(0x2400 + code)  # the control picture: ␀ ... ␟ (␛ for ESC, ␇ for BEL)
    if code == 0x7F:
        return "\u2421"  # ␡
    if code <= 0x9F:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}"


def safe_text(text: object, multiline: bool = False) -> str:
    """``text`` as a string with every control character made visible.

    Args:
        text: anything; not a string: its ``str()``.
        multiline: keep newline and tab (a traceback, a listing, a caption); otherwise they
            become visible too (``␊``, ``␉``), so one field stays on one line. A carriage
            return before a newline is dropped (Windows line ends), any other becomes ``␍``.

    Returns:
        Text that writes no control sequence to a terminal.
    """
    s = text if isinstance(text, str) else str(text)
    if multiline:
        if _UNSAFE_LINES.search(s) is None:
            return s
        return _UNSAFE_LINES.sub(_stand_in, s.replace("\r\n", "\n"))
    if _UNSAFE_LINE.search(s) is None:
        return s
    return _UNSAFE_LINE.sub(_stand_in, s)


def is_safe(text: str, multiline: bool = False) -> bool:
    """Whether ``text`` holds nothing :func:`safe_text` would change."""
    return (_UNSAFE_LINES if multiline else _UNSAFE_LINE).search(text) is None

"""Export a replay as an asciicast v2 file, rendered headless with the app's real screen output.

The replay app runs headless at a fixed size; every screen update Textual composes is encoded
as the terminal output it would have written (``CompositorUpdate.render_segments``) and stored
as an ``[t, "o", data]`` event. Time is logical: frame ``i`` is at ``i / fps`` seconds, and the
player advances ``speed / fps`` seconds of lecture pace per frame, so the same trace gives the
same cast every time. Phase markers become ``[t, "m", label]`` events (the asciinema player
can pause on them).

The trace is read as a stream (the replay's player reads it a segment at a time) and the cast
is written as it is made (a frame's line as soon as it is composed, into ``OUT.part``, renamed
to ``OUT`` when done), so a long trace costs no more memory than a short one; a progress line
on stderr (when it is a terminal) says how far the replay got. The cast's
title is the recording's scene name, made safe to show (the events themselves were made safe
by the trace reader).

This hooks ``App._display``, a private method of Textual (pinned to 8.2.8 in pyproject); a
test covers it.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from tui.engine_link import safe_text

if TYPE_CHECKING:
    from tui.replay.load import Recording

__all__ = ["export_cast"]

HOLD_END_S = 2.0
"""Seconds the last frame stays on screen."""
CLEAR = "\x1b[?25l\x1b[2J\x1b[H"
"""Hide the cursor and clear the screen before the first frame."""


def export_cast(
    recording: Recording,
    out: str | Path,
    *,
    size: tuple[int, int] = (160, 48),
    speed: float = 1.0,
    fps: float = 10.0,
    theme: str = "cgviz-dark",
    lang: str = "en",
    present: bool = False,
    progress: Callable[[int, int, int], None] | None = None,
) -> dict[str, Any]:
    """Write ``out`` (asciicast v2); returns {"frames", "markers", "duration"}.

    Args:
        progress: called now and then with (events replayed, events in all, frames written);
            default: a progress line on stderr when it is a terminal, else nothing.
    """
    saved = os.environ.get("COLORTERM")
    os.environ["COLORTERM"] = "truecolor"  # the headless console picks its colours from it
    report = progress if progress is not None else ProgressLine(sys.stderr)
    try:
        return asyncio.run(
            _export(recording, Path(out), size, speed, fps, theme, lang, present, report)
        )
    finally:
        if isinstance(report, ProgressLine):
            report.done()
        if saved is None:
            os.environ.pop("COLORTERM", None)
        else:
            os.environ["COLORTERM"] = saved


class ProgressLine:
    """A progress line on a terminal (``\\r``-updated, at most 5 times a second); silent when
    the stream is not a terminal (a log, a test)."""

    def __init__(self, stream: TextIO, every_s: float = 0.2) -> None:
        self.stream, self.every_s = stream, every_s
        self.live = bool(getattr(stream, "isatty", lambda: False)())
        self._at = 0.0
        self._t0 = time.monotonic()
        self._shown = False

    def __call__(self, done: int, total: int, frames: int) -> None:
        now = time.monotonic()
        if not self.live or (now - self._at < self.every_s and done < total):
            return
        self._at = now
        share = done / total if total else 1.0
        bar = "█" * round(share * 24)
        self.stream.write(
            f"\rexport-cast: {bar:░<24} {share:4.0%}  {done:,}/{total:,} events · "
            f"{frames:,} frames · {now - self._t0:.0f} s"
        )
        self.stream.flush()
        self._shown = True

    def done(self) -> None:
        """End the line (the next message starts on its own)."""
        if self._shown:
            self.stream.write("\n")
            self.stream.flush()
            self._shown = False


class _CastFile:
    """The cast, written line by line into ``OUT.part`` (renamed to ``OUT`` when finished)."""

    def __init__(self, out: Path) -> None:
        self.out, self.part = out, out.with_name(out.name + ".part")
        self.file = self.part.open("w", encoding="utf-8")
        self.last_t = -1.0

    def header(self, header: dict[str, Any]) -> None:
        self.file.write(json.dumps(header) + "\n")

    def write(self, t: float, code: str, data: str) -> None:
        t = round(max(t, self.last_t + 1e-6), 6)
        self.last_t = t
        self.file.write(json.dumps([t, code, data]) + "\n")

    def finish(self) -> None:
        self.file.close()
        os.replace(self.part, self.out)

    def abandon(self) -> None:
        self.file.close()
        self.part.unlink(missing_ok=True)


async def _export(
    recording: Recording,
    out: Path,
    size: tuple[int, int],
    speed: float,
    fps: float,
    theme: str,
    lang: str,
    present: bool,
    progress: Callable[[int, int, int], None],
) -> dict[str, Any]:
    cast = _CastFile(out)
    try:
        info = await _frames(recording, cast, size, speed, fps, theme, lang, present, progress)
    except BaseException:
        cast.abandon()
        raise
    cast.finish()
    return info


async def _frames(
    recording: Recording,
    cast: _CastFile,
    size: tuple[int, int],
    speed: float,
    fps: float,
    theme: str,
    lang: str,
    present: bool,
    progress: Callable[[int, int, int], None],
) -> dict[str, Any]:
    from tui.app.cgviz_app import make_replay_app

    app = make_replay_app(
        recording, theme=theme, lang=lang, present=present, speed="lecture", autodrain=False
    )
    player = app.player
    assert player is not None
    chunks: list[str] = []
    original = type(app)._display

    def display(screen: Any, renderable: Any) -> None:
        if renderable is not None and not app._batch_count:
            chunks.append(renderable.render_segments(app.console))
        original(app, screen, renderable)

    app._display = display  # type: ignore[method-assign]
    width, height = size
    cast.header(
        {
            "version": 2,
            "width": width,
            "height": height,
            "timestamp": int(time.time()),
            "title": f"cgviz: {safe_text(recording.scene_name)}",
            "env": {"TERM": "xterm-256color", "COLORTERM": "truecolor", "SHELL": "/bin/sh"},
        }
    )
    frames = markers = 0
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        cast.write(0.0, "o", CLEAR + "".join(chunks))
        chunks.clear()
        frame = 0
        progress(0, len(player.events), 0)
        while not player.finished:
            frame += 1
            before = player.pos
            player.tick(speed / fps)  # a bad line raises here: the cast is abandoned
            app.drain()
            await pilot.pause()
            t = frame / fps
            for marker in player.markers_between(before, player.pos):
                cast.write(t, "m", safe_text(marker.label(lang)))
                markers += 1
            if chunks:
                cast.write(t, "o", "".join(chunks))
                chunks.clear()
                frames += 1
            progress(player.pos, len(player.events), frames)
        app.drain()
        await pilot.pause()
        t = frame / fps + 1 / fps
        if chunks:
            cast.write(t, "o", "".join(chunks))
            frames += 1
        cast.write(t + HOLD_END_S, "o", "")
        progress(player.pos, len(player.events), frames)
    return {"frames": frames, "markers": markers, "duration": cast.last_t}

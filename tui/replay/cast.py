"""Export a replay as an asciicast v2 file, rendered headless with the app's real screen output.

The replay app runs headless at a fixed size; every screen update Textual composes is encoded
as the terminal output it would have written (``CompositorUpdate.render_segments``) and stored
as an ``[t, "o", data]`` event. Time is logical: frame ``i`` is at ``i / fps`` seconds, and the
player advances ``speed / fps`` seconds of lecture pace per frame, so the same trace gives the
same cast every time. Phase markers become ``[t, "m", label]`` events (the asciinema player
can pause on them).

This hooks ``App._display``, a private method of Textual (pinned to 8.2.8 in pyproject); a
test covers it.
"""

from __future__ import annotations

import asyncio
import json
import os
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

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
) -> dict[str, Any]:
    """Write ``out`` (asciicast v2); returns {"frames", "markers", "duration"}."""
    saved = os.environ.get("COLORTERM")
    os.environ["COLORTERM"] = "truecolor"  # the headless console picks its colours from it
    try:
        return asyncio.run(_export(recording, Path(out), size, speed, fps, theme, lang, present))
    finally:
        if saved is None:
            os.environ.pop("COLORTERM", None)
        else:
            os.environ["COLORTERM"] = saved


async def _export(
    recording: Recording,
    out: Path,
    size: tuple[int, int],
    speed: float,
    fps: float,
    theme: str,
    lang: str,
    present: bool,
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
    lines: list[str] = [
        json.dumps(
            {
                "version": 2,
                "width": width,
                "height": height,
                "timestamp": int(time.time()),
                "title": f"cgviz: {recording.scene_name}",
                "env": {"TERM": "xterm-256color", "COLORTERM": "truecolor", "SHELL": "/bin/sh"},
            }
        )
    ]
    last_t = -1.0
    frames = markers = 0

    def write(t: float, code: str, data: str) -> None:
        nonlocal last_t
        t = round(max(t, last_t + 1e-6), 6)
        last_t = t
        lines.append(json.dumps([t, code, data]))

    marker_at = {m.pos: m for m in player.markers}
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        write(0.0, "o", CLEAR + "".join(chunks))
        chunks.clear()
        frame = 0
        while not player.finished:
            frame += 1
            before = player.pos
            player.tick(speed / fps)
            app.drain()
            await pilot.pause()
            t = frame / fps
            for pos in range(before + 1, player.pos + 1):
                if pos in marker_at:
                    write(t, "m", marker_at[pos].label(lang))
                    markers += 1
            if chunks:
                write(t, "o", "".join(chunks))
                chunks.clear()
                frames += 1
        app.drain()
        await pilot.pause()
        t = frame / fps + 1 / fps
        if chunks:
            write(t, "o", "".join(chunks))
            frames += 1
        write(t + HOLD_END_S, "o", "")
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return {"frames": frames, "markers": markers, "duration": last_t}

"""A hostile trace, replayed and exported: what reaches the screen, an SVG or a cast is text.

Every string of a real recording (every event kind, the header too) carries terminal control
sequences (set the window title, write the clipboard, clear the screen, a C1 CSI, a
right-to-left override) and markup that does not close. The replay must run to its end
(the traceback panel included) and show all of it as visible characters; ``export-cast``
must write none of it into the cast.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.engine.test_trace_fuzz import HOSTILE, _record_base, hostile_trace
from tests.tui.conftest import CPU_FACTS
from tui.app.cgviz_app import make_replay_app
from tui.replay.load import load_recording

INJECTED = re.compile("\x1b\\]|\x07|\x9b|\u202e|[\x00-\x08\x0b-\x0c\x0e-\x1a\x1c-\x1f]")
"""What only the hostile strings could have brought (the app's own output is CSI sequences:
ESC followed by ``[``, newlines and carriage returns)."""


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("hostile") / "hostile.jsonl"
    path.write_text("\n".join(hostile_trace(_record_base())) + "\n", encoding="utf-8")
    return path


async def test_a_hostile_replay_runs_to_its_end_and_shows_text_as_text(hostile: Path) -> None:
    from tui.screens.traceback import TracebackScreen

    app = make_replay_app(
        load_recording(hostile),
        speed="full",
        deterministic=True,
        device_info=lambda name: dict(CPU_FACTS),
    )
    async with app.run_test(size=(160, 48)) as pilot:
        player = app.player
        assert player is not None
        player.seek(len(player.events))
        app.drain()
        await pilot.pause()
        assert isinstance(app.screen, TracebackScreen)  # the error's traceback, shown
        svg = app.export_screenshot()
        await pilot.press("escape")
        await pilot.pause()
        main_svg = app.export_screenshot()
    for picture in (svg, main_svg):
        assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e]", picture)
    assert "␛]0;TITLE␇" in svg.replace("&#160;", " ")
    assert app.return_code in (None, 0)


def test_export_cast_of_a_hostile_trace_writes_none_of_it(
    hostile: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tui.cli.main import run_cli

    cast = tmp_path / "hostile.cast"
    code = run_cli(["export-cast", str(hostile), str(cast), "--size", "120x36", "--speed", "64"])
    err = capsys.readouterr().err
    assert code == 0, err
    header, *frames = (json.loads(line) for line in cast.read_text("utf-8").splitlines())
    assert not INJECTED.search(header["title"]) and HOSTILE not in header["title"]
    data = "".join(frame[2] for frame in frames)
    assert not INJECTED.search(data), INJECTED.search(data)
    assert data.count("\x1b[2J") == 1  # the cast's own clear, before the first frame
    assert "␛" in data  # the escapes are there, as characters
    assert not (tmp_path / "hostile.cast.part").exists()

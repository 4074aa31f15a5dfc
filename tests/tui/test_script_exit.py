"""How a script ends: its exit code and message in the UI and as ``cgviz run``'s exit code; a
KeyboardInterrupt it raised is its own error (the engine process lives on); every command ends
quietly on a closed pipe (141)."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.tui.conftest import CPU_FACTS, Notified, finish
from tests.tui.test_engine_process import script
from tests.tui.test_korean import screen_words
from tui.cli import main as cli
from tui.engine_link.process import ProcessRunner

ROOT = Path(__file__).resolve().parents[2]


def script_app(path: Path, lang: str = "en") -> Any:
    """The app on one script, deterministic, no GPU (as ``cgviz run`` makes it)."""
    from tui.app.cgviz_app import make_app
    from tui.engine_link.script import load_script_scene

    scene = load_script_scene(str(path), "cpu", None, lang)
    return make_app(
        scene=scene.name,
        scenes={scene.name: scene},
        speed="full",
        deterministic=True,
        lang=lang,
        gpu_status=lambda: (False, "no CUDA device"),
        device_info=lambda name: dict(CPU_FACTS),
    )


def write(tmp_path: Path, text: str, name: str = "x.py") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


async def test_sys_exit_3_is_shown_with_its_exit_code(tmp_path: Path) -> None:
    path = write(tmp_path, "import sys\nprint('bye')\nsys.exit(3)\n")
    app, notified = script_app(path), Notified()
    async with app.run_test(size=(160, 48), message_hook=notified) as pilot:
        await finish(pilot)
        await pilot.pause()
        assert app.state.exit_code == 3
        notes = notified.pairs
        assert ("The script ended: exit code 3", f"{path} called sys.exit(3)") in notes
        assert app.state.finished and "exit code 3" in app._status_text
        assert app.output.lines[-1].text.rstrip() == "bye"


async def test_sys_exit_with_a_message_is_1_and_says_it(tmp_path: Path) -> None:
    app, notified = script_app(write(tmp_path, "import sys\nsys.exit('fatal')\n")), Notified()
    async with app.run_test(size=(160, 48), message_hook=notified) as pilot:
        await finish(pilot)
        await pilot.pause()
        assert app.state.exit_code == 1
        notes = notified.pairs
        assert ("The script ended: exit code 1", "fatal") in notes


async def test_a_clean_sys_exit_is_no_error(tmp_path: Path) -> None:
    app = script_app(write(tmp_path, "import sys\nprint('done')\nsys.exit(0)\n"))
    async with app.run_test(size=(160, 48)) as pilot:
        await finish(pilot)
        await pilot.pause()
        assert app.state.exit_code is None and not app.state.errors
        assert app.state.finished and "exit code" not in app._status_text


async def test_a_keyboard_interrupt_the_script_raised_is_its_error(tmp_path: Path) -> None:
    from tui.screens.traceback import TracebackScreen

    app = script_app(write(tmp_path, "print('working')\nraise KeyboardInterrupt\n"))
    notified = Notified()
    async with app.run_test(size=(160, 48), message_hook=notified) as pilot:
        await finish(pilot)
        await pilot.pause()
        assert app.state.exit_code == 130
        assert isinstance(app.screen, TracebackScreen) and "x.py" in app.screen.text
        notes = notified.pairs
        assert ("The script ended: exit code 130", "KeyboardInterrupt: interrupted") in notes


async def test_the_ending_speaks_korean(tmp_path: Path) -> None:
    path = write(tmp_path, "import sys\nsys.exit(3)\n")
    app, notified = script_app(path, "ko"), Notified()
    async with app.run_test(size=(160, 48), message_hook=notified) as pilot:
        await finish(pilot)
        await pilot.pause()
        notes = notified.pairs
        assert ("스크립트 끝: 종료 코드 3", f"{path}에서 sys.exit(3) 호출") in notes
        assert "종료 코드 3" in app._status_text
        named = {"sys", "exit", "sys.exit"} | set(re.findall(r"[\w.]+", str(path)))  # names
        words = screen_words(app, drop=str(path)) - named
        assert not words, "the script's ending"


@pytest.mark.slow
def test_the_engine_process_lives_on_after_a_scripts_keyboard_interrupt(tmp_path: Path) -> None:
    runner = ProcessRunner(speed="full")
    try:
        runner.run(script(tmp_path, "import sys\nraise KeyboardInterrupt\n"))
        child = runner._child
        errors = [e for e in runner.inbox if e["kind"] == "error"]
        assert [(e["type"], e["exit_code"]) for e in errors] == [("KeyboardInterrupt", 130)]
        assert "user.py" in errors[0]["traceback"]
        assert runner.inbox[-1]["state"] == "finished"
        assert child is not None and child.poll() is None  # alive
        runner.inbox.clear()
        runner.run(script(tmp_path, "import sys\nsys.exit(3)\n"))
        assert runner._child is child  # the same process ran the next script
        errors = [e for e in runner.inbox if e["kind"] == "error"]
        assert [(e["type"], e["exit_code"]) for e in errors] == [("SystemExit", 3)]
    finally:
        runner.close()


@pytest.mark.parametrize(
    ("text", "code"),
    [("import sys\nsys.exit(3)\n", 3), ("import sys\nsys.exit('fatal')\n", 1), ("pass\n", 0)],
)
def test_cgviz_run_exits_with_the_scripts_code(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str, code: int
) -> None:
    """``cgviz run`` returns the exit code of the script the app ran, once the app quits."""
    from tui.app import cgviz_app

    made = cgviz_app.make_app

    def quitting_app(**options: Any) -> Any:
        assert options.pop("freeze_gc") is True  # as the CLI runs it, but not in a test process
        app = made(**options, deterministic=True)

        async def run_then_quit(pilot: Any) -> None:
            await finish(pilot)
            app.exit()

        app.run = lambda: cgviz_app.CgvizApp.run(app, headless=True, auto_pilot=run_then_quit)
        return app

    monkeypatch.setattr(cgviz_app, "make_app", quitting_app)
    path = write(tmp_path, text)
    assert cli.run_cli(["run", str(path), "--device", "cpu", "--speed", "full"]) == code


class ClosedPipe:
    """A stdout whose reader has gone."""

    def write(self, text: str) -> int:
        raise BrokenPipeError(32, "Broken pipe")

    def flush(self) -> None:
        raise BrokenPipeError(32, "Broken pipe")


def test_a_closed_pipe_in_process_is_141(monkeypatch: pytest.MonkeyPatch) -> None:
    stderr = io.StringIO()  # not a file: the null device replaces no descriptor of the test's
    monkeypatch.setattr(sys, "stdout", ClosedPipe())
    monkeypatch.setattr(sys, "stderr", stderr)
    assert cli.run_cli(["scenes"]) == 141
    assert cli.run_cli(["layout", "--json"]) == 141
    assert stderr.getvalue() == ""


@pytest.mark.slow
@pytest.mark.parametrize("argv", [["scenes"], ["layout", "--json"]])
def test_a_closed_pipe_ends_quietly_with_141(argv: list[str]) -> None:
    read, write_end = os.pipe()
    os.close(read)  # the reader has gone before the first line is written
    try:
        done = subprocess.run(
            [sys.executable, "-c", "from tui.cli.main import main; main()", *argv],
            stdout=write_end,
            stderr=subprocess.PIPE,
            cwd=ROOT,
            timeout=120,
            check=False,
        )
    finally:
        os.close(write_end)
    assert done.returncode == 141
    assert done.stderr == b""

"""Work done ahead (tui.view.ahead): jobs run one at a time, newest wish first; a result is
handed over when asked for; the helper process ends with the process that started it."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tui.view.ahead import Ahead

ROOT = Path(__file__).resolve().parents[2]


def wait_for(predicate, timeout: float = 30.0) -> None:  # type: ignore[no-untyped-def]
    end = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < end, "condition not reached in time"
        time.sleep(0.02)


def test_wanted_jobs_are_worked_out_and_handed_over() -> None:
    ahead: Ahead[int] = Ahead()
    try:
        ahead.want([("a", lambda: 1), ("b", lambda: 2)])
        wait_for(lambda: ahead.idle)
        assert ahead.take("b") == 2 and ahead.take("a") == 1
        assert ahead.take("a") == 1  # kept: a key pressed twice finds it again
        assert ahead.take("c") is None  # never wanted: the caller works it out
    finally:
        ahead.close()


def test_a_new_wish_drops_what_was_wanted_and_not_begun() -> None:
    ahead: Ahead[str] = Ahead()
    gate, ran = threading.Event(), []

    def slow() -> str:
        gate.wait(10)
        ran.append("slow")
        return "slow"

    try:
        ahead.want([("slow", slow), ("old", lambda: ran.append("old") or "old")])
        wait_for(lambda: ahead._busy == "slow")
        ahead.want([("new", lambda: ran.append("new") or "new")])
        gate.set()
        wait_for(lambda: ahead.idle)
        assert ran == ["slow", "new"]
        assert ahead.take("old") is None and ahead.take("new") == "new"
    finally:
        ahead.close()


def test_a_job_that_fails_leaves_nothing_to_take() -> None:
    ahead: Ahead[int] = Ahead()
    try:
        ahead.want([("x", lambda: 1 // 0), ("y", lambda: 2)])
        wait_for(lambda: ahead.idle)
        assert ahead.take("x") is None and ahead.take("y") == 2
    finally:
        ahead.close()


def run_script(tmp_path: Path, text: str) -> str:
    """Run ``text`` as a script in a Python process of its own; what it printed."""
    script = tmp_path / "script.py"
    script.write_text(text)
    out = subprocess.run(
        [sys.executable, str(script), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return out.stdout


SCRIPT = """
import os, sys
sys.path.insert(0, sys.argv[1])
from tui.view.ahead import elsewhere, start_helper
if __name__ == "__main__":
    assert start_helper()
    print(elsewhere(os.getpid), flush=True)
    os._exit(0)  # as a killed process, or a test worker leaving: no atexit
"""


@pytest.mark.slow  # starts a Python process
def test_the_helper_process_ends_when_its_app_process_ends_abruptly(tmp_path: Path) -> None:
    helper = int(run_script(tmp_path, SCRIPT).split()[0])
    assert helper != os.getpid()

    def gone() -> bool:
        try:
            with open(f"/proc/{helper}/stat") as f:
                return f.read().split()[2] == "Z"  # ended (not yet reaped by init)
        except FileNotFoundError:
            return True

    wait_for(gone)


WARM = """
import sys
sys.path.insert(0, sys.argv[1])
from tui.view.ahead import elsewhere, warm_helper
if __name__ == "__main__":
    assert warm_helper("tui.drawing.pane")
    print(elsewhere(eval, "'tui.drawing.pane' in __import__('sys').modules"), flush=True)
"""


@pytest.mark.slow  # starts a Python process
def test_a_warmed_helper_has_imported_the_drawing_code_before_its_first_job(
    tmp_path: Path,
) -> None:
    assert run_script(tmp_path, WARM).split() == ["True"]

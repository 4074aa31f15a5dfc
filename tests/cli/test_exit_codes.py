"""How a script ends is its own: ``sys.exit(n)``, ``sys.exit("message")`` and a
KeyboardInterrupt it raises become its exit code and an ``error`` event saying so (a UI shows
it, a trace keeps it), never the engine's end."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from engine.cli.program import exit_code, load_script, script_ending
from engine.trace_read import TraceReader

ENDINGS = {
    "exit3.py": ("import sys\nsys.exit(3)\n", 3),
    "fatal.py": ("import sys\nsys.exit('fatal: \\x1b]0;owned\\x07 no config')\n", 1),
    "interrupt.py": ("def f():\n    raise KeyboardInterrupt\nf()\n", 130),
    "clean.py": ("import sys\nsys.exit(0)\n", 0),
    "none.py": ("import sys\nsys.exit()\n", 0),
    "raises.py": ("raise ValueError('bad config [/] see [bold]docs[/bold]')\n", 1),
}


@pytest.mark.parametrize("name", sorted(ENDINGS))
def test_run_exits_with_the_scripts_code_and_records_how_it_ended(
    cli_here, tmp_path: Path, name: str
) -> None:
    text, code = ENDINGS[name]
    (tmp_path / name).write_text(text)
    proc = cli_here("run", name, "--trace", "t.jsonl", cwd=tmp_path)
    assert proc.returncode == code, proc.stderr
    assert "\x1b" not in proc.stderr and "\x07" not in proc.stderr
    with TraceReader(tmp_path / "t.jsonl") as reader:
        errors = [e for e in reader if e["kind"] == "error"]
    assert reader.complete
    if code == 0:
        assert errors == []
        return
    (error,) = errors
    assert error["exit_code"] == code and error["label"] == name
    if name == "fatal.py":
        assert error["type"] == "SystemExit"
        assert error["message"] == "fatal: ␛]0;owned␇ no config"
        assert "fatal: ␛]0;owned␇ no config" in proc.stderr
    elif name == "exit3.py":
        assert (error["type"], error["message"]) == ("SystemExit", "exit3.py called sys.exit(3)")
        assert "sys.exit" not in proc.stderr and "Traceback" not in proc.stderr  # a status
    else:
        assert (
            error["type"] == {"interrupt.py": "KeyboardInterrupt", "raises.py": "ValueError"}[name]
        )
        assert error["traceback"].startswith("Traceback (most recent call last):")
        assert f'{name}", line' in error["traceback"]
        assert f"{name} raised {error['type']}" in proc.stderr


def test_script_ending_payloads_fit_the_trace_schema(tmp_path: Path) -> None:
    from engine.trace_schema import check_event

    (tmp_path / "s.py").write_text("x = 1\n")
    program = load_script(str(tmp_path / "s.py"), "cpu", None)
    cases = [SystemExit(7), SystemExit("no"), SystemExit(True), KeyboardInterrupt(), OSError(2)]
    for exc in cases:
        payload = script_ending(exc, program)
        assert payload is not None
        event = json.loads(json.dumps({"seq": 0, "t_ns": 0, "kind": "error", **payload}))
        check_event(event, fix=False)
        assert payload["exit_code"] == exit_code(exc)
    assert [exit_code(e) for e in cases] == [7, 1, 1, 130, 1]
    assert exit_code(SystemExit(256)) == 0  # what the operating system keeps of it
    assert script_ending(SystemExit(0), program) is None
    assert script_ending(SystemExit(None), program) is None

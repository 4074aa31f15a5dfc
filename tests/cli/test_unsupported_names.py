"""A framework name the engine lacks ends ``python -m engine run`` (and ``cgviz run``) with one
line naming it, not a traceback."""

from __future__ import annotations

import pytest

from engine.cli.program import load_script, printed_as_events
from engine.events import recording

SCRIPTS = {
    "lstm.py": ("import torch\nlstm = torch.nn.LSTM(3, 4)\n", "torch.nn.LSTM"),
    "contrib.py": (
        "import tensorflow as tf\ncell = tf.contrib.rnn.BasicLSTMCell(4)\n",
        "tf.contrib.rnn",
    ),
    "from_import.py": ("from torch.nn import LSTM\nlstm = LSTM(3, 4)\n", "torch.nn.LSTM"),
}


def line(name: str) -> str:
    return f"cgviz: {name} is not supported by the engine (see 'python -m engine api')"


@pytest.mark.parametrize("script", sorted(SCRIPTS))
def test_a_missing_name_is_one_line_and_a_failure(script, cli_here, tmp_path):
    source, name = SCRIPTS[script]
    (tmp_path / script).write_text(source)
    proc = cli_here("run", script, cwd=tmp_path)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    lines = [t for t in proc.stderr.splitlines() if "resolves to engine" not in t]
    assert lines == [line(name)], proc.stderr


@pytest.mark.parametrize("script", sorted(SCRIPTS))
def test_the_app_shows_the_line_in_its_log(script, tmp_path):
    """The engine process runs the script as the app's run does: what it says on stderr becomes
    an ``output`` event (the log pane shows it marked '! ')."""
    source, name = SCRIPTS[script]
    (tmp_path / script).write_text(source)
    program = load_script(str(tmp_path / script), "cpu", None)
    with recording() as events, printed_as_events(), pytest.raises(SystemExit) as ended:
        program.run()
    assert ended.value.code == 1
    said = [(e["stream"], e["text"]) for e in events if e["kind"] == "output"]
    assert ("stderr", line(name)) in said
    assert not any("Traceback" in text for _, text in said)


def test_a_users_own_missing_attribute_keeps_its_traceback(cli_here, tmp_path):
    (tmp_path / "own.py").write_text("import torch\nclass Net:\n    pass\nNet().layers\n")
    proc = cli_here("run", "own.py", cwd=tmp_path)
    assert proc.returncode == 1
    assert "Traceback" in proc.stderr and "AttributeError" in proc.stderr
    assert "not supported by the engine" not in proc.stderr

"""The one rule of the architecture: the engine never imports the UI."""

import subprocess
import sys

import pytest


@pytest.mark.slow
def test_engine_imports_no_ui():
    code = (
        "import sys, engine, engine.events, engine.ops, engine.devices\n"
        "import importlib\n"
        "for name in ('engine.static', 'engine.eager', 'engine.scenes', 'engine.__main__'):\n"
        "    try: importlib.import_module(name)\n"
        "    except ModuleNotFoundError as e:\n"
        "        if e.name != name: raise\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich', 'tui'))\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)

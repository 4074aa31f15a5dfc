"""A user's script as a scene: ``cgviz run script.py``.

Loading (``engine.cli.program.load_script``) happens before the UI starts, so a missing or
non-Python file is a one-line error. Running happens in the engine worker: the script's
``import torch`` / ``import tensorflow`` resolve to the engine for that script only, and an
exception it raises becomes an ``error`` event carrying the user's traceback (engine frames
hidden), which the app shows in a panel - and which a recording keeps.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

from tui.i18n import tr

__all__ = ["ScriptScene", "load_script_scene"]

FRAMEWORKS = {"torch": "engine.eager", "tensorflow": "engine.static"}
SIDE_OF = {
    "torch": "eager",
    "tensorflow": "static",
    "engine.eager": "eager",
    "engine.static": "static",
}
"""The pane a script's import draws in."""


def _sides(source: str) -> tuple[str, ...]:
    """The panes a script can draw in, from what it imports (() when it imports neither)."""
    found = set()
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return ()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        else:
            continue
        for name in names:
            for prefix, side in SIDE_OF.items():
                if name == prefix or name.startswith(prefix + "."):
                    found.add(side)
    return tuple(s for s in ("static", "eager") if s in found)


def _aliased(source: str) -> list[str]:
    """The framework names (torch, tensorflow) a script imports, in order."""
    found: list[str] = []
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return found
    for node in ast.walk(tree):
        names = (
            [a.name for a in node.names]
            if isinstance(node, ast.Import)
            else (
                [node.module]
                if isinstance(node, ast.ImportFrom) and node.module and not node.level
                else []
            )
        )
        for name in names:
            top = name.split(".")[0]
            if top in FRAMEWORKS and top not in found:
                found.append(top)
    return found


class ScriptScene:
    """A scene-like object whose ``run`` runs a loaded user script."""

    section = "script"

    def __init__(self, path: str, program: Any, source: str, lang: str = "en") -> None:
        self.path = Path(path)
        self.name = f"script:{self.path.name}"
        """Scene name (palette, recordings)."""
        self.title = self.path.name
        self.program = program
        self.text = source
        self.aliases = _aliased(source)
        """Framework names resolved to the engine ("torch", "tensorflow")."""
        self.sides = _sides(source)
        """The panes it draws in (a PyTorch-only script gets the whole width)."""
        names = ", ".join(f"import {n} → {FRAMEWORKS[n]}" for n in self.aliases)
        self.caption = tr("note.aliases", lang, names=names) if names else str(path)

    def source(self, device: str = "cpu", iterations: int | None = None) -> str:
        """The listing shown in the source pane."""
        return self.text

    def run(self, device: str = "cpu", iterations: int | None = None, seed: int = 0) -> None:
        """Run the script; its exception becomes an ``error`` event with the traceback."""
        from tui.engine_link.child import run_script

        run_script(
            self.program, self.name, self.title, self.caption, self.text, str(self.path), device
        )


def load_script_scene(
    path: str, device: str, iterations: int | None, lang: str = "en"
) -> ScriptScene:
    """Load a script for the app.

    Raises:
        engine.cli.common.UsageError: missing, a directory, not ``.py``, not valid Python.
    """
    from engine.cli.program import load_script

    program = load_script(path, device, iterations)
    text = Path(path).read_text(encoding="utf-8")
    return ScriptScene(path, program, text, lang)

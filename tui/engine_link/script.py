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

FRONT_ENDS = (("eager", "engine.eager"), ("static", "engine.static"))
"""The pane each engine front end draws in."""


def frameworks() -> dict[str, str]:
    """Framework name -> the engine module ``cgviz run`` resolves it to (torch, tensorflow,
    keras: the engine's own table, :data:`engine.cli.aliases.ALIASES`)."""
    from engine.cli.aliases import ALIASES

    return dict(ALIASES)


def _imports(source: str) -> list[str]:
    """The modules a script imports, in order (``from a import b``: ``a`` and ``a.b``)."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return []
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names += [node.module] + [f"{node.module}.{a.name}" for a in node.names]
    return names


def _side(module: str, aliases: dict[str, str]) -> str | None:
    """The pane a module draws in: its framework's front end, or the engine module's own."""
    top, _, rest = module.partition(".")
    target = aliases[top] + ("." + rest if rest else "") if top in aliases else module
    for side, front in FRONT_ENDS:
        if target == front or target.startswith(front + "."):
            return side
    return None


def _sides(source: str) -> tuple[str, ...]:
    """The panes a script can draw in, from what it imports (() when it imports neither)."""
    aliases = frameworks()
    found = {_side(name, aliases) for name in _imports(source)}
    return tuple(s for s in ("static", "eager") if s in found)


def _aliased(source: str) -> list[str]:
    """The framework names (torch, tensorflow, keras) a script imports, in order."""
    aliases = frameworks()
    tops = [name.split(".")[0] for name in _imports(source)]
    return [top for i, top in enumerate(tops) if top in aliases and top not in tops[:i]]


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
        aliases = frameworks()
        names = ", ".join(f"import {n} → {aliases[n]}" for n in self.aliases)
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

    program = load_script(path, device, iterations, say_aliases=False)  # the caption says it
    text = Path(path).read_text(encoding="utf-8")
    return ScriptScene(path, program, text, lang)

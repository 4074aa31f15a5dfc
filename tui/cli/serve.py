"""``cgviz serve``: the app in a browser through textual-serve (an optional dependency).

Each browser tab gets its own cgviz process; options after ``--`` are passed to it
(``cgviz serve -- --scene loops --present``). The frame rate is lowered for the network.
"""

from __future__ import annotations

import importlib.util
import shlex
import sys

__all__ = ["serve"]

INSTALL = "pip install textual-serve  (or: pip install 'cgviz[serve]')"


def serve(host: str, port: int, argv: list[str]) -> int:
    """Serve cgviz; returns an exit code (2 with a one-line hint when textual-serve is missing)."""
    if importlib.util.find_spec("textual_serve") is None:
        print(
            f"cgviz: error: cgviz serve needs textual-serve, which is not installed: {INSTALL}",
            file=sys.stderr,
        )
        return 2
    from textual_serve.server import Server

    command = " ".join(shlex.quote(a) for a in (sys.executable, "-m", "tui.cli.main", *argv))
    print(f"cgviz: serving on http://{host}:{port} (ctrl+c stops)", file=sys.stderr)
    Server(f"TEXTUAL_FPS=30 {command}", host=host, port=port, title="cgviz").serve()
    return 0

"""``python -m engine scenes``: the built-in lecture listings, in lecture order."""

from __future__ import annotations

import argparse
import sys
from typing import Any


def add_parser(sub: Any) -> None:
    """Register the ``scenes`` subcommand."""
    p = sub.add_parser(
        "scenes", help="list the built-in lecture listings (run one with run --scene NAME)"
    )
    p.add_argument("--captions", action="store_true", help="also print each scene's caption")
    p.set_defaults(handler=main)


def main(args: argparse.Namespace) -> int:
    """Print name, section and title of every scene; returns 0."""
    from engine.scenes import DEFAULT_SCENE, SCENES

    rows = [("name", "section", "title")]
    rows += [
        (s.name + (" *" if s.name == DEFAULT_SCENE else ""), s.section, s.title)
        for s in SCENES.values()
    ]
    widths = [max(len(r[i]) for r in rows) for i in range(2)]
    out = []
    for n, (name, section, title) in enumerate(rows):
        out.append(f"{name.ljust(widths[0])}  {section.ljust(widths[1])}  {title}")
        if args.captions and n:
            out.append(" " * (widths[0] + 2) + SCENES[name.removesuffix(" *")].caption)
    out.append(f"(* default scene; run one: python -m engine run --scene {DEFAULT_SCENE})")
    sys.stdout.write("\n".join(out) + "\n")
    return 0

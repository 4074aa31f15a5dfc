"""The headless command line: ``python -m engine run | scenes | trace | bench``.

Each subcommand is one module with ``add_parser(subparsers)`` and ``main(args) -> int``.
Exit codes: 0 done, 1 the user's script (or scene) raised, 2 a usage mistake (missing file,
unknown scene, unreadable trace, no GPU): always one line on stderr, never a traceback; a
script's own ``sys.exit(n)`` gives n, a ``KeyboardInterrupt`` 130. Output into a pipe closed
early (``| head``) ends the command quietly, exit code 141 (as a shell reports SIGPIPE).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from engine.cli import api, bench, run, scenes, trace
from engine.cli.common import OneLineParser, UsageError, closed_pipe, fail

__all__ = ["main", "build_parser"]

COMMANDS = (run, scenes, trace, bench, api)


def build_parser() -> argparse.ArgumentParser:
    """The parser of ``python -m engine`` with one subparser per command module."""
    parser = OneLineParser(
        prog="python -m engine",
        description="cgviz's engine, headless: run lecture scenes and "
        "scripts, print per-device timings, export traces.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=OneLineParser)
    for module in COMMANDS:
        module.add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Parse ``argv`` (default: ``sys.argv[1:]``), run the command; returns the exit code."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        if args.command is None:
            parser.print_help(sys.stderr)
            return 2
        code: int = args.handler(args)
        return code
    except UsageError as e:
        return fail(str(e), e.code)
    except KeyboardInterrupt:
        return fail("interrupted", 130)
    except BrokenPipeError:
        return closed_pipe()

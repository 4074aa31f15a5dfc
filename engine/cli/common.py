"""What every subcommand shares: one-line usage errors and stderr notes."""

from __future__ import annotations

import argparse
import os
import sys
from typing import NoReturn

from engine.trace_text import safe_text

CLOSED_PIPE = 141
"""The exit code of output cut short by a closed pipe (128 + SIGPIPE, as a shell says)."""


class UsageError(Exception):
    """A mistake in what the user asked for: reported in one line, exit code ``code``."""

    def __init__(self, message: str, code: int = 2) -> None:
        super().__init__(message)
        self.code = code


class OneLineParser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line naming the problem (no usage dump)."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see: {self.prog} --help)")


def note(message: str) -> None:
    """A line for the user on stderr, prefixed like every cgviz message (made safe to show:
    it may quote a trace or a script)."""
    print(f"cgviz: {safe_text(message, multiline=True)}", file=sys.stderr, flush=True)


def fail(message: str, code: int = 2) -> int:
    """Report a problem in one line on stderr; returns ``code`` for ``sys.exit``."""
    try:
        note(f"error: {message}")
    except BrokenPipeError:
        return closed_pipe()
    return code


def closed_pipe() -> int:
    """Output went to a pipe its reader closed (``| head``): stop quietly.

    Points stdout and stderr at the null device, so the interpreter's last flush at exit
    finds nothing to complain about; returns :data:`CLOSED_PIPE`.
    """
    devnull = os.open(os.devnull, os.O_WRONLY)
    for stream in (sys.stdout, sys.stderr):
        try:
            os.dup2(devnull, stream.fileno())
        except (OSError, ValueError, AttributeError):  # replaced or closed streams (tests)
            pass
    os.close(devnull)
    return CLOSED_PIPE


def positive_int(text: str) -> int:
    """argparse type: an integer >= 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} is not at least 1")
    return value

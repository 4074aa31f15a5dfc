"""What every subcommand shares: one-line usage errors and stderr notes."""

from __future__ import annotations

import argparse
import sys
from typing import NoReturn


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
    """A line for the user on stderr, prefixed like every cgviz message."""
    print(f"cgviz: {message}", file=sys.stderr, flush=True)


def fail(message: str, code: int = 2) -> int:
    """Report a problem in one line on stderr; returns ``code`` for ``sys.exit``."""
    note(f"error: {message}")
    return code


def positive_int(text: str) -> int:
    """argparse type: an integer >= 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} is not at least 1")
    return value

"""``python -m engine trace FILE.jsonl``: the per-device tables of a recorded trace.

Record on one machine (``run ... --trace run.jsonl`` on a GPU server), read anywhere; with
``--chrome-trace out.json`` also convert it for Perfetto.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from engine.cli.common import UsageError, note
from engine.cli.stats import Stats, format_tables
from engine.events import TraceError
from engine.trace_read import TraceReader
from engine.trace_text import safe_text


def add_parser(sub: Any) -> None:
    """Register the ``trace`` subcommand."""
    p = sub.add_parser(
        "trace",
        help="summarise a recorded trace file (and convert it)",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("file", help="a trace written by run --trace")
    p.add_argument("--chrome-trace", metavar="OUT.json", help="also write a Chrome/Perfetto trace")
    p.set_defaults(handler=main)


def main(args: argparse.Namespace) -> int:
    """Read the trace as a stream, print its tables; returns 0 (bad files raise UsageError).

    A recording that was cut short is read up to its last whole event, and a note says so.
    """
    try:
        with TraceReader(args.file) as reader:
            header = reader.header
            stats = Stats(str(header.get("device") or "cpu"))
            for event in reader:
                stats(event)
            if reader.warning:
                note(f"warning: {reader.warning}")
            if args.chrome_trace:
                _chrome(reader, args.chrome_trace)
    except TraceError as e:
        raise UsageError(str(e)) from None
    what = header.get("scene") or header.get("script") or "?"
    sys.stdout.write(
        safe_text(
            f"trace of {what} on {header.get('device', '?')}, recorded "
            f"{header.get('created', '?')} on {header.get('host', '?')}: "
            f"{stats.events} events"
        )
        + "\n"
    )
    sys.stdout.write(format_tables(stats) + "\n")
    if args.chrome_trace:
        note(f"Chrome trace written to {args.chrome_trace}")
    return 0


def _chrome(reader: TraceReader, out: str) -> None:
    """Write the Chrome trace of a second pass over the file."""
    from engine.chrome import write_chrome_trace

    try:
        write_chrome_trace(reader, out)
    except OSError as e:
        raise UsageError(f"--chrome-trace {out}: {e.strerror or e}") from None

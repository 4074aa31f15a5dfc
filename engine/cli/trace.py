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
from engine.events import TraceError, read_trace


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
    """Read the trace, print its tables; returns 0 (bad files raise UsageError)."""
    try:
        header, events = read_trace(args.file)
    except TraceError as e:
        raise UsageError(str(e)) from None
    what = header.get("scene") or header.get("script") or "?"
    stats = Stats(str(header.get("device") or "cpu"))
    for event in events:
        stats(event)
    sys.stdout.write(
        f"trace of {what} on {header.get('device', '?')}, recorded "
        f"{header.get('created', '?')} on {header.get('host', '?')}: "
        f"{len(events)} events\n"
    )
    sys.stdout.write(format_tables(stats) + "\n")
    if args.chrome_trace:
        from engine.chrome import write_chrome_trace

        try:
            write_chrome_trace(events, args.chrome_trace)
        except OSError as e:
            raise UsageError(f"--chrome-trace {args.chrome_trace}: {e.strerror or e}") from None
        note(f"Chrome trace written to {args.chrome_trace}")
    return 0

"""``python -m engine run``: run a script or a scene headless and print per-device timings.

    python -m engine run SCRIPT.py [--device cpu|gpu] [--iterations N]
                                   [--trace out.jsonl] [--chrome-trace out.json]
    python -m engine run --scene NAME [--small] [--seed S] [...]

In a script, ``import torch`` and ``import tensorflow as tf`` resolve to ``engine.eager`` and
``engine.static`` for that script only (said on stderr). The tables go to stdout.
"""

from __future__ import annotations

import argparse
import os
import sys
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from engine.cli.common import UsageError, note, positive_int
from engine.cli.program import Program, exit_code, load_scene, load_script, script_ending
from engine.cli.stats import Stats, format_tables
from engine.events import STREAM, Event, Stopped, TraceWriter
from engine.trace_text import safe_text


def add_parser(sub: Any) -> None:
    """Register the ``run`` subcommand."""
    p = sub.add_parser(
        "run",
        help="run a script or a built-in scene, print per-device timings",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("script", nargs="?", help="a Python script (import torch / tensorflow as usual)")
    p.add_argument("--scene", help="run a built-in lecture listing instead (see: scenes)")
    p.add_argument(
        "--device",
        choices=("cpu", "gpu"),
        default="cpu",
        help="where the lecture's device lines point (default: cpu)",
    )
    p.add_argument(
        "--iterations", type=positive_int, metavar="N", help="replace the main loop's bound with N"
    )
    p.add_argument("--small", action="store_true", help="scenes: tiny sizes (as the tests run)")
    p.add_argument("--seed", type=int, default=0, help="scenes: random seed (default 0)")
    p.add_argument("--trace", metavar="OUT.jsonl", help="record every event to a trace file")
    p.add_argument(
        "--chrome-trace", metavar="OUT.json", help="write a Chrome/Perfetto trace of the run"
    )
    p.set_defaults(handler=main)


def main(args: argparse.Namespace) -> int:
    """Run what ``args`` names; returns the exit code."""
    if bool(args.script) == bool(args.scene):
        raise UsageError("run needs a SCRIPT.py or --scene NAME (one of them)")
    if args.small and not args.scene:
        raise UsageError("--small applies to --scene only")
    _check_device(args.device)
    for option in ("trace", "chrome_trace"):
        if getattr(args, option):
            _check_writable(getattr(args, option), "--" + option.replace("_", "-"))
    if args.scene:
        program = load_scene(args.scene, args.device, args.iterations, args.small, args.seed)
    else:
        program = load_script(args.script, args.device, args.iterations)
    return execute(program, args.device, args.trace, args.chrome_trace)


def execute(program: Program, device: str, trace: str | None, chrome: str | None) -> int:
    """Run ``program`` with the stats subscriber (and trace writers); print the tables."""
    stats = Stats(device)
    events: list[Event] = []
    code = 0
    with ExitStack() as stack:
        stack.callback(STREAM.subscribe(stats))
        if chrome:
            stack.callback(STREAM.subscribe(events.append))
        if trace:
            writer = _open_trace(trace, program.header)
            stack.callback(writer.close)
            stack.callback(STREAM.subscribe(writer))
        try:
            program.run()
        except Stopped:
            note(f"{safe_text(program.label)}: interrupted")
            code = 130
        except BrokenPipeError:  # the script printed into a closed pipe (| head): stop quietly
            raise
        except BaseException as e:  # the script's own sys.exit(...), KeyboardInterrupt, error
            ending = script_ending(e, program)
            code = exit_code(e)
            if ending is not None:
                if STREAM.active:  # the trace says how the script ended
                    STREAM.emit("error", **ending)
                if "traceback" in ending:
                    sys.stderr.write(ending["traceback"])
                    note(f"{safe_text(program.label)} raised {ending['type']}")
                elif not isinstance(e, SystemExit) or not isinstance(e.code, int):
                    print(ending["message"], file=sys.stderr)
    if chrome:
        from engine.chrome import write_chrome_trace

        write_chrome_trace(events, chrome)
        note(f"Chrome trace written to {chrome} (open it in https://ui.perfetto.dev)")
    if trace:
        note(f"trace written to {trace} ({stats.events} events)")
    if stats.devices or stats.metrics or code == 0:
        sys.stdout.write(format_tables(stats) + "\n")
        sys.stdout.flush()
    return code


def _check_device(device: str) -> None:
    if device == "cpu":
        return
    from engine.devices import gpu_status

    ok, reason = gpu_status()
    if not ok:
        raise UsageError(f"--device gpu: no usable GPU on this machine: {reason}")


def _check_writable(path_text: str, option: str) -> None:
    """Fail before running when an output file cannot be written."""
    path = Path(path_text)
    if path.is_dir():
        raise UsageError(f"{option} {path_text}: is a directory")
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise UsageError(f"{option} {path_text}: no such folder {str(folder)!r}")
    if not os.access(folder, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise UsageError(f"{option} {path_text}: not writable")


def _open_trace(path: str, header: dict[str, Any]) -> TraceWriter:
    try:
        return TraceWriter(path, **header)
    except OSError as e:
        raise UsageError(f"--trace {path}: cannot write: {e.strerror or e}") from None

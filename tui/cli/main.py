"""The ``cgviz`` command line: parse, check everything a user can get wrong, then start the UI.

    cgviz [--scene NAME] [options]          a lecture scene, live (default: two-layer)
    cgviz scenes [--lang ko]                the scenes, in lecture order
    cgviz run SCRIPT.py [options]           your own script (import torch / tensorflow)
    cgviz replay TRACE.jsonl [options]      a recorded run, no engine (--trace is an alias)
    cgviz export-cast TRACE OUT.cast        an asciicast v2 recording of a replay, headless
    cgviz layout [--scene NAME] [--json]    the graphs as the panes lay them out (tests, tools)
    cgviz serve [-- cgviz options]          the app in a browser (textual-serve)
    cgviz bench [...] | bench --view R.json the engine's benchmark / its saved results

Every user mistake (unknown scene, missing or non-Python script, unreadable trace, no GPU,
unwritable output) is one line on stderr and exit code 2, before the UI starts.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

from tui.engine_link.runner import SPEEDS
from tui.i18n import LANGS

__all__ = ["main", "run_cli"]

DEFAULT_SCENE = "two-layer"
COMMANDS = ("scenes", "run", "replay", "export-cast", "serve", "bench", "layout")


class CliError(Exception):
    """A user mistake: one line, exit ``code``."""

    def __init__(self, message: str, code: int = 2) -> None:
        super().__init__(message)
        self.code = code


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise CliError(f"{message} (see: {self.prog} --help)")


def _view_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--theme",
        default=None,
        help="cgviz-dark, cgviz-light, projector, colorblind, or a Textual theme",
    )
    p.add_argument("--lang", default="en", choices=LANGS, help="captions in English or Korean")
    p.add_argument(
        "--present",
        action="store_true",
        help="presentation mode: projector theme, big cues, side panels hidden",
    )
    p.add_argument("--speed", default="lecture", choices=[n for n, _ in SPEEDS])
    p.add_argument(
        "--chrome-trace",
        metavar="OUT.json",
        default=None,
        help="write a Chrome/Perfetto trace (one process per device)",
    )
    p.add_argument(
        "--bench",
        metavar="FILE",
        default=None,
        help="benchmark results for the bench screen (b; default: the newest "
        "that cgviz bench saved)",
    )


def _live_options(p: argparse.ArgumentParser) -> None:
    _view_options(p)
    p.add_argument(
        "--device",
        default="auto",
        choices=("auto", "cpu", "gpu"),
        help="auto (default): the GPU where one works, else the CPU",
    )
    p.add_argument("--iterations", type=int, default=None, help="iterations to run")
    p.add_argument(
        "--race",
        action="store_true",
        help="race: both sides at full speed on the same device, who is ahead (key R)",
    )
    p.add_argument(
        "--record",
        metavar="OUT.jsonl",
        default=None,
        help="record every event to a trace (replay it with: cgviz replay)",
    )


def build_parsers() -> dict[str, argparse.ArgumentParser]:
    """One parser per command ("" is the live scene)."""
    live = _Parser(
        prog="cgviz",
        description="Static graphs vs eager loops, live, with "
        "per-device timings. Commands: " + ", ".join(COMMANDS) + " (cgviz COMMAND -h).",
    )
    live.add_argument("--scene", default=DEFAULT_SCENE, help="scene to open (see: cgviz scenes)")
    live.add_argument("--trace", metavar="FILE", default=None, help="same as: cgviz replay FILE")
    _live_options(live)
    scenes = _Parser(prog="cgviz scenes", description="The lecture's scenes, in order.")
    scenes.add_argument("--lang", default="en", choices=LANGS)
    scenes.add_argument("--no-captions", action="store_true", help="names and titles only")
    run = _Parser(
        prog="cgviz run",
        description="Visualise your own script: `import torch` "
        "and `import tensorflow as tf` resolve to the engine for it.",
    )
    run.add_argument("script", help="a Python script")
    _live_options(run)
    replay = _Parser(
        prog="cgviz replay",
        description="Replay a recorded trace: no engine, the "
        "recorded timings and device, step both ways, markers.",
    )
    replay.add_argument(
        "trace", help="a trace written by --record (or python -m engine run --trace)"
    )
    replay.add_argument(
        "--pause-on-markers",
        action="store_true",
        help="pause at every phase marker (graph built, forward, backward...)",
    )
    _view_options(replay)
    cast = _Parser(
        prog="cgviz export-cast",
        description="Write an asciicast v2 recording of "
        "a replay, made headless (play it with asciinema play or the web player).",
    )
    cast.add_argument("trace")
    cast.add_argument("out")
    cast.add_argument("--size", default="160x48", help="COLSxROWS (default 160x48)")
    cast.add_argument(
        "--speed",
        type=float,
        default=1.0,
        help="times the lecture pace (0.2 s a node at 1; default 1)",
    )
    cast.add_argument("--fps", type=float, default=10.0, help="frames per second (default 10)")
    cast.add_argument("--theme", default=None)
    cast.add_argument("--lang", default="en", choices=LANGS)
    cast.add_argument("--present", action="store_true")
    serve = _Parser(
        prog="cgviz serve",
        description="Serve cgviz in a browser (needs textual-serve). Options after -- go to cgviz.",
    )
    serve.add_argument("--host", default="localhost")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("rest", nargs=argparse.REMAINDER)
    return {
        "": live,
        "scenes": scenes,
        "run": run,
        "replay": replay,
        "export-cast": cast,
        "serve": serve,
    }


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point of ``cgviz``: exits with the command's code."""
    sys.exit(run_cli(list(sys.argv[1:] if argv is None else argv)))


def run_cli(argv: list[str]) -> int:
    """Run a cgviz command line; returns the exit code (user mistakes: one line, 2; ``cgviz
    run``: the script's own, see :func:`_live`). Output into a closed pipe (``cgviz scenes |
    head -1``) ends quietly with 141, as a shell reports a command killed by SIGPIPE."""
    try:
        code = _command(argv)
        sys.stdout.flush()  # a closed pipe shows here, not as a traceback at exit
    except BrokenPipeError:
        _silence()
        return 141
    return code


def _silence() -> None:
    """Point stdout and stderr at the null device: what is still buffered, and Python's own
    flush at exit, go nowhere instead of failing again."""
    null = os.open(os.devnull, os.O_WRONLY)
    try:
        for stream in (sys.stdout, sys.stderr):
            try:
                fd = stream.fileno()
            except (AttributeError, OSError, ValueError):  # not a file (a test's capture)
                continue
            os.dup2(null, fd)
    finally:
        os.close(null)


def _command(argv: list[str]) -> int:
    try:
        command = argv[0] if argv and argv[0] in COMMANDS else ""
        rest = argv[1:] if command else argv
        if command == "bench":
            from tui.cli.bench import bench_command

            return bench_command(rest)
        if command == "layout":
            from tui.cli.layout import layout_command

            return layout_command(rest)
        args = build_parsers()[command].parse_args(rest)
        handler = {
            "": _live,
            "scenes": _scenes,
            "run": _live,
            "replay": _replay,
            "export-cast": _export_cast,
            "serve": _serve,
        }[command]
        return int(handler(args) or 0)
    except CliError as e:
        return _fail(str(e), e.code)
    except KeyboardInterrupt:
        return _fail("interrupted", 130)


def _fail(message: str, code: int = 2) -> int:
    print(f"cgviz: error: {message}", file=sys.stderr, flush=True)
    return code


def _note(message: str) -> None:
    print(f"cgviz: {message}", file=sys.stderr, flush=True)


# ------------------------------------------------------------------ checks


def _writable(path_text: str | None, option: str) -> None:
    if not path_text:
        return
    path = Path(path_text)
    folder = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise CliError(f"{option} {path_text}: is a directory")
    if not folder.is_dir():
        raise CliError(f"{option} {path_text}: no such folder {str(folder)!r}")
    if not os.access(folder, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise CliError(f"{option} {path_text}: not writable")


def _device(device: str) -> str:
    """The device to run on: "auto" is the GPU where one works (a module lookup when cupy is
    not installed, so start-up stays fast), else the CPU; "gpu" must work."""
    if device == "cpu":
        return device
    from tui.engine_link import gpu_status

    ok, reason = gpu_status()
    if device == "auto":
        return "gpu" if ok else "cpu"
    if not ok:
        raise CliError(f"--device gpu: no usable GPU on this machine: {reason}")
    return device


def _load_recording(path: str) -> Any:
    from tui.engine_link import TraceError
    from tui.replay.load import load_recording

    try:
        return load_recording(path)
    except TraceError as e:
        raise CliError(str(e)) from None


def _theme(args: argparse.Namespace) -> str:
    if args.theme:
        return str(args.theme)
    return "projector" if args.present else "cgviz-dark"


# ------------------------------------------------------------------ commands


def _scenes(args: argparse.Namespace) -> int:
    from tui.engine_link import load_scenes
    from tui.view.lecture import format_scene_list

    scenes, problem = load_scenes()
    if not scenes:
        raise CliError(problem or "no scenes")
    sys.stdout.write(
        format_scene_list(scenes, DEFAULT_SCENE, args.lang, captions=not args.no_captions) + "\n"
    )
    return 0


def _live(args: argparse.Namespace) -> int:
    if getattr(args, "trace", None):
        args.pause_on_markers = False
        return _replay(args)
    _writable(args.record, "--record")
    _writable(args.chrome_trace, "--chrome-trace")
    if args.iterations is not None and args.iterations < 1:
        raise CliError(f"--iterations {args.iterations}: must be at least 1")
    args.device = _device(args.device)
    from tui.engine_link import load_scenes

    scenes, problem = load_scenes()
    script = getattr(args, "script", None)
    if script:
        from tui.engine_link import UsageError
        from tui.engine_link.script import load_script_scene

        try:
            scene = load_script_scene(script, args.device, args.iterations, args.lang)
        except UsageError as e:
            raise CliError(str(e)) from None
        scenes = {scene.name: scene}
        name = scene.name
    else:
        name = args.scene
        if not scenes:
            raise CliError(problem or "no scenes")
        if name not in scenes:
            raise CliError(
                f"unknown scene {name!r}; scenes: {', '.join(scenes)} (list them: cgviz scenes)"
            )
    from tui.app.cgviz_app import make_app

    app = make_app(
        scene=name,
        device=args.device,
        theme=_theme(args),
        iterations=args.iterations,
        speed=args.speed,
        scenes=scenes,
        lang=args.lang,
        present=args.present,
        bench=args.bench,
        race=args.race,
        freeze_gc=True,
    )
    recorder = None
    if args.record or args.chrome_trace:
        from tui.engine_link import device_info
        from tui.engine_link.recorder import Recorder, recording_header

        facts = {d: device_info(d) for d in ("cpu", "gpu")}
        header = recording_header(
            args.device, facts, scene=name, paced=dict(SPEEDS)[args.speed] > 0
        )
        recorder = Recorder(app.runner, args.record, args.chrome_trace, header)
    try:
        app.run()
    finally:
        if recorder is not None:
            for line in recorder.close():
                _note(line)
    return (app.state.exit_code or 0) if script else 0


def _replay(args: argparse.Namespace) -> int:
    recording = _load_recording(args.trace)
    if args.chrome_trace:
        _writable(args.chrome_trace, "--chrome-trace")
        from tui.engine_link import TraceError
        from tui.engine_link.recorder import write_chrome

        try:
            write_chrome(recording.events, args.chrome_trace)  # a pass of its own
        except TraceError as e:
            raise CliError(str(e)) from None
        _note(f"Chrome trace written to {args.chrome_trace}")
    from tui.app.cgviz_app import make_replay_app

    app = make_replay_app(
        recording,
        theme=_theme(args),
        speed=args.speed,
        lang=args.lang,
        bench=args.bench,
        present=args.present,
        pause_on_markers=args.pause_on_markers,
        freeze_gc=True,
    )
    player = app.player
    assert player is not None
    # the trace is read as the replay goes: a bad line further on ends it with that line
    player.on_failure = lambda line: app.exit(return_code=2)
    try:
        app.run()
    finally:
        recording.close()
    if player.failure:
        raise CliError(player.failure)
    return 0


def _size(text: str) -> tuple[int, int]:
    try:
        cols, rows = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise CliError(f"--size {text!r}: expected COLSxROWS, e.g. 160x48") from None
    if not (40 <= cols <= 400 and 12 <= rows <= 200):
        raise CliError(f"--size {text}: between 40x12 and 400x200, please")
    return cols, rows


def _export_cast(args: argparse.Namespace) -> int:
    size = _size(args.size)
    if not args.speed > 0 or not args.fps > 0:
        raise CliError("--speed and --fps must be positive")
    _writable(args.out, "export-cast OUT")
    recording = _load_recording(args.trace)
    from tui.engine_link import TraceError
    from tui.replay.cast import export_cast

    try:
        info = export_cast(
            recording,
            args.out,
            size=size,
            speed=args.speed,
            fps=args.fps,
            theme=_theme(args),
            lang=args.lang,
            present=args.present,
        )
    except TraceError as e:  # a bad line further on (the trace is read as the cast is made)
        raise CliError(str(e)) from None
    finally:
        recording.close()
    _note(
        f"cast written to {args.out}: {info['frames']} frames, {info['markers']} markers, "
        f"{info['duration']:.1f} s (play: asciinema play {args.out})"
    )
    return 0


def _serve(args: argparse.Namespace) -> int:
    from tui.cli.serve import serve

    rest = [a for a in args.rest if a != "--"]
    return serve(args.host, args.port, rest)


if __name__ == "__main__":
    main()

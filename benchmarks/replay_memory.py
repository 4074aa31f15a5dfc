"""A trace of 10^6 events through every reader: first replay frame, peak memory, CPU time.

    python benchmarks/replay_memory.py [--events 1000000] [--trace PATH] [--play]
                                       [--only replay,trace,cast] [--cast-speed 1000]

The trace is a real recording: ``python -m engine run --scene two-layer --small
--iterations N --trace PATH`` with N chosen to give ``--events`` events (a short run first
says how many events an iteration sends); it is written once and reused (``--trace``; by
default in the temporary directory). Each reader then runs in a process of its own, and the
figures come from that process (``os.wait4``: peak resident set size, user + system CPU
seconds) and from the wall clock of this one:

* ``replay``: the replay app headless (``App.run_test``, 160x48, lecture speed), timed to its
  first frame (the first event folded and drawn); the same for a small trace (20 iterations)
  first, the baseline: what starting Python and the app costs. With ``--play`` it then seeks
  through the whole trace and back (steps back at every 50,000 events), so the peak covers a
  replay played to its end.
* ``engine trace``: ``python -m engine trace PATH``, its tables to /dev/null.
* ``export-cast``: ``cgviz export-cast PATH OUT --speed S`` with its stderr on a
  pseudo-terminal, so its progress line is drawn (counted: the updates seen).

Wall times depend on the machine's load (printed with ``uptime``); peak RSS and CPU seconds
do much less.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import pty
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run from a checkout


def _events_per_iteration() -> float:
    """Events one iteration of the small two-layer scene sends (both sides), from a short
    recording."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "probe.jsonl"
        _record(path, 200)
        with path.open("rb") as f:
            lines = sum(1 for _ in f) - 2  # the header, the closing line
    return lines / 200


def _record(path: Path, iterations: int) -> None:
    cmd = [sys.executable, "-m", "engine", "run", "--scene", "two-layer", "--small"]
    cmd += ["--iterations", str(iterations), "--trace", str(path)]
    subprocess.run(cmd, cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def make_trace(path: Path, events: int) -> int:
    """Record the trace (unless ``path`` holds one of about that many events); its events."""
    if path.exists():
        with path.open("rb") as f:
            last = f.seek(0, 2)
            f.seek(max(0, last - 200))
            tail = f.read().splitlines()[-1]
        if b'"end"' not in tail:  # a recording cut short, given as it is
            with path.open("rb") as f:
                return sum(1 for _ in f) - 1
        counted = int(json.loads(tail).get("events", 0))
        if counted >= events:
            return counted
    per = _events_per_iteration()
    iterations = int(events / per * 1.01) + 1  # the scene's set-up counts in the probe's mean
    print(f"recording {iterations:,} iterations ({per:.1f} events each) into {path}", flush=True)
    _record(path, iterations)
    with path.open("rb") as f:
        f.seek(max(0, path.stat().st_size - 200))
        return int(json.loads(f.read().splitlines()[-1])["events"])


# ---------------------------------------------------------------- measuring a child


def measure(cmd: list[str], *, stdout: Any = subprocess.PIPE, stderr: Any = None) -> dict[str, Any]:
    """Run ``cmd``; its exit code, wall seconds, CPU seconds, peak RSS (MB) and stdout."""
    t0 = time.monotonic()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=stdout, stderr=stderr)
    out = proc.stdout.read() if proc.stdout is not None else b""
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return {
        "code": proc.returncode,
        "wall_s": time.monotonic() - t0,
        "cpu_s": usage.ru_utime + usage.ru_stime,
        "peak_mb": usage.ru_maxrss / 1024,
        "out": out.decode("utf-8", "replace"),
    }


def _replay_child(path: str, play: bool) -> None:
    """In the child: the replay app headless; prints one JSON line per milestone."""
    from tui.app.cgviz_app import make_replay_app
    from tui.replay.load import load_recording

    def say(what: str, **more: Any) -> None:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        line = {"at": what, "cpu_s": usage.ru_utime + usage.ru_stime}
        line |= {"rss_mb": usage.ru_maxrss / 1024, **more}
        print(json.dumps(line), flush=True)

    recording = load_recording(path)
    app = make_replay_app(recording, speed="lecture")
    player = app.player
    assert player is not None

    async def run() -> None:
        async with app.run_test(size=(160, 48)) as pilot:
            while player.pos == 0:
                await pilot.pause(0.01)
            app.drain()
            await pilot.pause()
            say("first frame", pos=player.pos, total=len(player.events))
            if not play:
                return
            player.pause()
            t0 = time.process_time()
            target = 0
            while not player.finished:
                target += 50_000
                player.seek(target)
                player.step(-1)  # back across the window's edge, then on
                player.step(-1)
                player.seek(target)
                app.drain()
                await pilot.pause()
            say(
                "played to the end",
                pos=player.pos,
                play_cpu_s=round(time.process_time() - t0, 2),
                decoded=getattr(player.events, "decoded", None),
                saved_kb=getattr(player, "saved_bytes", 0) // 1024,
            )
            back = time.process_time()
            player.seek(player.pos // 2)
            player.step(-1)
            app.drain()
            await pilot.pause()
            say(
                "back to the middle",
                pos=player.pos,
                seek_cpu_s=round(time.process_time() - back, 3),
            )

    asyncio.run(run())


def replay(path: Path, play: bool) -> None:
    cmd = [sys.executable, __file__, "--child-replay", str(path)] + (["--play"] if play else [])
    t0 = time.monotonic()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE)
    assert proc.stdout is not None
    for raw in proc.stdout:
        line = json.loads(raw)
        wall = time.monotonic() - t0
        more = {k: v for k, v in line.items() if k not in ("at", "cpu_s", "rss_mb")}
        print(
            f"  replay {line['at']:<20} wall {wall:6.2f} s  cpu {line['cpu_s']:6.2f} s  "
            f"peak {line['rss_mb']:6.1f} MB  {more}",
            flush=True,
        )
    _, status, usage = os.wait4(proc.pid, 0)
    print(
        f"  replay: exit {os.waitstatus_to_exitcode(status)}, wall {time.monotonic() - t0:.1f} s, "
        f"cpu {usage.ru_utime + usage.ru_stime:.1f} s, peak {usage.ru_maxrss / 1024:.1f} MB"
    )


def engine_trace(path: Path) -> None:
    cmd = [sys.executable, "-m", "engine", "trace", str(path)]
    r = measure(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    print(
        f"  engine trace: exit {r['code']}, wall {r['wall_s']:.1f} s, cpu {r['cpu_s']:.1f} s, "
        f"peak {r['peak_mb']:.1f} MB"
    )


def export_cast(path: Path, speed: float) -> None:
    out = path.with_suffix(".cast")
    master, slave = pty.openpty()
    cmd = [sys.executable, "-m", "tui.cli.main", "export-cast", str(path), str(out)]
    cmd += ["--speed", str(speed)]
    seen = bytearray()
    t0 = time.monotonic()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=slave)
    os.close(slave)
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the child closed its end
            break
        if not chunk:
            break
        seen += chunk
    os.close(master)
    _, status, usage = os.wait4(proc.pid, 0)
    text = seen.decode("utf-8", "replace")
    updates = text.count("\r")
    last = text.split("\r")[-1].strip().splitlines()
    size = out.stat().st_size if out.exists() else 0
    print(
        f"  export-cast --speed {speed:g}: exit {os.waitstatus_to_exitcode(status)}, "
        f"wall {time.monotonic() - t0:.1f} s, cpu {usage.ru_utime + usage.ru_stime:.1f} s, "
        f"peak {usage.ru_maxrss / 1024:.1f} MB, {updates} progress updates, "
        f"cast {size / 1e6:.1f} MB"
    )
    for line in last[-3:]:
        print(f"    stderr: {line}")
    out.unlink(missing_ok=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--trace", default=None, help="where the trace is (written if absent)")
    parser.add_argument("--play", action="store_true", help="replay: also play to the end")
    parser.add_argument("--only", default="replay,trace,cast")
    parser.add_argument("--cast-speed", type=float, default=1000.0)
    parser.add_argument("--child-replay", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_replay:
        _replay_child(args.child_replay, args.play)
        return
    path = Path(args.trace or Path(tempfile.gettempdir()) / f"cgviz-{args.events}.jsonl")
    events = make_trace(path, args.events)
    print(f"trace {path}: {events:,} events, {path.stat().st_size / 1e6:.0f} MB")
    one, five, _ = os.getloadavg()
    print(f"load: {one:.2f} {five:.2f} (1 and 5 min), {os.cpu_count()} cores")
    only = set(args.only.split(","))
    if "replay" in only:
        small = path.with_name(f"{path.stem}-small.jsonl")
        if not small.exists():
            _record(small, 20)
        print(f"replay of a small trace ({small.stat().st_size / 1e3:.0f} kB), the baseline:")
        replay(small, False)
        print("replay of the trace:")
        replay(path, args.play)
    if "trace" in only:
        engine_trace(path)
    if "cast" in only:
        export_cast(path, args.cast_speed)
    print(f"load after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()

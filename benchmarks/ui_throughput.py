"""Throughput with the UI attached at full speed against the engine headless, per side.

    python benchmarks/ui_throughput.py [--scene two-layer] [--iterations 2000] [--repeat 3]

For each repeat, interleaved: (1) **headless**: the scene runs as the app runs it, without the
app: one fresh engine process per side the scene can run at once (the default scene: the static
and the eager side in two processes at the same time, as the app's PairRunner does; a one-sided
scene: one process), BLAS on one thread, each with one subscriber that asks for the least
(per-op totals, no node events), and also runs the scene **bare**, with nobody listening (a
short job before and a full one after: the difference of the two is the time and CPU of the
extra iterations, start-up cancelled out), so the line also says what a headless run costs that
emits no event at all; (2) **ui**: the app runs headless (``App.run_test``) at full speed with its
engine processes, left alone while it runs (a pilot's pause would message every widget and
force a redraw twenty times a second); (3) **headless again**, as (1). The UI's ratio is its
rate over the geometric mean of the two headless rates around it; the line also gives the
second headless rate over the first: the same code measured twice, seconds apart, so that
ratio is what the machine alone moves a run by (on a shared 2-core VM at load 3-8 it spanned
0.76-2.31 in six rounds: there one run says nothing, the medians and spreads of both ratios side
by side do). Each side's rate is iterations per second of engine time: from its first
``iteration_started`` to its last ``iteration_finished`` (the engine's own clock, ``t_ns``), so
start-up is not counted. The UI's figure reads the events the engine processes sent (a tap on
the runner), which include the summaries of iterations the UI skimmed (packed into ``units``
events: unpacked here). The static side runs all its iterations while both engine processes
and the UI share the two cores; the eager side, twice as slow per iteration, runs its second
half beside the UI alone (in the headless run, beside the static side's last bare job): its
ratio comes out above the static side's.

Wall rates on a shared 2-core machine swing with its load, so each run also reports CPU time,
which does not: each engine process's CPU milliseconds per iteration over its job (imports
done before; the headless processes time themselves, the app's are read from /proc), and the
UI process's own CPU (the app, its frames and the receiving threads) per iteration of the
two sides together and as a share of one core. Prints one line per run and side and the
medians: a wall ratio of 1.00 and equal engine CPU per iteration mean the UI costs the engine
nothing; what the UI process spends is taken from the cores the engines share with it.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run from a checkout

_HEADLESS = """
import json, sys, time
import engine.cli.program, engine.eager, engine.scenes, engine.static
from engine.events import STREAM
from tui.engine_link.child import Job
scene, n, side = sys.argv[1], int(sys.argv[2]), sys.argv[3] or None
def bare(k):  # nobody listens: (iterations, cpu s, wall s)
    cpu, wall = time.process_time(), time.perf_counter()
    Job(scene=scene, iterations=k, side=side).__call__()
    return k, time.process_time() - cpu, time.perf_counter() - wall
bare(max(1, n // 10))  # warm: first BLAS calls, the engine's caches (not measured)
short = bare(max(1, n // 10))
marks = []
def keep(e, marks=marks, kinds=("iteration_started", "iteration_finished")):
    if e["kind"] in kinds:  # (only the marks are kept: a list of every event taxes the GC)
        marks.append((e["kind"], e.get("mode"), e["t_ns"]))
undo = STREAM.subscribe(keep)
STREAM.want(keep, "totals")  # per-op totals, no node events: the engine's least
cpu = time.process_time()
Job(scene=scene, iterations=n, side=side).__call__()
cpu = time.process_time() - cpu
undo()
full = bare(n)  # (the two bare jobs bracket the watched one)
print(json.dumps([cpu, marks, [short, full]]))
"""

MODES = ("static", "eager")


def rate(n: int, span_ns: int) -> float:
    """Iterations per second."""
    return n / (span_ns / 1e9) if span_ns else 0.0


def rates(marks: list[tuple[str, str, int]]) -> dict[str, float]:
    """Iterations per second of each side, from (kind, mode, t_ns) marks."""
    out = {}
    for mode in MODES:
        ts = [t for k, m, t in marks if m == mode]
        n = sum(k == "iteration_finished" and m == mode for k, m, _ in marks)
        if n:
            out[mode] = rate(n, ts[-1] - ts[0])
    return out


def sides(scene: str) -> tuple[str, ...]:
    """The sides the app runs at once for ``scene`` (one process each), or ("",) for one."""
    from engine.scenes import get_scene

    functions = getattr(get_scene(scene), "side_functions", None) or ()
    return tuple(side for side, _ in functions) or ("",)


def proc_cpu(pid: int) -> float:
    """CPU seconds (user + system) process ``pid`` has used so far (Linux /proc)."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Result:
    """One run's figures: per side, iterations per second and the engine's CPU ms per
    iteration; the UI process's CPU seconds and wall seconds (0 headless)."""

    def __init__(self) -> None:
        self.rates: dict[str, float] = {}
        self.cpu_ms: dict[str, float] = {}
        """Side -> engine process CPU milliseconds per iteration."""
        self.bare_rates: dict[str, float] = {}
        """Headless, nobody listening: side -> iterations per second (wall)."""
        self.bare_cpu_ms: dict[str, float] = {}
        """Headless, nobody listening: side -> CPU milliseconds per iteration."""
        self.iterations: dict[str, int] = {}
        self.ui_cpu = 0.0
        self.wall = 0.0


def headless(scene: str, iterations: int) -> Result:
    """The scene without the app: one fresh engine process per side, all at the same time."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        env.setdefault(name, "1")
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _HEADLESS, scene, str(iterations), side],
            env=env,
            stdout=subprocess.PIPE,
            text=True,
        )
        for side in sides(scene)
    ]
    result = Result()
    marks: list[tuple[str, str, int]] = []
    for proc in procs:
        out, _ = proc.communicate()
        if proc.returncode:
            raise SystemExit(f"headless run of {scene!r} failed (exit {proc.returncode})")
        cpu, side_marks, bare = json.loads(out.strip().splitlines()[-1])
        side_marks = [tuple(m) for m in side_marks]
        (k0, cpu0, wall0), (k1, cpu1, wall1) = bare
        marks += side_marks
        counted = {m for k, m, _ in side_marks if k == "iteration_finished"}
        for mode in counted:  # a process runs one side (or, one-sided, the scene's modes)
            n = sum(k == "iteration_finished" and m == mode for k, m, _ in side_marks)
            result.iterations[mode] = n
            result.cpu_ms[mode] = (
                cpu * 1e3 / sum(k == "iteration_finished" for k, _, _ in side_marks)
            )
            every = sum(k == "iteration_finished" for k, _, _ in side_marks) / iterations
            mine = n / iterations  # (of this mode, per iteration of the job)
            result.bare_rates[mode] = (k1 - k0) * mine / max(wall1 - wall0, 1e-9)
            result.bare_cpu_ms[mode] = (cpu1 - cpu0) * 1e3 / ((k1 - k0) * every)
    result.rates = rates(marks)
    return result


async def _settled(pids: list[int]) -> None:
    """Wait until the engine processes have imported the engine (their CPU stops rising)."""
    last = [-1.0] * len(pids)
    while True:
        now = [proc_cpu(p) for p in pids]
        if now == last:
            return
        last = now
        await asyncio.sleep(0.3)


async def _ui(scene: str, iterations: int) -> Result:
    from engine.events import ROW_WIDTH, UNIT_ROWS
    from tui.app.cgviz_app import make_app

    app = make_app(
        scene=scene,
        iterations=iterations,
        speed="full",
        engine="process",
        autostart=False,
        gpu_status=lambda: (False, "benchmark"),
        device_info=lambda name: {"device": name, "name": "bench"},
    )
    marks: list[tuple[str, str, int]] = []
    kinds = ("iteration_started", "iteration_finished")
    marked = {code: kind for code, (kind, _, _) in enumerate(UNIT_ROWS) if kind in kinds}

    def tap(event: dict[str, Any]) -> None:
        kind = event.get("kind")
        if kind == "units":  # the skimmed units' summaries, packed (see engine.events.Units):
            rows, mode = event["rows"], event["mode"]  # their rows read as they are (this tap
            for i in range(0, len(rows), ROW_WIDTH):  # runs in the UI process it measures)
                code = rows[i]
                if code in marked:
                    marks.append((marked[code], mode, rows[i + 2]))
        elif kind in ("iteration_started", "iteration_finished"):
            marks.append((event["kind"], event.get("mode"), event["t_ns"]))

    try:  # a watching tap: a complete one (a recording) would stop the engine's skimming
        app.runner.subscribe(tap, complete=False)
    except TypeError:  # (a runner that cannot skim in the engine process)
        app.runner.subscribe(tap)
    result = Result()
    async with app.run_test(size=(160, 48)) as pilot:
        runner: Any = app.runner
        procs = {"one": runner.one, "other": runner.other}
        need = ("one", "other") if len(sides(scene)) == 2 else ("one",)
        loop = asyncio.get_running_loop()
        end = loop.time() + 60
        while any(procs[n]._child is None for n in need) and loop.time() < end:
            await pilot.pause(0.05)
        pids = {n: procs[n]._child.pid for n in need}
        await _settled(list(pids.values()))
        before = {n: proc_cpu(p) for n, p in pids.items()}
        ui0, wall0 = time.process_time(), time.perf_counter()
        app.start_run()
        end = loop.time() + 600
        while not (app.state.finished and not app.runner.running) and loop.time() < end:
            await asyncio.sleep(0.05)  # (pilot.pause would message every widget and redraw)
        result.ui_cpu, result.wall = time.process_time() - ui0, time.perf_counter() - wall0
        used = {n: proc_cpu(p) - before[n] for n, p in pids.items()}
    result.rates = rates(marks)
    for mode in MODES:
        result.iterations[mode] = sum(k == "iteration_finished" and m == mode for k, m, _ in marks)
    for name in need:
        tag = procs[name].tag
        counted = [m for m in MODES if tag in (m, None)]
        n = sum(result.iterations[m] for m in counted)
        for mode in counted:
            if n:
                result.cpu_ms[mode] = used[name] * 1e3 / n
    return result


def ui(scene: str, iterations: int) -> Result:
    """The app, headless, at full speed with its engine processes."""
    return asyncio.run(_ui(scene, iterations))


def main(argv: list[str] | None = None) -> int:
    """Run the comparison; prints per-run figures and the medians."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--scene", default="two-layer")
    p.add_argument("--iterations", type=int, default=2000)
    p.add_argument("--repeat", type=int, default=3)
    args = p.parse_args(argv)
    ratios: dict[str, list[float]] = {}
    bare_ratios: dict[str, list[float]] = {}
    cpu: dict[str, list[tuple[float, float, float]]] = {}
    ui_ms: list[float] = []
    ui_share: list[float] = []
    again: dict[str, list[float]] = {}
    for i in range(args.repeat):
        h = headless(args.scene, args.iterations)
        u = ui(args.scene, args.iterations)
        h2 = headless(args.scene, args.iterations)
        total = sum(u.iterations.values())
        ui_ms.append(u.ui_cpu * 1e3 / max(total, 1))
        ui_share.append(u.ui_cpu / max(u.wall, 1e-9))
        for mode in h.rates:
            hr = (h.rates[mode] * h2.rates.get(mode, h.rates[mode])) ** 0.5
            r = u.rates.get(mode, 0.0) / hr
            hh = h2.rates.get(mode, 0.0) / h.rates[mode]
            rb = u.rates.get(mode, 0.0) / h.bare_rates[mode]
            ratios.setdefault(mode, []).append(r)
            again.setdefault(mode, []).append(hh)
            bare_ratios.setdefault(mode, []).append(rb)
            hc, uc = h.cpu_ms.get(mode, 0.0), u.cpu_ms.get(mode, 0.0)
            bc = h.bare_cpu_ms[mode]
            cpu.setdefault(mode, []).append((hc, uc, bc))
            print(
                f"{args.scene} #{i} {mode:<6}: bare {h.bare_rates[mode]:7.1f} it/s {bc:6.3f} "
                f"cpu-ms/it  headless {h.rates[mode]:7.1f} it/s {hc:6.3f} cpu-ms/it  "
                f"ui {u.rates.get(mode, 0.0):7.1f} it/s {uc:6.3f} cpu-ms/it  "
                f"headless again {h2.rates.get(mode, 0.0):7.1f} it/s  "
                f"ratio {r:.2f} (to bare {rb:.2f}; headless again/headless {hh:.2f})"
            )
        print(
            f"{args.scene} #{i} ui process: {u.ui_cpu:.2f} cpu-s over {u.wall:.2f} s "
            f"({ui_share[-1]:.0%} of a core), {ui_ms[-1]:.3f} cpu-ms per iteration"
        )
    for mode, rs in ratios.items():
        hc = statistics.median(c[0] for c in cpu[mode])
        uc = statistics.median(c[1] for c in cpu[mode])
        bc = statistics.median(c[2] for c in cpu[mode])
        rb, hh = bare_ratios[mode], again[mode]
        print(
            f"{args.scene} {mode}: median ui/headless {statistics.median(rs):.2f} "
            f"(min {min(rs):.2f}, max {max(rs):.2f}), headless again/headless "
            f"{statistics.median(hh):.2f} (min {min(hh):.2f}, max {max(hh):.2f}), "
            f"ui/bare {statistics.median(rb):.2f} "
            f"(min {min(rb):.2f}, max {max(rb):.2f}); engine cpu-ms/it bare {bc:.3f} "
            f"headless {hc:.3f} ({hc / bc if bc else 0:.2f}x) ui {uc:.3f} "
            f"({uc / hc if hc else 0:.2f}x headless, {uc / bc if bc else 0:.2f}x bare)  "
            f"[{args.repeat} runs, {args.iterations} iterations]"
        )
    print(
        f"{args.scene} ui process: median {statistics.median(ui_ms):.3f} cpu-ms per iteration, "
        f"{statistics.median(ui_share):.0%} of a core"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

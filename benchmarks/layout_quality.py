"""How readable the graph layout is, over every scene's graphs, beside Graphviz ``dot``.

    python benchmarks/layout_quality.py [--scene NAME ...] [--way TB,full[,LANES]] [--repeat 5]
                                        [--rounds 15] [--random 1000] [--no-dot]

Each scene runs headless (small sizes, two iterations) with one subscriber keeping its events;
the events fold into the graphs the app would draw (the static graph and the last eager
iteration), each laid out folded (the pane's default: every name scope one box, a variable
one node, constants inside their consumer's label; see tui.drawing.fold) and unfolded
by the same code the static pane uses (``place_full`` + ``fit.draw``). Per graph and in total:

* ``cross``: edge crossings (edges with different sources and targets; see tui.drawing.quality);
* ``shared``: pairs of such edges that share cells other than at a clean crossing;
* ``bends``: mean turns per edge;
* ``straight``: chain edges (one-input ops in a row) drawn straight, of all chain edges (a
  line under the row names those that bend: source -> target, as node ids);
* ``size``: the drawing's width x height in cells;
* ``ms``: median layout time (placement and one drawing) of ``--repeat`` runs, in CPU time
  (the machine is shared: wall-clock time counts the other processes' turns);
* ``dot``: crossings of ``dot``'s drawing of the same nodes and edges (where Graphviz is on
  PATH; it is a benchmark-only tool), counted on its edge splines: pairs of curves that
  cross (ours count a cell where two edges cross once, as the reader sees one ``┼``).

The largest scene graph and the random DAG are then timed head to head with ``dot``: each
round lays the graph out once ours and once dot's (``--rounds``, 15 and 5 by default), so both
see the same load, and the best and the median of each are printed, with our time as a share
of dot's (dot's CPU time, its process start included). The best is the steadiest figure on a
shared machine; the median says what a user meets.

Eager graphs are laid out here with the static layout too (the eager pane itself places nodes
append-only as they arrive). ``--random N`` adds a random N-node DAG (seeded) to time the
layout on a large graph; its crossings and shared runs are also given for the other box
sizes and orientations (one-row boxes left to right pack tightest). Timings are CPU time
(this process's, dot's as a child process's); on a loaded machine they still vary a little:
compare ratios.
"""

from __future__ import annotations

import argparse
import random
import resource
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run from a checkout

from engine.events import recording  # noqa: E402
from engine.scenes import SCENES  # noqa: E402
from tui.drawing.fit import draw  # noqa: E402
from tui.drawing.fold import Folding, view_graph  # noqa: E402
from tui.drawing.plan import place_full  # noqa: E402
from tui.drawing.quality import chain_edges, measure, turns  # noqa: E402
from tui.view.state import ViewState  # noqa: E402

Nodes = list[tuple[Any, list[Any]]]


def scene_graphs(name: str) -> list[tuple[str, Nodes]]:
    """(label, nodes) of the graphs a scene draws, folded and unfolded (duplicates dropped)."""
    import contextlib
    import io

    scene = SCENES[name]
    state = ViewState(fake_timings=True)
    with recording() as events, contextlib.redirect_stdout(io.StringIO()):
        try:
            scene.run(iterations=2, small=True)
        except Exception as exc:  # a scene that fails still drew what it built
            print(f"  ({name}: {type(exc).__name__}: {exc})", file=sys.stderr)
    for ev in events:
        state.apply(ev)
    out: list[tuple[str, Nodes]] = []
    for mode in ("static", "eager"):
        graph = state.graphs.get(mode)
        if graph is None or not graph.nodes:
            continue
        seen: list[Nodes] = []
        for fold, folded in (("folded", Folding()), ("unfolded", Folding(unfold_all=True))):
            nodes = view_graph(graph, folded)[0]
            if nodes in seen:
                continue
            seen.append(nodes)
            out.append((f"{name}:{mode}:{fold}", nodes))
    return out


def random_dag(n: int, seed: int = 1) -> Nodes:
    """A seeded random DAG shaped like a program: 8% of the nodes are inputs or weights, the
    others ops that read one to three of the 25 values made just before them."""
    rng = random.Random(seed)
    nodes: Nodes = []
    for i in range(n):
        k = 0 if i < 3 or rng.random() < 0.08 else rng.choice((1, 1, 2, 2, 3))
        ins = sorted({rng.randrange(max(0, i - 25), i) for _ in range(k)}) if i else []
        nodes.append((i, ins))
    return nodes


def dot_source(nodes: Nodes) -> str:
    """The graph in dot's language, every node a box of one size."""
    ids = {nid: f"n{k}" for k, (nid, _) in enumerate(nodes)}
    lines = ["digraph G {", "node [shape=box, width=1.6, height=0.5, fixedsize=true];"]
    lines += [f"{ids[nid]};" for nid, _ in nodes]
    for nid, ins in nodes:
        for i in dict.fromkeys(ins):
            if i in ids and i != nid:
                lines.append(f"{ids[i]} -> {ids[nid]};")
    lines.append("}")
    return "\n".join(lines)


def run_dot(nodes: Nodes, dot: str) -> subprocess.CompletedProcess[str] | None:
    """dot's layout of the graph (``-Tplain``), or None if it failed or took over 2 min."""
    try:
        res = subprocess.run(
            [dot, "-Tplain"], input=dot_source(nodes), capture_output=True, text=True, timeout=120
        )
    except subprocess.TimeoutExpired:
        return None
    return None if res.returncode else res


def head_to_head(nodes: Nodes, way: Way, dot: str | None, rounds: int) -> tuple[Any, str]:
    """Our layout of the graph and ``16.9 ms best, 17.5 median of 15 (dot 26 / 29 ms: ours
    0.65 / 0.60 of it)``: CPU times of ``rounds`` rounds, each laying the graph out once ours,
    then once dot's (its process start included, a few ms), so both see the same load."""
    ours: list[float] = []
    theirs: list[float] = []
    with_dot = dot is not None
    layout = None
    for _ in range(rounds):
        t0 = time.process_time()
        layout = lay_out(nodes, way)
        ours.append(1000 * (time.process_time() - t0))
        if dot is not None and with_dot:
            t0 = _child_cpu()
            with_dot = run_dot(nodes, dot) is not None  # it failed: no comparison
            theirs.append(1000 * (_child_cpu() - t0))
    best, median = min(ours), statistics.median(ours)
    text = f"{best:.1f} ms best, {median:.1f} median of {rounds}"
    if with_dot and theirs:
        d_best, d_median = min(theirs), statistics.median(theirs)
        text += (
            f" (dot {d_best:.0f} / {d_median:.0f} ms: ours {best / d_best:.2f} / "
            f"{median / d_median:.2f} of it)"
        )
    return layout, text


def _child_cpu() -> float:
    """CPU seconds the finished child processes have used."""
    use = resource.getrusage(resource.RUSAGE_CHILDREN)
    return use.ru_utime + use.ru_stime


def dot_crossings(nodes: Nodes, dot: str) -> int | None:
    """Crossings of dot's drawing of the graph (pairs of edge curves that cross, edges with
    different sources and targets), or None if dot failed."""
    res = run_dot(nodes, dot)
    if res is None:
        return None
    curves: list[tuple[str, str, list[tuple[float, float]]]] = []
    for line in res.stdout.splitlines():
        parts = line.split()
        if parts and parts[0] == "edge":
            n = int(parts[3])
            ctrl = [(float(parts[4 + 2 * k]), float(parts[5 + 2 * k])) for k in range(n)]
            curves.append((parts[1], parts[2], _sample(ctrl)))
    total = 0
    for a in range(len(curves)):
        sa, ta, pa = curves[a]
        for b in range(a + 1, len(curves)):
            sb, tb, pb = curves[b]
            if sa == sb or ta == tb or sa == tb or sb == ta:
                continue
            total += _polyline_crossings(pa, pb)
    return total


def _sample(ctrl: list[tuple[float, float]], steps: int = 12) -> list[tuple[float, float]]:
    """Points along a piecewise cubic Bezier given by its control points."""
    out = [ctrl[0]]
    for k in range(0, len(ctrl) - 3, 3):
        p0, p1, p2, p3 = ctrl[k : k + 4]
        for s in range(1, steps + 1):
            t = s / steps
            u = 1 - t
            out.append(
                (
                    u**3 * p0[0] + 3 * u * u * t * p1[0] + 3 * u * t * t * p2[0] + t**3 * p3[0],
                    u**3 * p0[1] + 3 * u * u * t * p1[1] + 3 * u * t * t * p2[1] + t**3 * p3[1],
                )
            )
    return out


def _polyline_crossings(a: list[tuple[float, float]], b: list[tuple[float, float]]) -> int:
    def box(p: list[tuple[float, float]]) -> tuple[float, float, float, float]:
        xs, ys = [q[0] for q in p], [q[1] for q in p]
        return min(xs), min(ys), max(xs), max(ys)

    ax0, ay0, ax1, ay1 = box(a)
    bx0, by0, bx1, by1 = box(b)
    if ax1 < bx0 or bx1 < ax0 or ay1 < by0 or by1 < ay0:
        return 0
    count = 0
    for p, q in zip(a, a[1:], strict=False):
        for r, s in zip(b, b[1:], strict=False):
            if _proper(p, q, r, s):
                count += 1
    return count


def _proper(p: Any, q: Any, r: Any, s: Any) -> bool:
    def orient(a: Any, b: Any, c: Any) -> float:
        return (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])

    d1, d2 = orient(p, q, r), orient(p, q, s)
    d3, d4 = orient(r, s, p), orient(r, s, q)
    return d1 * d2 < 0 and d3 * d4 < 0


Way = tuple[str, str, int | None]


def lay_out(nodes: Nodes, way: Way) -> Any:
    return draw(place_full(nodes), nodes, way)


def timed(nodes: Nodes, way: Way, repeat: int) -> tuple[Any, float]:
    times = []
    layout = None
    for _ in range(repeat):
        t0 = time.process_time()
        layout = lay_out(nodes, way)
        times.append(time.process_time() - t0)
    return layout, 1000 * statistics.median(times)


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--scene", action="append", help="only these scenes (default: all)")
    ap.add_argument(
        "--way",
        default="TB,full",
        help="orientation,box size[,lanes] (default TB,full; lanes 0: none to spare, -1: a "
        "channel's one track on its arrow row; box sizes full, compact, mini, tiny)",
    )
    ap.add_argument("--repeat", type=int, default=5, help="runs per graph in the table")
    ap.add_argument(
        "--rounds",
        type=int,
        default=15,
        help="rounds of the largest scene graph head to head with dot (the random DAG: a third)",
    )
    ap.add_argument("--random", type=int, default=1000, help="nodes of a random DAG (0: none)")
    ap.add_argument("--no-dot", action="store_true")
    args = ap.parse_args(argv)
    orientation, size, *lanes = args.way.split(",")
    way = (orientation, size, int(lanes[0]) if lanes else None)
    dot = None if args.no_dot else shutil.which("dot")

    graphs: list[tuple[str, Nodes]] = []
    for name in args.scene or list(SCENES):
        graphs += scene_graphs(name)
    header = (
        f"{'graph':<44} {'nodes':>5} {'edges':>5} {'cross':>5} {'dot':>4} {'shared':>6} "
        f"{'bends':>5} {'straight':>8} {'size':>9} {'ms':>6}"
    )
    print(f"layout {args.way}, median CPU time of {args.repeat}; dot: {dot or 'not installed'}")
    print(header)
    print("-" * len(header))
    tot = dict(nodes=0, edges=0, cross=0, dot=0, shared=0, chains=0, straight=0, bends=0.0)
    worst = ("", 0.0, 0)
    for label, nodes in graphs:
        layout, ms = timed(nodes, way, args.repeat)
        q = measure(layout, nodes)
        d = dot_crossings(nodes, dot) if dot else None
        edges = len(layout.edges)
        print(
            f"{label:<44} {len(nodes):>5} {edges:>5} {q.crossings:>5} "
            f"{'-' if d is None else d:>4} {q.shared:>6} {q.bends:>5.2f} "
            f"{f'{q.straight}/{q.chains}':>8} {f'{q.width}x{q.height}':>9} {ms:>6.2f}"
        )
        if q.straight < q.chains:
            print(f"{'':<4}bent: {', '.join(f'{a} -> {b}' for a, b in bent(layout, nodes))}")
        tot["nodes"] += len(nodes)
        tot["edges"] += edges
        tot["cross"] += q.crossings
        tot["dot"] += d or 0
        tot["shared"] += q.shared
        tot["chains"] += q.chains
        tot["straight"] += q.straight
        tot["bends"] += q.bends * edges
        if len(nodes) > worst[2]:
            worst = (label, ms, len(nodes))
    print("-" * len(header))
    bends = tot["bends"] / tot["edges"] if tot["edges"] else 0.0
    print(
        f"{'total (' + str(len(graphs)) + ' graphs)':<44} {tot['nodes']:>5} {tot['edges']:>5} "
        f"{tot['cross']:>5} {tot['dot'] if dot else '-':>4} {tot['shared']:>6} {bends:>5.2f} "
        f"{str(tot['straight']) + '/' + str(tot['chains']):>8}"
    )
    largest = dict(graphs).get(worst[0])
    if largest:
        _, times = head_to_head(largest, way, dot, args.rounds)
        print(f"largest scene graph: {worst[0]} ({worst[2]} nodes): {times}")
    if args.random:
        nodes = random_dag(args.random)
        layout, times = head_to_head(nodes, way, dot, max(1, args.rounds // 3))
        q = measure(layout, nodes)
        print(f"random DAG, {args.random} nodes, {len(layout.edges)} edges: {times}")
        print(
            f"  crossings {q.crossings}, shared {q.shared}, straight {q.straight}/{q.chains}, "
            f"{q.width}x{q.height}"
        )
        print(f"  the other ways (crossings/shared): {other_ways(nodes, way)}")
    return 0


def bent(layout: Any, nodes: Nodes) -> list[tuple[Any, Any]]:
    """The chain edges (see ``straight``) of a drawing that turn, or are not drawn."""
    drawn = {(e.src, e.dst): e for e in layout.edges}
    chains = sorted(chain_edges(nodes), key=str)
    return [c for c in chains if c not in drawn or turns(drawn[c])]


def other_ways(nodes: Nodes, way: Way) -> str:
    """``LR full 2142/0, ...``: crossings and shared runs of the graph drawn in each box size
    and orientation but ``way`` (one placement, drawn six ways)."""
    plan = place_full(nodes)
    out = []
    for size in ("full", "compact", "mini"):
        for orientation in ("TB", "LR"):
            if (orientation, size) != way[:2]:
                q = measure(draw(plan, nodes, (orientation, size, None)), nodes)
                out.append(f"{orientation} {size} {q.crossings}/{q.shared}")
    return ", ".join(out)


if __name__ == "__main__":
    raise SystemExit(main())

"""What the static pane's drawing costs, as the keys that lay it out again ask for it.

    python benchmarks/static_drawing.py [--scene NAME ...] [--size 120x36 ...] [--repeat 3]
                                        [--dump DIR] [--growing [--every 4] [--dump-growing DIR]]

Each scene runs headless (three iterations, as ``cgviz layout`` runs it); its static graph is
drawn by :func:`tui.drawing.pane.static_drawing` in the static pane of each terminal size, as
the pane shows it first (``start``) and as f, o, g and z would show it next
(:func:`tui.widgets.graph_view.key_steps`). Prints per scene, size and key the CPU ms of one
drawing (the best and the median of ``--repeat``: the machine is shared, and CPU time still
swings a little with its load): ``start`` with no drawing kept (:func:`tui.drawing.fit.forget`;
the graph's layered plans are kept, as the pane keeps them), each key's just after the start's
drawing, as the pane draws it. ``--dump DIR`` instead writes ``cgviz layout --json`` of every
scene at every size, folded and unfolded, one file each, to compare drawings before and after
a change that should only make them faster (``diff -r``).

``--growing`` measures the drawings a key asks for while the static graph is still being built
(nothing can be drawn ahead then: each drawing is made when the key is pressed): each scene's
events are replayed and, once its static graph has :data:`GROWN` nodes, every ``--every``-th
version of it is drawn in the static pane of each size in every way a key can ask for
(:data:`WAYS`: either orientation, the pane not turning, each box size, folded and unfolded),
each with no drawing kept (:func:`tui.drawing.fit.forget`, :func:`tui.drawing.wrap.forget`).
Prints per scene and size the sum, median, p90 and max CPU ms of those drawings.
``--dump-growing DIR`` writes those drawings instead (one JSON file per scene and size).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run from a checkout

from tui.cli.layout import _graph_json, _scene_events, layout_data, pane_room  # noqa: E402
from tui.drawing import fit, wrap  # noqa: E402
from tui.drawing.fold import Folding  # noqa: E402
from tui.drawing.pane import pane_orientation, static_drawing  # noqa: E402
from tui.i18n import scene_text  # noqa: E402
from tui.view.lecture import scene_sides  # noqa: E402
from tui.view.state import ViewState  # noqa: E402
from tui.widgets.graph_view import key_steps  # noqa: E402

if TYPE_CHECKING:
    from collections.abc import Iterator

    from tui.view.model import GraphModel

TF_SCENES = ("tf-group", "tf-variables", "tf-optimizer", "tf-layers", "serialization")
"""The scenes whose static drawing costs the most in small terminals."""
SIZES = ("160x48", "120x36", "80x24")
KEYS = ("f", "o", "g", "z")
"""The keys :func:`key_steps` gives a step for, in its order (g only with a graph as run)."""
GROWN = 25
"""Nodes a growing graph has before its drawings are measured (smaller ones fit at once)."""
WAYS = [
    (orientation, box, unfold)
    for unfold in (False, True)
    for orientation in ("LR", "TB")
    for box in ("auto", "full", "compact", "mini")
]
"""(orientation, box size, unfolded) of each drawing a key can ask for while the graph grows:
o turns the pane (which then stays turned), z picks a box size, f unfolds or folds back."""


def static_room(name: str, scene: Any, size: tuple[int, int]) -> tuple[int, int] | None:
    """The static pane's inner size in a terminal of ``size``; None where it has none."""
    title, caption = scene_text(name, scene)
    caption = f"{title}  ·  {caption}" if caption else title
    return pane_room(*size, scene_sides(name, scene), caption).get("static")


def cpu_ms(fn: Any, *args: Any) -> tuple[float, Any]:
    t = time.thread_time()
    out = fn(*args)
    return (time.thread_time() - t) * 1e3, out


def timings(names: list[str], sizes: list[str], repeat: int) -> None:
    print(f"static_drawing CPU ms (best / median of {repeat})")
    print(f"{'scene':<16}{'size':<8}" + "".join(f"{k:>14}" for k in ("start", *KEYS)))
    for name in names:
        events, scene, _ = _scene_events(name, 3)
        state = ViewState(fake_timings=True)
        for ev in events:
            state.apply(ev)
        graph = state.graphs["static"]
        if graph is None or not graph.nodes:
            continue
        for text in sizes:
            size = tuple(int(n) for n in text.split("x"))
            room = static_room(name, scene, size)  # type: ignore[arg-type]
            if room is None:
                continue
            way = (pane_orientation(*room), True, "auto")
            first = static_drawing(graph, room, Folding(), *way)
            steps = key_steps((graph, Folding(), way), first.layout.orientation)
            keyed = [("start", (graph, Folding(), way))]
            keyed += list(zip([k for k in KEYS if k != "g" or len(steps) == 4], steps, strict=True))
            cells = {}
            for key, (g, folding, w) in keyed:
                ms = []
                for _ in range(repeat):
                    if hasattr(fit, "forget"):
                        fit.forget()
                    if key != "start":
                        static_drawing(graph, room, Folding(), *way)
                    ms.append(cpu_ms(static_drawing, g, room, folding, *w)[0])
                cells[key] = f"{min(ms):6.0f} /{statistics.median(ms):5.0f}"
            row = "".join(f"{cells.get(k, '-'):>14}" for k in ("start", *KEYS))
            print(f"{name:<16}{text:<8}{row}", flush=True)


def dump(names: list[str], sizes: list[str], out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for name in names:
        events, scene, _ = _scene_events(name, 3)
        for text in sizes:
            size = tuple(int(n) for n in text.split("x"))
            for unfold in (False, True):
                data = layout_data(events, name, scene, size, unfold)  # type: ignore[arg-type]
                path = out / f"{name}-{text}{'-unfold' if unfold else ''}.json"
                path.write_text(json.dumps(data, ensure_ascii=False, indent=0) + "\n")
        print(name, flush=True)


def growing(
    names: list[str], sizes: list[str], every: int, dumping: bool = False
) -> Iterator[tuple[str, str, list[list[tuple[float, Any]]]]]:
    """Per scene and size, the drawings of each growing static graph (:data:`GROWN` nodes on,
    every ``every``-th version) in each of :data:`WAYS`: (scene, size, per graph [(CPU ms,
    the drawing's JSON where ``dumping`` else None), ...])."""
    for name in names:
        events, scene, _ = _scene_events(name, 3)
        rooms = {}
        for text in sizes:
            size = tuple(int(n) for n in text.split("x"))
            room = static_room(name, scene, size)  # type: ignore[arg-type]
            if room is not None:
                rooms[text] = room
        state = ViewState(fake_timings=True)
        seen: tuple[int, int] | None = None
        drawn: dict[str, list[Any]] = {text: [] for text in rooms}
        for ev in events:
            state.apply(ev)
            graph = state.graphs["static"]
            if graph is None or len(graph.nodes) < GROWN or graph.derived is not None:
                continue
            version = (id(graph), graph.struct_version)
            if version == seen or graph.struct_version % every:
                continue
            seen = version
            for text, room in rooms.items():  # drawn as it stands: the replay changes it
                drawn[text].append(list(_ways_drawn(graph, room, dumping)))
        for text in rooms:
            yield name, text, drawn[text]


def _ways_drawn(
    graph: GraphModel, room: tuple[int, int], dumping: bool
) -> Iterator[tuple[float, Any]]:
    """(CPU ms, the drawing's JSON or None) of ``graph`` in each of :data:`WAYS`, none kept
    from before."""
    for orientation, box, unfold in WAYS:
        fit.forget()
        wrap.forget()
        folding = Folding(unfold_all=unfold)
        ms, d = cpu_ms(static_drawing, graph, room, folding, orientation, False, box)
        yield ms, _graph_json("static", graph, d, room) if dumping else None


def growing_timings(names: list[str], sizes: list[str], every: int) -> None:
    print(f"static_drawing of growing graphs, CPU ms per drawing ({len(WAYS)} ways per graph)")
    print(f"{'scene':<16}{'size':<8}{'graphs':>7}{'sum':>9}{'median':>8}{'p90':>8}{'max':>8}")
    for name, text, drawn in growing(names, sizes, every):
        ms = sorted(t for ways in drawn for t, _ in ways)
        if not ms:
            continue
        p90 = ms[min(len(ms) - 1, int(0.9 * len(ms)))]
        print(
            f"{name:<16}{text:<8}{len(drawn):>7}{sum(ms):>9.0f}{statistics.median(ms):>8.1f}"
            f"{p90:>8.1f}{ms[-1]:>8.1f}",
            flush=True,
        )


def growing_dump(names: list[str], sizes: list[str], every: int, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for name, text, drawn in growing(names, sizes, every, dumping=True):
        data = [
            {"way": list(way), "drawing": d}
            for ways in drawn
            for way, (_, d) in zip(WAYS, ways, strict=True)
        ]
        path = out / f"{name}-{text}.json"
        path.write_text(json.dumps(data, ensure_ascii=False, indent=0) + "\n")
        print(name, text, flush=True)


def main() -> None:
    from engine.scenes import SCENES

    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--scene", nargs="*", default=None, help="scenes (default: the TF ones)")
    p.add_argument("--size", nargs="*", default=list(SIZES), help="terminal sizes, COLSxROWS")
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--dump", type=Path, default=None, help="write every scene's layout JSON")
    p.add_argument("--growing", action="store_true", help="time drawings of growing graphs")
    p.add_argument("--every", type=int, default=4, help="--growing: every n-th graph version")
    p.add_argument("--dump-growing", type=Path, default=None, help="write the growing drawings")
    args = p.parse_args()
    if args.dump_growing is not None:
        growing_dump(args.scene or list(TF_SCENES), args.size, args.every, args.dump_growing)
    elif args.growing:
        growing_timings(args.scene or list(TF_SCENES), args.size, args.every)
    elif args.dump is not None:
        dump(args.scene or list(SCENES), args.size, args.dump)
    else:
        timings(args.scene or list(TF_SCENES), args.size, args.repeat)


if __name__ == "__main__":
    main()

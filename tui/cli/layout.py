"""``cgviz layout``: the graphs a scene draws, as the panes lay them out, for tests and tools.

    cgviz layout [--scene NAME | --trace FILE] [--unfold] [--size 160x48] [--iterations 3] [--json]

Runs the scene headless on the engine (CPU, seed 0) with a subscriber collecting its events,
or reads a recorded trace, folds the events into the view state, and lays out every graph the
app would draw: the static graph (as built) and the last eager iteration. The layout comes
from the same code the graph pane uses (:mod:`tui.drawing.pane`), replayed as a paced run
shows it (every eager iteration node by node, each drawn on the map the one before it left).
Nothing in it depends on a measured time. ``--unfold`` unfolds everything, as the app's
unfold key does (scopes, variables and constants drawn as nodes).

The JSON (``--json``) is one object; its keys are stable::

    {"scene": "two-layer",                   the scene (a trace: the scene it recorded)
     "size": [160, 48],                      the terminal, COLS x ROWS
     "unfold": false,
     "graphs": [                             one per pane drawn, static first
       {"pane": "static",                    "static" or "eager"
        "room": [54, 28],                    the pane's inner size in cells (see below)
        "orientation": "TB",                 "LR" or "TB": how layers run
        "box": "mini",                       the box size the pane picked: full, compact, mini, tiny
        "width": 48, "height": 28,           the drawing's size in cells
        "nodes": [{"id": "Placeholder", "label": "x 64×1000",
                   "x": 18, "y": 1, "w": 11, "h": 1}, ...],
        "edges": [{"src": "Placeholder", "dst": "MatMul", "points": [[23, 2], [23, 3]]},
                  ...]}, ...]}

A node is ``{"id", "label", "x", "y", "w", "h"}``: its box's top-left cell and size in pane
cell coordinates (0, 0 is the drawing's top-left cell), ``label`` the box's top line as drawn.
``id`` is the node's name in its graph (TensorFlow's name, or the eager op's name; a name
taken by an earlier node gets ``#2``, ``#3``...), or for a folded group or variable its view
id, ``scope:`` and the scope (``scope:gradients``). Nodes come in creation order. An edge's
``points`` are the cells where it starts, turns and ends: the first is the cell just outside
its source box where it leaves, the last the cell just outside its target box where its
arrowhead is drawn, and consecutive points share a row or a column. An edge of a control
dependency (``tf.group``'s NoOp on the updates, an initializer on the variables' assigns;
drawn dashed) has one more key, ``"kind": "control"``; a data edge has none.

The pane's inner size is derived from ``--size`` the way ``tui/app/app.tcss`` and
``CgvizApp.apply_size`` split the terminal (:func:`pane_room`), without starting the App:
one row each for the header (none below 34 rows), status line and footer and the caption's
rows (its text wrapped to the width, at most 3); side panels (30% of the width, 38 to 48
columns) from 140 columns; the legend row from 140 columns; the source row 30% of the rest
(8 to 14 rows), 7 rows below 44 rows, none below 34; two panes side by side from 100
columns, each half the graphs' width, else one pane the whole width (each graph laid out as
the one shown); a scene with one side gives its pane the whole width; every pane loses its
border (two cells each way).
Presentation and race mode are not modelled. ``tests/tui/test_layout_cli.py`` checks these
sizes against the running app's panes.

Every mistake (unknown scene, bad ``--size``, a missing or corrupt trace) is one line on
stderr and exit code 2.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import sys
import textwrap
from collections.abc import Iterable, Iterator
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tui.drawing.fold import Folding
    from tui.drawing.pane import Drawing
    from tui.view.model import GraphModel

__all__ = [
    "ITERATIONS",
    "first_iteration",
    "layout_command",
    "layout_data",
    "pane_drawings",
    "pane_room",
    "summary",
]

ITERATIONS = 3
"""Iterations a scene runs by default: from the second on, an eager iteration is drawn on
the map of the one before (a loop that never changes draws the same picture after that)."""
SIDE_PANELS_FROM = 140
ONE_PANE_BELOW = 100
MODES = ("static", "eager")


def pane_room(
    cols: int, rows: int, sides: Iterable[str] = MODES, caption: str = ""
) -> dict[str, tuple[int, int]]:
    """The inner size (cells) of each graph pane of a ``cols`` x ``rows`` terminal.

    Args:
        sides: the panes the scene runs ("static", "eager").
        caption: the caption line's text (title and caption), which wraps to 1 to 3 rows.
    """
    shown = [m for m in MODES if m in set(sides)] or list(MODES)
    caption_rows = min(3, max(1, len(textwrap.wrap(caption, max(1, cols - 2)))))
    chrome = 3 if rows >= 34 else 2  # header (none under 34 rows), status line, footer
    main = rows - chrome - caption_rows
    wide = cols >= SIDE_PANELS_FROM
    if rows < 34:
        bottom = 0
    elif rows < 44:
        bottom = 7
    else:
        bottom = max(8, min(14, int(main * 0.3)))
    height = main - (1 if wide else 0) - bottom - 2
    graphs = cols - (max(38, min(48, int(cols * 0.3))) if wide else 0)
    height = max(1, height)
    if len(shown) == 1 or cols < ONE_PANE_BELOW:
        return {m: (graphs - 2, height) for m in shown}
    half = graphs // 2
    return {"static": (half - 2, height), "eager": (graphs - half - 2, height)}


# ------------------------------------------------------------------ events


def _scene_events(name: str, iterations: int) -> tuple[list[dict[str, Any]], Any, str]:
    """Run a scene headless; returns its events, the scene and why it stopped ("" if not)."""
    from tui.cli.main import CliError
    from tui.engine_link import STREAM, load_scenes

    scenes, problem = load_scenes()
    if not scenes:
        raise CliError(problem or "no scenes")
    if name not in scenes:
        raise CliError(
            f"unknown scene {name!r}; scenes: {', '.join(scenes)} (list them: cgviz scenes)"
        )
    scene = scenes[name]
    events: list[dict[str, Any]] = []
    undo = STREAM.subscribe(events.append)
    stopped = ""
    try:
        with contextlib.redirect_stdout(io.StringIO()):  # what the listing prints
            scene.run(device="cpu", iterations=iterations, seed=0)
    except Exception as e:  # the engine has sent an error event; draw what was built
        stopped = f"{type(e).__name__}: {e}"
    finally:
        undo()
    return events, scene, stopped


def _trace_events(path: str) -> tuple[Iterable[dict[str, Any]], str, Any]:
    """A recording's events (read as they are used), its scene's name and the scene (or its
    event's fields). A bad line further on than the load read is the same one line, exit 2."""
    from tui.cli.main import CliError, _load_recording
    from tui.engine_link import TraceError, load_scenes

    recording = _load_recording(path)

    def events() -> Iterator[dict[str, Any]]:
        try:
            yield from recording.events
        except TraceError as e:
            raise CliError(str(e)) from None

    name = recording.scene_name
    scene = load_scenes()[0].get(name)
    if scene is None:
        ev = next((e for e in events() if e.get("kind") == "scene"), {})
        scene = SimpleNamespace(
            title=ev.get("title") or name, caption=ev.get("caption") or "", sides=None
        )
    return events(), name, scene


# ------------------------------------------------------------------ layout


def _ids(graph: GraphModel, drawing: Drawing) -> dict[Any, str]:
    """Each view id's exported id: the node's name (``#2``... on a repeat), a group's view id."""
    out: dict[Any, str] = {}
    seen: dict[str, int] = {}
    for vid, _ in drawing.view.nodes:
        if isinstance(vid, str):
            out[vid] = vid
            continue
        name = graph.nodes[vid].name
        seen[name] = seen.get(name, 0) + 1
        out[vid] = name if seen[name] == 1 else f"{name}#{seen[name]}"
    return out


def _graph_json(
    pane: str, graph: GraphModel, drawing: Drawing, room: tuple[int, int]
) -> dict[str, Any]:
    from tui.drawing.pane import box_title

    layout = drawing.layout
    ids = _ids(graph, drawing)
    nodes = []
    for vid, _ in drawing.view.nodes:
        box = layout.boxes.get(vid)
        if box is None:
            continue
        node = graph.nodes.get(vid) if isinstance(vid, int) else None
        fused = node.op if node is not None and node.fused else ""
        label = box_title(drawing.labels[vid], drawing.box, fused)
        nodes.append(
            {"id": ids[vid], "label": label, "x": box.x, "y": box.y, "w": box.w, "h": box.h}
        )
    edges: list[dict[str, Any]] = [
        {"src": ids[e.src], "dst": ids[e.dst], "points": [[x, y] for x, y in e.points]}
        | ({} if e.kind == "data" else {"kind": e.kind})
        for e in layout.edges
        if e.src in ids and e.dst in ids
    ]
    return {
        "pane": pane,
        "room": list(room),
        "orientation": layout.orientation,
        "box": drawing.box,
        "width": layout.width,
        "height": layout.height,
        "nodes": nodes,
        "edges": edges,
    }


def pane_drawings(
    events: Iterable[dict[str, Any]], rooms: dict[str, tuple[int, int]], folding: Folding
) -> dict[str, tuple[GraphModel, Drawing]]:
    """Fold ``events`` into the view state and draw each pane of ``rooms`` (pane -> inner
    size) that has a graph: the static graph as built, the last eager iteration."""
    from tui.drawing.pane import EagerPane, static_drawing
    from tui.view.state import ViewState

    state = ViewState(fake_timings=True)
    eager = EagerPane(rooms.get("eager", (0, 0)), folding)
    for ev in events:
        state.apply(ev)
        graph = state.graphs["eager"]
        if graph is not eager.graph:
            eager.show(graph)  # a new iteration: the one before becomes the map
        elif ev.get("mode") == "eager" and ev.get("kind") in ("node_created", "iteration_finished"):
            eager.grow()
    out: dict[str, tuple[GraphModel, Drawing]] = {}
    static = state.graphs["static"]
    if static is not None and static.nodes and "static" in rooms:
        out["static"] = (static, static_drawing(static, rooms["static"], folding))
    shown = eager.drawing()
    if eager.graph is not None and eager.graph.nodes and shown is not None and "eager" in rooms:
        out["eager"] = (eager.graph, shown)
    return out


def first_iteration(
    name: str, size: tuple[int, int], folding: Folding
) -> tuple[tuple[int, int], Iterator[tuple[Drawing, float]]]:
    """Scene ``name``'s eager pane in a ``size`` terminal: its room, and its drawings of the
    first iteration, one after each node as a paced run shows them (before the map), each
    with the CPU seconds it took."""
    import time

    from tui.drawing.pane import EagerPane
    from tui.engine_link import load_scenes
    from tui.i18n import scene_text
    from tui.view.lecture import scene_sides
    from tui.view.state import ViewState

    scene = load_scenes()[0][name]
    title, caption = scene_text(name, scene)
    heading = f"{title}  ·  {caption}" if caption else title
    room = pane_room(*size, scene_sides(name, scene), heading)["eager"]

    def drawings() -> Iterator[tuple[Drawing, float]]:
        events, _, _ = _scene_events(name, 1)
        state, pane = ViewState(fake_timings=True), EagerPane(room, folding)
        for ev in events:
            state.apply(ev)
            graph = state.graphs["eager"]
            if graph is not pane.graph:
                if pane.graph is not None:
                    return  # the second iteration: the first is on its map now
                pane.show(graph)
                continue
            if ev.get("mode") != "eager" or ev.get("kind") != "node_created":
                continue
            t0 = time.process_time()
            pane.grow()
            drawing = pane.drawing()
            took = time.process_time() - t0
            if drawing is None or pane._map.plan is not None:
                return
            yield drawing, took

    return room, drawings()


def layout_data(
    events: Iterable[dict[str, Any]],
    name: str,
    scene: Any,
    size: tuple[int, int],
    unfold: bool = False,
) -> dict[str, Any]:
    """The JSON object of the module docstring for a scene's events."""
    from tui.drawing.fold import Folding
    from tui.i18n import scene_text
    from tui.view.lecture import scene_sides

    title, caption = scene_text(name, scene)
    sides = scene_sides(name, scene)
    rooms = pane_room(*size, sides, f"{title}  ·  {caption}" if caption else title)
    drawn = pane_drawings(events, rooms, Folding(unfold_all=unfold))
    graphs = [_graph_json(pane, g, d, rooms[pane]) for pane, (g, d) in drawn.items()]
    return {"scene": name, "size": list(size), "unfold": unfold, "graphs": graphs}


def summary(data: dict[str, Any]) -> str:
    """A few lines a person reads: per pane, its nodes, edges, drawing and box size."""
    cols, rows = data["size"]
    lines = [f"{data['scene']} at {cols}x{rows}, {'unfolded' if data['unfold'] else 'folded'}:"]
    for g in data["graphs"]:
        w, h = g["room"]
        fits = "fits" if g["width"] <= w and g["height"] <= h else "scrolls"
        lines.append(
            f"  {g['pane']:<6}  {len(g['nodes']):>3} nodes  {len(g['edges']):>3} edges  "
            f"drawing {g['width']}x{g['height']} in a {w}x{h} pane ({fits})  "
            f"{g['box']} boxes, {g['orientation']}"
        )
    if not data["graphs"]:
        lines.append("  no graph")
    return "\n".join(lines)


# ------------------------------------------------------------------ the command


def build_parser() -> argparse.ArgumentParser:
    from tui.cli.main import DEFAULT_SCENE, _Parser

    p = _Parser(
        prog="cgviz layout",
        description="Print the graphs a scene draws as the panes lay them out: nodes and "
        "edges in pane cells (--json: the documented JSON; see the README).",
    )
    source = p.add_mutually_exclusive_group()
    source.add_argument("--scene", default=None, help=f"a scene (default {DEFAULT_SCENE})")
    source.add_argument("--trace", metavar="FILE", default=None, help="a recorded trace")
    p.add_argument("--unfold", action="store_true", help="unfold every scope, variable, constant")
    p.add_argument("--size", default="160x48", help="the terminal, COLSxROWS (default 160x48)")
    p.add_argument(
        "--iterations",
        type=int,
        default=ITERATIONS,
        help=f"iterations the scene runs (default {ITERATIONS}; not with --trace)",
    )
    p.add_argument("--json", action="store_true", help="print JSON (default: a summary)")
    return p


def layout_command(argv: list[str]) -> int:
    """``cgviz layout ...``; returns the exit code (mistakes raise CliError)."""
    from tui.cli.main import DEFAULT_SCENE, CliError, _size

    args = build_parser().parse_args(argv)
    size = _size(args.size)
    if args.iterations < 1:
        raise CliError(f"--iterations {args.iterations}: must be at least 1")
    if args.trace:
        events, name, scene = _trace_events(args.trace)
    else:
        name = args.scene or DEFAULT_SCENE
        events, scene, stopped = _scene_events(name, args.iterations)
        if stopped:
            print(f"cgviz: scene {name} stopped: {stopped}", file=sys.stderr)
    data = layout_data(events, name, scene, size, args.unfold)
    if args.json:
        sys.stdout.write(json.dumps(data, ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(summary(data) + "\n")
    return 0

"""What the static pane's drawing costs, as the keys that lay it out again ask for it.

    python benchmarks/static_drawing.py [--scene NAME ...] [--size 120x36 ...] [--repeat 3]
                                        [--dump DIR]

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
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run from a checkout

from tui.cli.layout import _scene_events, layout_data, pane_room  # noqa: E402
from tui.drawing import fit  # noqa: E402
from tui.drawing.fold import Folding  # noqa: E402
from tui.drawing.pane import pane_orientation, static_drawing  # noqa: E402
from tui.i18n import scene_text  # noqa: E402
from tui.view.lecture import scene_sides  # noqa: E402
from tui.view.state import ViewState  # noqa: E402
from tui.widgets.graph_view import key_steps  # noqa: E402

TF_SCENES = ("tf-group", "tf-variables", "tf-optimizer", "tf-layers", "serialization")
"""The scenes whose static drawing costs the most in small terminals."""
SIZES = ("160x48", "120x36", "80x24")
KEYS = ("f", "o", "g", "z")
"""The keys :func:`key_steps` gives a step for, in its order (g only with a graph as run)."""


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


def main() -> None:
    from engine.scenes import SCENES

    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--scene", nargs="*", default=None, help="scenes (default: the TF ones)")
    p.add_argument("--size", nargs="*", default=list(SIZES), help="terminal sizes, COLSxROWS")
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--dump", type=Path, default=None, help="write every scene's layout JSON")
    args = p.parse_args()
    if args.dump is not None:
        dump(args.scene or list(SCENES), args.size, args.dump)
    else:
        timings(args.scene or list(TF_SCENES), args.size, args.repeat)


if __name__ == "__main__":
    main()

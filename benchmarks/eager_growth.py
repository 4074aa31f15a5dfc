"""The eager pane's first iteration as it grows, per eager scene: does it stay in its pane?

    python benchmarks/eager_growth.py [--size 160x48] [--unfold] [--scene NAME]

Replays each eager scene's first iteration node by node as a paced run shows it
(:class:`tui.drawing.pane.EagerPane`, the pane's room worked out as ``cgviz layout`` does)
and prints, per scene: the pane's room; the widest and tallest drawing it grew to (``OVER``
where that is past the pane); the most shared runs and crossings in any of its drawings
(:func:`tui.drawing.quality.measure`: edges of different sources and targets meeting other
than at a clean crossing); whether a box moved while it grew; the CPU seconds its drawings
took, and the most one node's took (worst ms). Nothing here is timed against a limit: the
figures are for reading.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from engine.scenes import SCENES  # noqa: E402
from tui.cli.layout import first_iteration  # noqa: E402
from tui.drawing.fold import Folding  # noqa: E402
from tui.drawing.quality import measure  # noqa: E402
from tui.view.lecture import scene_sides  # noqa: E402


def grow(name: str, size: tuple[int, int], unfold: bool) -> dict[str, object]:
    """One scene's first iteration, drawn after each of its nodes."""
    room, drawings = first_iteration(name, size, Folding(unfold_all=unfold))
    wide = high = shared = crossings = steps = 0
    moved = False
    boxes: dict[object, object] = {}
    way = ""
    cpu = worst = 0.0
    for drawing, took in drawings:
        cpu, worst = cpu + took, max(worst, took)
        steps += 1
        layout = drawing.layout
        quality = measure(layout, ())
        wide, high = max(wide, layout.width), max(high, layout.height)
        shared, crossings = max(shared, quality.shared), max(crossings, quality.crossings)
        for vid, box in layout.boxes.items():
            moved = moved or boxes.setdefault(vid, box) != box
        way = f"{layout.orientation} {drawing.box}"
    over = wide > room[0] or high > room[1]
    return {
        "scene": name,
        "room": room,
        "grew": (wide, high),
        "over": over,
        "way": way,
        "shared": shared,
        "crossings": crossings,
        "moved": moved,
        "nodes": steps,
        "cpu": cpu,
        "worst": worst,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", default="160x48", help="the terminal, COLSxROWS")
    parser.add_argument("--unfold", action="store_true", help="every scope unfolded")
    parser.add_argument("--scene", action="append", help="only this scene (repeatable)")
    args = parser.parse_args(argv)
    size = tuple(int(n) for n in args.size.split("x"))
    names = args.scene or [n for n, s in SCENES.items() if "eager" in scene_sides(n, s)]
    print(f"size {args.size}{' unfolded' if args.unfold else ''}")
    print(
        f"{'scene':17} {'pane':>7} {'grew to':>7}      {'way':8} shared cross moved nodes "
        "cpu s worst ms"
    )
    for name in names:
        r = grow(name, size, args.unfold)  # type: ignore[arg-type]
        room, grew = r["room"], r["grew"]
        print(
            f"{name:17} {room[0]:3}x{room[1]:<3} {grew[0]:3}x{grew[1]:<3} "  # type: ignore[index]
            f"{'OVER' if r['over'] else '    '} {r['way']:8} {r['shared']:6} "
            f"{r['crossings']:5} {'yes' if r['moved'] else 'no':5} {r['nodes']:5} {r['cpu']:5.2f} "
            f"{1000 * r['worst']:8.1f}"  # type: ignore[operator]
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

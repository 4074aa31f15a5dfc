"""Wrapping a drawing too deep for its pane into columns, as text wraps into lines. Pure.

A pane's last resort where no box size, orientation or folding fits: a top-to-bottom drawing
is cut between two layers of boxes and the part below the cut moves to the right of the part
above, its top at the pane's top (a left-to-right drawing likewise, into rows). Every edge
that crossed the cut still runs whole, in ordinary box-drawing: down from where it crossed
the cut, under its column, up the gutter beside it and over the top of the next column into
the box it enters, so where the chain goes on reads like a line of text going on in the
next one::

    [a  ] ┌────▼
      ▼   │  [d  ]
    [b  ] │    ▼
      ▼   │  [e  ]
    [c  ] │    ▼
      └───┘  [f  ]

The edges of one cut are nested (the leftmost above the cut takes the outermost way round),
so they never cross one another; an edge of another source crosses them cleanly at most.
Edges into one box share their way round (a fan-in), as do edges out of one box (a fan-out);
two edges of different sources and different targets never share a cell. A long edge that
comes down the right of everything in its column turns to the gutter on the first row it can
(:func:`_early`), not at the bottom of the column; edges out of a box whose side faces the
next column (a collector's tall box) leave that side straight over (:func:`_sideways`).
Before it is cut,
the drawing loses the rows that edges only pass straight through (:func:`squeeze`).
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from tui.drawing.layout import MARGIN, Box, Edge, Layout, corners

if TYPE_CHECKING:
    from collections.abc import Sequence

    from tui.drawing.layout import NodeId


__all__ = ["forget", "squeeze", "wrap", "wrap_at"]

Point = tuple[int, int]
Cells = tuple[Point, ...]
CELLS_KEPT = 4096
"""Paths whose cells :func:`_cells` keeps."""

GAP = 1
"""Blank cells between a column's content and the gutter beside it, between the gutter and
the next column, and at most between two things of a column that moves."""


@dataclass
class _Way:
    """The edges that go round one cut together: one source, or one target."""

    edges: list[int]
    drops: dict[int, Point]
    """Edge -> where it enters the part below the cut (on the row above that part's boxes)."""

    def key(self) -> int:
        return min(x for x, _ in self.drops.values())


def _transposed(layout: Layout) -> Layout:
    out = Layout("TB" if layout.orientation == "LR" else "LR")
    out.boxes = {n: Box(b.y, b.x, b.h, b.w) for n, b in layout.boxes.items()}
    out.edges = [Edge(e.src, e.dst, tuple((y, x) for x, y in e.points)) for e in layout.edges]
    out.width, out.height = layout.height, layout.width
    return out


@lru_cache(maxsize=CELLS_KEPT)
def _cells(points: tuple[Point, ...]) -> tuple[Point, ...]:
    """Every cell of a path, in order (worked out once for the last :data:`CELLS_KEPT`
    paths: each cut tried goes through every edge, and most edges are the same in each)."""
    out: list[Point] = list(points[:1])
    for (x1, y1), (x2, y2) in zip(points, points[1:], strict=False):
        dx, dy = (x2 > x1) - (x2 < x1), (y2 > y1) - (y2 < y1)
        x, y = x1, y1
        while (x, y) != (x2, y2):
            x, y = x + dx, y + dy
            out.append((x, y))
    return tuple(out)


def forget() -> None:
    """Drop the paths' cells kept (a benchmark measures wraps made afresh)."""
    _cells.cache_clear()


def _size(layout: Layout) -> None:
    right, bottom = layout.reach()
    layout.width, layout.height = right + MARGIN, bottom + MARGIN


def _split(cells: Cells, left: int, cut: int, low: int) -> tuple[Cells, Cells] | None:
    """A path (its cells, :func:`_cells`) from what stays to what moves (right of column
    ``left``, below row ``low``): its part up to where it first reaches the row ``cut`` right
    of ``left``, from above (ending there), and its part from the row ``low`` on (starting
    there), or None where it does not run so."""
    first = next((k for k, (x, y) in enumerate(cells) if x >= left and y >= cut), None)
    if first is None or (first and cells[first - 1] != (cells[first][0], cut - 1)):
        return None
    last = next((k for k in range(len(cells) - 1, -1, -1) if cells[k][1] <= low), None)
    if last is None or last < first:
        return None
    if any(x < left for x, _ in cells[first:]):
        return None
    if last + 1 < len(cells) and cells[last + 1][0] != cells[last][0]:
        return None  # it leaves the row above the boxes sideways
    return cells[: first + 1], cells[last:]


def wrap_at(layout: Layout, left: int, cut: int, low: int, tall: bool = False) -> Layout | None:
    """One wrap of a top-to-bottom drawing: the boxes right of column ``left`` and below the
    row ``low`` (and the edges between them) move to a new column right of everything else,
    its top at the drawing's top; the edges into or out of them from the rest go round.

    Args:
        layout: a top-to-bottom drawing.
        left: the first column of the part that is cut (0: all of it).
        cut: the first row under the boxes that stay (in that part).
        low: the row right above the boxes that move.
        tall: a tall box's rows count as its sides (see :func:`squeeze`), across the layers.

    Returns:
        The wrapped drawing, or None where the drawing cannot be cut there (a box or an edge
        between two boxes on one side lies across the cut).
    """
    moved = {n for n, b in layout.boxes.items() if b.x >= left and b.y > low}
    if not moved or len(moved) == len(layout.boxes):
        return None
    for n, b in layout.boxes.items():
        if n not in moved and b.x2 > left and b.y2 > cut:
            return None
    stay_edges: list[int] = []
    moved_edges: list[int] = []
    ways: list[_Way] = []
    parts: dict[int, tuple[Cells, Cells, bool]] = {}
    for k, e in enumerate(layout.edges):
        a, b = e.src in moved, e.dst in moved
        cells = _cells(e.points)
        if a and b:
            if any(y <= low for _, y in cells):
                return None
            moved_edges.append(k)
            continue
        if not a and not b:
            if any(x >= left and y >= cut for x, y in cells):
                return None
            stay_edges.append(k)
            continue
        split = _split(cells if b else cells[::-1], left, cut, low)
        if split is None:
            return None
        parts[k] = (split[0], split[1], b)
    for k, (_, drop, _) in parts.items():  # one way per source, or per target
        e = layout.edges[k]
        far = e.dst if parts[k][2] else e.src
        near = e.src if parts[k][2] else e.dst
        for way in ways:
            ends = {
                (layout.edges[j].dst if parts[j][2] else layout.edges[j].src) for j in way.edges
            }
            starts = {
                (layout.edges[j].src if parts[j][2] else layout.edges[j].dst) for j in way.edges
            }
            if ends == {far} or starts == {near}:
                way.edges.append(k)
                way.drops[k] = drop[0]
                break
        else:
            ways.append(_Way([k], {k: drop[0]}))
    ways.sort(key=_Way.key)
    n = len(ways)
    # what stays: its right edge (the gutter goes beyond it)
    right = 0
    for m, b in layout.boxes.items():
        if m not in moved:
            right = max(right, b.x2 - 1)
    for k in stay_edges:
        right = max(right, max(x for x, _ in layout.edges[k].points))
    for rise, _, _ in parts.values():
        right = max(right, max(x for x, _ in rise))
    gutter = [right + GAP + 1 + (n - 1 - i) for i in range(n)]  # the first way: outermost
    first = ways[0] if ways else None
    on_arrow_row = (
        first is not None
        and len({p for p in first.drops.values()}) == 1
        and all(len(parts[k][1]) == 1 for k in first.edges)
    )
    top = MARGIN + n - (1 if on_arrow_row else 0)  # the row ``low`` lands on
    overs = [top - (0 if on_arrow_row else 1) - i for i in range(n)]
    taken = _taken(layout, moved, stay_edges, parts) if n else set()
    early = _early(parts, ways, gutter, overs, cut, taken)
    side = _sideways(layout, parts, ways, gutter, overs, early, taken)
    rest = [i for i in range(n) if i not in early and i not in side]  # round under the cut
    under = [0] * n
    for k, i in enumerate(rest):  # the first way: lowest
        under[i] = cut + len(rest) - 1 - k
    # what moves, on its own: without the columns only its edges pass straight through
    part = Layout(layout.orientation)
    part.boxes = {m: layout.boxes[m] for m in moved}
    part.edges = [layout.edges[k] for k in moved_edges]
    drops = list(parts)
    part.edges += [Edge(k, k, corners(parts[k][1])) for k in drops]
    part = _transposed(squeeze(_transposed(part), tall, apart=not tall))
    used = set()
    for b in part.boxes.values():
        used.update(range(b.x, b.x2))
    for e in part.edges:
        for (x1, _), (x2, _) in zip(e.points, e.points[1:], strict=False):
            used.update(range(min(x1, x2), max(x1, x2) + 1))
        used.update(x for x, _ in e.points[:1])  # (a path of one point)
    col = _squeeze(used, (max(gutter) if gutter else right) + GAP + 1)
    dy = top - low

    def moved_pt(p: Point) -> Point:
        return col[p[0]], p[1] + dy

    out = Layout(layout.orientation)
    for m, b in layout.boxes.items():
        if m in moved:
            b = part.boxes[m]
            out.boxes[m] = Box(col[b.x], b.y + dy, b.w, b.h)
        else:
            out.boxes[m] = b
    edges: list[Edge | None] = [None] * len(layout.edges)
    for k in stay_edges:
        edges[k] = layout.edges[k]
    for k, e in zip(moved_edges, part.edges, strict=False):  # the rest: drops
        edges[k] = Edge(e.src, e.dst, tuple(moved_pt(p) for p in e.points))
    suffix = {  # each drop's corners (its path through them has the same corners as through
        k: e.points  # its every cell, the part's columns moving apart as they stay in order)
        for k, e in zip(drops, part.edges[len(moved_edges) :], strict=True)
    }
    for i, way in enumerate(ways):
        over = overs[i]
        for k in way.edges:
            rise, _, forward = parts[k]
            x0, _ = rise[-1]
            turn = under[i]
            if i in early:  # it leaves its column for the gutter above the cut
                turn = early[i]
                rise = rise[: rise.index((x0, turn)) + 1]
            dropped = [moved_pt(p) for p in suffix[k]]
            path = [
                *rise,
                (x0, turn),
                (gutter[i], turn),
                (gutter[i], over),
                (dropped[0][0], over),
                *dropped,
            ]
            if i in side:  # out of its box's side, straight over to the next column
                path = [(side[i], over), (dropped[0][0], over), *dropped]
            pts = corners(path if forward else list(reversed(path)))
            e = layout.edges[k]
            edges[k] = Edge(e.src, e.dst, pts)
    out.edges = [e for e in edges if e is not None]
    _size(out)
    return out


def _taken(
    layout: Layout,
    moved: set[NodeId],
    stay_edges: list[int],
    parts: dict[int, tuple[Cells, Cells, bool]],
) -> set[Point]:
    """The cells of what stays: its boxes, its edges, and the parts of the edges that go
    round down to the cut."""
    taken: set[Point] = set()
    for name, b in layout.boxes.items():
        if name not in moved:
            taken.update((x, y) for x in range(b.x, b.x2) for y in range(b.y, b.y2))
    for k in stay_edges:
        taken.update(_cells(layout.edges[k].points))
    for rise, _, _ in parts.values():
        taken.update(rise)
    return taken


def _early(
    parts: dict[int, tuple[Cells, Cells, bool]],
    ways: list[_Way],
    gutter: list[int],
    overs: list[int],
    cut: int,
    taken: set[Point],
) -> dict[int, int]:
    """The ways that leave their column for the gutter before they reach the cut: way ->
    the row they turn at. A way whose edges come down one column to the cut with nothing
    right of it on some row above the cut turns there, the highest such row, and needs no
    row under the column (a long edge from a box high in the column goes over to the next
    column at once, not down the whole column and back up the gutter)::

        [a  ]  [w ]──┐ ┌──▼          [a  ]  [w ]    ┌──▼
          ▼      │   │ │ [d  ]         ▼      │     │ [d  ]
        [b  ]    │   │ │   ▼    ->   [b  ]    └─────┼┐  ▼
          ▼      │   │ │ [e  ]         ▼            ││[e  ]
        [c  ]    │   │ │   ▼ ▼       [c  ]          ││  ▼ ▼
          └──────┼───┘ │ [f    ]       └────────────┘│[f    ]
                 └─────┘                             ┘

    The ways that may do so are the last ones (their gutters the innermost, their rows over
    the next column the highest), each turning on a row under the one before it, so none
    crosses another; the first that cannot ends the search (the ways before it go round).
    ``taken`` (the cells of what stays, :func:`_taken`) gets the cells of each such way.
    """
    out: dict[int, int] = {}
    for i in range(len(ways) - 1, -1, -1):
        rises = [parts[k][0] for k in ways[i].edges]
        x0 = rises[0][-1][0]
        if any(r[-1] != rises[0][-1] for r in rises):
            break  # its edges reach the cut at different columns
        runs = []  # each edge's straight run down to the cut, from its top
        for rise in rises:
            j = len(rise) - 1
            while j and rise[j - 1][0] == x0:
                j -= 1
            runs.append(rise[j:])
        own = {p for run in runs for p in run}
        others = taken - own
        tops = max(run[0][1] for run in runs)
        turn = None
        for r in range(tops, cut):
            along = [(x, r) for x in range(x0, gutter[i] + 1)]
            lo, hi = sorted((r, overs[i]))
            up = [(gutter[i], y) for y in range(lo, hi + 1)]
            if not any(p in others for p in along + up):
                turn = r
                break
        if turn is None:
            break
        out[i] = turn
        taken.update(along + up)
        taken.update((x, overs[i]) for x in range(gutter[i], max(gutter) + 1))
    return out


def _sideways(
    layout: Layout,
    parts: dict[int, tuple[Cells, Cells, bool]],
    ways: list[_Way],
    gutter: list[int],
    overs: list[int],
    early: dict[int, int],
    taken: set[Point],
) -> dict[int, int]:
    """The ways out of one box that stays whose side faces the next column on the way's row
    over it, nothing between (a collector's tall box at the column's right): way -> the
    column its edges start at, right of the box. They leave the box's side on that row and
    run straight over, not down out of its bottom, under the column and up the gutter; they
    cross the gutters of the ways inside theirs, once each::

        │ ▸ gradients/ │ ┌─▼            │ ▸ gradients/ │─┼─┬──▼
        │              │ │[Mul ]   ->   │              │ │ │[Mul ]
        ╰──────────────╯ │              ╰──────────────╯ │ │
              └──────────┘
    """
    out: dict[int, int] = {}
    for i, way in enumerate(ways):
        if i in early or not all(parts[k][2] for k in way.edges):
            continue
        srcs = {layout.edges[k].src for k in way.edges}
        box = layout.boxes.get(next(iter(srcs))) if len(srcs) == 1 else None
        if box is None or not box.y <= overs[i] < box.y2:
            continue
        row = [(x, overs[i]) for x in range(box.x2, gutter[i] + 1)]
        if any(p in taken for p in row):
            continue
        out[i] = box.x2
        taken.update(row)
    return out


def _squeeze(used: set[int], start: int) -> dict[int, int]:
    """Column -> column of the part that moves: its first used column at ``start``, a run of
    unused columns between two used ones no wider than :data:`GAP` (no edge runs across an
    unused column, so nothing else changes)."""
    out: dict[int, int] = {}
    at, blank = start, 0
    for x in range(min(used), max(used) + 1):
        if x in used:
            at += min(blank, GAP)
            blank = 0
            out[x] = at
            at += 1
        else:
            blank += 1
            out[x] = at + min(blank, GAP) - 1
    return out


def _cuts(layout: Layout, left: int) -> list[tuple[int, int]]:
    """The places a drawing's part right of ``left`` may be cut: (first row under the boxes
    above, row right above the boxes below), between every two rows of boxes."""
    boxes = [b for b in layout.boxes.values() if b.x >= left]
    rows = sorted({b.y for b in boxes})
    out = []
    for y in rows[1:]:
        cut = max(b.y2 for b in boxes if b.y < y)
        if cut <= y - 1:
            out.append((cut, y - 1))
    return out


def _column(layout: Layout, left: int) -> int:
    """Rows the drawing takes left of column ``left``, its margin included."""
    ys = [b.y2 for b in layout.boxes.values() if b.x < left]
    ys += [y + 1 for e in layout.edges for x, y in e.points if x < left]
    return max(ys, default=0) + MARGIN


def squeeze(layout: Layout, tall: bool = True, apart: bool = False) -> Layout:
    """The drawing (top to bottom) without its rows that edges only pass straight through, or
    leave the box right above them straight down (and, where ``tall``, a tall box's sides
    where nothing enters it): the same picture, every edge as it ran, a row less each.
    Where ``apart`` (the rows are the picture's columns), two boxes with a row between them
    keep one: one-row boxes may stack, but ``[Sub][Sub]`` would read as one box."""
    blocked: set[int] = set()
    rows: set[int] = set()
    under = {(x, b.y2) for b in layout.boxes.values() for x in range(b.x, b.x2)}
    across = _across(layout.edges)
    for k, e in enumerate(layout.edges):
        pts = e.points
        for end, near, head in ((pts[0], pts[1:2], False), (pts[-1], pts[-2:-1], True)):
            x, y = end  # an end right under its box, going down, may go on the next row
            # (where an edge runs across that row, a start is drawn there as a clean ┼, joined
            # to its box; an arrowhead would hide the crossing)
            below = across.get((x, y + 1), set()) - {k} if head else set()
            if not (near and near[0][0] == x and near[0][1] > y and end in under) or below:
                blocked.add(y)
        for (_, y1), (_, y2) in zip(pts, pts[1:], strict=False):
            if y1 == y2:
                blocked.add(y1)
            else:
                rows.update(range(min(y1, y2), max(y1, y2) + 1))
    for b in layout.boxes.values():
        blocked.update(range(b.y, b.y2) if b.h <= 4 or not tall else (b.y, b.y2 - 1))
    going = rows - blocked
    boxes = sorted(layout.boxes.values(), key=lambda b: b.y)
    for i, a in enumerate(boxes if apart else ()):  # two boxes apart stay apart
        for b in boxes[i + 1 :]:
            if b.y > a.y2 and b.x < a.x2 and a.x < b.x2 and going.issuperset(range(a.y2, b.y)):
                going.discard(a.y2)
    gone = sorted(going)
    if not gone:
        return layout

    def at(y: int) -> int:
        return y - bisect_left(gone, y)  # less the rows that go above it

    out = Layout(layout.orientation)
    out.boxes = {n: Box(b.x, at(b.y), b.w, at(b.y2) - at(b.y)) for n, b in layout.boxes.items()}

    def kept(points: Sequence[Point]) -> tuple[Point, ...]:
        pts = list(points)
        for k in {0, len(pts) - 1}:  # an end on a row that goes: on the next row down
            x, y = pts[k]
            while y in going:
                y += 1
            pts[k] = (x, y)
        return corners([(x, at(y)) for x, y in pts if y not in going])

    out.edges = [Edge(e.src, e.dst, kept(e.points)) for e in layout.edges]
    _size(out)
    return out


def _across(edges: Sequence[Edge]) -> dict[Point, set[int]]:
    """The cell right under each edge's arrowhead -> the edges running across it (only
    those cells: every cell of every edge would cost most of :func:`squeeze`)."""
    under_heads: dict[int, set[int]] = {}  # row -> columns
    for e in edges:
        x, y = e.points[-1]
        under_heads.setdefault(y + 1, set()).add(x)
    out: dict[Point, set[int]] = {}
    for k, e in enumerate(edges):
        for (x1, y1), (x2, y2) in zip(e.points, e.points[1:], strict=False):
            if y1 == y2 and y1 in under_heads:
                lo, hi = min(x1, x2), max(x1, x2)
                for x in under_heads[y1]:
                    if lo <= x <= hi:
                        out.setdefault((x, y1), set()).add(k)
    return out


def _least_width(layout: Layout, left: int, lr: bool) -> int:
    """How wide a drawing is at the least once its part right of column ``left`` is cut
    anywhere (:func:`wrap_at`), before any cut is tried: the boxes of the part's first row
    stay (as does everything left of it), those of its last row move right of them, past
    a gutter, at least as wide as they were (``lr``: a tall box keeps two of its columns)."""
    part = [b for b in layout.boxes.values() if b.x >= left]
    if not part:
        return 0
    top, bottom = min(b.y for b in part), max(b.y for b in part)
    stay = [b.x2 - 1 for b in layout.boxes.values() if b.x < left or b.y == top]
    moved = [b.w if b.w <= 4 or not lr else 2 for b in part if b.y == bottom]
    return max(stay) + GAP + 1 + max(moved) + MARGIN


def _widest_layer(layout: Layout, lr: bool) -> int:
    """How far the boxes of one layer reach across the layers, at the most (with a margin on
    each side): a lower bound of a wrapped drawing's width (``lr``: height), found in time
    proportional to the boxes, before any cut is tried."""
    spans: dict[int, tuple[int, int]] = {}
    for b in layout.boxes.values():
        at, lo, hi = (b.x, b.y, b.y2) if lr else (b.y, b.x, b.x2)
        was = spans.get(at)
        spans[at] = (lo, hi) if was is None else (min(was[0], lo), max(was[1], hi))
    return max((hi - lo + 2 * MARGIN for lo, hi in spans.values()), default=0)


def _narrowest(layout: Layout, height: int, lr: bool) -> int:
    """How wide a top-to-bottom drawing is at the least once wrapped into columns of at most
    ``height`` rows, before any cut is tried (as :func:`wrap_at` cuts it). Each column takes a
    run of the drawing's rows of boxes, as deep as they were (a part moves whole), and as wide
    as the columns its boxes and the edges between them run down (the columns an edge only
    crosses go, as :func:`squeeze` takes them out; ``lr``: a tall box keeps two of its
    columns). A column right of a cut that edges cross starts as many rows lower, and past as
    many gutter columns, as the ways round it take at the least (edges of different sources
    and different targets go round apart); columns stand :data:`GAP` apart. The least over
    every way of cutting the rows into such runs, any cut allowed (a box across it too): a
    graph too large for a pane is given up in time proportional to its rows squared, not
    after every cut was tried."""
    tops = sorted({b.y for b in layout.boxes.values()})
    at = {y: i for i, y in enumerate(tops)}
    cells = [0] * len(tops)  # the columns each row's boxes keep, as bits
    ends = [0] * len(tops)  # each row's lowest end
    for b in layout.boxes.values():
        i = at[b.y]
        cells[i] |= ((1 << b.w) - 1) << b.x if b.w <= 4 or not lr else (1 | 1 << b.w - 1) << b.x
        ends[i] = max(ends[i], b.y2)
    inside: list[list[tuple[int, int]]] = [[] for _ in tops]  # by lower row: (upper row, bits)
    spans = []
    for e in layout.edges:
        upper, lower = sorted((at[layout.boxes[e.src].y], at[layout.boxes[e.dst].y]))
        bits = 0
        for (x1, y1), (x2, y2) in zip(e.points, e.points[1:], strict=False):
            if x1 == x2 and y1 != y2:
                bits |= 1 << x1
        inside[lower].append((upper, bits))
        spans.append((upper, lower, e.src, e.dst))
    ways = [0] * len(tops)  # the ways round a cut right above each row, at the least
    for j in range(1, len(tops)):
        ends_taken: set[NodeId] = set()  # a matching of the edges across: one way each
        for upper, lower, src, dst in spans:
            if upper < j <= lower and src not in ends_taken and dst not in ends_taken:
                ends_taken.update((src, dst))
                ways[j] += 1
    least = [0] + [_WIDE] * len(tops)  # least[k]: the rows before k in columns, at the least
    for j in range(len(tops)):
        if least[j] == _WIDE:
            continue
        top, apart = (0, 0) if j == 0 else (tops[j] - MARGIN - ways[j], GAP + GAP + ways[j])
        if j and not ways[j]:
            apart = GAP
        used = end = 0
        for k in range(j, len(tops)):  # rows j..k in one column
            end = max(end, ends[k])
            if end - top + MARGIN > height:
                break
            used |= cells[k]
            for upper, bits in inside[k]:
                if upper >= j:
                    used |= bits
            least[k + 1] = min(least[k + 1], least[j] + used.bit_count() + apart)
    return least[-1]


_WIDE = 1 << 30
"""Wider than any pane (:func:`_narrowest` of rows that fit no column)."""


def wrap(layout: Layout, width: int, height: int) -> Layout | None:
    """The drawing wrapped into columns (top to bottom) or rows (left to right) so that it fits
    ``width`` x ``height``, each column filled as far as it goes; None where no wrap fits."""
    lr = layout.orientation == "LR"
    if _widest_layer(layout, lr) > (height if lr else width):
        return None  # a layer of boxes goes whole into one column: no column holds this one
    now = squeeze(_transposed(layout) if lr else layout, not lr, lr)  # rows along the layers
    now, left = _transposed(squeeze(_transposed(now), lr, not lr)), 0  # and across them
    if lr:
        height, width = width, height
    if _narrowest(now, height, lr) > width:
        return None  # however its rows are cut into columns, they go past the pane
    for _ in range(len(layout.boxes)):
        if now.height <= height:
            return (_transposed(now) if lr else now) if now.width <= width else None
        if _least_width(now, left, lr) > width:
            return None  # whichever cut is taken next, what it moves goes past the pane
        for cut, low in reversed(_cuts(now, left)):  # the deepest cut whose column fits
            staying = [b.y2 for b in now.boxes.values() if b.x >= left and b.y <= low]
            if max(staying, default=0) + MARGIN > height:
                continue  # the boxes it leaves above the cut are too deep already: not tried
            step = wrap_at(now, left, cut, low, lr)
            if step is None:
                continue
            moved = [n for n, b in now.boxes.items() if b.x >= left and b.y > low]
            start = min(step.boxes[n].x for n in moved)
            if _column(step, start) <= height:
                break
        else:
            return None
        if step.width > width:
            return None
        now, left = step, start
    return None

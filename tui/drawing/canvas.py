"""Edges on a character grid: routed polylines become box-drawing glyphs with merged junctions.

Pure and App-free: the graph pane overlays node boxes on the rows this module produces.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tui.drawing.layout import Box, Layout, NodeId

N, E, S, W = 1, 2, 4, 8
"""Direction bits of a cell: which neighbours a line through it reaches."""

GLYPHS = {
    0: " ",
    N: "╵",
    S: "╷",
    E: "╶",
    W: "╴",
    N | S: "│",
    E | W: "─",
    N | E: "└",
    N | W: "┘",
    S | E: "┌",
    S | W: "┐",
    N | S | E: "├",
    N | S | W: "┤",
    E | W | N: "┴",
    E | W | S: "┬",
    N | E | S | W: "┼",
}
"""Direction bits -> box-drawing glyph (the same merge `combine_quads` performs)."""

DASHED = {"│": "┆", "─": "┄"}
"""A straight run's glyph where only control edges pass (TensorBoard draws control
dependencies dashed): ``┄┄▶``; where they turn, cross or meet another edge, the plain glyph."""

ARROWS = {E: "▶", S: "▼", W: "◀", N: "▲"}
"""Travel direction of an edge's last step -> its arrow head."""
DASHED_ARROWS = {E: "⇢", S: "⇣", W: "⇠", N: "⇡"}
"""A control edge's arrow heads, dashed like its runs: one too short for a dash is told
apart by its head (a hollow triangle would read as the gradient mark ``∇``)."""

EDGE, EDGE_DIM = "edge", "edge-dim"
"""Style keys of an edge cell: live, or leading to a node the run does not need."""


class EdgeGrid:
    """The edge layer of a layout: glyphs and style keys, row by row."""

    def __init__(self, layout: Layout, dim_targets: Collection[NodeId] = ()) -> None:
        """Draw every edge of ``layout``.

        Args:
            layout: the routed layout.
            dim_targets: nodes whose edges are drawn dim (pruned from the run): the edges
                into them, and those out of them (an update written back into a variable
                the run reads, from a pruned op).
        """
        self.width, self.height = layout.width, layout.height
        self._mask: dict[tuple[int, int], int] = {}
        self._key: dict[tuple[int, int], str] = {}
        self._dashed = False
        self._arrow: dict[tuple[int, int], str] = {}
        self._plain: set[tuple[int, int]] = set()  # cells a data edge passes
        lead = W if layout.orientation == "LR" else N
        for edge in layout.edges:
            dim = edge.dst in dim_targets or edge.src in dim_targets
            key = EDGE_DIM if dim else EDGE
            self._dashed = edge.kind == "control"
            pts = edge.points
            if pts:  # the edge leaves its box: no gap between them
                box = layout.boxes.get(edge.src)
                self._mark(*pts[0], towards(box, *pts[0]) if box else lead, key)
            for (x1, y1), (x2, y2) in zip(pts, pts[1:], strict=False):
                self._segment(x1, y1, x2, y2, key)
            if len(pts) >= 2:
                (xa, ya), (xb, yb) = pts[-2], pts[-1]
                d = E if xb > xa else W if xb < xa else S if yb > ya else N
                target = layout.boxes.get(edge.dst)
                if target is not None and _beside(target, xb, yb):  # it points at its box
                    d = towards(target, xb, yb)
                heads = DASHED_ARROWS if self._dashed else ARROWS
                if not (self._dashed and self._arrow.get(pts[-1], "") in ARROWS.values()):
                    self._arrow[pts[-1]] = heads[d]  # (a data edge's head wins where both end)
                self._key[pts[-1]] = key
            elif pts:  # one cell between two boxes: the arrow alone, away from its source
                box = layout.boxes.get(edge.src)
                d = towards(box, *pts[0]) if box else lead
                heads = DASHED_ARROWS if self._dashed else ARROWS
                self._arrow[pts[0]] = heads[{N: S, S: N, E: W, W: E}[d]]
        self._by_row: dict[int, list[tuple[int, str, str]]] = {}
        for (x, y), bits in self._mask.items():
            glyph = GLYPHS.get(bits, "┼")
            if (x, y) not in self._plain:
                glyph = DASHED.get(glyph, glyph)
            self._by_row.setdefault(y, []).append((x, glyph, self._key[(x, y)]))
        for (x, y), glyph in self._arrow.items():
            self._by_row.setdefault(y, []).append((x, glyph, self._key[(x, y)]))
        self._rows: dict[int, tuple[list[str], list[str]]] = {}

    def _mark(self, x: int, y: int, bits: int, key: str) -> None:
        cell = (x, y)
        self._mask[cell] = self._mask.get(cell, 0) | bits
        if not self._dashed:
            self._plain.add(cell)
        if self._key.get(cell) != EDGE:  # a live edge wins over a dim one
            self._key[cell] = key

    def _segment(self, x1: int, y1: int, x2: int, y2: int, key: str) -> None:
        if y1 == y2:
            lo, hi = sorted((x1, x2))
            for x in range(lo, hi + 1):
                self._mark(x, y1, (W if x > lo else 0) | (E if x < hi else 0), key)
        else:
            lo, hi = sorted((y1, y2))
            for y in range(lo, hi + 1):
                self._mark(x1, y, (N if y > lo else 0) | (S if y < hi else 0), key)

    def row(self, y: int) -> tuple[list[str], list[str]]:
        """One row as (glyph per cell, style key per cell; "" for blank)."""
        cached = self._rows.get(y)
        if cached is None:
            chars = [" "] * self.width
            keys = [""] * self.width
            for x, glyph, key in self._by_row.get(y, ()):
                if 0 <= x < self.width:
                    chars[x] = glyph
                    keys[x] = key
            cached = self._rows[y] = (chars, keys)
        return cached


def towards(box: Box, x: int, y: int) -> int:
    """The direction from a cell just outside a box to the box (an edge's first cell is drawn
    joined to its source box this way)."""
    if x >= box.x2:
        return W
    if x < box.x:
        return E
    return N if y >= box.y2 else S


def _beside(box: Box, x: int, y: int) -> bool:
    """The cell touches the box's side (not a corner)."""
    inside_x, inside_y = box.x <= x < box.x2, box.y <= y < box.y2
    return (inside_x and y in (box.y - 1, box.y2)) or (inside_y and x in (box.x - 1, box.x2))


def runs(chars: list[str], keys: list[str]) -> list[tuple[str, str]]:
    """Group a row into (text, style key) runs."""
    out: list[tuple[str, str]] = []
    start = 0
    for i in range(1, len(chars) + 1):
        if i == len(chars) or keys[i] != keys[start]:
            if i > start:
                out.append(("".join(chars[start:i]), keys[start]))
            start = i
    return out

"""How readable a routed layout is, in numbers: crossings, shared runs, bends, straight chains.

Pure and App-free; the layout tests and ``benchmarks/layout_quality.py`` use it. Every edge is
looked at cell by cell, as :class:`~tui.drawing.canvas.EdgeGrid` will draw it:

* a **crossing** is a cell where one edge runs straight across and another straight down
  (a clean ``┼``), the two edges having different sources and different targets; it counts
  once, as the reader sees one ``┼``, however many edges of one trunk run through it;
* a **shared run** is a pair of edges with different sources and different targets that meet
  in any other way: along the same cells, or where one turns or ends (``├``, ``┬``, a merge).

Edges of one source may share their trunk (a fan-out) and edges into one target may merge
before it; neither counts.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import TYPE_CHECKING

from tui.drawing.canvas import E, N, S, W, towards
from tui.drawing.layers import chain_edges

if TYPE_CHECKING:
    from tui.drawing.layout import Edge, Layout, NodeId

HORIZONTAL, VERTICAL = E | W, N | S

__all__ = ["Quality", "chain_edges", "edge_cells", "measure", "turns"]


@dataclass(frozen=True)
class Quality:
    """The numbers of one drawing."""

    crossings: int
    shared: int
    """Pairs of edges (different sources, different targets) that share a cell other than at a
    clean crossing."""
    bends: float
    """Mean turns per edge."""
    chains: int
    """Chain edges (see :func:`chain_edges`)."""
    straight: int
    """Chain edges drawn as one straight run."""
    width: int
    height: int


def edge_cells(edge: Edge) -> dict[tuple[int, int], int]:
    """Cell -> direction bits of one edge's path (the head cell: where it came from)."""
    cells: dict[tuple[int, int], int] = {}
    pts = edge.points
    for (x1, y1), (x2, y2) in zip(pts, pts[1:], strict=False):
        if y1 == y2:
            lo, hi = sorted((x1, x2))
            for x in range(lo, hi + 1):
                bits = (W if x > lo else 0) | (E if x < hi else 0)
                cells[(x, y1)] = cells.get((x, y1), 0) | bits
        else:
            lo, hi = sorted((y1, y2))
            for y in range(lo, hi + 1):
                bits = (N if y > lo else 0) | (S if y < hi else 0)
                cells[(x1, y)] = cells.get((x1, y), 0) | bits
    if len(pts) == 1:
        cells[pts[0]] = 0
    return cells


def measure(layout: Layout, nodes: Sequence[tuple[NodeId, Sequence[NodeId]]]) -> Quality:
    """Measure a routed layout of ``nodes`` ((id, input ids) pairs)."""
    at: dict[tuple[int, int], list[tuple[int, int]]] = {}
    edges = layout.edges
    for k, edge in enumerate(edges):
        cells = edge_cells(edge)
        source = layout.boxes.get(edge.src)
        if source is not None and len(edge.points) > 1:  # drawn joined to its box (EdgeGrid)
            first = edge.points[0]
            cells[first] |= towards(source, *first)
        for cell, bits in cells.items():
            at.setdefault(cell, []).append((k, bits))
    crossings = 0
    shared: set[tuple[int, int]] = set()
    for here in at.values():
        crossed = False
        for (a, ba), (b, bb) in combinations(here, 2):
            ea, eb = edges[a], edges[b]
            if ea.src == eb.src or ea.dst == eb.dst:
                continue
            if {ba, bb} == {HORIZONTAL, VERTICAL}:
                crossed = True
            else:
                shared.add((min(a, b), max(a, b)))
        crossings += crossed
    chains = chain_edges(nodes)
    drawn = {(e.src, e.dst): e for e in edges}
    straight = sum(1 for c in chains if c in drawn and turns(drawn[c]) == 0)
    bends = sum(turns(e) for e in edges) / len(edges) if edges else 0.0
    return Quality(
        crossings,
        len(shared),
        bends,
        len(chains),
        straight,
        layout.width,
        layout.height,
    )


def turns(edge: Edge) -> int:
    """How many times an edge's path changes direction."""
    dirs = []
    for (x1, y1), (x2, y2) in zip(edge.points, edge.points[1:], strict=False):
        d = ((x2 > x1) - (x2 < x1), (y2 > y1) - (y2 < y1))
        if d != (0, 0) and (not dirs or dirs[-1] != d):
            dirs.append(d)
    return max(0, len(dirs) - 1)


def pairs(edges: Iterable[Edge]) -> list[tuple[NodeId, NodeId]]:
    """(source, target) of every edge, in order (handy in test messages)."""
    return [(e.src, e.dst) for e in edges]

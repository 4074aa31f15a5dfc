"""The eager graph's first iteration, placed node by node on a growing grid. Pure.

Before any map exists, an eager iteration is drawn as it is made, and its depth is not
known until it ends. Nothing placed ever moves (:class:`Growing`):

* a node goes into the layer after its deepest input, as near across as it can get to its
  inputs (a leaf: beside the node made just before it, which the op made next reads with
  it), its box as wide as its label needs (top to bottom, the columns are as wide as their
  boxes, not one width for all); where the pane is used up across, a layer or two on where
  one is inside it, else past it;
* the layers wrap as text wraps into lines: as many as fit along the pane
  (:func:`band_layers`) make a band, and a node that would go past the pane's edge starts a
  new band of layers beside the last (below it left to right, right of it top to bottom;
  the first time, only where that band starts inside the pane: :meth:`Bands.wraps`);
* every edge is found cell by cell through the cells left free
  (:meth:`tui.drawing.paths.Cells.find`): it never shares a cell with an edge of another
  source and target (it crosses one straight, ``┼``), nor takes a box's cells or the cells
  where another box's edges leave and arrive, so the boxes placed later find theirs free::

    [x 64×1000] ─▶ [mm 64×100] ─▶ [clamp 64×100]      (a band of three layers)
        │
        └─────────────────────────────────┐            (the gap between the bands)
      ┌───────────────────────────────────┼──┐
      └▶ [sub 64×10] ─▶ [pow 64×10]       │  │         (the next band)
      ┌───────────────────────────────────┘  │
      └▶ [t 1000×64]                         │         (x read by t, two bands on)
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, replace
from statistics import median_low
from typing import TYPE_CHECKING

from tui.drawing.fit import BOX_SIZES
from tui.drawing.fold import NO_GRAD, PREFIX
from tui.drawing.layout import MARGIN, Box, Edge, Layout, Spacing, corners, entry_v, exit_v
from tui.drawing.paths import HALF, Cells

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from tui.drawing.fit import Try
    from tui.drawing.layout import NodeId, Orientation
    from tui.drawing.paths import Cell

__all__ = ["CORRIDOR", "ENTRY", "GUTTER", "TINY_U", "Bands", "Growing", "band_layers", "grid_box"]

CORRIDOR = 0
"""Cells between two bands besides the gap every box keeps before it (more: a deep loop's
last band past the pane; the edges into a band find their way without)."""
GUTTER = 2
"""Cells past the last layer of the later bands, for the edges that skip a band."""
ENTRY = 2
"""Cells a later band's first layer leaves before it, besides a channel's own: every edge
into that band comes down them."""
OUTSIDE = 20
"""Cost of an edge's cell outside the pane: it goes there only where the pane is full."""
IN_LAYER = 4
"""Cost of an edge's cell running across the layers inside a layer's boxes' band (or its
arrows' row): those cells are where later boxes of that layer go."""
TINY_U = 9
"""Cells along the layers a tiny box takes left to right (a name cut to fit: ``[masked…]``):
a pane too small for six layers of mini boxes holds nearly twice as many layers a band, so
a deep loop wraps into fewer bands, each costing rows the pane has few of."""


def grid_box(orientation: str, size: str) -> tuple[int, int]:
    """The rows and cells of a box of ``size`` on the grid (:data:`TINY_U` for a tiny box
    left to right; each box is as wide as its label needs, up to that)."""
    box_h, box_w = BOX_SIZES[size]
    return (box_h, TINY_U) if size == "tiny" and orientation == "LR" else (box_h, box_w)


@dataclass(frozen=True)
class Bands:
    """Where a pane's grid wraps: the layers that fit along the pane in the first band and
    in each later one (which leaves a channel before its first layer and the gutter after
    its last), and the pane's cells along and across the layers."""

    first: int
    each: int
    along: int
    """The pane's cells along the layers."""
    across: int
    """The pane's cells across the layers (its height left to right, its width top to
    bottom)."""
    spacing: Spacing

    def wraps(self, band: int, layer: int, start: int, size: int = 0) -> bool:
        """A node going into ``layer`` of ``band`` (counted from the band's first) starts a
        new band, whose boxes would start ``start`` cells across: it is past the pane's edge,
        and where this is the first band, the new band's first box (``size`` cells across;
        0: a box size's own) is still inside the pane (else the first band goes on past the
        edge: the second would scroll as far across; a graph that has wrapped once goes on
        wrapping, so it scrolls one way only)."""
        if layer < (self.each if band else self.first):
            return False
        return bool(band) or start + (size or self.spacing.box_v) + MARGIN <= self.across


def band_layers(way: Try, room: tuple[int, int]) -> Bands | None:
    """Where the grid of a ``room`` (width, height) pane drawn ``way`` wraps; None where
    the pane's size is not known yet."""
    orientation, size, lanes = way
    if not room[0] * room[1]:
        return None
    box_h, box_w = grid_box(orientation, size)
    sp = Spacing.for_(orientation, box_h, box_w, lanes)  # type: ignore[arg-type]
    along, across = room if orientation == "LR" else room[::-1]
    pitch = sp.box_u + sp.gap_u
    first = (along - 2 * MARGIN + sp.gap_u) // pitch
    each = (along - 2 * MARGIN - sp.gap_u - ENTRY - sp.box_u - sp.stub - GUTTER) // pitch + 1
    return Bands(max(2, first), max(2, each), along, across, sp)


@dataclass(frozen=True)
class Placed:
    """A box on the abstract grid: its first corner (u, v) and its size (du, dv)."""

    u: int
    v: int
    du: int
    dv: int
    layer: int
    band: int


class Growing:
    """The first iteration's grid: :meth:`add` each node as it is made (placed once, never
    moved, its edges found then), :meth:`layout` the drawing so far.

    Args:
        way: the orientation, box size and lanes, fixed for the whole iteration.
        bands: where the grid wraps (None: the pane's size is not known; it does not wrap).
    """

    def __init__(self, way: Try, bands: Bands | None) -> None:
        self.orientation: Orientation = way[0]  # type: ignore[assignment]
        box_h, self.box_w = grid_box(self.orientation, way[1])
        self.sp = Spacing.for_(self.orientation, box_h, self.box_w, way[2])
        self.bands = bands
        self.placed: dict[NodeId, Placed] = {}
        """Every node placed so far."""
        self.starts: list[int] = [0]
        """The first layer of each band."""
        self.bases: list[int] = [MARGIN + self.sp.gap_v]
        """The first cell across of each band's boxes."""
        self.cells = Cells()
        self.edges: dict[tuple[NodeId, NodeId], list[Cell]] = {}
        """Each edge's cells, in the order they were found."""
        self._entries: dict[NodeId, int] = {}
        self._last: NodeId | None = None
        self._reach = (0, 0)
        self._deep = self.sp.gap_u - self.sp.stub >= 3
        """The cell before an arrow is kept for it too: a channel has a cell between it and
        the cells where the layer before's edges leave."""
        self._rows: dict[tuple[bool, int, int, int, int], tuple[list[int], list[int]]] = {}
        self._rows_for = 0
        self._drawn: dict[tuple[NodeId, NodeId], Edge] = {}
        self._boxes: dict[NodeId, Box] = {}
        self._far: tuple[int, int] | None = (0, 0)
        """The column and row past the boxes and edges drawn so far (:meth:`Layout.reach`;
        None: a node went, work it out afresh)."""
        self._joined: dict[NodeId, tuple[NodeId, ...]] = {}
        """The inputs each node's edges were all looked at for (:meth:`join`)."""

    # ------------------------------------------------------------ placing

    def keep(self, nids: Iterable[NodeId]) -> None:
        """Drop the placed nodes not among ``nids`` (a group took them in), and their edges."""
        kept = set(nids)
        for nid in [n for n in self.placed if n not in kept]:
            del self.placed[nid]
            self._boxes.pop(nid, None)
            self._far = None
            self._joined.clear()
            self.cells.drop_box(nid)
            for pair in [p for p in self.edges if nid in p]:
                del self.edges[pair]
                self._drawn.pop(pair, None)
            if self._last == nid:
                self._last = None

    def add(self, nid: NodeId, inputs: Sequence[NodeId], width: int) -> Placed:
        """Place one node (its box ``width`` cells wide) next to its inputs, then find its
        edges from the inputs placed so far."""
        if nid not in self.placed:
            self.placed[nid] = self._place(nid, inputs, width)
            self._last = nid
        self.join(nid, inputs)
        return self.placed[nid]

    def _place(self, nid: NodeId, inputs: Sequence[NodeId], width: int) -> Placed:
        sp = self.sp
        ins = [self.placed[i] for i in inputs if i in self.placed and i != nid]
        last = self.placed.get(self._last) if self._last is not None else None
        band = len(self.starts) - 1
        lay = 1 + max((p.layer for p in ins), default=-1)
        if last is not None and not ins and _module(nid):
            # a module's box, opened by its first leaf (a Linear's weight): the op made next,
            # inside it, reads the node made last, so the box goes after that node, in line
            # with it (beside it, the edge in would run backwards, and wait for the map)
            ins, lay = [last], last.layer + 1
        elif last is not None and (not ins or lay < last.layer):
            # a leaf, or a node reading only nodes made long before (or in bands that have
            # ended): beside the node made last, which the op made next reads with it
            lay = last.layer
        if self.orientation == "LR":
            du, dv = min(width, self.box_w), sp.box_v
        else:
            du, dv = sp.box_u, width
        start = self._reach[1] + CORRIDOR + sp.gap_v
        if self.bands is not None and self.bands.wraps(band, lay - self.starts[band], start, dv):
            self.starts.append(lay)  # past the pane's edge: a new band past everything
            self.bases.append(start)
            band += 1
        u = self._u0(lay)
        here = [p for p in ins if p.band == band]
        if here:  # its first in-edge's arrow in line with the median input's exit
            outs = sorted(p.v + self._exit(p.dv) for p in here)
            want = median_low(outs) - self._entry(dv, 0)
        elif last is not None and last.band == band:
            want = last.v + last.dv + sp.gap_v
        else:
            want = self.bases[band]
        before = 1 + bool(inputs) + self._deep
        v = self._free(u, du, dv, want, self.bases[band], before)
        if self.bands is not None and v + dv > self.bands.across - MARGIN:
            # past the pane's edge across: a layer or two on, where one is inside it
            end = self.starts[band] + (self.bands.each if band else self.bands.first)
            for later in range(lay + 1, min(lay + 3, end)):
                u2 = self._u0(later)
                v2 = self._free(u2, du, dv, want - sp.gap_v, self.bases[band], before)
                if v2 + dv <= self.bands.across - MARGIN:
                    lay, u, v = later, u2, v2
                    break
        self.cells.add_box(nid, u, v, du, dv)
        for b in range(v, v + dv) if inputs else ():  # its arrows arrive before it, straight...
            self.cells.add_port((u - 1, b), False, nid)
        if inputs and self._deep:  # (where the cell before is not where edges leave)
            for k in range(dv):
                self.cells.add_port((u - 2, v + self._entry(dv, k)), False, nid)
        self.cells.add_port((u + du, v + self._exit(dv)), True, nid)  # ...its edges leave after
        self._grow(u + du + 1, v + dv)
        return Placed(u, v, du, dv, lay, band)

    def _free(self, u: int, du: int, dv: int, want: int, low: int, before: int) -> int:
        """The cell across nearest ``want`` (not before ``low``) where a box of du x dv at u
        fits, with ``before`` cells free of edges before it (its arrows' and the cells they
        come from: none for a leaf) and one after it, inside the pane where it can."""
        across = self.bands.across if self.bands is not None else 1 << 30
        gap = self.sp.gap_v
        boxes, taken, ports = self.cells.boxes, self.cells.taken, self.cells.ports

        def fits(v: int) -> bool:
            for a in range(u - before, u + du + 1):
                for b in range(v, v + dv):
                    if taken((a, b)) or (u <= a < u + du and (a, b) in ports):
                        return False
            for a in range(u, u + du):
                for b in (*range(v - gap, v), *range(v + dv, v + dv + gap)):
                    if (a, b) in boxes:
                        return False
            return True

        top = across - MARGIN - dv  # the last start inside the pane
        for d in range(max(top, want) - low + 1):
            for v in (want + d, want - d) if d else (want,):
                if low <= v <= top and fits(v):
                    return v
        v = max(low, min(want, top + 1))
        while not fits(v):
            v += 1
        return v

    # ------------------------------------------------------------ edges

    def join(self, nid: NodeId, inputs: Sequence[NodeId]) -> None:
        """Find the edges into ``nid`` from its inputs placed so far (each once), those that
        run forward: a group placed before an input it took in later has its edge drawn on
        the map, once the iteration has ended."""
        dst = self.placed.get(nid)
        if dst is None or self._joined.get(nid) == tuple(inputs):
            return
        joined = True
        for src in inputs:
            if src not in self.placed:
                joined = False
                continue
            if src == nid or (src, nid) in self.edges:
                continue
            p = self.placed[src]
            if p.layer >= dst.layer:
                continue
            k = self._entries.get(nid, 0)
            self._entries[nid] = k + 1
            start = (p.u + p.du, p.v + self._exit(p.dv))
            end = (dst.u - 1, dst.v + self._entry(dst.dv, k))
            path = self.cells.find(src, nid, start, end, self._bounds(), self._extra)
            self.cells.lay(src, nid, path)
            self.edges[(src, nid)] = path
            self._grow(max(c[0] for c in path) + 1, max(c[1] for c in path) + 1)
        if joined:  # every input placed and looked at: nothing more to join until one goes
            self._joined[nid] = tuple(inputs)

    def _bounds(self) -> tuple[int, int]:
        along, across = (self.bands.along, self.bands.across) if self.bands is not None else (0, 0)
        return max(along, self._reach[0]) + 6, max(across, self._reach[1]) + 6

    def _extra(
        self, lo_u: int, hi_u: int, lo_v: int, hi_v: int
    ) -> list[tuple[list[int], list[int]]]:
        """What an edge's cells cost besides their step, in half cells, along u and along v,
        row by row (:data:`tui.drawing.paths.Extra`): outside the pane, or running across
        the layers where a layer's boxes (or their arrows) go."""
        if self._rows_for != len(self.bases):
            self._rows_for = len(self.bases)
            self._rows.clear()
        bands = self.bands
        firsts = (self._band_u(0), self._band_u(1))
        out = []
        for u in range(lo_u, hi_u):
            key = (
                bands is not None and not MARGIN <= u < bands.along - MARGIN,
                self._in_layer(u, firsts[0]),
                self._in_layer(u, firsts[1]),
                lo_v,
                hi_v,
            )
            rows = self._rows.get(key)
            if rows is None:
                rows = self._rows[key] = self._row(*key)
            out.append(rows)
        return out

    def _in_layer(self, u: int, first: int) -> int:
        """What a cell at ``u`` costs running across the layers of a band whose first layer
        is at ``first``: inside a layer's boxes' band (or its arrows' row), or just past the
        boxes, where their edges leave."""
        sp = self.sp
        pitch = sp.box_u + sp.gap_u
        r = (u - first) % pitch
        if u >= first - 1 and (r < sp.box_u or r == pitch - 1):
            return IN_LAYER
        return 1 if u >= first and r == sp.box_u else 0

    def _row(
        self, out_u: bool, first: int, later: int, lo_v: int, hi_v: int
    ) -> tuple[list[int], list[int]]:
        """One row's costs (:meth:`_extra`): ``out_u``, it is outside the pane along u;
        ``first``, ``later``: its cost across the layers in the first band, in later ones."""
        bands = self.bands
        along_u, along_v = [], []
        second = self.bases[1] if len(self.bases) > 1 else 1 << 30
        for v in range(lo_v, hi_v):
            outside = bands is not None and (out_u or not MARGIN <= v < bands.across - MARGIN)
            cost = OUTSIDE if outside else 0
            along_u.append(HALF * cost)
            along_v.append(HALF * (cost + (first if v < second else later)))
        return along_u, along_v

    # ------------------------------------------------------------ the drawing

    def layout(self) -> Layout:
        """The drawing so far: boxes and edges in cells, as wide and high as they reach."""
        swap = self.orientation == "TB"
        out = Layout(self.orientation)

        def xy(u: int, v: int) -> tuple[int, int]:
            return (v, u) if swap else (u, v)

        far = self._far
        right, bottom = far or (0, 0)
        for nid, p in self.placed.items():
            box = self._boxes.get(nid)
            if box is None:
                box = self._boxes[nid] = Box(*xy(p.u, p.v), *xy(p.du, p.dv))
                right, bottom = max(right, box.x2), max(bottom, box.y2)
            out.boxes[nid] = box
        for pair, path in self.edges.items():
            edge = self._drawn.get(pair)
            if edge is None:
                edge = self._drawn[pair] = Edge(*pair, corners(xy(u, v) for u, v in path))
                right = max(right, 1 + max((x for x, _ in edge.points), default=-1))
                bottom = max(bottom, 1 + max((y for _, y in edge.points), default=-1))
            out.edges.append(edge)
        if far is None:  # (only the boxes and edges made since were looked at)
            right, bottom = out.reach()
        self._far = (right, bottom)
        out.width, out.height = right + MARGIN, bottom + MARGIN
        return out

    # ------------------------------------------------------------ geometry

    def _band_u(self, band: int) -> int:
        return MARGIN + (self.sp.gap_u + ENTRY if band else 0)

    def _u0(self, layer: int) -> int:
        band = bisect_right(self.starts, layer) - 1
        return self._band_u(band) + (layer - self.starts[band]) * (self.sp.box_u + self.sp.gap_u)

    def _exit(self, dv: int) -> int:
        return exit_v(replace(self.sp, box_v=dv), self.orientation)

    def _entry(self, dv: int, k: int) -> int:
        return entry_v(replace(self.sp, box_v=dv), self.orientation, k)

    def _grow(self, u: int, v: int) -> None:
        self._reach = (max(self._reach[0], u), max(self._reach[1], v))


def _module(nid: NodeId) -> bool:
    """Whether ``nid`` is a module's box (a group, not the updates under ``no_grad``)."""
    return isinstance(nid, str) and nid.startswith(PREFIX) and nid != PREFIX + NO_GRAD

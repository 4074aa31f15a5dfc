"""The eager graph's first iteration on the append-only grid, wrapped into bands. Pure.

Before any map exists, an eager iteration is placed node by node
(:class:`tui.drawing.layout.AppendPlacer`), and its depth is not known until it ends. So the
grid's layers wrap as text wraps into lines: as many layers as fit along the pane
(:func:`band_layers`) make a band, and a node that would go past the pane's edge starts a
new band of layers beside the last (below it left to right, right of it top to bottom;
the first time, only where that band starts inside the pane: :meth:`Bands.wraps`).
Nothing placed before moves; the pane grows across, not along.

An edge into a later band runs down the channel after its source's layer to the corridor
between the two bands, along it, and down the channel before its target's layer (each
later band has one before its first layer); an edge that skips a band goes round the far
end of the bands between, in the gutter past their last layer::

    [x] ─▶ [mm] ─▶ [clamp]         (a band of three layers, left to right)
     │
     └──────────────────┐          (the corridor between the bands)
      ┌─────────────────┼──┐
      └▶ [sub] ─▶ [pow] │  │       (the next band: its layers start after a channel)
      ┌─────────────────┘  │
      └▶ [t]               │       (x read by t, two bands on: round the gutter)
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tui.drawing.fit import BOX_SIZES
from tui.drawing.layout import (
    MARGIN,
    Box,
    Edge,
    Lanes,
    Layout,
    Spacing,
    corners,
    entry_v,
    exit_v,
    geometry,
    grid_edges,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

    from tui.drawing.fit import Try
    from tui.drawing.layout import AppendPlacer, NodeId, Orientation

__all__ = ["CORRIDOR", "ENTRY", "GUTTER", "Bands", "band_layers", "banded"]

CORRIDOR = 3
"""Lanes between two bands (besides the gap every slot has before it)."""
GUTTER = 2
"""Lanes past the last layer of the later bands, for the edges that skip a band."""
ENTRY = 2
"""Lanes a later band's first channel has besides a channel's own: every edge into that band
comes down it."""
RIGHT = "right"
"""The lanes key of the channel after a later band's last layer: the gutter."""


@dataclass(frozen=True)
class Bands:
    """Where a pane's grid wraps: the layers that fit along the pane in the first band and
    in each later one (which leaves a channel before its first layer and the gutter after
    its last), and the cells across it that the bands' slots may take."""

    first: int
    each: int
    along: int
    """The pane's cells along the layers."""
    across: int
    """The pane's cells across the layers (its height left to right, its width top to
    bottom)."""
    spacing: Spacing

    def wraps(self, band: int, layer: int, free: int) -> bool:
        """A node going into ``layer`` of ``band`` (counted from the band's first) starts a
        new band, whose first slot is ``free``: it is past the pane's edge, and where this is
        the first band, the new band's first box is still inside the pane (else the first
        band goes on past the edge: the second would scroll as far across; a graph that
        has wrapped once goes on wrapping, so it scrolls one way only)."""
        if layer < (self.each if band else self.first):
            return False
        if band:
            return True
        sp = self.spacing
        end = MARGIN + sp.gap_v + free * (sp.box_v + sp.gap_v) + CORRIDOR * (band + 1)
        return end + sp.box_v + MARGIN <= self.across


def band_layers(way: Try, room: tuple[int, int]) -> Bands | None:
    """Where the grid of a ``room`` (width, height) pane drawn ``way`` wraps; None where
    the pane's size is not known yet."""
    orientation, size, lanes = way
    if not room[0] * room[1]:
        return None
    box_h, box_w = BOX_SIZES[size]
    sp = Spacing.for_(orientation, box_h, box_w, lanes)  # type: ignore[arg-type]
    along, across = room if orientation == "LR" else room[::-1]
    pitch = sp.box_u + sp.gap_u
    first = (along - 2 * MARGIN + sp.gap_u) // pitch
    each = (along - 2 * MARGIN - sp.gap_u - ENTRY - sp.box_u - sp.stub - GUTTER) // pitch + 1
    return Bands(max(2, first), max(2, each), along, across, sp)


def banded(
    placer: AppendPlacer,
    inputs: Sequence[tuple[NodeId, Sequence[NodeId]]],
    way: Try,
    bands: Bands | None,
) -> Layout:
    """The grid's placements turned into boxes and routed edges, band by band (one band:
    :func:`tui.drawing.layout.geometry`'s drawing).

    Args:
        placer: the placed nodes and where each band starts.
        inputs: (node id, input ids) in creation order; edges are routed in this order.
        way: the orientation, box size and lanes.
        bands: where the grid wraps (the placer's ``wraps``).
    """
    orientation: Orientation = way[0]  # type: ignore[assignment]
    box_h, box_w = BOX_SIZES[way[1]]
    placed = placer.placed
    if len(placer.bands) == 1 or bands is None:
        return geometry(placed, inputs, orientation, box_h, box_w, way[2])
    sp = Spacing.for_(orientation, box_h, box_w, way[2])
    pitch_u, pitch_v = sp.box_u + sp.gap_u, sp.box_v + sp.gap_v
    bases = placer.bands
    last = bands.each

    def local(layer: int) -> tuple[int, int]:
        band = placer.band_of(layer)
        return band, layer - placer.starts[band]

    def u0(layer: int) -> int:
        band, k = local(layer)
        return MARGIN + (sp.gap_u + ENTRY if band else 0) + k * pitch_u

    def band_of_slot(slot: int) -> int:
        return bisect_right(bases, slot) - 1

    def v0(slot: int) -> int:
        return MARGIN + sp.gap_v + slot * pitch_v + CORRIDOR * band_of_slot(slot)

    def gap(slot: int) -> tuple[int, int]:
        """The cells before a slot that edges run along: its first and how many."""
        wide = sp.gap_v + (CORRIDOR if slot in bases[1:] else 0)
        return v0(slot) - wide, wide

    def channel(layer: int) -> tuple[object, int]:
        """The channel before a layer: its lanes key and first lane's cell."""
        band, k = local(layer)
        return (band, k), u0(layer) - sp.gap_u + sp.stub - (ENTRY if band and not k else 0)

    def after(layer: int) -> tuple[object, int]:
        """The channel after a layer (an ended later band's last: the gutter)."""
        band, k = local(layer)
        first = u0(layer) + sp.box_u + sp.stub
        ended = 0 < band < len(bases) - 1
        return ((RIGHT if ended and k + 1 == last else (band, k + 1)), first)

    # the first band's last channel: the lanes left in the pane (at least one)
    edge = bands.along - MARGIN - (u0(placer.starts[1] - 1) + sp.box_u + sp.stub)
    counts: dict[object, int] = {RIGHT: GUTTER, (0, bands.first): max(1, min(sp.lanes_u, edge))}
    counts.update({(band, 0): sp.lanes_u + ENTRY for band in range(1, len(bases))})
    lanes = Lanes(sp.lanes_u, counts)
    out = Layout(orientation)
    to_xy = (lambda u, v: (u, v)) if orientation == "LR" else (lambda u, v: (v, u))
    for nid, (lay, slot) in placed.items():
        x, y = to_xy(u0(lay), v0(slot))
        w, h = to_xy(sp.box_u, sp.box_v)
        out.boxes[nid] = Box(x, y, w, h)
    gutter = MARGIN + ENTRY + last * pitch_u + sp.stub  # past a later band's last layer
    for src, dst, k in grid_edges(placed, inputs):
        (ls, ss), (ld, sd) = placed[src], placed[dst]
        ue, ve = u0(ls) + sp.box_u, v0(ss) + exit_v(sp, orientation)
        ua, va = u0(ld) - 1, v0(sd) + entry_v(sp, orientation, k)
        (bs, _), (bd, _) = local(ls), local(ld)
        out_key, out_first = after(ls)
        in_key, in_first = channel(ld)
        pts: list[tuple[int, int]] = [(ue, ve)]
        if bs == bd and ld == ls + 1:
            c = out_first + lanes.take(out_key, min(ve, va), max(ve, va), src)
            pts += [(c, ve), (c, va)]
        elif bs == bd:  # round the boxes between: along the gap before the target
            down = va >= ve
            start, wide = gap(sd if down else sd + 1)
            c1 = out_first + lanes.take(out_key, min(ve, start), max(ve, start), src)
            vr = start + lanes.take(("gap", start), c1, u0(ld), src, wide)
            c2 = in_first + lanes.take(in_key, min(vr, va), max(vr, va), src)
            pts += [(c1, ve), (c1, vr), (c2, vr), (c2, va)]
        else:  # into a later band: along the corridor after the source's band
            start, wide = gap(bases[bs + 1])
            c1 = out_first + lanes.take(out_key, ve, start, src)
            far = u0(ld) if bd == bs + 1 else gutter
            vc = start + lanes.take(("gap", start), min(c1, far), max(c1, far), src, wide)
            pts += [(c1, ve), (c1, vc)]
            if bd > bs + 1:  # round the bands between, in the gutter past their ends
                start2, wide2 = gap(bases[bd])
                ug = gutter + lanes.take(RIGHT, vc, start2, src)
                vc = start2 + lanes.take(("gap", start2), u0(ld), ug, src, wide2)
                pts += [(ug, pts[-1][1]), (ug, vc)]
            c2 = in_first + lanes.take(in_key, vc, va, src)
            pts += [(c2, vc), (c2, va)]
        pts.append((ua, va))
        out.edges.append(Edge(src, dst, corners(to_xy(u, v) for u, v in pts)))
    right, bottom = out.reach()
    out.width, out.height = right + MARGIN, bottom + MARGIN
    return out

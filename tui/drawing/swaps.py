"""Swapped pairs: two edges that trade places between two layers share cells, whatever tracks
they take, so a long edge's dummy steps aside. Pure and App-free.

Between two layers, an edge that comes down at column ``a`` and goes on at ``b`` and another
that comes down at ``b`` and goes on at ``a`` must each run along the other's column end,
on the row where the other leaves or arrives (left to right, one-row boxes: their rows)::

    [p]─┐ ┌─▶[q]          p's edge goes on where r's leaves, r's where p's leaves:
        ├─┤               the two run along each other in the channel
    [r]─┘ └─▶ (dummy)

No order of tracks keeps them apart (:mod:`tui.drawing.route` keeps apart every pair where
only one end meets another's). Where one of the two comes down from or goes on into a long
edge's dummy, the dummy moves one cell aside, if the room between its neighbours allows, so
the pair only crosses; its long edge jogs by a cell there. Where no dummy has the room
(one-row boxes packed tight), a box at either end moves a cell, with what must go with it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tui.drawing.order import Ordered

__all__ = ["unswap"]

Entries = Callable[
    [list[int], Iterable[int] | None, dict[tuple[int, int], int] | None],
    dict[tuple[int, int], int],
]
"""(positions, the layers whose edges in to work out (None: all), the dict to fill in) ->
(upper, lower) vertex pair -> the column the edge enters the lower one at."""
Extent = Callable[[int, int], tuple[int, int]]
"""(vertex, its position) -> its lowest and highest cell across its layer."""


def swapped(
    g: Ordered, pos: list[int], entry: dict[tuple[int, int], int], upper: int
) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """The pairs of edges (upper, lower vertex) below layer ``upper`` that trade places:
    different sources, different targets, each leaving where the other enters."""
    ends: dict[tuple[int, int], list[tuple[int, int]]] = {}
    for s in g.layers[upper]:
        for t in g.down[s]:
            e = entry.get((s, t))
            if e is not None and e != pos[s]:
                ends.setdefault((pos[s], e), []).append((s, t))
    out = []
    for (a, b), mine in ends.items():
        if a >= b:
            continue
        for one in mine:
            for other in ends.get((b, a), ()):
                if one[0] != other[0] and one[1] != other[1]:
                    out.append((one, other))
    return out


def unswap(
    g: Ordered, pos: list[int], entries: Entries, extent: Extent
) -> tuple[list[int], dict[tuple[int, int], int]]:
    """Positions where no two edges of a channel trade places, as far as moving a dummy one
    cell aside (within the room its layer leaves it) takes them (``pos`` itself where none
    do), and every edge's entry column at them.

    A dummy at either end of the pair moves, pushing the dummies beyond it along; where no
    dummy has the room, a vertex at either end (a box too) moves with whatever must go with
    it (see :func:`_shifted`), keeping every edge that runs straight straight, else only
    those out of a vertex with one consumer, a chain's. So two values that each feed two
    ops, every box one row, cross once instead of running along each other (d moves a row
    down with f, its chain; b's edge into d bends)::

        [a]──┬┬▶[c]──▶[e]          [a]──┬┬▶[c]──▶[e]
             ││              ->         ││
        [b]──┴┴▶[d]──▶[f]          [b]──┼┤
                                        └┴▶[d]──▶[f]

    Args:
        g: the ordered graph.
        pos: vertex -> its port position.
        entries: the entry columns of every edge for some positions (see
            :func:`tui.drawing.route.entry_ports`).
        extent: a vertex's cells across its layer at a position.
    """
    entry = entries(pos, None, None)
    place = {v: (k, i) for k, lay in enumerate(g.layers) for i, v in enumerate(lay)}
    room = -1  # blank cells between two boxes, worked out when first needed
    for upper in range(len(g.layers) - 1):
        found = swapped(g, pos, entry, upper)
        tried: set[tuple[int, int]] = set()
        while found:
            better = None
            for far in (0, 1, 2):  # more than the dummies only where they alone fail
                if far and room < 0:
                    room = _box_gap(g, pos, extent)
                for pair in found:
                    for t in (pair[0][1], pair[1][1], pair[0][0], pair[1][0]):
                        if (t, far) in tried or not (far or g.dummy[t]):
                            continue
                        tried.add((t, far))
                        if far:
                            moves = _shift(g, pos, extent, t, place, room, far == 2)
                        else:
                            moves = _push(g, pos, extent, t, place[t][0])
                        better = _aside(g, pos, entry, entries, moves, strict=far > 0)
                        if better is not None:
                            break
                    if better is not None:
                        break
                if better is not None:
                    break
            if better is None:
                break
            pos, entry = better
            found = swapped(g, pos, entry, upper)
    return pos, entry


Moves = Callable[[int], tuple[list[int], set[int]] | None]
"""One cell further (``step`` +1 or -1) -> the positions after the move and the layers of
what moved; None where there is no room."""


def _aside(
    g: Ordered,
    pos: list[int],
    entry: dict[tuple[int, int], int],
    entries: Entries,
    moves: Moves,
    strict: bool,
) -> tuple[list[int], dict[tuple[int, int], int]] | None:
    """The positions one cell up or down (``moves``), and every edge's entry column at them,
    where that leaves fewer swapped pairs in the channels next to what moved (``strict``: and
    none more in any of them); None: no such place."""
    for step in (1, -1):
        moved = moves(step)
        if moved is None:
            continue
        trial, layers = moved
        near = sorted({c for k in layers for c in (k - 1, k) if 0 <= c < len(g.layers) - 1})
        e = entries(trial, sorted({k + d for k in layers for d in (0, 1)}), dict(entry))
        was = [len(swapped(g, pos, entry, c)) for c in near]
        now = [len(swapped(g, trial, e, c)) for c in near]
        worse = any(a > b for a, b in zip(now, was, strict=True))
        if sum(now) < sum(was) and not (strict and worse):
            return trial, e
    return None


def _push(g: Ordered, pos: list[int], extent: Extent, t: int, layer: int) -> Moves:
    """Dummy ``t`` of ``layer`` one cell further, pushing the dummies beyond it along where
    they stand too close, never a box (:func:`_pushed`)."""
    lay = g.layers[layer]
    k = lay.index(t)

    def moves(step: int) -> tuple[list[int], set[int]] | None:
        trial = _pushed(g, pos, extent, lay, k, step)
        return None if trial is None else (trial, {layer})

    return moves


def _pushed(
    g: Ordered, pos: list[int], extent: Extent, lay: list[int], k: int, step: int
) -> list[int] | None:
    """Positions with ``lay[k]`` one cell further (``step`` +1 or -1) and the dummies beyond
    it pushed along as far as they must keep a blank cell between; None where a box, or
    the layer's low end, is in the way."""
    trial = list(pos)
    trial[lay[k]] += step
    j = k
    while 0 <= j + step < len(lay):
        a, b = lay[j], lay[j + step]
        lo_a, hi_a = extent(a, trial[a])
        lo_b, hi_b = extent(b, trial[b])
        if (hi_a + 2 <= lo_b) if step > 0 else (hi_b + 2 <= lo_a):
            return trial
        if not g.dummy[b]:
            return None
        trial[b] += step
        j += step
    if step < 0 and extent(lay[j], trial[lay[j]])[0] < min(pos):
        return None
    return trial


SHIFT_MOST = 64
"""Vertices that may move together to keep a pair of edges from trading places."""


def _shift(
    g: Ordered,
    pos: list[int],
    extent: Extent,
    t: int,
    place: dict[int, tuple[int, int]],
    room: int,
    chains_only: bool = False,
) -> Moves:
    """Vertex ``t`` one cell further with whatever must go with it (:func:`_shifted`)."""

    def moves(step: int) -> tuple[list[int], set[int]] | None:
        moving = _shifted(g, pos, extent, t, step, place, room, chains_only)
        if moving is None:
            return None
        trial = list(pos)
        for v in moving:
            trial[v] += step
        return trial, {place[v][0] for v in moving}

    return moves


def _shifted(
    g: Ordered,
    pos: list[int],
    extent: Extent,
    t: int,
    step: int,
    place: dict[int, tuple[int, int]],
    room: int,
    chains_only: bool = False,
) -> set[int] | None:
    """The vertices that move one cell further (``step`` +1 or -1) when ``t`` does: each
    vertex its layer's next one would come too close to (a blank cell next to a dummy,
    ``room`` cells between two boxes), and every neighbour a moving box has at its port's
    column (so an edge that runs straight stays straight; ``chains_only``: only where the
    upper one has no other consumer, as on a chain). None where a collector's box, the
    layer's low end, or more than :data:`SHIFT_MOST` vertices would have to move."""
    dummy, box = g.dummy, g.box
    low = min(pos)
    moving = {t}
    todo = [t]
    while todo:
        v = todo.pop()
        if len(moving) > SHIFT_MOST or (box and box[v] >= 0):
            return None
        near: list[int] = []
        if not dummy[v]:
            near += [
                n for n in g.up[v] if pos[n] == pos[v] and not (chains_only and len(g.down[n]) > 1)
            ]
            if not (chains_only and len(g.down[v]) > 1):
                near += [n for n in g.down[v] if pos[n] == pos[v]]
        lo_v, hi_v = extent(v, pos[v] + step)
        if step < 0 and lo_v < low:
            return None
        k, i = place[v]
        lay = g.layers[k]
        j = i + step
        if 0 <= j < len(lay):
            b = lay[j]
            lo_b, hi_b = extent(b, pos[b])
            need = 1 if dummy[v] or dummy[b] else room
            if (hi_v + need >= lo_b) if step > 0 else (hi_b + need >= lo_v):
                near.append(b)
        for n in near:
            if n not in moving:
                moving.add(n)
                todo.append(n)
    return moving


def _box_gap(g: Ordered, pos: list[int], extent: Extent) -> int:
    """The fewest blank cells between two neighbouring boxes of a layer (boxes moved aside
    keep at least as many; 1 where no two boxes are neighbours)."""
    gaps = [
        extent(b, pos[b])[0] - extent(a, pos[a])[1] - 1
        for lay in g.layers
        for a, b in zip(lay, lay[1:], strict=False)
        if not g.dummy[a] and not g.dummy[b]
    ]
    return max(1, min(gaps, default=1))

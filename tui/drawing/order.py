"""Ordering, the second step of a layered drawing: which node goes where within its layer.

Pure and App-free. An edge that spans several layers gets a :class:`Dummy` in every layer it
passes, so it takes part in the ordering like a node and later gets its own slot. Crossings
are reduced as in ``dot`` (Gansner et al. 1993, section 3): weighted-median sweeps, down then
up, each followed by transposing neighbours while that removes crossings; the best order seen
is kept. Crossings between two layers are counted with an accumulator tree (Barth, Jünger,
Mutzel 2002)::

    a   b          a   b           a's edge to the dummy (·) and b's edge to c
    │ ╲ │    ->    │   │           no longer cross once c and the dummy swap
    │  ╳│          ·   c
    │ ╱ ╲│
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tui.drawing.layers import Ranking

NodeId = Hashable

__all__ = ["Dummy", "Ordered", "crossings", "order"]

MAX_SWEEPS = 24
"""Sweeps tried at most (``dot``'s default)."""
PATIENCE = 4
"""Sweeps without a better order before giving up."""
EFFORT = 1500
"""Vertices (nodes and dummies) up to which every sweep is tried; larger graphs get
proportionally fewer (at least three), so a 1,000-node graph still lays out at once."""


@dataclass(frozen=True)
class Dummy:
    """A point of a long edge in a layer it passes through."""

    edge: int
    """Index of the edge in :attr:`Ordered.chains`."""
    layer: int

    def __repr__(self) -> str:
        return f"~{self.edge}@{self.layer}"


@dataclass
class Ordered:
    """The layered graph with every edge between neighbouring layers, each layer in order.

    Vertices are numbered (nodes first, in creation order, then dummies): lists indexed by
    vertex keep the sweeps fast.
    """

    layers: list[list[int]]
    """Vertices of each layer, in order."""
    up: list[list[int]]
    """Vertex -> its neighbours in the layer above."""
    down: list[list[int]]
    """Vertex -> its neighbours in the layer below."""
    chains: list[tuple[int, ...]]
    """Per edge of the ranking: its vertices from upper node through dummies to lower node."""
    vertex: list[NodeId]
    """Vertex -> the node it is, or a :class:`Dummy`."""
    dummy: list[bool]
    """Vertex -> it is a dummy."""
    index: dict[NodeId, int]
    """Node -> its vertex."""
    crossings: int = 0
    """Crossings of this order."""


def proper(ranking: Ranking) -> Ordered:
    """The ranking's graph with dummies, layers in creation order (dummies after nodes)."""
    depth = 1 + max(ranking.layer.values(), default=-1)
    layers: list[list[int]] = [[] for _ in range(depth)]
    vertex: list[NodeId] = list(ranking.order)
    index = {n: i for i, n in enumerate(vertex)}
    for n in ranking.order:
        layers[ranking.layer[n]].append(index[n])
    up: list[list[int]] = [[] for _ in vertex]
    down: list[list[int]] = [[] for _ in vertex]
    chains: list[tuple[int, ...]] = []
    for k, (a, b) in enumerate(ranking.edges):
        chain = [index[a]]
        for lay in range(ranking.layer[a] + 1, ranking.layer[b]):
            d = len(vertex)
            vertex.append(Dummy(k, lay))
            up.append([])
            down.append([])
            layers[lay].append(d)
            chain.append(d)
        chain.append(index[b])
        for x, y in zip(chain, chain[1:], strict=False):
            down[x].append(y)
            up[y].append(x)
        chains.append(tuple(chain))
    dummy = [i >= len(ranking.order) for i in range(len(vertex))]
    for lay in layers:  # nodes with no edges at the end, out of the others' way
        lay.sort(key=lambda v: not (up[v] or down[v]))
    return Ordered(layers, up, down, chains, vertex, dummy, index)


def order(ranking: Ranking) -> Ordered:
    """Order every layer to reduce crossings; returns the best order found."""
    g = proper(ranking)
    pos = _positions(g.layers)
    _sweep(g, pos, downward=True, barycentre=True)  # a first order from the layer above
    best = [list(lay) for lay in g.layers]
    best_count = crossings(g, pos)
    stale = 0
    sweeps = max(3, min(MAX_SWEEPS, MAX_SWEEPS * EFFORT // max(1, len(g.vertex))))
    for it in range(sweeps):
        if best_count == 0 or stale >= PATIENCE:
            break
        _sweep(g, pos, downward=it % 2 == 1, barycentre=False)
        _transpose(g, pos, equal=it % 4 >= 2, passes=8 if sweeps == MAX_SWEEPS else 2)
        count = crossings(g, pos)
        if count < best_count:
            best, best_count, stale = [list(lay) for lay in g.layers], count, 0
        else:
            stale += 1
            if stale % 2 == 0:  # wandered off: go on from the best order
                g.layers = [list(lay) for lay in best]
                pos = _positions(g.layers)
    g.layers = best
    g.crossings = best_count
    return g


def _positions(layers: list[list[int]]) -> list[int]:
    pos = [0] * sum(len(lay) for lay in layers)
    for lay in layers:
        for i, v in enumerate(lay):
            pos[v] = i
    return pos


def _sweep(g: Ordered, pos: list[int], *, downward: bool, barycentre: bool) -> None:
    """Reorder each layer by the median (or barycentre) of its neighbours in the layer just
    swept; a vertex with no such neighbours keeps its place."""
    depth = len(g.layers)
    seq = range(1, depth) if downward else range(depth - 2, -1, -1)
    nbrs = g.up if downward else g.down
    for lay in seq:
        members = g.layers[lay]
        keys: dict[int, float] = {}
        for v in members:
            ps = sorted(pos[n] for n in nbrs[v])
            if ps:
                keys[v] = sum(ps) / len(ps) if barycentre else _median(ps)
        movable = sorted((v for v in members if v in keys), key=lambda v: (keys[v], pos[v]))
        it = iter(movable)
        new = [v if v not in keys else next(it) for v in members]
        g.layers[lay] = new
        for i, v in enumerate(new):
            pos[v] = i


def _median(ps: list[int]) -> float:
    """``dot``'s weighted median: the middle position, or between the two middle ones
    weighted towards the side whose positions are packed tighter."""
    m = len(ps) // 2
    if len(ps) % 2:
        return float(ps[m])
    if len(ps) == 2:
        return (ps[0] + ps[1]) / 2
    left, right = ps[m - 1] - ps[0], ps[-1] - ps[m]
    if left + right == 0:
        return (ps[m - 1] + ps[m]) / 2
    return (ps[m - 1] * right + ps[m] * left) / (left + right)


def _pair_crossings(v: int, w: int, g: Ordered, pos: list[int]) -> tuple[int, int]:
    """Crossings between the edges of ``v`` and of ``w`` (neighbours, ``v`` first), with
    ``v`` before ``w`` and after it."""
    before = after = 0
    for nbrs in (g.up, g.down):
        nv, nw = nbrs[v], nbrs[w]
        if not nv or not nw:
            continue
        if len(nv) == 1 and len(nw) == 1:
            a, b = pos[nv[0]], pos[nw[0]]
            before += a > b
            after += a < b
            continue
        pw = [pos[n] for n in nw]
        for n in nv:
            a = pos[n]
            for b in pw:
                if a > b:
                    before += 1
                elif a < b:
                    after += 1
    return before, after


def _transpose(g: Ordered, pos: list[int], *, equal: bool, passes: int = 8) -> None:
    """Swap neighbours while that removes crossings (``equal``: also on a tie, to move on);
    a layer is looked at again only when it or a layer beside it changed."""
    layers = g.layers
    todo = [True] * len(layers)
    for _ in range(passes):
        again = [False] * len(layers)
        for r, members in enumerate(layers):
            if not todo[r]:
                continue
            for i in range(len(members) - 1):
                v, w = members[i], members[i + 1]
                before, after = _pair_crossings(v, w, g, pos)
                if after < before or (equal and before and after == before):
                    members[i], members[i + 1] = w, v
                    pos[v], pos[w] = i + 1, i
                    if after < before:
                        again[r] = True
                        if r:
                            again[r - 1] = True
                        if r + 1 < len(layers):
                            again[r + 1] = True
        if not any(again):
            break
        todo = again


def crossings(g: Ordered, pos: list[int] | None = None) -> int:
    """Edge crossings of the order: pairs of edges between the same two layers whose ends are
    in opposite orders (accumulator tree, O(E log V) per pair of layers)."""
    pos = pos if pos is not None else _positions(g.layers)
    total = 0
    for upper, lower in zip(g.layers, g.layers[1:], strict=False):
        ends = [p for a in upper for p in sorted(pos[b] for b in g.down[a])]
        total += _inversions(ends, len(lower))
    return total


def _inversions(seq: list[int], size: int) -> int:
    """Pairs i < j with seq[i] > seq[j] (a Fenwick tree over positions 0..size-1)."""
    tree = [0] * (size + 1)
    count = 0
    for k, p in enumerate(seq):
        i = p + 1
        seen = 0
        while i > 0:  # how many so far are at or before p
            seen += tree[i]
            i -= i & -i
        count += k - seen
        i = p + 1
        while i <= size:
            tree[i] += 1
            i += i & -i
    return count

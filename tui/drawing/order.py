"""Ordering, the second step of a layered drawing: which node goes where within its layer.

Pure and App-free. An edge that spans several layers gets a :class:`Dummy` in every layer it
passes, so it takes part in the ordering like a node and later gets its own slot; the long
edges of one source share their dummies (one trunk, each edge leaving it at its target's
layer, as ``dot`` draws with ``concentrate``), as do the long edges into a gathered collector
(each joining its trunk under its source's layer). Crossings
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

import random
from bisect import bisect_right
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from tui.drawing.layers import chain_edges

if TYPE_CHECKING:
    from tui.drawing.layers import Ranking

NodeId = Hashable

__all__ = ["Dummy", "Ordered", "Part", "crossings", "order"]

MAX_SWEEPS = 24
"""Sweeps tried at most (``dot``'s default)."""
PATIENCE = 4
"""Sweeps without a better order before giving up."""
SIFT = 400
"""Vertices up to which the order is also improved by sifting."""
SIFT_PASSES = 3
RESTARTS = 1
"""Seeded shuffles tried as first orders where crossings remain (parts up to ``SIFT``)."""
EFFORT = 1000
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


@dataclass(frozen=True)
class Part:
    """A collector's tall box (:func:`tui.drawing.layers.collectors`) in a layer above its
    own: the box is one vertex in every layer it spans, always the last of its layer."""

    node: NodeId
    layer: int

    def __repr__(self) -> str:
        return f"|{self.node}@{self.layer}"


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
    box: list[int] = field(default_factory=list)
    """Vertex -> the vertex of the collector whose tall box it is part of (the collector
    itself included), or -1."""
    crossings: int = 0
    """Crossings of this order."""
    one_up: list[int] = field(init=False, repr=False)
    """Vertex -> its one neighbour in the layer above: -1 where it has none, -2 where it has
    several (the sweeps, transposes and counts look a one-edge vertex's neighbour up at
    once)."""
    one_down: list[int] = field(init=False, repr=False)
    """Vertex -> its one neighbour in the layer below, as :attr:`one_up`."""

    def __post_init__(self) -> None:
        self.one_up, self.one_down = _ones(self.up), _ones(self.down)


def proper(ranking: Ranking) -> Ordered:
    """The ranking's graph with dummies, layers in creation order (dummies after nodes, a
    collector's box last). An edge into a collector goes to its box in the next layer."""
    depth = 1 + max(ranking.layer.values(), default=-1)
    layers: list[list[int]] = [[] for _ in range(depth)]
    vertex: list[NodeId] = list(ranking.order)
    index = {n: i for i, n in enumerate(vertex)}
    for n in ranking.order:
        if n not in ranking.side:
            layers[ranking.layer[n]].append(index[n])
    up: list[list[int]] = [[] for _ in vertex]
    down: list[list[int]] = [[] for _ in vertex]
    box = [-1] * len(vertex)
    parts: dict[NodeId, dict[int, int]] = {}
    for n, top in ranking.side.items():
        own = index[n]
        box[own] = own
        parts[n] = {ranking.layer[n]: own}
        for lay in range(top, ranking.layer[n]):
            parts[n][lay] = len(vertex)
            vertex.append(Part(n, lay))
            up.append([])
            down.append([])
            box.append(own)
    chains: list[tuple[int, ...]] = []
    trunk: dict[tuple[int, int], int] = {}  # (source, layer) -> the dummy its long edges share
    for k, (a, b) in enumerate(ranking.edges):
        chain = [index[a]]
        if b in ranking.side:  # into the collector's box beside it
            chain.append(parts[b][ranking.layer[a] + 1])
        else:
            shared = (a, b) not in ranking.turned  # a turned edge ends at a: its own column
            # into a gathered collector: the trunk of every long edge into it (-1 - target)
            owner = -1 - index[b] if b in ranking.gathered else index[a]
            for lay in range(ranking.layer[a] + 1, ranking.layer[b]):
                d = trunk.get((owner, lay), -1) if shared else -1
                if d < 0:
                    d = len(vertex)
                    vertex.append(Dummy(k, lay))
                    up.append([])
                    down.append([])
                    box.append(-1)
                    layers[lay].append(d)
                    if shared:
                        trunk[(owner, lay)] = d
                chain.append(d)
            chain.append(index[b])
        for x, y in zip(chain, chain[1:], strict=False):
            if y not in down[x]:
                down[x].append(y)
                up[y].append(x)
        chains.append(tuple(chain))
    for n in ranking.side:  # the box: last in every layer it spans, one vertex a layer
        column = [parts[n][lay] for lay in sorted(parts[n])]
        for x, y in zip(column, column[1:], strict=False):
            down[x].append(y)
            up[y].append(x)
    dummy = [isinstance(v, Dummy) for v in vertex]
    for members in layers:  # nodes with no edges at the end, out of the others' way
        members.sort(key=lambda v: not (up[v] or down[v]))
    for n in ranking.side:
        for lay, v in parts[n].items():
            layers[lay].append(v)
    return Ordered(layers, up, down, chains, vertex, dummy, index, box)


def _ones(nbrs: list[list[int]]) -> list[int]:
    """Vertex -> its one neighbour in ``nbrs``, -1 where it has none, -2 where several."""
    return [ns[0] if len(ns) == 1 else -2 if ns else -1 for ns in nbrs]


def order(ranking: Ranking) -> Ordered:
    """Order every layer to reduce crossings; returns the best order found.

    Each of a few first orders (creation order, depth first and breadth first down from the
    sources, depth first up from the sinks; on a large graph only the first) is improved by
    weighted-median sweeps and transposes, then, on a small graph, by sifting each vertex to
    its best place in its layer; the order with the fewest crossings wins. Where two chain
    edges (chains of one-input ops) then cross, their ends move apart where that costs at
    most two crossings more (:func:`_unchain`), so that both can run straight.
    """
    g = proper(ranking)
    whole = g.layers
    total = 0
    out: list[list[int]] = [[] for _ in whole]
    for part in _components(g):  # apart, no edge of one can cross another's
        g.layers = [[v for v in lay if part[v]] for lay in whole]
        total += _order_part(g)
        for lay, own in zip(out, g.layers, strict=True):
            lay.extend(own)
    g.layers = out
    g.crossings = total
    if total:
        above = chain_hops(ranking, g)
        if above:
            g.crossings = _unchain(g, above)
    return g


CHAIN_CROSS = 3
"""What a crossing of two chain edges costs beyond a crossing (:func:`_unchain`): one of
the two must bend, its data path turning twice where a chain of one-input ops should read
as one line, so up to two crossings more in all are worth it (taking it away may add three
elsewhere). ``tf.gradients`` of ``x * y``: each input's gradient chain takes the other
input, so the fewest crossings (one) put each chain on the far side of its side input and
the two chains crossed; both run straight where x's and y's long edges cross the shared
gradient's (three)."""
UNCHAIN_PASSES = 4


def chain_hops(ranking: Ranking, g: Ordered) -> list[int]:
    """Vertex -> the vertex above it on the same chain edge (a chain of one-input ops, see
    :func:`tui.drawing.layers.chain_edges`, dummies included), or -1; empty where there is
    no chain edge."""
    ins: dict[NodeId, list[NodeId]] = {n: [] for n in ranking.order}
    for a, b in ranking.edges:
        if (a, b) in ranking.turned:
            ins[a].append(b)
        else:
            ins[b].append(a)
    straight = chain_edges(list(ins.items()))
    above = [-1] * len(g.vertex)
    for k, e in enumerate(ranking.edges):
        if e in straight and e not in ranking.turned:
            chain = g.chains[k]
            for u, v in zip(chain, chain[1:], strict=False):
                if g.box[v] < 0:
                    above[v] = u
    return above if any(u >= 0 for u in above) else []


def _unchain(g: Ordered, above: list[int]) -> int:
    """Move the ends of chain edges that cross each other to the place in their layer where
    crossings are fewest, a crossing of two chain edges counting :data:`CHAIN_CROSS` more;
    returns the crossings of the order then. Two chain edges that cross cannot both run
    straight (coordinates put a chain in one column), so a chain of one-input ops stays
    straight where that costs at most two crossings more in all for each crossing of chains
    it takes away: ``init``'s control edges from
    two variables' assigns drew one variable's initializer chain across the other's
    ``read`` (tf.train.GradientDescentOptimizer's graph, unfolded)."""
    below = [-1] * len(g.vertex)
    for v, u in enumerate(above):
        if u >= 0:
            below[u] = v
    pos = _positions(g.layers)
    layer_of = [0] * len(g.vertex)
    for i, lay in enumerate(g.layers):
        for v in lay:
            layer_of[v] = i
    box = g.box
    for _ in range(UNCHAIN_PASSES):
        moved = False
        for v in _crossing_chains(g, pos, above):
            if box[v] < 0 and _sift_vertex(v, g.layers[layer_of[v]], g, pos, (above, below)):
                moved = True
        if not moved:
            break
    return crossings(g, pos)


def _crossing_chains(g: Ordered, pos: list[int], above: list[int]) -> list[int]:
    """The ends of chain edges that cross another chain edge (between two layers)."""
    out: dict[int, None] = {}
    for lay in g.layers[1:]:
        hops = sorted([(pos[above[v]], pos[v], v) for v in lay if above[v] >= 0])
        lows = [pv for _, pv, _ in hops]
        if lows == sorted(lows):  # (often: no two cross)
            continue
        for i, (pu, pv, v) in enumerate(hops):
            for qu, qv, w in hops[i + 1 :]:
                if qu > pu and qv < pv:
                    out.update(dict.fromkeys((above[v], above[w], v, w)))
    return list(out)


def _chain_pair(
    v: int, w: int, pos: list[int], above: list[int], below: list[int]
) -> tuple[int, int]:
    """Crossings between ``v``'s chain edges and ``w``'s (neighbours in a layer, ``v``
    first), with ``v`` before ``w`` and after it."""
    before = after = 0
    for ends in (above, below):
        a, b = ends[v], ends[w]
        if a >= 0 and b >= 0:
            before += pos[a] > pos[b]
            after += pos[a] < pos[b]
    return before, after


def _components(g: Ordered) -> list[list[bool]]:
    """The graph's connected parts (vertex -> in it), in creation order of their first
    vertex; the parts holding a collector's box are one, the last (the box stays last)."""
    n = len(g.vertex)
    root = list(range(n))

    def find(x: int) -> int:
        while root[x] != x:
            root[x] = root[root[x]]
            x = root[x]
        return x

    for v in range(n):
        for w in g.down[v]:
            root[find(v)] = find(w)
    boxed = {find(v) for v in range(n) if g.box and g.box[v] >= 0}
    parts: dict[int, list[bool]] = {}
    last: list[bool] = [False] * n
    for v in range(n):
        r = find(v)
        part = last if r in boxed else parts.setdefault(r, [False] * n)
        part[v] = True
    return [*parts.values(), last] if boxed else list(parts.values())


def _order_part(g: Ordered) -> int:
    """Order the layers ``g`` has (one connected part); returns its crossings.

    Each first order is improved by sweeps and transposes; where crossings remain on a small
    part, a few seeded shuffles are tried too (random restarts, as OGDF's layered layout
    runs them), and the two best orders are then sifted. A first order that is the same as
    an earlier one (a depth-first and a breadth-first walk often agree) ends where that one
    did: it is not improved again."""
    size = max(1, sum(len(lay) for lay in g.layers))
    sweeps = max(4, min(MAX_SWEEPS, MAX_SWEEPS * EFFORT // size))
    small = size <= SIFT
    starts = [_creation, _depth_first, _breadth_first, _depth_first_up]
    starts = starts if size <= EFFORT else starts[:1]
    if small:
        starts += [_shuffled(seed) for seed in range(RESTARTS)]
    first = [list(lay) for lay in g.layers]
    found: list[tuple[int, list[list[int]]]] = []
    done: dict[tuple[tuple[int, ...], ...], tuple[int, list[list[int]]]] = {}
    for start in starts:
        g.layers = start(g)
        key = tuple(map(tuple, g.layers))
        if key not in done:
            count = _improve(g, sweeps)
            done[key] = (count, [list(lay) for lay in g.layers])
        count, layers = done[key]
        found.append((count, [list(lay) for lay in layers]))
        if count == 0:
            break
        g.layers = [list(lay) for lay in first]
    found.sort(key=lambda cl: cl[0])
    if small and found[0][0]:
        sifted: list[tuple[int, list[list[int]]]] = []
        first_sifted: list[list[int]] | None = None
        for _, layers in found[:2]:
            if layers == first_sifted:  # the same order sifts the same way
                sifted.append((sifted[0][0], [list(lay) for lay in sifted[0][1]]))
                continue
            first_sifted = [list(lay) for lay in layers]
            g.layers = layers
            sifted.append((_sift_all(g), layers))
        found = sorted(sifted, key=lambda cl: cl[0])
    g.layers = found[0][1]
    return found[0][0]


def _shuffled(seed: int) -> Callable[[Ordered], list[list[int]]]:
    """A first order: each layer shuffled (seeded, so a drawing is the same every time)."""

    def start(g: Ordered) -> list[list[int]]:
        rng = random.Random(seed)
        out = []
        for lay in g.layers:
            free = [v for v in lay if g.box[v] < 0]
            rng.shuffle(free)
            out.append(free + [v for v in lay if g.box[v] >= 0])  # a box stays last
        return out

    return start


def _creation(g: Ordered) -> list[list[int]]:
    """Creation order, then each layer by the barycentre of the layer above."""
    g.layers = [list(lay) for lay in g.layers]
    _sweep(g, _positions(g.layers), downward=True, barycentre=True)
    return g.layers


def _depth_first(g: Ordered) -> list[list[int]]:
    """Each layer in the order a depth-first walk down from the sources (in creation order)
    reaches its vertices, as ``dot`` starts."""
    return _walk(g, depth=True, down=True)


def _breadth_first(g: Ordered) -> list[list[int]]:
    """Each layer in the order a breadth-first walk down from the sources reaches it."""
    return _walk(g, depth=False, down=True)


def _depth_first_up(g: Ordered) -> list[list[int]]:
    """Each layer in the order a depth-first walk up from the sinks reaches it (the ends of
    a graph, a loss, are where its inputs' order shows)."""
    return _walk(g, depth=True, down=False)


def _walk(g: Ordered, *, depth: bool, down: bool) -> list[list[int]]:
    box = g.box
    seen = [False] * len(g.vertex)
    out: list[list[int]] = [[] for _ in g.layers]
    layer_of = [0] * len(g.vertex)
    for i, lay in enumerate(g.layers):
        for v in lay:
            layer_of[v] = i
    nbrs, back = (g.down, g.up) if down else (g.up, g.down)
    every = [v for lay in (g.layers if down else reversed(g.layers)) for v in lay]
    roots = [v for v in every if not back[v]] + every  # then whatever the walks missed
    for r in roots:
        if seen[r]:
            continue
        seen[r] = True
        todo = [r]
        k = 0
        while k < len(todo) if not depth else todo:
            if depth:
                v = todo.pop()
            else:
                v = todo[k]
                k += 1
            if box[v] < 0:
                out[layer_of[v]].append(v)
            nxt = [w for w in nbrs[v] if not seen[w]]
            for w in nxt:
                seen[w] = True
            todo.extend(reversed(nxt) if depth else nxt)
    for lay, old in zip(out, g.layers, strict=True):  # a collector's box stays last
        lay.extend(v for v in old if box[v] >= 0)
    return out


def _improve(g: Ordered, sweeps: int) -> int:
    """Median sweeps and transposes from the order ``g`` has (``dot``'s loop, keeping the
    best order seen); leaves the best order in ``g``, returns its crossings."""
    pos = _positions(g.layers)
    tally = _Tally(g)
    seen: _Seen = {}
    best = [list(lay) for lay in g.layers]
    best_count = tally.count(pos)
    stale = 0
    for it in range(sweeps):
        if best_count == 0 or stale >= PATIENCE:
            break
        _sweep(g, pos, downward=it % 2 == 0, barycentre=False, seen=seen)
        _transpose(g, pos, equal=it % 4 >= 2, passes=8 if sweeps == MAX_SWEEPS else 1, seen=seen)
        count = tally.count(pos)
        if count < best_count:
            best, best_count, stale = [list(lay) for lay in g.layers], count, 0
        else:
            stale += 1
            if stale % 2 == 0:  # wandered off: go on from the best order
                g.layers = [list(lay) for lay in best]
                pos = _positions(g.layers)
    g.layers = [list(lay) for lay in best]
    return best_count


class _Tally:
    """Crossings of ``g``'s order as it changes: only the pairs of layers next to a layer
    that changed since the last count are counted again (a sweep late in the loop, and a
    transpose, leave most layers as they were)."""

    def __init__(self, g: Ordered) -> None:
        self.g = g
        self.seen: list[list[int] | None] = [None] * len(g.layers)
        """Each layer's order when last counted."""
        self.pairs = [0] * max(0, len(g.layers) - 1)
        """Crossings between each layer and the next, when last counted."""

    def count(self, pos: list[int]) -> int:
        """Crossings of the order ``g`` has now (``pos``: its positions)."""
        g, seen, pairs = self.g, self.seen, self.pairs
        layers = g.layers
        changed = [lay != old for lay, old in zip(layers, seen, strict=True)]
        for i in range(len(pairs)):
            if changed[i] or changed[i + 1]:
                pairs[i] = _layer_pair(g, layers[i], len(layers[i + 1]), pos)
        for i, c in enumerate(changed):
            if c:
                seen[i] = list(layers[i])
        return sum(pairs)


def _sift_all(g: Ordered) -> int:
    """Sift the order ``g`` has, a few passes; returns its crossings."""
    pos = _positions(g.layers)
    for _ in range(SIFT_PASSES):
        if not _sift(g, pos):
            break
    return crossings(g, pos)


def _sift(g: Ordered, pos: list[int]) -> bool:
    """Move each vertex to the place in its layer where its edges cross the fewest others
    (sifting, Matuszewski et al. 1999); True if anything moved."""
    box = g.box
    moved = False
    for hot, members in zip(_hot(g, pos), g.layers, strict=True):
        if not hot:
            continue
        for v in sorted(members, key=lambda v: -len(g.up[v]) - len(g.down[v])):
            if box[v] < 0 and _sift_vertex(v, members, g, pos):
                moved = True
    return moved


def _sift_vertex(
    v: int,
    members: list[int],
    g: Ordered,
    pos: list[int],
    chains: tuple[list[int], list[int]] | None = None,
) -> bool:
    """Move ``v`` to the place in its layer (``members``, boxed vertices last) where its edges
    cross the fewest others, the nearest such place; with ``chains`` (each vertex's chain
    predecessor and successor, -1: none) a crossing of two chain edges counts
    :data:`CHAIN_CROSS` more. True if it moved."""
    box = g.box
    others = [w for w in members if w != v and box[w] < 0]
    here = members.index(v)
    delta = 0  # cost change of v moving right past each of the others, in order
    costs = [0]
    for w in others:
        before, after = _pair_crossings(v, w, g, pos)
        delta += after - before  # w now before v: v-w crossings become w-v ones
        if chains is not None:
            chain_before, chain_after = _chain_pair(v, w, pos, *chains)
            delta += CHAIN_CROSS * (chain_after - chain_before)
        costs.append(delta)
    k = min(range(len(costs)), key=lambda i: (costs[i], abs(i - here)))
    if k == here or costs[k] >= costs[here]:
        return False
    members[:] = [*others[:k], v, *others[k:], *(w for w in members if box[w] >= 0)]
    for i, w in enumerate(members):
        pos[w] = i
    return True


def _positions(layers: list[list[int]]) -> list[int]:
    pos = [0] * (1 + max((v for lay in layers for v in lay), default=-1))
    for lay in layers:
        for i, v in enumerate(lay):
            pos[v] = i
    return pos


_Seen = dict[tuple[int, ...], tuple[list[int], ...]]
"""What a sweep or transpose of a layer saw the last time it left the layer as it was:
(step, layer) -> that layer's and its neighbours' orders. Seeing them again, it would
leave the layer as it is again, so it is skipped."""


def _sweep(
    g: Ordered,
    pos: list[int],
    *,
    downward: bool,
    barycentre: bool,
    seen: _Seen | None = None,
) -> None:
    """Reorder each layer by the median (or barycentre) of its neighbours in the layer just
    swept; a vertex with no such neighbours keeps its place.

    A layer sorted by its keys, the layer it is keyed on unchanged, sorts the same way again
    (ties keep their order), so where ``seen`` holds both as they are now, it is skipped."""
    depth = len(g.layers)
    seq = range(1, depth) if downward else range(depth - 2, -1, -1)
    nbrs, one = (g.up, g.one_up) if downward else (g.down, g.one_down)
    box = g.box
    step = 1 if downward else -1
    key = [0.0] * len(pos)  # vertex -> its median (barycentre) now
    for lay in seq:
        members = g.layers[lay]
        if seen is not None:
            was = seen.get((0, lay, step, barycentre))
            if was is not None and was[0] == members and was[1] == g.layers[lay - step]:
                continue
        moving = []  # those with neighbours there, in their order now
        for v in members:
            n = one[v]
            if n == -1 or box[v] >= 0:  # no neighbours: keeps its place; a box stays last
                continue
            if n >= 0:
                key[v] = pos[n]
            else:
                ns = nbrs[v]
                if barycentre:
                    key[v] = sum([pos[n] for n in ns]) / len(ns)
                elif len(ns) == 2:
                    key[v] = (pos[ns[0]] + pos[ns[1]]) / 2
                else:
                    key[v] = _median(sorted([pos[n] for n in ns]))
            moving.append(v)
        new = members
        if moving:
            moving.sort(key=key.__getitem__)  # stable: on a tie, the order they have now
            if len(moving) == len(members):
                new = moving
            else:
                it = iter(moving)
                new = [v if one[v] == -1 or box[v] >= 0 else next(it) for v in members]
            if new != members:
                g.layers[lay] = new
                for i, v in enumerate(new):
                    pos[v] = i
        if seen is not None:
            seen[(0, lay, step, barycentre)] = (list(new), list(g.layers[lay - step]))


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
    for one, nbrs in ((g.one_up, g.up), (g.one_down, g.down)):
        a, b = one[v], one[w]
        if a >= 0 and b >= 0:  # one edge each
            a, b = pos[a], pos[b]
            before += a > b
            after += a < b
        elif a != -1 and b != -1:
            b2, a2 = _ends_crossings(nbrs[v], nbrs[w], pos)
            before += b2
            after += a2
    return before, after


def _transpose(
    g: Ordered, pos: list[int], *, equal: bool, passes: int = 8, seen: _Seen | None = None
) -> None:
    """Swap neighbours while that removes crossings (``equal``: also on a tie, to move on);
    a layer is looked at again only when it or a layer beside it changed. Where ``seen``
    holds a layer and the two beside it as they are now, from a look that swapped nothing,
    it is not looked at (it would swap nothing again)."""
    layers, up, down, one_up, one_down = g.layers, g.up, g.down, g.one_up, g.one_down
    box = g.box or [-1] * len(g.vertex)
    todo = [True] * len(layers)
    last = len(layers) - 1
    for _ in range(passes):
        again = [False] * len(layers)
        for r, members in enumerate(layers):
            if not todo[r]:
                continue
            above = layers[r - 1] if r else members
            below = layers[r + 1] if r < last else members
            if seen is not None:
                key = (1, r, equal)
                was = seen.get(key)
                if was is not None and was[1] == members and was[0] == above and was[2] == below:
                    continue
            swapped = False
            for i in range(len(members) - 1):
                v, w = members[i], members[i + 1]
                if box[w] >= 0:
                    break  # a collector's box stays last
                # as _pair_crossings, written out (this is the hot loop): a vertex with one
                # edge to a layer has its neighbour in one_up / one_down, -1 none, -2 several
                before = after = 0
                a, b = one_up[v], one_up[w]
                if a >= 0 and b >= 0:
                    a, b = pos[a], pos[b]
                    if a > b:
                        before = 1
                    elif a < b:
                        after = 1
                elif a != -1 and b != -1:
                    nw = up[w]
                    for x in up[v]:
                        a = pos[x]
                        for y in nw:
                            b = pos[y]
                            if a > b:
                                before += 1
                            elif a < b:
                                after += 1
                a, b = one_down[v], one_down[w]
                if a >= 0 and b >= 0:
                    a, b = pos[a], pos[b]
                    if a > b:
                        before += 1
                    elif a < b:
                        after += 1
                elif a != -1 and b != -1:
                    nw = down[w]
                    for x in down[v]:
                        a = pos[x]
                        for y in nw:
                            b = pos[y]
                            if a > b:
                                before += 1
                            elif a < b:
                                after += 1
                if after < before or (equal and before and after == before):
                    members[i], members[i + 1] = w, v
                    pos[v], pos[w] = i + 1, i
                    swapped = True
                    if after < before:
                        again[r] = True
                        if r:
                            again[r - 1] = True
                        if r < last:
                            again[r + 1] = True
            if seen is not None:
                if swapped:
                    seen.pop(key, None)
                else:
                    seen[key] = (list(above), list(members), list(below))
        if not any(again):
            break
        todo = again


def _ends_crossings(nv: list[int], nw: list[int], pos: list[int]) -> tuple[int, int]:
    """Crossings between the edges from a vertex to ``nv`` and from the vertex after it to
    ``nw`` (both in one neighbouring layer), with the two in this order and swapped."""
    before = after = 0
    for n in nv:
        a = pos[n]
        for m in nw:
            b = pos[m]
            if a > b:
                before += 1
            elif a < b:
                after += 1
    return before, after


def crossings(g: Ordered, pos: list[int] | None = None) -> int:
    """Edge crossings of the order: pairs of edges between the same two layers whose ends are
    in opposite orders (accumulator tree, O(E log V) per pair of layers)."""
    return sum(pair_crossings(g, pos))


def pair_crossings(g: Ordered, pos: list[int] | None = None) -> list[int]:
    """Crossings between each layer and the next."""
    pos = pos if pos is not None else _positions(g.layers)
    return [
        _layer_pair(g, upper, len(lower), pos)
        for upper, lower in zip(g.layers, g.layers[1:], strict=False)
    ]


def _layer_pair(g: Ordered, upper: list[int], lower: int, pos: list[int]) -> int:
    """Crossings between the edges out of ``upper`` (a layer in order) into the next layer
    (``lower`` vertices long)."""
    one, down = g.one_down, g.down
    ends: list[int] = []
    for a in upper:
        d = one[a]
        if d >= 0:
            ends.append(pos[d])
        elif d == -2:
            ends += sorted([pos[b] for b in down[a]])
    if len(ends) < 2 or ends == sorted(ends):  # (often: no crossings there)
        return 0
    return _inversions(ends, lower)


def _hot(g: Ordered, pos: list[int]) -> list[bool]:
    """Layers next to a pair of layers whose edges cross: only there can a swap help."""
    pairs = pair_crossings(g, pos)
    hot = [False] * len(g.layers)
    for i, c in enumerate(pairs):
        if c:
            hot[i] = hot[i + 1] = True
    return hot


def _inversions(seq: list[int], size: int) -> int:
    """Pairs i < j with seq[i] > seq[j]: each end counts the ends before it that lie after
    it, found by bisection in the sorted ends so far (the accumulator tree's count, with
    the tree kept as a sorted list; ``size`` is the lower layer's length)."""
    seen: list[int] = []
    count = 0
    for k, p in enumerate(seq):
        i = bisect_right(seen, p)
        count += k - i
        seen.insert(i, p)
    return count

"""Coordinates, the third step of a layered drawing: where each vertex goes across its layer.

Pure and App-free. A priority method in the spirit of Brandes & Köpf (GD 2001):

1. **Align.** Between each two layers, edges are taken by priority and a vertex is put in one
   column with its upper neighbour where that crosses no alignment taken already: first the
   edges of chains of one-input ops, then the inner segments of long edges (dummy to dummy),
   then a vertex's median neighbours. Aligned vertices form a *block*, drawn as one straight
   line.
2. **Compact.** Blocks are packed to the left and to the right, keeping every layer's order and
   each vertex's gap to its neighbours; the two packings are averaged (the average of two
   feasible packings is feasible, so blocks stay straight).
3. **Balance.** Each block moves towards the median of its neighbours as far as the blocks
   beside it allow, so a side input sits right beside the chain it feeds::

        x    w1              x -> MatMul -> h is a block (one column);
        │    │               w1 is pulled next to x, its edge bends into MatMul
        │ ┌──┘
        ▼ ▼
       MatMul
        │
        ▼
        h

A position is the vertex's *port*: the column (top-to-bottom) or row (left-to-right) its edges
leave from, so one position per block makes its edges straight.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Collection
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tui.drawing.order import Ordered

Size = Callable[[int], tuple[int, int]]
"""Vertex -> (extent across the layer, port offset from its low side)."""
Gap = Callable[[int, int], int]
"""Two neighbours in a layer -> blank cells between them."""

__all__ = ["align", "assign"]

BALANCE_PASSES = 4


def assign(
    g: Ordered,
    size: Size,
    gap: Gap,
    chains: Collection[tuple[int, int]] = (),
    root: list[int] | None = None,
) -> list[int]:
    """Position every vertex of ``g``; the leftmost (topmost) cell of any vertex is at 0.

    Args:
        g: the ordered layered graph.
        size: a vertex's (extent, port offset).
        gap: blank cells between two neighbours of a layer.
        chains: vertex pairs (upper, lower) drawn straight first (chain edges and their
            dummies).
        root: ``align(g, chains)`` where worked out before (it depends on neither sizes nor
            gaps: a plan drawn in a dozen box sizes aligns its blocks once).
    """
    root = align(g, chains) if root is None else root
    blocks: dict[int, list[int]] = {}
    for lay in g.layers:
        for v in lay:
            blocks.setdefault(root[v], []).append(v)
    sizes = [size(v) for v in range(len(root))]  # looked up once each
    sep: dict[tuple[int, int], int] = {}
    for lay in g.layers:
        for a, b in zip(lay, lay[1:], strict=False):
            (wa, pa), (_, pb) = sizes[a], sizes[b]
            key = (root[a], root[b])
            sep[key] = max(sep.get(key, 0), wa - pa + gap(a, b) + pb)
    succ: dict[int, list[tuple[int, int]]] = {r: [] for r in blocks}
    pred: dict[int, list[tuple[int, int]]] = {r: [] for r in blocks}
    for (ra, rb), d in sep.items():
        succ[ra].append((rb, d))
        pred[rb].append((ra, d))
    topo = _topological(list(blocks), pred, succ)
    left: dict[int, int] = {}
    for r in topo:
        before = pred[r]
        left[r] = max([left[p] + d for p, d in before]) if before else 0
    right: dict[int, int] = {}
    for r in reversed(topo):
        after = succ[r]
        right[r] = min([right[s] - d for s, d in after]) if after else 0
    shift = min(left.values(), default=0) - min(right.values(), default=0)
    x = {r: (left[r] + right[r] + shift) // 2 for r in blocks}
    _balance(g, blocks, root, x, sep, pred, succ)
    pos = [x[root[v]] for v in range(len(root))]
    _clear_columns(g, pos, sizes.__getitem__, gap)
    low = min([p - sizes[v][1] for v, p in enumerate(pos)], default=0)
    return [p - low for p in pos]


def align(g: Ordered, chains: Collection[tuple[int, int]] = ()) -> list[int]:
    """Vertex -> the top vertex of its block (step 1, :func:`assign`)."""
    align_up: dict[int, int] = {}
    pos = [0] * len(g.vertex)
    for lay in g.layers:
        for i, v in enumerate(lay):
            pos[v] = i
    chain_set = set(chains)
    dummy = g.dummy
    main = {v for v in range(len(g.vertex)) if not dummy[v] and g.up[v]}
    mid_down: dict[int, tuple[int, ...]] = {}  # u -> its median lower neighbours
    for lower in g.layers[1:]:
        cands = []
        for v in lower:
            ups = sorted(g.up[v], key=pos.__getitem__)
            mid_v = _medians(ups)
            for u in ups:
                downs = g.down[u]
                mid_u = mid_down.get(u)
                if mid_u is None:
                    mid_u = mid_down[u] = _medians(sorted(downs, key=pos.__getitem__))
                dd = dummy[u] and dummy[v]
                med = (u in mid_v) + (v in mid_u)
                if (u, v) in chain_set:
                    score = 1000
                elif not dummy[u] and not dummy[v] and g.up[u] and u in mid_v and v in main:
                    score = 200  # an op's first op input: the data path stays straight
                elif dd:
                    score = 100
                elif dummy[v] and not dummy[u] and len(downs) > 1:
                    continue  # a node keeps to its short edges; its long one bends
                elif u in mid_v or (med and dummy[u]):  # ops before side inputs
                    score = 10 + med + (not dummy[u] and not dummy[v]) + 3 * bool(g.up[u])
                    score += len(downs) > 1  # a value used again: the data path
                else:
                    continue
                cands.append((-score, pos[v], pos[u], u, v))
        cands.sort()  # (score, places): one candidate per pair of places
        taken_u: set[int] = set()
        ends: list[tuple[int, int]] = []  # accepted (pos u, pos v), sorted: never crossing
        for _, pv, pu, u, v in cands:
            if v in align_up or u in taken_u:
                continue
            k = bisect_left(ends, (pu, pv))
            if k > 0 and ends[k - 1][1] >= pv:
                continue
            if k < len(ends) and ends[k][1] <= pv:
                continue
            ends.insert(k, (pu, pv))
            align_up[v] = u
            taken_u.add(u)
    root = list(range(len(g.vertex)))
    for lay in g.layers:
        for v in lay:
            if v in align_up:
                root[v] = root[align_up[v]]
    return root


def _clear_columns(g: Ordered, pos: list[int], size: Size, gap: Gap) -> None:
    """Move a long edge one cell aside where it would go on right below another vertex of
    the layer above whose edges come down there (its port). In the channel between them the
    two would need that column one after the other: the other vertex's edges on a track
    above the long edge's turn, so the channel takes a track more than it needs (with
    one-row boxes, whose first track is kept off where another box's edge leaves, a third:
    data-loading's parameters at 80x24). One cell aside, the two only cross.

    The long edge's dummies that run straight above and below it move together (it stays
    straight), where their neighbours in every layer leave room and no other edge comes down
    or goes on in the new column."""
    dummy = g.dummy
    where: list[tuple[int, int]] = [(0, 0)] * len(pos)  # vertex -> (layer, index in it)
    for li, lay in enumerate(g.layers):
        for k, v in enumerate(lay):
            where[v] = (li, k)

    def clash(v: int, col: int) -> bool:
        """Another vertex's edges come down at ``col`` from the layer above, or another
        vertex's go on there into the layer below."""
        li = where[v][0]
        above = g.layers[li - 1] if li else []
        below = g.layers[li + 1] if li + 1 < len(g.layers) else []
        if any(pos[u] == col and g.down[u] and u not in g.up[v] for u in above if not dummy[u]):
            return True
        return any(pos[w] == col and g.up[w] and w not in g.down[v] for w in below)

    def room(v: int, col: int) -> bool:
        li, k = where[v]
        lay = g.layers[li]
        w, p = size(v)
        if k > 0:
            a = lay[k - 1]
            wa, pa = size(a)
            if col - pos[a] < wa - pa + gap(a, v) + p:
                return False
        if k + 1 < len(lay):
            b = lay[k + 1]
            _, pb = size(b)
            if pos[b] - col < w - p + gap(v, b) + pb:
                return False
        return True

    def straight(v: int, near: list[int]) -> int | None:
        """The one dummy above or below ``v`` in its column (None: none)."""
        if len(near) == 1 and dummy[near[0]] and pos[near[0]] == pos[v]:
            return near[0]
        return None

    for lay in g.layers[1:]:
        for d in lay:
            if not dummy[d] or not clash(d, pos[d]):
                continue
            run = [d]  # the long edge's dummies straight above and below it: one column
            while (up := straight(run[0], g.up[run[0]])) is not None:
                run.insert(0, up)
            while (down := straight(run[-1], g.down[run[-1]])) is not None:
                run.append(down)
            for step in (1, -1):
                col = pos[d] + step
                if all(room(v, col) and not clash(v, col) for v in run):
                    for v in run:
                        pos[v] = col
                    break


def _medians(seq: list[int]) -> tuple[int, ...]:
    if not seq:
        return ()
    m = len(seq) // 2
    return (seq[m],) if len(seq) % 2 else (seq[m - 1], seq[m])


def _topological(
    nodes: list[int],
    pred: dict[int, list[tuple[int, int]]],
    succ: dict[int, list[tuple[int, int]]],
) -> list[int]:
    need = {n: len(pred[n]) for n in nodes}
    ready = [n for n in nodes if not need[n]]
    k = 0
    while k < len(ready):
        for s, _ in succ[ready[k]]:
            need[s] -= 1
            if not need[s]:
                ready.append(s)
        k += 1
    return ready


def _balance(
    g: Ordered,
    blocks: dict[int, list[int]],
    root: list[int],
    x: dict[int, int],
    sep: dict[tuple[int, int], int],
    pred: dict[int, list[tuple[int, int]]],
    succ: dict[int, list[tuple[int, int]]],
) -> None:
    """Move each block towards the median of its neighbours, within the room its neighbours
    in every layer leave; small blocks first, so chains stay where they are and their side
    inputs come to them. A block is looked at again only once a block it looks at (a
    neighbour, or one beside it) has moved: otherwise it would stay where it is."""
    up, down = g.up, g.down
    seq = sorted(blocks, key=lambda r: len(blocks[r]))
    work = []  # (block, its neighbours' blocks, the blocks before and after it): looked up once
    for r in seq:
        near = [root[n] for v in blocks[r] for n in (*up[v], *down[v]) if root[n] != r]
        if near:
            work.append((r, near, pred[r], succ[r]))
    users: dict[int, list[int]] = {}  # block -> the work that looks at where it is
    for k, (_, near, before, after) in enumerate(work):
        for q in {*near, *(p for p, _ in before), *(s for s, _ in after)}:
            users.setdefault(q, []).append(k)
    todo = [True] * len(work)  # nothing it looks at moved since: it would stay where it is
    for _ in range(BALANCE_PASSES):
        moved = False
        for k, (r, near, before, after) in enumerate(work):
            if not todo[k]:
                continue
            todo[k] = False
            ps = sorted([x[q] for q in near])
            m = len(ps) // 2
            want = ps[m] if len(ps) % 2 else (ps[m - 1] + ps[m]) // 2
            lo = max([x[p] + d for p, d in before]) if before else want
            hi = min([x[s] - d for s, d in after]) if after else want
            new = min(max(want, lo), hi) if lo <= hi else x[r]
            if new != x[r]:
                x[r], moved = new, True
                for j in users.get(r, ()):
                    todo[j] = True
        if not moved:
            break

"""Edge routing, the last step of a layered drawing: which cells each edge runs through.

Pure and App-free. Between two layers lies a *channel*: a stub (one cell out of the box), a
few horizontal *tracks*, and the arrow cell. An edge leaves its box at the box's port, runs
straight to a track, along it, and straight on to its port in the next layer's box (or dummy);
where the two columns agree it runs straight through with no track at all.

* A node's inputs each get their own port on its box, in the order they come from, the one
  it is aligned with in the middle (so a chain stays straight); ports avoid the columns where
  other edges leave the layer above, when there is room.
* Every source in the layer above is one *net* (its fan-out shares one trunk and one track).
  Nets are ordered top to bottom so that the fewest cross, never letting two nets share a
  cell (a net that turns down where another comes down must be below it), and packed onto
  tracks left-edge style: nets whose spans do not touch share a track.

* An edge into a collector's tall box beside the layers (see :mod:`tui.drawing.plan`) ends
  on its net's track, against the box's side: a net may have a side end and no bottom.

So edges of different sources meet only at clean ``┼`` crossings; edges into one box only
merge when its ports run out::

    ╰──┬──╯   ╰──┬──╯
       │  ┌──────┘          two nets, two spans on one track would touch:
       │  │  ┌─────┐        the second net takes the next track
       ▼  ▼  ▼     ▼
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tui.drawing.order import Ordered

HARD = 1000
"""Cost of two nets sharing cells (worse than any number of crossings)."""

__all__ = ["Channel", "Net", "apart", "entry_ports", "channels"]


@dataclass
class Net:
    """One source's edges in one channel."""

    top: int
    """Column (row, left to right) where it comes down from the layer above."""
    bottoms: list[int]
    """Columns where it goes on into the layer below, sorted."""
    track: int = -1
    """Its track (-1: it runs straight, no track)."""
    side: int | None = None
    """Where it ends on its track, at a collector's box beside the layers (None: nowhere)."""
    lo: int = field(init=False)
    """Its lowest column."""
    hi: int = field(init=False)
    """Its highest column."""

    def __post_init__(self) -> None:
        ends = [self.top, *self.bottoms[:1], *self.bottoms[-1:]]
        if self.side is not None:
            ends.append(self.side)
        self.lo, self.hi = min(ends), max(ends)

    @property
    def jogs(self) -> bool:
        return self.side is not None or self.bottoms != [self.top]


@dataclass
class Channel:
    """The channel below one layer: a net per source vertex, and the tracks they use."""

    nets: dict[int | tuple[int, int], Net] = field(default_factory=dict)
    """Per source vertex; an edge with a net of its own: by its vertex pair."""
    tracks: int = 0

    def one_row(self) -> bool:
        """Its one track may lie on the arrow row: no net ends at a collector's side, and
        no column where another net comes down or goes on lies on a net's track, so each
        turning edge runs along the row its arrows are on and none touches another::

            [x]   [w1]          x's edge straight on, w1's along the arrow row
             ▼ ▼────┘
            [MatMul]
        """
        if self.tracks != 1 or any(n.side is not None for n in self.nets.values()):
            return False
        cols = sorted(
            ((c, k) for k, n in self.nets.items() for c in {n.top, *n.bottoms}),
            key=lambda ck: ck[0],
        )
        keys = [c for c, _ in cols]
        for k, n in self.nets.items():
            if n.track < 0:
                continue
            for c, owner in cols[bisect_left(keys, n.lo) : bisect_right(keys, n.hi)]:
                other = self.nets[owner]
                if owner != k and not (other.track < 0 and c in n.bottoms):
                    return False  # (a straight edge into the same arrow merges with it)
        return True


def entry_ports(
    g: Ordered,
    pos: list[int],
    span: Callable[[int], tuple[int, int] | None],
    step: int,
    lowers: Iterable[int] | None = None,
    out: dict[tuple[int, int], int] | None = None,
    skip: Collection[tuple[int, int]] = (),
) -> dict[tuple[int, int], int]:
    """(upper, lower) vertex pair -> the column its edge enters the lower vertex at.

    Args:
        g: the ordered graph.
        pos: vertex -> its port position.
        span: a node's lowest and highest entry column (None: a dummy, entered at its port).
        step: columns between two entry ports of one box (2 leaves a blank between arrows).
        lowers: only the edges into these layers (None: every layer's).
        out: the dict to fill in (None: a new one).
        skip: edges that enter their box some other way (given no port here).
    """
    out = {} if out is None else out
    box = g.box or [-1] * len(g.vertex)
    which = range(1, len(g.layers)) if lowers is None else lowers
    for k in which:
        if not 0 < k < len(g.layers):
            continue
        upper, lower = g.layers[k - 1], g.layers[k]
        tops = {pos[u] for u in upper if g.down[u]}
        for v in lower:
            if box[v] >= 0:
                continue  # a collector's box is entered from the side
            ups = sorted((u for u in g.up[v] if (u, v) not in skip), key=pos.__getitem__)
            rng = span(v)
            if rng is None or not ups:
                for u in ups:
                    out[(u, v)] = pos[v]
                continue
            lo, hi = rng
            mine = {pos[u] for u in ups}
            avoid = tops - mine
            want = [min(max(pos[u], lo), hi) for u in ups]
            anchor = next((k for k, u in enumerate(ups) if pos[u] == pos[v]), None)
            ports = _spread(want, lo, hi, step, avoid, anchor, pos[v])
            for u, p in zip(ups, ports, strict=True):
                out[(u, v)] = p
    return out


def _spread(
    want: list[int], lo: int, hi: int, step: int, avoid: set[int], anchor: int | None, mid: int
) -> list[int]:
    """Ports in order, ``step`` apart where there is room, each near where it is wanted."""
    n = len(want)
    ports = list(want)

    def free(p: int, d: int) -> int:
        q = p
        while q in avoid and lo <= q + d <= hi:
            q += d
        return p if q in avoid else q

    if anchor is not None:
        ports[anchor] = mid
        for k in range(anchor + 1, n):
            ports[k] = min(hi, free(max(want[k], ports[k - 1] + step), 1))
        for k in range(anchor - 1, -1, -1):
            ports[k] = max(lo, free(min(want[k], ports[k + 1] - step), -1))
        return ports
    for k in range(n):
        ports[k] = free(max(want[k], ports[k - 1] + step) if k else want[k], 1)
    for k in range(n - 1, -1, -1):
        cap = hi if k == n - 1 else ports[k + 1] - step
        if ports[k] > cap:
            ports[k] = cap
    return [min(max(p, lo), hi) for p in ports]


def channels(
    g: Ordered,
    pos: list[int],
    entry: dict[tuple[int, int], int],
    stub: int = 1,
    side: dict[tuple[int, int], int | None] | None = None,
    own: dict[tuple[int, int], int] | None = None,
) -> list[Channel]:
    """The channel below each layer but the last, with every net on its track.

    Args:
        g: the ordered graph.
        pos: vertex -> port position.
        entry: entry port of every edge between neighbouring layers.
        stub: cells out of a box before the first track; with none, a net that passes where
            another leaves its box keeps off the first track (it would touch that box).
        side: an edge into a collector's box (vertex pair) -> where its track ends, before
            the box's side (None: the edge leaves its box sideways, in no channel).
        own: an edge that is a net of its own (vertex pair) -> where it comes down (an
            update turned back into its variable: not where the variable's edges leave).
    """
    out = []
    box = g.box or [-1] * len(g.vertex)
    side = side or {}
    own = own or {}
    for upper in g.layers[:-1]:
        ch = Channel()
        for u in upper:
            bottoms_set: set[int] = set()
            end = None
            for v in g.down[u]:
                if (u, v) in own:
                    ch.nets[(u, v)] = Net(own[(u, v)], [entry[(u, v)]])
                elif box[v] < 0:
                    bottoms_set.add(entry[(u, v)])
                elif box[v] != box[u]:
                    end = side.get((u, v))
            if bottoms_set or end is not None:
                ch.nets[u] = Net(pos[u], sorted(bottoms_set), side=end)
        jogs = [n for n in ch.nets.values() if n.jogs]
        low = set()
        if not stub:
            tops = sorted(n.top for n in ch.nets.values())
            for n in jogs:
                k = bisect_right(tops, n.lo)
                if k < len(tops) and tops[k] < n.hi and (tops[k] != n.top or k + 1 < len(tops)):
                    inner = [t for t in tops[k : bisect_left(tops, n.hi)] if t != n.top]
                    if inner:
                        low.add(id(n))
        ch.tracks = _assign_tracks(jogs, low)
        out.append(ch)
    return out


def _cost(a: Net, b: Net) -> int:
    """Crossings (or ``HARD`` for shared cells) with ``a`` on a track above ``b``'s."""
    cost = 0
    for c in a.bottoms:  # a goes down past b's track
        if b.lo <= c <= b.hi:
            if c == b.top:
                cost += HARD
            elif c not in b.bottoms:
                cost += 1
    if a.lo <= b.top <= a.hi and b.top not in a.bottoms:  # b comes down past a's track
        cost += 1
    return cost


def apart(a: Net, b: Net) -> int:
    """Crossings of two nets on two tracks, the better one above (``HARD``: they share cells
    either way)."""
    return min(_cost(a, b), _cost(b, a))


def _either(a: Net, b: Net) -> bool:
    """Where two nets go on at one column (into one target), that column ends both tracks:
    either may then lie above the other and they merge there cleanly (``─┤``), where a track
    going on past it would draw a ``┼`` the cost does not count."""
    return all(c in (a.lo, a.hi) and c in (b.lo, b.hi) for c in set(a.bottoms) & set(b.bottoms))


def _assign_tracks(nets: list[Net], low: set[int] = frozenset()) -> int:  # type: ignore[assignment]
    """Put every jogging net on a track; returns how many tracks the channel needs.

    Args:
        nets: the channel's nets that jog.
        low: ids of nets that may not take the first track.
    """
    if not nets:
        return 0
    nets.sort(key=lambda n: (n.lo, n.hi, n.top))
    n = len(nets)
    after: list[list[int]] = [[] for _ in range(n)]  # i -> nets that should be below i
    need = [0] * n
    touch: list[list[int]] = [[] for _ in range(n)]
    cost: dict[tuple[int, int], int] = {}  # (i, j) -> cost of i on a track above j
    for i in range(n):
        a = nets[i]
        for j in range(i + 1, n):
            b = nets[j]
            if b.lo > a.hi + 1:
                break
            if a.lo > b.hi + 1:
                continue
            touch[i].append(j)
            touch[j].append(i)
            ab, ba = _cost(a, b), _cost(b, a)
            cost[(i, j)], cost[(j, i)] = ab, ba
            if ab < ba:
                after[i].append(j)
                need[j] += 1
            elif ba < ab:
                after[j].append(i)
                need[i] += 1
    placed = [False] * n
    track = [-1] * n
    count = 0
    for _ in range(n):
        ready = [i for i in range(n) if not placed[i] and need[i] == 0]
        if not ready:  # a cycle of preferences: give in where it costs least

            def extra(i: int) -> tuple[bool, int]:  # i above every net still to place
                left = [j for j in touch[i] if not placed[j]]
                # first where that shares no cells: a sum of crossings saved elsewhere
                # must not buy one shared run
                shares = any(cost[(i, j)] >= HARD > cost[(j, i)] for j in left)
                return shares, sum(cost[(i, j)] - cost[(j, i)] for j in left)

            ready = [min((i for i in range(n) if not placed[i]), key=lambda i: (extra(i), i))]
        i = ready[0]
        placed[i] = True
        for j in after[i]:
            need[j] -= 1
        done = [j for j in touch[i] if placed[j] and j != i]
        tie = [j for j in done if cost[(i, j)] == cost[(j, i)] and _either(nets[i], nets[j])]
        t = 1 + max((track[j] for j in done if j not in tie), default=-1)
        t = max(t, 1 if id(nets[i]) in low else 0)
        taken = {track[j] for j in tie}
        while t in taken:  # the first free track: above such a net where one is left there
            t += 1
        track[i] = t
        nets[i].track = t
        count = max(count, t + 1)
    return count

"""Ranking by network simplex: layers that make the edges as short as they can be. Pure.

``dot``'s ranking (Gansner, Koutsofios, North, Vo, "A Technique for Drawing Directed Graphs",
IEEE TSE 1993, section 2): every edge ``a -> b`` must go down at least one layer; among all
such rankings, take one whose edges span the fewest layers in total. A feasible ranking
(longest path) is the start; a spanning tree of *tight* edges (each spanning exactly one
layer) is grown over it; then, while a tree edge has a negative *cut value* (lengthening it
would shorten the others more), it leaves the tree and the edge with the least slack that
joins the two halves the right way enters. Shorter edges mean fewer dummies, so fewer
crossings and a narrower drawing::

    longest path           network simplex
    [c]  [a]               [a]
     │    │                 │
     │   [b]               [b]  [c]          c moves down next to its consumer:
     │    │                 │ ┌──┘           the edge c -> d spans one layer, not two
     │   ...                ▼ ▼
     └──▶[d]               [d]

As in Graphviz's ``ns.c``: the tree carries low/lim numbers of a depth-first walk (so "is
this node below that tree edge" is two comparisons), and an exchange updates only what it
changes: the ranks of the half that moves, the cut values on the tree path the entering
edge closes, and the numbering under the two ends' lowest common ancestor. The feasible
tree grows by tight edges and otherwise by the boundary edge of least slack, kept in two
heaps, so a 1,000-node graph ranks in tens of milliseconds.
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence

__all__ = ["network_simplex"]

SEARCH = 30
"""Negative tree edges looked at before the most negative one leaves (``ns.c``'s
``Search_size``)."""
MAX_PIVOTS = 4
"""Tree edge exchanges per node at most (the optimum is usually reached far sooner)."""
PIVOT_WORK = 50_000
"""Exchanges times nodes at most: each exchange may renumber the whole tree, so a large
graph stops early (a 1,000-node one after 50 exchanges, its edges then a tenth longer than
the optimum; the feasible tree alone has done most of the shortening)."""


def network_simplex(n: int, edges: Sequence[tuple[int, int]], rank: list[int]) -> list[int]:
    """Layers of nodes ``0..n-1`` with every edge ``(a, b)`` going down at least one layer
    and the edges as short as network simplex makes them.

    Args:
        n: how many nodes.
        edges: (upper, lower) pairs of an acyclic graph, no duplicates.
        rank: a feasible ranking to start from (longest path); not changed.

    Returns:
        The ranking, lowest layer 0 in every connected part.
    """
    rank = list(rank)
    if not edges:
        return rank
    out_e: list[list[int]] = [[] for _ in range(n)]
    in_e: list[list[int]] = [[] for _ in range(n)]
    for k, (a, b) in enumerate(edges):
        out_e[a].append(k)
        in_e[b].append(k)
    seen = [False] * n
    for start in range(n):
        if seen[start] or not (out_e[start] or in_e[start]):
            continue
        comp = _Simplex(start, edges, out_e, in_e, rank)
        comp.run()
        for v in comp.nodes:
            seen[v] = True
        low = min(rank[v] for v in comp.nodes)
        for v in comp.nodes:
            rank[v] -= low
    return rank


class _Simplex:
    """Network simplex on the connected part of the graph around one node."""

    def __init__(
        self,
        start: int,
        edges: Sequence[tuple[int, int]],
        out_e: list[list[int]],
        in_e: list[list[int]],
        rank: list[int],
    ) -> None:
        self.edges = edges
        self.out_e = out_e
        self.in_e = in_e
        self.rank = rank
        self.root = start
        self.nodes: list[int] = []
        self.tree: set[int] = set()
        self.t_out: dict[int, list[int]] = {}
        """Node -> tree edges out of it."""
        self.t_in: dict[int, list[int]] = {}
        """Node -> tree edges into it."""
        self.t_adj: dict[int, list[int]] = {}
        """Node -> tree edges touching it."""
        self.ends = [a + b for a, b in edges]
        """Edge -> the sum of its two nodes (one node from the other by a subtraction)."""
        self.cut: dict[int, int] = {}
        self.low: dict[int, int] = {}
        self.lim: dict[int, int] = {}
        self.par: dict[int, int] = {}
        """Node -> the tree edge to its parent (-1 at the root)."""

    def slack(self, e: int) -> int:
        a, b = self.edges[e]
        return self.rank[b] - self.rank[a] - 1

    def run(self) -> None:
        self._feasible_tree()
        self._dfs_range(self.root, -1, 1)
        self._cut_values()
        tree_list = list(self.tree)
        where = {e: i for i, e in enumerate(tree_list)}
        start = 0
        size = len(self.nodes)
        for _ in range(min(MAX_PIVOTS * size, PIVOT_WORK // size)):
            leave, found, m = -1, 0, len(tree_list)
            cut = self.cut
            for k in range(m):  # the most negative of the first SEARCH found (as ns.c)
                e = tree_list[(start + k) % m]
                if cut[e] < 0:
                    if leave < 0 or cut[e] < cut[leave]:
                        leave, slot = e, (start + k) % m
                    found += 1
                    if found >= SEARCH:
                        break
            if leave < 0:
                return
            start = slot
            enter = self._enter(leave)
            if enter < 0:
                return
            self._update(leave, enter)
            tree_list[where.pop(leave)] = enter
            where[enter] = start

    # ---------------------------------------------------------------- the feasible tree

    def _feasible_tree(self) -> None:
        """A spanning tree of tight edges: grown by tight edges as far as they reach, then
        the tree moves by the least slack of an edge leaving (or entering) it, which makes
        that edge tight, and grows again."""
        edges, rank = self.edges, self.rank
        shift = 0  # how far the tree has moved; a member's rank is base + shift
        base: dict[int, int] = {}
        outs: list[tuple[int, int]] = []  # (slack + shift, edge) of edges out of the tree
        ins: list[tuple[int, int]] = []  # (slack - shift, edge) of edges into it

        def join(v: int, via: int) -> None:  # members' ranks are set at the end
            stack = [(v, via)]
            while stack:
                v, via = stack.pop()
                if v in base:
                    continue
                base[v] = rank[v] - shift
                self.nodes.append(v)
                self.t_out.setdefault(v, [])
                self.t_in.setdefault(v, [])
                self.t_adj.setdefault(v, [])
                if via >= 0:
                    self.tree.add(via)
                    a, b = edges[via]
                    self.t_out[a].append(via)
                    self.t_in[b].append(via)
                    self.t_adj[a].append(via)
                    self.t_adj[b].append(via)
                for e in self.out_e[v]:
                    b = edges[e][1]
                    if b not in base:
                        s = rank[b] - rank[v] - 1
                        if s == 0:
                            stack.append((b, e))
                        else:
                            heapq.heappush(outs, (s + shift, e))
                for e in self.in_e[v]:
                    a = edges[e][0]
                    if a not in base:
                        s = rank[v] - rank[a] - 1
                        if s == 0:
                            stack.append((a, e))
                        else:
                            heapq.heappush(ins, (s - shift, e))

        join(self.root, -1)
        while True:
            while outs and edges[outs[0][1]][1] in base:
                heapq.heappop(outs)
            while ins and edges[ins[0][1]][0] in base:
                heapq.heappop(ins)
            if not outs and not ins:
                break
            s_out = outs[0][0] - shift if outs else None
            s_in = ins[0][0] + shift if ins else None
            if s_in is None or (s_out is not None and s_out <= s_in):
                _, e = heapq.heappop(outs)
                shift += s_out  # type: ignore[operator]
                join(edges[e][1], e)
            else:
                _, e = heapq.heappop(ins)
                shift -= s_in
                join(edges[e][0], e)
        for v in self.nodes:
            rank[v] = base[v] + shift

    # ---------------------------------------------------------------- cut values

    def _dfs_range(self, v: int, par: int, low: int) -> int:
        """Number the subtree under ``v`` (reached by tree edge ``par``) from ``low``:
        ``lim`` is a node's postorder number, ``low`` the least under it. Returns the next
        free number."""
        ends, t_adj = self.ends, self.t_adj
        par_of, low_of, lim_of = self.par, self.low, self.lim
        par_of[v], low_of[v] = par, low
        stack = [(v, par, iter(t_adj[v]))]
        nxt = low
        while stack:
            v, par, kids = stack[-1]
            for e in kids:
                if e != par:
                    w = ends[e] - v
                    par_of[w], low_of[w] = e, nxt
                    stack.append((w, e, iter(t_adj[w])))
                    break
            else:
                stack.pop()
                lim_of[v] = nxt
                nxt += 1
        return nxt

    def _cut_values(self) -> None:
        """Every tree edge's cut value, leaves first."""
        edges = self.edges
        for child in sorted(self.nodes, key=self.lim.__getitem__):  # children first
            pe = self.par[child]
            if pe < 0:
                continue
            child_is_tail = edges[pe][0] == child
            cut = 1
            for e in (*self.out_e[child], *self.in_e[child]):
                if e == pe:
                    continue
                points_to_head = (edges[e][0] == child) == child_is_tail
                cut += 1 if points_to_head else -1
                if e in self.tree:
                    cut += -self.cut[e] if points_to_head else self.cut[e]
            self.cut[pe] = cut

    def _below(self, v: int, low: int, lim: int) -> bool:
        return low <= self.lim[v] <= lim

    def _enter(self, leave: int) -> int:
        """The non-tree edge of least slack from the head half of the tree to the tail
        half that ``leave`` splits it into (-1: none)."""
        edges, lim_of = self.edges, self.lim
        a, b = edges[leave]
        if lim_of[a] < lim_of[b]:  # the tail half is the subtree: look for edges into it
            v, into = a, True
        else:  # the head half is: look for edges out of it
            v, into = b, False
        low, lim = self.low[v], lim_of[v]
        best, best_slack = -1, 0
        stack = [v]
        while stack:
            x = stack.pop()
            for e in self.in_e[x] if into else self.out_e[x]:
                other = edges[e][0] if into else edges[e][1]
                if e in self.tree:
                    continue
                if not low <= lim_of[other] <= lim:
                    s = self.slack(e)
                    if best < 0 or s < best_slack:
                        best, best_slack = e, s
                        if s == 0:
                            return best
            for e in (*self.t_out[x], *self.t_in[x]):
                p, q = edges[e]
                y = q if p == x else p
                if lim_of[y] < lim_of[x]:  # a child
                    stack.append(y)
        return best

    def _update(self, leave: int, enter: int) -> None:
        """Exchange ``leave`` for ``enter``: move the half below so ``enter`` is tight,
        update the cut values on the path ``enter`` closes, renumber under their ancestor."""
        edges = self.edges
        delta = self.slack(enter)
        a, b = edges[leave]
        if delta:
            if self.lim[a] < self.lim[b]:
                self._rerank(a, leave, -delta)
            else:
                self._rerank(b, leave, delta)
        cut = self.cut[leave]
        c, d = edges[enter]
        lca = self._tree_update(c, d, cut, True)
        self._tree_update(d, c, cut, False)
        self.cut[enter] = -cut
        del self.cut[leave]
        self.tree.discard(leave)
        self.t_out[a].remove(leave)
        self.t_in[b].remove(leave)
        self.t_adj[a].remove(leave)
        self.t_adj[b].remove(leave)
        self.tree.add(enter)
        self.t_out[c].append(enter)
        self.t_in[d].append(enter)
        self.t_adj[c].append(enter)
        self.t_adj[d].append(enter)
        self._dfs_range(lca, self.par[lca], self.low[lca])

    def _rerank(self, v: int, cut_edge: int, delta: int) -> None:
        """Add ``delta`` to the rank of every node on ``v``'s side of ``cut_edge``."""
        edges = self.edges
        stack = [(v, cut_edge)]
        while stack:
            x, came = stack.pop()
            self.rank[x] += delta
            for e in (*self.t_out[x], *self.t_in[x]):
                if e != came:
                    p, q = edges[e]
                    stack.append((q if p == x else p, e))

    def _tree_update(self, v: int, w: int, cut: int, forward: bool) -> int:
        """Walk up from ``v`` to the lowest ancestor whose subtree holds ``w``, adding or
        taking ``cut`` from the cut value of each tree edge passed; returns that ancestor."""
        edges, low, lim = self.edges, self.low, self.lim
        while not low[v] <= lim[w] <= lim[v]:
            e = self.par[v]
            p, q = edges[e]
            up = forward if v == p else not forward
            self.cut[e] += cut if up else -cut
            v = p if lim[p] > lim[q] else q
        return v

"""Layering, the first step of a layered (Sugiyama) drawing: which layer each node goes in.

Pure and App-free. Cycles are broken by turning around the edges into a node made before
their source (an update written back into a variable; drawn with their arrow at the right
end); every other edge then points from a lower layer to a higher one. Layers start from the
longest path, a node with more consumers than inputs moved down as far as its consumers
allow; network simplex (:mod:`tui.drawing.simplex`, ``dot``'s ranking) then makes the edges
as short as they can be, moving whole groups of nodes where one alone would not shorten
anything. So a side input (a weight, a label, a constant) sits in the layer just before its
consumer, as ``dot`` puts it::

    x   w1              x is an input of the chain, w1 a side input of MatMul:
     ╲ ╱                both sit in the layer just before MatMul,
    MatMul   b          and b in the layer just before Add (not beside x)
       ╲    ╱
        Add

A node that reads from all over the graph (``gradients/``) is a *collector*
(:func:`collectors`): it is drawn as a tall box beside the layers its inputs come from.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field

from tui.drawing.simplex import network_simplex

NodeId = Hashable

__all__ = ["Ranking", "chain_edges", "collectors", "rank"]

SIDE_INPUTS = 4
"""Inputs a collector has at least (see :func:`collectors`)."""
SIDE_LONG = 3
"""Layers, two or more layers up, a collector's inputs come from at least."""


@dataclass(frozen=True)
class Ranking:
    """Layers and the edges between them."""

    order: list[NodeId]
    """Every node, in creation order."""
    layer: dict[NodeId, int]
    """Node -> layer (0 first)."""
    edges: list[tuple[NodeId, NodeId]]
    """Every drawn edge, deduplicated, as (upper, lower): a turned edge is listed the way it
    is laid out (its arrow goes to its first node)."""
    turned: frozenset[tuple[NodeId, NodeId]]
    """Edges listed the other way round (they close a cycle)."""
    side: dict[NodeId, int] = field(default_factory=dict)
    """Collectors drawn beside the layers their inputs come from (see :func:`collectors`):
    node -> the first of those layers."""
    gathered: frozenset[NodeId] = frozenset()
    """Collectors drawn as an ordinary box in their own layer instead (``rank(gather=True)``),
    the long edges into each gathered in one trunk."""


def rank(nodes: Sequence[tuple[NodeId, Sequence[NodeId]]], gather: bool = False) -> Ranking:
    """Put every node in a layer.

    Args:
        nodes: (id, input ids) in creation order; unknown inputs and self loops are ignored.
        gather: a collector is an ordinary box in the layer under its inputs, their long
            edges gathered in one trunk (:attr:`Ranking.gathered`), not a tall box beside
            them: a pane too small for the whole drawing can then wrap it between any two
            layers (nothing spans them).

    Returns:
        The ranking: every edge goes from a lower layer to a higher one.
    """
    order = [n for n, _ in nodes]
    known = set(order)
    inputs = {n: list(dict.fromkeys([i for i in ins if i in known and i != n])) for n, ins in nodes}
    succ: dict[NodeId, list[NodeId]] = {n: [] for n in order}
    for n in order:
        for i in inputs[n]:
            succ[i].append(n)
    turned = _back_edges(order, succ)
    edges = [(b, a) if (a, b) in turned else (a, b) for a in order for b in succ[a]]
    edges = list(dict.fromkeys(edges))
    ups: dict[NodeId, list[NodeId]] = {n: [] for n in order}
    downs: dict[NodeId, list[NodeId]] = {n: [] for n in order}
    for a, b in edges:
        downs[a].append(b)
        ups[b].append(a)
    topo = _topological(order, ups, downs)
    layer: dict[NodeId, int] = {}
    for n in topo:
        us = ups[n]
        layer[n] = 1 + max([layer[u] for u in us]) if us else 0
    for _ in range(4):  # move nodes with more consumers than inputs down, consumers first
        moved = False
        for n in reversed(topo):
            if len(downs[n]) > len(ups[n]):
                lowest = min([layer[d] for d in downs[n]]) - 1
                if lowest > layer[n]:
                    layer[n], moved = lowest, True
        if not moved:
            break
    if edges:  # the shortest edges (dot's ranking)
        num = {n: k for k, n in enumerate(order)}
        best = network_simplex(
            len(order), [(num[a], num[b]) for a, b in edges], [layer[n] for n in order]
        )
        layer = {n: best[num[n]] for n in order}
    alone = [n for n in order if not ups[n] and not downs[n]]
    if len(alone) < len(order):  # a node with no edges waits at the bottom, out of the way
        bottom = max(layer[n] for n in order if ups[n] or downs[n])
        for n in alone:
            layer[n] = bottom
    top = min(layer.values(), default=0)
    final = {n: layer[n] - top for n in order}
    side = collectors(final, ups)
    turned_back = frozenset((b, a) for a, b in turned)
    if gather:
        return Ranking(order, final, edges, turned_back, {}, frozenset(side))
    return Ranking(order, final, edges, turned_back, side)


def collectors(layer: dict[NodeId, int], ups: dict[NodeId, list[NodeId]]) -> dict[NodeId, int]:
    """Nodes that read from all over the graph (``gradients/`` reads nearly every forward
    value): at least :data:`SIDE_INPUTS` inputs, coming from :data:`SIDE_LONG` different
    layers two or more layers up. Each is drawn as a tall box beside the layers its inputs
    come from, every input entering its side where it is made, instead of a bundle of long
    edges down to the bottom::

        [x]──────────────────▶╭──────────────╮
         │                    │ ▸ gradients/ │
        [MatMul]─────────────▶│              │
         │                    │              │
        [h]──────────────────▶│              │

    Returns node -> the first layer its box spans (its inputs' highest); boxes whose spans
    would overlap are not made (the node with more long inputs wins).
    """
    found = []
    for n, us in ups.items():
        far = [u for u in us if layer[n] - layer[u] >= 2]
        if len(us) >= SIDE_INPUTS and len({layer[u] for u in far}) >= SIDE_LONG:
            found.append((-len(far), layer[n], n, min(layer[u] for u in us)))
    found.sort(key=lambda f: f[:2])
    out: dict[NodeId, int] = {}
    spans: list[tuple[int, int]] = []
    for _, bottom, n, top in found:
        if all(bottom < a or b < top for a, b in spans):
            out[n] = top
            spans.append((top, bottom))
    return out


def _back_edges(
    order: list[NodeId], succ: dict[NodeId, list[NodeId]]
) -> set[tuple[NodeId, NodeId]]:
    """Edges into a node made before their source: what closes a cycle in a program (an
    update written back into a variable drawn as one node). Every other edge goes forward in
    creation order, so what is left has no cycle."""
    index = {n: k for k, n in enumerate(order)}
    return {(a, b) for a in order for b in succ[a] if index[b] < index[a]}


def _topological(
    order: list[NodeId], ups: dict[NodeId, list[NodeId]], downs: dict[NodeId, list[NodeId]]
) -> list[NodeId]:
    """Nodes with every input before them, in creation order where that allows."""
    need = {n: len(ups[n]) for n in order}
    ready = [n for n in order if not need[n]]
    out: list[NodeId] = []
    k = 0
    while k < len(ready):
        n = ready[k]
        k += 1
        out.append(n)
        for d in downs[n]:
            need[d] -= 1
            if not need[d]:
                ready.append(d)
    return out


def chain_edges(nodes: Sequence[tuple[NodeId, Sequence[NodeId]]]) -> set[tuple[NodeId, NodeId]]:
    """The edges of chains of one-input ops: ``a -> b`` where ``a`` is an op (it has inputs)
    with no other consumer and ``a`` is ``b``'s only input that is not a source (a weight, a
    label, a constant: those are side inputs)."""
    ins = {n: list(dict.fromkeys([i for i in s if i != n])) for n, s in nodes}
    known = set(ins)
    outs: dict[NodeId, int] = {n: 0 for n in known}
    for s in ins.values():
        for i in s:
            if i in known:
                outs[i] += 1
    op = {n: any(i in known for i in s) for n, s in ins.items()}  # it has inputs
    chains = set()
    for b, s in ins.items():
        ops = [a for a in s if a in known and op[a]]
        if len(ops) == 1 and outs[ops[0]] == 1:
            chains.add((ops[0], b))
    return chains

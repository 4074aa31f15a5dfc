"""Pruning to the fetches: only the ops the fetched tensors and run targets need, stopping at
fed tensors (TensorFlow's ``PruneForTargets``). Always on: it decides what a run means."""

from __future__ import annotations

from collections.abc import Sequence

from ..graph import Graph, Operation, Tensor
from ..plan import prune
from .view import GraphView


def run(
    graph: Graph, outputs: Sequence[Tensor], targets: Sequence[Operation], fed: Sequence[Tensor]
) -> GraphView:
    """The view of ``graph`` that computes ``outputs`` and runs ``targets``, ``fed`` given."""
    fed_set = frozenset(fed)
    ops = prune(outputs, targets, set(fed_set))
    return GraphView(tuple(ops), tuple(outputs), tuple(targets), fed_set)

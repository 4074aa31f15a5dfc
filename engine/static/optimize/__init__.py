"""Graph optimisation passes: what a Session does to the graph between building and planning.

Each pass is a pure function ``GraphView -> Change | None`` on the run-time copy of the
pruned graph (see ``view``); the user's graph never changes. They run in this order:

1. ``prune`` - only what the fetches need (always on: it decides what a run means);
2. ``constant_folding`` - static-shape arithmetic computed once (``constant_folding``);
3. ``pow_square`` - ``pow(x, 2)`` -> ``Square``, ``pow(x, 1)`` -> ``Identity``;
4. ``identity`` - no-op and identity nodes of the gradient graph removed;
5. ``arithmetic`` - constant factors merged into one scalar multiply;
6. ``cse`` - common subexpressions computed once;
7. ``fuse_matmul`` - ``MatMul`` + ``BiasAdd`` + ``Relu`` / ``Maximum(., 0)`` -> ``_FusedMatMul``;
8. ``scale_matmul`` - a scalar factor on a product's operand moved to the product or the
   other operand, whichever is smaller (``(x * c) @ b`` -> ``c * (x @ b)`` or ``x @ (b * c)``);
9. ``fuse_elementwise`` - chains of elementwise ops (and a final reduction) -> one kernel.

When anyone listens on ``engine.events.STREAM``, each pass that changed something emits
``graph_rewritten`` with the node ids it removed, the nodes it added (``node_created``'s
payload), which old node each replaced node became, and the node counts before and after.
Switch passes with ``tf.Session(optimize=False)`` (all off but pruning),
``optimize={"cse": False}`` or ``tf.ConfigProto(optimize=...)``.

A view holding a cond or a loop is only pruned: their bodies capture tensors by identity.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from engine.events import STREAM, GraphRewrittenPayload

from ..graph import Graph, Operation, Tensor
from ..placement import node_payload
from . import (
    arithmetic,
    constant_folding,
    cse,
    fuse_elementwise,
    fuse_matmul,
    identity,
    pow_square,
    prune,
    scale_matmul,
)
from .view import Change, GraphView

PASSES: tuple[tuple[str, Callable[[GraphView], Change | None]], ...] = (
    ("constant_folding", constant_folding.run),
    ("pow_square", pow_square.run),
    ("identity", identity.run),
    ("arithmetic", arithmetic.run),
    ("cse", cse.run),
    ("fuse_matmul", fuse_matmul.run),
    ("scale_matmul", scale_matmul.run),
    ("fuse_elementwise", fuse_elementwise.run),
)
"""The switchable passes, in the order they run."""
NAMES = tuple(name for name, _ in PASSES)


def options(optimize: bool | Mapping[str, bool] | None) -> dict[str, bool]:
    """Which passes run: True / None (all), False (none), or ``{pass: bool}`` over the
    defaults (all on).

    Raises:
        ValueError: a pass name that does not exist.
    """
    if optimize is None or optimize is True:
        return dict.fromkeys(NAMES, True)
    if optimize is False:
        return dict.fromkeys(NAMES, False)
    unknown = [k for k in optimize if k not in NAMES]
    if unknown:
        raise ValueError(
            f"unknown graph optimisation pass {unknown[0]!r}; the passes are {', '.join(NAMES)}"
        )
    return {name: bool(optimize.get(name, True)) for name in NAMES}


def pruned(
    graph: Graph, outputs: Sequence[Tensor], targets: Sequence[Operation], fed: Sequence[Tensor]
) -> GraphView:
    """Stage one: the view of ``graph`` that the fetches need (see ``prune``)."""
    return prune.run(graph, outputs, targets, fed)


def optimize(
    graph: Graph, view: GraphView, enabled: Mapping[str, bool]
) -> tuple[GraphView, list[GraphRewrittenPayload]]:
    """Run the enabled passes on ``view`` (``pruned(graph, ...)``).

    Returns:
        The view to plan, and one summary per pass that changed something (``pass``,
        ``removed``, ``added``, ``replaced``, ``stats``), as the events carry them; pruning
        comes first.
    """
    all_ops = [op for op in graph._ops if op._ctx is None]
    summaries: list[GraphRewrittenPayload] = []
    kept = {id(op) for op in view.ops}
    _report(
        summaries,
        graph,
        "prune",
        [op._id for op in all_ops if id(op) not in kept],
        [],
        {},
        len(all_ops),
        len(view.ops),
    )
    if view.has_control_flow:
        return view, summaries
    for name, fn in PASSES:
        if not enabled.get(name, True):
            continue
        change = fn(view)
        if change is None:
            continue
        old, new = view, change.view
        copied = set(map(id, change.copies))
        copies = set(map(id, change.copies.values()))
        old_ids, new_ids = set(map(id, old.ops)), set(map(id, new.ops))
        removed = [op._id for op in old.ops if id(op) not in new_ids and id(op) not in copied]
        added = [op for op in new.ops if id(op) not in old_ids and id(op) not in copies]
        _report(summaries, graph, name, removed, added, change.replaced, len(old.ops), len(new.ops))
        view = new
    return view, summaries


def _report(
    summaries: list[GraphRewrittenPayload],
    graph: Graph,
    name: str,
    removed: list[int],
    added: list[Operation],
    replaced: dict[int, int],
    before: int,
    after: int,
) -> None:
    if not removed and not added and not replaced:
        return
    summary: GraphRewrittenPayload = {
        "graph": graph.graph_id,
        "pass": name,
        "removed": removed,
        "added": [node_payload(op, None) for op in added]
        if STREAM.active
        else [{"node": op._id, "name": op.name, "op": op.type} for op in added],
        "replaced": {str(k): v for k, v in replaced.items()},
        "stats": {"nodes_before": before, "nodes_after": after},
    }
    for payload, op in zip(summary["added"], added, strict=True):
        if op.meta.get("fused"):
            payload["fused"] = list(op.meta["fused"])
        if op.meta.get("folded"):
            payload["folded"] = True
    summaries.append(summary)
    if STREAM.active:
        STREAM.emit("graph_rewritten", **summary)

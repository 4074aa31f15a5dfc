"""``backward()``: an iterative topological walk from the root, gradients summed in a dict.

Like PyTorch's engine: count each node's incoming edges from the root, run a node once all its
gradients have arrived (fan-out sums), highest sequence number first among the ready ones;
leaves collect their total and AccumulateGrad adds it to ``.grad`` at the end. Saved values are
freed afterwards unless ``retain_graph``.
"""

from __future__ import annotations

import heapq
from typing import TYPE_CHECKING, Any

from engine.eager import errors, metrics, tracing
from engine.eager.grad_mode import no_grad
from engine.eager.graph import Node, refresh_view
from engine.events import STREAM
from engine.ops import Immediate

if TYPE_CHECKING:
    from engine.eager.tensor import Tensor


def run_backward(
    root: Tensor, gradient: Tensor | None = None, retain_graph: bool | None = None
) -> None:
    """Backpropagate from ``root``; see ``Tensor.backward``."""
    from engine.eager.tensor import Tensor

    xp = root._dev.xp
    refresh_view(root)
    if not root.requires_grad:
        errors.fail(errors.NO_GRAD_FN)
    if gradient is None:
        if root.array.size != 1:
            errors.fail(errors.NOT_SCALAR)
        seed = xp.ones(root.array.shape, dtype=root.array.dtype)
    else:
        seed = gradient.array if isinstance(gradient, Tensor) else xp.asarray(gradient)
        if tuple(seed.shape) != tuple(root.array.shape):
            errors.fail(
                f"Mismatch in shape: grad_output[0] has a shape of {list(seed.shape)} and "
                f"output[0] has a shape of {list(root.array.shape)}."
            )
    active = STREAM.active
    if active and root.array.size == 1:
        metrics.metric("loss", float(root.array.reshape(()).item()))
    leaf_grads: dict[int, list[Any]] = {}
    if root.grad_fn is None:  # backward() on a leaf
        leaf_grads[id(root)] = [root, seed]
        _accumulate(leaf_grads, xp, active)
        return
    with no_grad():
        _run(root.grad_fn, seed, xp, leaf_grads, bool(retain_graph), active)
        _accumulate(leaf_grads, xp, active)


def _run(
    top: Node, seed: Any, xp: Any, leaf_grads: dict[int, list[Any]], retain: bool, active: bool
) -> None:
    deps: dict[Node, int] = {}
    stack, seen = [top], {top}
    while stack:  # count incoming edges of every node reachable from the root
        n = stack.pop()
        for nx in n.nexts:
            if isinstance(nx, Node):
                deps[nx] = deps.get(nx, 0) + 1
                if nx not in seen:
                    seen.add(nx)
                    stack.append(nx)
    F = Immediate(xp)
    grads: dict[Node, Any] = {top: seed}
    ready = [(-top.seq, top)]
    ran: list[Node] = []
    while ready:
        _, n = heapq.heappop(ready)
        g = grads.pop(n)
        if active:
            tracing.grad(n.graph, n.node, g, xp)
        in_grads = n.apply(F, g)
        ran.append(n)
        for nx, gi in zip(n.nexts, in_grads, strict=False):
            if nx is None or gi is None:
                continue
            if isinstance(nx, Node):
                prev = grads.get(nx)
                grads[nx] = gi if prev is None else prev + gi
                deps[nx] -= 1
                if deps[nx] == 0:
                    heapq.heappush(ready, (-nx.seq, nx))
            else:
                entry = leaf_grads.get(id(nx))
                if entry is None:
                    leaf_grads[id(nx)] = [nx, gi]
                else:
                    entry[1] = entry[1] + gi
    if not retain:
        for n in ran:
            n.release()


def _accumulate(leaf_grads: dict[int, list[Any]], xp: Any, active: bool) -> None:
    """AccumulateGrad for each leaf: create ``.grad`` or add to it in place."""
    from engine.eager.tensor import _new

    used: set[int] = set()
    for leaf, g in leaf_grads.values():
        a, g = leaf.array, xp.asarray(g)  # numpy answers 0-d math with scalars: keep arrays
        if g.dtype != a.dtype or g.shape != a.shape:
            g = xp.broadcast_to(g, a.shape).astype(a.dtype)
        if leaf.grad is None:
            if g.base is not None or not g.flags.writeable or id(g) in used:
                g = g.copy()
            used.add(id(g))
            leaf.grad = _new(g, leaf._dev)
        else:
            leaf.grad.array += g
            leaf.grad._vc[0] += 1
        if active and leaf._gtok == tracing.STATE.token:
            tracing.grad(tracing.STATE.graph, leaf._nid, leaf.grad.array, xp)

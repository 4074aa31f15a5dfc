"""Buffer assignment: which preallocated array each kernel of a plan writes into.

Run once per plan, after binding. A kernel that has an ``out=`` form (its op's ``kernel_out``)
and whose result has a shape known for this plan (static, or worked out from the fed shapes)
gets a buffer of its own from a pool, allocated once and reused by every run:

* **in place** - an elementwise op writes into the buffer of an input whose last reader it is
  (same shape and dtype);
* **pooled** - otherwise it takes a free buffer of the same shape and dtype, or a new one;
* **freed** - after a buffer's last reader ran (counting readers of views of it), it goes back
  to the pool for the next kernel that needs one of its shape.

Values that leave the run never live in a buffer: fetched values (and anything a fetch may be a
view of) are allocated anew each run, as are values stored into Variables or handed to a
cond / loop body, so nothing a user holds is overwritten by a later run. Feeds, constants and
Variables are never written to: only buffers the plan owns are.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from sys import getrefcount
from typing import TYPE_CHECKING, Any

from engine import ops as table

from .kernels import APPLY, STATIC

if TYPE_CHECKING:
    from .execute import Plan

FRESH = frozenset({"Sum", "Mean", "MeanGrad"})
"""Ops without an ``out=`` form whose result never shares memory with an input."""
ESCAPING = frozenset({"Assign", "AssignAdd", "AssignSub", "If", "While"}) | APPLY
"""Ops that keep (or hand on) the arrays they are given beyond their own step."""


def concrete_shapes(
    plan: Plan, feed_shapes: Sequence[tuple[int, ...]] | None
) -> dict[int, tuple[int, ...]]:
    """Shape of each slot, where this plan knows it: static shapes, fed shapes, constants, and
    what the op table's shape rules make of those."""
    shapes: dict[int, tuple[int, ...]] = {}
    for s, shape in zip(plan.input_slots, feed_shapes or (), strict=False):
        shapes[s] = tuple(shape)
    for s, v in enumerate(plan.template):
        if v is not None and hasattr(v, "shape"):
            shapes[s] = tuple(v.shape)
    for node in plan.nodes:
        if node.kind == "transfer":
            if node.ins[0] in shapes:
                shapes[node.out] = shapes[node.ins[0]]
            continue
        if node.kind != "run" or node.out in shapes or len(node.op.outputs) != 1:
            continue
        dims = node.op.outputs[0]._dims
        if dims is not None and None not in dims:
            shapes[node.out] = dims  # type: ignore[assignment]
        elif (
            node.op.type not in STATIC
            and node.op.type in table.OPS
            and all(i in shapes for i in node.ins)
        ):
            try:
                out = table.get(node.op.type).shape(*[shapes[i] for i in node.ins], **node.op.attrs)
            except Exception:  # leave it unknown: the kernel will say what is wrong
                continue
            if out is not None and None not in out:
                shapes[node.out] = tuple(out)  # type: ignore[arg-type]
    return shapes


def assign(
    plan: Plan,
    feed_shapes: Sequence[tuple[int, ...]] | None,
    before: Callable[[int, int], bool] | None = None,
) -> None:
    """Give every eligible run node of ``plan`` its buffer: sets ``node.fast`` (the kernel
    bound to write into it) and ``plan.buffers`` (the arrays, allocated here).

    Args:
        plan: the bound plan.
        feed_shapes: the fed values' shapes (buffers are sized from them).
        before: for a parallel plan, ``before(j, i)``: kernel node ``j`` (an index into the
            plan's kernel nodes) surely finished when node ``i`` starts. A buffer then passes
            to a node only when every node that wrote or read it before surely finished; the
            plan run in order can always reuse it (None).
    """
    shapes = concrete_shapes(plan, feed_shapes)
    running = [n for n in plan.nodes if n.kind in ("run", "unpack", "transfer")]
    roots: dict[int, frozenset[int]] = {}
    for node in running:
        if node.make is not None or node.kind == "transfer" or node.op.type in FRESH:
            roots[node.out] = frozenset((node.out,))
        else:  # anything else may hand back (a view of) an input
            roots[node.out] = frozenset((node.out,)).union(*(roots.get(i, ()) for i in node.ins))
    escapes: set[int] = set()
    for s in plan.output_slots:
        escapes |= roots.get(s, {s})
    last: dict[int, int] = {}
    users: dict[int, set[int]] = {}  # slot -> the nodes that wrote or read it (views too)
    for i, node in enumerate(running):
        users.setdefault(node.out, set()).add(i)
        for s in node.ins:
            for r in roots.get(s, ()):
                last[r] = i
                users.setdefault(r, set()).add(i)
        if node.op.type in ESCAPING:
            for s in node.ins:
                escapes |= roots.get(s, set())
    pool: dict[tuple[tuple[int, ...], Any], list[tuple[int, set[int]]]] = {}
    held: dict[int, int] = {}  # slot (a buffer's root) -> buffer index

    def done(past: set[int], i: int) -> bool:  # every node in past surely finished at i
        return before is None or all(j == i or before(j, i) for j in past)

    for i, node in enumerate(running):
        s = node.out
        if node.make is not None and s not in escapes and s in shapes and s in last:
            key = (shapes[s], node.op.outputs[0].dtype.np)
            buf = None
            if node.elementwise:
                for a in node.ins:
                    if (
                        a in held
                        and last.get(a) == i
                        and roots.get(a) == frozenset((a,))
                        and shapes.get(a) == key[0]
                        and plan.buffers[held[a]].dtype == key[1]
                        and done(users.get(a, set()), i)
                    ):
                        buf = held.pop(a)
                        break
            if buf is None:
                free = pool.get(key, [])
                k = next((k for k in range(len(free) - 1, -1, -1) if done(free[k][1], i)), -1)
                if k >= 0:
                    buf = free.pop(k)[0]
                else:
                    buf = len(plan.buffers)
                    plan.buffers.append(node.device.xp.empty(key[0], dtype=key[1]))
            held[s] = buf
            node.fast = node.make(plan.buffers[buf])
            node.buffer = buf
        elif (
            node.make is not None
            and s in plan.output_slots
            and roots.get(s) == frozenset((s,))
            and shapes.get(s) != ()
            and not any(s in n.ins for n in running if n.op.type in ESCAPING)
        ):
            node.fast = Recycle(node.fn, node.make)
        for r in [r for r, b in held.items() if last.get(r, -1) <= i and r != s]:
            b = held.pop(r)
            arr = plan.buffers[b]
            pool.setdefault((tuple(arr.shape), arr.dtype), []).append((b, users.get(r, set())))


class Recycle:
    """A fetched value's kernel that writes into the array it returned last run when the user
    has let go of it (no reference left but its own: nobody can see it change), and
    allocates anew otherwise. A training loop that drops last step's gradients thus reuses
    their memory, while a caller that keeps them keeps them intact.

    "Its own" references are ``held`` and whatever the kernel bound to it keeps (``bound``
    holds it as its ``out``): counted once, when it is bound, as ``free``."""

    __slots__ = ("alloc", "make", "held", "bound", "free")

    def __init__(self, alloc: Any, make: Any) -> None:
        self.alloc, self.make = alloc, make
        self.held: Any = None
        self.bound: Any = None
        self.free = 0

    def __call__(self, *args: Any) -> Any:
        held = self.held
        if held is not None and getrefcount(held) <= self.free:
            return self.bound(*args)
        self.held = self.bound = None
        del held
        value = self.alloc(*args)
        if getattr(value, "ndim", 0) and type(value).__name__ == "ndarray":
            self.held, self.bound = value, self.make(value)
            self.free = getrefcount(value)  # as above: self.held, the bound kernel, a local,
            # the argument, and nothing else (the caller has not seen it yet)
        return value

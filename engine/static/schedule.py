"""Which kernels of a plan run at the same time, and on which worker: the parallel plan.

Built once per plan, in two steps around the buffer assignment (:func:`build` before it,
:func:`finish` after), from what the plan already knows:

1. **dependencies** between its kernel nodes: data (a node reads what another wrote) and
   effects (a stateful node - Variable, assignment,
   optimizer update, random draw, iterator, cond, loop - waits for every earlier node, and a
   node reading a Variable waits for the latest stateful node before it, so every effect
   happens in the sequential plan's order);
2. **costs**, estimated from the shapes the plan knows (FLOPs at a BLAS rate, bytes at a memory
   rate, a fixed dispatch cost), to simulate a list schedule over the workers (longest path to
   the end first);
3. **phases** cut from that simulation: a phase is either *solo* (one lane, run by the
   calling thread with every BLAS thread) or *parallel* (independent lanes, one per worker,
   BLAS threads shared out, joined at its end). No node depends on another lane of its own
   phase, so a lane runs without waiting on anything. The end of the longest lane that
   would run alone (the other lanes done) is cut off into the solo phase after the join,
   where it has every BLAS thread instead of one beside an idle core. A parallel phase the
   estimate says does not pay for its fork and join becomes solo; a plan left with no
   parallel phase has no schedule and runs as it always did.

Buffers are then assigned knowing the phases: a buffer passes to a node only when every
node that wrote or read it surely finished (:meth:`Schedule.before`: an earlier phase, or
earlier in the same lane), whatever order the workers run them in; :func:`finish` checks it.
Frees are placed again for the phases: a value is dropped by its last reader when every
reader of it runs before that one (same lane, or an earlier phase), else at the join.
"""

from __future__ import annotations

import bisect
import heapq
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from .buffers import FRESH, concrete_shapes
from .kernels import spec

if TYPE_CHECKING:
    from .execute import Node, Plan, Step

SYNC_NS = 200_000
"""What one fork and join cost, estimated: waking a worker, taking the GIL back, and what the
lanes lose to each other (the caches the values were made in). Measured on a 2-vCPU VM: a
no-op fork and join takes ~15-20 us, but the seed step at (64, 1000, 100) on one BLAS thread,
whose two lanes the estimate gave 190 us of gain at 40 us, gained 19 us: ~200 us all told."""
DISPATCH_NS = 4_000
"""The fixed cost of one kernel call, estimated."""
BLAS_FLOPS_PER_NS = 280 / 4
"""FLOPs per nanosecond of one BLAS thread on 4-byte floats (halved for 8-byte ones)."""
BLAS_SYNC_NS = 50_000
"""What a product on several BLAS threads pays for them on each call (OpenBLAS hands the
work out and waits for its threads): measured on 2 cores, 64x1000 @ 1000x100 takes ~180 us
on one thread and ~145 us on two, 2048^3 scales ~1.9x."""
BESIDE = 0.75
"""The share of its solo rate a product keeps while another lane's product runs beside it
(the two share the memory bus and the last-level cache): measured on 2 cores at 2048^3, two
products at once on one BLAS thread each ran at ~70 GFLOP/s each against ~94 alone, so the
pair took ~25% longer than the two in order on both threads, not ~5% less as the rates alone
said (a default plan that ran them at once measured 1.21x numpy against 1.01x in order)."""
BYTES_PER_NS = 8.0
"""Memory traffic of an elementwise kernel, bytes per nanosecond."""
MIN_GAIN = 0.05
"""A parallel phase is kept when its estimate is at least this much shorter than solo."""

Policy = Literal["auto", "always", "never"]
_POLICY: list[Policy] = ["auto"]


@contextmanager
def policy(mode: Policy) -> Iterator[None]:
    """Within the block, plans built keep every parallel phase (``"always"``: tests and
    benchmarks that must see the overlap whatever it costs), none (``"never"``), or those
    the estimate says pay (``"auto"``, the default)."""
    _POLICY.append(mode)
    try:
        yield
    finally:
        _POLICY.pop()


@dataclass
class Phase:
    """A stretch of the plan: one lane (solo) or several run at once (parallel).

    Attributes:
        lanes: per lane, the indices (into ``Schedule.running``) of its kernel nodes in the
            order it runs them; lane 0 is run by the calling thread.
        steps: per lane, the steps ``(fn, args, out, frees)`` of those nodes, with the frees
            that are safe inside the lane.
        drop: slots to drop after the join (their readers ran in several lanes).
        walk: indices into ``Plan.nodes``, in the order the instrumented walk reports them
            (estimated start; the nodes without a kernel, at their place in the plan).
        lane_of: ``Plan.nodes`` index -> lane, for the phase's kernel nodes.
    """

    lanes: tuple[tuple[int, ...], ...]
    steps: tuple[tuple[Step, ...], ...] = ()
    drop: tuple[int, ...] = ()
    walk: tuple[int, ...] = ()
    lane_of: dict[int, int] = field(default_factory=dict)

    @property
    def parallel(self) -> bool:
        """More than one lane."""
        return len(self.lanes) > 1


@dataclass
class Schedule:
    """A plan's phases, and what the last run measured of them.

    Attributes:
        workers: the most lanes a phase has (the calling thread counts as worker 0).
        phases: the plan's kernel nodes, phase by phase.
        running: the plan's kernel nodes (run, unpack, transfer), in plan order.
        index: ``Schedule.running`` index -> ``Plan.nodes`` index.
        position: ``Plan.nodes`` index -> ``Schedule.running`` index.
        tail: ``Plan.nodes`` indices reported after the last phase (nodes without a kernel).
        estimate_ns: (sequential, parallel) estimates of the whole plan, in ns.
        busy_ns: per worker, nanoseconds it spent running kernels in the last run (fast path).
        overlap_ns: nanoseconds of the last run during which two or more workers ran kernels.
        wall_ns: the last run's wall time, fork to last join.
    """

    workers: int
    phases: list[Phase]
    running: list[Node]
    index: list[int]
    position: dict[int, int] = field(default_factory=dict)
    tail: tuple[int, ...] = ()
    estimate_ns: tuple[int, int] = (0, 0)
    busy_ns: list[int] = field(default_factory=list)
    overlap_ns: int = 0
    wall_ns: int = 0
    start: list[float] = field(default_factory=list)
    """Each kernel node's estimated start (ns from the run's start)."""
    where: dict[int, tuple[int, int, int]] = field(default_factory=dict)
    """Kernel node -> (phase, lane, position in the lane)."""

    def before(self, j: int, i: int) -> bool:
        """Kernel node ``j`` surely finished when node ``i`` starts: an earlier phase, or
        earlier in the same lane."""
        a, b = self.where[j], self.where[i]
        return a[0] < b[0] or (a[0] == b[0] and a[1] == b[1] and a[2] < b[2])


def build(
    plan: Plan,
    workers: int,
    blas: int,
    feed_shapes: Sequence[tuple[int, ...]] | None,
) -> tuple[Schedule | None, str]:
    """The parallel schedule of ``plan`` over ``workers`` lanes and "", or None and why not.

    Args:
        plan: a bound plan with its steps made (``plan._schedule_frees`` ran).
        workers: lanes a phase may have (``inter_op_parallelism_threads``).
        blas: BLAS threads one kernel running alone uses (shared out between lanes).
        feed_shapes: the fed values' shapes, for the cost estimates.
    """
    if workers < 2:
        return None, "inter_op_parallelism_threads is 1: the plan runs in order"
    mode = _POLICY[-1]
    if mode == "never":
        return None, "parallel plans are off here (schedule.policy)"
    if any(d.name != "cpu" for d in plan.devices):
        return None, (
            "a GPU plan runs in order: its kernels queue on one CUDA stream and the host "
            "already runs ahead of the device; streams per worker would need an event per "
            "edge between them and a memory pool per stream"
        )
    index = [i for i, n in enumerate(plan.nodes) if n.kind in ("run", "unpack", "transfer")]
    running = [plan.nodes[i] for i in index]
    if len(running) < 2:
        return None, "fewer than two kernels"
    preds = dependencies(plan, running, buffers=False)  # buffers are assigned after
    shapes = concrete_shapes(plan, feed_shapes)
    facts = [_facts(n, shapes) for n in running]
    costs: dict[tuple[int, bool], list[float]] = {}

    def cost(threads: int, beside: bool = False) -> list[float]:
        """Every kernel's estimate at ``threads`` BLAS threads (worked out once a pair)."""
        c = costs.get((threads, beside))
        if c is None:
            c = costs[(threads, beside)] = [_cost(f, threads, beside) for f in facts]
        return c

    cost1, costb = cost(1), cost(blas)
    lane, start = _simulate(preds, cost1, workers)
    phases = _cut(preds, lane, start)
    per_lane = [max(1, blas // max(1, len(p))) for p in phases]
    kept: list[list[list[int]]] = []

    def solo(nodes: list[int]) -> None:
        if not nodes:
            return
        if kept and len(kept[-1]) == 1:  # plan order stays a topological order
            kept[-1][0] = sorted(kept[-1][0] + nodes)
        else:
            kept.append([sorted(nodes)])

    for p, threads in zip(phases, per_lane, strict=True):
        if len(p) > 1:
            p, tail = _trim(p, cost(threads))
            beside = cost(threads, True)
            lanes_ns = [sum(beside[i] for i in ln) for ln in p]
            solo_ns = sum(costb[i] for ln in p for i in ln)
            if mode == "always" or max(lanes_ns) + SYNC_NS <= solo_ns * (1 - MIN_GAIN):
                p.sort(key=lambda ln: -sum(cost1[i] for i in ln))  # the longest lane: lane 0
                kept.append(p)
                solo(tail)
                continue
            p[0].extend(tail)
        solo([i for ln in p for i in ln])
    if all(len(p) == 1 for p in kept):
        if mode == "always":
            return None, "no kernels that could run at once"
        return None, "no kernels worth running at once (estimated: the fork and join cost more)"
    seq_ns = sum(costb)
    par_ns = sum(
        max(sum(cost(max(1, blas // len(p)), len(p) > 1)[i] for i in ln) for ln in p)
        + (SYNC_NS if len(p) > 1 else 0)
        for p in kept
    )
    schedule = Schedule(
        workers=max(len(p) for p in kept),
        phases=[Phase(tuple(tuple(ln) for ln in p)) for p in kept],
        running=running,
        index=index,
        position={j: i for i, j in enumerate(index)},
        estimate_ns=(int(seq_ns), int(par_ns)),
        start=start,
    )
    where = {
        i: (k, ln, pos)
        for k, p in enumerate(schedule.phases)
        for ln, nodes in enumerate(p.lanes)
        for pos, i in enumerate(nodes)
    }
    schedule.where = where
    return schedule, ""


def finish(plan: Plan, schedule: Schedule) -> bool:
    """Complete ``schedule`` once ``plan``'s buffers are assigned (``buffers.assign`` with
    :meth:`Schedule.before`) and its steps made: each lane's steps and frees, each phase's
    report order. False if a dependency crosses lanes of a phase (then run in order)."""
    preds = dependencies(plan, schedule.running)
    if any(not schedule.before(p, i) for i, ps in enumerate(preds) for p in ps):
        return False
    _place_frees(plan, schedule)
    _place_reports(plan, schedule, schedule.start)
    return True


# ------------------------------------------------------------------ dependencies


def dependencies(plan: Plan, running: list[Node], buffers: bool = True) -> list[set[int]]:
    """For each kernel node (index into ``running``), the kernel nodes it must wait for: data
    and effects, and (``buffers``) the earlier writers and readers of the buffer it writes."""
    writer: dict[int, int] = {}
    roots: dict[int, frozenset[int]] = {}
    buffer_of: dict[int, int] = {}  # slot -> the plan buffer its value lives in
    users: dict[int, set[int]] = {}  # buffer -> the nodes that wrote or read it so far
    last_barrier = -1
    since_barrier: list[int] = []
    preds: list[set[int]] = []
    for i, node in enumerate(running):
        p = {writer[s] for s in node.ins if s in writer}
        touched = {buffer_of[r] for s in node.ins for r in roots.get(s, ()) if r in buffer_of}
        if buffers and node.buffer is not None:
            p |= users.get(node.buffer, set())
        if node.kind == "run" and spec(node.op.type).stateful:
            p |= set(range(i))  # every effect in the sequential plan's order
            last_barrier, since_barrier = i, []
        elif node.reads:
            if last_barrier >= 0:
                p.add(last_barrier)
            since_barrier.append(i)
        p.discard(i)
        preds.append(p)
        for b in touched:
            users.setdefault(b, set()).add(i)
        if node.buffer is not None:
            users.setdefault(node.buffer, set()).add(i)
            buffer_of[node.out] = node.buffer
        writer[node.out] = i
        if node.make is not None or node.kind == "transfer" or node.op.type in FRESH:
            roots[node.out] = frozenset((node.out,))
        else:  # may hand back (a view of) an input
            roots[node.out] = frozenset((node.out,)).union(*(roots.get(s, ()) for s in node.ins))
    return preds


# ------------------------------------------------------------------ estimates


Facts = tuple[float, int, int]
"""What a kernel's estimate is made of, whatever its BLAS threads: (its dispatch and memory
traffic in ns, the FLOPs of its product (0: no product), its item size)."""


def _facts(node: Node, shapes: dict[int, tuple[int, ...]]) -> Facts:
    """The :data:`Facts` of ``node``'s estimate (see :func:`_cost`)."""
    if node.kind != "run" or node.out not in shapes:
        return DISPATCH_NS, 0, 4
    op = node.op
    try:
        dtype = op.outputs[0].dtype.np
        item = int(getattr(dtype, "itemsize", 4) or 4)
    except Exception:  # no outputs, or no numpy dtype: size unknown
        item = 4
    out = shapes[node.out]
    ins = [shapes.get(s) for s in node.ins]
    size = _numel(out) + sum(_numel(s) for s in ins if s is not None)
    ns = DISPATCH_NS + size * item / BYTES_PER_NS
    rule = spec(op.type).flops
    flops = 0
    if rule is not None and "MatMul" in op.type and all(s is not None for s in ins):
        try:
            flops = int(rule(out, *ins, **op.attrs))
        except Exception:  # a rule that cannot count these shapes: bytes only
            flops = 0
    return ns, flops, item


def _cost(facts: Facts, threads: int, beside: bool = False) -> float:
    """Estimated ns of a kernel of ``facts`` with ``threads`` BLAS threads (``beside``: in a
    lane of a parallel phase, where another lane's products share the memory with it)."""
    ns, flops, item = facts
    if not flops:
        return ns
    rate = BLAS_FLOPS_PER_NS * 4 / item * (0.85 * threads + 0.15)
    rate *= BESIDE if beside else 1.0
    return ns + (flops / rate + (BLAS_SYNC_NS if threads > 1 else 0))


def _trim(lanes: list[list[int]], cost: list[float]) -> tuple[list[list[int]], list[int]]:
    """A parallel phase less the end of its longest lane that would run alone (the other
    lanes done): that end runs after the join, solo, with every BLAS thread, instead of on
    one thread beside an idle core. A node goes when more than half of it would run alone;
    the lane keeps its first node. Returns (lanes, the nodes taken out)."""
    ends = [sum(cost[i] for i in ln) for ln in lanes]
    longest = max(range(len(lanes)), key=lambda k: ends[k])
    others = max(e for k, e in enumerate(ends) if k != longest)
    lane, t = lanes[longest], 0.0
    for pos, i in enumerate(lane):
        if pos and t + cost[i] / 2 > others:
            return [ln if k != longest else lane[:pos] for k, ln in enumerate(lanes)], lane[pos:]
        t += cost[i]
    return lanes, []


def _numel(shape: tuple[int, ...]) -> int:
    n = 1
    for d in shape:
        n *= int(d or 0)
    return n


def _simulate(
    preds: list[set[int]], cost: list[float], workers: int
) -> tuple[list[int], list[float]]:
    """A list schedule: each node, longest path to the end first, on the worker where it can
    start soonest. Returns each node's worker and estimated start."""
    n = len(preds)
    succ: list[list[int]] = [[] for _ in range(n)]
    for i, ps in enumerate(preds):
        for p in ps:
            succ[p].append(i)
    level = [0.0] * n
    for i in range(n - 1, -1, -1):
        level[i] = cost[i] + max((level[s] for s in succ[i]), default=0.0)
    waiting = [len(ps) for ps in preds]
    ready = [(-level[i], i) for i in range(n) if not waiting[i]]
    heapq.heapify(ready)
    free = [0.0] * workers
    finish = [0.0] * n
    lane, start = [0] * n, [0.0] * n
    while ready:
        _, i = heapq.heappop(ready)
        at = max((finish[p] for p in preds[i]), default=0.0)
        w = min(range(workers), key=lambda k: (max(free[k], at), k))
        start[i] = max(free[w], at)
        finish[i] = free[w] = start[i] + cost[i]
        lane[i] = w
        for s in succ[i]:
            waiting[s] -= 1
            if not waiting[s]:
                heapq.heappush(ready, (-level[s], s))
    return lane, start


def _cut(preds: list[set[int]], lane: list[int], start: list[float]) -> list[list[list[int]]]:
    """Phases from a simulated schedule, each its non-empty lanes (nodes by start).

    A node whose input comes from another lane needs a phase boundary (a join) between that
    input's start and its own: the fewest boundaries that do it are found greedily, each
    placed as late as it can be (at such a node's start), so the nodes that start together
    stay in one phase."""
    cross = sorted(
        (start[i], start[p]) for i, ps in enumerate(preds) for p in ps if lane[p] != lane[i]
    )
    bounds: list[float] = []
    for right, left in cross:
        if not bounds or bounds[-1] <= left:  # (left, right] holds no boundary yet
            bounds.append(right)
    phases: list[dict[int, list[int]]] = [{} for _ in range(len(bounds) + 1)]
    for i in sorted(range(len(lane)), key=lambda k: (start[k], k)):
        phases[bisect.bisect_right(bounds, start[i])].setdefault(lane[i], []).append(i)
    return [list(p.values()) for p in phases if p]


# ------------------------------------------------------------------ frees and reports


def _place_frees(plan: Plan, schedule: Schedule) -> None:
    """Give each lane its steps, with the frees that are safe in it, and each phase the
    slots to drop at its join."""
    running = schedule.running
    keep = set(plan.output_slots)
    phase_of: dict[int, tuple[int, int, int]] = {}  # node -> (phase, lane, position)
    for k, phase in enumerate(schedule.phases):
        for ln, nodes in enumerate(phase.lanes):
            for pos, i in enumerate(nodes):
                phase_of[i] = (k, ln, pos)
    readers: dict[int, list[int]] = {}
    for i, node in enumerate(running):
        for s in node.ins:
            readers.setdefault(s, []).append(i)
    frees: dict[int, list[int]] = {}
    drops: dict[int, list[int]] = {}
    for s, rs in readers.items():
        if s in keep:
            continue
        last_phase = max(phase_of[i][0] for i in rs)
        here = [i for i in rs if phase_of[i][0] == last_phase]
        if len({phase_of[i][1] for i in here}) == 1:
            frees.setdefault(max(here, key=lambda i: phase_of[i][2]), []).append(s)
        else:
            drops.setdefault(last_phase, []).append(s)
    for k, phase in enumerate(schedule.phases):
        steps = []
        for nodes in phase.lanes:
            lane_steps: list[Step] = []
            for i in nodes:
                fn, args, out, _ = plan.steps[i]
                lane_steps.append((fn, args, out, tuple(sorted(frees.get(i, ())))))
            steps.append(tuple(lane_steps))
        phase.steps = tuple(steps)
        phase.drop = tuple(sorted(drops.get(k, ())))


def _place_reports(plan: Plan, schedule: Schedule, start: list[float]) -> None:
    """The order the instrumented walk reports each phase's nodes in: kernels by estimated
    start (a helper's first on a tie), each node without a kernel just before the next kernel
    of the plan after it."""
    before: dict[int, list[int]] = {}  # running index -> plan nodes reported just before it
    pending: list[int] = []
    r = 0
    for j, node in enumerate(plan.nodes):
        if node.kind in ("run", "unpack", "transfer"):
            before[r] = pending
            pending = []
            r += 1
        else:
            pending.append(j)
    schedule.tail = tuple(pending)
    for phase in schedule.phases:
        lane = {i: ln for ln, nodes in enumerate(phase.lanes) for i in nodes}
        # a helper's node before the calling thread's that starts with it: it is released
        # first, so both run at once
        nodes = sorted(lane, key=lambda i: (start[i], lane[i] == 0, i))
        if not phase.parallel:
            nodes = list(phase.lanes[0])
        walk: list[int] = []
        for i in nodes:
            walk.extend(before.get(i, ()))
            walk.append(schedule.index[i])
        phase.walk = tuple(walk)
        phase.lane_of = {schedule.index[i]: ln for ln, lane in enumerate(phase.lanes) for i in lane}


def describe(schedule: Schedule) -> list[dict[str, Any]]:
    """The phases as plain data (tests, reports): per phase, its lanes as op names."""
    return [
        {"lanes": [[schedule.running[i].op.name for i in ln] for ln in p.lanes]}
        for p in schedule.phases
    ]

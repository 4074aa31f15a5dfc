"""Executing a plan: the tight loop, and the instrumented walk that times and reports.

A :class:`Plan` (built by ``plan.Planner``) holds its steps as ``(fn, args, out)``: ``fn`` a
kernel with device and attributes bound, ``args`` an ``itemgetter`` over the run's value list.
``Plan.run`` replays them with nothing else in the loop; values live in a list owned by that
run, never on graph nodes. When anyone listens on ``engine.events.STREAM`` the same steps run
through ``device.measure`` (host clock on the CPU, CUDA events on the GPU) and every plan node
gets ``node_started`` / ``node_finished`` (zero-duration, flagged ``const`` / ``folded`` /
``feed`` / ``noop``, for nodes that need no kernel this run). A run that reports totals (what
``STREAM.open_unit`` said as it started) takes the same walk without node events: its nodes
are timed the same way and added up into one ``op_totals`` event per device ({op: [calls,
total_ns, flops]}).

Sampled totals. A plan whose every run makes the same calls and FLOPs (:meth:`Plan.counts`:
no branch, loop or transfer, every counted op's shapes known when the graph was built) times
its ops in at most ``TIMED_HZ`` skimmed runs a second (:meth:`Plan.timed_due`); the skimmed
runs between run like a headless one (:meth:`Plan.run_counted`) and send those calls and FLOPs
as ``untimed`` ({op: [calls, flops]}) with an empty ``ops``: no time is ever made up for an op
that was not timed, and a run with nobody watching its nodes costs what a headless run costs.
"""

from __future__ import annotations

import operator
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, TypedDict

from engine import ops as table
from engine.devices import Device
from engine.events import STREAM, GraphRewrittenPayload, OpTotals, Stopped
from engine.ops import ShapeError
from engine.ops.tf_extra import InvalidLabels

from . import errors, parallel
from .errors import OpError
from .graph import Operation
from .kernels import STATIC, flops_of, kernel_inputs, run_shape_message, spec

if TYPE_CHECKING:
    from .schedule import Schedule

TIMED_HZ = 10.0
"""Skimmed runs of one plan a second, at most, that time their ops (when the plan's calls and
FLOPs are known without running it, see :meth:`Plan.counts`); 0: every skimmed run is timed.
The instrumented walk costs ~0.2 of a small run's time (the two-layer step: ~70 of ~370 us),
so at full speed, where thousands of runs a second are skimmed, per-op times are sampled."""

OpCounts = dict[str, list[int]]
"""An untimed run's ops on one device: op name -> [calls, flops] (``op_totals``' ``untimed``)."""

UNDER_WAY = threading.local()
"""The instrumented run this thread runs a node of: ``skim``, the :class:`Skimmed` figures it
adds its ops into (None: it sends node events). A parallel walk's helpers are told too."""


@dataclass
class Skimmed:
    """What a skimmed run adds up as it goes, its branches' and loop bodies' runs included:
    per device each op's [calls, total_ns, flops], and how many nodes it counted."""

    totals: dict[str, OpTotals] = field(default_factory=dict)
    counted: int = 0


NodeKind = Literal["run", "const", "folded", "feed", "noop", "unpack", "transfer"]
"""How a plan node gets its value this run (see :class:`Node`)."""

Step = tuple[Callable[..., Any], Callable[[list[Any]], Any], int, tuple[int, ...]]
"""``(fn, args, output slot, frees)``: ``fn(*args(values))`` goes into the output slot, then
the ``frees`` slots are dropped (see :class:`Plan`)."""


class Fallback(TypedDict):
    """An op soft placement moved to the CPU (``run_started``'s ``fallbacks``)."""

    node: int
    name: str
    requested: str
    """The ``tf.device`` it asked for."""
    device: str
    reason: str
    """Why the requested device could not be used."""


@dataclass
class Node:
    """One entry of the instrumented walk: an op with how it gets its value this run.

    ``kind`` is "run" (a kernel call), "const" / "folded" (value decided at plan time),
    "feed" (value fed), "noop", "unpack" (one output of a multi-output op) or "transfer"
    (a copy between devices).
    """

    op: Operation
    kind: NodeKind
    device: Device
    fn: Callable[..., Any] | None = None
    ins: tuple[int, ...] = ()
    out: int = -1
    frees: tuple[int, ...] = ()
    """Slots whose values nothing later needs: dropped after this node, so memory is reused."""
    direction: str = ""
    """For a transfer: "H2D" or "D2H" (``device`` is then the GPU end)."""
    make: Callable[[Any], Callable[..., Any]] | None = None
    """``make(buffer)``: the kernel bound to write into ``buffer``, when the op has that form."""
    elementwise: bool = False
    """The op may write into the buffer of an input it reads last (in place)."""
    fast: Callable[..., Any] | None = None
    """The kernel a run uses when it holds the plan's buffers (``fn`` bound to ``buffer``)."""
    buffer: int | None = None
    """Index into ``Plan.buffers`` of the array this node writes into, if any."""
    started: dict[str, Any] | None = None
    """The node's ``node_started`` event as every run sends it (``seq``, ``t_ns`` stamped)."""
    finished: dict[str, Any] | None = None
    """Its last ``node_finished`` (``dur_ns`` and the stamps change), for ``finished_key``."""
    finished_key: tuple[Any, ...] = ()
    """The value and input shapes (and dtype) ``finished`` holds the facts of."""
    reads: bool = False
    """The kernel reads a Variable's value when it runs (ordered after earlier updates)."""


@dataclass
class Plan:
    """A pruned, ordered, bound sub-graph ready to run.

    Attributes:
        ops: the ops of the plan in execution order (fed, constant and folded ones included).
        steps: ``(fn, args, output slot, frees)`` for the ops that call a kernel each run,
            where ``args(values)`` picks the inputs (an ``itemgetter``: the cheapest gather)
            and ``frees`` are the slots to drop afterwards (their last use).
        nodes: every op (and transfer) in order, for the instrumented walk.
        template: the value list a run starts from (constants and folded values filled in).
        input_slots: where each fed value goes, in the order of the plan's inputs.
        output_slots: where each fetched value is read.
        persistent: per output, whether the value is owned by the graph or a Variable (a
            fetch must then be copied before the user may change it).
    """

    graph_id: str
    ops: list[Operation] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)
    nodes: list[Node] = field(default_factory=list)
    template: list[Any] = field(default_factory=list)
    input_slots: list[int] = field(default_factory=list)
    input_devices: list[Device] = field(default_factory=list)
    output_slots: list[int] = field(default_factory=list)
    persistent: list[bool] = field(default_factory=list)
    op_at: dict[int, Operation] = field(default_factory=dict)
    devices: set[Device] = field(default_factory=set)
    folded: list[int] = field(default_factory=list)
    fallbacks: list[Fallback] = field(default_factory=list)
    branches: dict[int, dict[str, list[int]]] = field(default_factory=dict)
    moved: dict[tuple[int, str], int] = field(default_factory=dict)
    buffers: list[Any] = field(default_factory=list)
    """Arrays allocated once for this plan, written by the kernels that ``buffers.assign``
    bound to them (``Node.fast``); see ``engine/static/buffers.py``."""
    steps_alloc: list[Step] = field(default_factory=list)
    """The same steps with allocating kernels, for a run that finds the buffers in use (the
    same plan run from two threads at once)."""
    rewrites: list[GraphRewrittenPayload] = field(default_factory=list)
    """What the graph passes changed before planning (one summary per pass)."""
    flops_at: dict[int, tuple[tuple[Any, ...], int]] = field(default_factory=dict)
    """Node index -> (the shapes it last ran with, its flops then): for runs sending totals."""
    leading_inputs: bool = False
    """The input slots are 0, 1, ... (a run puts its inputs in place with one slice)."""
    schedule: Schedule | None = None
    """Kernels that run at once, on which worker (``schedule``); None: the plan runs in
    order (``sequential`` says why)."""
    sequential: str = ""
    """Why the plan has no schedule ("" when it has one)."""
    timed_ns: int | None = None
    """``time.perf_counter_ns()`` when the latest skimmed run that timed its ops began."""
    agreed: bool = False
    """The latest timed skimmed run counted the calls and FLOPs :meth:`counts` says (only then
    may a skimmed run go untimed)."""
    _counts: dict[str, OpCounts] | None = None
    _counted: int = -1
    """Nodes a run counts (for ``skimmed``); -1: ``counts`` not worked out yet."""
    _busy: Any = field(default_factory=threading.Lock)

    # ---------------------------------------------------------------- running

    def run(self, inputs: Sequence[Any]) -> list[Any]:
        """Execute with ``inputs`` in the input slots; returns the output values."""
        if STREAM.active:
            return self.run_instrumented(inputs)
        return self._run(inputs)

    def _run(self, inputs: Sequence[Any]) -> list[Any]:
        """``run`` with nothing observed: the steps (or the schedule) and nothing else."""
        vals = self.template.copy()
        if self.leading_inputs and len(inputs) == len(self.input_slots):
            vals[: len(inputs)] = inputs
        else:
            for s, v in zip(self.input_slots, inputs, strict=True):
                vals[s] = v
        out = -1
        busy = self._busy
        owned = busy.acquire(False)  # the buffers are this run's; else allocate as we go
        try:
            if owned and self.schedule is not None and parallel.run(self, self.schedule, vals):
                return [vals[s] for s in self.output_slots]
            for fn, args, out, frees in self.steps if owned else self.steps_alloc:
                vals[out] = fn(*args(vals))
                for s in frees:
                    vals[s] = None
        except Stopped:
            raise
        except parallel.Failed as f:
            e = _exception(f.error)
            raise self.failure(f.out, f.ins, vals, e) from (None if isinstance(e, OpError) else e)
        except Exception as e:
            ins = next((n.ins for n in self.nodes if n.out == out), ())
            raise self.failure(out, ins, vals, e) from (None if isinstance(e, OpError) else e)
        finally:
            if owned:
                busy.release()
        return [vals[s] for s in self.output_slots]

    def run_instrumented(
        self, inputs: Sequence[Any], nodes: bool = True, into: Skimmed | None = None
    ) -> list[Any]:
        """Execute like ``run``, timing each node on its device and reporting it: its node
        events, or (``nodes`` False) its op's totals (see :meth:`_walk`), one ``op_totals``
        per device at the end; ``into``: a skimmed run under way (of the plan whose branch or
        loop body this is) that this run's ops add into, sending nothing themselves."""
        skim = into if into is not None else None if nodes else Skimmed()
        outer = getattr(UNDER_WAY, "skim", None)
        UNDER_WAY.skim = skim  # (this thread's: another may run this plan meanwhile)
        owned = self._busy.acquire(False)
        try:
            out = None
            if owned and self.schedule is not None:
                out = self._walk_parallel(inputs, self.schedule, skim)
            if out is None:
                out = self._walk(inputs, owned, skim)
        finally:
            UNDER_WAY.skim = outer
            if owned:
                self._busy.release()
            if skim is not None and into is None:
                self.agreed = self._agrees(skim.totals)
        if skim is not None and into is None:
            self._send_totals(skim.totals, skim.counted)
        return out

    def run_nested(self, inputs: Sequence[Any], outer: Plan) -> list[Any]:
        """Run as a node of ``outer`` runs it (a cond's branch, a loop's body): reported as
        ``outer``'s run under way is, node by node or, skimmed, added into its totals (a
        skimmed run never sends half a graph's node events, and sends one set of totals
        however many times its loop's body ran). Which run that is, this thread knows
        (:data:`UNDER_WAY`): two threads may run ``outer`` at once, one skimmed, one drawn."""
        if STREAM.active:
            return self.run_instrumented(inputs, into=getattr(UNDER_WAY, "skim", None))
        return self._run(inputs)

    # ------------------------------------------------------- sampled totals

    def counts(self) -> dict[str, OpCounts] | None:
        """Per device, each op's [calls, flops] in one run, as the instrumented walk counts
        them, when the plan alone decides them; None when a run may count otherwise: a branch
        or loop runs a sub-plan, a transfer reports itself, or an op with a FLOP rule has
        shapes the graph did not know when it was built."""
        if self._counted < 0:
            self._counts, self._counted = _counts(self.nodes, bool(self.branches))
        return self._counts

    def timed_due(self, now: int) -> bool:
        """Whether a skimmed run starting at ``now`` times its ops (a sample is due, or the
        plan's calls and FLOPs are not known without running it); a timed one is noted."""
        last = self.timed_ns
        if (
            last is not None
            and self.agreed
            and TIMED_HZ > 0
            and now - last < 1e9 / TIMED_HZ
            and self.counts() is not None
        ):
            return False
        self.timed_ns = now
        return True

    def run_counted(self, inputs: Sequence[Any]) -> list[Any]:
        """A skimmed run that times nothing: it runs as a headless run does, then sends its
        ops' calls and FLOPs (:meth:`counts`) as one ``op_totals`` per device, ``untimed``."""
        counts = self.counts()
        assert counts is not None, "run_counted needs a plan whose counts are known"
        out = self._run(inputs)
        self._send_totals({}, self._counted, counts)
        return out

    def _agrees(self, totals: dict[str, OpTotals]) -> bool:
        """Whether a timed walk's ``totals`` counted what :meth:`counts` says."""
        counts = self.counts()
        if counts is None or counts.keys() != totals.keys():
            return False
        return all(
            {op: [c, f] for op, (c, _, f) in totals[dev].items()} == ops
            for dev, ops in counts.items()
        )

    def _walk(self, inputs: Sequence[Any], owned: bool, skim: Skimmed | None) -> list[Any]:
        """Run every node, timed on its device, and report it.

        With ``skim`` None each node sends ``node_started`` and ``node_finished``; else each
        adds (calls, ns, flops) to its op's entry in ``skim.totals[device]`` (a node with no
        kernel this run adds a call of 0 ns) and counts in ``skim.counted``.
        """
        totals = skim.totals if skim is not None else None
        vals = self.template.copy()
        for s, v in zip(self.input_slots, inputs, strict=True):
            vals[s] = v
        send = STREAM.send
        pending: list[tuple[Node, Any, list[Any], list[int], list[int] | None]] = []
        counted = 0
        t: list[int] | None = None
        for index, node in enumerate(self.nodes):
            kind, dev = node.kind, node.device
            if kind == "unpack":
                vals[node.out] = node.fn(vals[node.ins[0]])  # type: ignore[misc]
                for s in node.frees:
                    vals[s] = None
                continue
            if kind == "transfer":
                self._transfer(node, vals)
                continue
            if totals is None:
                send(self._started(node))
            else:
                counted += 1
                t = _tally(totals, dev.name, node.op.type)
            if kind != "run":
                if t is None:
                    v = vals[node.out] if node.out >= 0 else None
                    send(self._finished(node, v, (), 0))
                continue
            args = [vals[i] for i in node.ins]
            box: list[int] = []
            try:
                fn = node.fast if owned and node.fast is not None else node.fn
                v = dev.measure(_invoke, (fn, *args), {}, box.append)
            except Stopped:
                raise
            except Exception as e:
                raise self.failure(node.out, node.ins, vals, e) from (
                    None if isinstance(e, OpError) else e
                )
            vals[node.out] = v
            for s in node.frees:
                vals[s] = None
            if t is not None:
                t[2] += self._flops(index, node.op, v, args)
                shapes = []
            else:
                shapes = [getattr(a, "shape", None) for a in args]
            if not box:  # a GPU time arrives when the device is flushed
                pending.append((node, v, shapes, box, t))
            elif t is not None:
                t[1] += box[0]
            else:
                send(self._finished(node, v, shapes, box[0]))
        if pending or totals is not None:
            for dev in self.devices:
                dev.flush()
            for node, v, shapes, box, t in pending:
                dur = box[0] if box else 0
                if t is not None:
                    t[1] += dur
                else:
                    send(self._finished(node, v, shapes, dur))
        if skim is not None:
            skim.counted += counted
        return [vals[s] for s in self.output_slots]

    def _send_totals(
        self, totals: dict[str, OpTotals], counted: int, untimed: dict[str, OpCounts] | None = None
    ) -> None:
        """One ``op_totals`` per device for a skimmed run: its ops' calls, time and FLOPs (or,
        ``untimed``, calls and FLOPs alone), and how many events it did not send (two per node
        counted, and the run_started)."""
        unsent = 1  # the run_started not sent (with the first device's)
        per_device: dict[str, Any] = totals if untimed is None else untimed
        for device, figures in per_device.items():
            # (untimed counts are shared by every untimed run: read-only)
            fields = {"ops": figures} if untimed is None else {"ops": {}, "untimed": figures}
            STREAM.emit(
                "op_totals",
                graph=self.graph_id,
                mode="static",
                device=device,
                skimmed=2 * counted + unsent,
                **fields,
            )
            unsent = 0

    def _walk_parallel(
        self, inputs: Sequence[Any], schedule: Schedule, skim: Skimmed | None
    ) -> list[Any] | None:
        """``_walk`` over the schedule's workers (``parallel.walk``); None when the pool is
        taken (nothing ran)."""
        vals = self.template.copy()
        for s, v in zip(self.input_slots, inputs, strict=True):
            vals[s] = v
        try:
            ran = parallel.walk(self, schedule, vals, skim)
        except parallel.Failed as f:
            e = _exception(f.error)
            raise self.failure(f.out, f.ins, vals, e) from (None if isinstance(e, OpError) else e)
        if not ran:
            return None
        return [vals[s] for s in self.output_slots]

    def _started(self, node: Node) -> dict[str, Any]:
        """A new ``node_started`` event of ``node`` (from a template made on first use)."""
        event = node.started
        if event is None:
            op = node.op
            event = node.started = {
                "seq": 0,
                "t_ns": 0,
                "kind": "node_started",
                "graph": self.graph_id,
                "node": op._id,
                "device": node.device.name,
                "name": op.name,
                "op": op.type,
            }
            if op.meta.get("fused"):
                event["fused"] = op.meta["fused"]
        return event.copy()

    def _finished(
        self, node: Node, v: Any, in_shapes: Sequence[Any], dur_ns: int
    ) -> dict[str, Any]:
        """A new ``node_finished`` event of ``node`` that made ``v`` from inputs of
        ``in_shapes``: its facts (shape, dtype, bytes, flops) are worked out again only when
        the shapes change."""
        key = (getattr(v, "shape", None), getattr(v, "dtype", None), *in_shapes)
        event = node.finished
        if event is None or node.finished_key != key:
            op = node.op
            event = {
                "seq": 0,
                "t_ns": 0,
                "kind": "node_finished",
                "graph": self.graph_id,
                "node": op._id,
                "device": node.device.name,
                "dur_ns": 0,
                **_value_facts(op, v, in_shapes),
            }
            if node.kind != "run":
                event[node.kind] = True
            elif op.meta.get("fused"):
                event["fused"] = op.meta["fused"]
            node.finished, node.finished_key = event, key
        event = event.copy()
        event["dur_ns"] = dur_ns
        return event

    def _transfer(self, node: Node, vals: list[Any]) -> None:
        """Run a copy between devices, timed on the host (synchronised), and emit it."""
        t0 = time.perf_counter_ns()
        vals[node.out] = node.fn(vals[node.ins[0]])  # type: ignore[misc]
        sync(node.device)
        STREAM.emit(
            "transfer",
            direction=node.direction,
            bytes=int(getattr(vals[node.out], "nbytes", 0)),
            dur_ns=time.perf_counter_ns() - t0,
            device=node.device.name,
            reason="edge",
            graph=self.graph_id,
            node=node.op._id,
        )
        for s in node.frees:
            vals[s] = None

    def _flops(self, index: int, op: Operation, v: Any, args: Sequence[Any]) -> int:
        """The flops of node ``index`` (op ``op``) making ``v`` from ``args``: what its
        ``node_finished`` would say (0 without a rule), cached per node and shapes."""
        shapes = (getattr(v, "shape", None), *[getattr(a, "shape", None) for a in args])
        hit = self.flops_at.get(index)
        if hit is not None and hit[0] == shapes:
            return hit[1]
        flops = int(_value_facts(op, v, shapes[1:]).get("flops", 0))
        self.flops_at[index] = (shapes, flops)
        return flops

    def failure(self, out: int, ins: tuple[int, ...], vals: list[Any], e: Exception) -> OpError:
        """The OpError to raise for an exception in the step writing ``out`` (event emitted)."""
        op = self.op_at.get(out)
        if isinstance(e, OpError):
            err = e
        else:
            dims = tuple(tuple(getattr(vals[i], "shape", ())) for i in ins)
            message = f"{type(e).__name__}: {e}"
            if isinstance(e, InvalidLabels):
                message = str(e)
            elif op is not None and op.type not in STATIC:
                try:
                    table.get(op.type).shape(*dims, **op.attrs)
                except ShapeError as se:
                    message = run_shape_message(se, dims)
                except Exception:  # the shape rule cannot judge: keep numpy's own words
                    pass
            err = errors.op_error(errors.InvalidArgumentError, op, message)
        report(err)
        return err


def report(err: BaseException) -> None:
    """Emit the ``error`` event for an engine error about a node (when anyone listens).

    An iterator's end (``OutOfRangeError``) is how a ``tf.data`` loop stops, not a failure:
    it is not reported (a script that does not catch it still fails with it)."""
    if not STREAM.active or isinstance(err, errors.OutOfRangeError):
        return
    op = getattr(err, "op", None)
    payload: dict[str, Any] = {"type": type(err).__name__, "message": str(err)}
    if op is not None:
        payload.update(graph=op.graph.graph_id, node=op._id, name=op.name)
    STREAM.emit("error", **payload)


def _counts(nodes: Sequence[Node], branches: bool) -> tuple[dict[str, OpCounts] | None, int]:
    """``Plan.counts`` of a plan of ``nodes`` (``branches``: it holds an If or a While), and
    how many nodes a run counts."""
    if branches:
        return None, 0
    counts: dict[str, OpCounts] = {}
    counted = 0
    for node in nodes:
        if node.kind == "unpack":
            continue
        if node.kind == "transfer":
            return None, 0
        flops = _static_flops(node.op) if node.kind == "run" else 0
        if flops is None:
            return None, 0
        t = counts.setdefault(node.device.name, {}).setdefault(node.op.type, [0, 0])
        t[0] += 1
        t[1] += flops
        counted += 1
    return counts, counted


def _static_flops(op: Operation) -> int | None:
    """The FLOPs a run of ``op`` does, from the shapes the graph knows (what ``_value_facts``
    counts from the values), or None when a shape it needs is not fully known."""
    if spec(op.type).flops is None:
        return 0
    tensors = (*op.outputs[:1], *kernel_inputs(op)) if op.outputs else ()
    if not tensors or any(t._dims is None or None in t._dims for t in tensors):
        return None
    return flops_of(op) if len(tensors) > 1 else 0  # no input: nothing to count from


def add_totals(totals: dict[str, OpTotals], other: dict[str, OpTotals]) -> None:
    """Add ``other``'s per-device [calls, total_ns, flops] of each op into ``totals``."""
    for device, ops in other.items():
        for op, (calls, ns, flops) in ops.items():
            t = _tally(totals, device, op)
            t[0] += calls - 1
            t[1] += ns
            t[2] += flops


def _tally(totals: dict[str, OpTotals], device: str, op: str) -> list[int]:
    """``op``'s [calls, total_ns, flops] on ``device`` in ``totals``, with this call counted."""
    ops = totals.get(device)
    if ops is None:
        ops = totals[device] = {}
    t = ops.get(op)
    if t is None:
        t = ops[op] = [0, 0, 0]
    t[0] += 1
    return t


def gather(slots: Sequence[int]) -> Callable[[list[Any]], Any]:
    """A C-speed ``values -> sequence of values[i] for i in slots``."""
    if len(slots) >= 2:
        return operator.itemgetter(*slots)
    if len(slots) == 1:
        return operator.itemgetter(slice(slots[0], slots[0] + 1))
    return operator.itemgetter(slice(0, 0))


def _invoke(xp: Any, fn: Callable[..., Any], *args: Any) -> Any:
    return fn(*args)


def _exception(error: BaseException) -> Exception:
    """A parallel run's failure as the exception to report; a stop or an interrupt (not a
    node's failure) is raised as it is."""
    if isinstance(error, Stopped) or not isinstance(error, Exception):
        raise error
    return error


def sync(dev: Device) -> None:
    """Wait until ``dev`` finished its queued work (so a host clock around a copy is honest)."""
    if dev.name == "gpu":
        dev.xp.cuda.runtime.deviceSynchronize()


def _value_facts(op: Operation, v: Any, in_shapes: Sequence[Any]) -> dict[str, Any]:
    """What a ``node_finished`` says of the value ``v`` an op made from inputs of
    ``in_shapes`` (flops 0 where the rule cannot count an input without a shape)."""
    shape = getattr(v, "shape", None)
    facts: dict[str, Any] = {
        "name": op.name,
        "op": op.type,
        "shape": list(shape) if shape is not None else None,
        "dtype": str(v.dtype) if hasattr(v, "dtype") else None,
        "bytes": int(getattr(v, "nbytes", 0)),
    }
    s = spec(op.type)
    if s.flops is not None and in_shapes and shape is not None:
        try:
            facts["flops"] = int(s.flops(tuple(shape), *[tuple(d) for d in in_shapes], **op.attrs))
        except Exception:  # a rule that cannot count these shapes counts nothing
            facts["flops"] = 0
    return facts

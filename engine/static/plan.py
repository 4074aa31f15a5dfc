"""Planning: what one ``Session.run`` executes, decided once per (graph version, fetches,
feeds and their shapes) and then replayed by ``execute.Plan.run``.

The stages before this one - pruning to the fetches and the graph passes (constant folding,
fusion...) - live in ``optimize``; ``Planner.build`` takes their result, the ops to run in
order, and

1. **places** each op: where ``tf.device`` put it, else on the session's device; a GPU this
   machine lacks falls back to the CPU under soft placement (logged in ``fallbacks``) or fails
   with TF's "Cannot assign a device" error;
2. **binds** every op that runs to a step ``(fn, args, output slot)`` with its kernel, device
   and attributes already bound, plus the checks it needs (variables read when their consumer
   runs, shapes unknown while building, copies between devices); constants (built or folded)
   go into the value list a run starts from;
3. **assigns buffers** (``buffers``): kernels with an ``out=`` form write into arrays the plan
   allocated once, in place where safe, pooled after their last reader;
4. **schedules frees**: each step drops the values it read last;
5. **schedules workers** (``schedule``): with ``inter_op_parallelism_threads`` above 1, the
   kernels that do not depend on each other are split into phases whose lanes run at once
   (``parallel``); a plan where that does not pay keeps running in order.

A cond's or loop's body is planned the same way, pruned but not optimised.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from engine import ops as table
from engine.devices import CPU, Device, gpu_status
from engine.ops import ShapeError

from . import blas_threads, buffers, errors, schedule
from .execute import Fallback, Node, NodeKind, Plan, gather, report
from .graph import BodyContext, Operation, Tensor
from .kernels import COLOCATED, HOST, STATIC, VIEWS, kernel_inputs, run_shape_message, spec

if TYPE_CHECKING:
    from .schedule import Schedule
    from .session import Session


# ------------------------------------------------------------------ planning


def prune(
    outputs: Sequence[Tensor],
    targets: Sequence[Operation],
    fed: set[Tensor],
    stop: set[int] | None = None,
    body: BodyContext | None = None,
) -> list[Operation]:
    """The ops needed for ``outputs`` and ``targets``, in execution (creation) order.

    Walks data and control edges backwards; a fed tensor cuts the walk (its op is listed, to
    be shown as fed, when it belongs to the same body), and so does an op whose id is in
    ``stop`` (a folded op needs none of its inputs). Inside a body, control inputs from
    outside are the owner's business and are skipped.
    """
    needed: dict[int, Operation] = {}
    stack = list(targets)
    for t in outputs:
        if t in fed:
            if t.op._ctx is body:
                needed[t.op._id] = t.op
        else:
            stack.append(t.op)
    while stack:
        op = stack.pop()
        if op._id in needed:
            continue
        needed[op._id] = op
        if stop and op._id in stop:
            continue
        for t in op.inputs:
            if t not in fed:
                stack.append(t.op)
            elif t.op._ctx is body:
                needed[t.op._id] = t.op
        stack.extend(c for c in op.control_inputs if body is None or c._ctx is body)
    return sorted(needed.values(), key=lambda o: o._id)


class Planner:
    """Builds plans for one session (its devices, soft placement and variables)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._placed: dict[int, Device] = {}
        self.fallbacks: list[Fallback] = []

    # --------------------------------------------------------------- placement

    def place(self, op: Operation) -> Device:
        """The device ``op`` runs on: its ``tf.device``, else the session's (soft placement)."""
        dev = self._placed.get(op._id)
        if dev is not None:
            return dev
        if op.type in COLOCATED or (
            op.type == "Identity" and op.inputs and op.inputs[0].op.type == "VariableV2"
        ):
            dev = self.place(op.inputs[0].op)
        elif op.type in HOST or (op.outputs and op.outputs[0].dtype.np.kind == "O"):
            dev = CPU  # iterators and tf.string live in host memory
        elif not op.device:
            dev = self.session.device
        elif "GPU" not in op.device:
            dev = CPU
        else:
            ok, reason = gpu_status()
            if ok:
                from engine.devices import get_device

                dev = get_device("gpu")
            elif self.session.allow_soft_placement:
                dev = CPU
                self.fallbacks.append(
                    {
                        "node": op._id,
                        "name": op.name,
                        "requested": op.device,
                        "device": "cpu",
                        "reason": reason,
                    }
                )
            else:
                err = errors.InvalidArgumentError(None, op, errors.no_device(op.name, op.device))
                report(err)
                raise err
        self._placed[op._id] = dev
        return dev

    # ---------------------------------------------------------------- building

    def build(
        self,
        outputs: Sequence[Tensor],
        targets: Sequence[Operation],
        inputs: Sequence[Tensor],
        body: BodyContext | None = None,
        feed_shapes: Sequence[tuple[int, ...]] | None = None,
        order: Sequence[Operation] | None = None,
    ) -> Plan:
        """Plan a run computing ``outputs`` and running ``targets``, with ``inputs`` fed
        (of ``feed_shapes``, when known: buffers are then sized for them). ``order`` is the
        optimised, pruned op list to run (``optimize.optimize``); by default the graph's ops
        the fetches need (a cond's or loop's body is planned so)."""
        graph = outputs[0].graph if outputs else targets[0].graph if targets else inputs[0].graph
        plan = Plan(graph.graph_id)
        fed = set(inputs)
        if order is None:
            order = prune(outputs, targets, fed, body=body)
        slot: dict[Tensor, int] = {}
        shared: dict[int, bool] = {}  # value may be seen outside this run (feed, const, var)
        persistent: dict[int, bool] = {}  # value is owned by the graph or a variable
        where: dict[int, Device] = {}
        for t in inputs:
            if t not in slot:
                slot[t] = len(plan.template)
                plan.template.append(None)
                shared[slot[t]] = True
                where[slot[t]] = self.place(t.op) if t.op.type != "_Arg" else self.session.device
                plan.op_at[slot[t]] = t.op
            plan.input_slots.append(slot[t])
            plan.input_devices.append(where[slot[t]])

        for op in order:
            dev = self.place(op) if op.type != "_Arg" else self.session.device
            plan.devices.add(dev)
            plan.ops.append(op)
            if op.outputs and all(t in fed for t in op.outputs):
                plan.nodes.append(Node(op, "feed", dev, out=slot[op.outputs[0]]))
                continue
            outs = []
            for t in op.outputs:
                slot[t] = len(plan.template)
                plan.template.append(None)
                plan.op_at[slot[t]] = op
                where[slot[t]] = dev
                outs.append(slot[t])
            if op.type == "Const":  # a built constant, or one the passes folded
                plan.template[outs[0]] = dev.asarray(op.meta["value"])
                shared[outs[0]] = persistent[outs[0]] = True
                kind: NodeKind = "folded" if op.meta.get("folded") else "const"
                if kind == "folded":
                    plan.folded.append(op._id)
                plan.nodes.append(Node(op, kind, dev, out=outs[0]))
                continue
            if op.type == "NoOp":
                plan.nodes.append(Node(op, "noop", dev))
                continue
            self._bind(op, dev, plan, slot, where, shared, persistent, outs, fed)

        for t in outputs:
            s = slot[t]
            plan.output_slots.append(s)
            plan.persistent.append(persistent.get(s, False))
        if body is None:
            sched, plan.sequential = self._parallel(plan, feed_shapes)
        else:
            sched, plan.sequential = None, "a cond's or loop's body runs in order in its node"
        if self.session.reuse_buffers:
            buffers.assign(plan, feed_shapes, sched.before if sched is not None else None)
        _schedule_frees(plan)
        if sched is not None and not schedule.finish(plan, sched):
            sched, plan.sequential = None, "a buffer is shared across lanes (engine bug)"
        plan.schedule = sched
        plan.fallbacks = list(self.fallbacks)
        return plan

    def _parallel(
        self, plan: Plan, feed_shapes: Sequence[tuple[int, ...]] | None
    ) -> tuple[Schedule | None, str]:
        """The plan's schedule over the session's workers, or None and why not."""
        workers = self.session.inter_op
        if workers < 2:
            return None, "inter_op_parallelism_threads is 1: the plan runs in order"
        ctl = blas_threads.control()
        if ctl is None and not blas_threads.pinned_to_one():
            return (
                None,
                "BLAS's threads cannot be set here: ops running at once would oversubscribe",
            )
        threads = self.session.intra_op or (ctl.get() if ctl is not None else 1)
        return schedule.build(plan, workers, threads, feed_shapes)

    def _bind(
        self,
        op: Operation,
        dev: Device,
        plan: Plan,
        slot: dict[Tensor, int],
        where: dict[int, Device],
        shared: dict[int, bool],
        persistent: dict[int, bool],
        outs: list[int],
        fed: set[Tensor],
    ) -> None:
        kin = kernel_inputs(op)
        ins = []
        for t in kin:
            s = slot[t]
            if where.get(s, dev) is not dev:  # a copy between devices, once per (slot, device)
                moved = plan.moved.get((s, dev.name))
                if moved is None:
                    moved = plan.moved[(s, dev.name)] = self._transfer(
                        t, s, where[s], dev, plan, where
                    )
                s = moved
            ins.append(s)
        fn = self._kernel(op, dev, plan, kin, ins)
        if op.type in ("Assign",) and shared.get(ins[1], False):
            inner = fn
            fn = lambda ref, value, _f=inner: _f(ref, value.copy())  # noqa: E731
        reads = [
            (i, t.op)
            for i, t in enumerate(kin)
            if t.op.type == "VariableV2" and not (op.type == "Assign" and i == 0) and t not in fed
        ]
        checked = needs_runtime_shapes(op) and len(ins) == len(kin)

        def wrap(f: Callable[..., Any]) -> Callable[..., Any]:
            if reads:  # a variable is read when its consumer runs (after earlier assigns)
                f = _read_variables(f, reads, op, self.session._variables)
            if checked:
                f = _check_shapes(f, op)
            return f

        fn = wrap(fn)
        multi = len(outs) > 1 or op.type in ("If", "While")
        if multi or not outs:  # several outputs unpacked below, or none (run for its effect)
            out = len(plan.template)
            plan.template.append(None)
            plan.op_at[out] = op
        else:
            out = outs[0]
        make = None
        record = table.OPS.get(op.type)
        if (
            record is not None
            and record.kernel_out is not None
            and not multi
            and len(ins) == len(kin)
        ):
            xp, attrs, bind_out = dev.xp, op.attrs, record.bind_out

            def make(buf: Any) -> Callable[..., Any]:
                return wrap(bind_out(xp, buf, **attrs))

        elementwise = record is not None and record.elementwise
        plan.nodes.append(
            Node(
                op,
                "run",
                dev,
                fn,
                tuple(ins),
                out,
                make=make,
                elementwise=elementwise,
                reads=bool(reads),
            )
        )
        if multi:
            for i, s in enumerate(outs):
                get = operator.itemgetter(i)
                plan.nodes.append(Node(op, "unpack", dev, get, (out,), s))
        for s in outs:
            view_of = ins[0] if ins and (op.type in VIEWS or fn is _IDENTITY) else None
            stateful = op.type in ("VariableV2",) or op.type in COLOCATED
            shared[s] = stateful or (view_of is not None and shared.get(view_of, False))
            persistent[s] = stateful or (view_of is not None and persistent.get(view_of, False))

    def _kernel(
        self, op: Operation, dev: Device, plan: Plan, kin: Sequence[Tensor], ins: list[int]
    ) -> Callable[..., Any]:
        if op.type == "If":
            return self._bind_if(op, plan)
        if op.type == "While":
            return self._bind_while(op, plan)
        return spec(op.type).bind(op, _BindView(dev, self.session))

    def _transfer(
        self, t: Tensor, s: int, src: Device, dst: Device, plan: Plan, where: dict[int, Device]
    ) -> int:
        if dst.name == "cpu":
            fn: Callable[..., Any] = src.to_host
        else:
            fn = lambda a, _d=dst, _s=src: _d.asarray(_s.to_host(a))  # noqa: E731
        new = len(plan.template)
        plan.template.append(None)
        plan.op_at[new] = t.op
        where[new] = dst
        gpu_end, direction = (dst, "H2D") if dst.name == "gpu" else (src, "D2H")
        plan.nodes.append(Node(t.op, "transfer", gpu_end, fn, (s,), new, direction=direction))
        return new

    # ---------------------------------------------------------- control flow

    def _bind_if(self, op: Operation, plan: Plan) -> Callable[..., Any]:
        caps = list(op.inputs[1:])
        then_plan = self.build(op.meta["then_out"], [], caps, body=op.meta["then"])
        else_plan = self.build(op.meta["else_out"], [], caps, body=op.meta["else"])
        plan.branches[op._id] = {
            "then": [o._id for o in then_plan.ops if o._ctx is not None],
            "else": [o._id for o in else_plan.ops if o._ctx is not None],
        }

        def run_if(pred: Any, *captured: Any) -> tuple[Any, ...]:
            chosen = then_plan if bool(pred) else else_plan
            return tuple(chosen.run_nested(captured, plan))

        return run_if

    def _bind_while(self, op: Operation, plan: Plan) -> Callable[..., Any]:
        acc_op, elem_op = op.meta["args"]
        has_init = bool(op.meta["has_init"])
        caps = list(op.inputs[1 + has_init :])
        body = self.build(
            op.meta["out"], [], [acc_op.outputs[0], elem_op.outputs[0], *caps], body=op.meta["body"]
        )
        plan.branches[op._id] = {"body": [o._id for o in body.ops if o._ctx is not None]}

        def run_while(elems: Any, *rest: Any) -> tuple[Any, ...]:
            if has_init:
                acc, captured, start = rest[0], rest[1:], 0
            else:
                if len(elems) == 0:
                    raise errors.op_error(
                        errors.InvalidArgumentError,
                        op,
                        "elems must have at least one element when no initializer is given",
                    )
                acc, captured, start = elems[0], rest, 1
            for i in range(start, len(elems)):
                acc = body.run_nested((acc, elems[i], *captured), plan)[0]
            return (acc,)

        return run_while


def _schedule_frees(plan: Plan) -> None:
    """Give each executing node the slots it uses last (outputs excepted), then make the steps.

    Dropping a value right after its last use lets numpy hand the memory back to the next
    temporary while it is still in cache, as a hand-written numpy step does by refcounting.
    """
    running = [n for n in plan.nodes if n.kind in ("run", "unpack", "transfer")]
    last: dict[int, int] = {}
    for i, node in enumerate(running):
        for s in node.ins:
            last[s] = i
    keep = set(plan.output_slots)
    frees: list[list[int]] = [[] for _ in running]
    for s, i in last.items():
        if s not in keep:
            frees[i].append(s)
    for node, dropped in zip(running, frees, strict=True):
        node.frees = tuple(sorted(dropped))
        args = gather(node.ins)
        fn = node.fn
        assert fn is not None, "run, unpack and transfer nodes are made with their fn"
        plan.steps.append((node.fast or fn, args, node.out, node.frees))
        plan.steps_alloc.append((fn, args, node.out, node.frees))
    plan.leading_inputs = plan.input_slots == list(range(len(plan.input_slots)))


def _IDENTITY(x: Any) -> Any:  # noqa: N802 - a marker the alias tracking recognises
    return x


class _BindView:
    """What a kernel's ``bind`` sees of the session, for one device."""

    def __init__(self, device: Device, session: Session) -> None:
        self.device = device
        self.variables = session._variables
        self._session = session

    def rng(self, op: Operation) -> np.random.Generator:
        return self._session._rng(op)


def needs_runtime_shapes(op: Operation) -> bool:
    """True when ``op``'s input shapes were not all known while building, so its shape rule
    must run on the real shapes first (TF checks these at run time)."""
    if op.type in STATIC:
        return False
    return any(t._dims is None or None in t._dims for t in kernel_inputs(op))


def _check_shapes(fn: Callable[..., Any], op: Operation) -> Callable[..., Any]:
    rule, attrs = table.get(op.type).shape, op.attrs

    def checked(*args: Any) -> Any:
        dims = tuple(tuple(getattr(a, "shape", ())) for a in args)
        try:
            rule(*dims, **attrs)
        except ShapeError as e:
            raise errors.op_error(
                errors.InvalidArgumentError, op, run_shape_message(e, dims)
            ) from None
        return fn(*args)

    return checked


def _read_variables(
    fn: Callable[..., Any], reads: list[tuple[int, Operation]], op: Operation, store: dict[int, Any]
) -> Callable[..., Any]:
    """``fn`` with the listed inputs replaced by their variable's value at call time; raises
    FailedPreconditionError naming ``op`` for a variable never initialised."""
    spots = [(i, var._id, var.name) for i, var in reads]

    def read(*args: Any) -> Any:
        values = list(args)
        for i, key, name in spots:
            v = store.get(key)
            if v is None:
                raise errors.op_error(
                    errors.FailedPreconditionError, op, errors.uninitialized(name)
                )
            values[i] = v
        return fn(*values)

    return read

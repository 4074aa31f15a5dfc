"""What the eager front end tells the event stream: one graph per iteration, a node per op.

Nothing here runs unless ``STREAM.active``: the ops call :func:`traced` only when someone
listens, and otherwise call the kernel directly.

Iterations. The graph of iteration ``n`` is ``eager:{n}``. An iteration ends when
:func:`new_iteration` is called, or when an op is created by the same call (same code object
and instruction) as the first op of the current graph after ops made elsewhere came in between:
the Python loop came back round. That first op is the first one a loop runs: ops of the set-up
before the loop (``y = torch.sin(x)``) join the first iteration, and the first op inside a loop
takes the mark over (which loop an op runs in is read from the user's frames, once per call
site: :func:`_loop_of`); an op in another loop later (an evaluation loop after training) ends
the iteration and marks that loop's iterations. Tensors made outside the graph (``x``, ``w1``
before the loop, or last iteration's values) get a ``Leaf`` node the first time the graph uses
them, named after the caller's variable when one holds them.

Totals. An iteration for which ``STREAM.open_unit`` says "totals" (what its subscribers asked
for with ``STREAM.want``) sends no ``graph_created`` and builds no node-level events (no nodes,
leaves or grads): each op is timed as usual, on the one path every op takes (:func:`traced`),
and added up per call site, and one ``op_totals`` event per device ({op: [calls, total_ns,
flops]}) goes just before its ``iteration_finished``. Its call sites are still looked up (the
loop's return to the first site ends the iteration, and the site's cache holds the op's flops).
"""

from __future__ import annotations

import dis
import itertools
import math
import os
import sys
import time
from bisect import bisect_right
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import CodeType, FrameType
from typing import TYPE_CHECKING, Any

import numpy as np

from engine.eager.grad_mode import MODE
from engine.events import STREAM, Event
from engine.ops import binary_shape, same_shape

if TYPE_CHECKING:
    from engine.devices import Device
    from engine.eager.tensor import Tensor
    from engine.ops import Op

_ENGINE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep
_SCENES_DIR = _ENGINE_DIR + "scenes" + os.sep  # scenes are user code: their lines are shown
_INSIDE: dict[str, bool] = {}
"""co_filename -> whether it is the engine's code (a string's hash is kept: a fast key)."""
_getframe = sys._getframe
_clock = time.perf_counter_ns


class State:
    """The current eager graph (one per iteration) and its node numbering."""

    __slots__ = (
        "iteration",
        "graph",
        "token",
        "next_id",
        "first_site",
        "first_scope",
        "left_first",
        "loop",
        "t0",
        "paused0",
        "devices",
        "last",
        "folding",
        "totals",
    )

    def __init__(self) -> None:
        self.iteration = -1
        self.graph: str | None = None
        self.token = 0  # changes with every graph; tensors remember the token of their node id
        self.next_id = 0
        self.first_site: Where | None = None
        self.first_scope: str | None = None
        """The scope the graph's first op was made in: the same instruction in another module
        (the second of two blocks running one forward) does not start a new iteration."""
        self.left_first = False
        self.loop: Loop | None = None  # the loop whose turns are the iterations (None: none yet)
        self.t0 = 0
        self.paused0 = 0  # STREAM.paused_ns when the iteration began
        self.devices: set[Device] = set()
        self.last = -1  # node id of the op traced last (-1: none, or a folded op)
        self.folding = False  # this iteration reports op totals, not nodes (STREAM.open_unit)
        self.totals: dict[_Site, list[int]] = {}  # site -> [calls, total_ns, flops] (folding)


STATE = State()


def user_frame() -> FrameType | None:
    """The innermost frame outside the engine (scenes count as user code)."""
    f: FrameType | None = sys._getframe(2)
    inside = _INSIDE
    while f is not None:
        filename = f.f_code.co_filename
        r = inside.get(filename)
        if r is None:
            r = _inside(filename)
        if not r:
            return f
        f = f.f_back
    return None


def _inside(filename: str) -> bool:
    """Whether code of ``filename`` is the engine's own (scenes are not); cached."""
    name = os.path.abspath(filename)
    r = _INSIDE[filename] = name.startswith(_ENGINE_DIR) and not name.startswith(_SCENES_DIR)
    return r


def new_iteration() -> None:
    """End the current iteration's graph; the next op starts a new one (scenes may call this)."""
    if STATE.graph is not None:
        _finish()


def reset(restart: bool = False) -> None:
    """Forget the iteration in progress without emitting (a run that was stopped mid-way).

    The next op starts a new iteration with ``iteration_started`` and ``graph_created``.
    Devices keep their queued GPU timings; they arrive at the next iteration's sync point.

    Args:
        restart: a new run begins (a scene started again): iterations count from 0 again.
    """
    st = STATE
    if restart:
        st.iteration = -1
    st.graph = None
    st.first_site, st.left_first, st.loop = None, False, None
    st.first_scope = None
    st.last = -1
    st.folding, st.totals = False, {}


def _start(site: Where | None, loop: Loop | None = None) -> None:
    st = STATE
    st.iteration += 1
    st.token += 1
    st.graph = f"eager:{st.iteration}"
    st.next_id = 0
    st.first_site, st.left_first, st.loop = site, False, loop
    st.first_scope = SCOPE[0]
    st.t0 = time.perf_counter_ns()
    st.paused0 = STREAM.paused_ns
    STREAM.emit("iteration_started", mode="eager", iteration=st.iteration)
    st.folding = not STREAM.open_unit("eager")
    if not st.folding:
        STREAM.emit("graph_created", graph=st.graph, mode="eager", iteration=st.iteration)


def _finish() -> None:
    st = STATE
    for dev in st.devices:
        dev.flush()  # GPU durations arrive here, at the iteration's sync point
    st.devices = set()
    graph, st.graph = st.graph, None
    if STREAM.active:
        if st.folding:
            _emit_totals(graph)
        STREAM.emit(
            "iteration_finished",
            mode="eager",
            iteration=st.iteration,
            dur_ns=time.perf_counter_ns() - st.t0 - (STREAM.paused_ns - st.paused0),
        )


def _emit_totals(graph: str | None) -> None:
    """One ``op_totals`` event per device for the folded iteration ``graph``; then forget them."""
    st = STATE
    per_device: dict[str, dict[str, list[int]]] = {}
    for info, (calls, total_ns, flops) in st.totals.items():
        ops = per_device.setdefault(info.dev.name, {})
        t = ops.get(info.op.name)
        if t is None:
            ops[info.op.name] = [calls, total_ns, flops]
        else:
            t[0] += calls
            t[1] += total_ns
            t[2] += flops
    st.totals = {}
    st.folding = False
    unsent = 1  # the graph_created not sent, counted with the first device's totals
    for device, ops in per_device.items():
        STREAM.emit(
            "op_totals",
            graph=graph,
            mode="eager",
            device=device,
            ops=ops,
            skimmed=2 * sum(t[0] for t in ops.values()) + unsent,
        )
        unsent = 0


Where = tuple[CodeType, int, int]
"""Where an op is made: the calling code object, its instruction offset and its line."""


def _site(frame: FrameType | None) -> tuple[Where | None, int, str]:
    """(where, line, "file:line") of a frame; cached per instruction (f_lineno is slow).

    An iteration starts again at the first op's instruction, not at its line:
    ``relu(x.mm(w1)).mm(w2)`` makes two ops on one line, and only the first one is the loop
    coming back round. Ops of the first op's line do not count as leaving it: ``(prev_y +
    x[t]) * w`` in a loop grows one graph, as the lecture's loop does.
    """
    if frame is None:
        return None, 0, ""
    raw = (id(frame.f_code), frame.f_lasti)
    key = _INSTRUCTION.get(raw) or _instruction(frame.f_code, raw)
    info = _SITES.get(key)
    if info is None:
        line = frame.f_lineno
        where = (frame.f_code, key[1], line)
        info = _SITES[key] = (where, line, f"{frame.f_code.co_filename}:{line}")
    return info


def _instruction(code: CodeType, raw: tuple[int, int]) -> tuple[int, int]:
    """(id(code), the offset of the instruction the offset in ``raw`` is in), kept in
    :data:`_INSTRUCTION`. Python 3.11 reports an offset past an instruction's inline caches
    while a specialised form of it runs (``x[i:j]`` calling a Python ``__getitem__``, once
    warm): read as it is, one instruction would become a second site after a few turns, and
    the loop's first op would not come back round (a training loop's batches ran together
    into one iteration from its sixth on)."""
    starts = _STARTS.get(raw[0])
    if starts is None or starts[0] is not code:
        starts = _STARTS[raw[0]] = (code, [ins.offset for ins in dis.get_instructions(code)])
    offsets = starts[1]
    key = (raw[0], offsets[max(0, bisect_right(offsets, raw[1]) - 1)])
    _INSTRUCTION[raw] = _INSTRUCTION.setdefault(key, key)
    return _INSTRUCTION[raw]


_INSTRUCTION: dict[tuple[int, int], tuple[int, int]] = {}
"""(id(code), an offset frames report) -> (id(code), its instruction's offset): one key for
every offset of an instruction (:func:`_instruction`)."""
_STARTS: dict[int, tuple[CodeType, list[int]]] = {}
"""id(code) -> (code, its instructions' offsets, in order); the entry holds the code."""


def _elsewhere(site: Where | None) -> bool:
    """Whether an op made at ``site`` is on another line than the current graph's first op."""
    first = STATE.first_site
    return site is None or first is None or site[2] != first[2] or site[0] is not first[0]


_SITES: dict[tuple[int, int], tuple[Where, int, str]] = {}


def _enter(site: Where | None, loop: Loop | None = None) -> None:
    """Start or continue the current graph for an op created at ``site`` (code, instruction),
    run by ``loop`` (None: outside any loop)."""
    st = STATE
    if st.graph is None:
        _start(site, loop)
    elif site == st.first_site and SCOPE[0] is st.first_scope:
        if st.left_first:
            _finish()
            _start(site, loop)
    elif loop is not st.loop and loop is not None:
        _into_loop(site, loop)
    elif not st.left_first and _elsewhere(site):
        st.left_first = True


def _into_loop(site: Where | None, loop: Loop) -> None:
    """An op of a loop other than the one marking iterations: its turns are the iterations now.

    From the set-up before any loop, the set-up joins this first iteration; from another loop
    (training, then evaluation), that loop's last iteration ends here.
    """
    st = STATE
    if st.loop is None:
        st.first_site, st.left_first, st.loop = site, False, loop
        st.first_scope = SCOPE[0]
    else:
        _finish()
        _start(site, loop)


class Loop:
    """One loop of the user's code: the code object and the offset its turns jump back to."""

    __slots__ = ("code", "start")

    def __init__(self, code: CodeType, start: int) -> None:
        self.code, self.start = code, start


_LOOPS: dict[int, tuple[CodeType, tuple[tuple[int, int], ...]]] = {}
"""id(code) -> (code, its loops as (first, last) instruction offsets)."""
_LOOP_OBJECTS: dict[tuple[int, int], Loop] = {}
_JUMPS = frozenset(dis.hasjrel) | frozenset(dis.hasjabs)
_LIBRARY = tuple(
    {os.path.join(p, "") for p in (sys.prefix, sys.base_prefix, sys.exec_prefix)} | {"<frozen"}
)
"""File name prefixes of code that is no user's: the standard library, installed packages."""


_COMPREHENSIONS = frozenset({"<listcomp>", "<dictcomp>", "<setcomp>", "<genexpr>"})


def _spans(code: CodeType) -> tuple[tuple[int, int], ...]:
    """The loops of ``code`` as (first, last) offsets: each backward jump closes one.

    A comprehension is an expression, not a loop of iterations (``torch.stack([wave[s:s + 21]
    for s in starts])`` in the set-up): its code (or, inlined, a loop on one line) has none.
    """
    entry = _LOOPS.get(id(code))
    if entry is None:
        spans: list[tuple[int, int]] = []
        if code.co_name not in _COMPREHENSIONS:
            line_at: dict[int, int | None] = {}
            for ins in dis.get_instructions(code):
                line_at[ins.offset] = ins.positions.lineno if ins.positions else None
                target = ins.argval
                if ins.opcode in _JUMPS and isinstance(target, int) and target <= ins.offset:
                    if line_at.get(target) != line_at[ins.offset]:
                        spans.append((target, ins.offset))
        entry = _LOOPS[id(code)] = (code, tuple(spans))
    return entry[1]


def _loop_of(frame: FrameType | None) -> Loop | None:
    """The outermost loop of the user's code running ``frame``'s current line, or None.

    Goes out from the user's frame through its callers, passing the engine's own frames (a
    module's ``forward`` runs under ``nn.Module.__call__``, called from the training loop, so
    it is in that loop), up to the script's module level or a library's frame (pytest's).
    """
    found: Loop | None = None
    f = frame
    while f is not None:
        code = f.f_code
        if f is not frame:
            if code.co_filename.startswith(_LIBRARY):
                break
            if code.co_filename.startswith(_ENGINE_DIR):
                f = f.f_back
                continue
        lasti = f.f_lasti
        outer = None
        for first, last in _spans(code):
            if first <= lasti <= last and (outer is None or first < outer):
                outer = first
        if outer is not None:
            key = (id(code), outer)
            found = _LOOP_OBJECTS.get(key)
            if found is None:
                found = _LOOP_OBJECTS[key] = Loop(code, outer)
        if code.co_name == "<module>":
            break
        f = f.f_back
    return found


def _leaf_name(t: Tensor, frame: FrameType | None) -> str:
    name: str | None = getattr(t, "_name", None)
    if name:
        return name
    name = "tensor"  # not held by a variable of the caller (y[-1])
    if frame is not None:
        held = frame.f_locals.items()
        name = next((key for key, value in held if value is t), "")
        if not name:  # a variable's gradient or storage: w1.grad, w1.data, w1.grad.data
            name = _read_through(t, held) or "tensor"
    t._name = name  # looked up once: the loop's next iterations reuse it
    return name


def _read_through(t: Tensor, held: Any) -> str | None:
    """How the caller reads ``t`` through one of its variables: ``w1.grad`` (the gradient
    itself), or ``w1.data`` / ``w1.grad.data`` (a new tensor on the same storage, as the 2017
    listings update weights: ``w1.data -= learning_rate * w1.grad.data``)."""
    kind, array = type(t), t.array
    tensors = [(k, v) for k, v in held if type(v) is kind]
    for key, v in tensors:
        if v.grad is t:
            return f"{key}.grad"
    for key, v in tensors:
        if v.array is array:
            return f"{key}.data"
        if v.grad is not None and v.grad.array is array:
            return f"{key}.grad.data"
    return None


def _node_id(t: Tensor, frame: FrameType | None, line: int, source: str) -> int:
    """``t``'s node id in the current graph, adding a Leaf node the first time it is used
    (``line`` and ``source`` are those of the op using it, from ``frame``)."""
    st = STATE
    if t._gtok == st.token:
        return t._nid
    nid = st.next_id
    st.next_id = nid + 1
    t._gtok, t._nid = st.token, nid
    a = t.array
    name = t._name
    leaf = t._leaf  # (array, name, source, template) of its last Leaf event
    if leaf is not None and leaf[0] is a and leaf[1] is name and leaf[2] is source:
        template = leaf[3]
    else:
        name = name or _leaf_name(t, frame)
        scope = getattr(t, "_scope", "")  # a module's parameter is drawn in its module
        key = (name, a.shape, a.dtype, t._dev, source, scope)
        known = _LEAVES.get(key)
        if known is not None:
            template = known
        else:
            template = _LEAVES[key] = _created(
                name, "Leaf", list(a.shape), dtype_name(a.dtype), t._dev.name, scope, source,
                line, inputs=[], nbytes=int(a.nbytes),
            )  # fmt: skip
        t._leaf = (a, t._name, source, template)
    stream = STREAM
    if stream.batching:  # its one event, as a row of the stream's next batch
        now = _clock()
        stream.pending.append((template, st.graph, nid, template["inputs"], None, now))
        if now > stream.due:
            stream.flush()
        return nid
    event = template.copy()
    event["graph"], event["node"] = st.graph, nid
    stream.send(event)
    return nid


NO_GRAD_SCOPE = "no_grad"
"""The scope of eager ops made under ``torch.no_grad()`` (a hand-written update): the UI folds
it into one box, as it folds TensorFlow's name scopes."""

SCOPE: list[str | None] = [None]
"""The scope of the ops made now, where a part of the front end names it (:func:`scope`): a
custom ``autograd.Function``'s (``MyReLU`` in its forward, ``MyReLUBackward`` in its backward),
an optimizer's (``RMSprop`` in its ``step()``); None elsewhere. Such ops run without grad, but
``no_grad`` would not say what they are."""


@contextmanager
def scope(name: str) -> Iterator[None]:
    """Ops made inside the block are scoped ``name`` (the pane folds them into one box)."""
    outer, SCOPE[0] = SCOPE[0], name
    try:
        yield
    finally:
        SCOPE[0] = outer


_LEAVES: dict[tuple[Any, ...], dict[str, Any]] = {}
"""Leaf ``node_created`` templates by (name, shape, dtype, device, source, scope)."""


_DTYPE_NAMES: dict[Any, str] = {}


def dtype_name(dt: Any) -> str:
    """numpy's dtype name, cached (``dtype.name`` is a slow Python property)."""
    name = _DTYPE_NAMES.get(dt)
    if name is None:
        name = _DTYPE_NAMES[dt] = np.dtype(dt).name
    return name


_ITEMSIZE = {
    "float32": 4,
    "float64": 8,
    "float16": 2,
    "int64": 8,
    "int32": 4,
    "bool": 1,
    "uint8": 1,
}


def _out_dtype(op: Op, args: tuple[Any, ...]) -> str:
    if op.out_dtype == "bool":
        return "bool"
    first = None
    mixed = False
    for a in args:
        dt = getattr(a, "dtype", None)
        if dt is None:
            continue
        if first is None:
            first = dt
        elif dt != first:
            mixed = True
    if first is None:
        return "float32"
    if mixed:
        return dtype_name(np.result_type(*[a for a in args if hasattr(a, "dtype")]))
    return dtype_name(first)


def _shape(op: Op, args: tuple[Any, ...], attrs: dict[str, Any]) -> tuple[list[Any], Any]:
    in_shapes = [getattr(a, "shape", ()) for a in args]
    rule = op.shape
    if rule is same_shape or (rule is binary_shape and in_shapes[0] == in_shapes[1]):
        return in_shapes, in_shapes[0]
    try:
        return in_shapes, rule(*in_shapes, **attrs)
    except Exception:
        return in_shapes, None


class _Site:
    """What one op at one call site shows, worked out once: the static part of its events.

    Keyed by the calling instruction; valid while the op, name, device, grad mode, scope,
    attributes and input shapes and dtypes stay those it was made for: ``check`` holds them
    (the op by its id: an op's own hash and equality compare every field), compared on every
    use (:func:`traced`). The ops one instruction made share ``facts``: check -> _Site.
    """

    __slots__ = (
        "op",
        "name",
        "dev",
        "check",
        "site",
        "created",
        "finished",
        "shape",
        "dtype",
        "nbytes",
        "flops",
        "cpu",
        "grad",
        "loop",
        "scope",
        "sa",
        "da",
        "sb",
        "db",
        "akey",
        "facts",
        "line",
        "source",
        "number",
    )

    def __init__(
        self,
        op: Op,
        name: str,
        dev: Device,
        check: tuple[Any, ...],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        frame: FrameType | None,
    ) -> None:
        self.op, self.name, self.dev, self.check = op, name, dev, check
        # what check holds, one by one (compared on every use), the grad mode and scope too:
        # ops made under torch.no_grad() are scoped "no_grad"
        _, _, _, self.grad, self.scope, self.sa, self.da, self.sb, self.db, self.akey = check
        self.facts: dict[tuple[Any, ...], _Site] = {}  # every op made by this instruction
        self.site, line, source = _site(frame)
        self.line, self.source = line, source
        self.loop = _loop_of(frame)
        in_shapes, shape = _shape(op, args, kwargs)
        self.shape = list(shape) if shape is not None else []
        self.dtype = _out_dtype(op, args)
        self.nbytes = (
            math.prod(self.shape) * _ITEMSIZE.get(self.dtype, 4) if shape is not None else 0
        )
        try:
            self.flops = int(op.flops(shape, *in_shapes, **kwargs))
        except Exception:
            self.flops = 0
        scope = self.scope or ("" if self.grad else NO_GRAD_SCOPE)
        self.created = _created(
            name, op.name, self.shape, self.dtype, dev.name, scope, source, line,
            flops=self.flops, nbytes=self.nbytes,
        )  # fmt: skip
        self.number = _number_in(op, args)
        self.created.update(_written_in(op, kwargs, self.number, len(args)))
        serial = self.created["site"]  # this site's events in a trace share their fixed part
        # node_created carries shape, dtype and bytes: node_finished repeats only the flops
        # (per-op rates are folded from node_finished alone)
        self.finished = {
            "seq": 0,
            "t_ns": 0,
            "kind": "node_finished",
            "graph": None,
            "node": 0,
            "device": dev.name,
            "dur_ns": 0,
            "flops": self.flops,
            "site": serial,
        }
        self.cpu = dev.name == "cpu"


def _written_in(
    op: Op, attrs: dict[str, Any], number: tuple[int, float] | None, arity: int
) -> dict[str, Any]:
    """What an op's label writes in besides its tensors: ``attrs``, its attributes that are
    numbers or tuples of them (``clamp(min=0)``, ``sum(dim=1)``), which the site cache keys
    on (:func:`traced`), and ``args``, its ``arity`` operands with None for each tensor: the
    numbers the op itself implies (``Op.shown_args``: ``x.pow(2)`` runs as ``Square``, drawn
    ``pow(·, 2)``), else its ``number`` operand (``h + 1e-7``: ``add(·, 1e-07)``), written in
    as long as the site sees the same number (:func:`_number_in`)."""
    out: dict[str, Any] = {}
    if op.shown_args:
        out["args"] = list(op.shown_args)
    elif number is not None:
        out["args"] = [number[1] if i == number[0] else None for i in range(arity)]
    kept = {
        k: list(v) if isinstance(v, tuple) else v
        for k, v in attrs.items()
        if type(v) in _NUMBERS or (isinstance(v, tuple) and v and all(type(i) is int for i in v))
    }
    if kept:
        out["attrs"] = kept
    return out


def _number_in(op: Op, args: tuple[Any, ...]) -> tuple[int, float] | None:
    """(position, value) of the one number among an op's operands (the others arrays), which
    its label writes in; None where there is none, or where the op's own numbers are shown.

    The site cache keys on a number operand's type, not its value (a number that changes at
    every step, Adam's bias correction, must not make a new site each step), so a site that
    writes one in checks it on each use, and writes it in no more once it changes
    (:func:`_number_changed`): a label says a number only while it is the one the op used.
    """
    if op.shown_args or len(args) != 2:
        return None
    at = 1 if _is_number(args[1]) else 0
    value = args[at]
    if not _is_number(value) or _is_number(args[1 - at]):
        return None  # no number, or no array
    return at, value.item() if isinstance(value, np.generic) else value


def _is_number(a: Any) -> bool:
    """Whether an operand is a number (a Python one, or numpy's: an integer tensor's)."""
    return type(a) in _NUMBERS or isinstance(a, np.generic)


def _number_changed(info: _Site) -> None:
    """The number operand of ``info``'s site differs from the one its label writes in: its
    events from now on write none, under a new ``site`` (a trace writes each site's fixed
    part once)."""
    info.number = None
    created = dict(info.created)
    created.pop("args", None)
    created["site"] = next(_SERIAL)
    info.created = created
    info.finished = {**info.finished, "site": created["site"]}


_SERIAL = itertools.count(1)
"""``site`` of the eager node events: one number per ``_Site`` (and Leaf template)."""


def _created(
    name: str,
    op: str,
    shape: list[int],
    dtype: str,
    device: str,
    scope: str,
    source: str,
    line: int,
    flops: int = 0,
    nbytes: int = 0,
    inputs: list[int] | None = None,
) -> Event:
    """The fixed part of an eager ``node_created`` (an op's, a Leaf's), with a new ``site``:
    each of its events copies it and fills in ``graph``, ``node``, ``inputs`` (and
    ``dur_ns``). ``seq``, ``t_ns`` and ``kind`` come first: the order events have always had."""
    return {
        "seq": 0,
        "t_ns": 0,
        "kind": "node_created",
        "graph": None,
        "node": 0,
        "name": name,
        "op": op,
        "inputs": inputs,
        "shape": shape,
        "dtype": dtype,
        "device": device,
        "mode": "eager",
        "scope": scope,
        "source": source,
        "line": line,
        "flops": flops,
        "bytes": nbytes,
        "grad_of": None,
        "site": next(_SERIAL),
    }


_OPS_AT: dict[tuple[int, int] | None, _Site] = {}  # (id(code), instruction); holds the code
_SIMPLE = (int, float, str, bool, type(None))
_NUMBERS = (int, float, bool)
_ndarray = np.ndarray


def _signature(args: tuple[Any, ...]) -> tuple[Any, ...]:
    """Shapes and dtypes of arrays, types of scalars: what an op's static facts depend on
    (:func:`traced` makes that of one or two operands inline, as this would)."""
    sig = []
    for a in args:
        dtype = getattr(a, "dtype", None)
        if dtype is None:
            sig.append(type(a))
        else:
            sig.append(a.shape)
            sig.append(dtype)
    return tuple(sig)


def _attrs_key(attrs: dict[str, Any]) -> Any:
    """A comparable key of an op's attributes, or None when they hold arrays (not cached)."""
    items = []
    for k, v in attrs.items():
        if isinstance(v, tuple):
            if not all(isinstance(i, _SIMPLE) for i in v):
                return None
        elif not isinstance(v, _SIMPLE):
            return None
        items.append((k, v))
    return tuple(items)


def traced(
    op: Op,
    name: str,
    parents: tuple[Any, ...],
    args: tuple[Any, ...],
    attrs: dict[str, Any],
    dev: Device,
) -> Any:
    """Run and time one op; returns the kernel's result. Every op takes this one path while
    anyone listens.

    The node's static facts come from the call site's cache. An iteration that reports nodes
    gets one event per op on the CPU: ``node_created`` sent after the kernel, outside the timed
    region, carrying the kernel's ``dur_ns`` (its ``t_ns`` is the kernel's end, so ``t_ns -
    dur_ns`` is its start), or, while the stream batches (``STREAM.batching``), that event's
    compact row appended to ``STREAM.pending``; an iteration that reports totals adds the op's
    call, time and flops to its site's totals instead. On another device, whose time
    ``Device.measure`` reports only when it is known, the node has two events: ``node_created``
    before the kernel and ``node_finished`` once timed. A kernel that raises still sends its
    ``node_created`` (without ``dur_ns``: the node never finished), so the failed node is seen.

    This is the hot path of every listened op: the work is inline (no helper calls on the
    common path), each global read once.
    """
    # the user's frame (the innermost outside the engine), as user_frame() finds it, inline;
    # frames 1 and 2 are the engine's: apply or _inplace, and the method that called it
    frame: FrameType | None = _getframe(3)
    key = None
    while frame is not None:
        code = frame.f_code
        r = _INSIDE.get(code.co_filename)
        if r is None:
            r = _inside(code.co_filename)
        if not r:
            raw = (id(code), frame.f_lasti)
            key = _INSTRUCTION.get(raw) or _instruction(code, raw)
            break
        frame = frame.f_back
    # the call site's cached facts, valid while what they depend on is the same: the op,
    # its name, device, grad mode, scope, attributes and operands' shapes and dtypes
    n = len(args)
    if n == 2:
        a, b = args
        if type(a) is _ndarray:
            sa, da = a.shape, a.dtype
        else:
            da = getattr(a, "dtype", None)
            sa = a.shape if da is not None else type(a)
        if type(b) is _ndarray:
            sb, db = b.shape, b.dtype
        else:
            db = getattr(b, "dtype", None)
            sb = b.shape if db is not None else type(b)
    elif n == 1 and type(args[0]) is _ndarray:
        a = args[0]
        sa, da, sb, db = a.shape, a.dtype, None, None
    else:
        sa, da, sb, db = _signature(args), None, None, None
    akey = _attrs_key(attrs) if attrs else ()
    grad, scope = MODE.enabled, SCOPE[0]
    info = _OPS_AT.get(key)
    if (
        info is None
        or info.op is not op
        or info.da is not da
        or info.db is not db
        or info.sa != sa
        or info.sb != sb
        or info.dev is not dev
        or info.grad is not grad
        or info.scope is not scope
        or info.name != name
        or info.akey != akey
    ):  # not the op this instruction made last: another of its ops, or new facts
        check = (id(op), name, dev, grad, scope, sa, da, sb, db, akey)
        if info is not None:  # another op made by the same instruction (a module's layers)
            info = info.facts.get(check)
        if info is None:
            info = _remember(key, _Site(op, name, dev, check, args, attrs, frame))
    number = info.number
    if number is not None and args[number[0]] != number[1]:
        _number_changed(info)
    st = STATE
    site = info.site
    if st.graph is None or site is st.first_site or info.loop is not st.loop:
        _enter(site, info.loop)
    elif not st.left_first:
        first = st.first_site  # a site is one cached tuple per instruction (_site)
        if site is None or first is None or site[2] != first[2] or site[0] is not first[0]:
            st.left_first = True
    if st.folding:  # no node: the op counts into its site's totals
        st.last = -1
        return _fold(info, op, args, attrs, dev)
    token = st.token
    inputs = []
    for p in parents:
        if p is not None:
            if p._gtok == token:
                inputs.append(p._nid)
            else:  # a tensor made outside this graph: its Leaf node, the first time
                inputs.append(_node_id(p, frame, info.line, info.source))
    nid = st.next_id
    st.next_id = nid + 1
    st.last = nid
    if not info.cpu:  # the device reports its time later: created now, finished then
        return _on_device(info, op, args, attrs, dev, _event(info, st.graph, nid, inputs))
    t0 = _clock()  # the host clock around the kernel
    try:
        out = op.kernel(dev.xp, *args, **attrs)
    except BaseException:  # the node that failed is still shown (it never finished)
        STREAM.send(_event(info, st.graph, nid, inputs))
        raise
    t1 = _clock()
    stream = STREAM
    if stream.batching:  # the op's one event, as a row of the stream's next batch
        stream.pending.append((info.created, st.graph, nid, inputs, t1 - t0, t1))
        if t1 > stream.due:
            stream.flush()
        return out
    created = info.created.copy()
    created["graph"] = st.graph
    created["node"] = nid
    created["inputs"] = inputs
    created["dur_ns"] = t1 - t0  # the op's one event: made and run
    stream.send(created, t1)
    return out


def _event(info: _Site, graph: str | None, nid: int, inputs: list[int]) -> Event:
    """The ``node_created`` of op ``nid`` made at ``info``'s site, without its time."""
    created = info.created.copy()
    created["graph"], created["node"], created["inputs"] = graph, nid, inputs
    return created


def _remember(key: tuple[int, int] | None, info: _Site) -> _Site:
    """Keep ``info`` for its instruction ``key``, first in line, among the other ops made
    there; past ``_PER_SITE`` of them the oldest is dropped (a line whose shapes never repeat
    does not grow the cache)."""
    if key is not None and info.akey is not None:
        first = _OPS_AT.get(key)
        if first is not None:
            facts = info.facts = first.facts
            if len(facts) >= _PER_SITE:
                del facts[next(iter(facts))]
        info.facts[info.check] = info
        _OPS_AT[key] = info
    return info


_PER_SITE = 1024
"""How many ops one instruction keeps facts for: ``model(x)`` makes each of its layers',
``optimizer.step()`` a dozen per parameter (Adam), in turn, iteration after iteration; the
ops of one turn must all stay, or each would be made again in the next."""


def _fold(info: _Site, op: Op, args: tuple[Any, ...], attrs: dict[str, Any], dev: Device) -> Any:
    """Run an op of an iteration that reports totals: its call, time and flops are added to
    its site's."""
    acc = STATE.totals.get(info)
    if acc is None:
        acc = STATE.totals[info] = [0, 0, 0]
    acc[0] += 1
    acc[2] += info.flops
    if dev not in STATE.devices:
        STATE.devices.add(dev)
    if info.cpu:
        t0 = _clock()
        out = op.kernel(dev.xp, *args, **attrs)
        acc[1] += _clock() - t0
        return out

    def done(dur_ns: int) -> None:
        acc[1] += dur_ns

    return dev.measure(op.kernel, args, attrs, done)


def _on_device(
    info: _Site, op: Op, args: tuple[Any, ...], attrs: dict[str, Any], dev: Device, created: Event
) -> Any:
    """Run an op on a device that reports its time later: ``node_created`` now, its
    ``node_finished`` when the time is known (at the iteration's sync point)."""
    st = STATE
    if dev not in st.devices:
        st.devices.add(dev)
    graph, nid = created["graph"], created["node"]
    STREAM.send(created)
    finished = info.finished

    def done(dur_ns: int) -> None:
        event = finished.copy()
        event["graph"], event["node"], event["dur_ns"] = graph, nid, dur_ns
        STREAM.send(event)

    return dev.measure(op.kernel, args, attrs, done)


def failed(
    op: Op, name: str, parents: tuple[Any, ...], dev: Device, message: str
) -> tuple[str | None, int | None]:
    """Show an op that could not be created as a node; returns (graph, node) for the error event."""
    frame = user_frame()
    site, line, source = _site(frame)
    _enter(site)
    st = STATE
    if st.folding:  # an iteration reporting totals has no nodes to name
        return st.graph, None
    inputs = [_node_id(p, frame, line, source) for p in parents if p is not None]
    nid = st.next_id
    st.next_id += 1
    STREAM.emit(
        "node_created",
        graph=st.graph,
        node=nid,
        name=name,
        op=op.name,
        inputs=inputs,
        shape=[],
        dtype="",
        device=dev.name,
        mode="eager",
        scope="",
        source=source,
        line=line,
        flops=0,
        bytes=0,
        grad_of=None,
    )
    return st.graph, nid


def transfer(direction: str, nbytes: int, dur_ns: int, device: str, reason: str) -> None:
    """Emit one host<->device copy."""
    STREAM.emit(
        "transfer",
        direction=direction,
        bytes=int(nbytes),
        dur_ns=int(dur_ns),
        device=device,
        reason=reason,
    )


def grad(graph: str | None, node: int | None, g: Any, xp: Any) -> None:
    """Emit a gradient's arrival at a forward node (or leaf)."""
    if graph is None or node is None or node < 0 or STATE.folding:
        return
    flat = g.reshape(-1)  # what xp.linalg.norm does, without its checks (it runs per node)
    STREAM.emit(
        "grad",
        graph=graph,
        node=node,
        norm=math.sqrt(float(xp.dot(flat, flat))),
        shape=list(g.shape),
    )


def sync_point(fn: Callable[[], None] | None = None) -> None:
    """Deliver pending device timings (``.item()``, ``.numpy()``)."""
    for dev in STATE.devices:
        dev.flush()

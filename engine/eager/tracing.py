"""What the eager front end tells the event stream: one graph per iteration, a node per op.

Nothing here runs unless ``STREAM.active``: the ops call :func:`traced` only when someone
listens, and otherwise call the kernel directly.

Iterations. The graph of iteration ``n`` is ``eager:{n}``. An iteration ends when
:func:`new_iteration` is called, or when an op is created at the same source line (same code
object and line) as the first op of the current graph after ops at other lines came in between:
the Python loop came back round. Tensors made outside the graph (``x``, ``w1`` before the loop,
or last iteration's values) get a ``Leaf`` node the first time the graph uses them, named after
the caller's variable when one holds them.
"""

from __future__ import annotations

import math
import os
import sys
import time
from collections.abc import Callable
from types import CodeType, FrameType
from typing import TYPE_CHECKING, Any

import numpy as np

from engine.events import STREAM
from engine.ops import binary_shape, same_shape

if TYPE_CHECKING:
    from engine.devices import Device
    from engine.ops import Op

_ENGINE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep
_SCENES_DIR = _ENGINE_DIR + "scenes" + os.sep  # scenes are user code: their lines are shown
_INSIDE: dict[CodeType, bool] = {}


class State:
    """The current eager graph (one per iteration) and its node numbering."""

    __slots__ = ("iteration", "graph", "token", "next_id", "first_site", "left_first", "t0",
                 "devices", "last")

    def __init__(self) -> None:
        self.iteration = -1
        self.graph: str | None = None
        self.token = 0  # changes with every graph; tensors remember the token of their node id
        self.next_id = 0
        self.first_site: tuple[CodeType, int] | None = None
        self.left_first = False
        self.t0 = 0
        self.devices: set[Device] = set()
        self.last = -1  # node id of the op traced last


STATE = State()


def user_frame() -> FrameType | None:
    """The innermost frame outside the engine (scenes count as user code)."""
    f: FrameType | None = sys._getframe(2)
    inside = _INSIDE
    while f is not None:
        code = f.f_code
        r = inside.get(code)
        if r is None:
            name = os.path.abspath(code.co_filename)
            r = inside[code] = name.startswith(_ENGINE_DIR) and not name.startswith(_SCENES_DIR)
        if not r:
            return f
        f = f.f_back
    return None


def new_iteration() -> None:
    """End the current iteration's graph; the next op starts a new one (scenes may call this)."""
    if STATE.graph is not None:
        _finish()


def _start(site: tuple[CodeType, int] | None) -> None:
    st = STATE
    st.iteration += 1
    st.token += 1
    st.graph = f"eager:{st.iteration}"
    st.next_id = 0
    st.first_site, st.left_first = site, False
    st.t0 = time.perf_counter_ns()
    STREAM.emit("iteration_started", mode="eager", iteration=st.iteration)
    STREAM.emit("graph_created", graph=st.graph, mode="eager", iteration=st.iteration)


def _finish() -> None:
    st = STATE
    for dev in st.devices:
        dev.flush()  # GPU durations arrive here, at the iteration's sync point
    st.devices = set()
    st.graph = None
    if STREAM.active:
        STREAM.emit("iteration_finished", mode="eager", iteration=st.iteration,
                    dur_ns=time.perf_counter_ns() - st.t0)


def _site(frame: FrameType | None) -> tuple[tuple[CodeType, int] | None, int, str]:
    """(site key, line, "file:line") of a frame; cached per instruction (f_lineno is slow)."""
    if frame is None:
        return None, 0, ""
    key = (frame.f_code, frame.f_lasti)
    info = _SITES.get(key)
    if info is None:
        line = frame.f_lineno
        info = _SITES[key] = ((frame.f_code, line), line, f"{frame.f_code.co_filename}:{line}")
    return info


_SITES: dict[tuple[CodeType, int], tuple[tuple[CodeType, int], int, str]] = {}


def _enter(site: tuple[CodeType, int] | None) -> None:
    """Start or continue the current graph for an op created at ``site`` (code, line)."""
    st = STATE
    if st.graph is None:
        _start(site)
    elif site == st.first_site:
        if st.left_first:
            _finish()
            _start(site)
    else:
        st.left_first = True


def _leaf_name(t: Any, frame: FrameType | None) -> str:
    name = getattr(t, "_name", None)
    if name:
        return name
    while frame is not None:
        for key, value in frame.f_locals.items():
            if value is t:
                return key
        frame = None
    return "tensor"


def _node_id(t: Any, frame: FrameType | None, source: str, line: int) -> int:
    """``t``'s node id in the current graph, adding a Leaf node the first time it is used."""
    st = STATE
    if t._gtok == st.token:
        return t._nid
    nid = st.next_id
    st.next_id += 1
    t._gtok, t._nid = st.token, nid
    a = t.array
    STREAM.emit("node_created", graph=st.graph, node=nid, name=_leaf_name(t, frame), op="Leaf",
                inputs=[], shape=list(a.shape), dtype=dtype_name(a.dtype), device=t._dev.name,
                mode="eager", scope="", source=source, line=line, flops=0, bytes=int(a.nbytes),
                grad_of=None)
    return nid


_DTYPE_NAMES: dict[Any, str] = {}


def dtype_name(dt: Any) -> str:
    """numpy's dtype name, cached (``dtype.name`` is a slow Python property)."""
    name = _DTYPE_NAMES.get(dt)
    if name is None:
        name = _DTYPE_NAMES[dt] = np.dtype(dt).name
    return name


_ITEMSIZE = {"float32": 4, "float64": 8, "float16": 2, "int64": 8, "int32": 4, "bool": 1,
             "uint8": 1}


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


def created(op: Op, name: str, parents: tuple[Any, ...], args: tuple[Any, ...],
            attrs: dict[str, Any], dev: Device) -> tuple[str, int, list[int], str, int, int]:
    """Emit ``node_created`` for an op about to run; returns (graph, node, shape, dtype, bytes, flops)."""
    frame = user_frame()
    site, line, source = _site(frame)
    _enter(site)
    st = STATE
    st.devices.add(dev)
    inputs = [_node_id(p, frame, source, line) for p in parents if p is not None]
    in_shapes, shape = _shape(op, args, attrs)
    shape_list = list(shape) if shape is not None else []
    dtype = _out_dtype(op, args)
    nbytes = math.prod(shape_list) * _ITEMSIZE.get(dtype, 4) if shape is not None else 0
    try:
        flops = int(op.flops(shape, *in_shapes, **attrs))
    except Exception:
        flops = 0
    nid = st.next_id
    st.next_id += 1
    st.last = nid
    STREAM.emit("node_created", graph=st.graph, node=nid, name=name, op=op.name, inputs=inputs,
                shape=shape_list, dtype=dtype, device=dev.name, mode="eager", scope="",
                source=source, line=line, flops=flops, bytes=nbytes, grad_of=None)
    return st.graph, nid, shape_list, dtype, nbytes, flops  # type: ignore[return-value]


def traced(op: Op, name: str, parents: tuple[Any, ...], args: tuple[Any, ...],
           attrs: dict[str, Any], dev: Device) -> Any:
    """Create, start, time and finish one op's node; returns the kernel's result."""
    graph, nid, shape, dtype, nbytes, flops = created(op, name, parents, args, attrs, dev)
    devname = dev.name
    STREAM.emit("node_started", graph=graph, node=nid, device=devname)

    def done(dur_ns: int) -> None:
        STREAM.emit("node_finished", graph=graph, node=nid, device=devname, dur_ns=dur_ns,
                    shape=shape, dtype=dtype, bytes=nbytes, flops=flops)

    return dev.measure(op.kernel, args, attrs, done)


def failed(op: Op, name: str, parents: tuple[Any, ...], dev: Device,
           message: str) -> tuple[str | None, int | None]:
    """Show an op that could not be created as a node; returns (graph, node) for the error event."""
    frame = user_frame()
    site, line, source = _site(frame)
    _enter(site)
    st = STATE
    inputs = [_node_id(p, frame, source, line) for p in parents if p is not None]
    nid = st.next_id
    st.next_id += 1
    STREAM.emit("node_created", graph=st.graph, node=nid, name=name, op=op.name, inputs=inputs,
                shape=[], dtype="", device=dev.name, mode="eager", scope="", source=source,
                line=line, flops=0, bytes=0, grad_of=None)
    return st.graph, nid


def transfer(direction: str, nbytes: int, dur_ns: int, device: str, reason: str) -> None:
    """Emit one host<->device copy."""
    STREAM.emit("transfer", direction=direction, bytes=int(nbytes), dur_ns=int(dur_ns),
                device=device, reason=reason)


def grad(graph: str | None, node: int | None, g: Any, xp: Any) -> None:
    """Emit a gradient's arrival at a forward node (or leaf)."""
    if graph is None or node is None:
        return
    STREAM.emit("grad", graph=graph, node=node, norm=float(xp.linalg.norm(g)),
                shape=list(np.shape(g)))


def metric(name: str, value: float) -> None:
    STREAM.emit("metric", name=name, value=float(value), mode="eager", iteration=STATE.iteration)


def sync_point(fn: Callable[[], None] | None = None) -> None:
    """Deliver pending device timings (``.item()``, ``.numpy()``)."""
    for dev in STATE.devices:
        dev.flush()

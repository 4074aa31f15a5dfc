"""Events: what the engine tells the world, one small JSON-serialisable dict at a time.

Every event is a plain ``dict`` with the envelope ``seq`` (monotonic int), ``t_ns`` (host
nanoseconds since the stream started) and ``kind``, plus the payload of its kind (see
``KINDS``). The stream is thread-safe and costs one attribute read when nobody listens:
producers write ``if STREAM.active: STREAM.emit(...)`` so no payload is built for nobody.
Hot producers (an eager op: one event) build the whole event dict themselves, from a cached
template, and hand it to :meth:`EventStream.send`, which stamps ``seq`` and ``t_ns`` into it:
consumers see the same plain dict either way. An event belongs to its consumers once sent;
values inside it (``shape``, ``inputs``) may be shared between events and are read-only.

Batches. While every subscriber can take them (it has an ``on_ops`` method) and no pacer is
set, the eager front end does not build a dict per op on the CPU (nor per Leaf): it appends a
compact row to :attr:`EventStream.pending`, and the stream hands the rows over as one
:class:`OpBatch` (to each subscriber's ``on_ops``) before any other event, when subscribers
come or go, and once ``FLUSH_NS`` has passed since the last batch as the next op comes: an
iteration's ops arrive together, just before its ``iteration_finished``, in their order, with
the ``seq`` and ``t_ns`` they would have had (rows still pending when the engine falls quiet
wait for its next event). ``OpBatch.events()`` gives the very dicts per-op delivery would
have sent. A subscriber without ``on_ops`` (the UI's, which needs each op as it runs), or a
pacer, keeps per-op delivery for everyone.

Detail. The engine works in units: a static ``Session.run`` and an eager iteration. A consumer
that cannot use every node event of every unit (a UI at full speed) says so with one call,
:meth:`EventStream.want`, before the units it means start: a unit then sends ``"totals"`` (its
ops timed and added up into ``op_totals``) instead of ``"nodes"``. The engine asks
:meth:`EventStream.open_unit` once as each unit starts, so a unit is never half and half;
nothing else thins the stream. A consumer in another process may send the summary events of
consecutive units on packed as one ``units`` event (:class:`Units`); :func:`unpacked` gives
them back.

A trace file is a header line followed by one event per line (JSON lines) and, once the
recording is finished, a closing line (``{"kind": "end", "events": N}``); the schema of every
line is declared in :mod:`engine.trace_schema`. :class:`TraceWriter` writes as events come,
at least once a second, so a crash leaves every event but the last second's. Reading
(:mod:`engine.trace_read`; :func:`read_trace` here) checks every line against the schema; a
truncated, corrupt, ill-typed or foreign file raises :class:`TraceError` naming the file, the
line and the field.
"""

from __future__ import annotations

import itertools
import json
import os
import threading
import time
from collections import deque
from collections.abc import Callable, Hashable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, NotRequired, TypedDict, cast, get_args

Event = dict[str, Any]
"""An event as consumers get it: the envelope (:class:`Envelope`) plus its kind's payload.

A plain dict rather than a TypedDict: extra keys are allowed, a trace read from a file may
carry keys of another cgviz, and hot producers fill cached templates. The payloads the engine
builds as dicts before sending are typed (:class:`NodeCreatedPayload`,
:class:`GraphRewrittenPayload`); ``KINDS`` lists every kind's required keys."""
_clock = time.perf_counter_ns
Subscriber = Callable[[Event], None]
OpRow = tuple[Event, Any, int, list[int], int | None, int]
"""One eager node of an :class:`OpBatch`: (its site's ``node_created`` template, graph, node,
inputs, dur_ns, the clock at the kernel's end); a Leaf's has no ``dur_ns`` (None) and the
clock when it was first used."""

TRACE_FORMAT = "cgviz-trace"
TRACE_VERSION = 2
"""The version a recording is written in. 2: an eager op on the CPU is one ``node_created``
carrying its ``dur_ns`` (version 1 sent ``node_created`` then ``node_finished``)."""
TRACE_VERSIONS = (1, 2)
"""The versions a trace may be read in (every reader folds both ways of an eager op)."""

Kind = Literal[
    "scene",
    "graph_created",
    "node_created",
    "run_started",
    "node_started",
    "node_finished",
    "run_finished",
    "iteration_started",
    "iteration_finished",
    "transfer",
    "metric",
    "grad",
    "data",
    "error",
    "graph_rewritten",
    "op_totals",
    "output",
    "units",
]
"""Every event kind (the keys of ``KINDS``)."""


class Envelope(TypedDict):
    """What every event carries besides its payload."""

    seq: int
    """Monotonic per stream."""
    t_ns: int
    """Host nanoseconds since the stream started."""
    kind: Kind


class NodeBrief(TypedDict):
    """A node as a graph pass names what it added when nobody listens (the start of a
    :class:`NodeCreatedPayload`)."""

    node: int
    name: str
    op: str
    fused: NotRequired[list[str]]
    """A fused node: the names of the ops it replaces."""
    folded: NotRequired[bool]
    """A constant the folding pass computed."""


class NodeCreatedPayload(NodeBrief):
    """The payload of a static graph's ``node_created`` (``placement.node_payload``); an
    eager node's carries the same keys but ``control_inputs``, plus ``site``."""

    graph: str
    inputs: list[int]
    control_inputs: list[int]
    shape: list[int | None] | None
    dtype: str | None
    device: str | None
    mode: str
    scope: str
    flops: int
    bytes: int
    grad_of: int | None
    body: NotRequired[str]
    """The cond branch or loop body the node belongs to."""
    requested_device: NotRequired[str]
    placement: NotRequired[str]
    source: NotRequired[str]
    """``file:line`` of the user's line that built it."""
    line: NotRequired[int]
    var: NotRequired[str]
    """The name the user's ``name = tf.f(...)`` line gave the op."""
    value: NotRequired[Any]
    """A small constant's value (``Const`` of at most ``SMALL_CONST`` elements), as a list or
    a number: the UI writes it into its consumer's label (``Maximum(·, 0)``)."""
    args: NotRequired[list[float | int | bool | None]]
    """An eager op's numbers in operand order, None where a tensor goes (``x.pow(2)``, run
    as ``Square``: ``[None, 2]``): the UI writes them into its label (``pow(·, 2)``)."""
    attrs: NotRequired[dict[str, float | int | bool | list[int]]]
    """An eager op's attributes that are numbers (``{"min": 0.0}``; ``axis``, ``keepdims``):
    the UI writes the ones a reader knows into its label (``clamp(min=0)``)."""


class RewriteStats(TypedDict):
    nodes_before: int
    nodes_after: int


# What one static graph pass changed (``graph_rewritten``; kept in ``Plan.rewrites``): the
# pass's name; removed node ids; added nodes (``node_created`` payloads when anyone listens,
# else briefs); replaced {old id as a JSON key: new id}. Functional syntax: "pass"
# is a Python keyword.
GraphRewrittenPayload = TypedDict(
    "GraphRewrittenPayload",
    {
        "graph": str,
        "pass": str,
        "removed": list[int],
        "added": list[NodeBrief],
        "replaced": dict[str, int],
        "stats": RewriteStats,
    },
)


OpTotals = dict[str, list[int]]
"""``op_totals``'s ``ops``: op name -> [calls, total_ns, flops]."""

# kind -> the payload keys it must carry (documentation; extra keys are allowed). The trace
# schema, engine.trace_schema.EVENTS, declares every field of every kind with its type.
KINDS: dict[str, tuple[str, ...]] = {
    "scene": ("name", "title"),  # + caption, source (listing text), file
    "graph_created": ("graph", "mode"),  # a static graph or an eager iteration's graph
    "node_created": ("graph", "node", "name", "op", "inputs"),
    # + shape, dtype, device, mode, scope, source ("file:line"), line, flops, bytes, grad_of;
    # static nodes may carry var: the name the user's `name = tf.f(...)` line gave the op
    # eager node events also carry site: an int equal across iterations while the same line
    # runs the same op on the same shapes (everything but seq, t_ns, graph, node, inputs and
    # dur_ns is then the same too); an eager op on the CPU is this one event, sent once it ran,
    # with dur_ns (its t_ns is the kernel's end); elsewhere node_finished follows when timed
    "run_started": ("graph", "run", "fetches", "plan"),  # static Session.run; plan = exec order
    "node_started": ("graph", "node", "device"),
    "node_finished": ("graph", "node", "device", "dur_ns"),  # + shape, dtype, bytes, flops
    # a parallel static plan's node_started / node_finished carry worker: which of its workers
    # ran the node (0: the thread that called Session.run)
    "run_finished": ("graph", "run", "dur_ns"),
    "iteration_started": ("mode", "iteration"),
    "iteration_finished": ("mode", "iteration", "dur_ns"),
    "transfer": ("direction", "bytes", "dur_ns", "device"),  # direction H2D / D2H; + reason
    "metric": ("name", "value"),  # + mode, iteration
    "grad": ("graph", "node", "norm"),  # gradient arrived at a forward node (eager backward)
    "data": ("dur_ns",),  # the loop waited dur_ns for a batch; + source (ram/disk/prefetch),
    # batch, bytes, mode: the lecture's "loading data can starve the GPU", measured
    # + graph, node; a script that ended: traceback (it raised), label, exit_code (what
    # `python SCRIPT.py` would exit with: sys.exit(3) -> 3, sys.exit("msg") -> 1, a
    # KeyboardInterrupt it raised -> 130; see engine.cli.program.script_ending)
    "error": ("type", "message"),
    # a static graph pass changed the graph a Session runs: removed (node ids), added (node
    # dicts as node_created's payload), replaced ({old id: new id}), stats {nodes_before,
    # nodes_after}
    "graph_rewritten": ("graph", "pass", "removed", "added", "replaced", "stats"),
    # a static run / eager iteration that reported "totals" (see EventStream.want): its node
    # events were never built; ops = {op: [calls, total_ns, flops]} on device, one event per
    # device just before the run_finished / iteration_finished closing it; + skimmed (events
    # not sent: two per op, and the run_started / eager graph_created that would have opened it)
    # + untimed ({op: [calls, flops]}: calls a sampled static plan ran between its timed runs,
    # counted from the plan, with no time)
    "op_totals": ("graph", "mode", "device", "ops"),
    # a line the user's script printed (newline dropped), when run under the UI: + stream
    # ("stdout" / "stderr")
    "output": ("text",),
    # the summary events of consecutive units (see Units), packed by a consumer in the engine's
    # process into one event: rows = ROW_WIDTH values per event, [code, seq, t_ns, a, b]
    # (see UNIT_ROWS); the envelope's seq is the first row's, its t_ns the last row's; mode,
    # and the graph of its run_finished rows and the name of its metric rows (None: none)
    "units": ("mode", "graph", "metric", "rows"),
}
assert set(KINDS) == set(get_args(Kind)), "KINDS and Kind name the same kinds"


class Stopped(Exception):
    """Raised inside the engine (from a pacer) to stop a run promptly."""


Detail = Literal["nodes", "totals"]
"""How much a unit (a static ``Session.run``, an eager iteration) reports of its ops.

``"nodes"``: every node's events (``node_created`` / ``node_started`` / ``node_finished``,
``grad``), in a graph its ``run_started`` or eager ``graph_created`` opens. ``"totals"``: no
node-level events and no event opening a graph to draw (a screen never gets half a graph); each
op is timed as usual and added up, and one ``op_totals`` event per device goes just before the
unit's ``run_finished`` / ``iteration_finished``. Summary events (iteration and run times,
metrics, transfers, data waits, errors, graph passes) go either way."""


@dataclass
class _Wish:
    """What one subscriber asked for with :meth:`EventStream.want`."""

    detail: Detail
    every_ns: int
    """With "nodes": a unit of a mode sends nodes at most this often (0: every unit)."""
    nodes_at: dict[str, int] = field(default_factory=dict)
    """Mode -> clock when its latest unit that sent nodes began."""
    shown: set[Hashable] = field(default_factory=set)
    """Keys of the units that sent nodes (a static run's plan: its graph and fetches)."""

    def takes_nodes(self, mode: str, now: int, key: Hashable | None = None) -> bool:
        """Whether a unit of ``mode`` starting at ``now`` should send nodes for this wish: a
        unit whose ``key`` never sent nodes does, whenever the last one that did began (the
        first run of an initializer and the first of the training step are both seen)."""
        if self.detail != "nodes":
            return False
        last = self.nodes_at.get(mode)
        if not self.every_ns or last is None or now - last >= self.every_ns:
            return True
        return key is not None and key not in self.shown


UNIT_ROWS: tuple[tuple[str, tuple[str, ...], tuple[str, str | None]], ...] = (
    ("iteration_started", ("seq", "t_ns", "kind", "mode", "iteration"), ("iteration", None)),
    ("run_finished", ("seq", "t_ns", "kind", "graph", "run", "dur_ns"), ("run", "dur_ns")),
    (
        "metric",
        ("seq", "t_ns", "kind", "name", "value", "mode", "iteration"),
        ("value", "iteration"),
    ),
    (
        "iteration_finished",
        ("seq", "t_ns", "kind", "mode", "iteration", "dur_ns"),
        ("iteration", "dur_ns"),
    ),
)
"""The events a ``units`` event packs, by row code (the index here): each kind, its keys in the
order the engine writes them (only an event with exactly these keys is packed, so unpacking
gives it back as it was), and what its row's ``a`` and ``b`` hold (``mode``, ``graph`` and a
metric's ``name`` are the pack's own, shared by its rows)."""
ROW_WIDTH = 5
"""Values per row of a ``units`` event: code, seq, t_ns, a, b."""
_ROW_CODE = {kind: code for code, (kind, _, _) in enumerate(UNIT_ROWS)}


class Units:
    """The summary events of consecutive units (static runs, eager iterations) of one mode,
    packed into one ``units`` event.

    At full speed most units are skimmed (see "Detail"): each still sends its summary, four or
    five events of a few numbers each (``iteration_started``, ``run_finished``, ``metric``,
    ``iteration_finished``), at a thousand units a second; a consumer in another process pays
    per event to send, receive and fold them. Packed, a batch of them is one event of rows of
    numbers (:data:`UNIT_ROWS`), which the consumer folds in one go and :meth:`events` gives
    back as the very events it packed, in their order. A packer adds events with :meth:`add`
    while they are consecutive (another event ends the pack: order is kept) and of its mode,
    graph and metric name.
    """

    __slots__ = ("mode", "graph", "metric", "rows")

    def __init__(self, mode: str) -> None:
        self.mode = mode
        self.graph: Any = None
        """The graph of its ``run_finished`` rows (None until one)."""
        self.metric: Any = None
        """The name of its ``metric`` rows (None until one)."""
        self.rows: list[Any] = []

    @staticmethod
    def mode_of(event: Event) -> str | None:
        """The mode of a unit's summary event that can be packed (exactly the keys of its kind
        in :data:`UNIT_ROWS`, numbers where numbers go), else None."""
        code = _ROW_CODE.get(event["kind"])
        if code is None or tuple(event) != UNIT_ROWS[code][1]:
            return None
        if type(event["seq"]) is not int or type(event["t_ns"]) is not int:
            return None
        if code == 1:  # run_finished: a static run
            ok = type(event["run"]) is int and type(event["dur_ns"]) is int
            return "static" if ok and type(event["graph"]) is str else None
        if type(event["iteration"]) is not int or type(event["mode"]) is not str:
            return None
        if code == 2:
            value = event["value"]
            if type(event["name"]) is not str or type(value) is bool:
                return None
            return event["mode"] if isinstance(value, (int, float)) else None
        return event["mode"] if code == 0 or type(event["dur_ns"]) is int else None

    def add(self, event: Event, mode: str) -> bool:
        """Pack ``event`` (of ``mode``, from :meth:`mode_of`); False when it is not this pack's
        (another mode, graph or metric name: it starts another)."""
        kind = event["kind"]
        if mode != self.mode:
            return False
        if kind == "run_finished":
            if self.graph is None:
                self.graph = event["graph"]
            elif event["graph"] != self.graph:
                return False
            self.rows += (1, event["seq"], event["t_ns"], event["run"], event["dur_ns"])
        elif kind == "metric":
            if self.metric is None:
                self.metric = event["name"]
            elif event["name"] != self.metric:
                return False
            self.rows += (2, event["seq"], event["t_ns"], event["value"], event["iteration"])
        elif kind == "iteration_started":
            self.rows += (0, event["seq"], event["t_ns"], event["iteration"], None)
        else:
            rows = (3, event["seq"], event["t_ns"], event["iteration"], event["dur_ns"])
            self.rows += rows
        return True

    def event(self) -> Event:
        """The ``units`` event."""
        rows = self.rows
        return {
            "seq": rows[1],
            "t_ns": rows[-3],
            "kind": "units",
            "mode": self.mode,
            "graph": self.graph,
            "metric": self.metric,
            "rows": rows,
        }

    @staticmethod
    def events(units: Event) -> list[Event]:
        """The events a ``units`` event packed, as they were sent (plus its ``src``, if any)."""
        mode, graph, metric, rows = units["mode"], units["graph"], units["metric"], units["rows"]
        out: list[Event] = []
        for i in range(0, len(rows), ROW_WIDTH):
            code, seq, t, a, b = rows[i : i + ROW_WIDTH]
            kind = UNIT_ROWS[code][0]
            if code == 0:
                event = {"seq": seq, "t_ns": t, "kind": kind, "mode": mode, "iteration": a}
            elif code == 1:
                event = {"seq": seq, "t_ns": t, "kind": kind, "graph": graph, "run": a}
                event["dur_ns"] = b
            elif code == 2:
                event = {"seq": seq, "t_ns": t, "kind": kind, "name": metric, "value": a}
                event["mode"], event["iteration"] = mode, b
            else:
                event = {"seq": seq, "t_ns": t, "kind": kind, "mode": mode, "iteration": a}
                event["dur_ns"] = b
            if "src" in units:
                event["src"] = units["src"]
            out.append(event)
        return out


def unpacked(events: Iterable[Event]) -> list[Event]:
    """``events`` with each ``units`` event replaced by the events it packed (see
    :class:`Units`): what the engine sent, for a consumer that reads kinds one by one."""
    return [
        e
        for event in events
        for e in (Units.events(event) if event["kind"] == "units" else (event,))
    ]


class OpBatch:
    """Eager ops' ``node_created`` events, sent together as compact rows (see "Batches").

    Row ``i`` is the event whose ``seq`` is ``seq + i``: its site's template (a
    ``node_created`` with every field but ``seq``, ``t_ns``, ``graph``, ``node`` and
    ``inputs`` filled in; one dict per site, shared, read-only) completed by the row's graph,
    node, inputs and ``dur_ns`` (a Leaf's row has none), its ``t_ns`` the row's clock less
    ``t0``.
    """

    __slots__ = ("seq", "t0", "rows")

    def __init__(self, seq: int, t0: int, rows: list[OpRow]) -> None:
        self.seq = seq
        """``seq`` of the first row; the others follow one by one."""
        self.t0 = t0
        """The stream's clock origin (``t_ns`` = a row's clock less it)."""
        self.rows = rows
        """The ops, in the order they ran (read-only)."""

    def __len__(self) -> int:
        return len(self.rows)

    def events(self) -> Iterator[Event]:
        """Each op as the event per-op delivery sends (a new dict each)."""
        seq, t0 = self.seq, self.t0
        for template, graph, node, inputs, dur, end in self.rows:
            yield _row_event(template, seq, end - t0, graph, node, inputs, dur)
            seq += 1


FLUSH_NS = 50_000_000
"""An :class:`OpBatch` goes at least this often while ops come (besides before any other
event): a long iteration's ops still arrive within a twentieth of a second."""


def deliver_each(fn: Subscriber) -> Callable[[OpBatch], None]:
    """An ``on_ops`` for a subscriber that takes events one by one: each op as its dict."""

    def on_ops(batch: OpBatch) -> None:
        for event in batch.events():
            fn(event)

    return on_ops


class EventStream:
    """A thread-safe fan-out of events to subscribers, plus an optional pacer.

    The pacer, when set, is called after each event is delivered. The engine emits events
    outside its timed regions, so a pacer that sleeps (slow motion) or blocks (step mode)
    never changes a measured duration. A pacer stops a run by raising :class:`Stopped`.
    """

    def __init__(self) -> None:
        self._subscribers: tuple[Subscriber, ...] = ()
        self._lock = threading.Lock()
        self._seq = itertools.count()
        self._t0 = time.perf_counter_ns()
        self.pacer: Callable[[Event], None] | None = None
        """Called after every delivered event; may sleep, block or raise Stopped."""
        self.active = False
        """True while anyone listens; producers check it before building a payload."""
        self.paused_ns = 0
        """Nanoseconds spent in the pacer so far: spans that hold several events (a whole
        Session.run, an eager iteration) subtract it, so slow motion never shows as compute."""
        self._wishes: dict[Subscriber, _Wish] = {}
        """Subscriber -> the detail it asked for (see :meth:`want`); absent: every node."""
        self._on_ops: tuple[Callable[[OpBatch], None], ...] = ()
        self.batching = False
        """True while every subscriber takes :class:`OpBatch` es and no pacer is set: the eager
        front end then appends its CPU ops to :attr:`pending` instead of sending them."""
        self.pending: list[OpRow] = []
        """Eager ops not sent yet (see "Batches"), in the order they ran."""
        self.due = 0
        """The clock past which the producer calls :meth:`flush` after appending a row."""

    def subscribe(self, fn: Subscriber) -> Callable[[], None]:
        """Add a subscriber; returns a function that removes it again.

        A subscriber with an ``on_ops(batch)`` method may get eager ops as :class:`OpBatch`
        rows there instead of one call per op (see "Batches"); every other event still comes
        through ``fn(event)``, in ``seq`` order with the batches.
        """
        self.flush()  # ops already run go to the subscribers they ran under
        with self._lock:
            self._subscribers = (*self._subscribers, fn)
            self._mode()

        def unsubscribe() -> None:
            self.flush()
            with self._lock:
                subs = list(self._subscribers)
                if fn in subs:
                    subs.remove(fn)
                self._subscribers = tuple(subs)
                if fn not in subs:
                    self._wishes.pop(fn, None)
                self._mode()

        return unsubscribe

    def _mode(self) -> None:
        """Set ``active`` and ``batching`` from the subscribers and pacer (lock held)."""
        subs = self._subscribers
        self.active = bool(subs) or self.pacer is not None
        on_ops = tuple(getattr(fn, "on_ops", None) for fn in subs)
        self.batching = bool(subs) and self.pacer is None and None not in on_ops
        self._on_ops = cast(tuple[Callable[[OpBatch], None], ...], on_ops if self.batching else ())

    def flush(self) -> None:
        """Send the eager ops appended to :attr:`pending` as one :class:`OpBatch`."""
        self.due = _clock() + FLUSH_NS
        rows = self.pending
        if not rows:
            return
        self.pending = []
        # (a row the eager front end appends to the old list after the len() below would get
        # no seq of its own: only a flush from another thread while it runs batched can race)
        n = len(rows)
        seqs = list(itertools.islice(self._seq, n))  # n numbers in one go
        batch = OpBatch(seqs[0], self._t0, rows)
        on_ops = self._on_ops
        if not on_ops:  # the subscribers changed since: each gets the events one by one
            on_ops = tuple(
                getattr(fn, "on_ops", None) or deliver_each(fn) for fn in self._subscribers
            )
        for fn in on_ops:
            fn(batch)

    def want(self, fn: Subscriber, detail: Detail = "nodes", *, nodes_per_s: float = 0.0) -> None:
        """Say how much of each unit subscriber ``fn`` wants, from the next unit that starts.

        The one way to thin the stream. Call it from any thread before the units it is meant
        for start (and again whenever the wish changes); a unit already under way keeps the
        detail it started with. A unit sends node events when any subscriber wants them: a
        subscriber that never called ``want`` (a trace, :func:`recording`) wants every node
        event, so nothing is ever thinned behind its back.

        Args:
            fn: a subscriber of this stream (a wish for one that is not subscribed any more is
                dropped: it may come from another thread just after the unsubscribe).
            detail: ``"nodes"`` or ``"totals"`` (see :data:`Detail`).
            nodes_per_s: with ``"nodes"``: at most this many units of each mode (static /
                eager) a second send their nodes, the others totals; 0 for every unit (a UI
                at full speed asks for what an eye can follow).
        """
        every_ns = int(1e9 / nodes_per_s) if detail == "nodes" and nodes_per_s > 0 else 0
        with self._lock:
            if fn not in self._subscribers:
                return
            wish = self._wishes.get(fn)
            if wish is None:
                self._wishes[fn] = _Wish(detail, every_ns)
            else:  # keep when its last node unit began: a rate holds across changed wishes
                wish.detail, wish.every_ns = detail, every_ns

    def open_unit(self, mode: str, key: Hashable | None = None) -> bool:
        """For the engine, once as a unit of ``mode`` ("static" / "eager") starts: True when it
        sends node events, False when it sends op totals (see :meth:`want`). ``key`` names
        what the unit runs (a static run: its graph and fetches): the first unit of a key
        sends nodes to a subscriber that wants nodes at all, so a pane never keeps showing
        another plan (an initializer's run) for the one that runs from then on."""
        wishes = self._wishes
        if not wishes:
            return True
        now = _clock()
        with self._lock:
            everyone = len(wishes) < len(self._subscribers)  # some want every node event
            nodes = everyone or any(w.takes_nodes(mode, now, key) for w in wishes.values())
            if nodes:
                for wish in wishes.values():
                    wish.nodes_at[mode] = now
                    if key is not None:
                        wish.shown.add(key)
        return nodes

    def emit(self, kind: str, **payload: Any) -> None:
        """Deliver one event to every subscriber, then let the pacer run."""
        if self.pending:
            self.flush()
        event: Event = {
            "seq": next(self._seq),
            "t_ns": time.perf_counter_ns() - self._t0,
            "kind": kind,
            **payload,
        }
        for fn in self._subscribers:
            fn(event)
        if self.pacer is not None:
            self.pace(event)

    def send(self, event: Event, now_ns: int | None = None) -> None:
        """Deliver a pre-built event (it has ``kind`` and its payload): the fast path of ``emit``.

        ``seq`` and ``t_ns`` are stamped into ``event`` (placing them first in a template keeps
        the usual key order). The dict is handed over: the caller must not reuse it.

        Args:
            event: the event.
            now_ns: the ``time.perf_counter_ns()`` it happened at, when the caller just read
                the clock (a kernel's end); else the clock is read here.
        """
        if self.pending:
            self.flush()
        event["seq"] = next(self._seq)
        event["t_ns"] = (_clock() if now_ns is None else now_ns) - self._t0
        for fn in self._subscribers:
            fn(event)
        if self.pacer is not None:
            self.pace(event)

    def pace(self, event: Event) -> None:
        """Hand ``event`` to the pacer (which may sleep, block or raise), timing the pause."""
        pacer = self.pacer
        if pacer is None:
            return
        t0 = _clock()
        try:
            pacer(event)
        finally:
            self.paused_ns += _clock() - t0

    def set_pacer(self, pacer: Callable[[Event], None] | None) -> None:
        """Install (or remove, with None) the pacer."""
        self.flush()
        with self._lock:
            self.pacer = pacer
            self._mode()


STREAM = EventStream()
"""The process-wide stream the engine emits on."""


@contextmanager
def recording(stream: EventStream = STREAM, detail: Detail | None = None) -> Iterator[list[Event]]:
    """Collect every event emitted inside the block into a list.

    Args:
        stream: the stream to listen to.
        detail: what to :meth:`~EventStream.want` of each unit (None: every node event).
    """
    events: list[Event] = []
    unsubscribe = stream.subscribe(events.append)
    if detail is not None:
        stream.want(events.append, detail)
    try:
        yield events
    finally:
        unsubscribe()


# ---------------------------------------------------------------- trace files


class TraceError(ValueError):
    """A trace file that cannot be read: names the file and the line."""


def trace_header(**extra: Any) -> dict[str, Any]:
    """The first line of a trace file."""
    return {
        "format": TRACE_FORMAT,
        "version": TRACE_VERSION,
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "host": os.uname().nodename,
        **extra,
    }


class TraceWriter:
    """A subscriber that writes each event as one JSON line (header first, closing line last).

    Encoding is most of a trace's cost, so events that carry a ``site`` (the eager front end's
    node events: the same op at the same call site on the same shapes, iteration after
    iteration) are written from a cached encoding of their unchanging part, with only their
    varying fields formatted per event (:meth:`_line` does that inline: it runs once per
    op). The lines are the JSON objects a plain encoder writes (keys in another order). Lines
    are queued without a lock (``deque.append`` is atomic) and written in batches, a batch at
    least every ``flush_s`` seconds (a thread sees to it while no event comes), so a process
    killed mid-run leaves a trace that reads up to its last second; ``close`` writes the rest
    and the closing line, which tells a finished recording from a cut one. Text fields a
    script fills (an error's message, a printed line, a listing) are clipped to what the
    reader accepts (:func:`engine.trace_schema.fit`).
    """

    def __init__(self, path: str | Path, *, flush_s: float = 0.5, **header: Any) -> None:
        from engine.trace_schema import fit

        self.path = Path(path)
        self._file = self.path.open("w", encoding="utf-8")
        self._lock = threading.Lock()  # held while writing (the queue itself needs none)
        self._fit = fit
        self._encode = _ENCODE
        self._created: dict[Any, str] = {}  # site -> the fixed part of its node_created
        self._finished: dict[Any, str] = {}  # site -> the fixed part of its node_finished
        self._tails: dict[Any, tuple[int, list[int], str]] = {}  # site -> (node, inputs, text)
        self._graph: Any = None  # the graph named last, and its JSON
        self._graph_json = "null"
        self._queue: deque[str | list[str]] = deque()  # lines, or a batch's lines
        self._held = 0  # lines of batches queued since on_ops last wrote
        self._written = 0
        self._file.write(json.dumps(trace_header(**header)) + "\n")
        self._file.flush()
        self._closed = threading.Event()
        self._flusher = threading.Thread(
            target=self._flush_every, args=(flush_s,), name="cgviz-trace-flush", daemon=True
        )
        self._flusher.start()

    @property
    def count(self) -> int:
        """Event lines written or queued so far."""
        return self._written + sum(
            len(entry) if isinstance(entry, list) else 1 for entry in list(self._queue)
        )

    def __call__(self, event: Event) -> None:
        line = self._line(event, event.get("site"))
        queue = self._queue
        queue.append(line)
        if len(queue) >= _BATCH:
            self.flush(to_disk=False)

    def on_ops(self, batch: OpBatch) -> None:
        """Write a batch of eager ops (see "Batches").

        A site's op has the same node id and inputs in every iteration of a loop that makes
        the same graph, so each site keeps its last op's line less ``seq``, ``t_ns``,
        ``graph`` and ``dur_ns`` (node, inputs and the fixed part, formatted once); an op
        whose node or inputs differ, or a new graph, is written the long way and kept.
        """
        rows = batch.rows
        seq, t0 = batch.seq, batch.t0
        tails = self._tails
        graph_now, graph_json = self._graph, self._graph_json
        lines = []
        for template, graph, node, inputs, dur, end in rows:
            site = template["site"]
            tail = tails.get(site)
            if tail is not None and graph is graph_now and tail[0] == node and tail[1] == inputs:
                if dur is not None:
                    lines.append(_TAIL_LINE % (seq, end - t0, graph_json, dur, tail[2]))
                else:  # a Leaf
                    lines.append(_LEAF_LINE % (seq, end - t0, graph_json, tail[2]))
            else:
                event = _row_event(template, seq, end - t0, graph, node, inputs, dur)
                lines.append(self._line(event, site))
                graph_now, graph_json = self._graph, self._graph_json
                fixed = self._created.get(site)
                if fixed is not None:
                    tails[site] = (node, inputs, _TAIL % (node, inputs, fixed))
            seq += 1
        if lines:  # one entry for the batch: its lines are written together
            self._queue.append(lines)
            self._held += len(lines)
            if self._held >= _BATCH:
                self._held = 0
                self.flush(to_disk=False)

    def _line(self, event: Event, site: Any) -> str:
        """The line of any event (the first of its site, another graph's, another kind's)."""
        if site is not None:
            try:
                g = event["graph"]
                if g is not self._graph:
                    self._graph, self._graph_json = g, self._encode(g)
                kind = event["kind"]
                if kind == "node_created":  # an eager op: once per op, so written out inline
                    inputs = event["inputs"]
                    if type(inputs) is not list:
                        raise TypeError("not a list of node ids")
                    for v in inputs:  # str() and %d would take a float or a bool
                        if type(v) is not int:
                            raise TypeError("not a list of node ids")
                    fixed = self._created.get(site)
                    if fixed is None:
                        fixed = self._created[site] = self._fixed_part(event, _CREATED_VARYING)
                    dur = event.get("dur_ns")  # an op that ran: its one event has its time
                    if dur is None:
                        return _CREATED_LINE % (
                            event["seq"],
                            event["t_ns"],
                            self._graph_json,
                            event["node"],
                            inputs,
                            fixed,
                        )
                    if type(dur) is not int:  # (%d would take a float or a bool)
                        raise TypeError("not an int")
                    return _RAN_LINE % (
                        event["seq"],
                        event["t_ns"],
                        self._graph_json,
                        event["node"],
                        inputs,
                        dur,
                        fixed,
                    )
                if kind == "node_finished":
                    fixed = self._finished.get(site)
                    if fixed is None:
                        fixed = self._finished[site] = self._fixed_part(event, _FINISHED_VARYING)
                    return _FINISHED_LINE % (
                        event["seq"],
                        event["t_ns"],
                        self._graph_json,
                        event["node"],
                        _int(event["dur_ns"]),
                        fixed,
                    )
            except (KeyError, TypeError, ValueError):  # not the shape a site's events have
                pass
        small = _SMALL.get(event.get("kind"))  # type: ignore[arg-type]
        if small is not None and tuple(event) == small[0]:
            args: list[Any] = []
            for v in event.values():  # ints as they are, words escaped: what json writes
                if type(v) is int:
                    args.append(v)
                elif type(v) is str:
                    args.append(_escape(v))
                else:
                    break
            else:
                return small[1] % tuple(args)
        return self._encode(self._fit(event))

    def flush(self, to_disk: bool = True) -> None:
        """Write the lines queued so far; with ``to_disk``, hand them to the operating system
        too (a crash keeps them)."""
        with self._lock:
            if not self._file.closed:
                self._drain()
                if to_disk:
                    self._file.flush()

    def _drain(self) -> None:
        """Write the lines queued so far (the caller holds the lock)."""
        queue, lines = self._queue, []
        while queue:  # (popleft is atomic: a line queued meanwhile goes now or in a later batch)
            entry = queue.popleft()
            if isinstance(entry, list):  # a batch's lines
                lines.extend(entry)
            else:
                lines.append(entry)
        if lines:
            lines.append("")
            self._file.write("\n".join(lines))
            self._written += len(lines) - 1

    def _flush_every(self, seconds: float) -> None:
        while not self._closed.wait(seconds):
            try:
                self.flush()
            except (OSError, ValueError):  # a full disk, a file closed under us: close says
                return

    def _fixed_part(self, event: Event, varying: frozenset[str]) -> str:
        """``"key":value,...`` of what the events of this site share."""
        return self._encode({k: v for k, v in event.items() if k not in varying})[1:-1]

    def close(self) -> None:
        """Write the rest and the closing line; close the file (a second call does nothing)."""
        self._closed.set()
        with self._lock:
            if self._file.closed:
                return
            self._drain()
            self._file.write(json.dumps({"kind": "end", "events": self._written}) + "\n")
            self._file.close()


def _row_event(
    template: Event, seq: int, t_ns: int, graph: Any, node: int, inputs: list[int], dur: Any
) -> Event:
    """The event of one :class:`OpBatch` row."""
    event = template.copy()
    event["seq"], event["t_ns"] = seq, t_ns
    event["graph"], event["node"], event["inputs"] = graph, node, inputs
    if dur is not None:  # (a Leaf has none)
        event["dur_ns"] = dur
    return event


_BATCH = 512
"""Lines a trace writer queues before it writes them (or ``flush_s`` seconds, the sooner)."""


def _int(value: Any) -> int:
    """``value`` where it is an int (``%d`` would take a float or a bool)."""
    if type(value) is not int:
        raise TypeError("not an int")
    return value


_SMALL: dict[str, tuple[tuple[str, ...], str]] = {
    kind: (keys, "{" + ",".join(f'"{k}":%s' for k in keys) + "}")
    for kind, keys in (
        ("iteration_started", ("seq", "t_ns", "kind", "mode", "iteration")),
        ("graph_created", ("seq", "t_ns", "kind", "graph", "mode", "iteration")),
        ("iteration_finished", ("seq", "t_ns", "kind", "mode", "iteration", "dur_ns")),
    )
}
"""The eager iteration's own events, each kind with its keys in the order the engine writes
them: a line formatted from a template where the values are ints and words (the JSON encoder
costs ~4x as much for so small an event, and three come with every iteration)."""
_escape = json.encoder.encode_basestring_ascii  # (the C one where there is one)
_CREATED_LINE = '{"seq":%d,"t_ns":%d,"graph":%s,"node":%d,"inputs":%s,%s}'
_RAN_LINE = '{"seq":%d,"t_ns":%d,"graph":%s,"node":%d,"inputs":%s,"dur_ns":%d,%s}'
_FINISHED_LINE = '{"seq":%d,"t_ns":%d,"graph":%s,"node":%d,"dur_ns":%d,%s}'
_TAIL = '"node":%d,"inputs":%s,%s'
_TAIL_LINE = '{"seq":%d,"t_ns":%d,"graph":%s,"dur_ns":%d,%s}'
_LEAF_LINE = '{"seq":%d,"t_ns":%d,"graph":%s,%s}'
"""A batched op's line: what changes from iteration to iteration, then its site's tail."""
_CREATED_VARYING = frozenset(("seq", "t_ns", "graph", "node", "inputs", "dur_ns"))
_FINISHED_VARYING = frozenset(("seq", "t_ns", "graph", "node", "dur_ns"))
"""What changes between two node events of one ``site``; the rest of such an event is fixed."""


@contextmanager
def trace_to(
    path: str | Path, stream: EventStream = STREAM, **header: Any
) -> Iterator[TraceWriter]:
    """Record every event emitted inside the block to a trace file."""
    writer = TraceWriter(path, **header)
    unsubscribe = stream.subscribe(writer)  # (it takes eager ops in batches: on_ops)
    try:
        yield writer
    finally:
        unsubscribe()
        writer.close()


def _line_encoder() -> Callable[[Any], str]:
    """One compact JSON encoder for every line of every trace.

    ``JSONEncoder.encode`` builds its C encoder anew on every call, which is most of what a
    small event costs to encode; where this Python has that C encoder, it is built once here
    and kept when it writes what ``encode`` writes (else ``encode`` it is)."""
    encoder = json.JSONEncoder(default=_jsonable, separators=(",", ":"), check_circular=False)
    plain = encoder.encode
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:
        return plain
    try:
        once = make(
            None, _jsonable, json.encoder.encode_basestring_ascii, None, ":", ",",
            False, False, True,
        )  # fmt: skip

        def encode(value: Any) -> str:
            return "".join(once(value, 0))

        probe = {"a": [1, 2.5, None, True, "é\n"], "b": {"c": float("nan")}, "d": {1, 0}}
        if encode(probe) != plain(probe):
            return plain
    except Exception:  # another Python's private encoder: the public way
        return plain
    return encode


def _jsonable(value: Any) -> Any:
    if hasattr(value, "tolist"):  # numpy scalars and small arrays
        return value.tolist()
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    return str(value)


_ENCODE = _line_encoder()


def read_trace(path: str | Path) -> tuple[dict[str, Any], list[Event]]:
    """Read a whole trace file, every line checked; returns (header, events).

    A recording cut short (no closing line, its last line cut) reads up to its last event;
    :class:`engine.trace_read.TraceReader` says so, and reads a big trace as a stream instead
    of a list.

    Raises:
        TraceError: the file is missing, empty, foreign, of another version, or has a line
            that is not a complete event of the schema (named by its line number and field).
    """
    from engine.trace_read import TraceReader

    with TraceReader(path) as reader:
        return reader.header, list(reader)

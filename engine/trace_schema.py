"""The one declared schema of a trace file: every event kind, its fields, their types and sizes.

A trace is untrusted input (it travels), so the reader (:mod:`engine.trace_read`) checks every
line against this schema before anything else sees it: the header (:data:`HEADER`), each event
(:data:`EVENTS`: the envelope every event carries, then its kind's fields, required or not) and
the closing line a finished recording ends with (:data:`END`). Keys the schema does not name
are allowed (a newer cgviz may add some) but held to the same limits: nesting depth
(:data:`MAX_DEPTH`), string sizes, list lengths. Strings are made safe to show on the way
(:func:`engine.trace_text.safe_text`: single-line fields keep one line, text fields keep their
newlines), so nothing past the reader holds a control character or a value of the wrong type.

The writer (:class:`engine.events.TraceWriter`) holds the same limits from its side: it clips
the few fields a user's script fills with text of any length (:func:`fit`), so what cgviz
writes, cgviz reads.

Errors are :class:`SchemaError` ``(field, problem)``; the reader adds the file and the line.
"""

from __future__ import annotations

from typing import Any

from engine.events import ROW_WIDTH, TRACE_FORMAT, TRACE_VERSIONS, UNIT_ROWS
from engine.trace_types import (
    LISTING,
    MAX_DEPTH,
    MAX_DIMS,
    MAX_ITEMS,
    MAX_LINE_BYTES,
    MESSAGE,
    NAME,
    Bool,
    Const,
    DictOf,
    Fixed,
    Int,
    Json,
    ListOf,
    Maybe,
    Num,
    OneOf,
    Record,
    SchemaError,
    Spec,
    Str,
    fields,
    got,
)

__all__ = [
    "END",
    "END_KIND",
    "ENVELOPE",
    "EVENTS",
    "HEADER",
    "LISTING",
    "MAX_DEPTH",
    "MAX_LINE_BYTES",
    "MESSAGE",
    "NAME",
    "SchemaError",
    "check_end",
    "check_event",
    "check_header",
    "fit",
]

END_KIND = "end"
"""The kind of the closing line (a recording that lacks it was cut short)."""
_ANY = Json()

# ---------------------------------------------------------------- the schema

NAT = Int(0)
ID = Int()
STR = Str()
TEXT = Str(MESSAGE, lines=True)
LISTING_TEXT = Str(LISTING, lines=True)
IDS = ListOf(ID)
NAMES = ListOf(STR)
SHAPE = Maybe(ListOf(Maybe(NAT), MAX_DIMS))

ENVELOPE: dict[str, Spec] = {
    "seq": NAT,  # monotonic per engine process
    "t_ns": ID,  # host nanoseconds since the stream started
    "kind": STR,
    "pid": ID,  # a fresh process's events, re-emitted (engine.static.run_saved)
    "process": STR,
    "src": STR,  # which engine process of a two-sided scene sent it
}
"""What every event may carry besides its kind's fields (``seq``, ``t_ns``, ``kind`` must)."""

NODE: dict[str, Spec] = {
    "graph": STR,
    "node": ID,
    "name": STR,
    "op": STR,
    "inputs": IDS,
    "control_inputs": IDS,
    "shape": SHAPE,
    "dtype": Maybe(STR),
    "device": Maybe(STR),
    "requested_device": STR,
    "placement": STR,
    "mode": STR,
    "scope": STR,
    "body": STR,
    "flops": NAT,
    "bytes": NAT,
    "grad_of": Maybe(ID),
    "source": STR,  # "file:line"
    "line": ID,
    "var": STR,
    "value": _ANY,  # a small constant's value: a number or nested lists of numbers
    "args": ListOf(Maybe(OneOf(Bool(), Num()))),  # an eager op's numbers, null for a tensor
    "attrs": DictOf(OneOf(Bool(), Num(), ListOf(Int()))),  # ...and its number attributes
    "site": ID,
    "fused": NAMES,
    "folded": Bool(),
    "dur_ns": NAT,  # an eager op's one event (version 2): it was made and ran this long
}
"""A node's fields (``node_created``'s payload; a graph pass's ``added`` items)."""

_ADDED = Record(NODE, ("node", "name", "op"))


class UnitRows(Spec):
    """A ``units`` event's rows (see ``engine.events.Units``): ``ROW_WIDTH`` values a row, a
    known code first, then seq, t_ns and the two values its kind's row holds, each of the type
    the event it packs gives it (a count, a duration, a loss)."""

    expected = f"rows of {ROW_WIDTH} values (see engine.events.UNIT_ROWS)"
    _TYPES: tuple[tuple[Spec, Spec], ...] = (
        (Int(), Const(None)),  # iteration_started: iteration
        (Int(), Int(0)),  # run_finished: run, dur_ns
        (Num(), Int()),  # metric: value, iteration
        (Int(), Int(0)),  # iteration_finished: iteration, dur_ns
    )
    """Per code of ``UNIT_ROWS``, the types of ``a`` and ``b``: those of the fields they hold
    (see ``EVENTS``)."""

    def check(self, value: Any, field: str, depth: int, fix: bool) -> Any:
        if type(value) is not list or len(value) % ROW_WIDTH or len(value) > MAX_ITEMS:
            raise self.fail(value, field)
        for i in range(0, len(value), ROW_WIDTH):
            code, seq, t_ns, a, b = value[i : i + ROW_WIDTH]
            if type(code) is not int or not 0 <= code < len(self._TYPES):
                raise SchemaError(f"{field}[{i}]", f"expected a row code, got {got(code)}")
            NAT.check(seq, f"{field}[{i + 1}]", depth, fix)
            ID.check(t_ns, f"{field}[{i + 2}]", depth, fix)
            spec_a, spec_b = self._TYPES[code]
            spec_a.check(a, f"{field}[{i + 3}]", depth, fix)
            spec_b.check(b, f"{field}[{i + 4}]", depth, fix)
        return value


assert len(UnitRows._TYPES) == len(UNIT_ROWS), "a type for each row code"


def _kind(required: tuple[str, ...], own: dict[str, Spec]) -> Record:
    return Record({**ENVELOPE, **own}, ("seq", "t_ns", "kind", *required))


EVENTS: dict[str, Record] = {
    "scene": _kind(
        ("name", "title"),
        {
            "name": STR,
            "title": STR,
            "title_ko": STR,
            "caption": TEXT,
            "caption_ko": TEXT,
            "source": LISTING_TEXT,  # the listing's (or script's) text
            "file": STR,
            "device": STR,
            "part": STR,
            "part_of": STR,
        },
    ),
    "graph_created": _kind(
        ("graph", "mode"), {"graph": STR, "mode": STR, "name": STR, "iteration": ID}
    ),
    "node_created": _kind(("graph", "node", "name", "op", "inputs"), NODE),
    "run_started": _kind(
        ("graph", "run", "fetches", "plan"),
        {
            "graph": STR,
            "run": ID,
            "fetches": ListOf(OneOf(ID, STR)),
            "plan": IDS,
            "device": STR,
            "folded": IDS,
            "fallbacks": ListOf(_ANY),
            "branches": DictOf(_ANY),
            "in_order": STR,  # why the plan runs in order (absent: it runs in parallel)
        },
    ),
    "node_started": _kind(
        ("graph", "node", "device"),
        {
            "graph": STR,
            "node": ID,
            "device": STR,
            "name": STR,
            "op": STR,
            "fused": NAMES,
            "worker": NAT,  # which worker of a parallel static plan ran it (0: the caller)
        },
    ),
    "node_finished": _kind(
        ("graph", "node", "device", "dur_ns"),
        {
            "graph": STR,
            "node": ID,
            "device": STR,
            "dur_ns": NAT,
            "name": STR,
            "op": STR,
            "shape": SHAPE,
            "dtype": Maybe(STR),
            "bytes": NAT,
            "flops": NAT,
            "site": ID,
            "fused": NAMES,
            "const": Bool(),
            "feed": Bool(),
            "folded": Bool(),
            "noop": Bool(),
            "worker": NAT,
        },
    ),
    "run_finished": _kind(("graph", "run", "dur_ns"), {"graph": STR, "run": ID, "dur_ns": NAT}),
    "iteration_started": _kind(("mode", "iteration"), {"mode": STR, "iteration": ID}),
    "iteration_finished": _kind(
        ("mode", "iteration", "dur_ns"), {"mode": STR, "iteration": ID, "dur_ns": NAT}
    ),
    "transfer": _kind(
        ("direction", "bytes", "dur_ns", "device"),
        {
            "direction": STR,  # H2D / D2H
            "bytes": NAT,
            "dur_ns": NAT,
            "device": STR,
            "reason": STR,
            "graph": STR,
            "node": ID,
            "run": ID,
        },
    ),
    "metric": _kind(("name", "value"), {"name": STR, "value": Num(), "mode": STR, "iteration": ID}),
    "grad": _kind(
        ("graph", "node", "norm"), {"graph": STR, "node": ID, "norm": Num(), "shape": SHAPE}
    ),
    "data": _kind(
        ("dur_ns",),
        {"dur_ns": NAT, "source": STR, "batch": ID, "bytes": NAT, "mode": STR},
    ),
    "error": _kind(
        ("type", "message"),
        {
            "type": STR,
            "message": TEXT,
            "graph": Maybe(STR),
            "node": Maybe(ID),
            "name": STR,
            "op": STR,
            "traceback": LISTING_TEXT,  # the user's traceback (a script that raised)
            "label": STR,
            "exit_code": ID,  # a script that ended with sys.exit(code) or was interrupted
        },
    ),
    "graph_rewritten": _kind(
        ("graph", "pass", "removed", "added", "replaced", "stats"),
        {
            "graph": STR,
            "pass": STR,
            "removed": IDS,
            "added": ListOf(_ADDED),
            "replaced": DictOf(ID, id_keys=True),
            "stats": Record({"nodes_before": NAT, "nodes_after": NAT}),
        },
    ),
    "op_totals": _kind(
        ("graph", "mode", "device", "ops"),
        {
            "graph": Maybe(STR),
            "mode": STR,
            "device": STR,
            "ops": DictOf(Fixed(NAT, NAT, NAT)),  # op -> [calls, total_ns, flops]
            "untimed": DictOf(Fixed(NAT, NAT)),  # op -> [calls, flops], calls not timed
            "skimmed": NAT,
        },
    ),
    "output": _kind(("text",), {"text": TEXT, "stream": STR}),
    "units": _kind(
        ("mode", "graph", "metric", "rows"),
        {"mode": STR, "graph": Maybe(STR), "metric": Maybe(STR), "rows": UnitRows()},
    ),
}
"""Every event kind's fields (the envelope's included) and which of them it must carry."""

HEADER = Record(
    {
        "format": Const(TRACE_FORMAT),
        "version": OneOf(*(Const(v) for v in TRACE_VERSIONS)),
        "created": STR,
        "date": STR,
        "host": STR,
        "scene": STR,
        "script": STR,
        "device": STR,
        "device_name": STR,
        "devices": DictOf(_ANY),  # device -> its facts (cores, clock, memory...)
        "paced": Bool(),
        "process": STR,
    },
    ("format", "version"),
)
"""The first line of a trace."""

END = Record({"kind": Const(END_KIND), "events": NAT, "t_ns": ID}, ("kind", "events"))
"""The last line of a finished recording: ``events`` is how many event lines it wrote."""


def check_event(event: Any, fix: bool) -> dict[str, Any]:
    """``event`` checked against its kind's fields (strings made safe when ``fix``).

    Raises:
        SchemaError: not an object, no or an unknown kind, a missing or ill-typed field, too
            deep, too big.
    """
    if type(event) is not dict:
        raise SchemaError("event", f"expected an object, got {got(event)}")
    kind = event.get("kind")
    if type(kind) is not str:
        raise SchemaError(
            "kind", "missing" if kind is None else f"expected a string, got {got(kind)}"
        )
    record = EVENTS.get(kind)
    if record is None:
        raise SchemaError("kind", f"unknown event kind {got(kind)}")
    for key in record.required:
        if key not in event:
            raise SchemaError(key, f"missing ({kind} events carry it)")
    result: dict[str, Any] = fields(event, record.fields, "", 1, fix)
    return result


def check_header(header: Any, fix: bool = True) -> dict[str, Any]:
    """The header checked (its format and version first: a foreign file says so).

    Raises:
        SchemaError: with ``field`` "format" or "version" for another kind of file or
            version, else the field at fault.
    """
    if type(header) is not dict:
        raise SchemaError("format", "not a cgviz trace (the first line is not a JSON object)")
    if header.get("format") != TRACE_FORMAT:
        raise SchemaError("format", "not a cgviz trace (its header lacks format='cgviz-trace')")
    version = header.get("version")
    if type(version) is not int or version not in TRACE_VERSIONS:
        reads = " and ".join(str(v) for v in TRACE_VERSIONS)
        raise SchemaError(
            "version", f"trace version {got(version)} is not supported (this cgviz reads {reads})"
        )
    checked: dict[str, Any] = HEADER.check(header, "", 0, fix)
    return checked


def check_end(line: Any) -> dict[str, Any]:
    """A closing line checked.

    Raises:
        SchemaError: a field of it does not fit.
    """
    checked: dict[str, Any] = END.check(line, "", 0, False)
    return checked


_FIT: dict[str, tuple[tuple[str, int], ...]] = {
    kind: tuple(
        (key, spec.limit)
        for key, spec in EVENTS[kind].fields.items()
        if isinstance(spec, Str) and spec.limit > NAME
    )
    for kind in ("scene", "error", "output")
}
"""Per kind a user's text fills: (field, limit) of its long text fields."""


def fit(event: dict[str, Any]) -> dict[str, Any]:
    """``event`` with its long text fields clipped to the schema's limits (a copy when one
    was clipped), so the writer never writes a line the reader refuses."""
    fields = _FIT.get(event.get("kind"))  # type: ignore[arg-type]
    if not fields:
        return event
    out = event
    for key, limit in fields:
        value = out.get(key)
        if isinstance(value, str) and len(value) > limit:
            keep = limit - 64  # room for the note
            if out is event:
                out = dict(event)
            out[key] = value[:keep] + f"\n… ({len(value) - keep:,} characters cut)"
    return out

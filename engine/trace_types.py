"""The value types a trace's schema is declared with, and the limits every line is held to.

A :class:`Spec` checks one value: :class:`Int` (a whole number within 64 bits, at least a
bound), :class:`Num`, :class:`Bool`, :class:`Str` (at most so many characters; one line or
several), :class:`Const`, :class:`Maybe` (or null), :class:`OneOf`, :class:`ListOf`,
:class:`Fixed` (a list of so many values), :class:`DictOf`, :class:`Record` (named fields, some
required, others any JSON) and :class:`Json` (any value, within the limits). ``check`` returns
the value, its strings made safe to show when asked (:func:`engine.trace_text.safe_text`), or
raises :class:`SchemaError` naming the field (``added[2].name``). The schema itself is
:mod:`engine.trace_schema`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from engine.trace_text import is_safe, safe_text

__all__ = [
    "Bool",
    "Const",
    "DictOf",
    "Fixed",
    "Int",
    "Json",
    "ListOf",
    "Maybe",
    "Num",
    "OneOf",
    "Record",
    "SchemaError",
    "Spec",
    "Str",
    "fields",
    "got",
]

MAX_LINE_BYTES = 8 * 2**20
"""The longest line a trace may have (a script's whole listing sits in one ``scene`` line)."""
MAX_DEPTH = 16
"""How deep lists and objects may nest in one line (the line's own object is depth 1)."""
NAME = 4096
"""Characters of a single-line field: a name, an op, a title, a device, a file path."""
MESSAGE = 64 * 1024
"""Characters of an error message, a printed line, a caption."""
LISTING = 2 * 2**20
"""Characters of a program listing or a traceback."""
MAX_ITEMS = 1_000_000
"""Items of one list or object (a plan, a graph pass's added nodes)."""
MAX_DIMS = 64
"""Dimensions of a shape (numpy's own limit)."""
INT64 = 2**63


class SchemaError(ValueError):
    """A value that does not fit the schema: ``field`` (a path such as ``added[2].name``)
    and ``problem`` (what is wrong, with the value described safely)."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field, self.problem = field, problem


def got(value: Any) -> str:
    """A short, safe description of an offending value."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        text = repr(value)
        return text if len(text) <= 24 else f"a number of {len(text)} digits"
    if isinstance(value, str):
        if len(value) > 24:
            return f"a string of {len(value):,} characters"
        return "'" + safe_text(value) + "'"
    if isinstance(value, list):
        return f"a list of {len(value):,}"
    if isinstance(value, dict):
        return f"an object of {len(value):,} keys"
    return type(value).__name__


class Spec:
    """A value's type: ``check`` returns the value (its strings made safe when ``fix``) or
    raises :class:`SchemaError` naming ``field``."""

    expected = "a value"

    def check(self, value: Any, field: str, depth: int, fix: bool) -> Any:
        raise NotImplementedError

    def fail(self, value: Any, field: str) -> SchemaError:
        return SchemaError(field, f"expected {self.expected}, got {got(value)}")


class Int(Spec):
    """A whole number (not a boolean) within 64 bits, at least ``low``."""

    def __init__(self, low: int = -INT64) -> None:
        self.low = low
        self.expected = "a whole number" if low < 0 else f"a whole number >= {low}"

    def check(self, value: Any, field: str, depth: int, fix: bool) -> Any:
        if type(value) is int and self.low <= value < INT64:
            return value
        raise self.fail(value, field)


class Num(Spec):
    """A number: an int within 64 bits or any float (NaN and infinities are a loss's right)."""

    expected = "a number"

    def check(self, value: Any, field: str, depth: int, fix: bool) -> Any:
        kind = type(value)
        if kind is float or (kind is int and -INT64 <= value < INT64):
            return value
        raise self.fail(value, field)


class Bool(Spec):
    expected = "true or false"

    def check(self, value: Any, field: str, depth: int, fix: bool) -> Any:
        if type(value) is bool:
            return value
        raise self.fail(value, field)


class Str(Spec):
    """A string of at most ``limit`` characters; ``lines``: it may hold newlines and tabs."""

    def __init__(self, limit: int = NAME, lines: bool = False) -> None:
        self.limit, self.lines = limit, lines
        self.expected = "text" if lines else "a string"

    def check(self, value: Any, field: str, depth: int, fix: bool) -> Any:
        if type(value) is not str:
            raise self.fail(value, field)
        if len(value) > self.limit:
            raise SchemaError(
                field, f"{len(value):,} characters, more than the {self.limit:,} allowed"
            )
        return safe_text(value, self.lines) if fix else value


class Const(Spec):
    """Exactly ``value`` (and of its type: ``1.0`` and ``true`` are not the integer 1)."""

    def __init__(self, value: Any) -> None:
        self.value = value
        self.expected = repr(value)

    def check(self, value: Any, field: str, depth: int, fix: bool) -> Any:
        if type(value) is type(self.value) and value == self.value:
            return value
        raise self.fail(value, field)


class Maybe(Spec):
    """``null`` or ``spec``."""

    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        self.expected = f"{spec.expected} or null"

    def check(self, value: Any, field: str, depth: int, fix: bool) -> Any:
        if value is None:
            return None
        try:
            return self.spec.check(value, field, depth, fix)
        except SchemaError as e:
            if e.field != field:
                raise
            raise self.fail(value, field) from None


class OneOf(Spec):
    """The first of ``specs`` that fits."""

    def __init__(self, *specs: Spec) -> None:
        self.specs = specs
        self.expected = " or ".join(s.expected for s in specs)

    def check(self, value: Any, field: str, depth: int, fix: bool) -> Any:
        for spec in self.specs:
            try:
                return spec.check(value, field, depth, fix)
            except SchemaError:
                continue
        raise self.fail(value, field)


def _deeper(field: str, depth: int) -> None:
    if depth >= MAX_DEPTH:
        raise SchemaError(field, f"nested deeper than {MAX_DEPTH} levels")


class ListOf(Spec):
    """A list of at most ``limit`` items, each ``item``."""

    def __init__(self, item: Spec, limit: int = MAX_ITEMS) -> None:
        self.item, self.limit = item, limit
        self.expected = f"a list ({item.expected} each)"

    def check(self, value: Any, field: str, depth: int, fix: bool) -> Any:
        if type(value) is not list:
            raise self.fail(value, field)
        if len(value) > self.limit:
            raise SchemaError(field, f"{len(value):,} items, more than the {self.limit:,} allowed")
        _deeper(field, depth)
        item = self.item
        if type(item) is Int:  # the common cases (node ids, shapes), without a call per item
            low = item.low
            for i, v in enumerate(value):
                if type(v) is not int or not low <= v < INT64:
                    raise item.fail(v, f"{field}[{i}]")
            return value
        if type(item) is Maybe and type(item.spec) is Int:
            low = item.spec.low
            for i, v in enumerate(value):
                if v is not None and (type(v) is not int or not low <= v < INT64):
                    raise item.fail(v, f"{field}[{i}]")
            return value
        for i, v in enumerate(value):
            checked = item.check(v, f"{field}[{i}]", depth + 1, fix)
            if checked is not v:
                value[i] = checked
        return value


class Fixed(Spec):
    """A list of exactly ``len(items)`` values, each of its own type (``[calls, ns, flops]``)."""

    def __init__(self, *items: Spec) -> None:
        self.items = items
        self.expected = f"a list of {len(items)} values"

    def check(self, value: Any, field: str, depth: int, fix: bool) -> Any:
        if type(value) is not list or len(value) != len(self.items):
            raise self.fail(value, field)
        _deeper(field, depth)
        for i, (spec, v) in enumerate(zip(self.items, value, strict=True)):
            value[i] = spec.check(v, f"{field}[{i}]", depth + 1, fix)
        return value


def _key(key: str, field: str, fix: bool) -> str:
    if len(key) > NAME:
        raise SchemaError(field, f"a key of {len(key):,} characters, more than {NAME:,}")
    return safe_text(key) if fix else key


class DictOf(Spec):
    """An object of at most ``limit`` keys (short strings; with ``id_keys`` node ids written
    as decimal strings, as JSON spells an int key), each value ``item``."""

    def __init__(self, item: Spec, limit: int = MAX_ITEMS, id_keys: bool = False) -> None:
        self.item, self.limit, self.id_keys = item, limit, id_keys
        self.expected = "an object"

    def check(self, value: Any, field: str, depth: int, fix: bool) -> Any:
        if type(value) is not dict:
            raise self.fail(value, field)
        if len(value) > self.limit:
            raise SchemaError(field, f"{len(value):,} keys, more than the {self.limit:,} allowed")
        _deeper(field, depth)
        item = self.item
        out = {}
        for k, v in value.items():
            if self.id_keys and _ID_KEY.fullmatch(k) is None:
                raise SchemaError(field, f"a key that is not a node id: {got(k)}")
            out[_key(k, field, fix)] = item.check(v, f"{field}.{safe_text(k)[:40]}", depth + 1, fix)
        return out


_ID_KEY = re.compile(r"-?[0-9]{1,18}")


class Json(Spec):
    """Any JSON value, within the depth and size limits (a constant's value, device facts)."""

    expected = "a JSON value"

    def check(self, value: Any, field: str, depth: int, fix: bool) -> Any:
        kind = type(value)
        if kind is str:
            if len(value) > MESSAGE:
                raise SchemaError(field, f"{len(value):,} characters, more than {MESSAGE:,}")
            return safe_text(value, True) if fix else value
        if kind is list:
            if len(value) > MAX_ITEMS:
                raise SchemaError(field, f"{len(value):,} items, more than {MAX_ITEMS:,}")
            _deeper(field, depth)
            for i, v in enumerate(value):
                value[i] = self.check(v, f"{field}[{i}]", depth + 1, fix)
            return value
        if kind is dict:
            return _ANY_OBJECT.check(value, field, depth, fix)
        if kind is int and not -INT64 <= value < INT64:
            raise SchemaError(field, f"{got(value)}, beyond 64 bits")
        return value  # float, bool, None


_ANY_OBJECT = DictOf(Json())


class Record(Spec):
    """An object with named fields: ``required`` must be there, every named one must fit its
    type, and any other key must be a JSON value within the limits."""

    expected = "an object"

    def __init__(self, fields: Mapping[str, Spec], required: tuple[str, ...] = ()) -> None:
        self.fields = dict(fields)
        self.required = required
        missing = [k for k in required if k not in self.fields]
        assert not missing, f"required fields without a type: {missing}"

    def check(self, value: Any, field: str, depth: int, fix: bool) -> Any:
        if type(value) is not dict:
            raise self.fail(value, field)
        _deeper(field, depth)
        prefix = f"{field}." if field else ""
        for key in self.required:
            if key not in value:
                raise SchemaError(prefix + key, "missing")
        return fields(value, self.fields, prefix, depth, fix)


_ANY = Json()


def fields(
    value: dict[str, Any], fields: dict[str, Spec], prefix: str, depth: int, fix: bool
) -> dict[str, Any]:
    """``value``'s fields checked, any key ``fields`` does not name as a JSON value; returns
    ``value`` (a new dict where ``fix`` had to make a key safe)."""
    if len(value) > MAX_ITEMS:
        raise SchemaError(prefix.rstrip(".") or "event", f"{len(value):,} keys, too many")
    renamed = False
    for key, v in value.items():
        spec = fields.get(key)
        if spec is None:
            if len(key) > NAME:
                raise SchemaError(prefix + key[:40], f"a key of {len(key):,} characters")
            if fix and not is_safe(key):
                renamed = True
            spec = _ANY
        # the common cases inline (ids, times, names, flags, empty fields): no call
        kind, tspec = type(v), type(spec)
        if kind is int:
            if tspec is Int and spec.low <= v < INT64:  # type: ignore[attr-defined]
                continue
        elif kind is str:
            if not fix and tspec is Str and len(v) <= spec.limit:  # type: ignore[attr-defined]
                continue
        elif v is None:
            if tspec is Maybe:
                continue
        elif kind is bool:
            if tspec is Bool:
                continue
        elif kind is float:
            if tspec is Num:
                continue
        field = prefix + key if spec is not _ANY else prefix + safe_text(key)[:40]
        checked = spec.check(v, field, depth + 1, fix)
        if checked is not v:
            value[key] = checked
    if renamed:
        return {safe_text(k): v for k, v in value.items()}
    return value

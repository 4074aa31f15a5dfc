"""TensorFlow's dtypes (``tf.float32`` ...) as thin names over numpy dtypes."""

from __future__ import annotations

from typing import Any

import numpy as np


class DType:
    """A TensorFlow dtype: compares equal to itself, its name and its numpy dtype.

    Attributes:
        name: "float32", "int32", ... (numpy's name).
        as_numpy_dtype: the numpy scalar type.
    """

    __slots__ = ("name", "np", "proto")

    def __init__(self, name: str, proto: str, np_dtype: Any = None) -> None:
        self.name = name
        self.np = np.dtype(name if np_dtype is None else np_dtype)
        """The numpy dtype (``object`` holding ``bytes`` for ``tf.string``)."""
        self.proto = proto
        """The name TensorFlow's C++ messages use ("float" for float32, "double" for float64)."""

    @property
    def as_numpy_dtype(self) -> type:
        """The numpy scalar type, as TF's attribute of that name."""
        return self.np.type

    @property
    def base_dtype(self) -> DType:
        """Itself (there are no reference dtypes here)."""
        return self

    @property
    def is_floating(self) -> bool:
        """True for float16/32/64."""
        return self.np.kind == "f"

    @property
    def is_integer(self) -> bool:
        """True for the integer dtypes."""
        return self.np.kind in "iu"

    @property
    def is_bool(self) -> bool:
        """True for bool."""
        return self.np.kind == "b"

    @property
    def size(self) -> int:
        """Bytes per element."""
        return self.np.itemsize

    def __eq__(self, other: object) -> bool:
        if isinstance(other, DType):
            return other.name == self.name
        try:
            return as_dtype(other).name == self.name
        except TypeError:
            return False

    def __hash__(self) -> int:
        return hash(self.name)

    def __repr__(self) -> str:
        return f"tf.{self.name}"

    def __str__(self) -> str:
        return f"<dtype: '{self.name}'>"


float16 = half = DType("float16", "half")
float32 = DType("float32", "float")
float64 = double = DType("float64", "double")
int8 = DType("int8", "int8")
int16 = DType("int16", "int16")
int32 = DType("int32", "int32")
int64 = DType("int64", "int64")
uint8 = DType("uint8", "uint8")
bool_ = DType("bool", "bool")
string = DType("string", "string", object)
"""``tf.string``: byte strings, held as a numpy ``object`` array of ``bytes`` (a fetched
scalar is ``b'Hello'``, as TF 1 returns it)."""

resource = DType("resource", "resource", object)
"""A handle to state kept in the Session (an iterator's position)."""

_ALL = (float16, float32, float64, int8, int16, int32, int64, uint8, bool_, string)
_BY_NAME = {d.name: d for d in _ALL}
_BY_NAME.update({"float": float32, "double": float64, "half": float16, "object": string})


def as_dtype(value: Any) -> DType:
    """``tf.as_dtype``: a DType from a DType, a name, a numpy dtype or a Python type.

    Raises:
        TypeError: not a dtype this engine knows.
    """
    if isinstance(value, DType):
        return value
    if value is str or value is bytes:
        return string
    try:
        name = np.dtype(value).name if not isinstance(value, str) else value
    except TypeError:
        raise TypeError(f"Cannot convert value {value!r} to a TensorFlow DType.") from None
    if name.startswith(("str", "bytes")):  # numpy's <U5 / |S5
        return string
    try:
        return _BY_NAME[name]
    except KeyError:
        raise TypeError(f"Cannot convert value {value!r} to a TensorFlow DType.") from None


def as_bytes(value: Any) -> np.ndarray:
    """``value`` (str, bytes, or nested lists / arrays of them) as an ``object`` array of
    ``bytes``, str encoded as UTF-8, as TF stores a ``tf.string`` tensor.

    Raises:
        TypeError: an element is neither str nor bytes.
    """
    arr = np.asarray(value, dtype=object)
    out = np.empty(arr.shape, dtype=object)
    for i, v in np.ndenumerate(arr):
        if isinstance(v, str):
            out[i] = v.encode("utf-8")
        elif isinstance(v, bytes | np.bytes_):
            out[i] = bytes(v)
        else:
            raise TypeError(f"Expected string, got {v!r} of type '{type(v).__name__}' instead.")
    return out


def of_value(value: Any) -> DType:
    """The dtype TF gives a Python or numpy value (Python floats are float32, ints int32)."""
    if isinstance(value, str | bytes):
        return string
    if isinstance(value, np.ndarray | np.generic):
        return as_dtype(value.dtype)
    arr = np.asarray(value)
    if arr.dtype.kind == "f":
        return float32
    if arr.dtype.kind in "iu":
        return int32 if arr.size == 0 or np.abs(arr).max() < 2**31 else int64
    return as_dtype(arr.dtype)

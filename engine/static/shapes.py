"""``TensorShape``: a possibly partly unknown shape, printed as TensorFlow prints it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

Dims = tuple[int | None, ...] | None


def as_dims(shape: Any) -> Dims:
    """A tuple of ints / Nones from a TensorShape, list, tuple, int or None (unknown rank)."""
    if shape is None:
        return None
    if isinstance(shape, TensorShape):
        return shape.dims_tuple
    if isinstance(shape, int):
        return (shape,)
    return tuple(None if d is None or d == -1 else int(d) for d in shape)


def fmt(dims: Dims) -> str:
    """TensorFlow's C++ spelling of a shape: ``[3,4]``, ``[?,4]``, ``?`` for unknown rank."""
    if dims is None:
        return "?"
    return "[" + ",".join("?" if d is None else str(d) for d in dims) + "]"


def compatible(a: Dims, b: Dims) -> bool:
    """True when some fully known shape fits both."""
    if a is None or b is None:
        return True
    return len(a) == len(b) and all(
        x is None or y is None or x == y for x, y in zip(a, b, strict=True)
    )


class TensorShape:
    """The static shape of a Tensor.

    ``str`` gives ``(64, 1000)``, ``(?, 4)`` or ``<unknown>`` like TF 1.x; iterating gives ints
    and Nones.
    """

    __slots__ = ("dims_tuple",)

    def __init__(self, dims: Any) -> None:
        self.dims_tuple: Dims = as_dims(dims)
        """The shape as a tuple (None: unknown rank; None inside: unknown dimension)."""

    @property
    def ndims(self) -> int | None:
        """The rank, or None when unknown."""
        return None if self.dims_tuple is None else len(self.dims_tuple)

    rank = ndims

    @property
    def dims(self) -> list[int | None] | None:
        """The dimensions as a list, or None for an unknown rank."""
        return None if self.dims_tuple is None else list(self.dims_tuple)

    def as_list(self) -> list[int | None]:
        """The dimensions as a list; raises ValueError for an unknown rank."""
        if self.dims_tuple is None:
            raise ValueError("as_list() is not defined on an unknown TensorShape.")
        return list(self.dims_tuple)

    def is_fully_defined(self) -> bool:
        """True when the rank and every dimension are known."""
        return self.dims_tuple is not None and None not in self.dims_tuple

    def is_compatible_with(self, other: Any) -> bool:
        """True when some fully known shape fits both."""
        return compatible(self.dims_tuple, as_dims(other))

    def num_elements(self) -> int | None:
        """Number of elements, or None when not fully known."""
        if not self.is_fully_defined():
            return None
        n = 1
        for d in self.dims_tuple or ():
            n *= d or 0
        return n

    def __iter__(self) -> Iterator[int | None]:
        if self.dims_tuple is None:
            raise ValueError("Cannot iterate over a shape with unknown rank.")
        return iter(self.dims_tuple)

    def __len__(self) -> int:
        if self.dims_tuple is None:
            raise ValueError("Cannot take the length of shape with unknown rank.")
        return len(self.dims_tuple)

    def __getitem__(self, i: Any) -> Any:
        if self.dims_tuple is None:
            return None if isinstance(i, int) else TensorShape(None)
        return self.dims_tuple[i] if isinstance(i, int) else TensorShape(self.dims_tuple[i])

    def __eq__(self, other: object) -> bool:
        try:
            return self.dims_tuple == as_dims(other)
        except (TypeError, ValueError):
            return False

    def __hash__(self) -> int:
        return hash(self.dims_tuple)

    def __str__(self) -> str:
        if self.dims_tuple is None:
            return "<unknown>"
        dims = ["?" if d is None else str(d) for d in self.dims_tuple]
        return "(" + dims[0] + ",)" if len(dims) == 1 else "(" + ", ".join(dims) + ")"

    def __repr__(self) -> str:
        return f"TensorShape({self.dims})"

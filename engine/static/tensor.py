"""Tensor: a symbolic handle to one output of an Operation, before anything runs.

Its shape and dtype are inferred when its op is created (see ``graph``); it gets a value only
when a Session runs it (``Tensor.eval``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from . import errors
from .dtypes import DType
from .shapes import Dims, TensorShape, as_dims

if TYPE_CHECKING:
    from .graph import Graph
    from .operation import Operation
    from .session import Session


class Tensor:
    """A symbolic handle to one output of an Operation; it has no value until a Session runs.

    Attributes:
        op: the Operation that produces it.
        value_index: which output of ``op`` it is.
        dtype: its DType.
    """

    __slots__ = ("op", "value_index", "dtype", "_dims")
    __array_priority__ = 100
    __array_ufunc__ = None  # numpy defers to our reflected operators: np.float32(2) * t works

    def __init__(self, op: Operation, value_index: int, dtype: DType, dims: Dims) -> None:
        self.op = op
        self.value_index = value_index
        self.dtype = dtype
        self._dims = dims

    @property
    def name(self) -> str:
        """``"<op name>:<index>"``."""
        return f"{self.op.name}:{self.value_index}"

    @property
    def graph(self) -> Graph:
        """The graph of the producing op."""
        return self.op.graph

    @property
    def device(self) -> str:
        """The device the producing op asked for ("" when unplaced)."""
        return self.op.device

    @property
    def shape(self) -> TensorShape:
        """The static shape (dimensions may be unknown)."""
        return TensorShape(self._dims)

    def get_shape(self) -> TensorShape:
        """The static shape, as TF 1.x spells it."""
        return TensorShape(self._dims)

    def set_shape(self, shape: Any) -> None:
        """Refine the static shape; raises ValueError if it contradicts what is known."""
        new = as_dims(shape)
        if not self.shape.is_compatible_with(new):
            raise ValueError(f"Shapes {self.shape} and {TensorShape(new)} are incompatible")
        if new is not None:
            old = self._dims or (None,) * len(new)
            self._dims = tuple(a if a is not None else b for a, b in zip(new, old, strict=True))

    def consumers(self) -> list[Operation]:
        """The ops that take this tensor as an input."""
        return [op for op in self.op.graph._ops if any(t is self for t in op.inputs)]

    def eval(self, feed_dict: dict[Any, Any] | None = None, session: Session | None = None) -> Any:
        """Run the graph up to this tensor in ``session`` (or the default session)."""
        from .default_session import _session_for

        return _session_for(session, "evaluate tensor").run(self, feed_dict)

    def __repr__(self) -> str:
        return f"<tf.Tensor '{self.name}' shape={self.shape} dtype={self.dtype.name}>"

    def __str__(self) -> str:
        return f'Tensor("{self.name}", shape={self.shape}, dtype={self.dtype.name})'

    def __bool__(self) -> bool:
        raise TypeError(errors.BOOL_TENSOR)

    def __iter__(self) -> Iterator[Any]:
        raise TypeError(errors.ITER_TENSOR)

    __hash__ = object.__hash__

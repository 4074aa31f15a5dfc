"""Raising an op's error as PyTorch words it, showing the op as a failed node first when
anyone listens (so the UI paints the node that failed)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NoReturn

from engine import ops
from engine.devices import Device
from engine.eager import errors, tracing, types
from engine.events import STREAM

if TYPE_CHECKING:
    from engine.eager.fields import TensorFields

_MM = ops.OPS["MatMul"]


def _fail_op(
    op: ops.Op,
    name: str | None,
    parents: tuple[Any, ...],
    dev: Device,
    message: str,
    exc: type[Exception] = RuntimeError,
) -> NoReturn:
    """Raise an op's error, showing the op as a (failed) node first when anyone listens."""
    graph = node = None
    if STREAM.active:
        graph, node = tracing.failed(op, name or op.eager_name, parents, dev, message)
    errors.fail(message, exc, graph, node)


def _check_device(op: ops.Op, name: str, a: TensorFields, b: TensorFields) -> None:
    _fail_op(
        op,
        name,
        (a, b),
        a._dev,
        errors.device_message(str(types.torch_device(a._dev)), str(types.torch_device(b._dev))),
    )


def _check_mm(a: TensorFields, b: TensorFields) -> None:
    x, y = a.array, b.array
    if b._dev is not a._dev:
        _check_device(_MM, "mm", a, b)
    if x.ndim != 2:
        _fail_op(_MM, "mm", (a, b), a._dev, "self must be a matrix")
    if y.ndim != 2:
        _fail_op(_MM, "mm", (a, b), a._dev, "mat2 must be a matrix")
    if x.dtype != y.dtype:
        _fail_op(_MM, "mm", (a, b), a._dev, errors.mm_dtype_message(x.dtype, y.dtype))
    _fail_op(_MM, "mm", (a, b), a._dev, errors.mm_shapes_message(x.shape, y.shape))


def _dim(op: ops.Op, name: str, t: TensorFields, dim: Any, rank: int | None = None) -> int:
    """``dim`` checked against ``t``'s rank (or ``rank``) and made non-negative; PyTorch's
    IndexError otherwise (a 0-d tensor takes dims -1 and 0)."""
    n = max(t.array.ndim if rank is None else rank, 1)
    d = int(dim)
    if not -n <= d < n:
        _fail_op(
            op,
            name,
            (t,),
            t._dev,
            f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {d})",
            IndexError,
        )
    return d % n

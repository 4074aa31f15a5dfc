"""``tf.errors``: TensorFlow's exception classes, and every message the static side raises.

Messages are part of the spec (engine-semantics.md, "Static-side errors"), so they are all
worded here, once, and the tests assert them. Run-time errors about a node end with TF's node
trailer ``\\n\\t [[{{node NAME}}]]``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .namespace import missing_names
from .shapes import Dims, fmt

if TYPE_CHECKING:
    from .graph import Operation

__all__ = [
    "CANCELLED",
    "CancelledError",
    "FAILED_PRECONDITION",
    "FailedPreconditionError",
    "INTERNAL",
    "INVALID_ARGUMENT",
    "InternalError",
    "InvalidArgumentError",
    "NOT_FOUND",
    "NotFoundError",
    "OK",
    "OUT_OF_RANGE",
    "OpError",
    "OutOfRangeError",
    "UNIMPLEMENTED",
    "UNKNOWN",
    "UnimplementedError",
    "UnknownError",
]

OK, CANCELLED, UNKNOWN, INVALID_ARGUMENT = 0, 1, 2, 3
NOT_FOUND, FAILED_PRECONDITION, OUT_OF_RANGE, UNIMPLEMENTED, INTERNAL = 5, 9, 11, 12, 13


class OpError(Exception):
    """A failure while running the graph, about one node.

    Attributes:
        message: the message (with the node trailer).
        op: the Operation that failed, or None.
        node_def: the failing node as a graph-def dict, or None.
        error_code: TensorFlow's canonical error code.
    """

    error_code = UNKNOWN

    def __init__(
        self, node_def: Any, op: Operation | None, message: str, error_code: int | None = None
    ) -> None:
        super().__init__(message)
        self.node_def = node_def
        self.op = op
        self.message = message
        if error_code is not None:
            self.error_code = error_code

    def __str__(self) -> str:
        return self.message


class CancelledError(OpError):
    """The run was cancelled."""

    error_code = CANCELLED


class UnknownError(OpError):
    """A failure with no better class."""


class InvalidArgumentError(OpError):
    """An op received an invalid argument (a missing feed, incompatible shapes, ...)."""

    error_code = INVALID_ARGUMENT


class NotFoundError(OpError):
    """Something asked for does not exist."""

    error_code = NOT_FOUND


class FailedPreconditionError(OpError):
    """The system is not in a state to run the op (an uninitialised Variable)."""

    error_code = FAILED_PRECONDITION


class OutOfRangeError(OpError):
    """An iterator ran past its end (``IteratorGetNext``: "End of sequence"): how a
    ``tf.data`` loop learns that its data is spent."""

    error_code = OUT_OF_RANGE


class UnimplementedError(OpError):
    """The op is not implemented here."""

    error_code = UNIMPLEMENTED


class InternalError(OpError):
    """An invariant of the engine broke."""

    error_code = INTERNAL


def op_error(cls: type[OpError], op: Operation | None, message: str) -> OpError:
    """An OpError of class ``cls`` about ``op``, with TensorFlow's node trailer."""
    if op is not None:
        message = f"{message}\n\t [[{{{{node {op.name}}}}}]]"
    return cls(op.node_def() if op is not None else None, op, message)


# ------------------------------------------------------------------ build time


def shape_mismatch(name: str, op_type: str, dims: tuple[Any, Any], shapes: tuple[Dims, ...]) -> str:
    """ValueError text when shapes known at build time do not fit."""
    return (
        f"Dimensions must be equal, but are {dims[0]} and {dims[1]} for '{name}' "
        f"(op: '{op_type}') with input shapes: {', '.join(fmt(s) for s in shapes)}."
    )


def rank_mismatch(name: str, op_type: str, want: int, got: int, shapes: tuple[Dims, ...]) -> str:
    """ValueError text when an input has the wrong rank."""
    return (
        f"Shape must be rank {want} but is rank {got} for '{name}' (op: '{op_type}') "
        f"with input shapes: {', '.join(fmt(s) for s in shapes)}."
    )


def dtype_mismatch(op_type: str, arg: str, dtype: str, first_arg: str, first_dtype: str) -> str:
    """TypeError text when two inputs of one op differ in dtype (TF never promotes)."""
    return (
        f"Input '{arg}' of '{op_type}' Op has type {dtype} that does not match type "
        f"{first_dtype} of argument '{first_arg}'."
    )


BOOL_TENSOR = (
    "Using a `tf.Tensor` as a Python `bool` is not allowed. Use `if t is not None:` "
    "instead of `if t:` to test if a tensor is defined, and use TensorFlow ops such as "
    "tf.cond to execute subgraphs conditioned on the value of a tensor."
)
ITER_TENSOR = (
    "Tensor objects are only iterable when eager execution is enabled. To iterate over "
    "this tensor use tf.map_fn."
)

# ------------------------------------------------------------------ Session.run

CLOSED_SESSION = "Attempted to use a closed Session."
EMPTY_GRAPH = "The Session graph is empty.  Add operations to the graph before calling run()."


def fetch_none() -> str:
    return "Fetch argument None has invalid type <class 'NoneType'>"


def fetch_bad_type(value: Any) -> str:
    return (
        f"Fetch argument {value!r} has invalid type {type(value)}, must be a string or "
        f"Tensor. (Can not convert a {type(value).__name__} into a Tensor or Operation.)"
    )


def fetch_unknown_tensor(name: str) -> str:
    op_name = name.split(":")[0]
    return (
        f"Fetch argument '{name}' cannot be interpreted as a Tensor. (The name '{name}' refers "
        f"to a Tensor which does not exist. The operation, '{op_name}', does not exist in the "
        f"graph.)"
    )


def fetch_unknown_op(name: str) -> str:
    return (
        f"Fetch argument '{name}' cannot be interpreted as a Tensor. (The name '{name}' refers "
        f"to an Operation not in the graph.)"
    )


def fetch_other_graph(obj: Any) -> str:
    return (
        f"Fetch argument {obj!r} cannot be interpreted as a Tensor. (Tensor {obj} is not an "
        f"element of this graph.)"
    )


def fetch_inside_body(obj: Any, owner: str) -> str:
    return (
        f"Fetch argument {obj!r} cannot be interpreted as a Tensor. (Tensor {obj} is inside "
        f"the body of '{owner}', which runs only when '{owner}' runs; fetch '{owner}:0' "
        f"instead.)"
    )


def feed_key(key: Any, why: str) -> str:
    return f"Cannot interpret feed_dict key as Tensor: {why}"


def feed_is_tensor(value: Any, key: Any) -> str:
    return (
        "The value of a feed cannot be a tf.Tensor object. Acceptable feed values include "
        "Python scalars, strings, lists, numpy ndarrays, or TensorHandles. For reference, the "
        f"tensor object was {value} which was passed to the feed with key {key}."
    )


def feed_shape(got: tuple[int, ...], name: str, want: str) -> str:
    return f"Cannot feed value of shape {got} for Tensor '{name}', which has shape '{want}'"


def feed_dtype(value: Any, dtype: str) -> str:
    text = repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return (
        f"Type of feed value {text} with type {type(value)} is not compatible with Tensor type "
        f"<dtype: '{dtype}'>. Try explicitly setting the type of the feed tensor to a larger "
        f"type (e.g. int64)."
    )


def missing_feed(name: str, dtype_proto: str, dims: Dims) -> str:
    text = f"You must feed a value for placeholder tensor '{name}' with dtype {dtype_proto}"
    if dims is not None:
        text += f" and shape {fmt(dims)}"
    return text


def uninitialized(var_name: str) -> str:
    return f"Attempting to use uninitialized value {var_name}"


def matrix_incompatible(a: Dims, b: Dims) -> str:
    return f"Matrix size-incompatible: In[0]: {fmt(a)}, In[1]: {fmt(b)}"


def not_a_matrix(i: int, dims: Dims) -> str:
    return f"In[{i}] is not a matrix. Instead it has shape {fmt(dims)}"


def incompatible_shapes(a: Dims, b: Dims) -> str:
    return f"Incompatible shapes: {fmt(a)} vs. {fmt(b)}"


def no_device(name: str, requested: str) -> str:
    return (
        f"Cannot assign a device for operation {name}: {{{{node {name}}}}} was explicitly "
        f"assigned to {requested} but available devices are [ "
        f"/job:localhost/replica:0/task:0/device:CPU:0 ]. Make sure the device specification "
        f"refers to a valid device."
    )


def no_gradient(name: str, op_type: str) -> str:
    return f"No gradient defined for operation '{name}' (op type: {op_type})"


END_OF_SEQUENCE = "End of sequence"
ITERATOR_NOT_INITIALIZED = (
    "GetNext() failed because the iterator has not been initialized. Ensure that you have run "
    "the initializer operation for this iterator before getting the next element."
)

__getattr__ = missing_names("tf.errors")

"""PyTorch's words for what goes wrong, in one place so tests can assert them.

Every engine error is raised through :func:`fail`, which first emits an ``error`` event
(naming the graph and node where there is one) so the UI can paint the failing node red.
"""

from __future__ import annotations

from typing import Any, NoReturn

from engine.events import STREAM

BACKWARD_TWICE = (
    "Trying to backward through the graph a second time (or directly access saved tensors after "
    "they have already been freed). Saved intermediate values of the graph are freed when you call "
    ".backward() or autograd.grad(). Specify retain_graph=True if you need to backward through the "
    "graph a second time or if you need to access saved tensors after calling backward."
)
NOT_SCALAR = "grad can be implicitly created only for scalar outputs"
NO_GRAD_FN = "element 0 of tensors does not require grad and does not have a grad_fn"
LEAF_INPLACE = "a leaf Variable that requires grad is being used in an in-place operation."
LEAF_VIEW_INPLACE = (
    "a view of a leaf Variable that requires grad is being used in an in-place operation."
)
BOOL_AMBIGUOUS = "Boolean value of Tensor with more than one value is ambiguous"
NUMPY_GRAD = "Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead."
LEGACY_FUNCTION = (
    "Legacy autograd function with non-static forward method is deprecated. Please use new-style "
    "autograd function with static forward method. (Example: "
    "https://pytorch.org/docs/stable/autograd.html#torch.autograd.Function)"
)
ANOMALY_HINT = (
    "Hint: enable anomaly detection to find the operation that failed to compute its "
    "gradient, with torch.autograd.set_detect_anomaly(True, check_nan=False)."
)

# numpy dtype name -> the C++ scalar name PyTorch prints ("float != double").
SCALAR_NAMES = {
    "float32": "float",
    "float64": "double",
    "float16": "c10::Half",
    "int64": "long",
    "int32": "int",
    "int16": "short",
    "int8": "signed char",
    "uint8": "unsigned char",
    "bool": "bool",
}


def fail(
    message: str,
    exc: type[Exception] = RuntimeError,
    graph: str | None = None,
    node: int | None = None,
) -> NoReturn:
    """Emit an ``error`` event (when anyone listens), then raise ``exc(message)``."""
    if STREAM.active:
        STREAM.emit("error", type=exc.__name__, message=message, graph=graph, node=node)
    raise exc(message)


def broadcast_message(dims: tuple[Any, Any], axis: int | None) -> str:
    """The elementwise shape mismatch as PyTorch words it."""
    return (
        f"The size of tensor a ({dims[0]}) must match the size of tensor b ({dims[1]}) "
        f"at non-singleton dimension {axis}"
    )


def mm_shapes_message(a: tuple[int, ...], b: tuple[int, ...]) -> str:
    return f"mat1 and mat2 shapes cannot be multiplied ({a[0]}x{a[1]} and {b[0]}x{b[1]})"


def mm_dtype_message(a: Any, b: Any) -> str:
    return (
        f"expected mat1 and mat2 to have the same dtype, but got: "
        f"{SCALAR_NAMES.get(a.name, a.name)} != {SCALAR_NAMES.get(b.name, b.name)}"
    )


def device_message(a: str, b: str) -> str:
    return (
        f"Expected all tensors to be on the same device, but found at least two devices, "
        f"{a} and {b}!"
    )


def cast_message(result: str, out: str) -> str:
    """An in-place op whose result's dtype cannot be written into the tensor (type names as
    PyTorch prints them: ``Float``, ``Long``)."""
    return f"result type {result} can't be cast to the desired output type {out}"


def forward_name(backward_name: str) -> str:
    """The name PyTorch gives a grad_fn in the in-place error: ``MulBackward0`` -> ``Mul``,
    ``TBackward1`` -> ``T1``; names of other shapes (``CopySlices``) as they are."""
    stem, sep, number = backward_name.rpartition("Backward")
    if not sep or not stem or (number and not number.isdigit()):
        return backward_name
    return stem + ("" if number == "0" else number)


def version_message(
    type_name: str, shape: tuple[int, ...], producer: str | None, version: int, expected: int
) -> str:
    """The saved-tensor-modified-in-place error; ``producer``: the grad_fn's name (None for a
    leaf), shown as PyTorch does (:func:`forward_name`)."""
    dims = ", ".join(str(d) for d in shape)
    which = f", which is output 0 of {forward_name(producer)}," if producer else ""
    return (
        f"one of the variables needed for gradient computation has been modified by an "
        f"inplace operation: [{type_name} [{dims}]]{which} is at version {version}; expected "
        f"version {expected} instead. {ANOMALY_HINT}"
    )

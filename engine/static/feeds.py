"""The feeds of ``Session.run``: ``feed_dict`` keys resolved to tensors of the graph, values
converted to numpy arrays of their dtype (float64 silently to float32, nothing lossy) and
checked against the tensors' shapes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from . import errors
from .operation import Operation
from .tensor import Tensor

if TYPE_CHECKING:
    from .graph import Graph


def convert_feeds(graph: Graph, feed_dict: dict[Any, Any]) -> tuple[list[Tensor], list[Any]]:
    tensors, values = [], []
    for key, value in feed_dict.items():
        t = _feed_key(graph, key)
        if isinstance(value, Tensor | Operation) or hasattr(value, "_ref"):
            raise TypeError(errors.feed_is_tensor(value, key))
        want = t.dtype.np
        if type(value) is np.ndarray and value.dtype == want:
            arr = value  # no copy: the kernels never write into their inputs
        else:
            arr = convert_feed(value, t)
        dims = t._dims
        if (
            dims is not None
            and arr.shape != dims
            and (
                len(dims) != arr.ndim
                or any(d is not None and d != s for d, s in zip(dims, arr.shape, strict=True))
            )
        ):
            raise ValueError(errors.feed_shape(arr.shape, t.name, str(t.shape)))
        tensors.append(t)
        values.append(arr)
    return tensors, values


def _feed_key(graph: Graph, key: Any) -> Tensor:
    if hasattr(key, "_ref"):
        key = key._ref()
    if isinstance(key, Tensor):
        if key.graph is not graph:
            raise ValueError(errors.feed_key(key, f"Tensor {key} is not an element of this graph."))
        return key
    if isinstance(key, str):
        try:
            return graph.get_tensor_by_name(key)
        except (KeyError, ValueError) as e:
            raise TypeError(errors.feed_key(key, str(e).strip("'\""))) from None
    raise TypeError(errors.feed_key(key, f"Can not convert a {type(key).__name__} into a Tensor."))


def convert_feed(value: Any, t: Tensor) -> np.ndarray:
    """``value`` as a numpy array of ``t``'s dtype; TypeError for anything lossy."""
    want = t.dtype.np
    try:
        src = np.asarray(value)
        arr = np.asarray(value, dtype=want)
    except (ValueError, TypeError, OverflowError):
        raise TypeError(errors.feed_dtype(value, t.dtype.name)) from None
    lossy = False
    if want.kind in "iu" and src.dtype.kind in "iuf":
        lossy = not np.array_equal(arr, src)
    elif want.kind == "b" and src.dtype.kind != "b":
        lossy = not np.isin(src, (0, 1)).all()
    elif want.kind == "f" and src.dtype.kind in "cOUS":
        lossy = True
    if lossy:
        raise TypeError(errors.feed_dtype(value, t.dtype.name))
    return arr

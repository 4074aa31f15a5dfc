"""The fetches of ``Session.run``: a tensor, an op, a name, or nested lists, tuples and dicts
of them, resolved to leaves (Tensors and Operations); the results are packed back into the
same structure.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from . import errors
from .operation import Operation
from .tensor import Tensor

if TYPE_CHECKING:
    from .graph import Graph

Leaf = Tensor | Operation


def parse_fetches(
    graph: Graph, fetches: Any
) -> tuple[tuple[Leaf, ...], Callable[[list[Any]], Any]]:
    if type(fetches) is Tensor:
        return (_leaf(graph, fetches),), _first
    if type(fetches) is list or type(fetches) is tuple:
        if all(type(f) is Tensor or type(f) is Operation for f in fetches):
            return tuple(_leaf(graph, f) for f in fetches), (
                list if type(fetches) is list else tuple
            )
    leaves: list[Leaf] = []
    structure = _walk(graph, fetches, leaves)
    return tuple(leaves), lambda values: _rebuild(structure, iter(values))


def _walk(graph: Graph, f: Any, leaves: list[Leaf]) -> Any:
    if isinstance(f, list):
        return ("list", [_walk(graph, x, leaves) for x in f])
    if isinstance(f, tuple):
        kind = type(f) if hasattr(f, "_fields") else tuple
        return ("tuple", kind, [_walk(graph, x, leaves) for x in f])
    if isinstance(f, dict):
        return ("dict", type(f), [(k, _walk(graph, v, leaves)) for k, v in f.items()])
    leaves.append(_leaf(graph, f))
    return ("leaf",)


def _leaf(graph: Graph, obj: Any) -> Leaf:
    if isinstance(obj, Tensor | Operation):
        if obj.graph is not graph:
            raise ValueError(errors.fetch_other_graph(obj))
        ctx = obj.op._ctx if isinstance(obj, Tensor) else obj._ctx
        if ctx is not None:
            owner = ctx.owner.name if ctx.owner is not None else "cond"
            raise ValueError(errors.fetch_inside_body(obj, owner))
        return obj
    if hasattr(obj, "_ref"):  # a Variable: its value
        return _leaf(graph, obj._ref())
    if isinstance(obj, str):
        if ":" in obj:
            try:
                return _leaf(graph, graph.get_tensor_by_name(obj))
            except (KeyError, ValueError):
                raise ValueError(errors.fetch_unknown_tensor(obj)) from None
        try:
            return _leaf(graph, graph.get_operation_by_name(obj))
        except KeyError:
            raise ValueError(errors.fetch_unknown_op(obj)) from None
    if obj is None:
        raise TypeError(errors.fetch_none())
    raise TypeError(errors.fetch_bad_type(obj))


def _first(values: list[Any]) -> Any:
    return values[0]


def _rebuild(structure: Any, values: Iterator[Any]) -> Any:
    kind = structure[0]
    if kind == "leaf":
        return next(values)
    if kind == "list":
        return [_rebuild(s, values) for s in structure[1]]
    if kind == "tuple":
        items = [_rebuild(s, values) for s in structure[2]]
        return structure[1](*items) if structure[1] is not tuple else tuple(items)
    return structure[1]((k, _rebuild(s, values)) for k, s in structure[2])

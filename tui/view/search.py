"""Finding nodes by name or variable (the ``/`` search). Pure.

A node answers to its TensorFlow or PyTorch name (``MatMul_1``, ``clamp``), its variable
(``h``), the name its line gives it in an eager loop (see :mod:`tui.view.crosslink`), and the
scope it is in (an eager module's box, ``BatchNorm1d_1``, is found by what it says). Exact
matches come first, then names that start with the query (or whose last part is it:
``gradients/MatMul_grad/MatMul``), then names that contain it; ties in creation order::

    >>> # query "h": h (Maximum) first, then "h…" names, then MatMul_1/…/Shape…
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping

    from tui.view.model import GraphModel

__all__ = ["find"]


def find(graph: GraphModel | None, query: str, names: Mapping[int, str] | None = None) -> list[int]:
    """The nodes of ``graph`` whose names match ``query`` (case-insensitive), best first.

    Args:
        graph: the graph to search (None: nothing found).
        query: what the user typed; blank finds nothing.
        names: extra names by node id (an eager node's variable from its line).

    Returns:
        Node ids, exact matches first, then prefixes, then substrings.
    """
    q = query.strip().lower()
    if graph is None or not q:
        return []
    ranked: list[tuple[int, int, int]] = []
    for node in graph.nodes.values():
        words = {node.name.lower(), node.var.lower()}
        if names and node.id in names:
            words.add(names[node.id].lower())
        words.add(node.name.rsplit("/", 1)[-1].lower())  # inside a scope: its own name
        words.update(part.lower() for part in node.scope.split("/"))  # the boxes it is in
        words.discard("")
        if q in (node.name.lower(), node.var.lower(), (names or {}).get(node.id, "").lower()):
            rank = 0
        elif any(w.startswith(q) for w in words):
            rank = 1
        elif any(q in w for w in words):
            rank = 2
        else:
            continue
        ranked.append((rank, node.index, node.id))
    return [nid for _, _, nid in sorted(ranked)]

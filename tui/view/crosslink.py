"""Which node of one pane computes the same quantity as a node of the other. Pure.

The static graph and the eager loop of a scene compute the same network, but name its nodes
differently: TensorFlow calls ``h`` ``Maximum`` (and the engine records ``var="h"``), PyTorch
calls it ``clamp``, made on the line ``h = x.mm(w1).clamp(min=0)``. The rule, in order:

1. **By the user's name.** A static node's name is its ``var``; an eager leaf's (a node
   without inputs) is its own (``x``, ``w1``); any other eager node is named by its line when
   it is the last node that line made and the line assigns one plain name (``h = …`` names
   ``clamp``). Equal names pair, in creation order.
2. **By op and shape**, for the forward nodes still unpaired: the op's family (``MatMul`` and
   ``mm``, ``Maximum`` and ``Clamp``, ``Pow`` and ``Square``, ``Placeholder`` and a leaf) and
   the output shape, in creation order (``MatMul 64×100`` ↔ ``mm 64×100``).
3. **Gradients** (static nodes with ``grad_of``) point at the partner of the node they are
   the gradient of: the eager pane draws that gradient on the forward node (``∇``).

Constants are drawn inside their consumers and pair with nothing. For the default scene::

    x ↔ x   w1 ↔ w1   MatMul ↔ mm   h (Maximum) ↔ clamp   y_pred (MatMul_1) ↔ mm
    sub ↔ sub   pow ↔ pow (Square)   loss (Sum) ↔ sum
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

    from tui.view.model import GraphModel, NodeInfo

__all__ = ["Links", "assigned_name", "link", "line_nodes", "op_family", "user_names"]

ASSIGN = re.compile(r"^\s*([A-Za-z_]\w*)\s*=(?!=)")
"""A line that assigns one plain name: ``h = x.mm(w1)`` (not ``a, b = …``, ``w -= …``)."""

FAMILIES: dict[str, str] = {
    "placeholder": "input",
    "leaf": "input",
    "variablev2": "input",
    "variable": "input",
    "mm": "matmul",
    "maximum": "relu",
    "clamp": "relu",
    "pow": "square",
    "addv2": "add",
}
"""Op (lower case) -> the family both frameworks' spellings of it share (others: the op in
lower case, so ``MatMul`` and ``matmul`` are one; a node without inputs is an ``input``)."""

SKIP = frozenset({"Const", "NoOp"})
"""Ops that pair with nothing (drawn inside their consumers, or computing nothing)."""


@dataclass
class Links:
    """The pairs, both ways (node ids of the static graph and of the eager iteration)."""

    static_to_eager: dict[int, int] = field(default_factory=dict)
    eager_to_static: dict[int, int] = field(default_factory=dict)

    def partner(self, mode: str, nid: int) -> int | None:
        """The node of the other pane paired with node ``nid`` of pane ``mode``."""
        table = self.static_to_eager if mode == "static" else self.eager_to_static
        return table.get(nid)


def assigned_name(line: str) -> str:
    """The one plain name a line assigns (``"h"`` for ``h = x.mm(w1)``), else ``""``."""
    m = ASSIGN.match(line)
    return m.group(1) if m else ""


def op_family(op: str) -> str:
    """The family of an op both frameworks share (``Clamp`` and ``Maximum``: ``relu``)."""
    return FAMILIES.get(op.lower(), op.lower())


def _family(node: NodeInfo) -> str:
    return "input" if not node.inputs else op_family(node.op)


def _text_of(node: NodeInfo, lines: Sequence[str], listing: str) -> str:
    """The listing's text of the line that made ``node`` ("" when it is not in the listing)."""
    if not node.line or node.line > len(lines):
        return ""
    if listing and node.source and not node.source.startswith(listing):
        return ""
    return lines[node.line - 1]


def user_names(graph: GraphModel, lines: Sequence[str] = (), listing: str = "") -> dict[int, str]:
    """Node id -> the name the user's code gives it (rule 1); nodes without one are left out.

    Args:
        graph: a static graph or an eager iteration.
        lines: the listing shown in the source pane.
        listing: the listing's file as node sources name it (``scene:two_layer.py``); "" to
            take every node's line from ``lines``.
    """
    if graph.mode == "static":
        return {n.id: n.var for n in graph.nodes.values() if n.var}
    out: dict[int, str] = {}
    last_on_line: dict[int, NodeInfo] = {}
    for node in graph.nodes.values():
        if not node.inputs:  # a leaf: the tensor the user named
            if node.name.isidentifier():
                out[node.id] = node.name
        elif node.line:
            last_on_line[node.line] = node
    for node in last_on_line.values():
        name = assigned_name(_text_of(node, lines, listing))
        if name:
            out[node.id] = name
    return out


def link(
    static: GraphModel | None,
    eager: GraphModel | None,
    lines: Sequence[str] = (),
    listing: str = "",
) -> Links:
    """Pair the nodes of a static graph and an eager iteration that compute the same quantity
    (the rule is in the module's docstring).

    Args:
        static: the static graph (as built or as run).
        eager: one eager iteration.
        lines: the listing shown in the source pane (names eager nodes by their lines).
        listing: the listing's file as node sources name it; "" to trust every line number.

    Returns:
        The pairs, both ways; a static gradient node maps to its forward node's partner.
    """
    links = Links()
    if static is None or eager is None:
        return links
    s_names = user_names(static, lines, listing)
    e_names = user_names(eager, lines, listing)

    def forward(graph: GraphModel) -> list[NodeInfo]:
        return [n for n in graph.nodes.values() if n.grad_of is None and n.op not in SKIP]

    s_nodes, e_nodes = forward(static), forward(eager)

    def pair(s: NodeInfo, e: NodeInfo) -> None:
        links.static_to_eager[s.id] = e.id
        links.eager_to_static[e.id] = s.id

    by_name: dict[str, list[NodeInfo]] = {}
    for e in e_nodes:
        if e.id in e_names:
            by_name.setdefault(e_names[e.id], []).append(e)
    for s in s_nodes:
        waiting = by_name.get(s_names.get(s.id, ""))
        if waiting:
            pair(s, waiting.pop(0))
    by_kind: dict[tuple[str, tuple[int, ...] | None], list[NodeInfo]] = {}
    for e in e_nodes:
        if e.id not in links.eager_to_static:
            by_kind.setdefault((_family(e), e.shape), []).append(e)
    for s in s_nodes:
        if s.id in links.static_to_eager:
            continue
        waiting = by_kind.get((_family(s), s.shape))
        if waiting:
            pair(s, waiting.pop(0))
    for node in static.nodes.values():
        if node.grad_of is not None and node.grad_of in links.static_to_eager:
            links.static_to_eager[node.id] = links.static_to_eager[node.grad_of]
    return links


def line_nodes(graph: GraphModel | None, line: int, listing: str = "") -> list[int]:
    """The nodes of ``graph`` that line ``line`` of the listing made, in creation order.

    Args:
        graph: a static graph or an eager iteration (None: no nodes).
        line: 1-based line number in the listing.
        listing: the listing's file as node sources name it; "" to take every node's line.
    """
    if graph is None or not line:
        return []
    return [
        n.id
        for n in graph.nodes.values()
        if n.line == line and not (listing and n.source and not n.source.startswith(listing))
    ]

"""NodeCard: everything known about the selected node."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.content import Content
from textual.widgets import Static

from tui.drawing.fold import is_inline_const, value_text
from tui.view.model import shape_text
from tui.view.stats import fmt_bytes, fmt_count, fmt_ns

if TYPE_CHECKING:
    from tui.drawing.fold import FoldBox
    from tui.view.model import GraphModel, NodeInfo

__all__ = ["NodeCard", "card_text"]


def card_text(graph: GraphModel, node: NodeInfo | None, fold: FoldBox | None) -> str:
    """The card's lines for a node or a folded scope (plain text, no markup)."""
    if fold is not None:
        names = [graph.nodes[m].name for m in (*fold.members, *fold.consts) if m in graph.nodes]
        if fold.kind == "variable":
            var = graph.nodes.get(fold.head) if fold.head is not None else None
            head = f"variable {var.var or fold.scope if var else fold.scope}   (TF: {fold.scope})"
            if var is not None:
                head += f"\nshape   {shape_text(var.shape)}  {var.dtype}   device {var.device}"
        else:
            head = f"scope {fold.scope}/  ({len(names)} nodes, folded; enter opens it)"
        return "\n".join(
            [head, *(f"  {n}" for n in names[:12]), *(["  …"] if len(names) > 12 else [])]
        )
    if node is None:
        return ""
    ins = ", ".join(graph.nodes[i].name if i in graph.nodes else str(i) for i in node.inputs)
    st = node.stats
    lines = [
        f"{node.name}   op {node.op}   [{graph.mode}, {node.state}]",
        *([f"var     {node.var}   (TF: {node.name})"] if node.var else []),
        f"inputs  {ins or '—'}",
        f"shape   {shape_text(node.shape)}  {node.dtype}   device {node.device}",
        f"bytes   {fmt_bytes(node.bytes)}   FLOPs {fmt_count(node.flops)}",
        f"time    last {fmt_ns(st.last_ns)}  mean {fmt_ns(st.mean_ns)}",  # two lines fit
        f"min     {fmt_ns(st.min_ns if st.count else None)}  ({st.count} runs)",  # the side panel
        f"source  {node.source or '—'}",
    ]
    consts = [graph.nodes[i] for i in node.inputs if i in graph.nodes]
    consts = [c for c in consts if is_inline_const(c)]
    if consts:
        lines.append(
            "consts  "
            + ", ".join(
                f"{c.name} = {value_text(c) if c.value is not None else shape_text(c.shape)}"
                for c in consts
            )
        )
    if node.fused:
        lines.append(f"fused   {', '.join(node.fused)} (one kernel)")
    if node.grad:
        lines.append(f"grad    {node.grad}")
    if node.grad_of is not None and node.grad_of in graph.nodes:
        lines.append(f"grad of {graph.nodes[node.grad_of].name}")
    if node.error:
        lines.append(f"error   {node.error}")
    return "\n".join(lines)


class NodeCard(Static):
    """The selected node's card: op, inputs, shape, dtype, device, bytes, FLOPs, times, source."""

    DEFAULT_CSS = """
    NodeCard { height: auto; }
    """

    def show_node(self, graph: GraphModel, node: NodeInfo | None, fold: FoldBox | None) -> None:
        """Fill the card (and reveal it)."""
        text = card_text(graph, node, fold)
        if text != self._text:
            self._text = text
            self.update(Content(text))
        self.display = True

    _text = ""

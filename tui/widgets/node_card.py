"""NodeCard: everything known about the selected node."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.content import Content
from textual.widgets import Static

from tui.drawing.fold import is_inline_const, value_text
from tui.i18n import cell_ljust, tr, word
from tui.view.model import shape_text
from tui.view.stats import fmt_bytes, fmt_count, fmt_ns

if TYPE_CHECKING:
    from tui.drawing.fold import FoldBox
    from tui.view.model import GraphModel, NodeInfo

__all__ = ["NodeCard", "card_text"]


def card_text(
    graph: GraphModel, node: NodeInfo | None, fold: FoldBox | None, lang: str = "en"
) -> str:
    """The card's lines for a node or a folded scope (plain text, no markup), in ``lang``."""

    def row(key: str, text: str) -> str:  # a label padded to 8 cells, then its text
        return cell_ljust(tr(key, lang), 8) + text

    def device(name: str) -> str:  # "cpu" in English, "CPU" where the words are not English
        return name if lang == "en" else name.upper()

    if fold is not None:
        names = [graph.nodes[m].name for m in (*fold.members, *fold.consts) if m in graph.nodes]
        if fold.kind == "variable":
            var = graph.nodes.get(fold.head) if fold.head is not None else None
            shown = var.var or fold.scope if var else fold.scope
            head = tr("card.variable", lang, name=shown, scope=fold.scope)
            if var is not None:
                head += "\n" + row(
                    "card.shape",
                    f"{shape_text(var.shape)}  {var.dtype}   "
                    f"{tr('card.device', lang)} {device(var.device)}",
                )
        else:
            head = tr("card.scope", lang, scope=fold.scope, n=len(names))
        return "\n".join(
            [head, *(f"  {n}" for n in names[:12]), *(["  …"] if len(names) > 12 else [])]
        )
    if node is None:
        return ""
    ins = ", ".join(graph.nodes[i].name if i in graph.nodes else str(i) for i in node.inputs)
    st = node.stats
    state, mode = word("state", node.state, lang), word("side", graph.mode, lang)
    lines = [
        tr("card.head", lang, name=node.name, op=node.op, mode=mode, state=state),
        *([row("card.var", f"{node.var}   (TF: {node.name})")] if node.var else []),
        row("card.inputs", ins or "—"),
        row(
            "card.shape",
            f"{shape_text(node.shape)}  {node.dtype}   "
            f"{tr('card.device', lang)} {device(node.device)}",
        ),
        row("card.bytes", f"{fmt_bytes(node.bytes)}   FLOPs {fmt_count(node.flops)}"),
        # two lines fit the side panel
        row(
            "card.time",
            tr("card.last_mean", lang, last=fmt_ns(st.last_ns), mean=fmt_ns(st.mean_ns)),
        ),
        row(
            "card.min",
            f"{fmt_ns(st.min_ns if st.count else None)}  {tr('card.runs', lang, n=st.count)}",
        ),
        row("card.source", node.source or "—"),
    ]
    consts = [graph.nodes[i] for i in node.inputs if i in graph.nodes]
    consts = [c for c in consts if is_inline_const(c)]
    if consts:
        lines.append(
            row(
                "card.consts",
                ", ".join(
                    f"{c.name} = {value_text(c) if c.value is not None else shape_text(c.shape)}"
                    for c in consts
                ),
            )
        )
    if node.fused:
        lines.append(row("card.fused", f"{', '.join(node.fused)} {tr('card.one_kernel', lang)}"))
    if node.grad:
        lines.append(row("card.grad", str(node.grad)))
    if node.grad_of is not None and node.grad_of in graph.nodes:
        name = graph.nodes[node.grad_of].name
        lines.append(row("card.grad_of", tr("card.grad_of_name", lang, name=name)))
    if node.error:
        lines.append(row("card.error", str(node.error)))
    return "\n".join(lines)


class NodeCard(Static):
    """The selected node's card: op, inputs, shape, dtype, device, bytes, FLOPs, times, source."""

    DEFAULT_CSS = """
    NodeCard { height: auto; }
    """

    def show_node(self, graph: GraphModel, node: NodeInfo | None, fold: FoldBox | None) -> None:
        """Fill the card (and reveal it)."""
        text = card_text(graph, node, fold, str(getattr(self.app, "lang", "en")))
        if text != self._text:
            self._text = text
            self.update(Content(text))
        self.display = True

    _text = ""

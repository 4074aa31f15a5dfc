"""NodeCard: everything known about the selected node."""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING, Any

from textual.content import Content
from textual.widgets import Static

from tui.drawing.fold import eager_call_text, is_inline_const, value_text
from tui.engine_link import safe_text
from tui.i18n import cell_ljust, tr, word
from tui.view.model import shape_text
from tui.view.stats import fmt_bytes, fmt_count, fmt_ns

if TYPE_CHECKING:
    from tui.drawing.fold import FoldBox
    from tui.view.model import GraphModel, NodeInfo

__all__ = ["NodeCard", "card_text"]


def card_text(
    graph: GraphModel,
    node: NodeInfo | None,
    fold: FoldBox | None,
    lang: str = "en",
    code: str = "",
    partner: str = "",
    width: int = 0,
) -> str:
    """The card's lines for a node or a folded scope (plain text, no markup), in ``lang``.

    Args:
        graph: the graph the node is in.
        node: the node (None for a folded scope).
        fold: the folded scope (None for a node).
        lang: the card's language.
        code: the text of the source line that made the node ("" when it is not shown).
        partner: the node computing the same quantity in the other pane, as words
            (``eager · clamp 64×100``; "" when there is none).
        width: the card's width in cells: a long source line wraps under itself (0: as is).
    """

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
            updates = [graph.nodes[m].name for m in fold.writes if m in graph.nodes]
            if updates:  # the state its ↻ stands for
                head += "\n" + tr("card.updates", lang, names=", ".join(updates))
        return "\n".join(
            [head, *(f"  {n}" for n in names[:12]), *(["  …"] if len(names) > 12 else [])]
        )
    if node is None:
        return ""
    ins = ", ".join(graph.nodes[i].name if i in graph.nodes else str(i) for i in node.inputs)
    st = node.stats
    state, mode = word("state", node.state, lang), word("side", graph.mode, lang)
    # the numbers an eager box writes in, whole: a one-row box may elide them (add(…))
    call = eager_call_text(node.label, node.args, node.attrs) if graph.mode == "eager" else ""
    # no dtype and no dims: no output (a NoOp)
    shape = shape_text(node.shape) if node.dtype or node.shape else "—"
    lines = [
        tr("card.head", lang, name=node.name, op=node.op, mode=mode, state=state),
        *([row("card.var", f"{node.var}   (TF: {node.name})")] if node.var else []),
        *([row("card.call", call)] if call and call != node.label else []),
        row("card.inputs", ins or "—"),
        row(
            "card.shape",
            f"{shape}  {node.dtype}   {tr('card.device', lang)} {device(node.device)}",
        ),
        # the worker of a parallel plan that ran it (a plan run in order names none)
        *([row("card.worker", str(node.worker))] if node.worker is not None else []),
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
        *_quote(code, width),
    ]
    if node.value is not None and node.op == "Const":  # a constant's own card: its value
        lines.append(row("card.value", value_text(node, limit=40)))
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
    if partner:
        lines.append(row("card.pair", partner))
    if node.error:
        lines.append(row("card.error", str(node.error)))
    return "\n".join(lines)


def _quote(code: str, width: int) -> list[str]:
    """A source line as card rows, indented under its place (wrapped where it is too long)."""
    code = code.strip()
    if not code:
        return []
    pad = cell_ljust("", 8)
    if width <= 8 + 12:
        return [pad + code]
    return textwrap.wrap(code, width, initial_indent=pad, subsequent_indent=pad + "  ")


class NodeCard(Static):
    """The selected node's card: op, inputs, shape, dtype, device, bytes, FLOPs, times, source
    (its place and its line's text), a constant's value, and its partner in the other pane."""

    DEFAULT_CSS = """
    NodeCard { height: auto; }
    """

    def show_node(
        self,
        graph: GraphModel,
        node: NodeInfo | None,
        fold: FoldBox | None,
        code: str = "",
        partner: str = "",
    ) -> None:
        """Fill the card (and reveal it); ``code`` is the node's source line, ``partner`` its
        counterpart in the other pane (see :func:`card_text`)."""
        lang = str(getattr(self.app, "lang", "en"))
        self._shown = (graph, node, fold, code, partner)
        text = card_text(graph, node, fold, lang, code, partner, self._width())
        if text != self._text:
            self._text = text
            self.update(Content(safe_text(text, multiline=True)))  # names from a script
        self.display = True

    def _width(self) -> int:
        """Cells a row has: the card's own, or before it is first shown its column's less
        border and padding."""
        if self.content_region.width:
            return self.content_region.width
        parent = self.parent
        width = getattr(parent, "scrollable_content_region", None)
        return max(0, width.width - 4) if width is not None else 0

    def on_resize(self) -> None:
        if self._shown is not None and self.display:
            self.show_node(*self._shown)

    _text = ""
    _shown: tuple[Any, ...] | None = None

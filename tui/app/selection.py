"""Selecting nodes: the node card, a node's twin in the other pane, the source line's nodes, and
the ``/`` search line."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from tui.i18n import tr, word
from tui.view.crosslink import line_nodes, link, user_names
from tui.view.model import shape_text
from tui.view.search import find
from tui.widgets import GraphView

if TYPE_CHECKING:
    from textual.widget import Widget

    from tui.app.panes import Panes
    from tui.app.source import RunSource
    from tui.app.view_actions import ViewControls


class Selection:
    """The selected node, its card and its twin; the search line."""

    def __init__(
        self,
        panes: Panes,
        source: RunSource,
        view: ViewControls,
        notify: Callable[..., Any],
        lang: str,
    ) -> None:
        self.panes, self.source, self.view = panes, source, view
        self.notify = notify
        """The app's notify (a search that found nothing says so)."""
        self.lang = lang
        self._card_of: tuple[GraphView, Any] | None = None
        self._search_from: GraphView | None = None
        """The pane that had the focus when ``/`` opened the search (enter goes there first)."""

    # ------------------------------------------------------------ the card and twins

    def selected(self, message: GraphView.Selected) -> None:
        """A pane selected a node (or a folded box): card, twin lit, source line lit."""
        p = self.panes
        view, graph = message.view, message.view.graph
        if graph is None:
            return
        self._card_of = (view, view.selected)
        node = message.node
        other = p.other(view)
        twin = self.twin_of(view, node.id) if node is not None else None
        view.light([])  # the selection speaks for this pane; the other lights its twin
        other.light([twin] if twin is not None else [])
        if twin is not None:
            other.reveal_node(twin)
        p.card.show_node(graph, node, message.fold, self._code(node), self._pair(other, twin))
        mode = word("side", graph.mode, self.lang)
        p.card.border_title = f"{tr('app.node', self.lang)} · {mode}"
        listing = self._listing()
        if node is not None and node.line and (not listing or node.source.startswith(listing)):
            p.source.current = node.line  # the line that made it, lit

    def refresh_card(self) -> None:
        """Keep an open card live (its times change run after run)."""
        card = self.panes.card
        if not card.display or self._card_of is None:
            return
        view, vid = self._card_of
        graph = view.graph
        if graph is None or vid is None:
            return
        if isinstance(vid, str):
            fold = view.fold_box(vid)
            if fold is not None:
                card.show_node(graph, None, fold)
        elif vid in graph.nodes:
            node = graph.nodes[vid]
            pair = self._pair(self.panes.other(view), self.twin_of(view, vid))
            card.show_node(graph, node, None, self._code(node), pair)

    def twin_of(self, view: GraphView, nid: int) -> int | None:
        """The node of the other pane computing the same quantity as node ``nid`` of
        ``view`` (see :mod:`tui.view.crosslink`), or None."""
        p = self.panes
        links = link(p.static.graph, p.eager.graph, p.source.lines, self._listing())
        return links.partner(view.mode, nid)

    def line_chosen(self, line: int) -> None:
        """The source cursor moved: light the nodes its line made, in both panes."""
        for view in (self.panes.static, self.panes.eager):
            view.light(line_nodes(view.graph, line, self._listing()))
            if view.lit:
                view.reveal(view.lit[0])

    def _listing(self) -> str:
        """The file the source pane shows, as node sources name it ("" when unknown)."""
        return str(self.source.state.scene.get("file") or "")

    def _code(self, node: Any) -> str:
        """The text of the source line that made ``node`` ("" when the listing lacks it)."""
        lines = self.panes.source.lines
        if node is None or not node.line or node.line > len(lines):
            return ""
        listing = self._listing()
        if listing and node.source and not node.source.startswith(listing):
            return ""
        return lines[node.line - 1]

    def _pair(self, other: GraphView, twin: int | None) -> str:
        """The card's words for a node's twin in the other pane."""
        graph = other.graph
        if twin is None or graph is None or twin not in graph.nodes:
            return ""
        node = graph.nodes[twin]
        name = node.label if graph.mode == "static" else node.name
        return f"{word('side', graph.mode, self.lang)} · {name} {shape_text(node.shape)}"

    # ------------------------------------------------------------ search

    def open_search(self, focused: Widget | None) -> None:
        """Open the search line (``/``): typing lights the matches, enter goes to the best."""
        self._search_from = focused if isinstance(focused, GraphView) else None
        search = self.panes.search
        search.display = True
        search.value = ""
        search.focus()

    def close_search(self) -> None:
        """Close the search line; the lights go out and the legend comes back."""
        self.panes.search.display = False
        for view in (self.panes.static, self.panes.eager):
            view.light([])
        self.view.update_legend()
        (self._search_from or self.panes.static).focus()

    def _matches(self, query: str) -> dict[GraphView, list[int]]:
        out: dict[GraphView, list[int]] = {}
        lines, listing = self.panes.source.lines, self._listing()
        for view in (self.panes.static, self.panes.eager):
            graph = view.graph
            names = user_names(graph, lines, listing) if graph is not None else {}
            out[view] = find(graph, query, names)
        return out

    def search_changed(self, value: str) -> None:
        """Light what the search line matches as it is typed."""
        found = self._matches(value)
        for view, nodes in found.items():
            view.light(nodes)
            if view.lit:
                view.reveal(view.lit[0])
        if value.strip():
            counts = {"s": len(found[self.panes.static]), "e": len(found[self.panes.eager])}
            self.panes.legend.update(tr("search.found", self.lang, **counts))
        else:
            self.view.update_legend()

    def search_submitted(self, value: str) -> None:
        """Enter: select the best match (in the pane the search came from first)."""
        found = self._matches(value)
        first = self._search_from
        order = [first] if first is not None else []
        order += [v for v in (self.panes.static, self.panes.eager) if v is not first]
        view = next((v for v in order if found[v]), None)
        if view is None:
            if value.strip():
                # the query is the user's text: shown as typed, never read as markup
                text = tr("search.none", self.lang, query=value.strip())
                self.notify(text, markup=False, timeout=3)
            return
        self._search_from = view
        self.close_search()
        view.select_node(found[view][0])

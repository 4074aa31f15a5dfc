"""GraphView: one graph pane (static or eager), drawn with the Line API."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui.drawing import pane
from tui.drawing.boxes import BoxText, box_row
from tui.drawing.canvas import EdgeGrid, runs
from tui.drawing.eager import EagerMap, first_way
from tui.drawing.fold import PREFIX, FoldBox, Folding, fold_state, fold_view
from tui.drawing.labels import CAPS, Label, label_of
from tui.drawing.layout import MARGIN, Layout
from tui.drawing.pane import Drawing, map_draw, map_finish, static_drawing
from tui.i18n import tr
from tui.view.ahead import Ahead, elsewhere, start_helper
from tui.view.stats import fmt_ns

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from textual import events

    from tui.drawing.fit import Try
    from tui.drawing.fold import View
    from tui.drawing.layout import Box, NodeId
    from tui.view.model import GraphModel, NodeInfo

__all__ = ["BOX_SIZES", "GraphView", "all_toggled"]

HEAT_LEVELS = 5
DRAWINGS_KEPT = 32
"""Static drawings a pane keeps (:attr:`GraphView._drawings`): g, o and f each switch between
two, z goes through four, so every drawing those keys reach from one (a drawing found again
costs nothing; laid out again from the parts the drawing code keeps, 10-20 ms of the app's
CPU at full speed)."""
BOX_SIZES = ("auto", "full", "compact", "mini")
"""Node box sizes, in the order z goes through them (auto: fit the pane)."""
FULL_REFRESH = 12
"""More changed nodes than this in one frame: one full refresh beats many small ones."""


NOT_COMPUTED = {"Placeholder": "fed", "Const": "const", "NoOp": "no-op"}
"""What a done node that computes nothing shows instead of its (zero) time."""


class GraphView(ScrollView, can_focus=True):
    """A scrolling, pannable drawing of one graph: boxes, routed edges, states and times.

    | Key | Action |
    | :- | :- |
    | `]` / `[` | Select the next / previous node. |
    | `enter` | Open the selected node's card; on a group, open or close it; with nothing
      selected, select the node running now. |
    | `backspace` | Close the scope the selected node is in. |
    | arrows, page keys | Scroll and pan. |
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "right_square_bracket",
            "select(1)",
            "Next node",
            show=False,
            tooltip="Select the next node of this pane",
            id="graph.next",
        ),
        Binding(
            "left_square_bracket",
            "select(-1)",
            "Prev node",
            show=False,
            tooltip="Select the previous node of this pane",
            id="graph.prev",
        ),
        Binding(
            "enter",
            "enter",
            "Card",
            show=False,
            tooltip="Show the selected node's card; open or close a group; with nothing "
            "selected, select the node running now",
            id="graph.card",
        ),
        Binding(
            "backspace",
            "close_scope",
            "Close scope",
            show=False,
            tooltip="Fold the scope the selected node is in back into one box",
            id="graph.close",
        ),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "graph--edge",
        "graph--edge-dim",
        "graph--grad",
        "graph--lit",
        "graph--empty",
        "graph--defined",
        "graph--pruned",
        "graph--pending",
        "graph--running",
        "graph--done",
        "graph--error",
        "graph--cpu",
        "graph--gpu",
        *(f"graph--heat-{i}" for i in range(HEAT_LEVELS)),
    }
    """
    | Class | Description |
    | :- | :- |
    | `graph--edge` / `graph--edge-dim` | Edges; dim ones lead to nodes the run does not need. |
    | `graph--<state>` | Boxes by state: defined, pruned, pending, running, done, error. |
    | `graph--cpu` / `graph--gpu` | Boxes by device (colour mode "device"). |
    | `graph--heat-0..4` | Boxes by last time, coolest to hottest (colour mode "heat"). |
    | `graph--grad` | Gradient text under a value. |
    | `graph--lit` | Added to a lit box's border (a source line's nodes, search matches, the
      other pane's partner of the selected node). |
    """

    DEFAULT_CSS = """
    GraphView { height: 1fr; width: 1fr; }
    """

    orientation: reactive[str] = reactive("LR", init=False)
    """Layers left-to-right ("LR") or top-to-bottom ("TB")."""
    colour_mode: reactive[str] = reactive("state", init=False)
    """Box colours by "state", "device" or "heat"."""
    folding: reactive[Folding] = reactive(Folding(), init=False)
    """How name scopes, variables and constants fold (every scope folded by default)."""
    box_size: reactive[str] = reactive("auto", init=False)
    """"auto" (the largest boxes whose drawing fits the pane), "full", "compact" or "mini"."""
    selected: reactive[NodeId | None] = reactive(None, init=False)
    """The selected box's view id."""

    class Selected(Message):
        """A node was selected (or its card asked for)."""

        def __init__(self, view: GraphView, node: NodeInfo | None, fold: FoldBox | None) -> None:
            super().__init__()
            self.view = view
            self.node = node
            self.fold = fold

    def __init__(
        self,
        mode: str,
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
        disabled: bool = False,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        self.mode = mode
        """"static" or "eager": eager panes place nodes append-only."""
        self.graph: GraphModel | None = None
        self.layout_ = Layout("LR")
        self._edges: EdgeGrid | None = None
        self._rows: dict[int, list[tuple[NodeId, Box]]] = {}
        self._row_ver: dict[int, int] = {}
        self._strips: dict[tuple[int, int], Strip] = {}
        self._styles: dict[str, Style] = {}
        self._folds: dict[str, FoldBox] = {}
        self._view: View | None = None
        self._labels: dict[NodeId, Label] = {}
        self._order: list[NodeId] = []
        self._drawings: dict[tuple[object, ...], Drawing] = {}
        """Static: the last few drawings by what they were drawn from (a key pressed twice,
        o or f, draws the picture it left again without laying it out again)."""
        self._ahead: Ahead[Drawing] = Ahead(f"{mode}-drawings-ahead")
        """Static: the drawings the keys that lay the pane out again (f, o, g, z) would need
        next, worked out while the app waits (see :meth:`_draw_ahead`)."""
        self.draws_ahead = False
        """Static: work out ahead, in a helper process, what f, o, g and z would draw."""
        self._spare = True
        """The engine leaves the machine's cores to spare (paced, paused or finished): only
        then is anything worked out ahead (:meth:`spare_cores`)."""
        self._ahead_from: tuple[object, ...] = ()
        """The drawing the pane last asked for drawings ahead from."""
        self._map = EagerMap()
        """Eager: where each site's box goes, from the last finished iteration."""
        self._done: GraphModel | None = None
        """Eager: the last iteration seen to its end (the map is made from it)."""
        self._to_first = False
        self._seen = (-1, -1)
        self._heat_max = 0
        self._base: Style | None = None
        self._keep_size = False
        self.empty_text = "waiting for the engine…"
        """Shown while there is no graph."""
        self.auto_orientation = True
        """Pick the orientation from the pane's shape and the drawing (until the user picks
        one)."""
        self.box_in_use = "full"
        """The box size drawn now (what "auto" picked)."""
        self.follow = True
        """Scroll to the node running now when it is out of view."""
        self._followed: tuple[NodeId | None, int] = (None, -1)
        self._refit = True
        self._choice: Try = ("", "", None)
        self._sized = Size(0, 0)
        self._lit: frozenset[int] = frozenset()
        """Creation indices of the lit nodes (an eager iteration's node keeps its index, so
        the same sites stay lit as the loop rebuilds its graph)."""
        self._lit_vids: set[NodeId] = set()
        self._scrollbars_due = False
        """A scrollbar comes or goes after the next refresh (see :meth:`relayout`)."""

    # ------------------------------------------------------------ watchers

    def watch_orientation(self) -> None:
        self._keep_size, self._refit = False, True
        self.relayout()

    def watch_folding(self) -> None:
        self._keep_size, self._refit = False, True
        self.relayout()

    def watch_box_size(self) -> None:
        self._keep_size, self._refit = False, True
        self.relayout()

    @property
    def compact(self) -> bool:
        """True when the boxes drawn are smaller than full ones."""
        return self.box_in_use != "full"

    def watch_colour_mode(self) -> None:
        self._heat_max = self._hottest()
        self._invalidate()

    def _hottest(self) -> int:
        graph = self.graph
        if graph is None:
            return 0
        return max((n.last_ns or 0 for n in graph.nodes.values()), default=0)

    def watch_selected(self, old: NodeId | None, new: NodeId | None) -> None:
        for vid in (old, new):
            self._touch(vid)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles.clear()
        self._strips.clear()
        self._base = None

    @property
    def base_style(self) -> Style:
        """The widget's own style (cached: computing it is costly and it changes rarely)."""
        if self._base is None:
            self._base = self.rich_style
        return self._base

    # ------------------------------------------------------------ drawing

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        width = self.scrollable_content_region.width
        vy = scroll_y + y
        if self.graph is None or not self.graph.nodes:
            return self._empty_line(y, width)
        key = (vy, self._row_ver.get(vy, 0))
        strip = self._strips.get(key)
        if strip is None:
            strip = self._strips[key] = self._build_row(vy)
        return strip.crop_extend(scroll_x, scroll_x + width, self.base_style)

    def _empty_line(self, y: int, width: int) -> Strip:
        if y != 1:
            return Strip.blank(width, self.rich_style)
        style = self.rich_style + self._style("empty")
        return Strip([Segment(("  " + self.empty_text)[:width].ljust(width), style)])

    def _build_row(self, vy: int) -> Strip:
        if self._edges is None or vy >= self._edges.height:
            return Strip.blank(self.layout_.width, self.base_style)
        chars, keys = self._edges.row(vy)
        chars, keys = list(chars), list(keys)
        for vid, box in self._rows.get(vy, ()):
            x = box.x
            for text, key in box_row(self._box_text(vid), vy - box.y, box.w, box.h):
                cells = cells_of(text)
                chars[x : x + len(cells)] = cells
                keys[x : x + len(cells)] = [key] * len(cells)
                x += len(cells)
        base = self.base_style
        return Strip(
            [Segment(text, self._style(key) if key else base) for text, key in runs(chars, keys)],
            self.layout_.width,
        )

    def _style(self, key: str) -> Style:
        """The style of a key; ``a+b`` is style ``b`` over style ``a`` (a lit border keeps its
        state colour)."""
        style = self._styles.get(key)
        if style is None:
            style = self.base_style
            for part in key.split("+"):
                style += self.get_component_rich_style(f"graph--{part}", partial=True)
            self._styles[key] = style
        return style

    def _box_text(self, vid: NodeId) -> BoxText:
        graph = self.graph
        assert graph is not None
        border = "heavy" if vid == self.selected else "plain"
        lit = vid in self._lit_vids
        size = self.box_in_use
        box = self.layout_.boxes.get(vid)
        if size == "mini" and box is not None and min(box.w, box.h) >= 3:
            size = "compact"  # a collector's tall box has a border: it says what one does
        cap = CAPS[size][1]
        label = self._labels.get(vid) or Label(str(vid))
        if isinstance(vid, str):
            fold = self._folds[vid]
            state, ns = fold_state(graph, fold)
            time = fmt_ns(ns) if ns is not None else ""
            if size == "mini":
                title, value = label.mini(cap), ""
            elif fold.kind == "variable":
                title, value = label.title(size, cap), label.shape
            else:
                title, value = label.title(size, cap), tr("box.ops", self._lang, n=fold.count)
            return BoxText(
                title,
                value,
                time,
                "",
                self._key(state, None, ns),
                "dashed" if state == "pruned" and border == "plain" else border,
                lit,
            )
        node = graph.nodes[vid]
        dtype = {"float32": "f32", "float64": "f64", "int64": "i64", "bool": "bool"}.get(
            node.dtype, node.dtype
        )
        compact = size != "full"
        value = label.shape if compact else f"{label.shape} {dtype}"
        time = (
            ""
            if node.last_ns is None or node.state in ("pending", "pruned")
            else fmt_ns(node.last_ns)
        )
        if node.state == "done" and node.op in NOT_COMPUTED:
            time = NOT_COMPUTED[node.op]
        if node.state == "error":
            time = "error"
        elif node.state == "defined" and self.mode == "static":
            time = "defined"
        title = label.mini(cap) if size == "mini" else label.title(size, cap)
        if size == "mini":
            value = ""  # the one row already says the shape where it fits
        if node.fused:  # a fused kernel: its op on top, what it fused inside
            title = label.mini(cap) if size == "mini" else node.op
            value = label.op if size != "mini" else value
            if not compact:
                time = f"{time:<9}{label.shape}" if time else label.shape
        elif not compact and label.op and "·" not in title:
            time = f"{time:<9}{label.op}" if time else label.op
        if node.state == "pruned" and border == "plain":
            border = "dashed"
        grad = node.grad
        if grad and not compact:  # a full box labels its gradient row
            grad = f"{tr('box.grad', self._lang)} {grad.removeprefix('∇').strip()}"
        key = self._key(node.state, node.device, node.last_ns)
        return BoxText(title, value, time, grad, key, border, lit)

    @property
    def _lang(self) -> str:
        return str(getattr(self.app, "lang", "en"))

    def _key(self, state: str, device: str | None, ns: int | None) -> str:
        if state in ("running", "error", "pruned") or self.colour_mode == "state":
            return state
        if self.colour_mode == "device":
            return device or "cpu"
        if ns is None or not self._heat_max:
            return "defined"
        return f"heat-{min(HEAT_LEVELS - 1, int(HEAT_LEVELS * ns / (self._heat_max + 1)))}"

    # ------------------------------------------------------------ layout

    def relayout(self) -> None:
        """Lay the graph out again (structure, folding, orientation or box size changed)."""
        graph = self.graph
        if graph is None:
            self.layout_ = Layout(self.orientation)
            self._edges, self._rows, self._folds, self._order = None, {}, {}, []
            self._view, self._labels = None, {}
            self._keep_size, self._refit = False, True
            self.virtual_size = Size(0, 0)
            self._invalidate()
            return
        if self.mode == "eager":
            view = fold_view(graph, self.folding)
            self._labels = {vid: label_of(graph, view, vid) for vid, _ in view.nodes}
            self.layout_ = self._eager_layout(graph, view.nodes)
        else:
            view = self._static_layout(graph)
        self._view, self._folds = view, view.folds
        nodes = view.nodes
        self._order = [vid for vid, _ in nodes]
        pruned = {vid for vid in self._order if self._state_of(vid) == "pruned"}
        self._edges = EdgeGrid(self.layout_, pruned)
        rows: dict[int, list[tuple[NodeId, Box]]] = {}
        for vid, box in self.layout_.boxes.items():
            for y in range(box.y, box.y2):
                rows.setdefault(y, []).append((vid, box))
        self._rows = rows
        self._lit_vids = self._lit_view()
        self._seen = (graph.struct_version, graph.plan_version)
        self._heat_max = self._hottest()
        # the canvas never shrinks while a pane shows the same kind of picture, so scrollbars
        # stay put as each eager iteration rebuilds its graph (and no layout pass is needed);
        # a static graph that now fits its pane drops the scrollbars its building needed
        fits = self.layout_.width <= self.size.width and self.layout_.height <= self.size.height
        keep = self._keep_size and not (self.mode == "static" and fits)
        old = self.virtual_size if keep else Size(0, 0)
        self._keep_size = True
        size = Size(max(old.width, self.layout_.width), max(old.height, self.layout_.height))
        if size != self.virtual_size:
            # no layout pass for a new canvas size (the pane keeps its own size): ~15-20 ms of
            # the whole screen, each eager iteration and each key that redraws the panes;
            # the scrollbars follow, with a layout only when one comes or goes, and then a
            # frame later: the new drawing (what a key changed) shows first
            self.set_reactive(GraphView.virtual_size, size)
            if self._scrollbars_for(size) == (
                self.show_horizontal_scrollbar,
                self.show_vertical_scrollbar,
            ):
                self._scroll_update(size)
            else:
                self.scroll_to(
                    self.validate_scroll_x(self.scroll_x),
                    self.validate_scroll_y(self.scroll_y),
                    animate=False,
                    immediate=True,
                )
                if not self._scrollbars_due:
                    self._scrollbars_due = True
                    self.call_after_refresh(self._scrollbars_later)
            self.refresh()
        if self._to_first and self._order and room_known(self):
            self._to_first = False
            self._scroll_to_first()
        self._invalidate()

    def _scrollbars_for(self, size: Size) -> tuple[bool, bool]:
        """Whether a canvas of ``size`` needs a (horizontal, vertical) scrollbar in this pane
        (as Textual's ``_refresh_scrollbars`` decides, both overflows "auto")."""
        width, height = self.container_size
        wide, tall = size.width > width, size.height > height
        if tall and not wide:
            wide = size.width > width - self.styles.scrollbar_size_vertical
        if wide and not tall:
            tall = size.height > height - self.styles.scrollbar_size_horizontal
        return wide, tall

    def _scrollbars_later(self) -> None:
        """Show or hide the scrollbars for the canvas drawn (a layout pass of the screen)."""
        self._scrollbars_due = False
        self._scroll_update(self.virtual_size)

    # ------------------------------------------------------------ eager placement

    def _static_layout(self, graph: GraphModel) -> View:
        """The static graph drawn by the pane pipeline (:func:`tui.drawing.pane.static_drawing`:
        fold, label, the layered plan, the largest boxes that fit); returns the folded view."""
        room = self.size
        way = (str(self.orientation), self.auto_orientation, str(self.box_size))
        key = drawing_key(graph, (room.width, room.height), self.folding, way)
        drawing = self._drawings.get(key)
        if drawing is None:
            drawing = self._ahead.take(key)  # worked out ahead (or waited for: it is under way)
            if drawing is None:
                drawing = static_drawing(graph, (room.width, room.height), self.folding, *way)
            if len(self._drawings) >= DRAWINGS_KEPT:
                del self._drawings[next(iter(self._drawings))]  # the oldest
            self._drawings[key] = drawing
        self.layout_, self._labels = drawing.layout, drawing.labels
        choice: Try = (drawing.layout.orientation, drawing.box, None)
        if room.area:
            if choice != self._choice:
                self._keep_size = False  # another box size: the canvas starts afresh
            self._choice, self._refit = choice, False
            self._draw_ahead(graph, drawing.layout.orientation)
        else:
            self._refit = True  # not laid out yet: fit for real once the pane has a size
        self.box_in_use = drawing.box
        return drawing.view

    def _draw_ahead(self, graph: GraphModel, shown: str) -> None:
        """Work out, while the app waits, the drawings that the keys that lay this pane out
        again would need and that the pane does not keep: what f (fold or unfold all), o
        (turn), g (the graph as run or as built) and z (the next box size) would draw, then what
        those keys would draw after them, and so on (every drawing those four keys reach, ~50,
        nearest first). A key then draws at once what took 5-135 ms of CPU to lay out. While
        the engine takes the cores (full speed), only what one key would draw from here (at
        most four drawings, asked once per drawing shown: the graph changes a few times at
        the start of a run, then not at all)."""
        if not self.draws_ahead or not start_helper():
            return  # (no process to work them out in: each key lays its drawing out)
        room = (self.size.width, self.size.height)
        start: Shown = (
            graph,
            self.folding,
            (str(self.orientation), self.auto_orientation, str(self.box_size)),
        )
        first = drawing_key(graph, room, *start[1:])
        if first == self._ahead_from:
            return  # asked already, from this drawing
        self._ahead_from, seen = first, {first}
        jobs = []
        level = [(start, shown)]
        while level:
            following = []
            for state, turned_from in level:
                for step in key_steps(state, turned_from):
                    key = drawing_key(step[0], room, step[1], step[2])
                    if key in seen:
                        continue
                    seen.add(key)
                    following.append((step, step[2][0]))  # (a pane that may turn: a guess)
                    if key not in self._drawings:
                        jobs.append((key, _drawing_job(key, step[0], room, step[1], step[2])))
            level = following if self._spare else []
        self._ahead.want(jobs)

    def _eager_layout(self, graph: GraphModel, nodes: list[tuple[NodeId, list[NodeId]]]) -> Layout:
        """The iteration so far, each node where its site was last iteration (the map), in
        one box size and orientation for the whole iteration."""
        if self._refit and room_known(self):
            self._refit = False
            self._remap()
        out = map_draw(self._map, graph, nodes, self._labels)
        way = self._map.way
        if way != self._choice:
            self._keep_size = False  # another box size: the canvas starts afresh
        elif self._map.plan is not None:
            self._keep_size = False  # the map's canvas is the whole iteration's already
        self._choice, self.box_in_use = way, way[1]
        return out

    def _finish(self, graph: GraphModel) -> None:
        """An eager iteration ended: lay its whole graph out as the map for the next."""
        room = (self.size.width, self.size.height)
        pref = str(self.orientation)
        map_finish(
            self._map, graph, self.folding, room, pref, self.auto_orientation, str(self.box_size)
        )
        self._done = graph

    def _ends(self, graph: GraphModel) -> bool:
        """The eager iteration shown has just ended and is not yet on the map."""
        return self.mode == "eager" and graph.ended and self._done is not graph and room_known(self)

    def _remap(self) -> None:
        """The pane's size, orientation, box size or folding changed: make the map again
        from the last finished iteration (or pick the first iteration's boxes afresh)."""
        self._map.forget()
        if self._done is not None:  # (the iteration shown, where it has ended)
            self._finish(self._done)
        self._start_map()

    def _start_map(self) -> None:
        """A new iteration starts: its grid in the way picked from this pane (a map keeps its
        own), wrapping at the pane's edge."""
        w, h = self.size
        self._map.start(first_way(str(self.orientation), w, h, str(self.box_size)), (w, h))

    def _scroll_to_first(self) -> None:
        """Scroll to an iteration's first node: from the top left, as little as shows it."""
        box = self.layout_.boxes.get(self._order[0])
        if box is None:
            return
        w, h = self.scrollable_content_region.size
        x = 0 if box.x2 + MARGIN <= w else box.x - MARGIN
        y = 0 if box.y2 + MARGIN <= h else box.y - MARGIN
        self.scroll_to(x, y, animate=False, immediate=True)

    def _state_of(self, vid: NodeId) -> str:
        assert self.graph is not None
        if isinstance(vid, str):
            return fold_state(self.graph, self._folds[vid])[0]
        return self.graph.nodes[vid].state

    def _invalidate(self) -> None:
        self._strips.clear()
        self._row_ver.clear()
        self.refresh()

    def _touch(self, vid: NodeId | None, repaint: bool = True) -> None:
        box = self.layout_.boxes.get(vid) if vid is not None else None
        if box is None:
            return
        for y in range(box.y, box.y2):
            ver = self._row_ver.get(y, 0)
            self._strips.pop((y, ver), None)  # the cache holds one strip per row at most
            self._row_ver[y] = ver + 1
        if repaint:
            self.refresh_lines(box.y - int(self.scroll_offset.y), box.h)

    # ------------------------------------------------------------ public API

    def show(self, graph: GraphModel | None) -> None:
        """Draw this graph from now on (or nothing); a new graph starts an empty canvas. An
        eager iteration that has ended, whether it ended while shown or before its first
        frame (at full speed a whole iteration comes between two frames), is drawn on its own
        map, as the next will be."""
        new = graph is not self.graph
        if new:
            old = self.graph
            if self.mode == "eager" and graph is not None and old is not None and old.nodes:
                if room_known(self):  # (no new graph: a restart, drawn afresh below)
                    self._finish(old)  # the iteration it showed has ended: the map for the next
            self.graph = graph
            self.selected = None
            if graph is None:
                self._lit = frozenset()  # a restart or another scene: the lights go out
                self._drawings.clear()
                self._ahead.forget()
                self._ahead_from = ()
                self._map, self._done = EagerMap(), None  # and its first iteration starts afresh
            if self.mode == "eager":
                self._start_map()
                self._to_first = True
        ended = graph is not None and self._ends(graph)
        if ended and graph is not None:
            self._finish(graph)
        if new or ended:
            self.relayout()
        if new and graph is not None:
            graph.take_changed()

    def spare_cores(self, spare: bool) -> None:
        """Whether the engine leaves the cores to spare now. A run at full speed takes them
        all: drawing every reachable drawing ahead then would slow the engine the panes
        measure (on two cores it cut UI-attached throughput from 0.92-0.95 of headless to
        0.70-0.79), so until the run is paused or has finished, or runs paced, only what one
        key would draw is worked out ahead."""
        if spare == self._spare:
            return
        self._spare = spare
        self._ahead_from = ()  # asked afresh, as far as the cores allow now
        if self.graph is not None and self.mode == "static" and self.layout_.boxes:
            self._draw_ahead(self.graph, self.layout_.orientation)
        else:
            self._ahead.want([])  # what was wanted and not begun waits

    def forget(self) -> None:
        """Drop the drawn graph and its placements (a replay stepped back: draw afresh)."""
        self.graph = None
        self._map, self._done = EagerMap(), None
        self._drawings.clear()
        self._ahead.forget()
        self._ahead_from = ()
        self._keep_size, self._refit = False, True
        self.relayout()

    def sync(self) -> None:
        """Apply what changed in the graph since the last frame (called once per frame)."""
        graph = self.graph
        if graph is None:
            return
        changed = graph.take_changed()
        if (graph.struct_version, graph.plan_version) != self._seen:
            self.relayout()
            self._follow(changed)
            return
        if self.colour_mode == "heat":
            top = self._hottest()
            if top != self._heat_max:
                self._heat_max = top
                self._invalidate()
                return
        vids = {self._vid(n) for n in changed}
        many = len(vids) > FULL_REFRESH
        for vid in vids:
            self._touch(vid, repaint=not many)
        if many:
            self.refresh()  # one repaint beats many small ones; unchanged rows stay cached
        self._follow(changed)

    def _follow(self, changed: Iterable[int]) -> None:
        """Scroll (as little as needed) so the node running now is in view: a new eager op
        or a Session.run step outside the pane is not missed."""
        if not self.follow or self.graph is None:
            return
        nodes = self.graph.nodes
        fresh = self.graph.struct_version != self._followed[1]  # created nodes are not in changed
        running = [
            n
            for n in (nodes if fresh else changed)
            if n in nodes and nodes[n].state in ("running", "error")
        ]
        self._followed = (self._followed[0], self.graph.struct_version)
        if running:
            vid = self._vid(max(running, key=lambda n: nodes[n].index))
            if vid != self._followed[0]:
                self._followed = (vid, self._followed[1])
                self.reveal(vid)

    def _vid(self, nid: int) -> NodeId:
        view = self._view
        return view.vid_of.get(nid, nid) if view is not None else nid

    def light(self, nodes: Iterable[int]) -> None:
        """Light these nodes of the graph shown (a double border; [] puts the lights out).

        Nodes are remembered by creation index, so an eager pane keeps the same sites lit in
        the iterations that follow; a node folded into a group lights its group's box.
        """
        graph = self.graph
        known = graph.nodes if graph is not None else {}
        self._lit = frozenset(known[n].index for n in nodes if n in known)
        old, self._lit_vids = self._lit_vids, self._lit_view()
        for vid in old ^ self._lit_vids:
            self._touch(vid)

    @property
    def lit(self) -> list[NodeId]:
        """The view ids of the lit boxes, in drawing order."""
        return [vid for vid in self._order if vid in self._lit_vids]

    def _lit_view(self) -> set[NodeId]:
        graph = self.graph
        if graph is None or not self._lit:
            return set()
        return {self._vid(n.id) for n in graph.nodes.values() if n.index in self._lit}

    def reveal_node(self, nid: int) -> None:
        """Scroll so that node ``nid`` (its group's box where it is folded) is visible."""
        if self.graph is not None and nid in self.graph.nodes:
            self.reveal(self._vid(nid))

    def select_node(self, nid: int) -> None:
        """Select a node by its id (its group's box where it is folded), scroll to it and
        open its card."""
        graph = self.graph
        if graph is None or nid not in graph.nodes:
            return
        self.selected = self._vid(nid)
        self.reveal(self.selected)
        self.action_open_card()

    def running_node(self) -> int | None:
        """The node running now (the latest one), else the latest that failed or ran."""
        graph = self.graph
        if graph is None:
            return None
        nodes = sorted(graph.nodes.values(), key=lambda n: n.index, reverse=True)
        for state in ("running", "error", "done"):
            for node in nodes:
                if node.state == state and (state != "done" or node.op not in NOT_COMPUTED):
                    return node.id
        return None

    def fold_box(self, vid: str) -> FoldBox | None:
        """The folded scope drawn as box ``vid`` (None if there is none now)."""
        return self._folds.get(vid)

    def drawing_text(self) -> str:
        """The whole drawing as plain text (headless dumps and tests)."""
        if self._edges is None:
            return ""
        return "\n".join(self._build_row(y).text.rstrip() for y in range(self.layout_.height))

    def node_at(self, x: int, y: int) -> NodeId | None:
        """The view id of the box under a cell of the drawing (None: no box)."""
        for vid, box in self._rows.get(y, ()):
            if box.x <= x < box.x2:
                return vid
        return None

    def reveal(self, vid: NodeId) -> None:
        """Scroll so that a box is visible."""
        box = self.layout_.boxes.get(vid)
        if box is not None:
            from textual.geometry import Region

            self.scroll_to_region(Region(box.x, box.y, box.w, box.h), animate=False)

    # ------------------------------------------------------------ handlers and actions

    def on_resize(self) -> None:
        if self.size == self._sized:
            return
        self._sized = self.size
        self._keep_size, self._refit = False, True
        if self.auto_orientation and self.size.height:
            self.set_reactive(
                GraphView.orientation, "LR" if self.size.width >= 3 * self.size.height else "TB"
            )
        self.relayout()  # fit the drawing to the new size

    def on_unmount(self) -> None:
        self._ahead.close()

    def on_click(self, event: events.Click) -> None:
        at = event.get_content_offset(self)  # the event's x, y count the border too
        if at is None:
            return
        vid = self.node_at(at.x + int(self.scroll_offset.x), at.y + int(self.scroll_offset.y))
        if vid is not None:
            self.selected = vid
            self.action_open_card()

    def action_select(self, step: int) -> None:
        """Select the next (step 1) or previous (-1) box in creation order."""
        if not self._order:
            return
        if self.selected in self._order:
            i = (self._order.index(self.selected) + step) % len(self._order)
        else:
            i = 0 if step > 0 else len(self._order) - 1
        self.selected = self._order[i]
        self.reveal(self.selected)
        self.action_open_card()

    def action_enter(self) -> None:
        """Open or close the selected group; on a node, show its card; with nothing
        selected, select the node running now."""
        if self.selected is None:
            running = self.running_node()
            if running is not None:
                self.select_node(running)
            return
        fold = self._folds.get(self.selected) if isinstance(self.selected, str) else None
        if fold is not None and fold.kind == "scope":
            self.folding = self.folding.toggled(fold.scope)
            self.selected = fold.head if fold.head is not None else None
        self.action_open_card()

    def action_close_scope(self) -> None:
        """Fold the innermost opened scope of the selected node back into its box."""
        graph, vid = self.graph, self.selected
        if graph is None or not isinstance(vid, int) or vid not in graph.nodes:
            return
        parts = graph.nodes[vid].name.split("/")[:-1]
        opened = ["/".join(parts[: k + 1]) for k in range(len(parts))]
        scope = next((s for s in reversed(opened) if s in self.folding.opened), None)
        if scope is not None:
            self.folding = self.folding.toggled(scope)
            self.selected = PREFIX + scope
            self.action_open_card()

    def action_open_card(self) -> None:
        """Tell the app to show the selected node's card."""
        vid = self.selected
        if vid is None or self.graph is None:
            return
        if isinstance(vid, str):
            self.post_message(self.Selected(self, None, self._folds.get(vid)))
        else:
            self.post_message(self.Selected(self, self.graph.nodes.get(vid), None))


def drawing_key(
    graph: GraphModel, room: tuple[int, int], folding: Folding, way: tuple[str, bool, str]
) -> tuple[object, ...]:
    """What a static drawing is drawn from: the graph (its structure, its nodes' shapes, as a
    run learns a fed one, and the graph as run it lines up with), the room, the folding and
    the way (orientation, whether the pane may turn, box size)."""
    shapes = tuple(n.shape for n in graph.nodes.values())
    return (graph, graph.struct_version, shapes, graph.derived, *room, folding, *way)


def _drawing_job(
    key: tuple[object, ...],
    graph: GraphModel,
    room: tuple[int, int],
    folding: Folding,
    way: tuple[str, bool, str],
) -> Callable[[], Drawing | None]:
    """A drawing to work out ahead; None if the graph changed meanwhile (the run folds events
    into it as the job runs: a drawing of what it was then is not kept)."""

    def job() -> Drawing | None:
        drawing = elsewhere(pane.static_drawing, graph, room, folding, *way)
        return drawing if drawing_key(graph, room, folding, way) == key else None

    return job


Shown = tuple["GraphModel", Folding, tuple[str, bool, str]]
"""What a static pane shows: the graph, its folding and its way (orientation, whether the
pane may turn, box size)."""


def key_steps(state: Shown, shown: str) -> list[Shown]:
    """What the static pane would show after f, o, g and z (in the help's order), from
    ``state`` drawn in orientation ``shown``: everything unfolded or folded back; turned to
    the other orientation (the user's pick from then on); the graph as run or as built (none
    while there is no graph as run); the next box size."""
    graph, folding, (orientation, auto, box) = state
    turned = "TB" if shown == "LR" else "LR"
    steps: list[Shown] = [
        (graph, all_toggled(folding), (orientation, auto, box)),
        (graph, folding, (turned, False, box)),
    ]
    other = graph.derived if graph.base is None else graph.base
    if other is not None:
        steps.append((other, folding, (orientation, auto, box)))
    following = BOX_SIZES[(BOX_SIZES.index(box) + 1) % len(BOX_SIZES)]
    steps.append((graph, folding, (orientation, auto, following)))
    return steps


def all_toggled(folding: Folding) -> Folding:
    """What f makes of a pane's folding: everything unfolded, or (when it is) every scope
    folded again."""
    return Folding() if folding.unfold_all else Folding(unfold_all=True)


def room_known(view: GraphView) -> bool:
    """The pane has been given its size (a map fitted before that would fit nothing)."""
    return bool(view.size.area)


def cells_of(text: str) -> list[str]:
    """``text`` one terminal cell an item: a wide character (Korean) and then "" for the
    second cell it covers, so a row's list stays as long as the row is wide."""
    if text.isascii():
        return list(text)
    cells: list[str] = []
    for ch in text:
        cells.append(ch)
        if cell_len(ch) == 2:
            cells.append("")
    return cells

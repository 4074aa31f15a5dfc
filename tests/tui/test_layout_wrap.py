"""Wrapping: a drawing too deep for its pane goes on in the next column (or row), whole."""

from __future__ import annotations

import pytest

from tests.tui.test_layout import assert_clean
from tui.drawing.canvas import EdgeGrid
from tui.drawing.fit import fits, wrap_into
from tui.drawing.plan import layout_full
from tui.drawing.quality import measure
from tui.drawing.wrap import _transposed, squeeze, wrap

CHAIN12 = [(f"n{i}", [f"n{i - 1}"] if i else []) for i in range(12)]
"""A chain of twelve one-input ops."""
SIDED = [(f"w{i}", []) for i in range(1, 12, 3)] + [
    (f"n{i}", ([f"n{i - 1}"] if i else []) + ([f"w{i}"] if i % 3 == 1 else [])) for i in range(12)
]
"""The chain with a weight beside every third op."""


def _touches(box, x: int, y: int) -> bool:
    """The cell is right beside the box (above, below, left or right of it)."""
    inside_x, inside_y = box.x <= x < box.x2, box.y <= y < box.y2
    return (inside_x and y in (box.y - 1, box.y2)) or (inside_y and x in (box.x - 1, box.x2))


def _check_whole(layout, nodes) -> None:
    """Every box drawn, every edge drawn from its source's side to its target's, apart."""
    assert set(layout.boxes) == {n for n, _ in nodes}
    want = {(i, n) for n, ins in nodes for i in ins}
    assert {(e.src, e.dst) for e in layout.edges} == want
    for e in layout.edges:
        assert _touches(layout.boxes[e.src], *e.points[0]), (e.src, e.dst, e.points)
        assert _touches(layout.boxes[e.dst], *e.points[-1]), (e.src, e.dst, e.points)
    assert_clean(layout)
    q = measure(layout, nodes)
    assert q.shared == 0 and q.crossings == 0, q


@pytest.mark.parametrize("nodes", [CHAIN12, SIDED], ids=["chain", "weights"])
def test_a_chain_too_deep_for_a_short_pane_wraps_into_columns(nodes) -> None:
    layout = layout_full(nodes, "TB", 1, 8, -1)
    assert layout.height > 14 and layout.width < 40
    wrapped = wrap_into(layout, (78, 12))
    assert wrapped is not None and fits(wrapped, 78, 12)
    _check_whole(wrapped, nodes)
    lefts = sorted({b.x for n, b in wrapped.boxes.items() if n.startswith("n")})
    assert len(lefts) >= 2, "the chain goes on in another column"
    first, last = wrapped.boxes["n0"], wrapped.boxes["n11"]
    assert last.x > first.x and last.y < wrapped.height


def test_the_chain_goes_on_over_the_top_of_the_next_column() -> None:
    wrapped = wrap(layout_full(CHAIN12, "TB", 1, 8, -1), 80, 14)
    assert wrapped is not None
    columns: dict[int, list[str]] = {}
    for n, b in wrapped.boxes.items():
        columns.setdefault(b.x, []).append(n)
    order = [sorted(ns, key=lambda n: wrapped.boxes[n].y) for _, ns in sorted(columns.items())]
    assert [n for col in order for n in col] == [n for n, _ in CHAIN12], "read column by column"
    for col, nxt in zip(order, order[1:], strict=False):
        (edge,) = [e for e in wrapped.edges if (e.src, e.dst) == (col[-1], nxt[0])]
        top = wrapped.boxes[nxt[0]]
        xs = [x for x, _ in edge.points]
        ys = [y for _, y in edge.points]
        assert max(ys) >= wrapped.boxes[col[-1]].y2, "down from the column's last box"
        over = [x for x, y in edge.points if y == min(ys)]
        assert min(ys) <= top.y - 1 and min(over) < top.x, "over the top of the next column"
        assert max(xs) < top.x2 and min(xs) >= wrapped.boxes[col[-1]].x
        assert edge.points[-1] == (edge.points[-1][0], top.y - 1), "into its box from above"
    grid = EdgeGrid(wrapped)
    assert "▼" in grid.row(wrapped.boxes[order[1][0]].y - 1)[0]


def test_a_left_to_right_chain_wraps_into_rows() -> None:
    layout = layout_full(CHAIN12, "LR", 1, 8, -1)
    assert layout.width > 60
    wrapped = wrap_into(layout, (60, 20))
    assert wrapped is not None and fits(wrapped, 60, 20)
    _check_whole(wrapped, CHAIN12)
    assert len({b.y for b in wrapped.boxes.values()}) >= 2


def test_no_wrap_where_even_columns_do_not_fit() -> None:
    layout = layout_full(CHAIN12, "TB", 1, 8, -1)
    assert wrap_into(layout, (12, 6)) is None


def test_a_drawing_no_columns_can_hold_is_given_up_before_any_cut(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Its widest layer fits, but however its rows are cut into columns short enough, the
    columns side by side are wider than the pane: wrap tries no cut, and trying them all
    finds none either."""
    import tui.drawing.wrap as wrapping

    layout = layout_full(_random_dag(2), "TB", 3, 12, None)
    assert (layout.width, layout.height) == (80, 51)
    tried = []
    cut = wrapping.wrap_at
    monkeypatch.setattr(wrapping, "wrap_at", lambda *a: tried.append(a) or cut(*a))
    assert wrapping._widest_layer(layout, False) <= 100
    assert wrap(layout, 100, 26) is None and not tried
    monkeypatch.setattr(wrapping, "_narrowest", lambda *a: 0)
    assert wrap(layout, 100, 26) is None and tried


def test_rows_only_edges_pass_through_go() -> None:
    layout = layout_full(CHAIN12, "TB", 1, 8, None)  # a stub row under every box
    bare = squeeze(layout)
    assert bare.height < layout.height
    _check_whole(bare, CHAIN12)
    for n, b in layout.boxes.items():
        assert (bare.boxes[n].x, bare.boxes[n].w, bare.boxes[n].h) == (b.x, b.w, b.h)
    assert squeeze(bare).height == bare.height


def test_boxes_side_by_side_keep_a_column_between_them() -> None:
    """Squeezed across the layers, the columns between two boxes of a layer that edges only
    pass straight through go, but one: ``[a][b]`` would read as one box."""
    fan = [("s", []), ("a", ["s"]), ("b", ["s"]), ("c", ["s"])]
    layout = layout_full(fan, "TB", 1, 8, -1)
    for apart in (False, True):
        bare = _transposed(squeeze(_transposed(layout), False, apart))
        assert bare.width < layout.width
        _check_whole(bare, fan)
        gaps = {bare.boxes[r].x - bare.boxes[q].x2 for q, r in (("a", "b"), ("b", "c"))}
        assert gaps == ({1} if apart else {0}), (apart, gaps)


SKIP = [*CHAIN12[:11], ("n11", ["n10", "n0"])]
"""The chain with an edge from its first op to its last."""


@pytest.mark.parametrize("orientation", ["TB", "LR"])
def test_an_edge_past_the_next_columns_first_box_goes_round_too(orientation) -> None:
    layout = layout_full(SKIP, orientation, 1, 8, -1)
    room = (78, 12) if orientation == "TB" else (60, 20)
    wrapped = wrap_into(layout, room)
    assert wrapped is not None and fits(wrapped, *room)
    _check_whole(wrapped, SKIP)
    (skip,) = [e for e in wrapped.edges if (e.src, e.dst) == ("n0", "n11")]
    last = wrapped.boxes["n11"]
    along = 0 if orientation == "TB" else 1  # the axis the chain runs along
    assert wrapped.boxes["n0"].x != last.x if along == 0 else wrapped.boxes["n0"].y != last.y
    assert _touches(last, *skip.points[-1])


LONG = [("n0", []), ("w", []), ("n1", ["n0", "w"])]
LONG += [(f"n{i}", [f"n{i - 1}"]) for i in range(2, 8)]
LONG += [("n8", ["n7", "w"]), ("n9", ["n8"])]
"""A chain whose weight beside its first op is read again near its end: a long edge down the
right of the chain."""


def test_a_long_edge_goes_over_to_the_next_column_at_once() -> None:
    """An edge from a box high in a column, down the right of everything to the cut, turns
    to the gutter on the first row it can: it takes no row under the column, so the column
    holds one box more."""
    layout = layout_full(LONG, "TB", 1, 6, -1)
    (long,) = [e for e in layout.edges if (e.src, e.dst) == ("w", "n8")]
    assert max(y for _, y in long.points) > layout.boxes["n6"].y, "it runs down the chain"
    wrapped = wrap(layout, 60, 14)
    assert wrapped is not None
    _check_whole(wrapped, LONG)
    (long,) = [e for e in wrapped.edges if (e.src, e.dst) == ("w", "n8")]
    nxt = min(b.x for b in wrapped.boxes.values() if b.x > wrapped.boxes["n0"].x2 + 2)
    first = [y for x, y in long.points if x < nxt]
    assert max(first) == wrapped.boxes["w"].y2, "it leaves right under its box"
    column = [n for n, b in wrapped.boxes.items() if b.x < nxt]
    assert "n5" in column and "n6" not in column, column


def test_an_eager_loop_too_deep_for_its_pane_is_drawn_wrapped_from_its_second_iteration() -> None:
    """A loop of twelve ops: the map its first iteration leaves is wrapped into rows, and the
    second iteration is drawn on it, whole."""
    import engine.eager as torch
    from engine.eager import tracing
    from engine.events import recording
    from tui.cli.layout import pane_drawings
    from tui.drawing.fold import Folding

    tracing.reset(restart=True)
    with recording() as events:
        for _ in range(2):
            x = torch.randn(4, 3)
            for _ in range(11):
                x = x.abs()  # a label as short as "mul" (x * 2 is drawn "mul(·, 2)")
            torch.new_iteration()
    room = (60, 10)
    graph, drawing = pane_drawings(events, {"eager": room}, Folding())["eager"]
    layout = drawing.layout
    assert fits(layout, *room) and len(layout.boxes) == 12
    assert layout.orientation == "LR" and len({b.y for b in layout.boxes.values()}) == 2
    nodes = [(vid, list(ins)) for vid, ins in drawing.view.nodes]
    _check_whole(layout, nodes)


def test_a_layer_wider_than_the_pane_is_not_cut_at_all(monkeypatch: pytest.MonkeyPatch) -> None:
    """A layer of boxes goes whole into one column: where one is wider than the pane, no wrap
    can fit, and none is tried (each try of a cut costs; a pane tries every box size)."""
    import tui.drawing.wrap as wrapping

    fan = [("x", [])] + [(f"op{i}", ["x"]) for i in range(6)]  # six boxes in one layer
    layout = layout_full(fan, "TB")

    def no_cut(*args: object) -> None:
        raise AssertionError("a cut was tried")

    monkeypatch.setattr(wrapping, "wrap_at", no_cut)
    assert wrap(layout, layout.width - 10, 5) is None


def _random_dag(seed: int) -> list[tuple[str, list[str]]]:
    import random

    rng = random.Random(seed)
    nodes: list[tuple[str, list[str]]] = []
    for i in range(rng.randint(8, 22)):
        k = rng.choice([0, 1, 1, 1, 2, 2, 3]) if i else 0
        nodes.append((f"v{i}", sorted({f"v{rng.randrange(i)}" for _ in range(k)}) if i else []))
    return nodes


def _wrapped_random(seed: int) -> int:
    """How many drawings of a random graph wrap into a room of two thirds of their length
    (and twice their breadth); each one checked whole and sharing no more cells."""
    nodes = _random_dag(seed)
    count = 0
    for orientation in ("TB", "LR"):
        layout = layout_full(nodes, orientation, 1, 8, -1)
        w, h = layout.width, layout.height
        room = (2 * w + 10, 2 * h // 3) if orientation == "TB" else (2 * w // 3, 2 * h + 10)
        wrapped = wrap_into(layout, room)
        if wrapped is None:
            continue
        count += 1
        assert fits(wrapped, *room)
        assert set(wrapped.boxes) == set(layout.boxes)
        assert sorted((e.src, e.dst) for e in wrapped.edges) == sorted(
            (e.src, e.dst) for e in layout.edges
        )
        for e in wrapped.edges:
            assert _touches(wrapped.boxes[e.src], *e.points[0]), (e.src, e.dst)
            assert _touches(wrapped.boxes[e.dst], *e.points[-1]), (e.src, e.dst)
        assert_clean(wrapped)
        assert measure(wrapped, nodes).shared <= measure(layout, nodes).shared
    return count


def test_wrapped_random_graphs_are_whole_and_share_no_more_cells() -> None:
    wrapped = [_wrapped_random(seed) for seed in range(12)]
    assert sum(wrapped) >= 12, wrapped


def test_a_pane_wraps_from_its_densest_drawing_up(monkeypatch: pytest.MonkeyPatch) -> None:
    """Where even the densest way's wrap does not fit, one wrap per orientation is tried, not
    one per box size; where several fit, the largest boxes win, as the ways are ordered."""
    import tui.drawing.fit as fit
    from tui.drawing.fit import candidates

    tries = candidates("static", "TB", True, "auto")
    ks = list(range(len(tries)))
    tried: list[int] = []
    drawings = {k: layout_full(CHAIN12, tries[k][0]) for k in ks}

    def refuse(layout, room):  # type: ignore[no-untyped-def]
        tried.append(next(k for k in ks if drawings[k] is layout))
        return None

    monkeypatch.setattr(fit, "wrap_into", refuse)
    assert fit.largest_wrap(ks, drawings.__getitem__, tries, (40, 10)) is None
    assert len(tried) == 2 and {tries[k][0] for k in tried} == {"TB", "LR"}

    def fits_from_mini(layout, room):  # type: ignore[no-untyped-def]
        k = next(k for k in ks if drawings[k] is layout)
        tried.append(k)
        return layout if tries[k][1] in ("mini", "tiny") else None

    tried.clear()
    monkeypatch.setattr(fit, "wrap_into", fits_from_mini)
    found = fit.largest_wrap(ks, drawings.__getitem__, tries, (40, 10))
    assert found is not None and tries[found[0]] == ("TB", "mini", None)


def test_an_edge_may_start_on_a_row_another_edge_crosses() -> None:
    """Squeezing moves an edge's start, right under its box, down onto the row where another
    edge runs across: drawn joined to its box, that cell is a clean ┼ (an arrowhead is still
    never moved onto such a row: it would hide the crossing)."""
    from tui.drawing.layout import Box, Edge, Layout

    layout = Layout("TB", width=10, height=7)
    layout.boxes = {"a": Box(2, 1, 3, 1), "b": Box(2, 5, 3, 1)}
    layout.boxes |= {"c": Box(0, 3, 1, 1), "d": Box(8, 3, 1, 1)}
    layout.edges = [Edge("a", "b", ((3, 2), (3, 4))), Edge("c", "d", ((1, 3), (7, 3)))]
    nodes = [("a", []), ("b", ["a"]), ("c", []), ("d", ["c"])]
    squeezed = squeeze(layout)
    assert squeezed.boxes["b"].y == 4  # row 2 went: a's edge starts on the crossed row
    assert squeezed.edges[0].points[0] == (3, 2) and squeezed.boxes["a"].y2 == 2
    assert EdgeGrid(squeezed).row(2)[0][3] == "┼"
    quality = measure(squeezed, nodes)
    assert (quality.crossings, quality.shared) == (1, 0)


@pytest.mark.parametrize("scene", ["tf-variables", "tf-group"])
def test_a_collector_beside_the_cut_feeds_the_next_column_out_of_its_side(scene: str) -> None:
    """At 120x36 the static graph is wrapped after ``gradients/``'s tall box, at the right of
    the first column: its edges to the updates in the next column leave the box's side and
    run straight over, not down out of its bottom, under the column and up a gutter of their
    own; every edge still apart."""
    from tests.tui.test_layout_fit import _cli_layout
    from tui.drawing.layout import Box, Edge, Layout

    (g,) = _cli_layout(scene, "120x36")["graphs"]
    w, h = g["room"]
    assert g["width"] <= w and g["height"] <= h
    layout = Layout(g["orientation"])
    layout.boxes = {n["id"]: Box(n["x"], n["y"], n["w"], n["h"]) for n in g["nodes"]}
    layout.edges = [Edge(e["src"], e["dst"], tuple(map(tuple, e["points"]))) for e in g["edges"]]
    layout.width, layout.height = g["width"], g["height"]
    grads = layout.boxes["scope:gradients"]
    out = [e for e in layout.edges if e.src == "scope:gradients"]
    assert {e.dst for e in out} == {"mul", "mul_1"}
    for e in out:
        x, y = e.points[0]
        assert x == grads.x2 and grads.y <= y < grads.y2, e.points
        assert all(py < grads.y2 for _, py in e.points), "never under the box"
        assert layout.boxes[e.dst].x > grads.x2, "into the next column"
    assert_clean(layout)
    assert measure(layout, ()).shared == 0


def test_a_wrap_given_up_before_its_cut_is_tried_is_none_tried_or_not(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """wrap gives up before trying a cut where whatever it cuts would go past the pane
    (:func:`tui.drawing.wrap._least_width`, and before any cut where no cutting of its rows
    into columns fits, :func:`tui.drawing.wrap._narrowest`): every drawing of random graphs
    and of graphs with a collector, wrapped into rooms of every width round where it starts
    to fit, is the same as with every cut tried."""
    import tui.drawing.wrap as wrapping
    from tests.tui.test_layout_layered import GRADS, TRAINED

    graphs = [_random_dag(seed) for seed in range(8)] + [GRADS, TRAINED, SIDED]
    found: dict[str, object] = {}

    def counted(fn, way):  # type: ignore[no-untyped-def]
        def each(*args):  # type: ignore[no-untyped-def]
            cuts[way] += 1
            return fn(*args)

        return each

    real, cut, fewest = wrapping._least_width, wrapping.wrap_at, wrapping._narrowest
    cuts = {"quick": 0, "tried": 0}
    for nodes in graphs:
        for orientation in ("TB", "LR"):
            for box_h, box_w, lanes in ((1, 8, -1), (3, 12, None), (4, 16, None)):
                layout = layout_full(nodes, orientation, box_h, box_w, lanes)  # type: ignore[arg-type]
                w, h = layout.width, layout.height
                long = h if orientation == "TB" else w
                for across in range(4, 3 * (w if orientation == "TB" else h), 3):
                    room = (
                        (across, long * 2 // 3) if orientation == "TB" else (long * 2 // 3, across)
                    )
                    for way, least, narrowest in (
                        ("quick", real, fewest),
                        ("tried", lambda *a: 0, lambda *a: 0),
                    ):
                        monkeypatch.setattr(wrapping, "_least_width", least)
                        monkeypatch.setattr(wrapping, "_narrowest", narrowest)
                        monkeypatch.setattr(wrapping, "wrap_at", counted(cut, way))
                        found[way] = wrap(layout, *room)
                    assert found["quick"] == found["tried"], (nodes, orientation, box_h, room)
    assert cuts["quick"] < cuts["tried"]  # (cuts were given up)

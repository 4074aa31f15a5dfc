"""Layout: no overlapping boxes, edges never cross boxes, eager placement is append-only."""

from __future__ import annotations

import itertools

import pytest

from tests.tui.synthetic import STATIC
from tui.drawing.canvas import EdgeGrid
from tui.drawing.plan import layout_full, place_full


def static_nodes() -> list[tuple[int, list[int]]]:
    ids = {name: i for i, (name, *_) in enumerate(STATIC)}
    return [(i, [ids[n] for n in ins]) for i, (_, _, ins, *_) in enumerate(STATIC)]


def assert_clean(layout) -> None:
    boxes = list(layout.boxes.values())
    for a, b in itertools.combinations(boxes, 2):
        assert not a.overlaps(b), f"boxes overlap: {a} {b}"
    for box in boxes:
        assert box.x >= 0 and box.y >= 0
        assert box.x2 <= layout.width and box.y2 <= layout.height
    for edge in layout.edges:
        for (x1, y1), (x2, y2) in zip(edge.points, edge.points[1:], strict=False):
            assert x1 == x2 or y1 == y2, f"edge {edge} is not orthogonal"
            cells = {
                (x, y)
                for x in range(min(x1, x2), max(x1, x2) + 1)
                for y in range(min(y1, y2), max(y1, y2) + 1)
            }
            for box in boxes:
                inside = {(x, y) for x, y in cells if box.x <= x < box.x2 and box.y <= y < box.y2}
                assert not inside, f"edge {edge.src}->{edge.dst} crosses a box at {inside}"


@pytest.mark.parametrize("orientation", ["LR", "TB"])
@pytest.mark.parametrize(
    ("box_h", "box_w", "lanes"), [(4, 20, None), (3, 18, None), (1, 15, None), (1, 15, 1)]
)
def test_full_layout_has_no_overlaps(orientation, box_h, box_w, lanes) -> None:
    layout = layout_full(static_nodes(), orientation, box_h, box_w, lanes)
    assert len(layout.boxes) == len(STATIC)
    assert_clean(layout)


@pytest.mark.parametrize("orientation", ["LR", "TB"])
def test_one_row_boxes_are_entered_and_left_on_their_row_or_columns(orientation) -> None:
    nodes = static_nodes()
    layout = layout_full(nodes, orientation, 1, 15)
    for edge in layout.edges:
        src, dst = layout.boxes[edge.src], layout.boxes[edge.dst]
        (x0, y0), (xa, ya) = edge.points[0], edge.points[-1]
        if orientation == "TB":
            assert y0 == src.y2 and src.x < x0 < src.x2 - 1, "leaves from under its box"
            assert ya == dst.y - 1 and dst.x < xa < dst.x2 - 1, "arrow right above its box"
        else:
            assert x0 == src.x2 and y0 == src.y, "leaves from its box's row"
            assert xa == dst.x - 1 and ya == dst.y, "arrow right before its box"
    grid = EdgeGrid(layout)
    for edge in layout.edges:  # the first cell reaches back into the box: no gap
        x0, y0 = edge.points[0]
        reach_back = "│┤├┼┘└┴" if orientation == "TB" else "─┤┴┬┼┘┐"
        assert grid.row(y0)[0][x0] in reach_back


def test_more_lanes_make_a_taller_drawing() -> None:
    dense = layout_full(static_nodes(), "TB", 1, 15)
    roomy = layout_full(static_nodes(), "TB", 1, 15, lanes=3)
    full = layout_full(static_nodes(), "TB")
    assert dense.height < roomy.height and dense.height < full.height


def test_every_edge_goes_forward_and_ends_in_an_arrow() -> None:
    nodes = static_nodes()
    layout = layout_full(nodes, "LR")
    expected = sum(len(set(ins)) for _, ins in nodes)
    assert len(layout.edges) == expected
    for edge in layout.edges:
        head = edge.points[-1]
        dst = layout.boxes[edge.dst]
        assert head[0] == dst.x - 1 and dst.y < head[1] < dst.y2 - 1
    grid = EdgeGrid(layout)
    arrows = sum(row.count("▶") for row in (grid.row(y)[0] for y in range(layout.height)))
    assert arrows >= len({(e.dst, e.points[-1]) for e in layout.edges})


def test_layers_follow_dependencies() -> None:
    plan = place_full(static_nodes())
    for nid, ins in static_nodes():
        for i in ins:
            assert plan.layer_of(i) < plan.layer_of(nid)


def test_unknown_inputs_and_cycles_do_not_break_layout() -> None:
    layout = layout_full([(1, [99]), (2, [1, 3]), (3, [2])], "LR")
    assert set(layout.boxes) == {1, 2, 3}
    assert_clean(layout)


def test_edge_grid_merges_junctions() -> None:
    layout = layout_full([(0, []), (1, [0]), (2, [0])], "LR")
    grid = EdgeGrid(layout)
    text = "".join("".join(grid.row(y)[0]) for y in range(layout.height))
    assert "┬" in text or "├" in text or "┼" in text or "┐" in text


def test_an_arrow_beside_its_box_points_at_the_box() -> None:
    from tui.drawing.layout import Box, Edge, Layout

    layout = Layout("TB", width=12, height=6)
    layout.boxes = {"w": Box(4, 1, 5, 1), "sub": Box(0, 4, 5, 1)}
    # drawn up and along under its target, as an update written back into a variable is
    layout.edges = [Edge("sub", "w", ((1, 3), (1, 2), (6, 2)))]
    chars, keys = EdgeGrid(layout).row(2)
    assert chars[6] == "▲" and chars[1] == "┌", "".join(chars)
    assert set(keys[1:7]) == {"edge"}
    # from an op the run does not need: dim, though its target is needed
    assert set(EdgeGrid(layout, {"sub"}).row(2)[1][1:7]) == {"edge-dim"}


def test_fit_tries_sizes_largest_first_and_settles_on_the_most_shown() -> None:
    from tui.drawing.fit import FIT_ORDER, candidates, draw, fits, most_shown

    static = candidates("static", "TB", True, "auto")
    assert static[:3] == [("TB", "full", None), ("LR", "full", None), ("TB", "compact", None)]
    eager = candidates("eager", "TB", True, "auto")
    sizes = len(FIT_ORDER)
    assert [o for o, _, _ in eager] == ["TB"] * sizes + ["LR"] * sizes  # turns at most once
    assert candidates("eager", "LR", False, "mini") == [("LR", "mini", None)]
    nodes = static_nodes()
    placed = place_full(nodes)
    drawn = [(k, draw(placed, nodes, way)) for k, way in enumerate(static)]
    full = drawn[0][1]
    assert fits(full, full.width, full.height) and not fits(full, full.width - 1, full.height)
    k, layout = most_shown(drawn, static, 30, 10, "TB")

    def seen(lay) -> float:  # type: ignore[no-untyped-def]
        return round(min(1.0, 30 / lay.width) * min(1.0, 10 / lay.height), 3)

    last = FIT_ORDER.index(("mini", 0))  # past it: last resorts for a whole picture
    layered = [lay for j, lay in drawn if FIT_ORDER.index(static[j][1:]) <= last]
    assert static[k][1] == "mini" and seen(layout) == max(seen(lay) for lay in layered)
    assert FIT_ORDER.index(static[k][1:]) <= last, "tiny boxes or a dense grid never scroll"
    dense = [(j, lay) for j, lay in drawn if static[j][1:] == FIT_ORDER[-1]]
    assert most_shown(dense, static, 30, 10, "TB")[0] in dict(dense)  # unless it is all there is


def test_a_box_row_with_wide_characters_is_as_wide_as_its_box() -> None:
    """Korean text takes two cells a character: a box's rows still end at its border."""
    from rich.cells import cell_len

    from tui.drawing.boxes import BoxText, box_row

    box = BoxText("▸ gradients/", "연산 7개", "10.35ms", "∇ 322µs")
    for dy in range(4):
        runs = box_row(box, dy, 16, 4)
        assert sum(cell_len(text) for text, _ in runs) == 16, runs
    cut = box_row(BoxText("그래디언트 그래프", "", ""), 0, 12, 3)
    assert sum(cell_len(text) for text, _ in cut) == 12 and "…" in cut[1][0]
    mini = box_row(BoxText("손실", "()", "", grad="∇"), 0, 10, 1)
    assert sum(cell_len(text) for text, _ in mini) == 10


def test_an_edge_crossed_where_it_leaves_its_box_is_a_clean_crossing() -> None:
    """The cell just under a box, where an edge leaves it, is drawn joined to the box (a ┼
    where another edge runs across it): quality.measure counts a crossing there, as the
    screen shows, not a shared run."""
    from tui.drawing.layout import Box, Edge, Layout
    from tui.drawing.quality import measure

    layout = Layout("TB", width=12, height=8)
    layout.boxes = {"a": Box(4, 1, 3, 1), "b": Box(4, 6, 3, 1), "c": Box(0, 3, 2, 1)}
    layout.boxes["d"] = Box(9, 3, 2, 1)
    layout.edges = [Edge("a", "b", ((5, 2), (5, 5))), Edge("c", "d", ((2, 2), (8, 2)))]
    assert EdgeGrid(layout).row(2)[0][5] == "┼"
    quality = measure(layout, [("a", []), ("b", ["a"]), ("c", []), ("d", ["c"])])
    assert (quality.crossings, quality.shared) == (1, 0)

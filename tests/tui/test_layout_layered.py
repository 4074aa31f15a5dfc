"""The layered layout on small graphs whose best drawing is known: no crossings, no shared
runs, chains straight, side inputs beside their consumer, long edges in their own column."""

from __future__ import annotations

import pytest

from tests.tui.test_layout import assert_clean
from tui.drawing.derived import DerivedPlan
from tui.drawing.layers import rank
from tui.drawing.order import crossings, order
from tui.drawing.plan import layout_full, place_full
from tui.drawing.quality import measure, turns

WAYS = [("TB", 4, 20), ("TB", 3, 18), ("TB", 1, 15), ("LR", 4, 20), ("LR", 1, 15)]

CHAIN = [  # x -> MatMul(w1) -> relu -> MatMul(w2) -> sub(y) -> pow -> sum
    ("x", []),
    ("w1", []),
    ("mm", ["x", "w1"]),
    ("relu", ["mm"]),
    ("w2", []),
    ("mm2", ["relu", "w2"]),
    ("y", []),
    ("sub", ["mm2", "y"]),
    ("pow", ["sub"]),
    ("sum", ["pow"]),
]
DIAMOND = [("a", []), ("b", ["a"]), ("c", ["a"]), ("d", ["b", "c"])]
FAN_OUT = [("s", []), *((f"c{i}", ["s"]) for i in range(5))]
LONG = [("a", []), ("b", ["a"]), ("c", ["b"]), ("d", ["c"]), ("e", ["d", "a"])]


def drawn(nodes, way):  # type: ignore[no-untyped-def]
    layout = layout_full(nodes, *way)
    assert_clean(layout)
    return layout, measure(layout, nodes)


@pytest.mark.parametrize("way", WAYS)
def test_a_chain_with_side_inputs_is_straight_and_each_side_input_sits_beside_its_op(
    way,
) -> None:
    layout, q = drawn(CHAIN, way)
    assert (q.crossings, q.shared) == (0, 0)
    assert q.chains == 5 and q.straight == q.chains
    plan = place_full(CHAIN)
    for side, op in (("w1", "mm"), ("w2", "mm2"), ("y", "sub")):
        assert plan.layer_of(side) == plan.layer_of(op) - 1, f"{side} just above {op}"
    boxes = layout.boxes
    across = (lambda b: b.x) if way[0] == "TB" else (lambda b: b.y)
    for a, b in (("relu", "mm2"), ("mm2", "sub"), ("sub", "pow"), ("pow", "sum")):
        assert across(boxes[a]) == across(boxes[b]), f"{a} and {b} in one column"
    for side, partner in (("w2", "relu"), ("y", "mm2")):  # beside the chain's box above
        gap = abs(across(boxes[side]) - across(boxes[partner]))
        size = boxes[side].w if way[0] == "TB" else boxes[side].h
        assert gap <= size + 3, f"{side} is {gap} cells from {partner}"


@pytest.mark.parametrize("way", WAYS)
def test_a_diamond_has_no_crossing_and_its_ends_line_up(way) -> None:
    layout, q = drawn(DIAMOND, way)
    assert (q.crossings, q.shared) == (0, 0)
    across = (lambda b: b.x) if way[0] == "TB" else (lambda b: b.y)
    assert across(layout.boxes["a"]) == across(layout.boxes["d"])


@pytest.mark.parametrize("way", WAYS)
def test_a_fan_out_shares_one_trunk_and_one_edge_runs_straight(way) -> None:
    layout, q = drawn(FAN_OUT, way)
    assert (q.crossings, q.shared) == (0, 0)
    assert sum(turns(e) == 0 for e in layout.edges) >= 1
    starts = {e.points[0] for e in layout.edges}
    assert len(starts) == 1, "every edge leaves the source at one point"
    if way[0] == "TB":  # the source is centred over its consumers
        xs = sorted(layout.boxes[f"c{i}"].x for i in range(5))
        assert layout.boxes["s"].x == xs[2]


@pytest.mark.parametrize("way", WAYS)
def test_a_long_edge_gets_its_own_column_past_three_layers(way) -> None:
    layout, q = drawn(LONG, way)
    assert (q.crossings, q.shared) == (0, 0)
    assert q.straight == q.chains == 3
    long = next(e for e in layout.edges if (e.src, e.dst) == ("a", "e"))
    assert turns(long) <= 4, long.points  # out to its column, down it, back in
    plan = place_full(LONG)
    dummies = [v for v in plan.ordered.vertex if not isinstance(v, str)]
    assert len(dummies) == 3, "one dummy in each layer the edge passes"


def test_ordering_removes_the_crossings_of_creation_order() -> None:
    nodes = [("a", []), ("b", []), ("c", ["b"]), ("d", ["a"]), ("e", ["c", "d"])]
    ranking = rank(nodes)
    assert crossings(order(ranking)) == 0


def test_a_cycle_is_drawn_with_its_closing_edge_turned() -> None:
    layout = layout_full([("a", ["c"]), ("b", ["a"]), ("c", ["b"])], "TB", 4, 20)
    assert_clean(layout)
    assert {(e.src, e.dst) for e in layout.edges} == {("c", "a"), ("a", "b"), ("b", "c")}
    back = next(e for e in layout.edges if (e.src, e.dst) == ("c", "a"))
    assert back.points[-1][1] == layout.boxes["a"].y2, "its arrow points up into a"


def test_a_derived_graph_keeps_the_boxes_it_shares() -> None:
    base = place_full(CHAIN)
    fused = [(n, ins) for n, ins in CHAIN if n not in ("mm", "relu")]
    fused.insert(2, ("mm_relu", ["x", "w1"]))
    fused = [(n, ["mm_relu", "w2"]) if n == "mm2" else (n, ins) for n, ins in fused]
    for way in WAYS:
        before = base.draw(*way)
        after = DerivedPlan(fused, base).draw(*way)
        assert_clean(after)
        assert after.boxes["x"] == before.boxes["x"] and after.boxes["w1"] == before.boxes["w1"]
        across = (lambda b: b.x) if way[0] == "TB" else (lambda b: b.y)
        for n in ("w2", "mm2", "y", "sub", "pow", "sum"):  # layers: as deep as before, or more
            assert across(after.boxes[n]) == across(before.boxes[n]), n
        assert measure(after, fused).shared == 0

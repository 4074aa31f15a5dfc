"""The layered layout on small graphs whose best drawing is known: no crossings, no shared
runs, chains straight, side inputs beside their consumer, long edges in their own column."""

from __future__ import annotations

import pytest

from tests.tui.test_layout import assert_clean
from tui.drawing.canvas import EdgeGrid
from tui.drawing.derived import DerivedPlan
from tui.drawing.layers import rank
from tui.drawing.order import crossings, order
from tui.drawing.plan import Plan, layout_full, place_full
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


UPDATE = [  # w1's update (sub) written back into it: an edge turned back up into w1
    ("w1", ["sub"]),
    ("x", []),
    ("mm", ["x", "w1"]),
    ("relu", ["mm"]),
    ("loss", ["relu"]),
    ("g", ["loss", "w1"]),
    ("mul", ["g"]),
    ("sub", ["w1", "mul"]),
]


@pytest.mark.parametrize(
    "way",
    [
        *WAYS,
        ("LR", 3, 18),
        ("TB", 1, 15, -1),
        ("LR", 1, 15, -1),
        ("LR", 1, 15, 0),
        ("TB", 1, 5, -1),
    ],
)
def test_an_update_turned_back_into_its_variable_has_its_own_port(way) -> None:
    """The edge sub -> w1, drawn from w1 down to sub, ends at a place of its own on w1 (top to
    bottom: another column of its bottom side; left to right, where a one-row box has one
    row: the row above or below it) and leaves sub where no input of sub enters: it shares no
    cell with w1's own edges or with mul's edge into sub, and crosses nothing."""
    layout, q = drawn(UPDATE, way)
    assert (q.crossings, q.shared) == (0, 0), q
    back = next(e for e in layout.edges if (e.src, e.dst) == ("sub", "w1"))
    cells = set(_cells(back))
    for e in layout.edges:
        if e is not back:
            assert not cells & set(_cells(e)), (e.src, e.dst)
    head, w1 = back.points[-1], layout.boxes["w1"]
    assert _touches(w1, head), "its arrow is beside w1"
    grid = EdgeGrid(layout)
    arrow = grid.row(head[1])[0][head[0]]
    inside = "▲" if way[0] == "TB" else ("▼" if head[1] < w1.y else "▲")
    assert arrow == inside, arrow


def _cells(edge):  # type: ignore[no-untyped-def]
    for (x1, y1), (x2, y2) in zip(edge.points, edge.points[1:], strict=False):
        for x in range(min(x1, x2), max(x1, x2) + 1):
            for y in range(min(y1, y2), max(y1, y2) + 1):
                yield x, y
    yield edge.points[-1]


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


# ------------------------------------------------------------------ collectors

GRADS = [  # a forward chain and a node that reads nearly every value of it (gradients/)
    ("x", []),
    ("w1", []),
    ("mm", ["x", "w1"]),
    ("relu", ["mm"]),
    ("w2", []),
    ("mm2", ["relu", "w2"]),
    ("pow", ["mm2"]),
    ("sum", ["pow"]),
    ("grads", ["sum", "pow", "mm2", "relu", "mm", "x"]),
]


@pytest.mark.parametrize("way", WAYS)
def test_a_collector_is_a_tall_box_beside_its_inputs_each_entering_its_side(way) -> None:
    layout, q = drawn(GRADS, way)
    assert place_full(GRADS).ranking.side == {"grads": 0}
    assert q.shared == 0 and q.straight == q.chains
    assert q.crossings <= 1  # w2 and relu both feed mm2 and the box: one clean crossing
    box, tb = layout.boxes["grads"], way[0] == "TB"
    first, last = layout.boxes["x"], layout.boxes["sum"]
    if tb:  # beside every layer from its first input's to its last's
        assert box.y <= first.y and box.y2 >= last.y2
        assert all(b.x2 < box.x for n, b in layout.boxes.items() if n != "grads")
    else:
        assert box.x <= first.x and box.x2 >= last.x2
        assert all(b.y2 < box.y for n, b in layout.boxes.items() if n != "grads")
    for e in layout.edges:
        if e.dst != "grads":
            continue
        x, y = e.points[-1]  # the arrow lies against the box's side, no long run below it
        assert (x == box.x - 1 and box.y <= y < box.y2) if tb else (y == box.y - 1), e
        assert turns(e) <= 1, e.points
        src = layout.boxes[e.src]
        assert (box.y <= src.y < box.y2) if tb else (box.x <= src.x < box.x2)


@pytest.mark.parametrize("way", WAYS)
def test_a_collector_read_further_down_ends_right_under_its_last_input(way) -> None:
    """An update reads the collector (GradientDescent reads gradients/): the collector has a
    layer of its own below its inputs, but nothing in the channel above that layer turns or
    ends in an arrow, so it takes no row: one-row boxes end the tall box on the row under
    its last input's, and the update still gets its arrows."""
    nodes = [*GRADS, ("step", ["grads", "w1"])]
    layout, q = drawn(nodes, way)
    assert q.shared == 0 and len(layout.edges) == sum(len(ins) for _, ins in nodes)
    box, last, step = layout.boxes["grads"], layout.boxes["sum"], layout.boxes["step"]
    if way[0] == "TB":
        assert step.y >= box.y2 + 1
        if way[1] == 1:
            assert box.y2 == last.y2 + 1, (box, last)


def test_a_collector_needs_inputs_from_all_over_the_graph() -> None:
    few = [(n, ins if n != "grads" else ["sum", "pow"]) for n, ins in GRADS]
    assert place_full(few).ranking.side == {}
    one_layer = [("a", []), ("b", []), ("c", []), ("d", []), ("e", ["a", "b", "c", "d"])]
    assert place_full(one_layer).ranking.side == {}


def test_a_derived_graph_keeps_the_collectors_box() -> None:
    base = place_full(GRADS)
    fused = [(n, ins) for n, ins in GRADS if n != "pow"]
    fused = [(n, ["mm2"] if n == "sum" else [i for i in ins if i != "pow"]) for n, ins in fused]
    for way in WAYS:
        before, after = base.draw(*way), DerivedPlan(fused, base).draw(*way)
        assert_clean(after)
        assert after.boxes["grads"] == before.boxes["grads"]
        assert measure(after, fused).shared == 0


@pytest.mark.parametrize("way", WAYS)
def test_a_gathered_collector_is_an_ordinary_box_under_its_inputs_their_edges_in_one_trunk(
    way,
) -> None:
    """Gathered (a pane too small for the tall box): the collector is a box of its own layer,
    under every input, so nothing spans the layers; its long inputs share one dummy a layer
    (one trunk, as a fan-out's edges do), each joining it under its source's layer."""
    plan = Plan(GRADS, gather=True)
    assert plan.ranking.side == {} and plan.ranking.gathered == {"grads"}
    layout = plan.draw(*way)
    q = measure(layout, GRADS)
    assert_clean(layout)
    assert q.shared == 0 and q.straight == q.chains
    box, tb = layout.boxes["grads"], way[0] == "TB"
    assert (box.h == way[1]) if tb else (box.w == way[2])
    for n, b in layout.boxes.items():
        if n != "grads":
            assert (b.y2 < box.y) if tb else (b.x2 < box.x), n
    g = plan.ordered
    into = [c for (a, b), c in zip(plan.ranking.edges, g.chains, strict=True) if b == "grads"]
    for lay in range(len(g.layers)):
        here = {v for c in into for v in c if g.dummy[v] and v in g.layers[lay]}
        assert len(here) <= 1, (lay, here)
    assert any(len(c) > 2 for c in into)


# ------------------------------------------------------------------ ranking and order


def test_network_simplex_makes_the_edges_as_short_as_they_can_be() -> None:
    """Against every ranking of small random graphs (each edge going down at least one
    layer), the total edge length is the least there is."""
    import itertools
    import random

    from tui.drawing.simplex import network_simplex

    rng = random.Random(7)
    shortened = 0
    for _ in range(120):
        n = rng.randint(2, 6)
        edges = sorted({(a, b) for a in range(n) for b in range(a + 1, n) if rng.random() < 0.4})
        if not edges:
            continue
        start = [0] * n
        for a, b in edges:  # longest path
            start[b] = max(start[b], start[a] + 1)
        got = network_simplex(n, edges, start)
        assert all(got[b] - got[a] >= 1 for a, b in edges), (edges, got)
        least = min(
            sum(r[b] - r[a] for a, b in edges)
            for r in itertools.product(range(n), repeat=n)
            if all(r[b] - r[a] >= 1 for a, b in edges)
        )
        assert sum(got[b] - got[a] for a, b in edges) == least, (edges, got)
        shortened += sum(start[b] - start[a] for a, b in edges) > least
    assert shortened >= 10, "enough of the graphs have longer edges by longest path"


def test_a_group_of_sources_moves_down_to_its_consumer_together() -> None:
    """Two constants feed an op that feeds the end of a long chain: moved one at a time none
    of them would shorten the edges, moved together they do (longest path put them on top)."""
    chain = [("a", []), ("b", ["a"]), ("c", ["b"]), ("d", ["c"]), ("e", ["d"])]
    nodes = [*chain, ("k1", []), ("k2", []), ("op", ["k1", "k2"]), ("end", ["e", "op"])]
    layer = rank(nodes).layer
    assert layer["op"] == layer["end"] - 1
    assert layer["k1"] == layer["k2"] == layer["op"] - 1


def test_the_long_edges_of_one_source_share_one_trunk() -> None:
    nodes = [("s", []), ("a", ["s"]), ("b", ["a"]), ("c", ["b"]), ("d", ["c"])]
    nodes += [("u", ["b", "s"]), ("v", ["c", "s"]), ("w", ["d", "s"])]
    plan = place_full(nodes)
    dummies = [v for v in plan.ordered.vertex if not isinstance(v, str)]
    assert len(dummies) == 4, "one dummy in each layer s's trunk passes (not 2 + 3 + 4)"
    for way in WAYS:
        layout, q = drawn(nodes, way)
        assert (q.crossings, q.shared) == (0, 0)


def test_ordering_finds_the_fewest_crossings_of_small_layered_graphs() -> None:
    """Three layers of up to four nodes, random edges between neighbouring layers: the order
    found crosses no more than the best of all orders."""
    import itertools
    import random

    from tui.drawing.layers import Ranking

    rng = random.Random(11)
    improved = 0
    for _ in range(60):
        sizes = [rng.randint(2, 4) for _ in range(3)]
        names = [[f"{k}{i}" for i in range(s)] for k, s in enumerate(sizes)]
        edges = [
            (a, b)
            for upper, lower in zip(names, names[1:], strict=False)
            for a in upper
            for b in lower
            if rng.random() < 0.45
        ]
        layer = {n: k for k, lay in enumerate(names) for n in lay}
        ranking = Ranking([n for lay in names for n in lay], layer, edges, frozenset())
        got = order(ranking).crossings

        perms = itertools.product(*(itertools.permutations(n) for n in names))
        best = min(_crossings_of(p, edges, layer) for p in perms)
        assert got == best, (edges, got, best)
        improved += _crossings_of(tuple(map(tuple, names)), edges, layer) > best
    assert improved >= 20, "enough of the graphs cross in creation order to show the work"


def _crossings_of(
    perm: tuple[tuple[str, ...], ...], edges: list[tuple[str, str]], layer: dict[str, int]
) -> int:
    """Crossings of the edges between neighbouring layers in the order ``perm``, pair by pair."""
    import itertools

    at = {n: i for lay in perm for i, n in enumerate(lay)}
    return sum(
        1
        for (a, b), (c, d) in itertools.combinations(edges, 2)
        if layer[a] == layer[c] and (at[a] - at[c]) * (at[b] - at[d]) < 0
    )


def test_mini_boxes_with_no_lane_to_spare_draw_a_straight_edge_as_its_arrow() -> None:
    from tui.drawing.canvas import EdgeGrid

    layout = layout_full(CHAIN, "TB", 1, 15, lanes=0)
    assert_clean(layout)
    pow_, sum_ = layout.boxes["pow"], layout.boxes["sum"]
    assert sum_.y == pow_.y + 2, "one row between them"
    edge = next(e for e in layout.edges if (e.src, e.dst) == ("pow", "sum"))
    assert len(edge.points) == 1
    (x, y) = edge.points[0]
    assert EdgeGrid(layout).row(y)[0][x] == "▼"
    assert measure(layout, CHAIN).shared == 0


def _touches(box, point) -> bool:  # type: ignore[no-untyped-def]
    """The cell is just outside the box, beside one of its sides."""
    x, y = point
    in_x, in_y = box.x <= x < box.x2, box.y <= y < box.y2
    return (in_x and y in (box.y - 1, box.y2)) or (in_y and x in (box.x - 1, box.x2))


TRAINED = [*GRADS, ("update", ["grads", "w1"])]  # the collector read by an update
NARROW = {"grads": 10}
"""A collector's room in the test below: narrower than its layer's mini boxes, so an edge that
left from its room's end would start inside its box."""


@pytest.mark.parametrize("nodes", [CHAIN, TRAINED], ids=["chain", "collector"])
@pytest.mark.parametrize("orientation", ["TB", "LR"])
def test_a_box_is_as_wide_as_its_own_label_in_the_room_it_keeps(orientation, nodes) -> None:
    """A box whose label is longer in the other drawing of the graph (``h`` as built is
    ``_FusedMatMul`` as run) keeps that room, so nothing moves, but is drawn as wide as its
    own label: ``[h 64×100]``, not ``[h 64×100      ]``. A collector's tall box keeps its
    room, and the edge out of it leaves its side."""
    plan = place_full(nodes)
    room = {"mm": 30, "sum": 26, **NARROW}

    def kept(n: object) -> int:
        return room.get(str(n), 12)

    def own(n: object) -> tuple[int, int]:
        return kept(n), 12

    wide = plan.draw(orientation, 1, 15, None, kept)
    narrow = plan.draw(orientation, 1, 15, None, own)
    assert_clean(narrow)
    q, before = measure(narrow, nodes), measure(wide, nodes)
    assert (q.crossings, q.shared, q.straight) == (before.crossings, 0, q.chains)
    for n, _ in nodes:
        a, b = wide.boxes[n], narrow.boxes[n]
        if n in plan.ranking.side:
            assert b == a, f"the collector {n} keeps its box"
            continue
        assert b.w == 12, f"{n} drawn {b.w} wide"
        if orientation == "TB":  # centred where its room was: the same port
            assert b.y == a.y and abs((a.x + a.w // 2) - (b.x + b.w // 2)) <= 1, n
        else:  # from its layer's start
            assert (b.x, b.y) == (a.x, a.y), n
    for e in narrow.edges:
        assert _touches(narrow.boxes[e.src], e.points[0]), f"{e.src}->{e.dst} leaves its box"
        assert _touches(narrow.boxes[e.dst], e.points[-1]), f"{e.src}->{e.dst} enters its box"


def test_the_parts_of_a_graph_are_ordered_apart_side_by_side() -> None:
    """Two unconnected parts (the training step and an evaluation beside it): each is ordered
    on its own, the first made to the left in every layer, and none of their edges cross."""
    first = [(f"a.{n}", [f"a.{i}" for i in ins]) for n, ins in CHAIN]
    second = [(f"b.{n}", [f"b.{i}" for i in ins]) for n, ins in DIAMOND]
    nodes = [*first[:4], *second, *first[4:]]  # made interleaved
    g = order(rank(nodes))
    assert g.crossings == 0 == crossings(g)
    for lay in g.layers:
        names = [str(g.vertex[v]) for v in lay if not g.dummy[v]]
        parts = [n[0] for n in names]
        assert parts == sorted(parts), f"layer {names}: the first part first"
    again = order(rank(nodes))  # seeded: the same order every time
    assert again.layers == g.layers


def test_tracks_in_a_cycle_of_wishes_never_make_two_nets_share_cells() -> None:
    """Five nets of one channel whose wishes (which goes on the track above which) form a
    cycle: the cycle is broken where it costs a crossing, never where two nets would run
    along the same cells (a net turning down where another comes down below it)."""
    from tui.drawing.route import HARD, Net, _assign_tracks, _cost

    nets = [Net(t, b) for t, b in [(4, [0]), (8, [3]), (7, [8]), (0, [3, 5]), (1, [6])]]
    _assign_tracks(nets)
    for a in nets:
        for b in nets:
            if a.track < b.track:
                assert _cost(a, b) < HARD, f"{a} above {b} share cells"


def test_a_net_takes_a_free_track_above_one_it_may_lie_either_side_of() -> None:
    """The channel under data-loading's parameters (a one-row box's first track is kept off
    where another box's edge leaves: ``low``): 0.bias's net is low and takes the second
    track; 2.weight's, which crosses it once whichever lies above and merges with it where
    both tracks end (into the SGD box), takes the first one left free, not a third."""
    from tui.drawing.route import Net, _assign_tracks

    bias, weight, other = Net(31, [21, 47]), Net(44, [32, 47]), Net(58, [55, 58])
    assert _assign_tracks([bias, weight, other], {id(bias)}) == 2
    assert (weight.track, bias.track, other.track) == (0, 1, 0)


def test_a_net_stays_below_one_whose_track_goes_on_past_their_merge() -> None:
    """Two nets into one target at 43 cost one crossing whichever lies above, but with the
    net from 81 above, the one from 58 would run on past 43 under it: a ``┼`` where they
    merge. That one stays below (as in the conditional scene's unfolded graph)."""
    from tui.drawing.route import Net, _assign_tracks

    a, b, c = Net(12, [12, 26]), Net(58, [20, 43, 72]), Net(81, [43, 81])
    _assign_tracks([a, b, c])
    assert b.track < c.track


def test_a_long_edge_below_another_boxs_port_moves_one_cell_aside() -> None:
    """a (port 2) turns into c; b's long edge has its dummy d right below a's port, so a's
    edge and d's would need column 2 of the channel one after the other. d moves one cell
    aside, with the dummy below it, where its neighbours leave room."""
    from types import SimpleNamespace

    from tui.drawing.coords import _clear_columns

    # layer 0: a (0) at 2, b (1) at 6; layer 1: d (2, dummy) at 2, c (3) at 8;
    # layer 2: d2 (4, dummy) at 2; layer 3: e (5) at 4
    def graph(c_at: int):  # type: ignore[no-untyped-def]
        g = SimpleNamespace(
            layers=[[0, 1], [2, 3], [4], [5]],
            up=[[], [], [1], [0], [2], [4]],
            down=[[3], [2], [4], [], [5], []],
            dummy=[False, False, True, False, True, False],
        )
        return g, [2, 6, 2, c_at, 2, 4]

    def size(v: int) -> tuple[int, int]:
        return (1, 0) if v in (2, 4) else (3, 1)

    def gap(a: int, b: int) -> int:
        return 1 if 2 in (a, b) or 4 in (a, b) else 2

    g, pos = graph(8)
    _clear_columns(g, pos, size, gap)  # type: ignore[arg-type]
    assert pos == [2, 6, 3, 8, 3, 4]  # one cell right, the dummy below it too
    g, pos = graph(4)  # c too close on the right: one cell left
    _clear_columns(g, pos, size, gap)  # type: ignore[arg-type]
    assert pos == [2, 6, 1, 4, 1, 4]


def test_two_edges_that_trade_places_are_found_and_a_dummy_steps_aside() -> None:
    """Between two layers, p's edge goes on where r's leaves and r's where p's leaves: they
    would run along each other whatever their tracks. The dummy of the long edge moves one
    cell aside (pushing the dummy beyond it), so the two only cross. Where a box stands
    beyond it, the box is pushed along too, with the box its edge runs straight from."""
    from types import SimpleNamespace

    from tui.drawing.swaps import swapped, unswap

    # layer 0: p (0) at 2, r (1) at 4, s (5) at 6;
    # layer 1: q (2) at 2, dummy (3) at 4, dummy or box (4) at 6
    def graph(four_is_dummy: bool, s_feeds_four: bool):  # type: ignore[no-untyped-def]
        return SimpleNamespace(
            layers=[[0, 1, 5], [2, 3, 4]],
            up=[[], [], [1], [0], [5] if s_feeds_four else [], []],
            down=[[3], [2], [], [], [], [4] if s_feeds_four else []],
            dummy=[False, False, False, True, four_is_dummy, False],
            box=[-1] * 6,
        )

    pos = [2, 4, 2, 4, 6, 9]

    def entries(at, lowers=None, into=None):  # type: ignore[no-untyped-def]
        out = dict(into or {})
        out.update({(0, 3): at[3], (1, 2): at[2], (5, 4): at[4]})
        return out

    def extent(v, at):  # type: ignore[no-untyped-def]
        return at, at

    g = graph(True, False)
    assert swapped(g, pos, entries(pos), 0) == [((0, 3), (1, 2))]  # type: ignore[arg-type]
    moved, entry = unswap(g, pos, entries, extent)  # type: ignore[arg-type]
    assert entry == entries(moved)
    assert moved[3] == 5 and moved[4] == 7 and moved[:3] == pos[:3]
    assert not swapped(g, moved, entries(moved), 0)  # type: ignore[arg-type]
    boxed, _ = unswap(graph(False, False), pos, entries, extent)  # type: ignore[arg-type]
    assert boxed == [2, 4, 2, 5, 7, 9], "the box beyond the dummy is pushed along"
    fed = [2, 4, 2, 4, 6, 6]
    straight, _ = unswap(graph(False, True), fed, entries, extent)  # type: ignore[arg-type]
    assert straight == [2, 4, 2, 5, 7, 7], "s's edge into the pushed box stays straight"


@pytest.mark.parametrize(("orientation", "box_h"), [("LR", 1), ("LR", 3), ("LR", 4), ("TB", 1)])
def test_two_values_that_each_feed_two_ops_cross_once_and_share_nothing(orientation, box_h) -> None:
    """a and b each feed both c and d, every box in one row: a's edge to d leaves where b's
    to c arrives and the other way round, and one-row boxes leave no dummy to step aside.
    d moves one cell aside (with f, its chain, so that stays straight): b's edge into d
    bends, and a's edge to d and b's to c only cross."""
    nodes = [("x", []), ("y", []), ("a", ["x"]), ("b", ["y"])]
    nodes += [("c", ["a", "b"]), ("d", ["a", "b"]), ("e", ["c"]), ("f", ["d"])]
    layout, q = drawn(nodes, (orientation, box_h, 15))
    assert (q.crossings, q.shared) == (1, 0)
    assert q.straight == q.chains == 2


def test_a_derived_graph_keeps_a_box_that_moved_aside_where_it_moved() -> None:
    """d moved a row down in the graph as built (two values feeding two ops, one-row boxes
    left to right); the graph as run, c renamed, draws d and everything else it shares in
    the same cells."""
    nodes = [("x", []), ("y", []), ("a", ["x"]), ("b", ["y"])]
    nodes += [("c", ["a", "b"]), ("d", ["a", "b"]), ("e", ["c"]), ("f", ["d"])]
    renamed = {"c": "c2"}
    run = [(renamed.get(n, n), [renamed.get(i, i) for i in ins]) for n, ins in nodes]
    base = place_full(nodes)
    for way in [("LR", 1, 15), ("LR", 3, 18)]:
        before = base.draw(*way)
        assert before.boxes["d"].y != before.boxes["b"].y, "d moved aside, off b's row"
        after = DerivedPlan(run, base).draw(*way)
        for n in ("x", "y", "a", "b", "d", "f"):
            assert after.boxes[n] == before.boxes[n], (way, n)
        assert measure(after, run).shared == 0


def _random_dag(n: int, seed: int) -> list[tuple[int, list[int]]]:
    """A seeded DAG shaped like a program (benchmarks/layout_quality.py's): a few inputs,
    the rest ops reading one to three of the 25 values made just before them."""
    import random

    rng = random.Random(seed)
    nodes: list[tuple[int, list[int]]] = []
    for i in range(n):
        k = 0 if i < 3 or rng.random() < 0.08 else rng.choice((1, 1, 2, 2, 3))
        ins = sorted({rng.randrange(max(0, i - 25), i) for _ in range(k)}) if i else []
        nodes.append((i, ins))
    return nodes


@pytest.mark.parametrize("seed", [5, 2])
def test_no_two_edges_of_a_large_random_graph_share_cells_left_to_right(seed) -> None:
    """Hundreds of nodes, one-row and three-row boxes laid left to right: packed tight,
    edges that trade places between two layers have no dummy to step aside and whole
    columns of boxes move instead; and a channel's cycle of track wishes gives in where
    that costs crossings, not where two nets would share cells."""
    nodes = _random_dag(300 if seed == 5 else 500, seed)
    plan = place_full(nodes)
    for box_h in (1, 3):
        layout = plan.draw("LR", box_h, 15)
        q = measure(layout, nodes)
        assert q.shared == 0, (box_h, q)


def test_tracks_in_a_cycle_of_wishes_give_in_where_no_cells_are_shared() -> None:
    """A channel of a 800-node random graph (left to right, one-row boxes): the wishes of
    its nets form cycles, and the net whose giving in saves the most crossings elsewhere
    would, placed above the rest, go on where another comes down. The cycle gives in at a
    net that shares nothing."""
    from tui.drawing.route import HARD, Net, _assign_tracks, _cost

    ends = [(56, [56, 74, 76, 80]), (92, [92, 200]), (36, [36, 70]), (86, [86, 196])]
    ends += [(90, [86, 196]), (88, [142]), (198, [36, 198]), (67, [84, 90])]
    ends += [(58, [78, 82, 84, 92]), (38, [72]), (30, [26, 56]), (5, [36]), (70, [56, 70])]
    nets = [Net(t, b) for t, b in ends]
    _assign_tracks(nets)
    for a in nets:
        for b in nets:
            if a.track < b.track and a.lo <= b.hi + 1 and b.lo <= a.hi + 1:
                assert _cost(a, b) < HARD, f"{a} above {b} share cells"


def test_crossings_counted_again_only_where_layers_changed_match_a_full_count() -> None:
    """The ordering's running count, which counts again only the pairs of layers next to
    one that changed, agrees with counting every pair edge by edge, as layers are shuffled
    one at a time."""
    import random

    from tui.drawing.order import _positions, _Tally, proper

    g = proper(rank(_random_dag(120, 3)))
    layer = {v: k for k, lay in enumerate(g.layers) for v in lay}
    edges = [(a, b) for a in range(len(g.vertex)) for b in g.down[a]]
    tally = _Tally(g)
    rng = random.Random(4)
    for _ in range(40):
        for _ in range(rng.randint(0, 2)):
            rng.shuffle(g.layers[rng.randrange(len(g.layers))])
        pos = _positions(g.layers)
        by_hand = sum(
            1
            for i, (a, b) in enumerate(edges)
            for c, d in edges[i + 1 :]
            if layer[a] == layer[c] and (pos[a] - pos[c]) * (pos[b] - pos[d]) < 0
        )
        assert tally.count(pos) == by_hand


def test_sweeps_and_transposes_that_skip_what_they_saw_order_as_without() -> None:
    """A sweep or transpose skips a layer it left unchanged, its neighbours as they were:
    step by step, the order is the same as with nothing skipped."""
    from tui.drawing.order import _positions, _sweep, _transpose, proper

    def steps(memo: bool) -> list[list[list[int]]]:
        g = proper(rank(_random_dag(200, 7)))
        pos = _positions(g.layers)
        seen: dict = {} if memo else None  # type: ignore[assignment]
        out = []
        for it in range(16):
            _sweep(g, pos, downward=it % 2 == 0, barycentre=False, seen=seen)
            _transpose(g, pos, equal=it % 4 >= 2, seen=seen)
            out.append([list(lay) for lay in g.layers])
            if it % 5 == 4:  # as the ordering goes back to the best order seen
                g.layers = [list(lay) for lay in out[it - 3]]
                pos = _positions(g.layers)
        return out

    assert steps(True) == steps(False)


def _scene_graphs() -> list[tuple[str, list[tuple[object, list[object]]]]]:
    import contextlib
    import io

    scenes = pytest.importorskip("engine.scenes")
    from engine.events import recording
    from tui.drawing.fold import Folding, view_graph
    from tui.view.state import ViewState

    out = []
    for name, scene in scenes.SCENES.items():
        state = ViewState(fake_timings=True)
        with recording() as events, contextlib.redirect_stdout(io.StringIO()):
            with contextlib.suppress(Exception):  # a scene that fails drew what it built
                scene.run(iterations=2, small=True)
        for ev in events:
            state.apply(ev)
        for mode in ("static", "eager"):
            graph = state.graphs.get(mode)
            if graph is None or not graph.nodes:
                continue
            for fold in (Folding(), Folding().denser(), Folding(unfold_all=True)):
                out.append((f"{name}:{mode}", view_graph(graph, fold)[0]))
    return out


@pytest.mark.slow
def test_no_two_edges_of_any_scene_share_cells_drawn_any_way() -> None:
    """Every graph of every scene, folded and unfolded, in both orientations and every box
    size, its collectors as tall boxes or gathered: edges of different sources meet only at
    clean crossings."""
    from tui.drawing.fit import candidates, draw

    graphs = _scene_graphs()
    ways = {(o, s, lanes) for o, s, lanes in candidates("static", "TB", True, "auto")}
    ways -= {("TB", "mini", 1), ("LR", "mini", 1)}  # the dense grid, which shares by design
    bad = []
    for label, nodes in graphs:
        for gather in (False, True):  # collectors as tall boxes, or gathered
            plan = Plan(nodes, gather)
            if gather and not plan.ranking.gathered:
                continue
            for way in sorted(ways, key=str):
                q = measure(draw(plan, nodes, way), nodes)  # type: ignore[arg-type]
                if q.shared:
                    bad.append((label, gather, way, q.shared))
    assert not bad, bad


@pytest.mark.parametrize("orientation", ["TB", "LR"])
def test_the_densest_drawing_puts_a_channels_one_track_on_its_arrow_row(orientation) -> None:
    """The densest drawing (-1 lanes): a channel whose edges all fit on one track and cross
    nothing there draws that track on the row (column) of its arrows: w1's edge runs along
    the row just above MatMul, its arrow at its end, and the drawing is a row shorter."""
    roomy, _ = drawn(CHAIN, (orientation, 1, 15, 0))
    dense, q = drawn(CHAIN, (orientation, 1, 15, -1))
    assert q.shared == 0 and q.crossings == 0
    edge = next(e for e in dense.edges if (e.src, e.dst) == ("w1", "mm"))
    mm = dense.boxes["mm"]
    if orientation == "TB":
        assert {y for _, y in edge.points} == {mm.y - 1}, edge.points
        assert dense.height < roomy.height
    else:
        assert {x for x, _ in edge.points} == {mm.x - 1}, edge.points
        assert dense.width < roomy.width
    lines = EdgeGrid(dense)
    x, y = edge.points[-1]
    assert lines.row(y)[0][x] == ("▼" if orientation == "TB" else "▶")


INIT_AND_TRAIN = [  # two variables, their assigns run by init's control edges
    ("x", []),
    ("w1", []),
    ("w1/Assign", ["w1"]),
    ("w2/random", []),
    ("w2/initial", ["w2/random"]),
    ("w2", []),
    ("w2/Assign", ["w2", "w2/initial"]),
    ("w2/read", ["w2"]),
    ("MatMul", ["x"]),
    ("Maximum/y", []),
    ("Maximum", ["MatMul"]),
    ("MatMul_1", ["Maximum", "w2/read"]),
    ("sub", ["MatMul_1"]),
    ("grad_ys", []),
    ("grad", ["grad_ys"]),
    ("MatMul_1_grad", ["Maximum", "grad"]),
    ("GradMask", ["MatMul", "Maximum/y"]),
    ("MatMul_grad", ["x"]),
    ("update_w2", ["w2", "MatMul_1_grad"]),
    ("init", ["w1/Assign", "w2/Assign"]),  # control inputs, laid out as inputs
]


@pytest.mark.parametrize("way", WAYS)
def test_chains_stay_straight_where_init_has_control_edges(way) -> None:
    """init's control edges from the two assigns (drawn dashed, laid out as edges) change
    the layers and the order: without them every chain runs straight, with them the
    chain MatMul_1 -> sub crossed MatMul_1_grad -> update_w2 (also a chain), so one of
    the two bent. The two ops trade places, at no crossing more."""
    bare = [(n, ins) for n, ins in INIT_AND_TRAIN if n != "init"]
    assert measure(layout_full(bare, *way), bare).straight == 3
    layout, q = drawn(INIT_AND_TRAIN, way)
    assert q.shared == 0 and q.crossings <= 2
    assert q.chains == 3 and q.straight == q.chains, q
    edges = {(e.src, e.dst): e for e in layout.edges}
    assert turns(edges[("MatMul_1", "sub")]) == 0
    assert turns(edges[("MatMul_1_grad", "update_w2")]) == 0


def test_two_chain_edges_that_cross_are_moved_apart() -> None:
    """Given an order in which two chains cross (one would bend), the chains' ends move
    apart; an order whose chains cross nowhere is left as it is."""
    from tui.drawing.order import _unchain, chain_hops, proper

    nodes = [("s", []), ("a0", ["s"]), ("b0", ["s"]), ("a1", ["a0"]), ("b1", ["b0"])]
    ranking = rank(nodes)
    g = proper(ranking)
    a0, b0, a1, b1 = (g.index[n] for n in ("a0", "b0", "a1", "b1"))
    g.layers[1], g.layers[2] = [a0, b0], [b1, a1]
    above = chain_hops(ranking, g)
    assert (above[a1], above[b1]) == (a0, b0)
    assert crossings(g) == 1
    assert _unchain(g, above) == 0
    at = {v: i for lay in g.layers for i, v in enumerate(lay)}
    assert (at[a0] < at[b0]) == (at[a1] < at[b1])
    kept = [list(lay) for lay in g.layers]
    assert _unchain(g, above) == 0 and g.layers == kept


MUL_GRAD = [  # the backward pass of x * y: each input's gradient takes the other input
    ("x", []),
    ("y", []),
    ("grad_ys", []),
    ("fill", ["grad_ys"]),
    ("grad", ["fill"]),
    ("Mul", ["grad", "y"]),  # -> x's gradient
    ("Mul_1", ["grad", "x"]),  # -> y's gradient
    ("Unbroadcast", ["Mul", "x"]),
    ("Unbroadcast_1", ["Mul_1", "y"]),
]


@pytest.mark.parametrize("way", WAYS)
def test_two_chains_fed_from_opposite_sides_both_run_straight(way) -> None:
    """Mul takes y (on the right) and feeds Unbroadcast, which takes x (on the left);
    Mul_1 the other way round. The fewest crossings (one) put Mul_1 on x's side and Mul on
    y's, so the two chains crossed and one bent; both run straight at two crossings more,
    where x's and y's long edges cross the shared gradient's."""
    layout, q = drawn(MUL_GRAD, way)
    assert q.shared == 0 and q.crossings <= 3
    assert q.chains == 3 and q.straight == q.chains, q
    edges = {(e.src, e.dst): e for e in layout.edges}
    assert turns(edges[("Mul", "Unbroadcast")]) == 0
    assert turns(edges[("Mul_1", "Unbroadcast_1")]) == 0


def test_a_plan_drawn_again_in_other_rooms_is_the_drawing_made_afresh() -> None:
    """A plan keeps each drawing's routes, and the drawing under the rooms it took as well as
    those it was asked for (a graph as built is drawn again for the rooms its graph as run
    takes, mostly its own): drawn in those rooms, or in deeper ones, from what was kept, it
    is the drawing made with nothing kept, whatever least rooms it was first drawn for."""
    from tui.drawing import plan as plans
    from tui.drawing.plan import Extents, Sizes, emit

    def wide(n: object) -> int:
        return 7 + len(str(n))

    for nodes in (CHAIN, LONG, UPDATE, TRAINED, INIT_AND_TRAIN):
        plan = Plan(nodes)
        channels = len(plan.ordered.layers) - 1
        for orientation, box_h, box_w in WAYS:
            for lanes in (None, 0, -1):
                sz = Sizes.for_(orientation, box_h, box_w, lanes)  # type: ignore[arg-type]
                plans.forget()  # what one drawing kept is there for the next
                exts = (Extents.of(plan.ordered, sz), Extents.of(plan.ordered, sz, wide))
                kept = {}
                for e, ext in enumerate(exts):
                    pos = plan.positions(sz, ext)
                    for least in ((), [2] * channels, [-1] * channels, [0, 3]):
                        _, took = emit(plan.ranking, plan.ordered, pos, sz, least, ext)
                        for rooms in (took, [t + 1 for t in took]):
                            again = emit(plan.ranking, plan.ordered, pos, sz, rooms, ext)
                            kept[(e, tuple(least), tuple(rooms))] = again
                for (e, least, rooms), again in kept.items():
                    plans.forget()
                    pos = plan.positions(sz, exts[e])
                    fresh = emit(plan.ranking, plan.ordered, pos, sz, rooms, exts[e])
                    assert again == fresh, (nodes, orientation, box_h, lanes, least, rooms)


def test_a_plan_aligns_its_blocks_once_and_draws_every_size_as_afresh(monkeypatch) -> None:
    """The blocks (:func:`tui.drawing.coords.align`) depend on the order alone: a plan drawn
    in every size aligns once, and draws each size as a plan made for it alone does."""
    from tui.drawing import coords, plan

    calls = []
    real = coords.align
    monkeypatch.setattr(plan, "align", lambda *a: calls.append(1) or real(*a))
    kept = Plan(TRAINED)
    for way in WAYS:
        assert kept.draw(*way) == Plan(TRAINED).draw(*way)
    assert len(calls) == 1 + len(WAYS)  # the kept plan's once, each fresh plan's once


@pytest.mark.parametrize("orientation", ["TB", "LR"])
def test_mini_boxes_are_placed_and_routed_once_whatever_lanes_they_keep(
    orientation, monkeypatch
) -> None:
    """Positions and routes depend on the box size, not on the lanes a channel keeps at
    least: the pane's mini ways (-1, 0, default lanes) position and route a plan once, and
    draw as a plan made for each alone does."""
    from tui.drawing import plan as plans

    alone = [Plan(TRAINED).draw(orientation, 1, 15, lanes) for lanes in (None, 0, -1)]
    calls = []
    real = plans._route
    monkeypatch.setattr(plans, "_route", lambda *a: calls.append(1) or real(*a))
    kept = Plan(TRAINED)
    assert [kept.draw(orientation, 1, 15, lanes) for lanes in (None, 0, -1)] == alone
    assert len(calls) == 1

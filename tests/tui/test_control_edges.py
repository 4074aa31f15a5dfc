"""Control dependencies (``tf.group``'s NoOp on the updates, an initializer on the variables'
assigns): folded like data edges, laid out with them, drawn dashed, exported with
``"kind": "control"``, and explained by the legend."""

from __future__ import annotations

import pytest

from tui.cli.layout import _graph_json
from tui.drawing.canvas import EdgeGrid
from tui.drawing.fold import Folding, fold_view
from tui.drawing.pane import static_drawing
from tui.drawing.quality import measure
from tui.view.captions import legend
from tui.view.model import GraphModel


def graph() -> GraphModel:
    """Two variables, each initialised and updated by an assign; ``updates`` groups the two
    updates, ``init`` the two initial assigns (control inputs only)."""
    nodes = [
        ("Variable", "VariableV2", [], []),  # 0 w1
        ("Variable/initial_value", "Const", [], []),  # 1
        ("Variable/Assign", "Assign", [0, 1], []),  # 2
        ("Variable/read", "Identity", [0], []),  # 3
        ("Variable_1", "VariableV2", [], []),  # 4 w2
        ("Variable_1/initial_value", "Const", [], []),  # 5
        ("Variable_1/Assign", "Assign", [4, 5], []),  # 6
        ("Variable_1/read", "Identity", [4], []),  # 7
        ("Placeholder", "Placeholder", [], []),  # 8 x
        ("MatMul", "MatMul", [8, 3], []),  # 9
        ("MatMul_1", "MatMul", [9, 7], []),  # 10
        ("Sum", "Sum", [10], []),  # 11 loss
        ("Mul", "Mul", [11, 3], []),  # 12
        ("Sub", "Sub", [3, 12], []),  # 13
        ("Assign", "Assign", [0, 13], []),  # 14 new_w1
        ("Mul_1", "Mul", [11, 7], []),  # 15
        ("Sub_1", "Sub", [7, 15], []),  # 16
        ("Assign_1", "Assign", [4, 16], []),  # 17 new_w2
        ("group_deps", "NoOp", [], [14, 17]),  # 18 updates
        ("init", "NoOp", [], [2, 6]),  # 19
        ("Sum_1", "Sum", [11], [11]),  # 20: a control input that is a data input too
    ]
    names = {0: "w1", 4: "w2", 8: "x", 11: "loss", 14: "new_w1", 17: "new_w2", 18: "updates"}
    g = GraphModel("static:1", "static")
    for k, (name, op, ins, ctl) in enumerate(nodes):
        ev = {"node": k, "name": name, "op": op, "inputs": ins, "shape": [2, 3]}
        if ctl:
            ev["control_inputs"] = ctl
        if k in names:
            ev["var"] = names[k]
        g.add(ev)
    return g


def test_a_control_input_comes_from_the_box_its_op_is_drawn_in() -> None:
    g = graph()
    view = fold_view(g, Folding())  # the initial assigns are in their variable's box
    assert view.control == {18: [14, 17], 19: ["scope:Variable", "scope:Variable_1"]}
    assert dict(view.drawn)[18] == [14, 17] and dict(view.nodes)[18] == []
    assert dict(view.drawn)[20] == [11], "no second edge beside a data edge"
    dense = fold_view(g, Folding().denser())  # every assign folded into its variable
    assert dense.control[18] == ["scope:Variable", "scope:Variable_1"]
    every = fold_view(g, Folding(unfold_all=True))
    assert every.control == {18: [14, 17], 19: [2, 6]}


def test_a_control_input_from_inside_its_own_box_draws_nothing() -> None:
    g = GraphModel("static:1", "static")
    g.add({"node": 0, "name": "scope/a", "op": "Add", "inputs": []})
    g.add({"node": 1, "name": "scope/b", "op": "NoOp", "inputs": [], "control_inputs": [0]})
    view = fold_view(g, Folding())
    assert view.nodes == [("scope:scope", [])] and not view.control


@pytest.mark.parametrize("folding", [Folding(), Folding().denser(), Folding(unfold_all=True)])
@pytest.mark.parametrize("room", [(110, 28), (118, 22), (54, 28)])
def test_a_control_edge_is_drawn_dashed_and_shares_no_cells(folding, room) -> None:
    g = graph()
    drawing = static_drawing(g, room, folding)
    layout = drawing.layout
    control = [e for e in layout.edges if e.kind == "control"]
    pairs = {(c, v) for v, cs in drawing.view.control.items() for c in cs}
    assert {(e.src, e.dst) for e in control} == pairs and len(control) == 4
    assert measure(layout, ()).shared == 0
    grid = EdgeGrid(layout)
    data_cells = {c for e in layout.edges if e.kind == "data" for c in _cells(e)}
    dashed = set()
    for e in control:  # its straight runs dashed, where no data edge runs too
        glyphs = {grid.row(y)[0][x] for x, y in _cells(e) if (x, y) not in data_cells}
        assert not glyphs & {"│", "─"}, (e.src, e.dst, glyphs)
        dashed |= glyphs & {"┆", "┄"}
        x, y = e.points[-1]
        if (x, y) not in data_cells:  # its head dashed (a data edge into its box: solid)
            assert grid.row(y)[0][x] in "⇢⇣⇠⇡", (e.src, e.dst)
    assert dashed
    for x, y in data_cells:
        assert grid.row(y)[0][x] not in "┆┄", (x, y)


def test_the_exported_layout_marks_control_edges() -> None:
    g = graph()
    drawing = static_drawing(g, (110, 28))
    data = _graph_json("static", g, drawing, (110, 28))
    kinds = {(e["src"], e["dst"]): e.get("kind") for e in data["edges"]}
    assert kinds[("Assign", "group_deps")] == "control"
    assert kinds[("scope:Variable", "init")] == "control"
    assert kinds[("Placeholder", "MatMul")] is None, "a data edge has no kind"


def test_the_legend_explains_the_dashed_edge_where_one_is_drawn() -> None:
    assert "control dependency" not in legend("state").plain
    assert "┄⇢ control dependency" in legend("state", control=True).plain
    assert "┄⇢ 제어 의존성" in legend("state", "ko", control=True).plain
    narrow = legend("state", width=100, control=True).plain
    assert narrow.endswith("┄⇢ control") and len(narrow) <= 100


def _cells(edge):  # type: ignore[no-untyped-def]
    pts = edge.points
    for (x1, y1), (x2, y2) in zip(pts, pts[1:], strict=False):
        for x in range(min(x1, x2), max(x1, x2) + 1):
            for y in range(min(y1, y2), max(y1, y2) + 1):
                yield x, y

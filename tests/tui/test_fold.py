"""Folding rules and label widths (pure): constants in their consumer's label, a variable as
one node, every name scope one group box until opened."""

from __future__ import annotations

from tui.drawing.fold import Folding, call_text, fold_view, shorten
from tui.drawing.labels import CAPS, label_of, width_for
from tui.drawing.plan import place_full
from tui.view.model import GraphModel


def graph(*nodes: tuple[str, str, list[int]], var: dict[int, str] | None = None) -> GraphModel:
    g = GraphModel("static:1", "static")
    for k, (name, op, ins) in enumerate(nodes):
        ev = {"node": k, "name": name, "op": op, "inputs": ins, "shape": [2, 3]}
        if var and k in var:
            ev["var"] = var[k]
        g.add(ev)
    return g


RELU = graph(
    ("Placeholder", "Placeholder", []),  # 0 x
    ("MatMul", "MatMul", [0, 0]),  # 1
    ("Maximum/y", "Const", []),  # 2
    ("Maximum", "Maximum", [1, 2]),  # 3 h
    ("gradients/Shape", "Shape", [3]),  # 4
    ("gradients/Maximum_grad/GradMask", "GradMask", [4, 1, 2]),  # 5
    var={0: "x", 3: "h"},
)


def test_a_constant_is_drawn_inside_its_consumer() -> None:
    view = fold_view(RELU, Folding())
    ids = [vid for vid, _ in view.nodes]
    assert 2 not in ids and view.consts[3] == [2]
    assert dict(view.nodes)[3] == [1]  # no edge from the constant
    assert label_of(RELU, view, 3).op == "Maximum(·, c)"


def test_every_scope_is_one_group_until_opened() -> None:
    view = fold_view(RELU, Folding())
    assert ("scope:gradients", [3, 1]) in view.nodes
    assert view.folds["scope:gradients"].members == (4, 5)
    opened = fold_view(RELU, Folding().toggled("gradients"))
    assert [vid for vid, _ in opened.nodes][-2:] == [4, "scope:gradients/Maximum_grad"]
    assert Folding().toggled("gradients").toggled("gradients") == Folding()


def test_unfold_all_draws_every_node() -> None:
    view = fold_view(RELU, Folding(unfold_all=True))
    assert [vid for vid, _ in view.nodes] == list(range(6)) and not view.folds


def test_a_variable_is_one_node_fed_by_its_initial_value() -> None:
    g = graph(
        ("random_normal/shape", "Const", []),  # 0
        ("random_normal/RandomStandardNormal", "RandomStandardNormal", [0]),  # 1
        ("random_normal", "Add", [1]),  # 2: named like its scope, so in it
        ("Variable", "VariableV2", []),  # 3 w1
        ("Variable/Assign", "Assign", [3, 2]),  # 4
        ("Variable/read", "Identity", [3]),  # 5
        ("MatMul", "MatMul", [5, 5]),  # 6
        var={3: "w1"},
    )
    view = fold_view(g, Folding())
    assert view.nodes == [
        ("scope:random_normal", []),
        ("scope:Variable", ["scope:random_normal"]),
        (6, ["scope:Variable"]),
    ]
    box = view.folds["scope:Variable"]
    assert box.kind == "variable" and box.members == (3, 4, 5) and box.head == 3
    assert view.folds["scope:random_normal"].count == 3  # its shape constant counted
    label = label_of(g, view, "scope:Variable")
    assert (label.name, label.op, label.shape) == ("w1", "Variable", "2×3")


def test_the_denser_folding_draws_a_variables_initial_value_and_update_inside_it() -> None:
    g = graph(
        ("random_normal/shape", "Const", []),  # 0
        ("random_normal", "Add", [0]),  # 1
        ("Variable", "VariableV2", []),  # 2 w1
        ("Variable/Assign", "Assign", [2, 1]),  # 3
        ("Variable/read", "Identity", [2]),  # 4
        ("Placeholder", "Placeholder", []),  # 5 x, read by the variable's update too
        ("MatMul", "MatMul", [5, 4]),  # 6
        ("Sub", "Sub", [4, 6]),  # 7
        ("Assign", "Assign", [2, 7]),  # 8: w1.assign(w1 - ...)
        var={2: "w1", 5: "x"},
    )
    dense = Folding().denser()
    assert dense.assign_back and dense.initial_in and dense.denser() == dense
    assert Folding(unfold_all=True).denser() == Folding(unfold_all=True)
    view = fold_view(g, dense)
    assert view.nodes == [
        ("scope:Variable", [7]),  # the update drawn as an edge back into the variable
        (5, []),
        (6, [5, "scope:Variable"]),
        (7, ["scope:Variable", 6]),
    ]
    box = view.folds["scope:Variable"]
    assert sorted(box.members) == [1, 2, 3, 4, 8] and box.consts == (0,) and box.head == 2
    assert view.vid_of[1] == view.vid_of[8] == "scope:Variable"
    plain = fold_view(g, Folding())  # the pane's own folding keeps both as their own boxes
    assert plain.nodes[:2] == [(1, []), ("scope:Variable", [1])]
    assert (8, ["scope:Variable", 7]) in plain.nodes


def test_call_text_and_shortening() -> None:
    assert call_text("Pow", (1, 2), {2: "2"}) == "Pow(·, 2)"
    assert call_text("Sum", (1, 2), {2: "1"}) == "Sum(axis=1)"
    assert call_text("MatMul", (1, 2), {}) == "MatMul"
    assert shorten("gradients/Sum_grad", 10) == "…/Sum_grad"


def test_boxes_are_as_wide_as_their_labels_within_caps() -> None:
    view = fold_view(RELU, Folding())
    h = label_of(RELU, view, 3)
    assert width_for(h, "mini") == len("[h 2×3]")
    for size, (least, cap) in CAPS.items():
        assert least <= width_for(h, size) <= cap
    plan = place_full(view.nodes)
    wide = {vid: width_for(label_of(RELU, view, vid), "mini") for vid, _ in view.nodes}
    layout = plan.draw("TB", 1, 15, None, wide.__getitem__)
    assert {vid: b.w for vid, b in layout.boxes.items()} == wide
    uniform = plan.draw("TB", 1, 15)
    total = sum(b.w for b in layout.boxes.values())
    assert total < sum(b.w for b in uniform.boxes.values())  # narrower than every box at the cap


def test_a_tiny_box_says_the_name_alone() -> None:
    from tui.drawing.labels import Label
    from tui.drawing.pane import box_title

    label = Label("linear", "", "64×100", grad=True)
    assert box_title(label, "tiny") == "linear" and box_title(label, "mini") == "linear 64×100"
    assert width_for(label, "tiny") == len("[linear ∇]")
    assert width_for(Label("x", "", "64×1000"), "tiny") == CAPS["tiny"][0]
    long = Label("gradients/MatMul_1_grad/MatMul", "", "4×5")
    assert box_title(long, "tiny") == shorten(long.name, CAPS["tiny"][1] - 2)

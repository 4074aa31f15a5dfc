"""Cross-linking the two panes, finding nodes, lines to nodes, gradient figures: pure parts."""

from __future__ import annotations

import pytest

from tests.tui.test_figures_true import folded_run
from tui.drawing.boxes import BoxText, box_row
from tui.view.crosslink import assigned_name, line_nodes, link, op_family, user_names
from tui.view.search import find

pytest.importorskip("engine.scenes")


@pytest.fixture(scope="module")
def two_layer():
    """The default scene's real events (one iteration), folded into the view state."""
    state, _ = folded_run("two-layer", iterations=1)
    lines = state.scene["source"].splitlines()
    return state.graphs["static"], state.graphs["eager"], lines, state.scene["file"]


def _names(graph, ids):
    return [graph.nodes[i].name for i in ids]


def test_assigned_name_takes_one_plain_name() -> None:
    assert assigned_name("        h = x.mm(w1).clamp(min=0)") == "h"
    assert assigned_name("loss = (y_pred - y).pow(2).sum()") == "loss"
    assert assigned_name("grad_w1, grad_w2 = tf.gradients(loss, [w1, w2])") == ""
    assert assigned_name("w1 -= learning_rate * w1.grad") == ""
    assert assigned_name("if a == b:") == ""
    assert op_family("Clamp") == op_family("Maximum") and op_family("Pow") == op_family("Square")


def test_eager_nodes_are_named_by_their_lines(two_layer) -> None:
    _, eager, lines, listing = two_layer
    names = {eager.nodes[i].name: n for i, n in user_names(eager, lines, listing).items()}
    # leaves keep their own names; the last node of "h = x.mm(w1).clamp(min=0)" is h
    assert names["clamp"] == "h" and names["sum"] == "loss" and names["x"] == "x"
    assert names["w1"] == "w1"
    assert "mul" not in names  # "w1 -= learning_rate * w1.grad" assigns no plain name


def test_the_default_scene_pairs_every_forward_node(two_layer) -> None:
    static, eager, lines, listing = two_layer
    links = link(static, eager, lines, listing)
    by_name = {
        s.name: eager.nodes[links.static_to_eager[s.id]]
        for s in static.nodes.values()
        if s.id in links.static_to_eager
    }
    pairs = {
        name: (by_name[name].name, by_name[name].shape)
        for name in ("Placeholder", "Placeholder_1", "Placeholder_2", "Placeholder_3")
        + ("MatMul", "Maximum", "MatMul_1", "sub", "pow", "Sum")
    }
    assert pairs == {
        "Placeholder": ("x", (64, 1000)),
        "Placeholder_1": ("y", (64, 10)),
        "Placeholder_2": ("w1", (1000, 100)),
        "Placeholder_3": ("w2", (100, 10)),
        "MatMul": ("mm", (64, 100)),  # by op and shape: no name on either side
        "Maximum": ("clamp", (64, 100)),  # h on both sides
        "MatMul_1": ("mm", (64, 10)),  # y_pred on both sides
        "sub": ("sub", (64, 10)),
        "pow": ("pow", (64, 10)),  # Pow and Square: one family
        "Sum": ("sum", ()),  # loss on both sides
    }
    # both ways, one to one on the forward nodes
    for s, e in links.static_to_eager.items():
        if static.nodes[s].grad_of is None:
            assert links.eager_to_static[e] == s
    # a gradient points at the node whose gradient it is: the eager pane draws it there (∇)
    grad = next(n for n in static.nodes.values() if n.name == "gradients/Maximum_grad/GradMask")
    assert eager.nodes[links.static_to_eager[grad.id]].name == "clamp"
    # constants pair with nothing; the eager updates have no static twin in this scene
    consts = [n.id for n in static.nodes.values() if n.op == "Const" and n.grad_of is None]
    assert consts and not set(consts) & set(links.static_to_eager)
    updates = [n.id for n in eager.nodes.values() if n.op in ("AssignSub", "Fill")]
    assert updates and not set(updates) & set(links.eager_to_static)


def test_a_line_lights_the_nodes_it_made(two_layer) -> None:
    static, eager, lines, listing = two_layer
    h_static = next(i for i, t in enumerate(lines, 1) if t.strip().startswith("h = tf.maximum"))
    h_eager = next(i for i, t in enumerate(lines, 1) if t.strip().startswith("h = x.mm"))
    assert _names(static, line_nodes(static, h_static, listing)) == [
        "MatMul",
        "Maximum/y",
        "Maximum",
    ]
    assert _names(eager, line_nodes(eager, h_eager, listing)) == ["x", "w1", "mm", "clamp"]
    assert line_nodes(eager, h_static, listing) == []
    assert line_nodes(static, h_static, "elsewhere.py") == []  # another file's line 25


def test_search_ranks_exact_then_prefix_then_substring(two_layer) -> None:
    static, eager, lines, listing = two_layer
    assert _names(static, find(static, "h"))[0] == "Maximum"  # var h
    assert _names(static, find(static, "MATMUL"))[:2] == ["MatMul", "MatMul_1"]
    assert _names(eager, find(eager, "h", user_names(eager, lines, listing))) == ["clamp"]
    assert find(static, "  ") == [] and find(None, "h") == []
    assert find(static, "no-such-node") == []


def _text(box: BoxText, w: int, h: int) -> list[str]:
    return ["".join(t for t, _ in box_row(box, dy, w, h)) for dy in range(h)]


def test_gradients_show_at_every_box_size() -> None:
    full = BoxText("h", "64×100 f32", "2.2µs", "grad 1.03e+05", "done")
    assert _text(full, 20, 4)[-1] == "╰─ grad 1.03e+05 ──╯"
    compact = BoxText("clamp", "64×100", "2.2µs", "∇ 1.03e+05", "done")
    assert _text(compact, 18, 3)[-1] == "╰─ ∇ 1.03e+05 ───╯"
    assert _text(compact, 14, 3)[-1] == "╰─ ∇ ────────╯"  # a cut number would lie: the sign
    mini = BoxText("mm", "64×100", "", "∇ 7.57e+04", "done")
    assert _text(mini, 14, 1) == ["[mm 64×100  ∇]"]
    row = box_row(mini, 0, 14, 1)
    assert ("∇", "grad") in row
    assert _text(mini, 11, 1) == ["[mm 64×100]"]  # no room: no sign


def test_a_one_row_box_keeps_room_for_its_gradient(two_layer) -> None:
    """A box is as wide as its label, and a node that gets a gradient keeps two cells more,
    so the ∇ shows once its gradient has arrived (a forward node: h, or the eager mm; a side
    input: y). The eager pane's map for the next iteration is laid out from a finished one."""
    from tui.drawing.fold import Folding, fold_view
    from tui.drawing.labels import label_of, width_for

    labels = {}
    for graph in two_layer[:2]:
        view = fold_view(graph, Folding())
        for v, _ in view.nodes:
            if v in graph.nodes:
                name = graph.nodes[v].var or graph.nodes[v].name
                labels[graph.mode, name] = label_of(graph, view, v)
    h, y, mm = labels["static", "h"], labels["static", "y"], labels["eager", "mm"]
    assert h.grad and mm.grad and not y.grad
    for label in (h, mm, y):
        w = width_for(label, "mini")
        text = _text(
            BoxText(label.name, label.shape, "", "∇ 1.0" if label.grad else "", "done"), w, 1
        )
        assert text == [f"[{label.name} {label.shape}{' ∇' if label.grad else ''}]"], text


def test_lit_boxes_have_double_borders_and_keep_their_state_colour() -> None:
    lit = BoxText("h", "64×100", "2.2µs", "", "done", lit=True)
    rows = [box_row(lit, dy, 12, 3) for dy in range(3)]
    assert ["".join(t for t, _ in r) for r in rows][0].startswith("╔")
    assert rows[1][0] == ("║", "done+lit") and rows[1][1][1] == "done"
    assert _text(lit, 12, 1) == ["«h 64×100  »"]
    selected = BoxText("h", "64×100", "", "", "done", border="heavy", lit=True)
    assert _text(selected, 12, 3)[0].startswith("┏")  # the selection's border wins
    pruned = BoxText("h", "64×100", "", "", "pruned", border="dashed", lit=True)
    assert _text(pruned, 12, 3)[0].startswith("╔")

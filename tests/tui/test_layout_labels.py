"""Box widths are measured in terminal cells: a Korean name gets a box it fits in."""

from __future__ import annotations

import pytest
from rich.cells import cell_len

from tui.drawing.boxes import BoxText, box_row
from tui.drawing.fold import eager_call_text, shorten
from tui.drawing.labels import CAPS, Label, width_for
from tui.drawing.pane import box_title


@pytest.mark.parametrize("size", ["full", "compact", "mini", "tiny"])
@pytest.mark.parametrize("name", ["가중치", "은닉층_출력", "w1"])
def test_a_box_is_as_wide_as_its_name_in_cells(size: str, name: str) -> None:
    label = Label(name, "", "64×100")
    w = width_for(label, size)
    title = box_title(label, size)
    assert title.startswith(name), (title, size)
    inner = w - 2 if size in ("mini", "tiny") else w - 5  # brackets; a border's "╭─ " and " ╮"
    assert cell_len(title) <= inner, (name, size, w, title)
    h = 1 if size in ("mini", "tiny") else 3
    top = "".join(text for text, _ in box_row(BoxText(title, "64×100", ""), 0, w, h))
    assert name in top and cell_len(top) == w, (top, w)


def test_a_korean_name_longer_than_the_cap_is_cut_to_the_cap_in_cells() -> None:
    name = "모델/은닉층/가중치_기울기_합계"
    cap = CAPS["mini"][1] - 2
    short = shorten(name, cap)
    assert short.startswith("…") and name.endswith(short[1:])
    assert cap - 1 <= cell_len(short) <= cap, (short, cell_len(short))
    assert shorten("가중치", 6) == "가중치" and shorten("가중치", 5) == "가…치"  # in no scope


def test_a_name_in_no_scope_keeps_its_start_and_its_end() -> None:
    assert shorten("mean_squared_error/", 18) == "mean_squ…ed_error/"
    assert shorten("▸ mean_squared_error/", 18) == "▸ mean_s…ed_error/"  # a group says so
    assert shorten("random_normal_1/", 12) == "rando…mal_1/"  # _1: not random_normal/
    assert shorten("gradients/pow_grad/Sum", 10) == "…_grad/Sum"  # a scope: cut from its side


@pytest.mark.parametrize("ops", ["3 ops", "연산 3개"])
def test_a_compact_group_box_shows_its_count_and_never_a_time_cut_short(ops: str) -> None:
    """A folded scope's compact box is as wide as its name needs (a wider one can push the
    whole drawing down to one-row boxes): it says "3 ops", and its time only whole (it said
    "3 ops 5…": a number cut short lies)."""
    w = width_for(Label("cond/", "", "3", group=True), "compact")
    row = "".join(t for t, _ in box_row(BoxText("▸ cond/", ops, "470.0µs"), 1, w, 3))
    assert ops in row and "…" not in row, (row, w)
    wide = "".join(t for t, _ in box_row(BoxText("▸ cond/", ops, "470.0µs"), 1, w + 9, 3))
    assert f"{ops} 470.0µs" in wide, wide


def test_a_time_that_does_not_fit_a_compact_row_is_left_out_not_cut() -> None:
    row = "".join(t for t, _ in box_row(BoxText("MatMul", "64×100", "470.0µs"), 1, 14, 3))
    assert "64×100" in row and "µs" not in row and "…" not in row, row


def test_a_collectors_box_keeps_room_for_a_border_only_where_it_is_tall() -> None:
    """Among one-row boxes a collector's tall box has a border (drawn as a compact box, its
    name in the top one), so it is as wide as a compact box; gathered into an ordinary
    one-row box it is as wide as its name: ``[▸ gradients/]``, not ``[▸ gradients/   ]``."""
    from tests.tui.test_layout_layered import GRADS
    from tui.drawing.fit import draw
    from tui.drawing.pane import box_widths
    from tui.drawing.plan import Plan

    group = Label("gradients/", "", "14", group=True)
    labels = {n: [group if n == "grads" else Label(str(n), "", "2×3")] for n, _ in GRADS}
    for gather, want in ((False, width_for(group, "compact")), (True, len("[▸ gradients/]"))):
        plan = Plan(GRADS, gather=gather)
        assert ("grads" in plan.ranking.side) != gather
        box = draw(plan, GRADS, ("TB", "tiny", -1), box_widths(labels)).boxes["grads"]
        assert box.w == want and (box.h > 1) != gather, (gather, box)
    assert len("[▸ gradients/]") < width_for(group, "compact")


@pytest.mark.parametrize(
    ("args", "attrs", "text"),
    [
        ((), None, "mm"),
        ((None, 2), None, "mm(·, 2)"),
        ((), {"min": 0.0}, "mm(min=0)"),
        ((), {"min": -1.5, "max": 1.0}, "mm(min=-1.5, max=1)"),
        ((), {"axis": 1, "keepdims": False}, "mm(dim=1)"),
        ((), {"axis": [0, 1]}, "mm(dim=0,1)"),
        ((), {"transpose_b": True}, "mm"),
        ((), {"index": 0}, "mm[0]"),  # x[t] runs as select: select[0], select[1], ...
        ((), {"index": [0, 1]}, "mm[0, 1]"),
    ],
)
def test_an_eager_op_writes_in_the_numbers_the_loop_gave_it(args, attrs, text) -> None:  # type: ignore[no-untyped-def]
    assert eager_call_text("mm", args, attrs) == text


def test_a_tiny_box_says_an_eager_op_without_its_numbers() -> None:
    label = Label("clamp(min=0)", "", "64×100", brief="clamp")
    assert label.title("tiny", CAPS["tiny"][1]) == "clamp"
    assert label.title("compact", CAPS["compact"][1]) == "clamp(min=0)"
    assert width_for(label, "tiny") < width_for(Label("clamp(min=0)", "", "64×100"), "tiny")


@pytest.mark.parametrize(
    ("name", "shape", "grad", "text"),
    [
        ("clamp(min=0)", "64×100", True, "clamp(0) 64×100"),  # it dropped its shape
        ("clamp(min=0, max=6)", "64×100", False, "clamp(0, 6) 64×100"),  # max is the second place
        ("clamp(max=6)", "64×100", False, "clamp(…) 64×100"),  # max is not the first place
        ("sum(dim=1)", "64×100", True, "sum(1) 64×100"),
        ("sum(dim=0,1)", "64×100", True, "sum(…) 64×100"),  # several dims keep their keyword
        ("add(·, 1e-07)", "64×100", True, "add(…) 64×100"),
        ("Pow(·, 2)", "64×100", True, "Pow(·, 2) 64×100"),  # fits whole, with its ∇
        ("Pow(·, 2)", "64×1000", True, "Pow(·,2) 64×1000"),  # without the space
        ("gradients/pow_grad/Sum", "64×100", False, "…ents/pow_grad/Sum"),  # cut, no shape
    ],
)
def test_a_one_row_box_writes_its_numbers_shorter_before_it_drops_its_shape(
    name: str, shape: str, grad: bool, text: str
) -> None:
    """Every one-row box of a pane says its shape where it can (``[clamp(min=0)]`` was the
    one box of the default scene without), with room for the ``∇`` of a node that gets a
    gradient: a call's numbers are written by position, then elided, before the shape goes."""
    cap = CAPS["mini"][1]
    label = Label(name, "", shape, grad=grad)
    assert label.mini(cap) == text
    w = width_for(label, "mini")
    row = "".join(t for t, _ in box_row(BoxText(text, "", "", grad="∇" if grad else ""), 0, w, 1))
    assert text in row and cell_len(row) == w and row.endswith("∇]" if grad else "]"), row


def test_a_title_writes_its_numbers_shorter_before_it_cuts_them() -> None:
    label = Label("clamp(min=-1.5, max=1.5)", "", "64×100")
    assert label.title("compact", CAPS["compact"][1]) == "clamp(-1.5, 1.5)"


def test_an_op_without_an_output_says_no_shape() -> None:
    """``tf.group``'s NoOp has no output (its events carry no dtype): its box said ``()``, the
    shape of a scalar, as the loss beside it does."""
    import engine.static as tf
    from engine.events import recording
    from tui.cli.layout import pane_drawings
    from tui.drawing.fold import Folding
    from tui.drawing.labels import label_of

    with recording() as events, tf.Graph().as_default():
        w = tf.Variable(tf.constant(1.0), name="w")
        loss = tf.reduce_sum(w * w)
        tf.group(tf.assign(w, w - loss), name="step")
    graph, drawing = pane_drawings(events, {"static": (160, 40)}, Folding())["static"]
    labels = {
        graph.nodes[v].op: label_of(graph, drawing.view, v)
        for v, _ in drawing.view.nodes
        if v in graph.nodes  # not a folded scope (the variable w)
    }
    assert labels["NoOp"].shape == "" and labels["Sum"].shape == "0-d", labels


def test_the_steps_of_a_loop_that_index_a_tensor_are_told_apart() -> None:
    """``x[t]`` in a loop drew three boxes that all said ``select``: each says its index,
    in every box size (a subscript is never elided as a call's numbers are)."""
    import engine.eager as torch
    from engine.events import recording
    from tui.cli.layout import pane_drawings
    from tui.drawing.fold import Folding
    from tui.drawing.labels import label_of

    with recording() as events:
        x, y = torch.randn(3, 4), torch.randn(4)
        for t in range(3):
            y = y + x[t]
    graph, drawing = pane_drawings(events, {"eager": (160, 40)}, Folding())["eager"]
    labels = [
        label_of(graph, drawing.view, v)
        for v, _ in drawing.view.nodes
        if v in graph.nodes and graph.nodes[v].op == "Index"
    ]
    assert [lab.name for lab in labels] == ["select[0]", "select[1]", "select[2]"], labels
    for size, (_, cap) in CAPS.items():
        texts = [lab.mini(cap) if size == "mini" else lab.title(size, cap) for lab in labels]
        assert all(f"[{t}]" in text for t, text in enumerate(texts)), (size, texts)


@pytest.mark.parametrize(
    ("shape", "text"),
    [
        ((64, 100), "64×100"),
        ((64,), "64"),
        ((), "0-d"),
        (None, "?"),
        ((2, 3, 4), "2×3×4"),
        ((None,), "?"),
        ((None, 10), "?×10"),
    ],
)
def test_a_shape_reads_as_a_shape_beside_a_calls_numbers(shape, text) -> None:  # type: ignore[no-untyped-def]
    """``clamp(0) ()`` read as an empty call; a dimension of None as a word."""
    from tui.view.model import shape_text

    assert shape_text(shape) == text

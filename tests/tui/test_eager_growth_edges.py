"""The eager pane's first iteration, as it grows node by node, draws every edge between the
boxes it shows: a module's box opened by its weight goes after the node the module reads, not
beside it, where the edge in would run backwards and wait for the map."""

from __future__ import annotations

import pytest

from tui.cli.layout import first_iteration
from tui.drawing.fold import Folding


def grow(name: str, size: tuple[int, int]) -> tuple[list[tuple[int, object]], bool]:
    """(step, edge) for every edge between two shown boxes that a drawing of the growing
    first iteration leaves out, and whether every drawing fitted the pane."""
    room, drawings = first_iteration(name, size, Folding())
    missing, steps, fits = [], 0, True
    for steps, (drawing, _) in enumerate(drawings, 1):
        layout = drawing.layout
        fits = fits and layout.width <= room[0] and layout.height <= room[1]
        boxes, drawn = layout.boxes, {(e.src, e.dst) for e in layout.edges}
        for vid, ins in drawing.view.nodes:
            missing += [
                (steps, (i, vid))
                for i in ins
                if i in boxes and vid in boxes and (i, vid) not in drawn
            ]
    assert steps > 5, name
    return missing, fits


@pytest.mark.parametrize("name", ["torch-nn", "torch-module", "torch-mix"])
@pytest.mark.parametrize("size", [(160, 48), (80, 24)])
def test_a_growing_iteration_draws_the_edges_into_its_modules(
    name: str, size: tuple[int, int]
) -> None:
    assert grow(name, size)[0] == []


def test_the_updates_under_no_grad_stay_beside_the_loss_inside_the_pane() -> None:
    assert grow("two-layer", (160, 48)) == ([], True)

"""The eager pane's first iteration, as it grows node by node, draws every edge between the
boxes it shows: a module's box opened by its weight goes after the node the module reads, not
beside it, where the edge in would run backwards and wait for the map."""

from __future__ import annotations

import pytest

from engine.scenes import SCENES
from tui.cli.layout import _scene_events, pane_room
from tui.drawing.fold import Folding
from tui.drawing.pane import EagerPane
from tui.i18n import scene_text
from tui.view.lecture import scene_sides
from tui.view.state import ViewState


def grow(name: str, size: tuple[int, int]) -> tuple[list[tuple[int, object]], bool]:
    """(step, edge) for every edge between two shown boxes that a drawing of the growing
    first iteration leaves out, and whether every drawing fitted the pane."""
    scene = SCENES[name]
    events, _, _ = _scene_events(name, 1)
    title, caption = scene_text(name, scene)
    room = pane_room(*size, scene_sides(name, scene), f"{title}  ·  {caption}")["eager"]
    state, pane = ViewState(fake_timings=True), EagerPane(room, Folding())
    missing, steps, fits = [], 0, True
    for ev in events:
        state.apply(ev)
        graph = state.graphs["eager"]
        if graph is not pane.graph:
            if pane.graph is not None:
                break
            pane.show(graph)
            continue
        if ev.get("mode") != "eager" or ev.get("kind") != "node_created":
            continue
        pane.grow()
        drawing = pane.drawing()
        assert drawing is not None
        if pane._map.plan is not None:
            break
        steps += 1
        fits = fits and drawing.layout.width <= room[0] and drawing.layout.height <= room[1]
        boxes, drawn = drawing.layout.boxes, {(e.src, e.dst) for e in drawing.layout.edges}
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

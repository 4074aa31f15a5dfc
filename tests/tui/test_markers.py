"""Phase markers derived from the two-layer scene's real events."""

from __future__ import annotations

import pytest

from engine.events import recording
from tui.replay.markers import derive_markers

scenes = pytest.importorskip("engine.scenes")


@pytest.fixture(scope="module")
def two_layer_events() -> list[dict]:
    from engine.events import STREAM

    scenes.end_eager_iteration()  # an app test may have stopped a run mid-iteration
    with recording(STREAM) as events:
        scenes.get_scene("two-layer").run("cpu", 2, small=True)
    return events


def test_markers_of_the_two_layer_scene(two_layer_events: list[dict]) -> None:
    events = two_layer_events
    markers = derive_markers(events)
    labels = [m.label() for m in markers]
    assert labels[0] == "static graph built"
    assert events[markers[0].pos - 1]["kind"] == "run_started"
    # every static run: forward, backward, end, in that order
    runs = sorted({m.number for m in markers if m.mode == "static"})
    assert len(runs) == 2
    for run in runs:
        kinds = [m.kind for m in markers if m.mode == "static" and m.number == run]
        assert kinds == (["built"] if run == runs[0] else []) + ["forward", "backward", "end"]
    # every eager iteration: forward, backward (ops after the loss), update (sub_), end
    iterations = sorted({m.number for m in markers if m.mode == "eager"})
    assert len(iterations) == 2  # numbered by the eager front end (it counts on across runs)
    for it in iterations:
        kinds = [m.kind for m in markers if m.mode == "eager" and m.number == it]
        assert kinds == ["forward", "backward", "update", "end"]
    by_pos = {m.pos: m for m in markers}
    for pos, m in by_pos.items():
        ev = events[pos - 1]
        if m.kind == "update" and m.mode == "eager":
            assert ev["name"] == "sub_"
        if m.kind == "backward" and m.mode == "static":
            assert ev["kind"] == "node_started"
        if m.kind == "end":
            assert ev["kind"] in ("run_finished", "iteration_finished")
    assert [m.pos for m in markers] == sorted(m.pos for m in markers)


def test_korean_marker_labels(two_layer_events: list[dict]) -> None:
    markers = derive_markers(two_layer_events)
    assert markers[0].label("ko") == "정적 그래프 완성"
    assert any("역전파" in m.label("ko") for m in markers)

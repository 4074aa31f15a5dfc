"""Every lecture listing runs headless at small sizes, and the lecture's points hold."""

from __future__ import annotations

import ast

import numpy as np
import pytest

from engine.events import recording
from engine.scenes import DEFAULT_SCENE, SCENES, get_scene

SECTIONS = ["intro", "tensorflow", "pytorch", "static-vs-dynamic"]


def test_catalogue_is_in_lecture_order():
    assert DEFAULT_SCENE in SCENES
    order = [SECTIONS.index(s.section) for s in SCENES.values()]
    assert order == sorted(order)
    assert list(SCENES)[:2] == ["tf-graph", "torch-graph"]
    assert len(SCENES) == 22
    assert all(s.title_ko and s.caption_ko for s in SCENES.values())


@pytest.mark.parametrize("name", list(SCENES))
def test_listing_edits_apply_and_keep_line_numbers(name):
    scene = SCENES[name]
    text = scene.source()
    ast.parse(text)
    assert scene.caption and "\n" not in scene.caption
    for old, _ in scene.small:
        assert old in text, f"{name}: small edit {old!r} matches nothing"
    if scene.loop:
        assert scene.loop in text, f"{name}: loop bound {scene.loop!r} not in the listing"
        assert "range(3)" in scene.source(iterations=3)
    for variant in (
        scene.source(small=True),
        scene.source(device="gpu"),
        scene.source(iterations=2),
    ):
        assert len(variant.splitlines()) == len(text.splitlines())
    imports = [n for n in ast.walk(ast.parse(text)) if isinstance(n, (ast.Import, ast.ImportFrom))]
    names = {a.name for n in imports if isinstance(n, ast.Import) for a in n.names}
    assert not names & {"torch", "tensorflow"}, "listings import the engine, not the frameworks"


def test_unknown_scene_names_the_scenes_there_are():
    with pytest.raises(KeyError, match="two-layer"):
        get_scene("no-such-scene")


@pytest.mark.parametrize("name", list(SCENES))
def test_scene_runs_headless_at_small_size(name):
    with recording() as events:
        namespace = get_scene(name).run(iterations=2, small=True)
    kinds = {e["kind"] for e in events}
    assert events[0]["kind"] == "scene" and events[0]["name"] == name
    ran = [
        e
        for e in events
        if e["kind"] == "node_finished" or "dur_ns" in e and e["kind"] == "node_created"
    ]
    assert "node_created" in kinds and ran, f"{name}: no engine nodes ran"
    assert "error" not in kinds
    assert namespace["__file__"] == f"scene:{SCENES[name].file}"


def _final_loss(name: str, iterations: int) -> float:
    """``loss_val`` after ``iterations`` runs of the scene at the lecture's sizes."""
    namespace = get_scene(name).run(iterations=iterations, seed=0)
    return float(np.asarray(namespace["loss_val"]))


def test_variables_scene_loss_stays_constant():
    """T3: fetching only [loss] never runs the assign nodes, so the loss cannot move."""
    first, later = _final_loss("tf-variables", 1), _final_loss("tf-variables", 3)
    assert np.isfinite(first)
    assert later == first, f"T3 loss moved: {first} -> {later}"


@pytest.mark.parametrize("name", ["tf-group", "tf-optimizer"])
def test_group_and_optimizer_scenes_loss_goes_down(name):
    first, later = _final_loss(name, 1), _final_loss(name, 3)
    assert np.isfinite(first) and later < first, f"{name}: loss {first} -> {later}"


def test_conditional_scene_reproduces_the_slides_inverted_predicate():
    """S4: PyTorch takes x.mm(w1) for z = 10; tf.less(z, 0) is False there, so TF takes f2."""
    ns = get_scene("conditional").run()
    values = ns["values"]
    x, w2 = (np.asarray(values[ns[k]], np.float32) for k in ("x", "w2"))
    np.testing.assert_allclose(
        ns["y_val"],
        x @ w2,
        rtol=1e-5,
        atol=1e-5,
        err_msg="tf.cond(tf.less(10, 0), f1, f2) must take f2",
    )


def test_loops_scene_foldl_matches_the_python_loop():
    """S5: tf.foldl returns only y_T; the PyTorch list holds y_0 .. y_T."""
    ns = get_scene("loops").run()
    values = ns["values"]
    x, y0, w = (np.asarray(values[ns[k]], np.float64) for k in ("x", "y0", "w"))
    y = y0
    for t in range(x.shape[0]):
        y = (y + x[t]) * w
    np.testing.assert_allclose(ns["y_val"], y, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("name", list(SCENES))
def test_scene_on_the_gpu_puts_every_node_there(name):
    """The GPU edits move the whole listing (GPU logic on a numpy stand-in for cupy)."""
    from engine import devices
    from tests import fakecupy

    with devices.simulated_gpu(fakecupy), recording() as events:
        get_scene(name).run(device="gpu", iterations=2, small=True)
    finished = [e for e in events if e["kind"] == "node_finished"]
    places = {e["device"] for e in finished if e.get("process") != "fresh"}
    assert places == {"gpu"}, f"{name}: nodes ran on {places}"
    # a fresh process cannot see a simulated GPU: it falls back to the CPU, and says so
    fresh = {e["device"] for e in finished if e.get("process") == "fresh"}
    assert fresh <= {"cpu"}

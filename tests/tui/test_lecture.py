"""Lecture mode: scenes walked in order, one-sided scenes, presentation, Korean, scripts."""

from __future__ import annotations

import inspect
from pathlib import Path
from typing import Any

from rich.cells import cell_len
from textual.app import App

from tests.tui.conftest import CPU_FACTS, build_app, finish
from tui.app.cgviz_app import make_app
from tui.i18n import STRINGS, cell_ljust
from tui.view.lecture import format_scene_list, scene_sides


def test_every_english_string_has_a_korean_one() -> None:
    plural = {key for key in STRINGS["en"] if key.endswith(".one")}  # Korean has no plural
    assert set(STRINGS["en"]) - plural == set(STRINGS["ko"])
    from engine.scenes import SCENES

    for name, scene in SCENES.items():  # scenes carry their own Korean
        assert scene.title_ko and scene.caption_ko, name


def test_korean_scene_list_lines_up_in_cells() -> None:
    from engine.scenes import SCENES

    text = format_scene_list(SCENES, "two-layer", "ko", captions=False)
    rows = [line for line in text.splitlines()[1:-1]]
    starts = set()
    for row in rows:
        name, section, title = (
            row.split(None, 2)
            if not row.startswith("two-layer *")
            else ("two-layer *", *row[len("two-layer *") :].split(None, 1))
        )
        starts.add(cell_len(row) - cell_len(title))
    assert len(starts) == 1
    assert cell_len(cell_ljust("정적", 6)) == 6


def test_scene_sides_follow_the_lecture() -> None:
    from engine.scenes import SCENES

    assert scene_sides("tf-nn", SCENES["tf-nn"]) == {"static"}
    assert scene_sides("torch-nn", SCENES["torch-nn"]) == {"eager"}
    assert scene_sides("two-layer", SCENES["two-layer"]) == {"static", "eager"}


async def test_a_part_of_a_one_sided_scene_keeps_its_side() -> None:
    """data-loading announces its parts ("data-loading:disk"): still PyTorch only, so no empty
    static pane takes half the screen."""
    from types import SimpleNamespace

    scene = SimpleNamespace(title="data", caption="", section="pytorch")
    app = build_app(iterations=1, autostart=False)
    async with app.run_test(size=(160, 48)) as pilot:
        app.scenes["data-loading"] = scene
        app.scene_event({"name": "data-loading:disk", "title": "data: read from disk"})
        await pilot.pause()
        assert not app.static_graph.display and app.eager_graph.display
        assert "read from disk" in str(app.caption.content)


async def test_korean_panes_and_status_fit_their_boxes() -> None:
    app = build_app(iterations=1, lang="ko", present=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await finish(pilot)
        assert app.static_graph.border_title == "정적 그래프 · TensorFlow 1 · 작성한 그래프"
        assert "정적 vs 동적" in str(app.caption.content)
        assert "반복" in str(app.status.content) and "반복" in str(app.cue.content)
        rows = app.screen._compositor.render_strips()  # the screen as the terminal gets it
        assert all(strip.cell_length == 120 for strip in rows)
        text = ["".join(seg.text for seg in strip) for strip in rows]
        border = [line for line in text if "정적 그래프" in line]
        assert border and all(cell_len(line) == 120 for line in border)
        # the pane's right border sits in the same column on every row of the pane
        col = {cell_len(line[: line.rindex("┃")]) for line in text[6:20] if "┃" in line}
        assert len(col) <= 2


async def test_next_and_previous_walk_the_lecture() -> None:
    from engine.scenes import SCENES

    names = list(SCENES)
    app = make_app(
        scene=names[0],
        iterations=1,
        speed="full",
        deterministic=True,
        gpu_status=lambda: (False, "no cupy (test)"),
        device_info=lambda name: dict(CPU_FACTS),
    )
    async with app.run_test(size=(160, 48)) as pilot:
        await finish(pilot)
        assert app.static_graph.display and not app.eager_graph.display  # TensorFlow only
        await pilot.press("n")
        assert app.scene_name == names[1]
        await finish(pilot)
        assert app.eager_graph.display and not app.static_graph.display  # PyTorch only
        await pilot.press("pageup")
        assert app.scene_name == names[0]
        await pilot.press("p")  # the first scene: stays
        assert app.scene_name == names[0]
        await finish(pilot)
        assert "computational graph" in str(app.caption.content)


async def test_presentation_mode_key() -> None:
    app = build_app(iterations=1)
    async with app.run_test(size=(160, 48)) as pilot:
        await finish(pilot)
        await pilot.press("P")
        assert app.theme == "projector" and app.screen.has_class("-present")
        assert not app.query_one("#side").display and app.cue.display
        assert str(app.cue.content)
        await pilot.press("P")
        assert app.theme == "cgviz-dark" and not app.screen.has_class("-present")


def script_app(scene: Any) -> Any:
    """The app on one loaded script, deterministic, no GPU."""
    return make_app(
        scene=scene.name,
        scenes={scene.name: scene},
        speed="full",
        deterministic=True,
        gpu_status=lambda: (False, "no cupy (test)"),
        device_info=lambda name: dict(CPU_FACTS),
    )


async def test_a_script_that_raises_shows_its_traceback(tmp_path: Path) -> None:
    from tui.engine_link.script import load_script_scene
    from tui.screens.traceback import TracebackScreen

    script = tmp_path / "mine.py"
    script.write_text("import torch\n\nx = torch.randn(3, 4)\ny = x.mm(torch.randn(5, 2))\n")
    scene = load_script_scene(str(script), "cpu", None)
    assert scene.aliases == ["torch"] and "engine.eager" in scene.caption
    app = script_app(scene)
    async with app.run_test(size=(160, 48)) as pilot:
        await finish(pilot)
        await pilot.pause()
        assert isinstance(app.screen, TracebackScreen)
        text = app.screen.text
        assert "mine.py" in text and "line 4" in text
        await pilot.press("escape")
        assert not isinstance(app.screen, TracebackScreen)
        assert app.state.graphs["eager"] is not None


def test_the_private_display_hook_of_textual_is_still_there() -> None:
    # tui/replay/cast.py wraps App._display(screen, renderable); Textual is pinned for this.
    params = list(inspect.signature(App._display).parameters)
    assert params == ["self", "screen", "renderable"]


async def test_a_script_shows_what_it_prints_and_takes_the_width_of_its_side(
    tmp_path: Path,
) -> None:
    from tui.engine_link.script import load_script_scene

    script = tmp_path / "chatty.py"
    long = "a line longer than the pane is wrapped onto the next row, not cut off at its edge"
    script.write_text(
        "import sys\nimport torch\n\nx = torch.randn(3, 4)\nprint('hello from the script')\n"
        f"print({long!r})\n"
        "print('loss', x.sum().item(), end='')\nprint('careful', file=sys.stderr)\n"
    )
    scene = load_script_scene(str(script), "cpu", None)
    assert scene.sides == ("eager",)
    app = script_app(scene)
    async with app.run_test(size=(160, 48)) as pilot:
        await finish(pilot)
        await pilot.pause()
        assert app.output.display
        width = app.output.scrollable_content_region.width
        rows = [strip.text.rstrip() for strip in app.output.lines]
        assert all(cell_len(row) <= width for row in rows)  # wrapped to the pane, none cut
        # the script's own lines in order, stderr marked; a line without its newline comes at
        # the end (the caption, not the log, says where `import torch` resolves)
        assert rows[0] == "hello from the script" and len(long) > width
        wrapped = rows[1 : rows.index("! careful")]
        assert len(wrapped) >= 2 and " ".join(wrapped) == long
        assert rows[-1].startswith("loss ") and rows[-2] == "! careful"
        assert not app.static_graph.display and app.eager_graph.display  # the whole width


def test_a_scripts_sides_come_from_its_imports(tmp_path: Path) -> None:
    from tui.engine_link.script import load_script_scene

    for text, sides in (
        ("import tensorflow as tf\n", ("static",)),
        ("import engine.eager as torch\nimport engine.static as tf\n", ("static", "eager")),
        ("from torch import nn\n", ("eager",)),
        ("from keras.models import Sequential\n", ("static",)),  # Keras builds a static graph
        ("import keras\nimport torch\n", ("static", "eager")),
        ("import numpy\n", ()),
    ):
        script = tmp_path / "s.py"
        script.write_text(text)
        assert load_script_scene(str(script), "cpu", None).sides == sides, text

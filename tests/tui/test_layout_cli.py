"""`cgviz layout`: the graphs as the panes draw them, as documented JSON, from a scene or trace."""

from __future__ import annotations

import contextlib
import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tui.cli.main import run_cli

scenes = pytest.importorskip("engine.scenes")

GRAPH_KEYS = {"pane", "room", "orientation", "box", "width", "height", "nodes", "edges"}
NODE_KEYS = {"id", "label", "x", "y", "w", "h"}
EDGE_KEYS = {"src", "dst", "points"}
SCENES = ("two-layer", "tf-variables", "torch-nn", "loops")


def cli(*argv: str) -> tuple[int, str, str]:
    """Run ``cgviz ARGV`` in-process: (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = run_cli(list(argv))
    return code, out.getvalue(), err.getvalue()


_CACHE: dict[tuple[str, ...], dict[str, Any]] = {}


def layout(*argv: str) -> dict[str, Any]:
    """The JSON of ``cgviz layout ARGV --json`` (each command line run once per session)."""
    if argv not in _CACHE:
        code, out, err = cli("layout", *argv, "--json")
        assert code == 0, err
        _CACHE[argv] = json.loads(out)
    return _CACHE[argv]


def touches(point: list[int], box: dict[str, int]) -> bool:
    """The cell is just outside the box, beside one of its sides."""
    x, y = point
    inside_x = box["x"] <= x < box["x"] + box["w"]
    inside_y = box["y"] <= y < box["y"] + box["h"]
    beside_x = x in (box["x"] - 1, box["x"] + box["w"])
    beside_y = y in (box["y"] - 1, box["y"] + box["h"])
    return (inside_x and beside_y) or (inside_y and beside_x)


def test_the_json_has_the_documented_keys() -> None:
    data = layout("--scene", "two-layer")
    assert set(data) == {"scene", "size", "unfold", "graphs"}
    assert data["scene"] == "two-layer" and data["size"] == [160, 48] and not data["unfold"]
    assert [g["pane"] for g in data["graphs"]] == ["static", "eager"]
    for g in data["graphs"]:
        assert set(g) == GRAPH_KEYS
        assert g["orientation"] in ("LR", "TB") and g["box"] in ("full", "compact", "mini", "tiny")
        assert g["nodes"] and g["edges"]
        ids = [n["id"] for n in g["nodes"]]
        assert len(set(ids)) == len(ids)
        for n in g["nodes"]:
            assert set(n) == NODE_KEYS and isinstance(n["id"], str) and n["label"]
            assert all(isinstance(n[k], int) for k in "xywh")
            assert n["x"] + n["w"] <= g["width"] and n["y"] + n["h"] <= g["height"]
        for e in g["edges"]:
            assert set(e) == EDGE_KEYS and {e["src"], e["dst"]} <= set(ids)
            assert all(len(p) == 2 and all(isinstance(v, int) for v in p) for p in e["points"])
    static = data["graphs"][0]
    assert "scope:gradients" in {n["id"] for n in static["nodes"]}  # a fold is one node
    assert any(n["label"].startswith("h ") for n in static["nodes"])


@pytest.mark.parametrize("unfold", [False, True])
@pytest.mark.parametrize("scene", SCENES)
def test_edges_run_from_box_to_box_and_boxes_never_overlap(scene: str, unfold: bool) -> None:
    data = layout("--scene", scene, *(["--unfold"] if unfold else []))
    assert data["graphs"]
    for g in data["graphs"]:
        boxes = {n["id"]: n for n in g["nodes"]}
        for e in g["edges"]:
            pts = e["points"]
            assert touches(pts[0], boxes[e["src"]]), (g["pane"], e)
            assert touches(pts[-1], boxes[e["dst"]]), (g["pane"], e)
            for (x0, y0), (x1, y1) in zip(pts, pts[1:], strict=False):
                assert x0 == x1 or y0 == y1, (g["pane"], e)  # orthogonal runs
        nodes = g["nodes"]
        for i, a in enumerate(nodes):
            for b in nodes[i + 1 :]:
                apart = (
                    a["x"] + a["w"] <= b["x"]
                    or b["x"] + b["w"] <= a["x"]
                    or a["y"] + a["h"] <= b["y"]
                    or b["y"] + b["h"] <= a["y"]
                )
                assert apart, (g["pane"], a, b)


def test_the_same_scene_twice_gives_the_same_json() -> None:
    first = cli("layout", "--scene", "two-layer", "--json")
    second = cli("layout", "--scene", "two-layer", "--json")
    assert first[0] == 0 and first == second


def test_unfolding_draws_more_nodes() -> None:
    for scene in ("two-layer", "tf-variables"):
        folded, unfolded = layout("--scene", scene), layout("--scene", scene, "--unfold")
        assert unfolded["unfold"]
        static = [len(d["graphs"][0]["nodes"]) for d in (folded, unfolded)]
        assert static[1] > static[0], scene


@pytest.mark.parametrize("size", ["160x48", "120x36"])
def test_the_default_static_graph_is_whole_and_every_input_of_gradients_short(size: str) -> None:
    """The default scene's static graph fits its pane with no edges sharing cells, and
    gradients/ is a tall box beside the forward graph: every edge into it ends against its
    side, level with the layer it comes from (no bundle of long edges down to the bottom)."""
    from tui.drawing.layout import Edge, Layout
    from tui.drawing.quality import measure

    g = layout("--scene", "two-layer", "--size", size)["graphs"][0]
    w, h = g["room"]
    assert g["pane"] == "static" and g["width"] <= w and g["height"] <= h, (g["room"], size)
    boxes = {n["id"]: n for n in g["nodes"]}
    grads = boxes["scope:gradients"]
    into = [e for e in g["edges"] if e["dst"] == "scope:gradients"]
    assert len(into) >= 6
    for e in into:
        x, y = e["points"][-1]
        assert x == grads["x"] - 1 and grads["y"] <= y < grads["y"] + grads["h"], e
        src = boxes[e["src"]]
        assert y - (src["y"] + src["h"]) <= 2, f"{e['src']} enters gradients/ level with it"
    drawn = Layout(g["orientation"], width=g["width"], height=g["height"])
    drawn.edges = [Edge(e["src"], e["dst"], tuple(map(tuple, e["points"]))) for e in g["edges"]]
    ins: dict[str, list[str]] = {n["id"]: [] for n in g["nodes"]}
    for e in g["edges"]:
        ins[e["dst"]].append(e["src"])
    assert measure(drawn, list(ins.items())).shared == 0


def test_the_size_splits_the_terminal_as_the_app_does() -> None:
    wide = layout("--scene", "two-layer")
    assert [g["room"] for g in wide["graphs"]] == [[54, 28], [54, 28]]
    small = layout("--scene", "two-layer", "--size", "80x24")  # one pane at a time
    assert [g["room"] for g in small["graphs"]] == [[78, 18], [78, 18]]  # no header
    solo = layout("--scene", "tf-train")  # one side: the whole width
    assert [g["pane"] for g in solo["graphs"]] == ["static"]
    assert solo["graphs"][0]["room"] == [110, 28]


def test_a_trace_gives_what_the_live_scene_gave(tmp_path: Path) -> None:
    from engine.events import STREAM, trace_to

    path = tmp_path / "two-layer.jsonl"
    with trace_to(path, STREAM, device="cpu"), contextlib.redirect_stdout(io.StringIO()):
        scenes.SCENES["two-layer"].run(device="cpu", iterations=3, seed=0)
    assert layout("--trace", str(path)) == layout("--scene", "two-layer")


def test_a_bad_line_past_what_the_load_read_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A trace is read as it is used: its load reads the first segment (2,048 events); a bad
    line far past it still ends the command with the reader's one line, not a traceback."""
    from engine.events import STREAM, trace_to

    path = tmp_path / "long.jsonl"
    with trace_to(path, STREAM, device="cpu"), contextlib.redirect_stdout(io.StringIO()):
        scenes.SCENES["two-layer"].run(device="cpu", iterations=60, seed=0, small=True)
    lines = path.read_text().splitlines(keepends=True)
    assert len(lines) > 3000, "past the first segment"
    lines[3000] = '{"seq": 1, "t_ns": 1, "kind": "node_created"}\n'
    path.write_text("".join(lines))
    assert run_cli(["layout", "--trace", str(path), "--json"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and "3001" in err, err


def test_the_summary_names_each_pane(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(["layout", "--scene", "two-layer", "--size", "120x36"]) == 0
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert lines[0] == "two-layer at 120x36, folded:" and err == ""
    assert lines[1].split()[0] == "static" and lines[2].split()[0] == "eager"
    assert "58x22 pane" in lines[1] and "boxes" in lines[1]


@pytest.mark.parametrize(
    "argv",
    [
        ["--scene", "no-such-scene"],
        ["--size", "160"],
        ["--size", "10x10"],
        ["--trace", "missing.jsonl"],
        ["--trace", "corrupt.jsonl"],
        ["--scene", "two-layer", "--trace", "corrupt.jsonl"],
        ["--iterations", "0"],
        ["--frobnicate"],
    ],
)
def test_a_mistake_is_one_line_and_exit_2(
    argv: list[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    (tmp_path / "corrupt.jsonl").write_text('{"kind": "trace_header"\nnot json\n')
    monkeypatch.chdir(tmp_path)
    assert run_cli(["layout", *argv, "--json"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("cgviz: error: ") and err.count("\n") == 1, err


def test_a_scene_that_prints_still_gives_clean_json() -> None:
    """The one subprocess test: the installed entry point, a scene whose listing prints."""
    proc = subprocess.run(
        [sys.executable, "-m", "tui.cli.main", "layout", "--scene", "torch-graph", "--json"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert [g["pane"] for g in data["graphs"]] == ["eager"] and data["graphs"][0]["nodes"]


# ------------------------------------------------------------------ the same as the pane


async def test_the_layout_is_the_graph_panes_own() -> None:
    """Fed the same events node by node, the graph pane lays out what the command printed."""
    from textual.app import App, ComposeResult

    from tui.cli.layout import _scene_events, pane_drawings
    from tui.drawing.fold import Folding
    from tui.view.state import ViewState
    from tui.widgets.graph_view import GraphView

    class OnePane(App[None]):
        CSS = "GraphView { border: none; }"

        def __init__(self, mode: str) -> None:
            super().__init__()
            self.mode = mode

        def compose(self) -> ComposeResult:
            yield GraphView(self.mode)

    for scene, mode, room in (
        ("two-layer", "static", (54, 28)),
        ("two-layer", "eager", (54, 28)),
        ("torch-nn", "eager", (78, 17)),
    ):
        events, _, _ = _scene_events(scene, 3)
        _, drawing = pane_drawings(events, {mode: room}, Folding())[mode]
        app = OnePane(mode)
        async with app.run_test(size=room) as pilot:
            view = app.query_one(GraphView)
            await pilot.pause()
            assert tuple(view.size) == room
            state = ViewState(fake_timings=True)
            for ev in events:
                state.apply(ev)
                view.show(state.graphs[mode])
                view.sync()
            drawn = view.layout_
            assert drawing.layout.boxes == drawn.boxes, (scene, mode)
            assert drawing.layout.edges == drawn.edges, (scene, mode)
            assert drawing.box == view.box_in_use


async def test_the_pane_size_is_the_apps() -> None:
    from tests.tui.conftest import finish
    from tests.tui.test_real_engine import real_app
    from tui.cli.layout import pane_room
    from tui.i18n import scene_text
    from tui.view.lecture import scene_sides

    scene = scenes.SCENES["two-layer"]
    title, caption = scene_text("two-layer", scene)
    app = real_app("two-layer", iterations=1)
    async with app.run_test(size=(160, 48)) as pilot:
        await finish(pilot)
        for size in ((160, 48), (120, 36), (80, 24)):
            await pilot.resize_terminal(*size)
            await pilot.pause()
            rooms = pane_room(*size, scene_sides("two-layer", scene), f"{title}  ·  {caption}")
            assert tuple(app.static_graph.size) == rooms["static"], size
            # under 100 columns one graph pane at a time (the static one first)
            assert app.eager_graph.display == (size[0] >= 100), size
            if app.eager_graph.display:
                assert tuple(app.eager_graph.size) == rooms["eager"], size


@pytest.mark.parametrize("scene", ["two-layer", "tf-group"])
def test_a_kept_plan_draws_what_a_new_one_would(scene: str, monkeypatch) -> None:
    """The static pane keeps the layered plan of a graph it drew (``pane.placed``): drawn
    again in every way (box size, orientation, folded or not, as built and as run), it draws
    what a plan made afresh draws."""
    from tui.cli.layout import _scene_events
    from tui.drawing import pane
    from tui.drawing.fold import Folding
    from tui.view.state import ViewState

    events, _, _ = _scene_events(scene, 2)
    state = ViewState(fake_timings=True)
    for ev in events:
        state.apply(ev)
    ways = [(o, False, size) for o in ("TB", "LR") for size in ("auto", "full", "mini")]
    runs = [
        (g, Folding(unfold_all=unfold), way)
        for g in (state.graphs["static"], state.as_run)
        if g is not None
        for unfold in (False, True)
        for way in ways
    ]

    def drawn(g, folding, way):  # type: ignore[no-untyped-def]
        d = pane.static_drawing(g, (54, 28), folding, *way)
        return d.layout.boxes, d.layout.edges, d.box

    kept = [drawn(*run) for run in runs]  # each graph's plan made once, then kept
    assert len(pane._plans) >= 2
    monkeypatch.setattr(pane, "PLANS_KEPT", 0)  # none kept: a plan made for every drawing
    pane._plans.clear()
    assert [drawn(*run) for run in reversed(runs)] == kept[::-1]

"""Korean all the way (--lang ko): every screen, footer included, says nothing in English.

Each screen is read as the terminal gets it (the compositor's strips), and every ASCII word of
three or more letters must be a name: on the explicit list below, or a name the run itself
made (an op of the engine, a node of a graph pane). Two regions hold the program, not the UI,
and are read for names only: the graph panes' boxes (node names) and the source listing (the
scene's code); the node card's quote of its node's line is the listing too. A traceback's body
is Python's own text and is not read.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

from rich.cells import cell_len
from rich.console import Console

from tests.tui.conftest import CPU_FACTS, build_app, finish
from tui.i18n import KEY_WORDS, tr

BENCH = Path(__file__).parent / "bench_small.json"

NAMES = frozenset(
    {
        # frameworks, libraries, hardware
        "TensorFlow", "PyTorch", "numpy", "cupy", "CUDA", "NVIDIA", "CPU", "GPU", "cgviz",
        "micrograd", "asciinema",
        # API names (TF1 and PyTorch, as the lecture shows them)
        "Session.run", "fetch", "backward", "matmul", "float32", "BatchNorm",
        "gradients",  # the name scope tf.gradients makes: gradients/
        # units
        "GFLOP", "FLOPs", "GHz", "SVG",
        # files: the synthetic scene's listing, the bench file, the help's examples
        "two_layer.py", "bench_small.json", "run.jsonl", "demo.cast",
        # key names
        "space", "tab", "enter", "escape", "ctrl", "PageDown", "PageUp",
    }
)  # fmt: skip
"""Names that stay as they are in every language."""

COMMANDS = (
    "pip install '.[gpu]'",
    "cgviz bench",
    "cgviz replay",
    "cgviz export-cast",
    "--record",
    "--bench",
)
"""Command lines the user types, shown as typed."""

PENDING: tuple[str, ...] = ()
"""English that other parts still show: to be translated there, then removed from here."""
PENDING_IN_BOXES = frozenset({"fed", "error"})
"""English that tui/widgets/graph_view.py still draws in a box (a placeholder's "fed", a failed
node's "error"): to be translated there, then removed from here."""

WORD = re.compile(r"([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)(…?)")


def english(
    text: str, allowed: set[str] | frozenset[str] = NAMES, cut_names: bool = False
) -> set[str]:
    """The words of ``text`` with 3+ ASCII letters that are not names (a name cut short with
    "…", or anyhow where ``cut_names``: a box at a pane's edge, counts as the name)."""
    for shown in COMMANDS + PENDING:
        text = text.replace(shown, " ")
    found = set()
    for word, cut in WORD.findall(text):
        if sum(c.isalpha() for c in word) < 3 or word in allowed:
            continue
        if (cut or cut_names) and any(name.startswith(word) for name in allowed):
            continue
        found.add(word)
    return found


def run_names(app: Any) -> tuple[set[str], set[str]]:
    """(op names, node names and their scopes) of the graphs the run made."""
    ops: set[str] = set()
    nodes: set[str] = set()
    for graph in (*app.state.graphs.values(), app.state.as_run):
        for node in graph.nodes.values() if graph is not None else ():
            ops.add(node.op)
            nodes.update(filter(None, (node.name, node.var, *node.name.split("/"))))
    return ops, nodes


def _rows(app: Any) -> list[Any]:
    return list(app.screen._compositor.render_strips())


def _blank(rows: list[Any], region: Any) -> list[str]:
    """The region's text, and blank it out of ``rows``."""
    inside = []
    for y in range(region.y, region.bottom):
        strip = rows[y]
        inside.append(strip.crop(region.x, region.right).text)
        rows[y] = type(strip).join(
            [strip.crop(0, region.x), type(strip).blank(region.width), strip.crop(region.right)]
        )
    return inside


def screen_words(app: Any, *, skip: tuple[Any, ...] = (), drop: str = "") -> set[str]:
    """English words on the screen now (footer, borders, notifications all included)."""
    from textual.geometry import Region
    from textual.screen import ModalScreen
    from textual.strip import Strip

    from tui.widgets import GraphView, NodeCard, SourcePane

    ops, nodes = run_names(app)
    rows = _rows(app)
    found: set[str] = set()
    if isinstance(app.screen, ModalScreen):  # only its own box: the screen below was read
        box = Region.from_union([child.region for child in app.screen.children])
        rows = [
            Strip.join([Strip.blank(box.x), strip.crop(box.x, box.right)])
            if box.y <= y < box.bottom
            else Strip.blank(strip.cell_length)
            for y, strip in enumerate(rows)
        ]
    for widget in app.screen.query("*"):
        if not widget.display or not widget.region:
            continue
        if isinstance(widget, GraphView):
            boxes = "\n".join(_blank(rows, widget.content_region))
            found |= english(boxes, NAMES | ops | nodes | PENDING_IN_BOXES, cut_names=True)
        elif isinstance(widget, SourcePane):
            listing = "\n".join(widget.lines)
            code = {word for word, _ in WORD.findall(listing)}
            found |= english("\n".join(_blank(rows, widget.content_region)), NAMES | code)
        elif isinstance(widget, NodeCard):  # the quoted source line (indented, unlabelled)
            listing = app.source_pane.lines
            region = widget.content_region
            for y in range(region.y, region.bottom):
                text = rows[y].crop(region.x, region.right).text
                quote = text.strip()
                if text.startswith(" " * 8) and quote and any(quote in line for line in listing):
                    _blank(rows, Region(region.x, y, region.width, 1))
        elif isinstance(widget, skip):
            _blank(rows, widget.content_region)
    text = "\n".join(strip.text for strip in rows)
    text = text.replace(str(CPU_FACTS["name"]), " ")  # the machine's own name for its CPU
    if drop:  # a path or a host name of this machine
        text = text.replace(drop, " ")
    for err in app.state.errors:  # the engine's error message, worded as PyTorch words it
        text = text.replace(str(err.get("message", "")), " ")
    found |= english(text, NAMES | ops)
    for note in app._notifications:
        message = str(note.message)
        for err in app.state.errors:  # the engine's error message, worded as PyTorch words it
            message = message.replace(str(err.get("message", "")), " ")
        found |= english(f"{note.title} {message}", NAMES | ops)
    return found


def test_the_checker_catches_english() -> None:
    assert english("노드 25개 중 25개 실행 · Session.run #2") == set()
    assert english("iteration 2 · 10 nodes") == {"iteration", "nodes"}
    assert english("달성 39.77 GFLOP/s · 5.2µs · two_layer.py:17") == set()


def test_every_binding_with_an_id_has_korean_words() -> None:
    app = build_app(iterations=1, autostart=False)
    ids = {b.id for group in app._bindings.key_to_bindings.values() for b in group if b.id}
    assert ids and not ids - set(KEY_WORDS["ko"]), sorted(ids - set(KEY_WORDS["ko"]))


async def test_the_footer_speaks_korean() -> None:
    app = build_app(iterations=1, lang="ko")
    async with app.run_test(size=(160, 48)) as pilot:
        await finish(pilot)
        shown = {b.id: b.description for _, b, *_ in app.screen.active_bindings.values() if b.show}
        assert shown["app.quit"] == "종료" and shown["run.pause"] == "일시정지"
        assert all(not desc.isascii() for bid, desc in shown.items() if bid in KEY_WORDS["ko"])
        groups = {
            b.group.description for _, b, *_ in app.screen.active_bindings.values() if b.group
        }
        assert groups == {"장면", "속도"}


def _korean_app(**options: Any) -> Any:
    # the engine's own reason for no GPU, not a test's
    no_gpu = lambda: (False, "no CUDA device")  # noqa: E731
    return build_app(iterations=2, lang="ko", bench=str(BENCH), gpu_status=no_gpu, **options)


async def test_every_screen_speaks_korean() -> None:
    from tui.screens.bench import BenchScreen, bench_renderable
    from tui.screens.help import HELP_KO, HelpScreen

    app = _korean_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await finish(pilot)
        assert "사용할 수 없음: CUDA 장치 없음" in str(app.gpu_panel.render().renderables[0])
        assert not screen_words(app), "main screen"

        await pilot.press("tab", "]", "enter")  # the node card
        await pilot.pause()
        assert app.card.display
        assert not screen_words(app), "node card"
        await pilot.press("escape")

        for key in ("m", "m", "z", "p"):  # colour modes, box size, no scene before the first
            await pilot.press(key)
            await pilot.pause()
            assert not screen_words(app), f"after {key}"

        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        assert not screen_words(app), "help screen"
        assert not english(HELP_KO), "help text"  # the part scrolled out of view too
        await pilot.press("escape")

        await pilot.press("b")
        await pilot.pause()
        assert isinstance(app.screen, BenchScreen)
        host = str(app.screen.data["machine"]["host"])  # the machine's own name
        assert not screen_words(app, drop=host), "bench screen"
        console = Console(width=100, file=io.StringIO(), record=True)
        console.print(bench_renderable(app.screen.data, app.screen.source, 100, "ko"))
        bench_text = console.export_text().replace(host, " ").replace(str(CPU_FACTS["name"]), " ")
        assert not english(bench_text), "bench text"
        await pilot.press("escape")

        await pilot.press("P")  # presentation mode
        await pilot.pause()
        assert app.screen.has_class("-present")
        assert not screen_words(app), "presentation mode"


async def test_race_mode_speaks_korean() -> None:
    app = _korean_app(race=True)
    async with app.run_test(size=(160, 48)) as pilot:
        await finish(pilot)
        app.update_cue()
        await pilot.pause()
        assert "반복/초" in str(app.cue.content)
        assert not screen_words(app), "race mode"


async def test_the_traceback_screen_speaks_korean(tmp_path: Path) -> None:
    from tui.app.cgviz_app import make_app
    from tui.engine_link.script import load_script_scene
    from tui.screens.traceback import TracebackScreen

    script = tmp_path / "mine.py"
    script.write_text("import torch\n\nx = torch.randn(3, 4)\ny = x.mm(torch.randn(5, 2))\n")
    scene = load_script_scene(str(script), "cpu", None, "ko")
    app = make_app(
        scene=scene.name,
        scenes={scene.name: scene},
        speed="full",
        deterministic=True,
        lang="ko",
        gpu_status=lambda: (False, "no CUDA device"),
        device_info=lambda name: dict(CPU_FACTS),
    )
    async with app.run_test(size=(160, 48)) as pilot:
        await finish(pilot)
        await pilot.pause()
        assert isinstance(app.screen, TracebackScreen)
        body = app.screen.query_one("#traceback-body")
        raised = str(app.state.traceback["type"])  # the exception's class: a name
        names = {raised, "mine.py", "torch", "engine.eager", "import"}  # + "import torch"
        words = screen_words(app, skip=(type(body),), drop=str(script)) - names
        assert not words, "traceback screen"
        await pilot.press("escape")
        await pilot.pause()
        words = screen_words(app, drop=str(script)) - names
        assert not words, "after the traceback"


async def test_a_graph_row_with_korean_is_as_wide_as_the_pane() -> None:
    """A group box says "연산 7개" (two cells a syllable): its row keeps the pane's width, so
    the boxes and the border after it stay where they are drawn."""
    app = build_app(iterations=1, lang="ko")
    async with app.run_test(size=(160, 48)) as pilot:
        await finish(pilot)
        view = app.static_graph
        width = view.scrollable_content_region.width
        rows = [view.render_line(y) for y in range(view.scrollable_content_region.height)]
        korean = [s for s in rows if "연산" in s.text]
        assert korean, "the folded gradients/ box says its op count in Korean"
        cells = [cell_len(s.text) for s in rows]  # as a terminal draws them
        assert cells == [width] * len(rows), [cell_len(s.text) for s in korean]


def test_one_node_is_a_node_in_english_and_korean_needs_no_other_word() -> None:
    assert tr("sub.iteration", "en", it=3, n=1) == "iteration 3 · 1 node"
    assert tr("sub.iteration", "en", it=3, n=2) == "iteration 3 · 2 nodes"
    assert tr("sub.iteration", "ko", it=3, n=1) == "반복 3 · 노드 1개"  # its own word, not English

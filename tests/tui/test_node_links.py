"""Node ↔ source ↔ gradient, both ways, and the search: Pilot tests.

The tests that only select, light, unfold and search share one finished run of the default
scene (the ``linked`` fixture): each finds it as the run left it, and leaving anything changed
fails the next one's setup.
"""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import pytest_asyncio

from tests.tui.conftest import build_app, finish, wait_until
from tests.tui.test_real_engine import real_app
from tui.widgets import GraphView, SourcePane

pytestmark = pytest.mark.asyncio(loop_scope="module")  # the shared app lives on one loop


def _line_of(app: Any, start: str) -> int:
    return next(i for i, t in enumerate(app.source_pane.lines, 1) if t.strip().startswith(start))


def _names(view: GraphView, vids: list[Any]) -> list[str]:
    graph = view.graph
    assert graph is not None
    return [graph.nodes[v].name if isinstance(v, int) else v for v in vids]


def _node(view: GraphView, name: str) -> int:
    graph = view.graph
    assert graph is not None
    return next(n.id for n in graph.nodes.values() if n.name == name)


def _looks(app: Any) -> dict[str, Any]:
    """What a test may change on the shared app, as it is now."""
    panes = {"static": app.static_graph, "eager": app.eager_graph}
    return {
        **{f"{side} drawing": view.drawing_text() for side, view in panes.items()},
        **{f"{side} selected": view.selected for side, view in panes.items()},
        **{f"{side} lit": view.lit for side, view in panes.items()},
        **{f"{side} box size": view.box_size for side, view in panes.items()},
        **{f"{side} folding": view.folding for side, view in panes.items()},
        "card": app.card.display,
        "search": (app.search.display, app.search.value),
        "source cursor": app.source_pane.cursor,
        "focus": app.focused,
    }


@dataclass
class Linked:
    """The shared run: its app and pilot, the source lines chosen, how the run left it."""

    app: Any
    pilot: Any
    chosen: list[int] = field(default_factory=list)
    start: dict[str, Any] = field(default_factory=dict)


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def _shared_run() -> AsyncIterator[Linked]:
    app = real_app(iterations=1)
    chosen: list[int] = []

    def hook(message: Any) -> None:
        if isinstance(message, SourcePane.LineChosen):
            chosen.append(message.line)

    async with app.run_test(size=(160, 48), message_hook=hook) as pilot:
        await finish(pilot)
        yield Linked(app, pilot, chosen, _looks(app))


@pytest_asyncio.fixture(loop_scope="module")
async def linked(_shared_run: Linked) -> AsyncIterator[Linked]:
    """One finished run of the default scene (one iteration), shared by this module's tests;
    put back after each test (nothing selected, lit or searched, boxes and folds as drawn)."""
    shared = _shared_run
    now = _looks(shared.app)
    changed = {k: v for k, v in now.items() if v != shared.start[k]}
    assert not changed, f"a test left the shared app changed: {sorted(changed)}"
    shared.chosen.clear()
    yield shared
    app, pilot = shared.app, shared.pilot
    if app.search.display:
        await pilot.press("escape")
    app.search.value = ""
    await pilot.pause()
    for view in (app.static_graph, app.eager_graph):
        view.selected = None
        view.light([])
        view.box_size = shared.start[f"{view.mode} box size"]
    app.card.display = False
    app.source_pane.cursor = shared.start["source cursor"]
    app.set_focus(shared.start["focus"])
    await pilot.pause()


async def test_the_card_quotes_the_source_line_and_names_the_twin(linked: Linked) -> None:
    app, pilot = linked.app, linked.pilot
    app.static_graph.select_node(_node(app.static_graph, "Maximum"))
    await pilot.pause()
    text = app.card._text
    assert "h = tf.maximum(tf.matmul(x, w1), 0)" in text
    assert "pairs   eager · clamp 64×100" in text
    assert app.source_pane.current == _line_of(app, "h = tf.maximum")
    # the twin is lit in the other pane, and only there
    assert _names(app.eager_graph, app.eager_graph.lit) == ["clamp"]
    assert app.static_graph.lit == []


async def test_selecting_in_the_eager_pane_lights_the_static_twin(linked: Linked) -> None:
    app, pilot = linked.app, linked.pilot
    eager = app.eager_graph
    mm = [n.id for n in eager.graph.nodes.values() if n.name == "mm"]
    eager.select_node(mm[0])  # mm 64×100: no name on either side, paired by op and shape
    await pilot.pause()
    assert _names(app.static_graph, app.static_graph.lit) == ["MatMul"]
    assert "h = x.mm(w1).clamp(min=0)" in app.card._text
    eager.select_node(mm[1])  # y_pred on both sides
    await pilot.pause()
    assert _names(app.static_graph, app.static_graph.lit) == ["MatMul_1"]


async def test_a_constant_shows_its_value_on_its_card(linked: Linked) -> None:
    app, pilot = linked.app, linked.pilot
    await pilot.press("f")  # unfold: constants become boxes
    await pilot.pause()
    app.static_graph.select_node(_node(app.static_graph, "pow/y"))
    await pilot.pause()
    assert "value   2" in app.card._text
    await pilot.press("f")  # fold back: pow/y is drawn inside pow's box
    await pilot.pause()
    app.static_graph.select_node(_node(app.static_graph, "pow"))
    await pilot.pause()
    assert "consts  pow/y = 2" in app.card._text


async def test_gradients_show_at_every_box_size(linked: Linked) -> None:
    app, pilot = linked.app, linked.pilot
    static, eager = app.static_graph, app.eager_graph
    for size, sign in (("full", "grad "), ("compact", "∇ "), ("mini", "∇]")):
        for view in (static, eager):
            view.box_size = size
        await pilot.pause()
        assert eager.box_in_use == size
        assert sign in eager.drawing_text(), size
    static.box_size = "full"
    await pilot.pause()
    assert "grad " in static.drawing_text()  # the static side: its gradient ops' time


async def test_the_source_cursor_lights_the_nodes_its_line_made(linked: Linked) -> None:
    app, pilot, chosen = linked.app, linked.pilot, linked.chosen
    source = app.source_pane
    source.focus()
    source.choose(_line_of(app, "h = x.mm(w1)") - 1)
    await pilot.press("down")  # the eager line of h
    await pilot.pause()
    assert chosen[-1] == source.cursor == _line_of(app, "h = x.mm(w1)")
    assert _names(app.eager_graph, app.eager_graph.lit) == ["x", "w1", "mm", "clamp"]
    assert app.static_graph.lit == []
    source.choose(_line_of(app, "h = tf.maximum"))  # the static line of h
    await pilot.pause()
    # MatMul, and Maximum with its constant inside it (one box)
    assert _names(app.static_graph, app.static_graph.lit) == ["MatMul", "Maximum"]
    assert app.eager_graph.lit == []
    await pilot.press("up")
    await pilot.pause()
    assert source.cursor == _line_of(app, "h = tf.maximum") - 1
    assert app.static_graph.lit == [] and app.eager_graph.lit == []


async def test_a_click_on_a_line_moves_the_cursor_there() -> None:
    app = build_app(iterations=1)
    async with app.run_test(size=(160, 48)) as pilot:
        await finish(pilot)
        source = app.source_pane
        line = _line_of(app, "h = tf.maximum")
        source.scroll_to(y=0, animate=False, immediate=True)
        await pilot.pause()
        await pilot.click(SourcePane, offset=(8, line))  # row 0 is the border
        await pilot.pause()
        assert source.has_focus and source.cursor == line
        assert {"MatMul", "Maximum"} <= set(_names(app.static_graph, app.static_graph.lit))


async def test_enter_with_nothing_selected_selects_the_running_node() -> None:
    app = build_app(iterations=2)
    held = threading.Event()

    def hold_at_the_first_static_node(event: dict[str, Any]) -> None:
        """Runs on the engine thread as the event is sent, before the runner paces it: the
        run then holds right after it (a paused run waits at each paced event)."""
        static = event.get("graph", "").startswith("static")
        if static and event["kind"] == "node_started" and not held.is_set():
            held.set()
            app.runner.pause(True)

    app.scenes["two-layer"].stream.subscribe(hold_at_the_first_static_node)
    async with app.run_test(size=(160, 48)) as pilot:
        view = app.static_graph

        def running() -> bool:
            app.drain()
            graph = view.graph
            return graph is not None and any(n.state == "running" for n in graph.nodes.values())

        await wait_until(pilot, running)
        assert held.is_set() and app.runner.paused
        view.focus()
        assert view.selected is None
        await pilot.press("enter")
        await pilot.pause()
        nid = view.running_node()
        assert nid is not None and view.graph.nodes[nid].state == "running"
        assert view.selected == view._vid(nid) and app.card.display
        app.runner.stop()


async def test_slash_finds_a_node_and_enter_goes_there(linked: Linked) -> None:
    app, pilot = linked.app, linked.pilot
    await pilot.press("slash")
    assert app.search.display and app.search.has_focus
    await pilot.press("h")  # filters as it is typed: h in both panes lights
    await pilot.pause()
    assert _names(app.static_graph, app.static_graph.lit)[:1] == ["Placeholder"]
    assert "Maximum" in _names(app.static_graph, app.static_graph.lit)
    assert _names(app.eager_graph, app.eager_graph.lit) == ["clamp"]
    assert "static 6 · eager 1" in str(app.legend.render())
    await pilot.press("enter")
    await pilot.pause()
    assert not app.search.display
    assert app.static_graph.has_focus
    assert app.static_graph.selected == _node(app.static_graph, "Maximum")
    assert _names(app.eager_graph, app.eager_graph.lit) == ["clamp"]  # its twin


async def test_escape_closes_the_search_and_q_is_a_letter_there(linked: Linked) -> None:
    app, pilot = linked.app, linked.pilot
    app.eager_graph.focus()
    await pilot.press("slash", "q", "u")
    await pilot.pause()
    assert app.is_running and app.search.value == "qu"
    await pilot.press("escape")
    await pilot.pause()
    assert not app.search.display and app.eager_graph.has_focus
    assert app.static_graph.lit == [] and app.eager_graph.lit == []
    await pilot.press("slash", *"clamp", "enter")  # from the eager pane: the eager match
    await pilot.pause()
    assert app.eager_graph.selected == _node(app.eager_graph, "clamp")
    assert _names(app.static_graph, app.static_graph.lit) == ["Maximum"]


async def test_search_and_links_speak_korean() -> None:
    from tests.tui.test_korean import _korean_app, screen_words

    app = _korean_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await finish(pilot)
        app.static_graph.focus()
        await pilot.press("slash", "h")
        await pilot.pause()
        assert "찾음" in str(app.legend.render())
        assert not screen_words(app), "search"
        await pilot.press("enter")
        await pilot.pause()
        assert "대응    즉시 · clamp" in app.card._text
        assert not screen_words(app), "linked card"
        for view in (app.static_graph, app.eager_graph):
            view.box_size = "full"
        await pilot.pause()
        assert not screen_words(app), "full boxes"

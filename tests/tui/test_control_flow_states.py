"""A node that runs inside another (a While's body, a cond's branch) is part of the run: never
drawn pruned, counted in the pane's "k of n nodes run", and a branch not taken ends the run
"defined, not run"."""

from __future__ import annotations

import contextlib
import io
from typing import Any

from tui.view.captions import pane_subtitle
from tui.view.state import ViewState


def static_events(scene: str) -> list[dict[str, Any]]:
    """One Session.run of a real scene's static side, run in-process."""
    from engine.events import recording
    from engine.scenes import SCENES

    with recording() as events, contextlib.redirect_stdout(io.StringIO()):
        SCENES[scene].run(iterations=1, small=True)
    return [e for e in events if e.get("mode") != "eager"]


def replay(events: list[dict[str, Any]], until: str | None = None) -> ViewState:
    """The state after ``events``, or just after the first event of kind ``until``."""
    state = ViewState(fake_timings=True)
    for ev in events:
        state.apply(ev)
        if ev.get("kind") == until:
            break
    return state


def states(state: ViewState, prefix: str) -> dict[str, str]:
    graph = state.graphs["static"]
    assert graph is not None
    return {n.name: n.state for n in graph.nodes.values() if n.name.startswith(prefix)}


def test_a_while_body_is_pending_then_done_and_counts_as_run() -> None:
    events = static_events("loops")
    started = replay(events, until="run_started")
    body = states(started, "foldl/")
    assert body and set(body.values()) == {"pending"}, body  # not "pruned (not fetched)"
    assert "8 of 8 nodes run" in pane_subtitle(started, "static")
    ended = replay(events)
    assert set(states(ended, "foldl/").values()) == {"done"}
    assert "8 of 8 nodes run" in pane_subtitle(ended, "static")


def test_the_branch_a_cond_did_not_take_ends_the_run_defined() -> None:
    events = static_events("conditional")
    started = replay(events, until="run_started")
    assert set(states(started, "cond/").values()) == {"pending"}
    ended = replay(events)
    graph = ended.graphs["static"]
    assert graph is not None
    branches = states(ended, "cond/")
    assert sorted(branches.values()) == ["defined", "done"], branches
    n = len(graph.nodes)
    assert f"{n - 1} of {n} nodes run" in pane_subtitle(ended, "static")

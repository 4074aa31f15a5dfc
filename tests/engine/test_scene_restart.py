"""A run stopped mid-iteration leaves no stale eager iteration behind for the next run."""

from __future__ import annotations

import pytest

from engine.events import STREAM, Stopped, recording
from engine.scenes import get_scene


def test_next_run_after_a_stop_announces_its_first_iteration():
    def stop_inside_an_iteration(event):
        if event["kind"] == "node_created" and event.get("mode") == "eager":
            raise Stopped

    STREAM.set_pacer(stop_inside_an_iteration)
    try:
        with recording(), pytest.raises(Stopped):
            get_scene("torch-autograd").run(iterations=3, small=True)
    finally:
        STREAM.set_pacer(None)
    with recording() as events:
        get_scene("torch-autograd").run(iterations=2, small=True)
    kinds = [e["kind"] for e in events]
    first_node = kinds.index("node_created")
    assert "iteration_started" in kinds[:first_node]
    assert "graph_created" in kinds[:first_node]
    started = [e for e in events if e["kind"] == "iteration_started"]
    assert len(started) == 2


def test_a_script_run_again_after_it_raised_mid_iteration_announces_its_first_iteration(
    tmp_path,
):
    """A script's exception left its iteration open, and a script run next in the same
    process (a restart) added its ops to that old graph, which no pane knew: nothing drawn."""
    from engine.cli.program import load_script

    script = tmp_path / "mine.py"
    script.write_text("import torch\n\nx = torch.randn(3, 4)\ny = x.mm(torch.randn(5, 2))\n")
    program = load_script(str(script), "cpu", None, say_aliases=False)
    for _ in range(2):
        with recording() as events, pytest.raises(RuntimeError, match="cannot be multiplied"):
            program.run()
        kinds = [e["kind"] for e in events]
        assert "node_created" in kinds, kinds
        first_node = kinds.index("node_created")
        assert "graph_created" in kinds[:first_node], kinds
        assert [e["iteration"] for e in events if e["kind"] == "iteration_started"] == [0]

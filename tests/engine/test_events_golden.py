"""The events every built-in scene sends at full detail, against a recorded golden.

What a listener gets node by node must not change when the engine's plumbing does (the one
walk of a static plan, the one path of an eager op, the stream's ``want``). Each scene runs
small, seeded, on the CPU, two iterations; what varies from run to run is left out: the
clocks (``t_ns``, ``dur_ns``), ``seq`` (the order is kept), process ids, why a plan runs in
order (``in_order``: it depends on the machine's cores), the repository's path, and
numbering that depends on what ran before in this process (graph ids and eager ``site``
serials are renumbered by first appearance); floats are rounded.

    CGVIZ_GOLDEN=update python -m pytest tests/engine/test_events_golden.py

writes the golden again (review the diff of ``golden/two-layer.jsonl`` before committing).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path
from typing import Any

import pytest

import engine.eager.tracing as tracing
from engine.events import recording
from engine.scenes import SCENES

GOLDEN = Path(__file__).parent / "golden"
SHOWN = "two-layer"
"""The scene whose normalised events are kept line by line (the others by digest)."""
UNSTEADY = {"data-loading", "torch-dataloader", "serialization"}
"""Scenes whose events vary from run to run: loader threads and waits change the order, and a
restored graph's id depends on the graphs this process made before."""
ROOT = str(Path(__file__).resolve().parents[2]) + os.sep
DROPPED = frozenset({"seq", "t_ns", "dur_ns", "pid", "in_order"})
"""Left out: clocks, order numbers, and why a plan runs in order (it depends on the cores)."""
SCENE_NAMES = sorted(set(SCENES) - UNSTEADY)


RUNTIME_ID = 1_000_000
"""Ids from here on are nodes the graph passes made (a process-wide count): renumbered."""
ID_KEYS = frozenset(
    {
        "node",
        "inputs",
        "control_inputs",
        "removed",
        "replaced",
        "plan",
        "fetches",
        "folded",
        "grad_of",
        "branches",
    }
)
"""Keys whose values (lists and dicts of them too) are node ids."""


def normalised(events: list[dict[str, Any]]) -> list[str]:
    """One JSON line per event, without what varies from run to run."""
    ids: dict[tuple[str, Any], str] = {}

    def renumber(space: str, value: Any) -> str:
        key = (space, value)
        if key not in ids:
            ids[key] = f"{space}#{sum(1 for s, _ in ids if s == space)}"
        return ids[key]

    def walk(value: Any, node_ids: bool) -> Any:
        if isinstance(value, float):
            return float(f"{value:.4g}")
        if isinstance(value, list):
            return [walk(v, node_ids) for v in value]
        if isinstance(value, dict):
            return {
                walk_key(k, node_ids): walk(v, node_ids or k in ID_KEYS) for k, v in value.items()
            }
        if node_ids and type(value) is int and value >= RUNTIME_ID:
            return renumber("made", value)
        return value

    def walk_key(key: Any, node_ids: bool) -> Any:
        if node_ids and isinstance(key, str) and key.isdigit() and int(key) >= RUNTIME_ID:
            return renumber("made", int(key))
        return key

    lines = []
    for event in events:
        e = {k: v for k, v in event.items() if k not in DROPPED}
        if "site" in e:
            e["site"] = renumber("site", e["site"])
        line = json.dumps(walk(e, False), sort_keys=True, default=str).replace(ROOT, "")
        lines.append(_STATIC_ID.sub(lambda m: f'"{renumber("static", m[1])}"', line))
    return lines


_STATIC_ID = re.compile(r'"static:(\d+)"')
"""A static graph's id, wherever an event names it (``added`` nodes name theirs too)."""


def scene_events(name: str) -> list[str]:
    tracing.reset(restart=True)
    with recording() as events:
        SCENES[name].run("cpu", 2, seed=0, small=True)
    tracing.reset(restart=True)
    return normalised(events)


def digest(lines: list[str]) -> str:
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def test_every_scene_sends_the_recorded_events() -> None:
    digests_path, shown_path = GOLDEN / "digests.json", GOLDEN / f"{SHOWN}.jsonl"
    got = {name: scene_events(name) for name in SCENE_NAMES}
    digests = {name: [len(lines), digest(lines)] for name, lines in got.items()}
    if os.environ.get("CGVIZ_GOLDEN") == "update":
        GOLDEN.mkdir(exist_ok=True)
        digests_path.write_text(json.dumps(digests, indent=1) + "\n", encoding="utf-8")
        shown_path.write_text("\n".join(got[SHOWN]) + "\n", encoding="utf-8")
        pytest.skip("golden written")
    expected_shown = shown_path.read_text(encoding="utf-8").splitlines()
    for i, (a, b) in enumerate(zip(got[SHOWN], expected_shown, strict=False)):
        assert a == b, f"{SHOWN} event {i} differs"
    assert len(got[SHOWN]) == len(expected_shown), f"{SHOWN}: number of events"
    expected = json.loads(digests_path.read_text(encoding="utf-8"))
    changed = [name for name in SCENE_NAMES if digests[name] != expected.get(name)]
    assert not changed, f"scenes whose events changed: {changed}"

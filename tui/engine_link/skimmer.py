"""Skimming: how much of each static run and eager iteration the UI asks the engine for.

The engine thins its own stream: a consumer says what it wants with ``STREAM.want`` before the
units start, and a unit skimmed that way sends no node-level events and not the ``run_started``
/ eager ``graph_created`` that would open it (the panes keep showing the last one sent whole,
never half a graph), but one ``op_totals`` event per device with its ops' calls, time and FLOPs,
so the device panels' per-op tables and GFLOP/s still count every op (see
``engine.events.Detail``). This module is the UI's one rule for what to ask, used by both
runners (the engine process's :func:`tui.engine_link.child.run_in_child` and the thread
:class:`tui.engine_link.runner.Runner`):

* a paced run (slow motion, stepping) or a recording that needs every event: every node;
* the UI behind (its inbox over ``HIGH_WATER``, until back under ``LOW_WATER``): totals only;
* else, at full speed: at most ``DETAIL_HZ`` units of each mode a second node by node.

This module imports the standard library only (the engine process loads it).
"""

from __future__ import annotations

from typing import Literal

Detail = Literal["nodes", "totals"]
"""What a unit reports (``engine.events.Detail``, spelled here: the UI imports no engine)."""

DETAIL_HZ = 1.0
"""At full speed, runs / iterations sent node by node per second, at most: as often as the
panes are redrawn at full speed (``tui.app.frame.FULL_SPEED_HZ``), so no unit's node events are
built, sent and folded only to be drawn over before anyone sees them."""
HIGH_WATER = 3_000
"""Inbox length above which the UI is behind: every run / iteration is skimmed (its summary
events - loss, timings, errors - still go through). Only full speed gets there."""
LOW_WATER = HIGH_WATER // 3
"""Inbox length under which a UI that was behind is caught up again."""


def wanted(
    full_speed: bool, behind: bool, complete: bool, nodes_per_s: float = DETAIL_HZ
) -> tuple[Detail, float]:
    """What to ask of the next units: ``(detail, nodes_per_s)`` for ``STREAM.want``.

    Args:
        full_speed: the run is neither slowed down nor stepped.
        behind: the UI's inbox is over its high-water mark.
        complete: a recording needs every event.
        nodes_per_s: at full speed, units per mode a second sent node by node (0: all).
    """
    if complete or not full_speed:
        return "nodes", 0.0
    if behind:
        return "totals", 0.0
    return "nodes", nodes_per_s


class Backlog:
    """Whether the UI is behind, from its inbox length (with hysteresis: over ``HIGH_WATER``
    it is behind until it is back under ``LOW_WATER``)."""

    def __init__(self) -> None:
        self.behind = False
        """The UI's inbox went over HIGH_WATER and is not yet back under LOW_WATER."""

    def changed(self, length: int) -> bool:
        """Take the inbox's ``length``; True when ``behind`` changed."""
        if not self.behind and length > HIGH_WATER:
            self.behind = True
            return True
        if self.behind and length < LOW_WATER:
            self.behind = False
            return True
        return False

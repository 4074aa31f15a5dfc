"""A Session's run reported as events (when anyone listens on ``engine.events.STREAM``):
``iteration_started`` / ``run_started``, feed transfers, the plan's nodes (or totals),
``run_finished`` and the fetched scalars as ``metric`` events.

A run nobody watches node by node (totals) times its ops only when a sample is due
(``Plan.timed_due``); between samples it runs as a headless run does and sends the calls and
FLOPs its plan says, untimed (see ``engine.static.execute``)."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

import numpy as np

from engine.events import STREAM

from .execute import sync

if TYPE_CHECKING:
    from .run_cache import _Entry
    from .session import Session


def run_observed(session: Session, entry: _Entry, values: list[Any]) -> list[Any]:
    """Run ``entry``'s plan with ``values`` as the feeds, reported as events: the run's start
    and end, H2D transfers of the feeds, each node when the stream wants nodes, the fetched
    scalars as metrics."""
    g, plan, run = session.graph, entry.plan, session.run_count
    if not g._announced:
        g.announce()
    gid = g.graph_id
    STREAM.emit("iteration_started", mode="static", iteration=run)
    # else totals: no run_started, no node events (a plan's first run always sends them)
    nodes = STREAM.open_unit("static", (gid, *entry.fetch_ids))
    if nodes:
        STREAM.emit(
            "run_started",
            graph=gid,
            run=run,
            fetches=entry.fetch_ids,
            plan=[op._id for op in plan.ops],
            device=session.device.name,
            folded=plan.folded,
            fallbacks=plan.fallbacks,
            branches={str(k): v for k, v in plan.branches.items()},
            **({"in_order": plan.sequential} if plan.sequential else {}),  # why not in parallel
        )
    t0, paused0 = time.perf_counter_ns(), STREAM.paused_ns
    failed = True
    try:
        moved = _moved(entry, values, gid, run) if entry.on_gpu else values
        if nodes or plan.timed_due(t0):
            outs = session._results(entry, plan.run_instrumented(moved, nodes), run)
        else:
            outs = session._results(entry, plan.run_counted(moved), run)
        failed = False
    finally:
        dur = time.perf_counter_ns() - t0 - (STREAM.paused_ns - paused0)  # minus pauses
        if failed:
            STREAM.emit("run_finished", graph=gid, run=run, dur_ns=dur, failed=True)
        else:
            STREAM.emit("run_finished", graph=gid, run=run, dur_ns=dur)
            metrics = entry.metrics
            if metrics is None:
                metrics = entry.metrics = _metrics(entry)
            for name, index in metrics:
                v = outs[index]
                if isinstance(v, np.floating):
                    STREAM.emit("metric", name=name, value=float(v), mode="static", iteration=run)
        STREAM.emit("iteration_finished", mode="static", iteration=run, dur_ns=dur)
    return outs


def _moved(entry: _Entry, values: list[Any], gid: str, run: int) -> list[Any]:
    """The feeds on the devices the plan reads them on, each copy to a GPU timed and sent as
    a ``transfer``."""
    moved = []
    for dev, v in zip(entry.input_devices, values, strict=True):
        if dev.name != "cpu":
            t1 = time.perf_counter_ns()
            v = dev.asarray(v)
            sync(dev)
            STREAM.emit(
                "transfer",
                direction="H2D",
                bytes=int(v.nbytes),
                dur_ns=time.perf_counter_ns() - t1,
                device=dev.name,
                reason="feed",
                graph=gid,
                run=run,
            )
        moved.append(v)
    return moved


def _metrics(entry: _Entry) -> list[tuple[str, int]]:
    """``entry.metrics``: each output's name and where the fetched values hold it."""
    return [
        (name, entry.leaf_index.index(i))
        for i, name in enumerate(entry.names)
        if i in entry.leaf_index
    ]

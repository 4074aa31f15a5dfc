"""The UI's whole picture of a run, folded event by event (no Textual, no math).

``ViewState.apply(event)`` is the only writer. The app drains the inbox into it once a frame,
then asks each pane to redraw what the ``dirty`` set names.
"""

from __future__ import annotations

from collections import deque
from typing import Any

from tui.view.model import GraphModel, NodeInfo, NodeStats
from tui.view.rewrites import RewriteLog, as_run, fused_members
from tui.view.stats import DeviceStats, fmt_ns

LOSS_HISTORY = 300
OUTPUT_LINES = 500
"""Lines of a script's printed output kept for the output log."""
"""Loss values kept per mode."""
RACE_STEPS = 1000
"""Recent loop steps kept per side: the race's steady time per iteration is their median, of
enough that a busy moment of the machine (a few dozen slow steps) hardly moves it."""
STATS_CAP = 4096
"""Per-node timing histories kept per mode (oldest forgotten first)."""
MODES = ("static", "eager")
_SUMMARY = frozenset(
    {
        "scene",
        "run_started",
        "run_finished",
        "iteration_started",
        "iteration_finished",
        "metric",
        "error",
        "transfer",
        "runner",
        "graph_rewritten",
        "data",
        "units",
    }
)
ROW_WIDTH = 5
STARTED, RUN_FINISHED, METRIC, FINISHED = range(4)
"""A ``units`` event's rows: ``ROW_WIDTH`` values each, ``[code, seq, t_ns, a, b]``, the codes
of the events they pack (``iteration_started``: a = iteration; ``run_finished``: run, dur_ns;
``metric``: value, iteration; ``iteration_finished``: iteration, dur_ns), as
``engine.events.UNIT_ROWS`` lays them out (spelled here: the view imports no engine; a test
holds the two together)."""


def updates_weights(op: str) -> bool:
    """Whether a static op writes a variable: TensorFlow names every such op ``Assign*`` or
    ``Apply*`` (``AssignSub``, ``ApplyAdam``, ``ApplyCenteredRMSProp``...), so an optimiser
    added to the engine needs no list here."""
    return op.startswith(("Assign", "Apply"))


_VITAL = frozenset({"scene", "error", "runner"})
SKIM_SUMMARY = 2_000
"""Newest summary events of a skimmed backlog that are folded; older ones only if vital."""


def fake_ns(ev: dict[str, Any]) -> int:
    """A deterministic stand-in duration (tests and snapshots): from FLOPs, bytes and device."""
    kind = ev["kind"]
    if kind == "node_created":  # an eager op's one event: what its node_finished was priced at
        ns = 2_000 + int(ev.get("flops") or 0) // 40
    elif kind == "node_finished":
        ns = 2_000 + int(ev.get("flops") or 0) // 40 + int(ev.get("bytes") or 0) // 400
    elif kind == "transfer":
        ns = 5_000 + int(ev.get("bytes") or 0) // 10
    elif kind == "run_finished":
        ns = 900_000
    elif kind == "data":
        ns = {"disk": 6_000_000, "ram": 300_000, "prefetch": 50_000}.get(
            str(ev.get("source")), 1_000_000
        )
    else:
        ns = 1_500_000
    return ns // 20 if ev.get("device") == "gpu" else ns


_FAKE_RUN_NS = fake_ns({"kind": "run_finished"})
_FAKE_ITERATION_NS = fake_ns({"kind": "iteration_finished"})
"""The stand-ins of a packed run's and iteration's times (their events name no device)."""


class ViewState:
    """Scene, graphs, device figures and losses, as the panes draw them."""

    def __init__(self, *, fake_timings: bool = False) -> None:
        self.fake_timings = fake_timings
        """Replace measured durations by :func:`fake_ns` (stable snapshots)."""
        self.scene: dict[str, Any] = {}
        self.graphs: dict[str, GraphModel | None] = {m: None for m in MODES}
        self.devices: dict[str, DeviceStats] = {d: DeviceStats(d) for d in ("cpu", "gpu")}
        self.loss: dict[str, deque[float]] = {m: deque(maxlen=LOSS_HISTORY) for m in MODES}
        self.loss_at: dict[str, deque[int]] = {m: deque(maxlen=LOSS_HISTORY) for m in MODES}
        """Each loss's iteration, counted from 1 on both sides (Session.run #1, iteration 1):
        the plot lines the two sides up by it."""
        self.iteration: dict[str, int] = {m: 0 for m in MODES}
        self.done: dict[str, int] = {m: 0 for m in MODES}
        """Static runs / eager iterations finished in this run (a race counts them)."""
        self.done_at: dict[str, int] = {}
        """Engine clock (``t_ns``) when each side's latest run / iteration finished."""
        self.started_at: dict[str, int] = {}
        """Engine clock when each side's race time starts: the static side's when its graph
        began to be built (the one-time cost it pays), the eager side's when its first
        iteration began (it builds its graph inside every iteration)."""
        self.first_ns: dict[str, int] = {}
        """Each side's time from its start to its first run's / iteration's end (static: the
        graph built and run once)."""
        self.steps: dict[str, deque[int]] = {m: deque(maxlen=RACE_STEPS) for m in MODES}
        """Each side's latest loop steps: engine-clock time from one run's / iteration's end
        to the next one's, everything its loop does between included."""
        self.current: tuple[str, NodeInfo] | None = None
        self._lit: tuple[GraphModel, int] | None = None
        """The eager op whose one event came last (lit as running until the loop goes on)."""
        """(mode, node) most recently created or started: the source pane lights its line."""
        self.running: dict[str, dict[int, int | None]] = {m: {} for m in MODES}
        """Per mode, the nodes running now: node id -> the worker running it (None when the
        plan runs in order). A parallel static plan runs several at once, and all are lit."""
        self.worker_ns: dict[int, int] = {}
        """Kernel time per worker in the static run under way (from its node events)."""
        self.workers_busy: dict[int, float] = {}
        """Per worker, the share of the last finished static run it spent running kernels
        (empty when that run named no workers: it ran in order)."""
        self.overlap: dict[str, Any] = {}
        """What the last finished static run ran at once: ``pairs`` (names of two nodes that
        ran together), ``static_ns`` (the recent Session.run time, median), ``eager_ns`` (the
        eager side's recent iteration time, median; 0 when none): the caption's facts
        (:func:`tui.view.captions.overlap_text`)."""
        self.in_order = ""
        """Why the last static run's plan ran in order ("" when it ran in parallel or none
        ran): the engine's reason, e.g. "no kernels worth running at once (estimated: ...)"."""
        self._pairs: list[tuple[str, str]] = []
        self.errors: deque[dict[str, Any]] = deque(maxlen=20)
        self.new_errors: list[dict[str, Any]] = []
        """Errors not yet announced (the app notifies and clears)."""
        self.device = "cpu"
        """Device of the latest node execution."""
        self.events = 0
        self.dropped = 0
        """Events lost to a full inbox (seq gaps)."""
        self.skimmed = 0
        """Events of a full-speed backlog folded as a summary only (see :meth:`skim`)."""
        self.finished = False
        """The engine's run ended (or stopped)."""
        self.dirty: set[str] = set()
        self._by_id: dict[str, GraphModel] = {}
        self._stats: dict[str, dict[Any, NodeStats]] = {m: {} for m in MODES}
        self._last_seq: dict[str | None, int] = {}
        self._metric_name: dict[str, str] = {}
        self._op_sum: dict[str, int] = {m: 0 for m in MODES}
        self._needed_key: tuple[Any, ...] = ()
        self._needed_ids: frozenset[int] = frozenset()
        self.cue: tuple[str, dict[str, Any]] = ("", {})
        """What just happened, for the presentation cue: (i18n key, fields); see tui.cues."""
        self.traceback: dict[str, Any] | None = None
        """The latest error that carries a user's traceback (a script that raised)."""
        self.exit_code: int | None = None
        """How the script ended, as ``python SCRIPT.py`` would exit (its last ``error`` event's
        ``exit_code``: ``sys.exit(3)`` 3, an exception 1); None while it has not ended so."""
        self.output: deque[str] = deque(maxlen=OUTPUT_LINES)
        """What the user's script printed, newest last (stderr lines start with "! ")."""
        self.output_count = 0
        """Lines printed in this run so far (the log appends what it has not shown)."""
        self.as_run: GraphModel | None = None
        """The static graph as its latest run executes it (after the graph passes); None
        before the first run."""
        self.rewrites: list[dict[str, Any]] = []
        """The graph passes' reports that made the latest run's plan (see tui.view.rewrites)."""
        self._rewrite_log = RewriteLog()
        self._as_run_key: tuple[object, ...] = ()
        self._members: dict[int, list[int]] = {}
        """Plan node -> the built graph's nodes fused into it (they light up with it)."""
        self._data_wait: dict[str, tuple[int, str, int]] = {}
        """mode -> (summed wait, source, batch bytes) of the iteration under way."""
        self.paced = False
        """The run is slowed or stepped: its wall times hold the pauses, so a run's and an
        iteration's time is the sum of its ops' times instead (the app keeps this current)."""

    # ------------------------------------------------------------ entry point

    def apply(self, ev: dict[str, Any]) -> None:
        """Fold one event in."""
        self.events += 1
        seq = ev.get("seq")
        if isinstance(seq, int):  # each engine process (``src``) counts its own seq
            src = ev.get("src")
            last = self._last_seq.get(src)
            if last is not None and seq > last + 1:
                self.dropped += seq - last - 1
            self._last_seq[src] = seq
        kind = ev.get("kind")
        handler = _HANDLERS.get(kind) if isinstance(kind, str) else None
        if handler is not None:
            handler(self, ev)

    def skim(self, events: list[dict[str, Any]]) -> None:
        """Fold a backlog the UI cannot draw in time (full speed): keep its summary only.

        Loss, iteration and run times, transfers, errors and the static graph's structure are
        folded; the node-by-node animation of all but the newest eager iteration is skipped
        (counted in ``skimmed``). The newest eager iteration is folded in full, so the eager
        pane never shows half a graph.
        """
        start = 0
        for i in range(len(events) - 1, -1, -1):
            ev = events[i]
            if ev.get("kind") == "graph_created" and ev.get("mode") == "eager":
                start = i
                break
        head = events[:start]
        if len(head) > SKIM_SUMMARY:  # even a summary is too much: keep only what is vital
            old, head = head[:-SKIM_SUMMARY], head[-SKIM_SUMMARY:]
            vital = [
                ev
                for ev in old
                if ev.get("kind") in _VITAL
                or (
                    ev.get("kind") in ("node_created", "graph_created")
                    and ev.get("mode") == "static"
                )
                or ev.get("kind") == "graph_rewritten"
            ]
            self.skimmed += len(old) - len(vital)
            for ev in vital:
                self.apply(ev)
        for ev in head:
            kind = ev.get("kind")
            if kind in _SUMMARY or (
                kind in ("node_created", "graph_created") and ev.get("mode") == "static"
            ):
                self.apply(ev)
            else:
                self.skimmed += 1
        self._last_seq = {}  # gaps across a skim are not losses
        for ev in events[start:]:
            self.apply(ev)

    def _is_static(self, ev: dict[str, Any]) -> bool:
        graph = self._by_id.get(str(ev.get("graph")))
        return graph is not None and graph.mode == "static"

    def reset_run(self, keep_device: str | None = None) -> None:
        """Forget the run: graphs, counts, losses, per-op tables (a restart, another scene).

        Args:
            keep_device: a device whose panel figures stay (the same scene switched to the
                other device: its figures stay beside the new ones, to compare).
        """
        self.devices = {
            d: self.devices[d] if d == keep_device else DeviceStats(d) for d in ("cpu", "gpu")
        }
        self.loss = {m: deque(maxlen=LOSS_HISTORY) for m in MODES}
        self.loss_at = {m: deque(maxlen=LOSS_HISTORY) for m in MODES}
        self._stats = {m: {} for m in MODES}
        self._metric_name.clear()
        self.errors.clear()
        self._op_sum = {m: 0 for m in MODES}
        self.new_errors.clear()
        self.events = self.dropped = self.skimmed = 0
        self.dirty.update(("devices", "status"))
        self.graphs = {m: None for m in MODES}
        self._forget_rewrites()
        self._by_id.clear()
        self._data_wait.clear()
        self._last_seq = {}
        self.current = None
        self._lit = None
        self.running = {m: {} for m in MODES}
        self.worker_ns, self.workers_busy, self.overlap, self._pairs = {}, {}, {}, []
        self.in_order = ""
        self.finished = False
        self.traceback = None
        self.exit_code = None
        self.output.clear()
        self.output_count = 0
        self.cue = ("", {})
        self.iteration = {m: 0 for m in MODES}
        self.done = {m: 0 for m in MODES}
        self.done_at = {}
        self.started_at = {}
        self.first_ns = {}
        self.steps = {m: deque(maxlen=RACE_STEPS) for m in MODES}
        self.dirty.update(("static", "eager", "source", "loss"))

    def _forget_rewrites(self) -> None:
        self.as_run, self.rewrites = None, []
        self._rewrite_log, self._as_run_key = RewriteLog(), ()
        self._members: dict[int, list[int]] = {}

    def _drawn(self, graph: GraphModel) -> tuple[GraphModel, ...]:
        """The models that show ``graph``'s nodes: itself, and the static graph as run."""
        if graph.mode == "static" and self.as_run is not None:
            return graph, self.as_run
        return (graph,)

    def _device(self, name: str) -> DeviceStats:
        """The figures of device ``name`` (made at its first event; ``setdefault`` would make
        a DeviceStats per event, a few microseconds each, thousands a second at full speed)."""
        stats = self.devices.get(name)
        if stats is None:
            stats = self.devices[name] = DeviceStats(name)
        return stats

    def _dur(self, ev: dict[str, Any], key: str = "dur_ns") -> int:
        return fake_ns(ev) if self.fake_timings else int(ev.get(key) or 0)

    def _graph(self, ev: dict[str, Any]) -> GraphModel | None:
        return self._by_id.get(str(ev.get("graph")))

    def _node_stats(self, graph: GraphModel, ev: dict[str, Any]) -> NodeStats:
        table = self._stats[graph.mode]
        key = (ev.get("name"),) if graph.mode == "static" else (len(graph.nodes), ev.get("name"))
        stats = table.get(key)
        if stats is None:
            if len(table) >= STATS_CAP:
                del table[next(iter(table))]
            stats = table[key] = NodeStats()
        return stats

    # ------------------------------------------------------------ handlers

    def _on_scene(self, ev: dict[str, Any]) -> None:
        self.scene = dict(ev)
        self.finished = False
        self.dirty.update(("scene", "source"))

    def _on_graph_created(self, ev: dict[str, Any]) -> None:
        mode = "eager" if ev.get("mode") == "eager" else "static"
        it = ev.get("iteration")
        graph = GraphModel(str(ev["graph"]), mode, str(ev.get("name") or ""), it)
        old = self.graphs.get(mode)
        if old is not None:
            self._by_id.pop(old.id, None)
        self.graphs[mode] = graph
        self._by_id[graph.id] = graph
        if mode == "static":
            self._forget_rewrites()
            t = ev.get("t_ns")
            if not self.done["static"] and isinstance(t, int) and not self.fake_timings:
                self.started_at.setdefault("static", t)  # the race pays for the build
        if it is not None:
            self.iteration[mode] = int(it)
        if mode == "eager":
            self.cue = ("cue.iteration", {"it": int(it or 0) + 1})
        self.dirty.update((mode, "cue"))

    def _on_node_created(self, ev: dict[str, Any]) -> None:
        graph = self._graph(ev)
        if graph is None:
            return
        node = graph.add(ev, self._node_stats(graph, ev))
        self.current = (graph.mode, node)
        if graph.mode == "eager":  # created and run in one step
            self._settle()
            node.state = "done" if node.op == "Leaf" else "running"  # a leaf computes nothing
            if "dur_ns" in ev:  # the op's one event: it ran; lit until the loop goes on
                self._finish(graph, ev, int(ev["node"]), "running")
                self._lit = (graph, node.id)
            self.cue = (  # a leaf (a tensor made outside the graph) joins it, runs nothing
                "cue.eager_leaf" if node.op == "Leaf" else "cue.eager_node",
                {"it": self.iteration["eager"] + 1, "name": node.name, "op": node.op},
            )
        self.dirty.update((graph.mode, "source", "cue"))

    def _settle(self) -> None:
        """The eager op lit last is done: the loop went on (another op, the iteration's end)."""
        if self._lit is not None:
            graph, nid = self._lit
            self._lit = None
            for g in self._drawn(graph):
                if g.set_state(nid, "done") is not None:
                    g.changed.add(nid)
            self.dirty.add("eager")

    def _on_run_started(self, ev: dict[str, Any]) -> None:
        graph = self._graph(ev)
        if graph is None:
            return
        first = graph.plan is None
        plan = [int(n) for n in ev.get("plan") or ()]
        if graph.mode == "static":
            self._members = fused_members(self._rewrite_log.close(tuple(plan)), plan)
            parts = [m for ms in self._members.values() for m in ms]
            run_ids = set(plan).union(parts)
            fetches = [int(n) for n in ev.get("fetches") or () if isinstance(n, int)]
            needed = self._needed(graph, fetches) - run_ids
            inner = frozenset(
                int(n)
                for branches in (ev.get("branches") or {}).values()
                if isinstance(branches, dict)
                for nodes in branches.values()
                for n in nodes
            )
            graph.set_plan(plan + parts, int(ev.get("run") or 0), frozenset(needed), inner)
            self._run_graph(graph, plan)
        else:
            graph.set_plan(plan, int(ev.get("run") or 0))
        self._op_sum["static"] = 0
        if graph.mode == "static":
            self.running["static"] = {}
            self.worker_ns, self._pairs = {}, []
            self.in_order = str(ev.get("in_order") or "")
        self.cue = (
            ("cue.built", {"n": len(graph.nodes)})
            if first
            else ("cue.run", {"run": graph.run, "k": graph.run_size, "n": len(graph.nodes)})
        )
        self.dirty.update((graph.mode, "cue"))

    def _needed(self, graph: GraphModel, fetches: list[int]) -> frozenset[int]:
        """What the fetches need in the graph as built (cached while the graph and fetches hold)."""
        key = (id(graph), graph.struct_version, tuple(fetches))
        if key != self._needed_key:
            self._needed_key, self._needed_ids = key, graph.ancestors(fetches)
        return self._needed_ids

    def _run_graph(self, graph: GraphModel, plan: list[int]) -> None:
        """The static graph as this run executes it (rebuilt when its plan or passes changed)."""
        rewrites = self._rewrite_log.close(tuple(plan))
        key = (id(rewrites), graph.struct_version, tuple(plan))
        if self.as_run is None or key != self._as_run_key:
            self.as_run, self.rewrites, self._as_run_key = (
                as_run(graph, rewrites, plan),
                rewrites,
                key,
            )
        self.as_run.set_plan(plan, graph.run, inner=graph.inner)
        self.as_run.runs = graph.runs

    def _on_graph_rewritten(self, ev: dict[str, Any]) -> None:
        if self._is_static(ev):
            self._rewrite_log.add(ev)

    def _parts(self, graph: GraphModel, nid: int, state: str) -> None:
        """Give the parts of a fused kernel (as built) the kernel's state."""
        for part in self._members.get(nid, ()):
            graph.set_state(part, state)

    def _on_node_started(self, ev: dict[str, Any]) -> None:
        graph = self._graph(ev)
        nid = int(ev["node"])
        node = graph.set_state(nid, "running") if graph else None
        worker = ev.get("worker")
        worker = worker if type(worker) is int else None
        if graph is not None and graph.mode == "static":
            self._parts(graph, nid, "running")
            if node is not None:
                node.worker = worker
        if graph is not None and self.as_run is not None and graph.mode == "static":
            run_node = self.as_run.set_state(nid, "running")
            if run_node is not None:
                run_node.worker = worker
            node = node or run_node
        if graph is not None and node is not None:
            self._started_running(graph.mode, nid, node.name, worker)
            self.current = (graph.mode, node)
            if graph.mode == "static":
                key = (
                    "cue.static_update"
                    if updates_weights(node.op) and not node.name.endswith("/Assign")
                    else "cue.static_grad"
                    if node.grad_of is not None
                    else "cue.static_node"
                )
                self.cue = (key, {"name": node.name})
            self.dirty.update((graph.mode, "source", "cue"))

    def _on_node_finished(self, ev: dict[str, Any]) -> None:
        self._finish(self._graph(ev), ev, int(ev["node"]), "done")

    def _finish(self, graph: GraphModel | None, ev: dict[str, Any], nid: int, state: str) -> None:
        """Node ``nid`` ran (``ev`` has its ``dur_ns``): its figures, drawn as ``state``."""
        dur = self._dur(ev)
        device = str(ev.get("device") or "cpu")
        self.device = device
        nodes = [
            (g, n)
            for g in (self._drawn(graph) if graph else ())
            if (n := g.set_state(nid, state)) is not None
        ]
        if graph is not None and graph.mode == "static":
            self._parts(graph, nid, state)
        node = nodes[0][1] if nodes else None
        if graph is not None:
            self.running[graph.mode].pop(nid, None)
            worker = ev.get("worker")
            if type(worker) is int and graph.mode == "static":
                self.worker_ns[worker] = self.worker_ns.get(worker, 0) + dur
        op = str(ev.get("op") or (node.op if node is not None else "?"))
        flops = int(ev.get("flops") or (node.flops if node else 0) or 0)
        self._device(device).node(op, dur, flops)
        self.dirty.add("devices")
        if graph is None or node is None:
            return
        self._op_sum[graph.mode] += dur
        counted: NodeStats | None = None
        for g, n in nodes:
            n.last_ns = dur
            n.device = device  # static nodes are placed when they run
            if n.stats is not counted:  # the two views of a static node share one history
                n.stats.add(dur)
                counted = n.stats
            if ev.get("shape") is not None:
                n.shape = tuple(ev["shape"])
            g.changed.add(n.id)
            if n.grad_of is not None:
                fwd = g.nodes.get(int(n.grad_of))
                if fwd is not None:  # the backward cost of a forward node, drawn under its value
                    fwd.grad_ns += dur
                    fwd.grad = "∇ " + fmt_ns(fwd.grad_ns)
                    g.changed.add(fwd.id)
        self.dirty.add(graph.mode)

    def _started_running(self, mode: str, nid: int, name: str, worker: int | None) -> None:
        """``nid`` runs now: note which nodes it runs beside (a parallel plan's overlap)."""
        running = self.running[mode]
        running[nid] = worker
        if mode == "static" and len(running) > 1 and len(self._pairs) < 8:
            graph = self.graphs.get("static")
            for other in running:
                info = graph.nodes.get(other) if graph is not None and other != nid else None
                if info is not None and (info.name, name) not in self._pairs:
                    self._pairs.append((info.name, name))

    def _close_workers(self, dur: int) -> None:
        """A static run finished: each worker's share of it, and what ran at once."""
        self.running["static"] = {}
        if not self.worker_ns:
            self.workers_busy, self.overlap = {}, {}
            return
        self.workers_busy = {w: ns / max(dur, 1) for w, ns in sorted(self.worker_ns.items())}
        stats = self.devices.get(self.device)
        self.overlap = {
            "pairs": list(self._pairs),
            "static_ns": int(stats.recent_median("static") or dur) if stats is not None else dur,
            "eager_ns": int(stats.recent_median("eager") or 0) if stats is not None else 0,
        }
        self.worker_ns, self._pairs = {}, []

    def _on_op_totals(self, ev: dict[str, Any]) -> None:
        """A run / iteration the engine process skimmed: its ops' calls, time and FLOPs, folded
        into the device figures as its node_finished events would have been."""
        device = str(ev.get("device") or self.device)
        self.device = device
        stats = self._device(device)
        mode = "eager" if ev.get("mode") == "eager" else "static"
        for op, (calls, total_ns, flops) in (ev.get("ops") or {}).items():
            total = (
                fake_ns(
                    {"kind": "node_finished", "flops": flops // max(calls, 1), "device": device}
                )
                * calls
                if self.fake_timings
                else int(total_ns)
            )
            stats.op_totals(str(op), int(calls), total, int(flops))
            self._op_sum[mode] += total
        for op, (calls, flops) in (ev.get("untimed") or {}).items():  # between timed samples
            stats.op_untimed(str(op), int(calls), int(flops))
        self.dirty.add("devices")

    def _on_data(self, ev: dict[str, Any]) -> None:
        """The loop waited for a batch: summed per iteration, shown against its compute."""
        mode = "static" if ev.get("mode") == "static" else "eager"
        wait, _, _ = self._data_wait.get(mode, (0, "", 0))
        self._data_wait[mode] = (
            wait + self._dur(ev),
            str(ev.get("source") or "?"),
            int(ev.get("bytes") or 0),
        )

    def _close_data(self, mode: str) -> None:
        """An iteration (or Session.run) ended: its waits for data against its ops' time."""
        pending = self._data_wait.pop(mode, None)
        if pending is not None:
            wait, source, nbytes = pending
            self._device(self.device).data_iteration(source, wait, self._op_sum[mode], nbytes)
            self.dirty.add("devices")

    def _on_run_finished(self, ev: dict[str, Any]) -> None:
        dur = self._op_sum["static"] if self.paced else self._dur(ev)
        self._run_done(self._graph(ev), dur, ev.get("t_ns"), self._done_ns(ev))

    def _run_done(self, graph: GraphModel | None, dur: int, t: Any, done_ns: int) -> None:
        """A static run ended: it took ``dur`` (as shown); ``t`` and ``done_ns`` are its
        finish on the engine's clock and its time, for the race (see :meth:`_count_done`)."""
        if graph is not None:
            for g in self._drawn(graph):
                g.end_run()
        self._close_data("static")
        self._op_sum["static"] = 0  # (a skimmed run sends no run_started)
        self._device(self.device).iteration("static", dur)
        self._close_workers(dur)
        self.iteration["static"] += 1 if graph is not None else 0
        self._count_done("static", t, done_ns)
        if graph is not None:
            self.cue = ("cue.run_done", {"run": graph.run})
        self.dirty.update(("devices", "static", "cue"))

    def _on_iteration_started(self, ev: dict[str, Any]) -> None:
        if ev.get("mode") == "eager":  # static runs are counted as they finish
            self._eager_begun(int(ev.get("iteration") or 0))

    def _eager_begun(self, iteration: int) -> None:
        self.iteration["eager"] = iteration
        self._op_sum["eager"] = 0
        self.dirty.add("eager")

    def _on_iteration_finished(self, ev: dict[str, Any]) -> None:
        if ev.get("mode") == "eager":
            dur = self._op_sum["eager"] if self.paced else self._dur(ev)
            self._eager_done(dur, ev.get("t_ns"), self._done_ns(ev))

    def _eager_done(self, dur: int, t: Any, done_ns: int) -> None:
        """An eager iteration ended (the arguments as :meth:`_run_done`'s)."""
        self._settle()
        graph = self.graphs.get("eager")
        if graph is not None:
            graph.ended = True  # whole: the pane draws it on its map
            self.dirty.add("eager")
        self._close_data("eager")
        self._device(self.device).iteration("eager", dur)
        self._count_done("eager", t, done_ns)
        self.dirty.add("devices")

    def _done_ns(self, ev: dict[str, Any]) -> int:
        """A run's or iteration's time as the race counts it: the engine's (a fake one in
        snapshots)."""
        return self._dur(ev) if self.fake_timings else int(ev.get("dur_ns") or 0)

    def _count_done(self, mode: str, t: Any, dur: int) -> None:
        self.done[mode] += 1
        self.dirty.add("cue")
        if self.fake_timings:  # snapshots: a clock made of the fake durations, back to back
            t = self.done_at.get(mode, 0) + dur
        if isinstance(t, int):
            last = self.done_at.get(mode)
            if last is not None:
                self.steps[mode].append(t - last)
            self.done_at[mode] = t
            if self.done[mode] == 1:  # else the side started when its first unit did
                start = self.started_at.setdefault(mode, t - dur)
                self.first_ns[mode] = t - start

    def _on_units(self, ev: dict[str, Any]) -> None:
        """Consecutive units' summary events, packed by the engine process (see
        ``engine.events.Units``): folded row by row as each event would have been, without
        making the events (at full speed a thousand units a second come so)."""
        rows, mode, src = ev.get("rows") or [], str(ev.get("mode")), ev.get("src")
        graph = self._graph(ev) if ev.get("graph") is not None else None
        metric = str(ev.get("metric"))
        eager, fake, paced = mode == "eager", self.fake_timings, self.paced
        last = None
        for i in range(0, len(rows) - ROW_WIDTH + 1, ROW_WIDTH):
            code, seq, t, a, b = rows[i : i + ROW_WIDTH]
            if last is not None and seq > last + 1:  # (apply() checked the first)
                self.dropped += seq - last - 1
            last = seq
            if code == STARTED:
                if eager:
                    self._eager_begun(a)
            elif code == RUN_FINISHED:
                dur = self._op_sum["static"] if paced else _FAKE_RUN_NS if fake else b
                self._run_done(graph, dur, t, _FAKE_RUN_NS if fake else b)
            elif code == METRIC:
                self._metric("eager" if eager else "static", metric, a, b)
            elif code == FINISHED and eager:
                dur = self._op_sum["eager"] if paced else _FAKE_ITERATION_NS if fake else b
                self._eager_done(dur, t, _FAKE_ITERATION_NS if fake else b)
        if last is not None:
            self.events += len(rows) // ROW_WIDTH - 1  # (apply() counted the pack as one)
            self._last_seq[src] = last

    def _on_transfer(self, ev: dict[str, Any]) -> None:
        device = str(ev.get("device") or "gpu")
        self._device(device).transfer(
            str(ev.get("direction") or "?"), int(ev.get("bytes") or 0), self._dur(ev)
        )
        self.dirty.add("devices")

    def _on_output(self, ev: dict[str, Any]) -> None:
        text = str(ev.get("text", ""))
        self.output.append(f"! {text}" if ev.get("stream") == "stderr" else text)
        self.output_count += 1
        self.dirty.add("output")

    def _on_metric(self, ev: dict[str, Any]) -> None:
        mode = "eager" if ev.get("mode") == "eager" else "static"
        self._metric(mode, ev.get("name"), ev.get("value"), ev.get("iteration"))

    def _metric(self, mode: str, name: Any, value: Any, iteration: Any) -> None:
        name = str(name)
        first = self._metric_name.setdefault(mode, name)  # "loss", or the fetched tensor's name
        if name != first and name != "loss":
            return
        if name == "loss" and first != "loss":
            self._metric_name[mode] = "loss"
            self.loss[mode].clear()
            self.loss_at[mode].clear()
        try:
            self.loss[mode].append(float(value))
        except (TypeError, ValueError):
            return
        # the engine numbers Session.runs from 1, eager iterations from 0
        self.loss_at[mode].append(int(iteration or 0) + (mode == "eager"))
        self.dirty.add("loss")

    def _on_grad(self, ev: dict[str, Any]) -> None:
        graph = self._graph(ev)
        node = graph.nodes.get(int(ev["node"])) if graph else None
        if graph is None or node is None:
            return
        try:
            node.grad = f"∇ {float(ev['norm']):.3g}"
        except (TypeError, ValueError):
            node.grad = "∇ ?"
        graph.changed.add(node.id)
        if graph.mode == "eager":
            self.cue = ("cue.eager_grad", {"it": self.iteration["eager"] + 1, "name": node.name})
        self.dirty.update((graph.mode, "cue"))

    def _on_error(self, ev: dict[str, Any]) -> None:
        if isinstance(ev.get("exit_code"), int):
            self.exit_code = ev["exit_code"]
            self.dirty.add("status")
        if ev.get("traceback"):
            self.traceback = ev
            self.dirty.add("traceback")
            last = self.errors[-1] if self.errors else None
            if last is not None and (last.get("type"), last.get("message")) == (
                ev.get("type"),
                ev.get("message"),
            ):
                return  # the engine already reported it; this adds the user's traceback
        self.errors.append(ev)
        self.new_errors.append(ev)
        self.cue = ("cue.error", {"message": f"{ev.get('type', 'Error')}: {ev.get('message', '')}"})
        self.dirty.add("cue")
        graph = self._graph(ev)
        if graph is not None:
            node = None
            for g in self._drawn(graph):
                g.error = f"{ev.get('type', 'Error')}: {ev.get('message', '')}"
                hit = g.set_state(int(ev["node"]), "error") if ev.get("node") is not None else None
                if hit is not None:
                    hit.error = str(ev.get("message") or "")
                    node = node or hit
            if node is not None:
                ev.setdefault("node_name", node.name)
                self.current = (graph.mode, node)
            self.dirty.update((graph.mode, "source"))
        self.dirty.add("errors")

    def _on_runner(self, ev: dict[str, Any]) -> None:
        """The runner's own control event: the engine thread ended."""
        self.finished = True
        self.dirty.add("status")


_HANDLERS = {
    name.removeprefix("_on_"): fn
    for name, fn in vars(ViewState).items()
    if name.startswith("_on_") and callable(fn)
}
"""Event kind -> its handler (``ViewState._on_<kind>``), looked up once, not per event."""

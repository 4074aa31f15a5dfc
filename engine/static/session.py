"""``tf.Session``: owns the Variables' values and runs plans of the graph.

``run(fetches, feed_dict)`` resolves the fetches (a tensor, an op, a name, or nested lists,
tuples and dicts of them) and converts the feeds (float64 silently to float32, nothing lossy),
then looks up the plan for (graph version, fetches, fed tensors and shapes) - building it the
first time - and replays it. Values come back as numpy arrays (numpy scalars for 0-d), an
Operation's fetch as None. Fetches are resolved in ``fetches``, feeds converted in ``feeds``,
plans cached in ``run_cache``, a run reported as events in ``observed_run``; the options are
``config``'s.

Devices: ops run on the Session's device (``Session(device="gpu")``; the CPU by default)
unless ``tf.device`` placed them. **Soft placement is on by default** (``Session()`` with no
config): an op placed on a GPU this machine lacks runs on the CPU, the ``node_created`` event
says so (``device: "cpu"``, ``requested_device``, ``placement``) and so does ``run_started``
(``fallbacks``). With ``config=tf.ConfigProto()`` (TF's default, ``allow_soft_placement=False``)
the run fails with TF's "Cannot assign a device" error instead.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from operator import is_
from typing import Any

import numpy as np

from engine.devices import Device, get_device
from engine.events import STREAM

from . import blas_threads, errors
from . import optimize as passes
from .config import ConfigProto, GPUOptions
from .default_session import get_default_session
from .execute import report
from .feeds import convert_feed, convert_feeds
from .fetches import Leaf, parse_fetches
from .graph import _STACK, Graph, Operation, Tensor, get_default_graph
from .kernels import Uninitialized
from .observed_run import run_observed
from .placement import user_names
from .plan import Planner
from .run_cache import _SIGNATURE, _Entry, _Replay

__all__ = [
    "ConfigProto",
    "GPUOptions",
    "InteractiveSession",
    "Session",
    "get_default_session",
]
"""ConfigProto and GPUOptions live in ``config``, the default session in ``default_session``;
importing them from here keeps working."""


class Session:
    """``tf.Session(target='', graph=None, config=None)``, plus ``device=`` ("cpu" / "gpu").

    Attributes:
        graph: the graph it runs.
        device: where unplaced ops run.
        allow_soft_placement: see the module docstring.
        run_count: runs so far (the ``run`` number of events).
        plan_count: plans built so far (a replayed plan does not count).
    """

    def __init__(
        self,
        target: str = "",
        graph: Graph | None = None,
        config: ConfigProto | None = None,
        device: str | Device | None = None,
        optimize: bool | Mapping[str, bool] | None = None,
    ) -> None:
        self.graph = graph if graph is not None else get_default_graph()
        self.optimize = passes.options(
            optimize if optimize is not None else getattr(config, "optimize", None)
        )
        """Which graph passes run before planning (``optimize``: True, False, or
        ``{pass name: bool}``; every pass is on by default, pruning always)."""
        self.device: Device = get_device(device)
        self.allow_soft_placement = True if config is None else bool(config.allow_soft_placement)
        self._variables: dict[int, Any] = {}
        self._rngs: dict[int, np.random.Generator] = {}
        self._plans: dict[Any, _Entry] = {}
        self._plans_version = -1
        self._replay: _Replay | None = None
        self._planner = Planner(self)
        self._closed = False
        self._entered: list[Any] = []
        self.run_count = 0
        self.plan_count = 0
        self.reuse_buffers = True
        """Kernels write into buffers the plan allocated once (False: allocate every run)."""
        inter = int(getattr(config, "inter_op_parallelism_threads", 0) or 0)
        self.inter_op = inter if inter > 0 else cores()
        """Ops of a plan that may run at once (``inter_op_parallelism_threads``; its 0, the
        default, is one per core); 1 runs every plan in order. Read when a plan is built."""
        intra = int(getattr(config, "intra_op_parallelism_threads", 0) or 0)
        self.intra_op = min(intra, cores()) if intra > 0 else 0
        """BLAS threads an op may use (``intra_op_parallelism_threads``, at most the cores;
        0: BLAS's own setting). Ops running at once share them."""

    # ------------------------------------------------------------ lifecycle

    def close(self) -> None:
        """Free the Variables' values; later runs raise RuntimeError."""
        self._closed = True
        self._replay = None
        self._variables.clear()
        self._plans.clear()

    def __enter__(self) -> Session:
        cm = self.as_default()
        cm.__enter__()
        self._entered.append(cm)
        return self

    def __exit__(self, *exc: Any) -> None:
        if self._entered:
            self._entered.pop().__exit__(*exc)
        self.close()

    @contextmanager
    def as_default(self) -> Iterator[Session]:
        """Make this the default session (for ``Tensor.eval``) and its graph the default."""
        _STACK.sessions.append(self)
        _STACK.graphs.append(self.graph)
        try:
            yield self
        finally:
            _STACK.graphs.pop()
            _STACK.sessions.pop()

    # ------------------------------------------------------------------ run

    def run(
        self,
        fetches: Any,
        feed_dict: dict[Any, Any] | None = None,
        options: Any = None,
        run_metadata: Any = None,
    ) -> Any:
        """Run the ops ``fetches`` need, with ``feed_dict`` overriding tensors; return values.

        Raises:
            RuntimeError: the session is closed, or the graph empty.
            TypeError / ValueError: a fetch or feed that cannot be used (TF's messages).
            errors.OpError: a node failed (missing feed, uninitialised Variable, shapes).
        """
        feeds = feed_dict if feed_dict is not None else _NO_FEEDS
        replay = self._replay
        if (
            replay is not None
            and type(feeds) is dict
            and replay.matches(self.graph.version, fetches, feeds)
        ):
            values = list(feeds.values())
            if (
                tuple(map(type, values)) == replay.types
                and tuple(map(_SIGNATURE, values)) == replay.signatures
            ):
                entry, pack = replay.entry, replay.pack
            else:
                entry, pack, values = self._resolve(fetches, feed_dict)
        else:
            entry, pack, values = self._resolve(fetches, feed_dict)
        self.run_count += 1
        if STREAM.active:
            if self.intra_op:
                return pack(_with_blas_threads(self.intra_op, run_observed, self, entry, values))
            return pack(run_observed(self, entry, values))
        if entry.on_gpu:
            values = [
                d.asarray(v) if d.name != "cpu" else v
                for d, v in zip(entry.input_devices, values, strict=True)
            ]
        if self.intra_op:
            outs = _with_blas_threads(self.intra_op, entry.plan.run, values)
        else:
            outs = entry.plan.run(values)
        return pack(self._results(entry, outs, None))

    def _resolve(
        self, fetches: Any, feed_dict: dict[Any, Any] | None
    ) -> tuple[_Entry, Callable[[list[Any]], Any], list[Any]]:
        """The plan entry, result packer and converted feed values of a run (the plan built
        the first time); remembers the call for ``_Replay`` when it qualifies."""
        if self._closed:
            raise RuntimeError(errors.CLOSED_SESSION)
        g = self.graph
        if not g._ops:
            raise RuntimeError(errors.EMPTY_GRAPH)
        leaves, pack = parse_fetches(self.graph, fetches)
        if feed_dict:
            tensors, values = convert_feeds(self.graph, feed_dict)
        else:
            tensors, values = [], []
        if g.version != self._plans_version:
            self._plans.clear()
            self._plans_version = g.version
        key = (leaves, tuple(tensors), tuple(v.shape for v in values))
        entry = self._plans.get(key)
        if entry is None:
            entry = self._plans[key] = self._make_entry(leaves, tensors, key[2])
        feeds = feed_dict if feed_dict is not None else _NO_FEEDS
        kind = type(fetches)
        if kind is Tensor or kind is Operation:
            plain = fetches is leaves[0]
        else:  # a list or tuple of the fetched objects themselves, nothing to resolve
            plain = (
                (kind is list or kind is tuple)
                and len(fetches) == len(leaves)
                and all(map(is_, fetches, leaves))
            )
        if plain and type(feeds) is dict and all(map(is_, feeds.values(), values)):
            self._replay = _Replay(
                g.version,
                kind,
                fetches if kind is Tensor or kind is Operation else leaves,
                tuple(feeds),
                tuple(map(type, values)),
                tuple(map(_SIGNATURE, values)),
                entry,
                pack,
            )
        return entry, pack, values

    def _make_entry(
        self, leaves: tuple[Leaf, ...], tensors: list[Tensor], shapes: tuple[tuple[int, ...], ...]
    ) -> _Entry:
        outputs: list[Tensor] = []
        targets: list[Operation] = []
        for leaf in leaves:
            if isinstance(leaf, Tensor):
                if leaf not in outputs:
                    outputs.append(leaf)
            elif leaf not in targets:
                targets.append(leaf)
        view = passes.pruned(self.graph, outputs, targets, tensors)
        for op in view.ops:  # placed as built, before any pass (TF places before Grappler)
            if op.type != "_Arg":
                self._planner.place(op)
        view, rewrites = passes.optimize(self.graph, view, self.optimize)
        plan = self._planner.build(
            list(view.outputs), list(view.targets), tensors, feed_shapes=shapes, order=view.ops
        )
        plan.rewrites = rewrites
        index = {t: i for i, t in enumerate(outputs)}
        self.plan_count += 1
        devices = plan.input_devices
        leaf_index = [index.get(leaf) if isinstance(leaf, Tensor) else None for leaf in leaves]
        return _Entry(
            plan,
            leaf_index,
            [leaf.op._id if isinstance(leaf, Tensor) else leaf._id for leaf in leaves],
            user_names(outputs),
            devices,
            any(d.name != "cpu" for d in plan.devices),
            leaf_index == list(range(len(plan.output_slots))),
        )

    def _results(self, entry: _Entry, outs: list[Any], run: int | None) -> list[Any]:
        plan = entry.plan
        converted: list[Any] = []
        for v, persistent in zip(outs, plan.persistent, strict=True):
            if type(v) is np.ndarray:
                if persistent:
                    v = v.copy()
                if not v.ndim:
                    v = v[()]
            elif isinstance(v, np.generic):
                pass
            elif type(v) is Uninitialized:
                op = plan.op_at[plan.output_slots[len(converted)]]
                err = errors.op_error(
                    errors.FailedPreconditionError, op, errors.uninitialized(v.name)
                )
                report(err)
                raise err
            else:
                v = self._to_host(v, run)
            converted.append(v)
        if entry.in_order:
            return converted
        return [None if i is None else converted[i] for i in entry.leaf_index]

    def _to_host(self, v: Any, run: int | None) -> Any:
        from engine.devices import device_of

        dev = device_of(v)
        t0 = time.perf_counter_ns()
        host = dev.to_host(v)
        if run is not None and dev.name != "cpu":
            STREAM.emit(
                "transfer",
                direction="D2H",
                bytes=int(host.nbytes),
                dur_ns=time.perf_counter_ns() - t0,
                device=dev.name,
                reason="fetch",
                graph=self.graph.graph_id,
                run=run,
            )
        return host[()] if host.ndim == 0 else host

    # ------------------------------------------------------------- variables

    def load_variable(self, var: Any, value: Any) -> None:
        """Set ``var``'s value in this session (``Variable.load``)."""
        t = var._ref()
        arr = convert_feed(value, t)
        if not t.shape.is_compatible_with(arr.shape):
            raise ValueError(errors.feed_shape(arr.shape, t.name, str(t.shape)))
        self._variables[t.op._id] = arr

    def _rng(self, op: Operation) -> np.random.Generator:
        gen = self._rngs.get(op._id)
        if gen is None:
            graph_seed, op_seed = self.graph.seed, int(op.attrs.get("seed") or 0)
            if graph_seed is None and not op_seed:
                gen = np.random.default_rng()
            else:
                gen = np.random.default_rng(
                    [87654321 if graph_seed is None else graph_seed, op_seed or op._id]
                )
            self._rngs[op._id] = gen
        return gen


class InteractiveSession(Session):
    """A Session that makes itself the default until closed (for notebooks and shells)."""

    def __init__(
        self,
        target: str = "",
        graph: Graph | None = None,
        config: ConfigProto | None = None,
        device: str | Device | None = None,
        optimize: bool | Mapping[str, bool] | None = None,
    ) -> None:
        super().__init__(target, graph, config, device, optimize)
        cm = self.as_default()
        cm.__enter__()
        self._entered.append(cm)

    def close(self) -> None:
        if self._entered:
            self._entered.pop().__exit__(None, None, None)
        super().close()


def cores() -> int:
    """The CPU cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def _with_blas_threads(n: int, fn: Callable[..., Any], *args: Any) -> Any:
    """``fn(*args)`` with BLAS on ``n`` threads (set back after; as is where it cannot be set)."""
    ctl = blas_threads.control()
    if ctl is None:
        return fn(*args)
    before = ctl.get()
    ctl.set(n)
    try:
        return fn(*args)
    finally:
        ctl.set(before)


_NO_FEEDS: dict[Any, Any] = {}
"""The feeds of a run without ``feed_dict`` (never written to)."""

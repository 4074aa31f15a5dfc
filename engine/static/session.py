"""``tf.Session``: owns the Variables' values and runs plans of the graph.

``run(fetches, feed_dict)`` resolves the fetches (a tensor, an op, a name, or nested lists,
tuples and dicts of them) and converts the feeds (float64 silently to float32, nothing lossy),
then looks up the plan for (graph version, fetches, fed tensors and shapes) - building it the
first time - and replays it. Values come back as numpy arrays (numpy scalars for 0-d), an
Operation's fetch as None.

Devices: ops run on the Session's device (``Session(device="gpu")``; the CPU by default)
unless ``tf.device`` placed them. **Soft placement is on by default** (``Session()`` with no
config): an op placed on a GPU this machine lacks runs on the CPU, the ``node_created`` event
says so (``device: "cpu"``, ``requested_device``, ``placement``) and so does ``run_started``
(``fallbacks``). With ``config=tf.ConfigProto()`` (TF's default, ``allow_soft_placement=False``)
the run fails with TF's "Cannot assign a device" error instead.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from operator import attrgetter, is_
from typing import Any

import numpy as np

from engine.devices import Device, get_device
from engine.events import STREAM

from . import errors
from . import optimize as passes
from .execute import Plan, report, sync
from .graph import _STACK, Graph, Operation, Tensor, get_default_graph
from .kernels import Uninitialized
from .placement import user_names
from .plan import Planner

Leaf = Tensor | Operation


class ConfigProto:
    """``tf.ConfigProto``: only ``allow_soft_placement`` matters here (False, as in TF)."""

    def __init__(
        self,
        allow_soft_placement: bool = False,
        log_device_placement: bool = False,
        optimize: bool | Mapping[str, bool] | None = None,
        **_: Any,
    ) -> None:
        self.allow_soft_placement = allow_soft_placement
        self.optimize = optimize
        """The graph passes to run (see ``Session``'s ``optimize``); None: all."""
        """Run ops placed on a missing GPU on the CPU instead of failing."""
        self.log_device_placement = log_device_placement
        """Accepted and ignored (events carry every placement)."""


class GPUOptions:
    """``tf.GPUOptions``: accepted and ignored."""

    def __init__(self, **_: Any) -> None:
        pass


@dataclass
class _Entry:
    """A cached plan with how to map it back onto the fetch structure."""

    plan: Plan
    leaf_index: list[int | None]
    fetch_ids: list[int]
    names: list[str]
    input_devices: list[Device]
    on_gpu: bool
    in_order: bool = False
    """The fetches are the plan's outputs, in order (``leaf_index`` is 0, 1, ...)."""


_SIGNATURE = attrgetter("dtype", "shape")


@dataclass(frozen=True, slots=True)
class _Replay:
    """The last run's call, resolved: a run whose fetches and feed keys are the same objects
    (same order) and whose fed values are arrays of the same types, dtypes and shapes, on an
    unchanged graph, means the same plan with the same unconverted feeds, so it skips
    resolving fetches and feeds and looking the plan up. Only the values are new."""

    version: int
    kind: Any
    """The fetches' type: Tensor, Operation, list or tuple."""
    fetches: Any
    """The fetched Tensor, or the tuple of fetched Tensors / Operations."""
    keys: tuple[Any, ...]
    types: tuple[type, ...]
    signatures: tuple[tuple[Any, tuple[int, ...]], ...]
    entry: _Entry
    pack: Callable[[list[Any]], Any]

    def matches(self, version: int, fetches: Any, feed_dict: dict[Any, Any]) -> bool:
        """True when a run of ``fetches`` with ``feed_dict`` is this call again."""
        if version != self.version or type(fetches) is not self.kind:
            return False
        if self.kind is Tensor or self.kind is Operation:
            if fetches is not self.fetches:
                return False
        elif len(fetches) != len(self.fetches) or not all(map(is_, fetches, self.fetches)):
            return False
        return len(feed_dict) == len(self.keys) and all(map(is_, feed_dict, self.keys))


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
            return pack(self._run_observed(entry, values))
        if entry.on_gpu:
            values = [
                d.asarray(v) if d.name != "cpu" else v
                for d, v in zip(entry.input_devices, values, strict=True)
            ]
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
        leaves, pack = self._parse_fetches(fetches)
        if feed_dict:
            tensors, values = self._convert_feeds(feed_dict)
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

    def _run_observed(self, entry: _Entry, values: list[Any]) -> list[Any]:
        g, plan, run = self.graph, entry.plan, self.run_count
        if not g._announced:
            g.announce()
        gid = g.graph_id
        STREAM.emit("iteration_started", mode="static", iteration=run)
        nodes = STREAM.open_unit("static")  # else totals: no run_started, no node events
        if nodes:
            STREAM.emit(
                "run_started",
                graph=gid,
                run=run,
                fetches=entry.fetch_ids,
                plan=[op._id for op in plan.ops],
                device=self.device.name,
                folded=plan.folded,
                fallbacks=plan.fallbacks,
                branches={str(k): v for k, v in plan.branches.items()},
            )
        t0, paused0 = time.perf_counter_ns(), STREAM.paused_ns
        failed = True
        try:
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
            outs = self._results(entry, plan.run_instrumented(moved, nodes), run)
            failed = False
        finally:
            dur = time.perf_counter_ns() - t0 - (STREAM.paused_ns - paused0)  # minus pauses
            STREAM.emit(
                "run_finished",
                graph=gid,
                run=run,
                dur_ns=dur,
                **({"failed": True} if failed else {}),
            )
            if not failed:
                for name, i in zip(entry.names, range(len(entry.names)), strict=True):
                    _metric(name, outs, entry, i, run)
            STREAM.emit("iteration_finished", mode="static", iteration=run, dur_ns=dur)
        return outs

    # -------------------------------------------------------------- fetches

    def _parse_fetches(self, fetches: Any) -> tuple[tuple[Leaf, ...], Callable[[list[Any]], Any]]:
        if type(fetches) is Tensor:
            return (self._leaf(fetches),), _first
        if type(fetches) is list or type(fetches) is tuple:
            if all(type(f) is Tensor or type(f) is Operation for f in fetches):
                return tuple(self._leaf(f) for f in fetches), (
                    list if type(fetches) is list else tuple
                )
        leaves: list[Leaf] = []
        structure = self._walk(fetches, leaves)
        return tuple(leaves), lambda values: _rebuild(structure, iter(values))

    def _walk(self, f: Any, leaves: list[Leaf]) -> Any:
        if isinstance(f, list):
            return ("list", [self._walk(x, leaves) for x in f])
        if isinstance(f, tuple):
            kind = type(f) if hasattr(f, "_fields") else tuple
            return ("tuple", kind, [self._walk(x, leaves) for x in f])
        if isinstance(f, dict):
            return ("dict", type(f), [(k, self._walk(v, leaves)) for k, v in f.items()])
        leaves.append(self._leaf(f))
        return ("leaf",)

    def _leaf(self, obj: Any) -> Leaf:
        g = self.graph
        if isinstance(obj, Tensor | Operation):
            if obj.graph is not g:
                raise ValueError(errors.fetch_other_graph(obj))
            ctx = obj.op._ctx if isinstance(obj, Tensor) else obj._ctx
            if ctx is not None:
                owner = ctx.owner.name if ctx.owner is not None else "cond"
                raise ValueError(errors.fetch_inside_body(obj, owner))
            return obj
        if hasattr(obj, "_ref"):  # a Variable: its value
            return self._leaf(obj._ref())
        if isinstance(obj, str):
            if ":" in obj:
                try:
                    return self._leaf(g.get_tensor_by_name(obj))
                except (KeyError, ValueError):
                    raise ValueError(errors.fetch_unknown_tensor(obj)) from None
            try:
                return self._leaf(g.get_operation_by_name(obj))
            except KeyError:
                raise ValueError(errors.fetch_unknown_op(obj)) from None
        if obj is None:
            raise TypeError(errors.fetch_none())
        raise TypeError(errors.fetch_bad_type(obj))

    # ---------------------------------------------------------------- feeds

    def _convert_feeds(self, feed_dict: dict[Any, Any]) -> tuple[list[Tensor], list[Any]]:
        tensors, values = [], []
        for key, value in feed_dict.items():
            t = self._feed_key(key)
            if isinstance(value, Tensor | Operation) or hasattr(value, "_ref"):
                raise TypeError(errors.feed_is_tensor(value, key))
            want = t.dtype.np
            if type(value) is np.ndarray and value.dtype == want:
                arr = value  # no copy: the kernels never write into their inputs
            else:
                arr = _convert_feed(value, t)
            dims = t._dims
            if (
                dims is not None
                and arr.shape != dims
                and (
                    len(dims) != arr.ndim
                    or any(d is not None and d != s for d, s in zip(dims, arr.shape, strict=True))
                )
            ):
                raise ValueError(errors.feed_shape(arr.shape, t.name, str(t.shape)))
            tensors.append(t)
            values.append(arr)
        return tensors, values

    def _feed_key(self, key: Any) -> Tensor:
        g = self.graph
        if hasattr(key, "_ref"):
            key = key._ref()
        if isinstance(key, Tensor):
            if key.graph is not g:
                raise ValueError(
                    errors.feed_key(key, f"Tensor {key} is not an element of this graph.")
                )
            return key
        if isinstance(key, str):
            try:
                return g.get_tensor_by_name(key)
            except (KeyError, ValueError) as e:
                raise TypeError(errors.feed_key(key, str(e).strip("'\""))) from None
        raise TypeError(
            errors.feed_key(key, f"Can not convert a {type(key).__name__} into a Tensor.")
        )

    # ------------------------------------------------------------- variables

    def load_variable(self, var: Any, value: Any) -> None:
        """Set ``var``'s value in this session (``Variable.load``)."""
        t = var._ref()
        arr = _convert_feed(value, t)
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


def get_default_session() -> Session | None:
    """The innermost default session, or None."""
    return _STACK.sessions[-1] if _STACK.sessions else None


def _session_for(session: Session | None, what: str) -> Session:
    s = session or get_default_session()
    if s is None:
        if what == "execute operation":
            raise ValueError(
                "Cannot execute operation using `run()`: No default session is "
                "registered. Use `with sess.as_default():` or pass an explicit "
                "session to `run(session=sess)`"
            )
        raise ValueError(
            f"Cannot {what} using `eval()`: No default session is registered. Use "
            f"`with sess.as_default()` or pass an explicit session to "
            f"`eval(session=sess)`"
        )
    return s


_NO_FEEDS: dict[Any, Any] = {}
"""The feeds of a run without ``feed_dict`` (never written to)."""


def _first(values: list[Any]) -> Any:
    return values[0]


def _rebuild(structure: Any, values: Iterator[Any]) -> Any:
    kind = structure[0]
    if kind == "leaf":
        return next(values)
    if kind == "list":
        return [_rebuild(s, values) for s in structure[1]]
    if kind == "tuple":
        items = [_rebuild(s, values) for s in structure[2]]
        return structure[1](*items) if structure[1] is not tuple else tuple(items)
    return structure[1]((k, _rebuild(s, values)) for k, s in structure[2])


def _metric(name: str, outs: list[Any], entry: _Entry, i: int, run: int) -> None:
    index = entry.leaf_index.index(i) if i in entry.leaf_index else None
    if index is None:
        return
    v = outs[index]
    if isinstance(v, np.floating):
        STREAM.emit("metric", name=name, value=float(v), mode="static", iteration=run)


def _convert_feed(value: Any, t: Tensor) -> np.ndarray:
    """``value`` as a numpy array of ``t``'s dtype; TypeError for anything lossy."""
    want = t.dtype.np
    try:
        src = np.asarray(value)
        arr = np.asarray(value, dtype=want)
    except (ValueError, TypeError, OverflowError):
        raise TypeError(errors.feed_dtype(value, t.dtype.name)) from None
    lossy = False
    if want.kind in "iu" and src.dtype.kind in "iuf":
        lossy = not np.array_equal(arr, src)
    elif want.kind == "b" and src.dtype.kind != "b":
        lossy = not np.isin(src, (0, 1)).all()
    elif want.kind == "f" and src.dtype.kind in "cOUS":
        lossy = True
    if lossy:
        raise TypeError(errors.feed_dtype(value, t.dtype.name))
    return arr

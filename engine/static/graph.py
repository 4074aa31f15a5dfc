"""Graph: what the ``tf.*`` calls build, before anything runs (its nodes are ``operation``'s
Operation and ``tensor``'s Tensor, a cond or foldl body ``body_context``'s BodyContext).

A :class:`Graph` is a list of :class:`Operation` in creation order (which is also a valid
execution order: an op's inputs always exist before it). Names follow TensorFlow 1: an op is
named after its type or its Python operator (``MatMul``, ``add``), made unique with ``_1``,
``_2``... case-insensitively, and prefixed by the open name scopes, which are made unique too.
Shapes and dtypes are inferred from the op table when an op is created, so mismatches fail
while the graph is built, with TensorFlow's messages.

Every new node is announced with a ``node_created`` event (and the graph's first node with
``graph_created``) when anyone listens on ``engine.events.STREAM``.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from engine.events import STREAM

from .body_context import BodyContext
from .dtypes import DType
from .operation import Operation
from .placement import canonical_device, node_payload, user_frame
from .shapes import Dims
from .tensor import Tensor

if TYPE_CHECKING:
    from .session import Session

__all__ = [
    "BodyContext",
    "Graph",
    "Operation",
    "Tensor",
    "get_default_graph",
    "reset_default_graph",
]
"""Operation, Tensor and BodyContext live in their own modules; importing them from here
keeps working."""

_GRAPH_IDS = itertools.count(1)


class _Controller:
    """One ``with tf.control_dependencies(...)`` block."""

    def __init__(self, ops: list[Operation] | None, first_id: int) -> None:
        self.ops, self.first_id = ops, first_id


class Graph:
    """A TensorFlow-1 graph: ops in creation order, names, scopes, collections.

    Attributes:
        version: bumped by every new op; a Session re-plans when it changes.
        seed: the graph-level random seed (``tf.set_random_seed``), or None.
    """

    def __init__(self, name: str = "graph") -> None:
        self.name = name
        """A label for events ("default" for the default graph)."""
        self._ops: list[Operation] = []
        self._by_name: dict[str, Operation] = {}
        self._names_in_use: dict[str, int] = {}
        self._name_stack = ""
        self._controllers: list[_Controller] = []
        self._device_stack: list[str] = []
        self._ctx_stack: list[BodyContext] = []
        self._collections: dict[str, list[Any]] = {}
        self._gid: str | None = None
        self._grad_of: int | None = None  # the forward node new nodes differentiate, if any
        self._announced = False
        self._finalized = False
        self.version = 0
        self.seed: int | None = None

    # ----------------------------------------------------------------- lookups

    @property
    def graph_id(self) -> str:
        """The id events use (``"static:1"``), given when the first node is created."""
        if self._gid is None:
            self._gid = f"static:{next(_GRAPH_IDS)}"
        return self._gid

    def get_operations(self) -> list[Operation]:
        """All ops, in creation order."""
        return list(self._ops)

    def get_operation_by_name(self, name: str) -> Operation:
        """The op named ``name``; raises KeyError as TF does."""
        try:
            return self._by_name[name]
        except KeyError:
            raise KeyError(f"The name '{name}' refers to an Operation not in the graph.") from None

    def get_tensor_by_name(self, name: str) -> Tensor:
        """The tensor named ``"op:index"``; raises KeyError / ValueError as TF does."""
        if ":" not in name:
            raise ValueError(
                f"The name '{name}' looks a like an Operation name, not a Tensor "
                f"name. "
                f'Tensor names must be of the form "<op_name>:<output_index>".'
            )
        op_name, _, index = name.rpartition(":")
        op = self._by_name.get(op_name)
        if op is None:
            raise KeyError(
                f"The name '{name}' refers to a Tensor which does not exist. The "
                f"operation, '{op_name}', does not exist in the graph."
            )
        try:
            return op.outputs[int(index)]
        except (ValueError, IndexError):
            raise KeyError(
                f"The name '{name}' refers to a Tensor which does not exist. The "
                f"operation, '{op_name}', exists but only has {len(op.outputs)} "
                f"outputs."
            ) from None

    def as_graph_def(self) -> dict[str, Any]:
        """The graph as a JSON-serialisable dict mirroring TF's GraphDef."""
        from .serialize import graph_to_dict

        return graph_to_dict(self)

    def finalize(self) -> None:
        """Forbid new ops (``tf.Graph.finalize``)."""
        self._finalized = True

    @property
    def finalized(self) -> bool:
        """True once finalize() was called."""
        return self._finalized

    # ------------------------------------------------------------- collections

    def add_to_collection(self, name: str, value: Any) -> None:
        """Append ``value`` to the collection ``name``."""
        self._collections.setdefault(name, []).append(value)

    def get_collection(self, name: str, scope: str | None = None) -> list[Any]:
        """A copy of the collection ``name`` (filtered by name prefix ``scope``)."""
        items = list(self._collections.get(name, []))
        if scope:
            items = [i for i in items if getattr(i, "name", "").startswith(scope)]
        return items

    # ------------------------------------------------------------------- names

    def unique_name(self, name: str, mark_as_used: bool = True) -> str:
        """TensorFlow's ``Graph.unique_name``: prefix the scope, add ``_N`` if taken."""
        if self._name_stack:
            name = self._name_stack + "/" + name
        key = name.lower()
        i = self._names_in_use.get(key, 0)
        if mark_as_used:
            self._names_in_use[key] = i + 1
        if i > 0:
            base = key
            while key in self._names_in_use:
                key = f"{base}_{i}"
                i += 1
            if mark_as_used:
                self._names_in_use[key] = 1
            name = f"{name}_{i - 1}"
        return name

    @contextmanager
    def name_scope(self, name: str | None) -> Iterator[str]:
        """Open a name scope; yields the scope prefix ending in "/" ("" at the root).

        A name ending in "/" re-enters that exact scope; any other name is made unique.
        """
        old = self._name_stack
        if not name:
            new = ""
        elif name.endswith("/"):
            new = name[:-1]
        else:
            new = self.unique_name(name)
        self._name_stack = new
        try:
            yield new + "/" if new else ""
        finally:
            self._name_stack = old

    # ---------------------------------------------------------- context stacks

    @contextmanager
    def as_default(self) -> Iterator[Graph]:
        """Make this the default graph inside the block."""
        _STACK.graphs.append(self)
        try:
            yield self
        finally:
            _STACK.graphs.pop()

    @contextmanager
    def control_dependencies(self, control_inputs: Sequence[Any] | None) -> Iterator[None]:
        """Ops created inside run after ``control_inputs``; None clears the outer blocks."""
        if control_inputs is None:
            controller = _Controller(None, len(self._ops))
        else:
            ops: list[Operation] = []
            for c in control_inputs:
                op = _as_op(c)
                if op.graph is not self:
                    raise ValueError(f"Control input {c} must be from the same graph.")
                ops.append(op)
            controller = _Controller(ops, len(self._ops))
        self._controllers.append(controller)
        try:
            yield
        finally:
            self._controllers.pop()

    @contextmanager
    def device(self, spec: str | None) -> Iterator[None]:
        """Ops created inside ask for device ``spec`` (``"/gpu:0"``, ``"/cpu:0"``, None)."""
        self._device_stack.append(canonical_device(spec))
        try:
            yield
        finally:
            self._device_stack.pop()

    @contextmanager
    def _gradient_of(self, node: int | None) -> Iterator[None]:
        """Nodes created inside are gradient nodes of forward node ``node``."""
        old, self._grad_of = self._grad_of, node
        try:
            yield
        finally:
            self._grad_of = old

    @contextmanager
    def _body(self, ctx: BodyContext) -> Iterator[BodyContext]:
        """Ops created inside belong to the body ``ctx`` (of a cond or foldl)."""
        self._ctx_stack.append(ctx)
        try:
            yield ctx
        finally:
            self._ctx_stack.pop()

    def _control_inputs_for(self, inputs: Sequence[Tensor]) -> list[Operation]:
        ret: list[Operation] = []
        input_ops = [t.op for t in inputs]
        for controller in self._controllers:
            if controller.ops is None:
                ret = []
                continue
            if any(op._id >= controller.first_id for op in input_ops):
                continue  # dominated: an input was itself created inside this block
            ret.extend(c for c in controller.ops if c not in input_ops and c not in ret)
        return ret

    # ------------------------------------------------------------ create nodes

    def create_op(
        self,
        op_type: str,
        inputs: Sequence[Tensor],
        *,
        name: str,
        attrs: dict[str, Any] | None = None,
        dtypes: Sequence[DType] | None = None,
        shapes: Sequence[Dims] | None = None,
        meta: dict[str, Any] | None = None,
        control_inputs: Sequence[Operation] = (),
        device: str | None = None,
        grad_of: int | None = None,
        ctx: BodyContext | None = None,
    ) -> Operation:
        """Add one op; returns it.

        Args:
            op_type: the op type (a key of the op table or of ``kernels.STATIC``).
            inputs: input tensors of this graph.
            name: the name to make unique, or a scope (ending in "/") to use exactly.
            attrs: kernel attributes.
            dtypes / shapes: the outputs' dtypes and shapes; inferred from the op table when
                omitted, which raises TF's build-time errors.
            meta: extra data (Const value, cond branches...).
            control_inputs: explicit control inputs (added to those of open blocks).
            device: the device to record instead of the one of the open ``tf.device`` blocks.
            grad_of: the forward node this gradient node belongs to (default: that of an open
                ``_gradient_of`` block).
            ctx: the body the op belongs to (default: the innermost open one).

        Raises:
            ValueError / TypeError: shapes or dtypes that do not fit, with TF's messages.
        """
        if self._finalized:
            raise RuntimeError("Graph is finalized and cannot be modified.")
        name = name[:-1] if name.endswith("/") else self.unique_name(name)
        if name in self._by_name:
            raise ValueError(f"Duplicate node name in graph: '{name}'")
        attrs = attrs or {}
        if dtypes is None or shapes is None:
            from .kernels import infer as infer_fn

            try:
                dt, dims = infer_fn(op_type, inputs, attrs, name)
            except (TypeError, ValueError) as e:
                if STREAM.active:  # the node never exists: the event names it
                    STREAM.emit(
                        "error",
                        type=type(e).__name__,
                        message=str(e),
                        graph=self.graph_id,
                        name=name,
                        op=op_type,
                    )
                raise
            dtypes, shapes = (dtypes or [dt]), (shapes or [dims])
        ctrl = self._control_inputs_for(inputs)
        ctrl.extend(c for c in control_inputs if c not in ctrl)
        dev = (
            device if device is not None else (self._device_stack[-1] if self._device_stack else "")
        )
        op = Operation(self, len(self._ops), name, op_type, inputs, ctrl, attrs, dev, meta or {})
        op.outputs = tuple(
            Tensor(op, i, d, s) for i, (d, s) in enumerate(zip(dtypes, shapes, strict=True))
        )
        op._grad_of = grad_of if grad_of is not None else self._grad_of
        op._ctx = ctx if ctx is not None else (self._ctx_stack[-1] if self._ctx_stack else None)
        if op._ctx is not None:
            op._ctx.ops.append(op)
        self._ops.append(op)
        self._by_name[name] = op
        self.version += 1
        if STREAM.active:
            self._announce(op)
        return op

    # ------------------------------------------------------------------ events

    def announce(self) -> None:
        """(Re-)emit ``graph_created`` and a ``node_created`` per op (for a late subscriber)."""
        if not STREAM.active:
            return
        self._announced = False
        for op in self._ops:
            self._announce(op, source=False)

    def _announce(self, op: Operation, source: bool = True) -> None:
        if not self._announced:
            self._announced = True
            STREAM.emit("graph_created", graph=self.graph_id, mode="static", name=self.name)
        STREAM.emit("node_created", **node_payload(op, user_frame() if source else None))


# ----------------------------------------------------------- default graph stack


class _Stacks(threading.local):
    def __init__(self) -> None:
        self.graphs: list[Graph] = []
        self.sessions: list[Session] = []


_STACK = _Stacks()
_GLOBAL = {"graph": Graph("default")}


def get_default_graph() -> Graph:
    """The innermost ``as_default()`` graph, else the global default graph."""
    return _STACK.graphs[-1] if _STACK.graphs else _GLOBAL["graph"]


def reset_default_graph() -> None:
    """Replace the global default graph with a new, empty one."""
    if _STACK.graphs:
        raise AssertionError(
            "Do not use tf.reset_default_graph() to clear nested graphs. If you "
            "need a cleared graph, exit the nesting and create a new graph."
        )
    _GLOBAL["graph"] = Graph("default")


def _as_op(value: Any) -> Operation:
    """An Operation from an Operation, a Tensor or a Variable (for control inputs)."""
    if isinstance(value, Operation):
        return value
    if isinstance(value, Tensor):
        return value.op
    op = getattr(value, "op", None)
    if isinstance(op, Operation):
        return op
    raise TypeError(f"Can not convert a {type(value).__name__} into a Tensor or Operation.")

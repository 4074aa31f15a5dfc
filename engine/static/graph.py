"""Graph, Operation and Tensor: what the ``tf.*`` calls build, before anything runs.

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

from . import errors
from .dtypes import DType
from .placement import canonical_device, node_payload, user_frame
from .shapes import Dims, TensorShape, as_dims

if TYPE_CHECKING:
    from .session import Session

_GRAPH_IDS = itertools.count(1)


class Tensor:
    """A symbolic handle to one output of an Operation; it has no value until a Session runs.

    Attributes:
        op: the Operation that produces it.
        value_index: which output of ``op`` it is.
        dtype: its DType.
    """

    __slots__ = ("op", "value_index", "dtype", "_dims")
    __array_priority__ = 100
    __array_ufunc__ = None  # numpy defers to our reflected operators: np.float32(2) * t works

    def __init__(self, op: Operation, value_index: int, dtype: DType, dims: Dims) -> None:
        self.op = op
        self.value_index = value_index
        self.dtype = dtype
        self._dims = dims

    @property
    def name(self) -> str:
        """``"<op name>:<index>"``."""
        return f"{self.op.name}:{self.value_index}"

    @property
    def graph(self) -> Graph:
        """The graph of the producing op."""
        return self.op.graph

    @property
    def device(self) -> str:
        """The device the producing op asked for ("" when unplaced)."""
        return self.op.device

    @property
    def shape(self) -> TensorShape:
        """The static shape (dimensions may be unknown)."""
        return TensorShape(self._dims)

    def get_shape(self) -> TensorShape:
        """The static shape, as TF 1.x spells it."""
        return TensorShape(self._dims)

    def set_shape(self, shape: Any) -> None:
        """Refine the static shape; raises ValueError if it contradicts what is known."""
        new = as_dims(shape)
        if not self.shape.is_compatible_with(new):
            raise ValueError(f"Shapes {self.shape} and {TensorShape(new)} are incompatible")
        if new is not None:
            old = self._dims or (None,) * len(new)
            self._dims = tuple(a if a is not None else b for a, b in zip(new, old, strict=True))

    def consumers(self) -> list[Operation]:
        """The ops that take this tensor as an input."""
        return [op for op in self.op.graph._ops if any(t is self for t in op.inputs)]

    def eval(self, feed_dict: dict[Any, Any] | None = None, session: Session | None = None) -> Any:
        """Run the graph up to this tensor in ``session`` (or the default session)."""
        from .session import _session_for

        return _session_for(session, "evaluate tensor").run(self, feed_dict)

    def __repr__(self) -> str:
        return f"<tf.Tensor '{self.name}' shape={self.shape} dtype={self.dtype.name}>"

    def __str__(self) -> str:
        return f'Tensor("{self.name}", shape={self.shape}, dtype={self.dtype.name})'

    def __bool__(self) -> bool:
        raise TypeError(errors.BOOL_TENSOR)

    def __iter__(self) -> Iterator[Any]:
        raise TypeError(errors.ITER_TENSOR)

    __hash__ = object.__hash__


class BodyContext:
    """The ops created inside one branch of ``tf.cond`` or the body of ``tf.foldl``.

    They run only when their owner (the ``If`` / ``While`` op) runs them.
    """

    def __init__(self, kind: str, branch: str) -> None:
        self.kind, self.branch = kind, branch
        self.ops: list[Operation] = []
        """The ops created inside, in creation order."""
        self.owner: Operation | None = None
        """The If / While op that runs this body (set once it exists)."""

    @property
    def key(self) -> str:
        """A name for serialisation: ``"<owner>:<branch>"``."""
        return f"{self.owner.name if self.owner else '?'}:{self.branch}"

    def captures(self) -> tuple[list[Tensor], list[Operation]]:
        """Tensors and control inputs that the body's ops take from outside the body."""
        inside = set(map(id, self.ops))
        data: list[Tensor] = []
        ctrl: list[Operation] = []
        for op in self.ops:
            for t in op.inputs:
                if id(t.op) not in inside and t not in data:
                    data.append(t)
            for c in op.control_inputs:
                if id(c) not in inside and c not in ctrl:
                    ctrl.append(c)
        return data, ctrl


class Operation:
    """One node of the graph.

    Attributes:
        graph: the Graph it belongs to.
        name: its unique name (``MatMul_1``, ``gradients/MatMul_grad/MatMul``).
        type: the op type (``MatMul``).
        inputs: the input Tensors, in order.
        control_inputs: Operations that must run before this one.
        outputs: its output Tensors.
        attrs: attributes the kernel takes (``transpose_b``, ``axis``...); JSON values.
        device: the device asked for with ``tf.device`` ("" when unplaced).
        meta: anything else the front end records (a Const's value, a cond's branches).
    """

    __slots__ = (
        "graph",
        "_id",
        "name",
        "type",
        "inputs",
        "control_inputs",
        "outputs",
        "attrs",
        "device",
        "meta",
        "_ctx",
        "_grad_of",
    )

    def __init__(
        self,
        graph: Graph,
        op_id: int,
        name: str,
        op_type: str,
        inputs: Sequence[Tensor],
        control_inputs: Sequence[Operation],
        attrs: dict[str, Any],
        device: str,
        meta: dict[str, Any],
    ) -> None:
        self.graph = graph
        self._id = op_id
        self.name = name
        self.type = op_type
        self.inputs = tuple(inputs)
        self.control_inputs = tuple(control_inputs)
        self.outputs: tuple[Tensor, ...] = ()
        self.attrs = attrs
        self.device = device
        self.meta = meta
        self._ctx: BodyContext | None = None
        self._grad_of: int | None = None

    @property
    def id(self) -> int:
        """The node id used in events (creation index within the graph)."""
        return self._id

    def values(self) -> tuple[Tensor, ...]:
        """The output tensors."""
        return self.outputs

    def get_attr(self, name: str) -> Any:
        """One attribute; raises ValueError naming it if absent."""
        if name in self.attrs:
            return self.attrs[name]
        if name in self.meta:
            return self.meta[name]
        raise ValueError(f"Operation '{self.name}' has no attr named '{name}'.")

    def node_def(self) -> dict[str, Any]:
        """This node as a graph-def dict (see ``serialize``)."""
        from .serialize import node_to_dict

        return node_to_dict(self)

    def run(self, feed_dict: dict[Any, Any] | None = None, session: Session | None = None) -> None:
        """Run this op (and what it needs) in ``session`` (or the default session)."""
        from .session import _session_for

        _session_for(session, "execute operation").run(self, feed_dict)

    def __repr__(self) -> str:
        return f"<tf.Operation '{self.name}' type={self.type}>"

    __hash__ = object.__hash__


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

"""Operation: one node of the graph (its type, inputs, attributes and device)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .body_context import BodyContext
    from .graph import Graph
    from .session import Session
    from .tensor import Tensor


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
        from .default_session import _session_for

        _session_for(session, "execute operation").run(self, feed_dict)

    def __repr__(self) -> str:
        return f"<tf.Operation '{self.name}' type={self.type}>"

    __hash__ = object.__hash__

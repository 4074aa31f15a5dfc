"""``tf.Variable``: state that lives in a Session between runs, changed only by assign ops.

A Variable is three nodes, named as TF 1.x names them: ``Variable`` (VariableV2, whose value
is the session's copy), ``Variable/Assign`` (its initializer) and ``Variable/read`` (an
Identity: the value every consumer sees, a snapshot taken when the read runs). ``w.assign(v)``
adds an ``Assign`` node that does nothing until a run's fetches need it - the lecture's
"loss not going down" bug.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from . import api
from . import dtypes as dt
from .graph import Graph, Operation, Tensor, get_default_graph
from .shapes import TensorShape

if TYPE_CHECKING:
    from .session import Session

GLOBAL_VARIABLES = "variables"
TRAINABLE_VARIABLES = "trainable_variables"
LOCAL_VARIABLES = "local_variables"
METRIC_VARIABLES = "metric_variables"


class GraphKeys:
    """``tf.GraphKeys``: collection names."""

    GLOBAL_VARIABLES = GLOBAL_VARIABLES
    TRAINABLE_VARIABLES = TRAINABLE_VARIABLES
    LOCAL_VARIABLES = LOCAL_VARIABLES
    METRIC_VARIABLES = METRIC_VARIABLES
    LOSSES = "losses"
    TRAIN_OP = "train_op"


class Variable:
    """``tf.Variable(initial_value, trainable=True, name=None, dtype=None)``.

    Attributes:
        op: the VariableV2 op (its name is the variable's name).
        initializer: the Assign op that sets the initial value.
        initial_value: the tensor the initializer assigns.
    """

    __array_priority__ = 100
    __array_ufunc__ = None

    def __init__(
        self,
        initial_value: Any = None,
        trainable: bool = True,
        collections: Sequence[str] | None = None,
        validate_shape: bool = True,
        caching_device: Any = None,
        name: str | None = None,
        variable_def: Any = None,
        dtype: Any = None,
        expected_shape: Any = None,
        import_scope: Any = None,
        constraint: Any = None,
        use_resource: Any = None,
        synchronization: Any = None,
        aggregation: Any = None,
        shape: Any = None,
    ) -> None:
        if initial_value is None:
            raise ValueError("initial_value must be specified.")
        g = (
            api.graph_of(initial_value)
            if api.is_tensor_like(initial_value)
            else get_default_graph()
        )
        from_fn = callable(initial_value) and not api.is_tensor_like(initial_value)
        with g.name_scope(name or "Variable") as scope:
            if from_fn:
                with g.name_scope("Initializer"), g.device(None):
                    init = api.convert_to_tensor(
                        initial_value(), dtype=dtype, name="initial_value", graph=g
                    )
            else:
                init = api.convert_to_tensor(
                    initial_value, dtype=dtype, name="initial_value", graph=g
                )
            dims = init._dims if validate_shape else None
            self.op: Operation = g.create_op(
                "VariableV2",
                [],
                name=scope,
                dtypes=[init.dtype],
                shapes=[dims],
                attrs={"shape": list(dims or [])},
            )
            self._variable = self.op.outputs[0]
            self.initial_value = init
            self.initializer: Operation = assign(
                self._variable, init, validate_shape, name="Assign"
            ).op
            self._snapshot = g.create_op(
                "Identity", [self._variable], name="read", dtypes=[init.dtype], shapes=[dims]
            ).outputs[0]
        self.trainable = trainable
        """Whether optimizers update it by default."""
        for key in collections or [GLOBAL_VARIABLES]:
            g.add_to_collection(key, self)
        if trainable and TRAINABLE_VARIABLES not in (collections or []):
            g.add_to_collection(TRAINABLE_VARIABLES, self)

    # --------------------------------------------------------------- properties

    @property
    def name(self) -> str:
        """``"Variable:0"``."""
        return self._variable.name

    @property
    def dtype(self) -> dt.DType:
        """The value's dtype."""
        return self._variable.dtype

    @property
    def shape(self) -> TensorShape:
        """The value's static shape."""
        return self._variable.shape

    def get_shape(self) -> TensorShape:
        """The value's static shape."""
        return self._variable.shape

    @property
    def graph(self) -> Graph:
        """The graph it lives in."""
        return self.op.graph

    @property
    def device(self) -> str:
        """The device it asked for."""
        return self.op.device

    def _as_tensor(self) -> Tensor:
        return self._snapshot

    def _ref(self) -> Tensor:
        return self._variable

    def value(self) -> Tensor:
        """The snapshot tensor (``Variable/read:0``)."""
        return self._snapshot

    def read_value(self) -> Tensor:
        """A new read of the current value."""
        g = self.graph
        with g.name_scope(self.op.name + "/"):
            return g.create_op(
                "Identity",
                [self._variable],
                name="read",
                dtypes=[self.dtype],
                shapes=[self._variable._dims],
            ).outputs[0]

    # ------------------------------------------------------------------ updates

    def assign(
        self,
        value: Any,
        use_locking: bool = False,
        name: str | None = None,
        read_value: bool = True,
    ) -> Tensor:
        """An Assign node writing ``value``; it runs only when a fetch needs it."""
        return assign(self._variable, value, True, name=name)

    def assign_add(
        self,
        delta: Any,
        use_locking: bool = False,
        name: str | None = None,
        read_value: bool = True,
    ) -> Tensor:
        """An AssignAdd node adding ``delta``."""
        return _update("AssignAdd", self._variable, delta, name)

    def assign_sub(
        self,
        delta: Any,
        use_locking: bool = False,
        name: str | None = None,
        read_value: bool = True,
    ) -> Tensor:
        """An AssignSub node subtracting ``delta``."""
        return _update("AssignSub", self._variable, delta, name)

    def eval(self, session: Session | None = None) -> Any:
        """The value in ``session`` (or the default session)."""
        return self._variable.eval(session=session)

    def load(self, value: Any, session: Session | None = None) -> None:
        """Write ``value`` into the variable in ``session`` without adding nodes."""
        from .default_session import _session_for

        _session_for(session, "load variable").load_variable(self, value)

    def __repr__(self) -> str:
        return f"<tf.Variable '{self.name}' shape={self.shape} dtype={self.dtype.name}_ref>"

    def __bool__(self) -> bool:
        return bool(self._snapshot)

    def __iter__(self) -> Any:
        return iter(self._snapshot)

    __hash__ = object.__hash__


api.install_operators(Variable)


def _ref_of(ref: Any) -> Tensor:
    if isinstance(ref, Variable):
        return ref._variable
    if isinstance(ref, Tensor) and ref.op.type == "VariableV2":
        return ref
    raise TypeError(f"'{ref}' is not a Variable: only Variables can be assigned to")


def assign(
    ref: Any,
    value: Any,
    validate_shape: bool = True,
    use_locking: bool = False,
    name: str | None = None,
) -> Tensor:
    """``tf.assign(ref, value)``: an Assign node (shapes checked while building)."""
    var = _ref_of(ref)
    g = var.graph
    with g.name_scope(name or "Assign") as scope:
        v = api.convert_to_tensor(
            value, dtype=None if api.is_tensor_like(value) else var.dtype, name="value", graph=g
        )
        if v.graph is not g:
            raise ValueError(f"{v} must be from the same graph as {var}.")
        if v.dtype != var.dtype:
            raise TypeError(
                f"Input 'value' of 'Assign' Op has type {v.dtype.name} that does not "
                f"match type {var.dtype.name} of argument 'ref'."
            )
        a, b = var._dims, v._dims
        if validate_shape and a is not None and b is not None:
            name_ = scope[:-1]
            shapes = (
                f"[{','.join('?' if d is None else str(d) for d in a)}], "
                f"[{','.join('?' if d is None else str(d) for d in b)}]"
            )
            if len(a) != len(b):
                raise ValueError(
                    f"Shapes must be equal rank, but are {len(a)} and {len(b)} for "
                    f"'{name_}' (op: 'Assign') with input shapes: {shapes}."
                )
            for i, (x, y) in enumerate(zip(a, b, strict=True)):
                if x is not None and y is not None and x != y:
                    raise ValueError(
                        f"Dimension {i} in both shapes must be equal, but are {x} and "
                        f"{y}. Shapes are {shapes.split(', ')[0]} and "
                        f"{shapes.split(', ')[1]}. for '{name_}' (op: 'Assign') "
                        f"with input shapes: {shapes}."
                    )
        return g.create_op(
            "Assign",
            [var, v],
            name=scope,
            dtypes=[var.dtype],
            shapes=[var._dims if validate_shape else b],
            attrs={"validate_shape": bool(validate_shape)},
        ).outputs[0]


def _update(op_type: str, ref: Any, delta: Any, name: str | None) -> Tensor:
    var = _ref_of(ref)
    g = var.graph
    with g.name_scope(name or op_type) as scope:
        v = api.convert_to_tensor(
            delta, dtype=None if api.is_tensor_like(delta) else var.dtype, name="value", graph=g
        )
        from .kernels import infer

        infer("Add", [var, v], {}, scope[:-1])  # same dtype and broadcastable, or TF's errors
        return g.create_op(
            op_type, [var, v], name=scope, dtypes=[var.dtype], shapes=[var._dims]
        ).outputs[0]


def assign_add(ref: Any, value: Any, use_locking: bool = False, name: str | None = None) -> Tensor:
    """``tf.assign_add``."""
    return _update("AssignAdd", ref, value, name)


def assign_sub(ref: Any, value: Any, use_locking: bool = False, name: str | None = None) -> Tensor:
    """``tf.assign_sub``."""
    return _update("AssignSub", ref, value, name)


# ------------------------------------------------------------------ collections


def global_variables(scope: str | None = None) -> list[Variable]:
    """Every Variable of the default graph."""
    return get_default_graph().get_collection(GLOBAL_VARIABLES, scope)


def trainable_variables(scope: str | None = None) -> list[Variable]:
    """The Variables optimizers update by default."""
    return get_default_graph().get_collection(TRAINABLE_VARIABLES, scope)


def variables_initializer(var_list: Sequence[Variable], name: str = "init") -> Operation:
    """A NoOp ``init`` that runs every listed variable's initializer."""
    from .control import group

    return group(*[v.initializer for v in var_list], name=name)


def global_variables_initializer() -> Operation:
    """``tf.global_variables_initializer()``: the NoOp ``init``."""
    return variables_initializer(global_variables())


initialize_all_variables = global_variables_initializer


def local_variables(scope: str | None = None) -> list[Variable]:
    """The Variables of the ``local_variables`` collection (``tf.metrics``' counters)."""
    return get_default_graph().get_collection(LOCAL_VARIABLES, scope)


def local_variables_initializer() -> Operation:
    """``tf.local_variables_initializer()``: the NoOp ``init_1`` (after the global ``init``)
    that runs every local variable's initializer."""
    return variables_initializer(local_variables(), name="init")


def is_variable_initialized(variable: Variable) -> Callable[..., Any]:
    """Not supported: raise rather than mislead."""
    raise NotImplementedError("tf.is_variable_initialized is not supported by this engine")

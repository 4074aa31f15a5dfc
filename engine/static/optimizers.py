"""``tf.train``'s optimizers: GradientDescent, Momentum, Adam, RMSProp, Adagrad, named as TF 1.x.

``minimize(loss)`` = ``apply_gradients(compute_gradients(loss))``. ``apply_gradients`` first
makes each variable's *slots* - Variables of its shape named ``<var>/<Optimizer>``
(``dense/kernel/Adam``, ``dense/kernel/Adam_1``), outside every name scope and control block,
initialised by ``global_variables_initializer`` like any other - then, under the optimizer's
scope (``Adam/``), its hyper-parameters as Consts (``Adam/learning_rate``, ``Adam/beta1``...),
one fused update op per variable (``Adam/update_dense/kernel/ApplyAdam``) and a NoOp named
after the optimizer (``Adam``) that groups them: the group the static pane folds into one box.

Each update op (``kernels.APPLY``) reads the variable and its slots when it runs and writes
them all back, as TF's ``Apply*`` kernels do:

* ``ApplyGradientDescent``: ``var -= lr * g``
* ``ApplyMomentum``: ``accum = momentum * accum + g``; ``var -= lr * accum`` (Nesterov:
  ``var -= lr * g + lr * momentum * accum``)
* ``ApplyAdam``: ``m = b1 m + (1 - b1) g``; ``v = b2 v + (1 - b2) g^2``;
  ``var -= lr sqrt(1 - b2^t) / (1 - b1^t) * m / (sqrt(v) + eps)``, with ``b1^t``, ``b2^t`` the
  Variables ``beta1_power`` and ``beta2_power``, multiplied by b1, b2 after every step
* ``ApplyRMSProp``: ``ms = decay ms + (1 - decay) g^2``;
  ``mom = momentum mom + lr g / sqrt(ms + eps)``; ``var -= mom`` (centered: ``mg`` too, and
  ``sqrt(ms - mg^2 + eps)``)
* ``ApplyAdagrad``: ``accum += g^2``; ``var -= lr g / sqrt(accum)``
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from . import api
from .control import group
from .gradients import gradients
from .graph import Graph, Operation, Tensor
from .variables import GraphKeys, Variable, assign, assign_add, trainable_variables


class Optimizer:
    """``tf.train.Optimizer``: the shared ``minimize`` / ``compute_gradients`` /
    ``apply_gradients``; a subclass names its slots, hyper-parameters and update op.

    Attributes:
        update_op: the op type of the per-variable update (``ApplyAdam``).
        slot_names: the slots each variable gets, in TF's order, with their initial value
            (a number broadcast to the variable's shape).
    """

    update_op = ""
    slot_names: tuple[tuple[str, float], ...] = ()

    def __init__(self, use_locking: bool, name: str) -> None:
        if not name:
            raise ValueError("Must specify the optimizer name")
        self._name = name
        self._slots: dict[str, dict[Variable, Variable]] = {}
        self._non_slot: dict[str, Variable] = {}

    def get_name(self) -> str:
        """The optimizer's name (its scope and its group NoOp)."""
        return self._name

    # ------------------------------------------------------------ the public API

    def compute_gradients(
        self, loss: Tensor, var_list: Sequence[Variable] | None = None, **_: Any
    ) -> list[tuple[Tensor | None, Variable]]:
        """``[(grad, var)]`` for each trainable variable (grad None when unconnected)."""
        variables = list(var_list) if var_list is not None else trainable_variables()
        if not variables:
            raise ValueError("No variables to optimize.")
        grads = gradients(loss, variables)
        return list(zip(grads, variables, strict=True))

    def apply_gradients(
        self,
        grads_and_vars: Sequence[tuple[Any, Variable]],
        global_step: Variable | None = None,
        name: str | None = None,
    ) -> Operation:
        """Slots, then one update op per variable under the optimizer's scope, grouped into a
        NoOp named after it (``global_step`` incremented after them, when given)."""
        grads_and_vars = list(grads_and_vars)
        pairs = [(gr, v) for gr, v in grads_and_vars if gr is not None]
        if not pairs:
            raise ValueError(
                f"No gradients provided for any variable: {[str(v) for _, v in grads_and_vars]}."
            )
        g = pairs[0][1].graph
        with g.as_default(), g.control_dependencies(None), g.name_scope(""):
            self._create_slots(g, [v for _, v in pairs])
        with g.as_default(), g.name_scope(name or self._name) as scope:
            hyper = self._prepare(pairs[0][1].dtype)
            updates = []
            for grad, var in pairs:
                with g.name_scope("update_" + var.op.name):
                    gt = api.convert_to_tensor(grad)
                    updates.append(self._apply_dense(g, gt, var, hyper))
            if global_step is None:
                train = self._finish(g, updates, scope, hyper)
            else:
                with g.control_dependencies([self._finish(g, updates, "update", hyper)]):
                    train = assign_add(global_step, 1, name=scope).op
        g.add_to_collection(GraphKeys.TRAIN_OP, train)
        return train

    def minimize(
        self,
        loss: Tensor,
        global_step: Variable | None = None,
        var_list: Sequence[Variable] | None = None,
        name: str | None = None,
        **_: Any,
    ) -> Operation:
        """``apply_gradients(compute_gradients(loss))``: remember to run what it returns."""
        grads_and_vars = self.compute_gradients(loss, var_list)
        if all(gr is None for gr, _ in grads_and_vars):
            raise ValueError(
                f"No gradients provided for any variable, check your graph for ops "
                f"that do not support gradients, between variables "
                f"{[str(v) for _, v in grads_and_vars]} and loss {loss}."
            )
        return self.apply_gradients(grads_and_vars, global_step, name)

    def get_slot_names(self) -> list[str]:
        """The names of the slots each variable gets (``['m', 'v']`` for Adam)."""
        return sorted(self._slots)

    def get_slot(self, var: Variable, name: str) -> Variable | None:
        """The slot ``name`` of ``var``, or None."""
        return self._slots.get(name, {}).get(var)

    def variables(self) -> list[Variable]:
        """The Variables this optimizer made (slots and accumulators like ``beta1_power``)."""
        out = list(self._non_slot.values())
        for slots in self._slots.values():
            out.extend(slots.values())
        return out

    # ------------------------------------------------------------ for subclasses

    def _create_slots(self, g: Graph, var_list: Sequence[Variable]) -> None:
        for slot, fill in self.slot_names:
            made = self._slots.setdefault(slot, {})
            for var in var_list:
                if var not in made:
                    made[var] = _slot_variable(var, fill, self._name)

    def _prepare(self, dtype: Any) -> dict[str, Tensor]:
        """The hyper-parameters as Consts in the optimizer's scope, by name."""
        return {
            key: api.convert_to_tensor(
                value, dtype=None if api.is_tensor_like(value) else dtype, name=key
            )
            for key, value in self._hyper().items()
        }

    def _hyper(self) -> dict[str, Any]:
        return {}

    def _inputs(self, var: Variable, grad: Tensor, hyper: dict[str, Tensor]) -> list[Tensor]:
        """The update op's inputs after the variable and its slots."""
        raise NotImplementedError

    def _apply_dense(
        self, g: Graph, grad: Tensor, var: Variable, hyper: dict[str, Tensor]
    ) -> Operation:
        slots = [self._slots[s][var]._ref() for s, _ in self.slot_names]
        return g.create_op(
            self.update_op,
            [var._ref(), *slots, *self._inputs(var, grad, hyper)],
            name=self.update_op,
            dtypes=[var.dtype],
            shapes=[var._ref()._dims],
            attrs=self._attrs(),
        )

    def _attrs(self) -> dict[str, Any]:
        return {}

    def _finish(
        self, g: Graph, updates: list[Operation], name: str, hyper: dict[str, Tensor]
    ) -> Operation:
        return group(*updates, name=name)


def _slot_variable(var: Variable, fill: float, op_name: str) -> Variable:
    """A non-trainable Variable shaped like ``var``, named ``<var>/<op_name>`` (made unique:
    ``Adam``, ``Adam_1``), full of ``fill``."""
    dims = var._ref()._dims
    if dims is None or None in dims:
        raise ValueError(f"Slots of {var.name} need its static shape; it has shape {var.shape}")

    def initial() -> Tensor:
        if fill == 0.0:
            return api.zeros(dims, var.dtype)
        if fill == 1.0:
            return api.ones(dims, var.dtype)
        return api.constant(fill, var.dtype, shape=dims)

    return Variable(initial, trainable=False, name=f"{var.op.name}/{op_name}")


class GradientDescentOptimizer(Optimizer):
    """``tf.train.GradientDescentOptimizer(learning_rate)``: ``var -= lr * grad``."""

    update_op = "ApplyGradientDescent"

    def __init__(
        self, learning_rate: Any, use_locking: bool = False, name: str = "GradientDescent"
    ) -> None:
        super().__init__(use_locking, name)
        self._lr = learning_rate

    def _hyper(self) -> dict[str, Any]:
        return {"learning_rate": self._lr}

    def _inputs(self, var: Variable, grad: Tensor, hyper: dict[str, Tensor]) -> list[Tensor]:
        return [hyper["learning_rate"], grad]


class MomentumOptimizer(Optimizer):
    """``tf.train.MomentumOptimizer(learning_rate, momentum, use_nesterov=False)``; slot
    ``<var>/Momentum``."""

    update_op = "ApplyMomentum"
    slot_names: tuple[tuple[str, float], ...] = (("momentum", 0.0),)

    def __init__(
        self,
        learning_rate: Any,
        momentum: Any,
        use_locking: bool = False,
        name: str = "Momentum",
        use_nesterov: bool = False,
    ) -> None:
        super().__init__(use_locking, name)
        self._lr, self._momentum, self._nesterov = learning_rate, momentum, bool(use_nesterov)

    def _hyper(self) -> dict[str, Any]:
        return {"learning_rate": self._lr, "momentum": self._momentum}

    def _inputs(self, var: Variable, grad: Tensor, hyper: dict[str, Tensor]) -> list[Tensor]:
        return [hyper["learning_rate"], grad, hyper["momentum"]]

    def _attrs(self) -> dict[str, Any]:
        return {"use_nesterov": self._nesterov}


class AdamOptimizer(Optimizer):
    """``tf.train.AdamOptimizer(learning_rate=0.001, beta1=0.9, beta2=0.999, epsilon=1e-08)``;
    slots ``<var>/Adam`` (m) and ``<var>/Adam_1`` (v), Variables ``beta1_power`` and
    ``beta2_power``."""

    update_op = "ApplyAdam"
    slot_names: tuple[tuple[str, float], ...] = (("m", 0.0), ("v", 0.0))

    def __init__(
        self,
        learning_rate: Any = 0.001,
        beta1: Any = 0.9,
        beta2: Any = 0.999,
        epsilon: Any = 1e-08,
        use_locking: bool = False,
        name: str = "Adam",
    ) -> None:
        super().__init__(use_locking, name)
        self._lr, self._beta1, self._beta2, self._epsilon = learning_rate, beta1, beta2, epsilon

    def _create_slots(self, g: Graph, var_list: Sequence[Variable]) -> None:
        if "beta1_power" not in self._non_slot:
            first = var_list[0]
            for key, value in (("beta1_power", self._beta1), ("beta2_power", self._beta2)):
                self._non_slot[key] = Variable(value, trainable=False, name=key, dtype=first.dtype)
        super()._create_slots(g, var_list)

    def _hyper(self) -> dict[str, Any]:
        return {
            "learning_rate": self._lr,
            "beta1": self._beta1,
            "beta2": self._beta2,
            "epsilon": self._epsilon,
        }

    def _inputs(self, var: Variable, grad: Tensor, hyper: dict[str, Tensor]) -> list[Tensor]:
        return [
            self._non_slot["beta1_power"]._as_tensor(),
            self._non_slot["beta2_power"]._as_tensor(),
            hyper["learning_rate"],
            hyper["beta1"],
            hyper["beta2"],
            hyper["epsilon"],
            grad,
        ]

    def _finish(
        self, g: Graph, updates: list[Operation], name: str, hyper: dict[str, Tensor]
    ) -> Operation:
        b1, b2 = self._non_slot["beta1_power"], self._non_slot["beta2_power"]
        with g.control_dependencies(updates):
            update_beta1 = assign(b1, api.multiply(b1, hyper["beta1"], name="mul"))
            update_beta2 = assign(b2, api.multiply(b2, hyper["beta2"], name="mul"))
        return group(*updates, update_beta1, update_beta2, name=name)


class RMSPropOptimizer(Optimizer):
    """``tf.train.RMSPropOptimizer(learning_rate, decay=0.9, momentum=0.0, epsilon=1e-10,
    centered=False)``; slots ``<var>/RMSProp`` (rms, starting at ones), ``<var>/RMSProp_1``
    (momentum) and, centered, ``<var>/RMSProp_2`` (the mean gradient)."""

    update_op = "ApplyRMSProp"
    slot_names: tuple[tuple[str, float], ...] = (("rms", 1.0), ("momentum", 0.0))

    def __init__(
        self,
        learning_rate: Any,
        decay: Any = 0.9,
        momentum: Any = 0.0,
        epsilon: Any = 1e-10,
        use_locking: bool = False,
        centered: bool = False,
        name: str = "RMSProp",
    ) -> None:
        super().__init__(use_locking, name)
        self._lr, self._decay, self._momentum, self._epsilon = (
            learning_rate,
            decay,
            momentum,
            epsilon,
        )
        if centered:
            self.update_op = "ApplyCenteredRMSProp"
            self.slot_names = (("rms", 1.0), ("momentum", 0.0), ("mg", 0.0))

    def _hyper(self) -> dict[str, Any]:
        return {
            "learning_rate": self._lr,
            "decay": self._decay,
            "momentum": self._momentum,
            "epsilon": self._epsilon,
        }

    def _inputs(self, var: Variable, grad: Tensor, hyper: dict[str, Tensor]) -> list[Tensor]:
        return [
            hyper["learning_rate"],
            hyper["decay"],
            hyper["momentum"],
            hyper["epsilon"],
            grad,
        ]


class AdagradOptimizer(Optimizer):
    """``tf.train.AdagradOptimizer(learning_rate, initial_accumulator_value=0.1)``; slot
    ``<var>/Adagrad``."""

    update_op = "ApplyAdagrad"

    def __init__(
        self,
        learning_rate: Any,
        initial_accumulator_value: float = 0.1,
        use_locking: bool = False,
        name: str = "Adagrad",
    ) -> None:
        if initial_accumulator_value <= 0.0:
            raise ValueError(
                f"initial_accumulator_value must be positive: {initial_accumulator_value}"
            )
        super().__init__(use_locking, name)
        self._lr = learning_rate
        self.slot_names = (("accumulator", float(initial_accumulator_value)),)

    def _hyper(self) -> dict[str, Any]:
        return {"learning_rate": self._lr}

    def _inputs(self, var: Variable, grad: Tensor, hyper: dict[str, Tensor]) -> list[Tensor]:
        return [hyper["learning_rate"], grad]

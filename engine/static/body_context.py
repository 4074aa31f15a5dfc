"""BodyContext: the ops of one branch of ``tf.cond`` or the body of ``tf.foldl``."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .operation import Operation
    from .tensor import Tensor


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

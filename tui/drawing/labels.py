"""What a box says, and how wide it must be to say it. Pure.

A box names the user's variable where there is one, else the op with its constants written
in (``Maximum(·, 0)``), and its shape; a group box names its scope and counts its nodes. A
box is as wide as its label needs, up to a cap per box size; a long name is cut from the
scope side (``…/Sum_grad``). The TensorFlow name stays on the node card::

    [h 64×100]   [Sum(axis=1) 64]   [loss 0-d]   [▸ gradients/ 12]   [w1 1000×100]

A group that updates state of its own in place, drawn inside it, says so after its name:
``[▸ BatchNorm1d_1/ ↻ 29]`` (its running statistics).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.cells import cell_len

from tui.drawing.fold import EAGER_INDEX, PREFIX, call_text, eager_call_text, shorten, value_text
from tui.view.model import shape_text

if TYPE_CHECKING:
    from tui.drawing.fold import View
    from tui.drawing.layout import NodeId
    from tui.view.model import GraphModel

__all__ = ["CAPS", "ONE_ROW", "UPDATES", "Label", "label_of", "width_for"]

CAPS: dict[str, tuple[int, int]] = {
    "full": (18, 26),
    "compact": (10, 22),
    "mini": (5, 20),
    "tiny": (4, 20),
}
"""Box size -> (least, greatest) box width in cells."""
ONE_ROW = frozenset({"mini", "tiny"})
"""Box sizes one row high (a tiny box says the name alone)."""
UPDATES = "↻"
"""The mark after the name of a group that updates state of its own (``▸ BatchNorm1d_1/ ↻``:
its running statistics, drawn inside it)."""


@dataclass(frozen=True)
class Label:
    """A box's words."""

    name: str
    """The variable, the op (constants written in), or the scope."""
    op: str = ""
    """The op beside a variable name (``Variable``, ``Maximum(·, 0)``); "" when the name is
    the op."""
    shape: str = ""
    """Output shape (``64×100``), or a group's node count (``12 ops``)."""
    group: bool = False
    """A folded scope (drawn ``▸ name``)."""
    grad: bool = False
    """The node gets a gradient: a one-row box keeps room for its ``∇``."""
    brief: str = ""
    """The name a tiny box says where it is shorter (an eager op without its numbers:
    ``clamp`` for ``clamp(min=0)``); "" when it is the name."""
    updates: bool = False
    """A group that updates state of its own in place, drawn inside it (a BatchNorm's
    running statistics): its name is followed by :data:`UPDATES`, kept where it is cut."""

    def title(self, size: str, cap: int) -> str:
        """The top line: ``h · Maximum(·, 0)`` where it fits a full box, else the name (a tiny
        box: the brief name), its numbers written shorter before it is cut."""
        name = ("▸ " if self.group else "") + (
            self.brief if size == "tiny" and self.brief else self.name
        )
        both = f"{name} · {self.op}"
        if self.op and size == "full" and cell_len(both) <= cap - 5:
            return both
        mark = self._mark()
        room = (cap - 2 if size in ONE_ROW else cap - 5) - cell_len(mark)
        fits = [text for text in shorter_calls(name) if cell_len(text) <= room]
        return (fits[0] if fits else shorten(name, room)) + mark

    def mini(self, cap: int) -> str:
        """A one-row box's text: the name and the shape, leaving room for the ``∇`` of a node
        that gets a gradient.

        Every box of a pane says its shape where it can: a call's numbers are written
        shorter first (``clamp(0) 64×100``, then ``clamp(…) 64×100``); only where even
        that does not fit does the box say its name alone."""
        name = ("▸ " if self.group else "") + self.name
        mark = self._mark()
        room = cap - 2 - (2 if self.grad else 0)  # brackets; " ∇"
        for text in shorter_calls(name) if self.shape else ():
            if cell_len(f"{text}{mark} {self.shape}") <= room:
                return f"{text}{mark} {self.shape}"
        room -= cell_len(mark)
        return (name if cell_len(name) <= room else shorten(name, room)) + mark

    def _mark(self) -> str:
        """What follows a group's name where it updates state of its own: `` ↻``."""
        return f" {UPDATES}" if self.updates else ""


_POSITIONAL = ("min=", "dim=", "axis=")
"""Keywords of a call's first number, which both frameworks also take by position:
``clamp(0)`` is ``clamp(min=0)``, ``sum(1)`` is ``sum(dim=1)``, ``reduce_sum(x, 1)``."""


def shorter_calls(name: str) -> list[str]:
    """``name``, then shorter ways to write it where it is a call with numbers written in:
    its first keyword dropped where the call means the same by position (``clamp(0)``,
    ``clamp(0, 6)`` for ``clamp(min=0, max=6)``; a keyword with several values is kept),
    without the spaces after its commas (``pow(·,2)``), then its arguments elided
    (``clamp(…)``)."""
    op, paren, rest = name.partition("(")
    if not paren or not op or not rest.endswith(")"):
        return [name]
    parts = rest[:-1].split(", ")
    first = parts[0]
    out = [name]
    key = next((k for k in _POSITIONAL if first.startswith(k)), "")
    if key and "," not in first:
        parts[0] = first.removeprefix(key)
        if key == "min=" and len(parts) > 1 and parts[1].startswith("max="):
            parts[1] = parts[1].removeprefix("max=")  # the second place is max
        out.append(f"{op}({', '.join(parts)})")
    if len(parts) > 1:
        out.append(f"{op}({','.join(parts)})")
    out.append(f"{op}(…)")
    return out


def label_of(graph: GraphModel, view: View, vid: NodeId) -> Label:
    """The label of box ``vid`` of ``view``."""
    if isinstance(vid, str) and vid.startswith(PREFIX):
        fold = view.folds[vid]
        if fold.kind == "variable" and fold.head is not None and fold.head in graph.nodes:
            head = graph.nodes[fold.head]
            return Label(head.var or fold.name, "Variable", shape_text(head.shape))
        parent = fold.scope.rpartition("/")[0]
        name = ("…/" if parent else "") + fold.name + "/"
        return Label(name, "", f"{fold.count}", group=True, updates=bool(fold.writes))
    node = graph.nodes[vid]  # type: ignore[index]
    # no dtype and no dims: no output (a NoOp, tf.group's; an op that failed), not "()"
    shape = shape_text(node.shape) if node.dtype or node.shape else ""
    grad = node.id in graph.graded
    if graph.mode == "eager":  # named as the loop names it: x, w1, mm, clamp
        # a gradient arrived: the map the next iteration grows on keeps room for its ∇
        call = eager_call_text(node.label, node.args, node.attrs)
        attrs = node.attrs or {}
        index = {EAGER_INDEX: attrs[EAGER_INDEX]} if EAGER_INDEX in attrs else {}
        brief = eager_call_text(node.label, (), index)  # select[0]: its index tells it apart
        brief = brief if call != brief else ""
        return Label(call, "", shape, grad=grad or bool(node.grad), brief=brief)
    consts = {c: value_text(graph.nodes[c]) for c in view.consts.get(node.id, ())}
    call = call_text(node.op, node.inputs, consts)
    if node.fused:  # a fused kernel: its op, and what it fused
        return Label(node.op, "+".join(node.fused), shape, grad=grad)
    if node.var:
        return Label(node.var, call, shape, grad=grad)
    if "/" in node.name:  # inside an opened scope: its own name, scope side cut first
        return Label("/".join(node.name.split("/")[-2:]), "", shape, grad=grad)
    return Label(call or node.name, "", shape, grad=grad)


def width_for(label: Label, size: str) -> int:
    """The box width ``label`` needs in a ``size`` box, within that size's caps, in terminal
    cells (a Korean syllable takes two)."""
    least, cap = CAPS[size]
    if size in ONE_ROW:  # a collector's tall box is measured as a compact one
        text = label.mini(cap) if size == "mini" else label.title(size, cap)
        need = cell_len(text) + 2 + (2 if label.grad else 0)  # room for " ∇"
    else:
        title = label.title(size, cap)
        if size == "full":  # shape and dtype; a time, then the op where the title has none
            body = max(cell_len(label.shape) + 4, 9 + cell_len(label.op) if "·" not in title else 0)
        else:  # shape and a time
            body = cell_len(label.shape) + 7
        need = max(cell_len(title) + 5, body + 4)
    return max(least, min(cap, need))

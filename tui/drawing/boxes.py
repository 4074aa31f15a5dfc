"""Node boxes as text: one row of a box at a time, as (text, style key) runs. Pure.

A full box (4 rows)::

    ╭ MatMul_1 ────────╮      name in the top border
    │ 64×100  f32      │      value: output shape
    │ 12.3µs           │      last time
    ╰ grad 2.41e+06 ───╯      its gradient, labelled (as micrograd draws data | grad)

A compact box (3 rows) puts shape and time on one line and its gradient in the bottom border
(``∇ 323µs``, or a bare ``∇`` where the figure does not fit: a number cut short would lie); a
mini box (1 row) is its name and, where it fits, its shape between brackets (``[MatMul
64×100]``), with a ``∇`` before the closing bracket where room allows, so a whole graph fits a
pane. Pruned nodes get dashed borders, the selected node heavy ones and lit nodes (a source
line's, a search's, the other pane's partner) double ones (``«h 64×100»`` in one row), so all
three read without colour (projectors, NO_COLOR); a lit box's border (a one-row box: all of
it) also takes the ``lit`` style on top of its own, so its state colour stays.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.cells import cell_len

BORDERS = {
    "plain": "╭╮╰╯─│",
    "dashed": "╭╮╰╯╌┆",
    "heavy": "┏┓┗┛━┃",
    "double": "╔╗╚╝═║",
}
MINI_ENDS = {"plain": "[]", "dashed": "┆┆", "heavy": "┃┃", "double": "«»"}
"""The two ends of a one-row box, by border."""


@dataclass(frozen=True)
class BoxText:
    """What one box says, and how it is styled."""

    title: str
    value: str
    time: str
    grad: str = ""
    key: str = "defined"
    """Style key of the box (a state, a device, or a heat bucket)."""
    border: str = "plain"
    lit: bool = False
    """Lit (a source line's node, a search match, the other pane's partner): a double border
    unless the box is selected, styled ``<key>+lit``."""


def _fit(text: str, width: int) -> str:
    """``text`` in at most ``width`` terminal cells (a wide character takes two), cut with
    ``…`` where longer."""
    if cell_len(text) <= width:
        return text
    while text and cell_len(text) > width - 1:
        text = text[:-1]
    return text + "…" if width > 0 else ""


def _pad(text: str, width: int) -> str:
    """``text`` padded with spaces to ``width`` terminal cells."""
    return text + " " * max(0, width - cell_len(text))


def box_row(box: BoxText, dy: int, w: int, h: int) -> list[tuple[str, str]]:
    """Row ``dy`` of a ``w`` x ``h`` box as (text, style key) runs; their lengths sum to ``w``."""
    key = box.key
    edge = key + "+lit" if box.lit else key  # the border's style
    border = "double" if box.lit and box.border in ("plain", "dashed") else box.border
    if h < 3:
        return _mini(box, w, border, edge)
    tl, tr, bl, br, hz, vt = BORDERS.get(border, BORDERS["plain"])
    inner = w - 2
    if dy == 0 or dy == h - 1:
        left, right = (tl, tr) if dy == 0 else (bl, br)
        label = box.title if dy == 0 else box.grad
        if not label:
            return [(left + hz * inner + right, edge)]
        if dy == 0:
            label = " " + _fit(label, inner - 3) + " "
        else:  # a gradient figure whole, or its sign alone
            label = " " + (label if cell_len(label) <= inner - 3 else "∇") + " "
        label_key = key if dy == 0 else "grad"
        return [
            (left + hz, edge),
            (label, label_key),
            (hz * (inner - 1 - cell_len(label)) + right, edge),
        ]
    if h >= 4:
        body = box.value if dy == 1 else box.time if dy == 2 else ""
    else:  # shape and time on one row; a time that does not fit whole is left out
        both = f"{box.value} {box.time}"
        body = both if box.time and cell_len(both) <= inner - 2 else box.value
    return [(vt, edge), (" " + _pad(_fit(body, inner - 2), inner - 2) + " ", key), (vt, edge)]


def _mini(box: BoxText, w: int, border: str, edge: str) -> list[tuple[str, str]]:
    """A one-row box: its name, its shape where both fit, and ``∇`` where there is room."""
    left, right = MINI_ENDS.get(border, MINI_ENDS["plain"])
    inner = w - 2
    both = f"{box.title} {box.value}"
    text = both if box.value and cell_len(both) <= inner else _fit(box.title, inner)
    runs = [(left, edge), (_pad(text, inner), edge), (right, edge)]  # one row: lit whole
    if box.grad and cell_len(text) + 2 <= inner:
        runs[1:2] = [(_pad(text, inner - 1), edge), ("∇", "grad+lit" if box.lit else "grad")]
    return runs

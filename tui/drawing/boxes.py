"""Node boxes as text: one row of a box at a time, as (text, style key) runs. Pure.

A full box (4 rows)::

    ╭ MatMul_1 ────────╮      name in the top border
    │ 64×100  f32      │      value: output shape
    │ 12.3µs           │      last time
    ╰ ∇ 64×100 ────────╯      gradient below, as micrograd draws data | grad

A compact box (3 rows) puts shape and time on one line; a mini box (1 row) is its name and,
where it fits, its shape between brackets (``[MatMul 64×100]``), so a whole graph fits a
pane. Pruned nodes get dashed borders and the selected node heavy ones, so both read without
colour (projectors, NO_COLOR).
"""

from __future__ import annotations

from dataclasses import dataclass

BORDERS = {
    "plain": "╭╮╰╯─│",
    "dashed": "╭╮╰╯╌┆",
    "heavy": "┏┓┗┛━┃",
}
MINI_ENDS = {"plain": "[]", "dashed": "┆┆", "heavy": "┃┃"}
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


def _fit(text: str, width: int) -> str:
    if len(text) <= width:
        return text
    return text[: max(0, width - 1)] + "…"


def box_row(box: BoxText, dy: int, w: int, h: int) -> list[tuple[str, str]]:
    """Row ``dy`` of a ``w`` x ``h`` box as (text, style key) runs; their lengths sum to ``w``."""
    key = box.key
    if h < 3:
        return [_mini(box, w)]
    tl, tr, bl, br, hz, vt = BORDERS.get(box.border, BORDERS["plain"])
    inner = w - 2
    if dy == 0 or dy == h - 1:
        left, right = (tl, tr) if dy == 0 else (bl, br)
        label = box.title if dy == 0 else box.grad
        if not label:
            return [(left + hz * inner + right, key)]
        label = " " + _fit(label, inner - 3) + " "
        label_key = key if dy == 0 else "grad"
        return [(left + hz, key), (label, label_key), (hz * (inner - 1 - len(label)) + right, key)]
    if h >= 4:
        body = box.value if dy == 1 else box.time if dy == 2 else ""
    else:
        body = f"{box.value} {box.time}" if box.time else box.value
    return [(vt + " " + _fit(body, inner - 2).ljust(inner - 2) + " " + vt, key)]


def _mini(box: BoxText, w: int) -> tuple[str, str]:
    """A one-row box: its name, and its shape where both fit."""
    left, right = MINI_ENDS.get(box.border, MINI_ENDS["plain"])
    inner = w - 2
    both = f"{box.title} {box.value}"
    text = both if box.value and len(both) <= inner else _fit(box.title, inner)
    return left + text.ljust(inner) + right, box.key

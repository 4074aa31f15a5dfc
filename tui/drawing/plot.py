"""Line plots in braille dots: several series on one grid, so curves can lie on top of each
other (the static and the eager loss of the same network). Pure: no Textual, no engine.

Each cell holds 2×4 dots. Value ``i`` of every series sits at the same x (iteration ``i``),
the iterations so far spread over the whole width (a live plot's x axis grows with its history,
so the first few iterations already show the curve's shape, not a streak at the left edge);
consecutive values are joined by a line, column by column, so a curve reads as a line. Every
cell says which series touch it, so the widget can colour a cell of one series in that series'
colour and a cell both share in a third::

    >>> rows = plot({"a": [4.0, 2.0, 1.0]}, width=2, height=1)
    >>> "".join(text for text, _ in rows[0])
    '⠙⢦'
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

Cell = tuple[str, frozenset[str]]
"""A braille character and the names of the series that put a dot in it."""

_BITS = ((0x01, 0x08), (0x02, 0x10), (0x04, 0x20), (0x40, 0x80))
"""Dot bit of (row, column) inside one braille cell."""


def finite(values: Sequence[float]) -> list[float]:
    """The values that can be plotted (no NaN, no infinity)."""
    return list(filter(math.isfinite, values))


def wants_log(series: Mapping[str, Sequence[float]]) -> bool:
    """A log scale when every value is positive and they span more than two decades."""
    shown = [vs for vs in map(finite, series.values()) if vs]
    if not shown:
        return False
    low, high = min(map(min, shown)), max(map(max, shown))
    return low > 0 and high / low > 100


def plot(
    series: Mapping[str, Sequence[float]], width: int, height: int, log: bool = False
) -> list[list[Cell]]:
    """Draw ``series`` (name -> values, oldest first) on one ``width`` × ``height`` cell grid.

    All series share the y range (min to max of every value; ``log`` plots log10). A series
    of one repeated value is drawn as a level line half-way up.

    Returns:
        ``height`` rows of ``width`` cells, top row first.
    """
    if width <= 0 or height <= 0:
        return []
    cols, rows = width * 2, height * 4
    kept = {name: finite(values) for name, values in series.items()}
    if log:  # a log scale draws the positive values only
        kept = {
            name: vs if not vs or min(vs) > 0 else list(filter((0.0).__lt__, vs))
            for name, vs in kept.items()
        }
    longest = max((len(vs) for vs in kept.values()), default=0)
    drawn = {  # log10 after thinning: it keeps each column's lowest and highest in place
        name: [(x, math.log10(v) if log else v) for x, v in _points(vs, longest, cols)]
        for name, vs in kept.items()
    }
    everything = [v for points in drawn.values() for _, v in points]
    bits = [[0] * width for _ in range(height)]
    owners: list[list[set[str]]] = [[set() for _ in range(width)] for _ in range(height)]
    if not everything:
        return [[(" ", frozenset())] * width for _ in range(height)]
    low, high = min(everything), max(everything)
    span = high - low

    def dot_row(v: float) -> int:
        if span == 0:
            return rows // 2
        return (rows - 1) - round((v - low) / span * (rows - 1))

    for name, points in drawn.items():
        last: tuple[int, int] | None = None
        for x, v in points:
            y = dot_row(v)
            for col, top, bottom in _line(last, x, y):
                for yy in range(top, bottom + 1):
                    cell_y, cell_x = yy // 4, col // 2
                    bits[cell_y][cell_x] |= _BITS[yy % 4][col % 2]
                    owners[cell_y][cell_x].add(name)
            last = (x, y)
    return [
        [
            (chr(0x2800 + b) if b else " ", frozenset(o))
            for b, o in zip(bit_row, owner_row, strict=True)
        ]
        for bit_row, owner_row in zip(bits, owners, strict=True)
    ]


def _line(last: tuple[int, int] | None, x: int, y: int) -> list[tuple[int, int, int]]:
    """The dots joining the point before (``last``, dot column and row) to (``x``, ``y``), as
    (column, top row, bottom row) runs: in each column from the last one's to this one's, a
    vertical run from where the line was in the column before to where it is in this one."""
    if last is None:
        return [(x, y, y)]
    lx, ly = last
    if x <= lx + 1:
        return [(x, min(y, ly), max(y, ly))]
    out, before = [], ly
    for col in range(lx + 1, x + 1):
        here = round(ly + (y - ly) * (col - lx) / (x - lx))
        out.append((col, min(here, before), max(here, before)))
        before = here
    return out


def _points(values: list[float], n: int, cols: int) -> list[tuple[int, float]]:
    """(dot column, value) to draw for ``values`` on the x scale of ``n`` values: each value
    while they fit; else, per column, its lowest, highest and last value in that order, which
    draw exactly the dots every value would (the vertical runs between consecutive values cover
    the same rows), in time proportional to the plot's width, not to the history's length."""
    if n <= cols or n < 2:
        return [(_column(i, n, cols), v) for i, v in enumerate(values)]
    out: list[tuple[int, float]] = []
    start = 0
    for x in range(cols):
        end = min(len(values), _first_at(x + 1, n, cols))
        if end > start:
            chunk = values[start:end]
            out += [(x, min(chunk)), (x, max(chunk)), (x, chunk[-1])]
            start = end
    return out


def _first_at(x: int, n: int, cols: int) -> int:
    """The first of ``n`` values whose dot column is ``x`` or further right."""
    i = max(0, math.floor((x - 0.5) * (n - 1) / (cols - 1)) - 1)
    while i > 0 and _column(i - 1, n, cols) >= x:
        i -= 1
    while i < n and _column(i, n, cols) < x:
        i += 1
    return i


def _column(i: int, n: int, cols: int) -> int:
    """The dot column of value ``i`` of ``n``: spread evenly over the plot's ``cols`` dot
    columns (every series on the same x scale: iteration ``i``)."""
    if n < 2:
        return 0
    return round(i * (cols - 1) / (n - 1))

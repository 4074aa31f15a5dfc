"""A long loss history is drawn in time proportional to the plot's width, and exactly as
drawing every value would draw it (the reference below draws every value, as the plot once did).
"""

from __future__ import annotations

import math
import random

from tui.drawing.plot import _BITS, _column, finite, plot


def every_value(series, width, height, log=False):  # type: ignore[no-untyped-def]
    """Each value at its own x, joined to the one before column by column: in each column a
    vertical run from the line's row in the column before to its row in this one."""
    cols, rows = width * 2, height * 4
    clean = {
        k: [math.log10(x) for x in finite(v) if x > 0] if log else finite(v)
        for k, v in series.items()
    }
    values = [v for vs in clean.values() for v in vs]
    bits = [[0] * width for _ in range(height)]
    owners = [[set() for _ in range(width)] for _ in range(height)]
    if not values:
        return [[(" ", frozenset())] * width for _ in range(height)]
    low, high = min(values), max(values)
    longest = max(len(vs) for vs in clean.values())
    for name, vs in clean.items():
        previous = None
        for i, v in enumerate(vs):
            x = _column(i, longest, cols)
            y = (
                rows // 2
                if high == low
                else (rows - 1) - round((v - low) / (high - low) * (rows - 1))
            )
            if previous is None:
                runs = [(x, y, y)]
            elif x <= previous[0] + 1:
                runs = [(x, min(y, previous[1]), max(y, previous[1]))]
            else:
                (px, py), runs, before = previous, [], previous[1]
                for col in range(px + 1, x + 1):
                    here = round(py + (y - py) * (col - px) / (x - px))
                    runs.append((col, min(here, before), max(here, before)))
                    before = here
            for col, top, bottom in runs:
                for yy in range(top, bottom + 1):
                    bits[yy // 4][col // 2] |= _BITS[yy % 4][col % 2]
                    owners[yy // 4][col // 2].add(name)
            previous = (x, y)
    return [
        [(chr(0x2800 + b) if b else " ", frozenset(o)) for b, o in zip(br, orow, strict=True)]
        for br, orow in zip(bits, owners, strict=True)
    ]


def test_a_long_history_draws_the_dots_every_value_would() -> None:
    rng = random.Random(1)
    for _ in range(150):
        width, height = rng.randint(1, 40), rng.randint(1, 6)
        series = {
            "static": [rng.gauss(0, 1) * rng.choice([1, 100]) for _ in range(rng.randint(0, 900))],
            "eager": [math.exp(rng.gauss(0, 3)) for _ in range(rng.randint(0, 900))],
        }
        series["static"][: rng.randint(0, 3)] = [math.nan, math.inf, -1.0][: rng.randint(0, 3)]
        log = rng.random() < 0.3
        assert plot(series, width, height, log) == every_value(series, width, height, log)

"""Braille line plots: shared scale, one column per iteration, overlap marked."""

from __future__ import annotations

from tui.drawing.plot import plot, wants_log


def dots(rows: list) -> list[str]:
    return ["".join(char for char, _ in row) for row in rows]


def test_equal_series_share_every_cell() -> None:
    values = [9.0, 5.0, 3.0, 2.0, 1.5, 1.2]
    rows = plot({"static": values, "eager": values}, width=4, height=2)
    touched = [owners for row in rows for _, owners in row if owners]
    assert touched and all(owners == {"static", "eager"} for owners in touched)


def test_different_series_keep_their_own_cells() -> None:
    rows = plot({"up": [0.0, 1.0, 2.0, 3.0], "down": [3.0, 2.0, 1.0, 0.0]}, width=2, height=2)
    owners = {name for row in rows for _, o in row for name in o}
    assert owners == {"up", "down"}
    assert rows[0][0][1] == {"down"} and rows[1][0][1] == {"up"}  # start: down high, up low


def test_the_iterations_so_far_span_the_whole_width_joined_by_a_line() -> None:
    """Three iterations already draw across the plot, a falling line with a dot in every
    column (not a streak in the first two columns); 500 spread the same way."""
    short = plot({"a": [3.0, 2.0, 1.0]}, width=10, height=1)
    assert all(char != " " for char in dots(short)[0])
    drawn = plot({"a": [3.0, 2.0, 1.0]}, width=10, height=2)
    first_dot = [min(y for y in range(8) if _dot(drawn, x, y)) for x in range(20)]
    assert first_dot == sorted(first_dot) and first_dot[0] == 0 and first_dot[-1] == 7
    long = plot({"a": [1.0 / (i + 1) for i in range(500)]}, width=10, height=1)
    assert all(char != " " for char in dots(long)[0])


def _dot(rows: list, x: int, y: int) -> bool:
    """Whether dot column ``x``, dot row ``y`` is set."""
    bit = ((0x01, 0x08), (0x02, 0x10), (0x04, 0x20), (0x40, 0x80))[y % 4][x % 2]
    char = rows[y // 4][x // 2][0]
    return char != " " and bool((ord(char) - 0x2800) & bit)


def test_a_flat_loss_is_a_level_line_half_way_up() -> None:
    rows = plot({"a": [4.8e7] * 5}, width=3, height=2)
    assert dots(rows)[0].strip() == "" and dots(rows)[1].strip() != ""


def test_log_scale_only_for_positive_values_over_two_decades() -> None:
    assert wants_log({"a": [2.5e7, 1e3]}) and not wants_log({"a": [5.0, 1.0]})
    assert not wants_log({"a": [100.0, -1.0]}) and not wants_log({"a": []})


def test_nothing_to_draw_is_blank() -> None:
    assert dots(plot({"a": [float("nan")]}, width=3, height=1)) == ["   "]
    assert plot({"a": [1.0]}, width=0, height=3) == []

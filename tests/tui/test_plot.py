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


def test_one_dot_column_per_iteration_until_the_plot_is_full() -> None:
    short = plot({"a": [3.0, 2.0, 1.0]}, width=10, height=1)
    assert dots(short)[0].rstrip() == dots(short)[0][:2].rstrip() and len(dots(short)[0]) == 10
    long = plot({"a": [1.0 / (i + 1) for i in range(500)]}, width=10, height=1)
    assert all(char != " " for char in dots(long)[0])  # spread over the whole width


def test_a_flat_loss_is_a_level_line_half_way_up() -> None:
    rows = plot({"a": [4.8e7] * 5}, width=3, height=2)
    assert dots(rows)[0].strip() == "" and dots(rows)[1].strip() != ""


def test_log_scale_only_for_positive_values_over_two_decades() -> None:
    assert wants_log({"a": [2.5e7, 1e3]}) and not wants_log({"a": [5.0, 1.0]})
    assert not wants_log({"a": [100.0, -1.0]}) and not wants_log({"a": []})


def test_nothing_to_draw_is_blank() -> None:
    assert dots(plot({"a": [float("nan")]}, width=3, height=1)) == ["   "]
    assert plot({"a": [1.0]}, width=0, height=3) == []

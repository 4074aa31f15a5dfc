"""``tf.gather``, ``tf.tile`` and ``tf.cumsum``: values against numpy written out by hand,
gradients against finite differences in float64, the shapes inferred at build time (what the
graph pane draws), TF 1.x's node names, and the errors for bad arguments."""

from __future__ import annotations

import numpy as np
import pytest

import engine.static as tf
from tests.engine.static.test_gradients import check

RNG = np.random.default_rng(81)
X = RNG.standard_normal((5, 3))


def _gather_by_hand(params: np.ndarray, indices: np.ndarray, axis: int) -> np.ndarray:
    shape = params.shape[:axis] + indices.shape + params.shape[axis + 1 :]
    out = np.zeros(shape)
    for idx in np.ndindex(shape):
        before, picked, after = (
            idx[:axis],
            idx[axis : axis + indices.ndim],
            idx[axis + indices.ndim :],
        )
        out[idx] = params[(*before, indices[picked], *after)]
    return out


def _tile_by_hand(x: np.ndarray, reps: list[int]) -> np.ndarray:
    out = np.zeros(tuple(n * r for n, r in zip(x.shape, reps, strict=True)))
    for idx in np.ndindex(out.shape):
        out[idx] = x[tuple(i % n for i, n in zip(idx, x.shape, strict=True))]
    return out


def _cumsum_by_hand(x: np.ndarray, axis: int, exclusive: bool, reverse: bool) -> np.ndarray:
    out = np.zeros_like(x)
    n = x.shape[axis]
    for idx in np.ndindex(x.shape):
        i = idx[axis]
        span = range(i, n) if reverse else range(i + 1)
        total = 0.0
        for k in span:
            if exclusive and k == i:
                continue
            total += x[(*idx[:axis], k, *idx[axis + 1 :])]
        out[idx] = total
    return out


GATHERS = [
    ([1, 4, 1], 0),
    ([[2, 0], [1, 1]], 0),
    ([2, 0], 1),
    ([[0], [2]], -1),
]


@pytest.mark.parametrize("indices, axis", GATHERS)
def test_gather_values_shape_and_gradient(indices, axis):
    p = tf.placeholder(tf.float64, shape=(5, 3))
    out = tf.gather(p, indices, axis=axis)
    want = _gather_by_hand(X, np.asarray(indices), axis % 2)
    assert tuple(out.shape.as_list()) == want.shape
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(out, {p: X}), want)
    w = tf.constant(RNG.standard_normal(want.shape))
    check(tf.reduce_sum(out * out * w), [p], {p: X}, f"gather axis {axis}")


def test_gather_is_named_as_tf_names_it_and_reads_rows_of_a_variable():
    table = tf.Variable(X)
    ids = tf.placeholder(tf.int32, shape=(None,))
    rows = tf.gather(table, ids)
    assert rows.op.name == "GatherV2" and rows.shape.as_list() == [None, 3]
    loss = tf.reduce_sum(rows)
    (grad,) = tf.gradients(loss, [table])
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        got, g = sess.run([rows, grad], {ids: [4, 0, 4]})
    np.testing.assert_array_equal(got, X[[4, 0, 4]])
    np.testing.assert_array_equal(g, np.array([[1.0] * 3, [0] * 3, [0] * 3, [0] * 3, [2.0] * 3]))


@pytest.mark.parametrize("reps", [[2, 3], [1, 1], [3, 1]])
def test_tile_values_shape_and_gradient(reps):
    p = tf.placeholder(tf.float64, shape=(5, 3))
    out = tf.tile(p, reps)
    want = _tile_by_hand(X, reps)
    assert out.op.name == "Tile" and tuple(out.shape.as_list()) == want.shape
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(out, {p: X}), want)
    w = tf.constant(RNG.standard_normal(want.shape))
    check(tf.reduce_sum(out * out * w), [p], {p: X}, f"tile {reps}")


@pytest.mark.parametrize(
    "axis, exclusive, reverse",
    [(0, False, False), (1, False, False), (-1, False, True), (0, True, False), (1, True, True)],
)
def test_cumsum_values_shape_and_gradient(axis, exclusive, reverse):
    p = tf.placeholder(tf.float64, shape=(5, 3))
    out = tf.cumsum(p, axis=axis, exclusive=exclusive, reverse=reverse)
    want = _cumsum_by_hand(X, axis % 2, exclusive, reverse)
    assert tuple(out.shape.as_list()) == want.shape
    with tf.Session() as sess:
        np.testing.assert_allclose(sess.run(out, {p: X}), want, rtol=1e-12, atol=1e-12)
    w = tf.constant(RNG.standard_normal(want.shape))
    check(tf.reduce_sum(out * out * w), [p], {p: X}, f"cumsum axis {axis}")
    if not exclusive:
        assert out.op.name == "Cumsum"


def _error(fn) -> str:
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - the test reads what was raised
        return f"{type(e).__name__}: {str(e).splitlines()[0]}"
    return "no error"


def test_bad_arguments_are_refused_naming_the_problem():
    p = tf.placeholder(tf.float32, shape=(5, 3))
    assert _error(lambda: tf.tile(p, [2])) == (
        "ValueError: Shape must be rank 2 but is rank 1 for 'Tile' (op: 'Tile') with input "
        "shapes: [5,3], [1]."
    )
    assert "non-negative" in _error(lambda: tf.tile(p, [2, -1]))
    assert _error(lambda: tf.gather(p, [1.0])) == (
        "TypeError: Value passed to parameter 'indices' has DataType float32 not in list of "
        "allowed values: int32, int64"
    )
    assert "rank" in _error(lambda: tf.gather(p, [1], axis=2))
    assert "out of range" in _error(lambda: tf.cumsum(p, axis=2))


@pytest.mark.parametrize(
    "ids, where", [([1, 7], "indices[1] = 7"), ([[1, 2], [-1, 0]], "indices[1,0] = -1")]
)
def test_an_index_out_of_range_fails_the_run_as_tf_words_it(ids, where):
    p = tf.placeholder(tf.float32, shape=(5, 3))
    i = tf.placeholder(tf.int32)
    rows = tf.gather(p, i)
    with tf.Session() as sess, pytest.raises(tf.errors.InvalidArgumentError) as caught:
        sess.run(rows, {p: np.zeros((5, 3)), i: ids})
    assert str(caught.value).splitlines()[0] == f"{where} is not in [0, 5)"
    assert "{{node GatherV2}}" in str(caught.value)

"""tf.data: Dataset recipes read through iterator nodes, ending in OutOfRangeError."""

from __future__ import annotations

import numpy as np
import pytest

import engine.static as tf

X = np.arange(14, dtype=np.float32).reshape(7, 2)
Y = np.arange(7, dtype=np.int64)


def drain(*fetches, sess=None, feed=None):
    """Every value of ``fetches`` until the iterator's end; asserts TF's end error."""
    own = sess is None
    sess = sess or tf.Session()
    out = []
    try:
        while True:
            try:
                out.append(sess.run(list(fetches), feed))
            except tf.errors.OutOfRangeError as e:
                assert str(e) == f"End of sequence\n\t [[{{{{node {e.op.name}}}}}]]"
                assert e.error_code == 11 and e.op.type == "IteratorGetNext"
                return out
    finally:
        if own:
            sess.close()


def test_slices_in_order_then_out_of_range():
    x, y = tf.data.Dataset.from_tensor_slices((X, Y)).make_one_shot_iterator().get_next()
    assert (x.shape.as_list(), x.dtype) == ([2], tf.float32)
    assert (y.shape.as_list(), y.dtype) == ([], tf.int64)
    assert x.name == "IteratorGetNext:0" and y.name == "IteratorGetNext:1"
    got = drain(x, y)
    assert len(got) == 7
    for i, (xv, yv) in enumerate(got):
        np.testing.assert_array_equal(xv, X[i])
        assert yv == i


def test_batch_repeat_and_short_last_batch():
    ds = tf.data.Dataset.from_tensor_slices(X).batch(3).repeat(2)
    x = ds.make_one_shot_iterator().get_next()
    assert x.shape.as_list() == [None, 2]
    sizes = [v[0].shape[0] for v in drain(x)]
    assert sizes == [3, 3, 1, 3, 3, 1]
    dropped = tf.data.Dataset.from_tensor_slices(X).batch(3, drop_remainder=True)
    xd = dropped.make_one_shot_iterator().get_next()
    assert xd.shape.as_list() == [3, 2]
    assert [v[0].shape[0] for v in drain(xd)] == [3, 3]


def test_take_skip_range_and_dict_structure():
    r = tf.data.Dataset.range(10).skip(2).take(3).make_one_shot_iterator().get_next()
    assert [v[0] for v in drain(r)] == [2, 3, 4]
    d = tf.data.Dataset.from_tensor_slices({"a": X, "b": Y}).batch(4)
    assert set(d.output_types) == {"a", "b"}
    nxt = d.make_one_shot_iterator().get_next()
    first = drain(nxt["a"], nxt["b"])[0]
    np.testing.assert_array_equal(first[0], X[:4])
    np.testing.assert_array_equal(first[1], Y[:4])


def test_shuffle_is_a_seeded_permutation_that_reshuffles_each_pass():
    tf.set_random_seed(7)
    ds = tf.data.Dataset.from_tensor_slices(Y).shuffle(7).repeat(3)
    x = ds.make_one_shot_iterator().get_next()
    passes = np.array([v[0] for v in drain(x)]).reshape(3, 7)
    for row in passes:
        assert sorted(row) == list(range(7))
    assert not (passes[0] == passes[1]).all() or not (passes[1] == passes[2]).all()
    again = np.array([v[0] for v in drain(x)]).reshape(3, 7)  # a new session: same seed
    np.testing.assert_array_equal(passes, again)


def test_shuffle_buffer_of_one_keeps_the_order_and_a_small_buffer_shuffles_locally():
    one = tf.data.Dataset.from_tensor_slices(Y).shuffle(1).make_one_shot_iterator().get_next()
    assert [v[0] for v in drain(one)] == list(range(7))
    two = tf.data.Dataset.from_tensor_slices(Y).shuffle(2, seed=3).make_one_shot_iterator()
    order = [v[0] for v in drain(two.get_next())]
    # a buffer of 2 emits element i no later than position i + 1's draw allows: never ahead
    # of the elements read so far
    for position, value in enumerate(order):
        assert value <= position + 1


def test_fixed_order_when_reshuffle_is_off():
    ds = tf.data.Dataset.from_tensor_slices(Y).shuffle(7, seed=1, reshuffle_each_iteration=False)
    x = ds.repeat(2).make_one_shot_iterator().get_next()
    order = [v[0] for v in drain(x)]
    assert order[:7] == order[7:] and sorted(order[:7]) == list(range(7))


def test_each_session_has_its_own_position():
    x = tf.data.Dataset.from_tensor_slices(Y).make_one_shot_iterator().get_next()
    with tf.Session() as a, tf.Session() as b:
        assert [a.run(x), a.run(x), b.run(x)] == [0, 1, 0]


def test_initializable_iterator_restarts_and_fails_before_init():
    it = tf.data.Dataset.from_tensor_slices(Y).take(2).make_initializable_iterator()
    x = it.get_next()
    with tf.Session() as sess:
        with pytest.raises(tf.errors.FailedPreconditionError) as e:
            sess.run(x)
        assert str(e.value).startswith("GetNext() failed because the iterator has not been")
        for _ in range(2):
            sess.run(it.initializer)
            assert [v[0] for v in drain(x, sess=sess)] == [0, 1]
    with pytest.raises(ValueError, match="does not have an initializer"):
        tf.data.Dataset.range(3).make_one_shot_iterator().initializer  # noqa: B018


def test_training_loop_reads_one_batch_per_run():
    ds = tf.data.Dataset.from_tensor_slices((X, Y.astype(np.float32))).batch(2)
    x, y = tf.data.make_one_shot_iterator(ds).get_next()
    w = tf.Variable(np.zeros((2, 1), np.float32))
    loss = tf.reduce_mean((tf.matmul(x, w)[:, 0] - y) ** 2)
    train = tf.train.GradientDescentOptimizer(0.001).minimize(loss)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        losses = [v[0] for v in drain(loss, train, sess=sess)]
    assert len(losses) == 4  # 2 + 2 + 2 + 1 rows


def test_dataset_errors():
    with pytest.raises(ValueError, match="same size along axis 0"):
        tf.data.Dataset.from_tensor_slices((X, Y[:3]))
    with pytest.raises(tf.errors.InvalidArgumentError, match="Batch size must be greater than"):
        tf.data.Dataset.range(3).batch(0)
    with pytest.raises(TypeError, match="reads numpy arrays and constants"):
        tf.data.Dataset.from_tensor_slices(tf.placeholder(tf.float32, (3,)))
    with pytest.raises(RuntimeError, match="only supported when eager execution is enabled"):
        iter(tf.data.Dataset.range(3))

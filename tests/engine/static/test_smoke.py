"""The smallest static graph: build, run, get a numpy value back."""

from __future__ import annotations

import numpy as np

import engine.static as tf


def test_add_two_placeholders():
    a = tf.placeholder(tf.float32, shape=(2,))
    b = tf.placeholder(tf.float32, shape=(2,))
    c = a + b
    with tf.Session() as sess:
        out = sess.run(c, feed_dict={a: [1.0, 2.0], b: [3.0, 4.0]})
    assert isinstance(out, np.ndarray) and out.dtype == np.float32
    np.testing.assert_array_equal(out, [4.0, 6.0])


def test_scalar_fetch_is_a_numpy_scalar():
    c = tf.constant(2.0) * 3
    with tf.Session() as sess:
        out = sess.run(c)
    assert isinstance(out, np.float32) and out == 6.0

"""tf.string constants: fetched as bytes, as TensorFlow 1 returns them."""

from __future__ import annotations

import json

import numpy as np
import pytest

import engine.static as tf


def test_hello_is_fetched_as_bytes():
    hello = tf.constant("Hello, TensorFlow!")
    assert hello.dtype == tf.string and str(hello.dtype) == "<dtype: 'string'>"
    assert str(hello) == 'Tensor("Const:0", shape=(), dtype=string)'
    with tf.Session() as sess:
        value = sess.run(hello)
    assert type(value) is bytes and value == b"Hello, TensorFlow!"


def test_string_arrays_hold_utf8_bytes():
    words = tf.constant([["a", "é"], [b"c", "d"]])
    assert words.shape.as_list() == [2, 2]
    with tf.Session() as sess:
        value = sess.run(words)
    assert value.dtype == object and value.tolist() == [[b"a", "é".encode()], [b"c", b"d"]]


def test_string_constant_survives_a_graph_def_round_trip():
    tf.constant(["x", "ÿ"], name="s")
    text = json.dumps(tf.get_default_graph().as_graph_def())
    tf.reset_default_graph()
    tf.import_graph_def(json.loads(text), name="")
    with tf.Session() as sess:
        assert sess.run("s:0").tolist() == [b"x", "ÿ".encode()]


def test_a_string_is_not_a_number():
    with pytest.raises(TypeError, match="Expected float32, got 'a'"):
        tf.constant("a", dtype=tf.float32)
    with pytest.raises(TypeError, match="Expected string, got 1"):
        tf.constant(np.array([1, 2]), dtype=tf.string)

"""``tf.gradients`` against finite differences in float64, and its graph-building rules."""

from __future__ import annotations

import numpy as np
import pytest

import engine.static as tf

EPS = 1e-6


def numeric_grad(sess, loss, feeds, x):
    """Central differences of a scalar fetch with respect to the fed value of ``x``."""
    base = feeds[x]
    grad = np.zeros_like(base)
    for idx in np.ndindex(base.shape):
        for sign in (1, -1):
            moved = dict(feeds)
            moved[x] = base.copy()
            moved[x][idx] += sign * EPS
            grad[idx] += sign * sess.run(loss, moved)
    return grad / (2 * EPS)


def check(loss, xs, feeds, what):
    grads = tf.gradients(loss, xs)
    with tf.Session() as sess:
        got = sess.run(grads, feeds)
        for x, g in zip(xs, got, strict=True):
            np.testing.assert_allclose(
                g,
                numeric_grad(sess, loss, feeds, x),
                rtol=1e-5,
                atol=1e-7,
                err_msg=f"{what}: d loss / d {x.op.name}, shape {feeds[x].shape}, float64",
            )


def test_t1_graph_gradients_match_finite_differences_in_float64():
    rng = np.random.default_rng(0)
    N, D, H = 3, 4, 2
    x = tf.placeholder(tf.float64, shape=(N, D))
    y = tf.placeholder(tf.float64, shape=(N, D))
    w1 = tf.placeholder(tf.float64, shape=(D, H))
    w2 = tf.placeholder(tf.float64, shape=(H, D))
    h = tf.maximum(tf.matmul(x, w1), 0)
    loss = tf.reduce_mean(tf.reduce_sum((tf.matmul(h, w2) - y) ** 2, axis=1))
    feeds = {
        x: rng.standard_normal((N, D)),
        y: rng.standard_normal((N, D)),
        w1: rng.uniform(0.2, 1.0, (D, H)),
        w2: rng.standard_normal((H, D)),
    }
    feeds[x] = np.abs(feeds[x])  # keep every ReLU input away from its kink at 0
    check(loss, [w1, w2, x], feeds, "T1")


def test_many_ops_with_broadcasting_and_fan_out_match_finite_differences():
    rng = np.random.default_rng(1)
    a = tf.placeholder(tf.float64, shape=(3, 4))
    b = tf.placeholder(tf.float64, shape=(4,))
    c = tf.placeholder(tf.float64, shape=(4, 2))
    t = tf.tanh(a) * tf.sigmoid(a - b) + tf.exp(-a) / (tf.square(b) + 1.0)  # a used 3 times
    u = tf.nn.bias_add(tf.matmul(t, c), tf.reduce_sum(c, axis=0))
    v = tf.log(tf.squared_difference(u, 0.5) + 1.0) + tf.matmul(t, c, transpose_b=False)
    loss = (
        tf.reduce_mean(v)
        + tf.reduce_sum(tf.reduce_mean(t * t, axis=1))
        - tf.negative(tf.reduce_sum(tf.nn.relu(u)))
    )
    feeds = {
        a: rng.standard_normal((3, 4)),
        b: rng.standard_normal(4),
        c: rng.standard_normal((4, 2)),
    }
    check(loss, [a, b, c], feeds, "mixed graph")


def test_transposed_matmuls_match_finite_differences():
    rng = np.random.default_rng(2)
    a = tf.placeholder(tf.float64, shape=(4, 3))
    b = tf.placeholder(tf.float64, shape=(2, 4))
    loss = tf.reduce_sum(tf.matmul(a, b, transpose_a=True, transpose_b=True) ** 2)
    check(
        loss,
        [a, b],
        {a: rng.standard_normal((4, 3)), b: rng.standard_normal((2, 4))},
        "matmul(a.T, b.T)",
    )


def test_permuted_transpose_and_leaky_relu_match_numpy_and_finite_differences():
    rng = np.random.default_rng(3)
    x = tf.placeholder(tf.float64, shape=(2, 3, 4))
    y = tf.nn.leaky_relu(tf.transpose(x, perm=[2, 0, 1]), alpha=0.1)
    assert y.shape.as_list() == [4, 2, 3] and y.op.type == "LeakyRelu"
    value = rng.uniform(0.2, 1.5, (2, 3, 4)) * rng.choice([-1.0, 1.0], (2, 3, 4))
    with tf.Session() as sess:
        got = sess.run(y, {x: value})
    moved = np.moveaxis(value, 2, 0)  # out[k, i, j] = x[i, j, k]
    np.testing.assert_allclose(got, np.where(moved > 0, moved, 0.1 * moved), rtol=1e-12)
    check(tf.reduce_sum(y * y), [x], {x: value}, "leaky_relu(transpose(x, perm))")


def test_gradient_with_respect_to_variables_flows_through_read():
    w = tf.Variable(np.array([[1.0, 2.0], [3.0, 4.0]]))
    x = tf.placeholder(tf.float64, shape=(1, 2))
    (g,) = tf.gradients(tf.reduce_sum(tf.matmul(x, w)), [w])
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        np.testing.assert_allclose(sess.run(g, {x: [[5.0, 7.0]]}), [[5.0, 5.0], [7.0, 7.0]])


def test_maximum_passes_the_gradient_at_exactly_zero():
    a = tf.placeholder(tf.float32, shape=(3,))
    (g,) = tf.gradients(tf.reduce_sum(tf.maximum(a, 0)), [a])
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(g, {a: [-1.0, 0.0, 2.0]}), [0.0, 1.0, 1.0])


def test_unconnected_x_gets_none_and_grad_ys_scales():
    a = tf.placeholder(tf.float32, shape=(2,))
    b = tf.placeholder(tf.float32, shape=(2,))
    y = a * 3.0
    ga, gb = tf.gradients(y, [a, b], grad_ys=[tf.constant([1.0, 2.0])])
    assert gb is None
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(ga, {a: [1.0, 1.0]}), [3.0, 6.0])


def test_fan_out_is_summed_with_addn_under_gradients():
    a = tf.placeholder(tf.float32, shape=(2,))
    y = tf.reduce_sum(a * a + a)
    (g,) = tf.gradients(y, [a])
    assert g.op.type == "AddN" and g.op.name.startswith("gradients/AddN")
    with tf.Session() as sess:
        np.testing.assert_allclose(sess.run(g, {a: [1.0, 2.0]}), [3.0, 5.0])


def test_only_ops_between_xs_and_ys_are_differentiated():
    a = tf.placeholder(tf.float32, shape=(2,))
    b = tf.placeholder(tf.float32, shape=(2,))
    side = tf.exp(b)  # depends on b only: no gradient node may belong to it
    y = tf.reduce_sum(a * side)
    tf.gradients(y, [a])
    grad_ops = [
        op for op in tf.get_default_graph().get_operations() if op.name.startswith("gradients/")
    ]
    assert grad_ops and all(op._grad_of is not None for op in grad_ops)
    assert side.op.id not in {op._grad_of for op in grad_ops}
    assert not any(op.name.startswith("gradients/Exp_grad") for op in grad_ops)


def test_gradient_nodes_record_their_forward_node():
    a = tf.placeholder(tf.float32, shape=(2, 2))
    m = tf.matmul(a, a)
    tf.gradients(tf.reduce_sum(m), [a])
    g = tf.get_default_graph()
    for name in ("gradients/MatMul_grad/MatMul", "gradients/MatMul_grad/MatMul_1"):
        assert g.get_operation_by_name(name)._grad_of == m.op.id


def test_nothing_is_computed_when_gradients_are_built():
    a = tf.placeholder(tf.float32, shape=(2,))
    before = len(tf.get_default_graph().get_operations())
    (g,) = tf.gradients(tf.reduce_sum(a * 2.0), [a])
    assert isinstance(g, tf.Tensor) and len(tf.get_default_graph().get_operations()) > before


def test_gradient_of_an_op_without_a_rule_raises_lookup_error():
    a = tf.placeholder(tf.float32, shape=(2,))
    y = tf.foldl(lambda acc, v: acc + v, a, tf.constant(0.0))
    with pytest.raises(
        LookupError,
        match=r"No gradient defined for operation 'foldl' \(op type: "
        r"While\)",
    ):
        tf.gradients(y, [a])

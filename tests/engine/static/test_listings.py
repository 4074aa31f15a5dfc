"""The lecture's TensorFlow listings (A0.2, T1-T7, S3-S5) at small sizes, only the import changed,
each checked against numpy written out by hand."""

from __future__ import annotations

import numpy as np
import pytest

import engine.static as tf

RTOL, ATOL = 1e-5, 1e-5  # float32 graphs against a float32/float64 reference


def randn(rng: np.random.Generator, *shape: int) -> np.ndarray:
    return rng.standard_normal(shape)


def close(got, want, what: str, rtol: float = RTOL, atol: float = ATOL) -> None:
    np.testing.assert_allclose(
        got, want, rtol=rtol, atol=atol, err_msg=f"{what}, shape {np.shape(want)}, float32 graph"
    )


def two_layer_reference(x, y, w1, w2):
    """Forward and hand-derived backward of T1 (TF's Maximum passes the gradient where a >= 0)."""
    n = x.shape[0]
    a = x @ w1
    h = np.maximum(a, 0)
    y_pred = h @ w2
    diff = y_pred - y
    loss = np.mean(np.sum(diff**2, axis=1))
    grad_y_pred = 2.0 * diff / n
    grad_w2 = h.T @ grad_y_pred
    grad_h = grad_y_pred @ w2.T
    grad_a = np.where(a >= 0, grad_h, 0.0)
    grad_w1 = x.T @ grad_a
    return loss, grad_w1, grad_w2


# ------------------------------------------------------------------------ A0.2


def test_a02_computational_graph_with_unshaped_placeholders():
    rng = np.random.default_rng(0)
    N, D = 3, 4
    with tf.device("/gpu:0"):  # soft placement: runs on the CPU when there is no GPU
        x = tf.placeholder(tf.float32)
        y = tf.placeholder(tf.float32)
        z = tf.placeholder(tf.float32)
        a = x * y
        b = a + z
        c = tf.reduce_sum(b)
    grad_x, grad_y, grad_z = tf.gradients(c, [x, y, z])
    with tf.Session() as sess:
        values = {x: randn(rng, N, D), y: randn(rng, N, D), z: randn(rng, N, D)}
        out = sess.run([c, grad_x, grad_y, grad_z], feed_dict=values)
        c_val, grad_x_val, grad_y_val, grad_z_val = out
    xv, yv, zv = (values[k].astype(np.float32) for k in (x, y, z))
    close(c_val, np.sum(xv * yv + zv), "c = sum(x*y + z)")
    close(grad_x_val, yv, "dc/dx = y")
    close(grad_y_val, xv, "dc/dy = x")
    close(grad_z_val, np.ones((N, D)), "dc/dz = 1")


# -------------------------------------------------------------------- T1 / T2


def build_t1(N: int, D: int, H: int):
    x = tf.placeholder(tf.float32, shape=(N, D))
    y = tf.placeholder(tf.float32, shape=(N, D))
    w1 = tf.placeholder(tf.float32, shape=(D, H))
    w2 = tf.placeholder(tf.float32, shape=(H, D))
    h = tf.maximum(tf.matmul(x, w1), 0)
    y_pred = tf.matmul(h, w2)
    diff = y_pred - y
    loss = tf.reduce_mean(tf.reduce_sum(diff**2, axis=1))
    grad_w1, grad_w2 = tf.gradients(loss, [w1, w2])
    return x, y, w1, w2, loss, grad_w1, grad_w2


def test_t1_neural_net_forward_and_gradients_match_hand_backward():
    rng = np.random.default_rng(1)
    N, D, H = 8, 10, 6
    x, y, w1, w2, loss, grad_w1, grad_w2 = build_t1(N, D, H)
    with tf.Session() as sess:
        values = {
            x: randn(rng, N, D),
            w1: randn(rng, D, H),
            w2: randn(rng, H, D),
            y: randn(rng, N, D),
        }
        out = sess.run([loss, grad_w1, grad_w2], feed_dict=values)
        loss_val, grad_w1_val, grad_w2_val = out
    want = two_layer_reference(
        *(values[k].astype(np.float32).astype(np.float64) for k in (x, y, w1, w2))
    )
    assert isinstance(loss_val, np.float32)
    assert grad_w1_val.shape == (D, H) and grad_w1_val.dtype == np.float32
    close(loss_val, want[0], "T1 loss", rtol=1e-5)
    close(grad_w1_val, want[1], "T1 grad_w1", rtol=1e-4, atol=1e-4)
    close(grad_w2_val, want[2], "T1 grad_w2", rtol=1e-4, atol=1e-4)


def test_t2_training_loop_with_fed_weights_follows_numpy():
    rng = np.random.default_rng(2)
    N, D, H = 8, 10, 6
    x, y, w1, w2, loss, grad_w1, grad_w2 = build_t1(N, D, H)
    with tf.Session() as sess:
        values = {
            x: randn(rng, N, D),
            w1: randn(rng, D, H),
            w2: randn(rng, H, D),
            y: randn(rng, N, D),
        }
        ref = {k: v.astype(np.float32).astype(np.float64) for k, v in values.items()}
        learning_rate = 1e-3
        losses = []
        for _ in range(20):
            out = sess.run([loss, grad_w1, grad_w2], feed_dict=values)
            loss_val, grad_w1_val, grad_w2_val = out
            values[w1] -= learning_rate * grad_w1_val
            values[w2] -= learning_rate * grad_w2_val
            losses.append(float(loss_val))
            want = two_layer_reference(ref[x], ref[y], ref[w1], ref[w2])
            close(loss_val, want[0], "T2 loss along the loop", rtol=1e-4)
            ref[w1] = ref[w1] - learning_rate * want[1]
            ref[w2] = ref[w2] - learning_rate * want[2]
    assert losses[-1] < losses[0]


# -------------------------------------------------------------------- T3 / T4


def build_t3(N: int, D: int, H: int, learning_rate: float):
    x = tf.placeholder(tf.float32, shape=(N, D))
    y = tf.placeholder(tf.float32, shape=(N, D))
    w1 = tf.Variable(tf.random_normal((D, H)))
    w2 = tf.Variable(tf.random_normal((H, D)))
    h = tf.maximum(tf.matmul(x, w1), 0)
    y_pred = tf.matmul(h, w2)
    diff = y_pred - y
    loss = tf.reduce_mean(tf.reduce_sum(diff**2, axis=1))
    grad_w1, grad_w2 = tf.gradients(loss, [w1, w2])
    new_w1 = w1.assign(w1 - learning_rate * grad_w1)
    new_w2 = w2.assign(w2 - learning_rate * grad_w2)
    return x, y, w1, w2, loss, new_w1, new_w2


def test_t3_loss_not_going_down_because_assigns_never_run():
    rng = np.random.default_rng(3)
    N, D, H = 8, 10, 6
    x, y, w1, w2, loss, new_w1, new_w2 = build_t3(N, D, H, 1e-3)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        values = {x: randn(rng, N, D), y: randn(rng, N, D)}
        w1_before = sess.run(w1)
        losses = []
        for _ in range(5):
            (loss_val,) = sess.run([loss], feed_dict=values)
            losses.append(loss_val)
        assert len(set(losses)) == 1, f"the slide's bug must reproduce: loss constant, got {losses}"
        np.testing.assert_array_equal(sess.run(w1), w1_before)
        want = two_layer_reference(
            values[x].astype(np.float32), values[y].astype(np.float32), w1_before, sess.run(w2)
        )[0]
        close(losses[0], want, "T3 loss with the initial weights", rtol=1e-4)


def test_t4_group_runs_the_updates_and_loss_goes_down():
    rng = np.random.default_rng(4)
    N, D, H = 8, 10, 6
    learning_rate = 1e-3
    x, y, w1, w2, loss, new_w1, new_w2 = build_t3(N, D, H, learning_rate)
    updates = tf.group(new_w1, new_w2)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        values = {x: randn(rng, N, D), y: randn(rng, N, D)}
        xv, yv = values[x].astype(np.float32), values[y].astype(np.float32)
        w1v, w2v = (sess.run(w).astype(np.float64) for w in (w1, w2))
        losses = []
        for _ in range(10):
            loss_val, out = sess.run([loss, updates], feed_dict=values)
            assert out is None, "fetching an Operation gives None"
            want, g1, g2 = two_layer_reference(xv, yv, w1v, w2v)
            close(loss_val, want, "T4 loss (computed before this run's updates)", rtol=1e-4)
            w1v, w2v = w1v - learning_rate * g1, w2v - learning_rate * g2
            losses.append(float(loss_val))
        close(sess.run(w1), w1v, "T4 w1 after 10 updates", rtol=1e-3, atol=1e-4)
    assert losses[-1] < losses[0]


# ---------------------------------------------------------------------- T5 - T7


def test_t5_optimizer_minimize_updates_variables():
    rng = np.random.default_rng(5)
    N, D, H = 8, 10, 6
    x = tf.placeholder(tf.float32, shape=(N, D))
    y = tf.placeholder(tf.float32, shape=(N, D))
    w1 = tf.Variable(tf.random_normal((D, H)))
    w2 = tf.Variable(tf.random_normal((H, D)))
    h = tf.maximum(tf.matmul(x, w1), 0)
    y_pred = tf.matmul(h, w2)
    loss = tf.reduce_mean(tf.reduce_sum((y_pred - y) ** 2, axis=1))
    optimizer = tf.train.GradientDescentOptimizer(1e-3)
    updates = optimizer.minimize(loss)
    assert updates.name == "GradientDescent" and updates.type == "NoOp"
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        values = {x: randn(rng, N, D), y: randn(rng, N, D)}
        w1v, w2v = sess.run([w1, w2])
        xv, yv = values[x].astype(np.float32), values[y].astype(np.float32)
        losses = []
        for _ in range(10):
            loss_val, _ = sess.run([loss, updates], feed_dict=values)
            want, g1, g2 = two_layer_reference(xv, yv, w1v.astype(np.float64), w2v)
            close(loss_val, want, "T5 loss", rtol=1e-4)
            w1v, w2v = w1v - 1e-3 * g1, w2v - 1e-3 * g2
            losses.append(float(loss_val))
    assert losses[-1] < losses[0]


def test_t6_mean_squared_error_is_the_mean_over_all_elements():
    rng = np.random.default_rng(6)
    N, D = 8, 10
    y_pred = tf.placeholder(tf.float32, shape=(N, D))
    y = tf.placeholder(tf.float32, shape=(N, D))
    loss = tf.losses.mean_squared_error(y_pred, y)
    assert loss.name == "mean_squared_error/value:0"
    (grad,) = tf.gradients(loss, [y_pred])
    values = {y_pred: randn(rng, N, D), y: randn(rng, N, D)}
    with tf.Session() as sess:
        loss_val, grad_val = sess.run([loss, grad], feed_dict=values)
    p, t = values[y_pred].astype(np.float32), values[y].astype(np.float32)
    close(loss_val, np.mean((p - t) ** 2), "T6 loss = mean over N*D")
    close(grad_val, 2 * (p - t) / (N * D), "T6 d loss / d y_pred")


@pytest.mark.parametrize("edition", ["v2017", "v2018"])
def test_t7_layers_dense_trains(edition):
    rng = np.random.default_rng(7)
    N, D, H = 16, 10, 8
    x = tf.placeholder(tf.float32, shape=(N, D))
    y = tf.placeholder(tf.float32, shape=(N, D))
    init = (
        tf.contrib.layers.xavier_initializer()
        if edition == "v2017"
        else tf.variance_scaling_initializer(2.0)
    )
    h = tf.layers.dense(inputs=x, units=H, activation=tf.nn.relu, kernel_initializer=init)
    y_pred = tf.layers.dense(inputs=h, units=D, kernel_initializer=init)
    loss = tf.losses.mean_squared_error(y_pred, y)
    optimizer = tf.train.GradientDescentOptimizer(1e-1)
    updates = optimizer.minimize(loss)
    names = [v.op.name for v in tf.trainable_variables()]
    assert names == ["dense/kernel", "dense/bias", "dense_1/kernel", "dense_1/bias"]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        values = {x: randn(rng, N, D), y: randn(rng, N, D)}
        k1, b1, k2, b2 = sess.run(tf.trainable_variables())
        xv, yv = values[x].astype(np.float32), values[y].astype(np.float32)
        want = np.mean((np.maximum(xv @ k1 + b1, 0) @ k2 + b2 - yv) ** 2)
        losses = [float(sess.run([loss, updates], feed_dict=values)[0]) for _ in range(30)]
    close(losses[0], want, "T7 first loss from the initial weights", rtol=1e-4)
    assert not b1.any() and not b2.any(), "biases start at zero"
    limit = np.sqrt(6.0 / (D + H))  # glorot uniform; He: truncated at 2 stddev = 2*sqrt(2/D)/.88
    bound = limit if edition == "v2017" else 2 * np.sqrt(2.0 / D) / 0.87962566103423978
    assert np.abs(k1).max() <= bound + 1e-6, f"{edition} initializer range"
    assert losses[-1] < losses[0]


# ------------------------------------------------------------------- S4 / S5


def test_s4_cond_takes_f2_when_z_is_10_as_on_the_slide():
    rng = np.random.default_rng(8)
    N, D, H = 3, 4, 5
    x = tf.placeholder(tf.float32, shape=(N, D))
    z = tf.placeholder(tf.float32, shape=None)
    w1 = tf.placeholder(tf.float32, shape=(D, H))
    w2 = tf.placeholder(tf.float32, shape=(D, H))

    def f1():
        return tf.matmul(x, w1)

    def f2():
        return tf.matmul(x, w2)

    y = tf.cond(tf.less(z, 0), f1, f2)
    with tf.Session() as sess:
        values = {x: randn(rng, N, D), z: 10, w1: randn(rng, D, H), w2: randn(rng, D, H)}
        y_val = sess.run(y, feed_dict=values)
        xv = values[x].astype(np.float32)
        close(y_val, xv @ values[w2].astype(np.float32), "tf.less(10, 0) is False: f2 = x @ w2")
        values[z] = -1
        close(
            sess.run(y, feed_dict=values), xv @ values[w1].astype(np.float32), "z = -1: f1 = x @ w1"
        )


def test_s5_foldl_returns_the_final_accumulator():
    rng = np.random.default_rng(9)
    T, D = 3, 5
    x = tf.placeholder(tf.float32, shape=(T, D))
    y0 = tf.placeholder(tf.float32, shape=(D,))
    w = tf.placeholder(tf.float32, shape=(D,))

    def f(prev_y, cur_x):
        return (prev_y + cur_x) * w

    y = tf.foldl(f, x, y0)
    with tf.Session() as sess:
        values = {x: randn(rng, T, D), y0: randn(rng, D), w: randn(rng, D)}
        y_val = sess.run(y, feed_dict=values)
    want = values[y0].astype(np.float32)
    for t in range(T):
        want = (want + values[x][t].astype(np.float32)) * values[w].astype(np.float32)
    assert y_val.shape == (D,)
    close(y_val, want, "foldl (y + x_t) * w")


def test_foldl_without_initializer_starts_from_the_first_element():
    xs = tf.placeholder(tf.float32, shape=(4,))
    total = tf.foldl(lambda acc, v: acc + v, xs)
    with tf.Session() as sess:
        assert sess.run(total, {xs: [1, 2, 3, 4]}) == 10.0

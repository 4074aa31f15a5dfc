"""tf.nn activations and cross entropies, tf.losses, tf.metrics.accuracy, squeeze / argmax /
one_hot, run-time-shaped random ops and dropout: values against numpy written out by hand,
gradients against finite differences, names and errors as TF 1."""

from __future__ import annotations

import numpy as np
import pytest

import engine.static as tf

RNG = np.random.default_rng(5)
LOGITS = RNG.standard_normal((4, 3))
LABELS = np.array([2, 0, 1, 1])


def run(fetches, feed=None):
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(tf.local_variables_initializer())
        return sess.run(fetches, feed)


def softmax_by_hand(z):
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def numeric_grad(f, x, eps=1e-6):
    out = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        hi, lo = x.copy(), x.copy()
        hi[i] += eps
        lo[i] -= eps
        out[i] = (f(hi) - f(lo)) / (2 * eps)
    return out


def test_activations_match_numpy():
    x = tf.constant(LOGITS)
    got = run([tf.nn.softplus(x), tf.nn.sigmoid(x), tf.nn.tanh(x), tf.nn.softmax(x)])
    np.testing.assert_allclose(got[0], np.log1p(np.exp(LOGITS)), rtol=1e-12)
    np.testing.assert_allclose(got[1], 1 / (1 + np.exp(-LOGITS)), rtol=1e-12)
    np.testing.assert_allclose(got[2], np.tanh(LOGITS), rtol=1e-12)
    np.testing.assert_allclose(got[3], softmax_by_hand(LOGITS), rtol=1e-12)
    names = [op.name for op in tf.get_default_graph().get_operations()]
    assert {"Softplus", "Sigmoid", "Tanh", "Softmax"} <= set(names)


@pytest.mark.parametrize("sparse", [False, True])
def test_cross_entropy_loss_value_and_gradient(sparse):
    z = tf.placeholder(tf.float64, (4, 3))
    if sparse:
        loss = tf.losses.sparse_softmax_cross_entropy(labels=LABELS, logits=z)
        scope = "sparse_softmax_cross_entropy_loss"
    else:
        loss = tf.losses.softmax_cross_entropy(onehot_labels=np.eye(3)[LABELS], logits=z)
        scope = "softmax_cross_entropy_loss"
    (grad,) = tf.gradients(loss, [z])
    value, g = run([loss, grad], {z: LOGITS})

    def by_hand(logits):
        p = softmax_by_hand(logits)
        return np.mean([-np.log(p[i, c]) for i, c in enumerate(LABELS)])

    assert loss.name == f"{scope}/value:0"
    np.testing.assert_allclose(value, by_hand(LOGITS), rtol=1e-12)
    np.testing.assert_allclose(g, numeric_grad(by_hand, LOGITS), rtol=1e-6, atol=1e-9)
    assert loss in tf.get_default_graph().get_collection("losses")


def test_weighted_loss_divides_by_nonzero_weights():
    z = tf.constant(LOGITS)
    w = np.array([1.0, 0.0, 2.0, 1.0])
    loss = tf.losses.sparse_softmax_cross_entropy(labels=LABELS, logits=z, weights=w)
    p = softmax_by_hand(LOGITS)
    per = np.array([-np.log(p[i, c]) for i, c in enumerate(LABELS)])
    np.testing.assert_allclose(run(loss), (per * w).sum() / 3, rtol=1e-12)


def test_sparse_labels_out_of_range_is_tf_s_invalid_argument():
    loss = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=[0, 3], logits=LOGITS[:2])
    with pytest.raises(tf.errors.InvalidArgumentError) as e:
        run(loss)
    assert str(e.value).startswith(
        "Received a label value of 3 which is outside the valid range of [0, 3).  Label values: 0 3"
    )
    with pytest.raises(ValueError, match="Only call `sparse_softmax_cross_entropy_with_logits`"):
        tf.nn.sparse_softmax_cross_entropy_with_logits(LABELS, LOGITS)
    with pytest.raises(ValueError, match="Rank mismatch: Rank of labels"):
        tf.nn.sparse_softmax_cross_entropy_with_logits(labels=[[0]], logits=LOGITS)


def test_argmax_equal_cast_squeeze_one_hot():
    x = tf.constant(LOGITS)
    am = tf.argmax(x, axis=1)
    assert am.dtype == tf.int64 and am.op.inputs[1].op.name == "ArgMax/dimension"
    eq = tf.equal(am, LABELS)
    acc = tf.reduce_mean(tf.cast(eq, tf.float32))
    sq = tf.squeeze(tf.constant(np.ones((1, 4, 1))))
    assert sq.shape.as_list() == [4]
    hot = tf.one_hot(LABELS, 3)
    got = run([am, acc, sq, hot, tf.reduce_max(x, axis=0), tf.expand_dims(x, 1)])
    np.testing.assert_array_equal(got[0], LOGITS.argmax(axis=1))
    assert got[1] == np.float32(np.mean(LOGITS.argmax(axis=1) == LABELS))
    np.testing.assert_array_equal(got[2], np.ones(4))
    np.testing.assert_array_equal(got[3], np.eye(3, dtype=np.float32)[LABELS])
    np.testing.assert_array_equal(got[4], LOGITS.max(axis=0))
    assert got[5].shape == (4, 1, 3)
    with pytest.raises(ValueError) as e:
        tf.squeeze(tf.constant(np.ones((2, 3))), axis=[0], name="sq")
    assert str(e.value) == (
        "Can not squeeze dim[0], expected a dimension of 1, got 2 for 'sq' (op: 'Squeeze') "
        "with input shapes: [2,3]."
    )


def test_metrics_accuracy_accumulates_in_local_variables():
    labels = tf.placeholder(tf.int64, (None,))
    predictions = tf.placeholder(tf.int64, (None,))
    acc, update = tf.metrics.accuracy(labels=labels, predictions=predictions)
    names = [v.op.name for v in tf.local_variables()]
    assert names == ["accuracy/total", "accuracy/count"]
    assert tf.global_variables() == [] and tf.trainable_variables() == []
    with tf.Session() as sess:
        with pytest.raises(tf.errors.FailedPreconditionError):
            sess.run(acc)
        sess.run(tf.local_variables_initializer())
        assert sess.run(acc) == 0.0  # nothing seen yet: 0, not nan
        assert sess.run(update, {labels: [1, 2, 3], predictions: [1, 2, 0]}) == pytest.approx(2 / 3)
        assert sess.run(update, {labels: [0], predictions: [1]}) == pytest.approx(2 / 4)
        assert sess.run(acc) == pytest.approx(0.5)


def test_random_uniform_of_a_run_time_shape():
    x = tf.placeholder(tf.float32, (None, 3))
    r = tf.random_uniform(tf.shape(x), minval=2.0, maxval=3.0)
    assert r.shape.as_list() == [None, 3]
    n = tf.random_normal(tf.shape(x))
    a, b = run([r, n], {x: np.zeros((5, 3))})
    assert a.shape == (5, 3) and b.shape == (5, 3)
    assert (a >= 2).all() and (a < 3).all()


def test_dropout_keeps_the_expectation_and_passes_gradients_only_where_kept():
    x = tf.placeholder(tf.float64, (200, 50))
    out = tf.nn.dropout(x, keep_prob=0.5)
    (g,) = tf.gradients(tf.reduce_sum(out), [x])
    value, grad = run([out, g], {x: np.ones((200, 50))})
    kept = value != 0
    np.testing.assert_array_equal(value[kept], 2.0)
    np.testing.assert_array_equal(grad, np.where(kept, 2.0, 0.0))
    assert 0.45 < kept.mean() < 0.55


def test_layers_dropout_follows_its_training_flag():
    x = tf.constant(np.ones((100, 100)))
    training = tf.placeholder_with_default(False, shape=())
    out = tf.layers.dropout(x, rate=0.3, training=training)
    off = tf.layers.dropout(x, rate=0.3)  # training=False: the inputs unchanged
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(out), np.ones((100, 100)))
        on = sess.run(out, {training: True})
        np.testing.assert_array_equal(sess.run(off), np.ones((100, 100)))
    assert set(np.unique(on)) <= {0.0, 1 / 0.7}
    assert 0.25 < (on == 0).mean() < 0.35


def test_unsupported_names_say_so_in_one_line():
    with pytest.raises(AttributeError) as e:
        tf.contrib.rnn  # noqa: B018
    assert str(e.value) == (
        "cgviz: tf.contrib.rnn is not supported by the engine (see 'python -m engine api')"
    )
    with pytest.raises(AttributeError, match="^cgviz: tf.nn.conv2d is not supported"):
        tf.nn.conv2d  # noqa: B018
    assert not hasattr(tf, "estimator")

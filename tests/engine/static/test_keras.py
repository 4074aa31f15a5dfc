"""Keras on the static engine: Sequential built into a TF 1 graph, fit against numpy written
out by hand, both APIs' argument names, History, errors."""

from __future__ import annotations

import numpy as np
import pytest

import engine.static as tf
from engine.static import keras
from engine.static.keras import backend


@pytest.fixture(autouse=True)
def fresh_keras():
    backend.clear_session()
    yield
    backend.clear_session()


RNG = np.random.default_rng(4)
X = RNG.standard_normal((8, 3)).astype(np.float32)
Y = RNG.standard_normal((8, 2)).astype(np.float32)


def test_keras1_and_keras2_dense_build_the_same_graph_names():
    model = keras.models.Sequential()
    model.add(keras.layers.Dense(input_dim=3, output_dim=4))  # Keras 1
    model.add(keras.layers.Activation("relu"))
    model.add(keras.layers.Dense(2, kernel_initializer="zeros"))  # Keras 2
    model.compile(loss="mean_squared_error", optimizer=keras.optimizers.SGD(lr=0.1))
    names = {op.name for op in tf.get_default_graph().get_operations()}
    for name in [
        "dense_input",
        "dense/kernel",
        "dense/bias",
        "dense/MatMul",
        "dense/BiasAdd",
        "activation/Relu",
        "dense_1/MatMul",
        "dense_1_target",
        "training/SGD",
    ]:
        assert name in names, name
    assert [w.op.name for w in model.weights] == [
        "dense/kernel",
        "dense/bias",
        "dense_1/kernel",
        "dense_1/bias",
    ]


def test_one_full_batch_sgd_step_matches_numpy():
    model = keras.Sequential()
    model.add(keras.layers.Dense(2, input_shape=(3,)))
    model.compile(loss="mse", optimizer=keras.optimizers.SGD(lr=0.5))
    w0, b0 = model.get_weights()
    history = model.fit(X, Y, epochs=1, batch_size=8, shuffle=False, verbose=0)
    pred = X @ w0 + b0
    loss0 = np.mean((pred - Y) ** 2)
    d = 2 * (pred - Y) / Y.size
    w1, b1 = w0 - 0.5 * X.T @ d, b0 - 0.5 * d.sum(axis=0)
    assert history.history["loss"] == [pytest.approx(float(loss0), rel=1e-5)]
    assert history.epoch == [0] and history.params["epochs"] == 1
    got_w, got_b = model.get_weights()
    np.testing.assert_allclose(got_w, w1, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(got_b, b1, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(model.predict(X), X @ w1 + b1, rtol=1e-5, atol=1e-5)


def test_fit_reduces_the_loss_with_each_optimizer_and_nb_epoch():
    for optimizer in [
        "sgd",
        "adam",
        "rmsprop",
        "adagrad",
        keras.optimizers.SGD(lr=0.05, momentum=0.9),
    ]:
        backend.clear_session()
        model = keras.Sequential(
            [keras.layers.Dense(8, input_dim=3, activation="tanh"), keras.layers.Dense(2)]
        )
        model.compile(optimizer=optimizer, loss="mean_squared_error")
        losses = model.fit(X, Y, nb_epoch=30, batch_size=4, verbose=0).history["loss"]
        assert len(losses) == 30 and losses[-1] < losses[0], optimizer


def test_classifier_with_accuracy_and_evaluate():
    labels = RNG.integers(0, 3, 60)
    points = (np.eye(3)[labels] * 3 + RNG.standard_normal((60, 3)) * 0.3).astype(np.float32)
    model = keras.Sequential()
    model.add(keras.layers.Dense(3, input_shape=(3,), activation="softmax"))
    model.compile(
        optimizer=keras.optimizers.Adam(lr=0.05),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    history = model.fit(points, labels, epochs=40, batch_size=20, verbose=0)
    assert set(history.history) == {"loss", "acc"}
    assert history.history["loss"][-1] < history.history["loss"][0]
    loss, acc = model.evaluate(points, labels, verbose=0)
    assert acc > 0.9
    ops = {op.type for op in tf.get_default_graph().get_operations()}
    assert "SparseSoftmaxCrossEntropyWithLogits" in ops  # from the softmax's logits


def test_model_called_on_a_placeholder_as_the_2018_slide():
    x = tf.placeholder(tf.float32, shape=(8, 3))
    model = tf.keras.Sequential()
    model.add(tf.keras.layers.Dense(4, input_shape=(3,), activation=tf.nn.relu))
    model.add(tf.keras.layers.Dense(2))
    y_pred = model(x)
    assert y_pred.shape.as_list() == [8, 2]
    loss = tf.losses.mean_squared_error(y_pred, Y)
    train = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        first = sess.run(loss, {x: X})
        for _ in range(20):
            sess.run(train, {x: X})
        assert sess.run(loss, {x: X}) < first


def test_keras_errors():
    with pytest.raises(TypeError, match="Keyword argument not understood"):
        keras.layers.Dense(2, foo=1)
    with pytest.raises(ValueError, match="Unknown loss function:nope"):
        keras.Sequential().compile(optimizer="sgd", loss="nope")
    model = keras.Sequential([keras.layers.Dense(2, input_dim=3)])
    with pytest.raises(RuntimeError, match="You must compile your model before using it."):
        model.fit(X, Y, verbose=0)
    with pytest.raises(AttributeError, match="^cgviz: keras.layers.Conv2D is not supported"):
        keras.layers.Conv2D  # noqa: B018
    with pytest.raises(TypeError, match="The added layer must be an instance of class Layer"):
        model.add("dense")

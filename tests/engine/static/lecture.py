"""The lecture's static graphs as small builders for the optimisation and buffer tests."""

from __future__ import annotations

from typing import Any

import numpy as np

import engine.static as tf

RNG = np.random.default_rng(7)


def randn(*shape: int) -> np.ndarray:
    """Standard normal float32 values."""
    return RNG.standard_normal(shape).astype(np.float32)


def t1(
    n: int = 8, d: int = 12, h: int = 5, unknown: bool = False
) -> tuple[list[Any], dict[Any, Any]]:
    """T1: the two-layer net, everything fed; returns (fetches, feed_dict)."""
    shape = (lambda *s: (None,) + s[1:]) if unknown else (lambda *s: s)
    x = tf.placeholder(tf.float32, shape=shape(n, d))
    y = tf.placeholder(tf.float32, shape=shape(n, d))
    w1 = tf.placeholder(tf.float32, shape=(d, h))
    w2 = tf.placeholder(tf.float32, shape=(h, d))
    hidden = tf.maximum(tf.matmul(x, w1), 0)
    y_pred = tf.matmul(hidden, w2)
    diff = y_pred - y
    loss = tf.reduce_mean(tf.reduce_sum(diff**2, axis=1))
    grad_w1, grad_w2 = tf.gradients(loss, [w1, w2])
    feeds = {x: randn(n, d), y: randn(n, d), w1: randn(d, h), w2: randn(h, d)}
    return [loss, grad_w1, grad_w2], feeds


def t1_numpy(x: np.ndarray, y: np.ndarray, w1: np.ndarray, w2: np.ndarray) -> list[np.ndarray]:
    """T1's step written out in numpy (float64), the reference."""
    x, y, w1, w2 = (v.astype(np.float64) for v in (x, y, w1, w2))
    a = x @ w1
    hidden = np.maximum(a, 0)
    diff = hidden @ w2 - y
    loss = np.mean(np.sum(diff**2, axis=1))
    g = diff * (2.0 / x.shape[0])
    return [np.asarray(loss), x.T @ ((g @ w2.T) * (a >= 0)), hidden.T @ g]


def a02() -> tuple[list[Any], dict[Any, Any]]:
    """A0.2: x * y + z summed, placeholders without shapes."""
    x, y, z = (tf.placeholder(tf.float32) for _ in range(3))
    c = tf.reduce_sum(x * y + z)
    grads = tf.gradients(c, [x, y, z])
    return [c, *grads], {x: randn(3, 4), y: randn(3, 4), z: randn(3, 4)}


def dense_relu() -> tuple[list[Any], dict[Any, Any]]:
    """matmul + bias + relu (T7's dense layer, written out), with its gradients."""
    x = tf.placeholder(tf.float32, shape=(6, 4))
    w = tf.placeholder(tf.float32, shape=(4, 3))
    b = tf.placeholder(tf.float32, shape=(3,))
    out = tf.nn.relu(tf.nn.bias_add(tf.matmul(x, w), b))
    loss = tf.reduce_sum(out * out)
    gw, gb = tf.gradients(loss, [w, b])
    return [out, loss, gw, gb], {x: randn(6, 4), w: randn(4, 3), b: randn(3)}

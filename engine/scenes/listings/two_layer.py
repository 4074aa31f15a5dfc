# The same two-layer network, both ways, from the same start (Lecture 8).
# TensorFlow builds the graph once, then Session.run executes it every step;
# PyTorch runs each line at once and rebuilds the graph every iteration.
import numpy as np

import engine.eager as torch
import engine.static as tf

N, D_in, H, D_out = 64, 1000, 100, 10
learning_rate = 1e-6

rng = np.random.default_rng(0)  # one seed: the same data and weights for both
x_data = rng.standard_normal((N, D_in), dtype=np.float32)
y_data = rng.standard_normal((N, D_out), dtype=np.float32)
w1_init = rng.standard_normal((D_in, H), dtype=np.float32)
w2_init = rng.standard_normal((H, D_out), dtype=np.float32)


def tensorflow():
    x = tf.placeholder(tf.float32, shape=(N, D_in))
    y = tf.placeholder(tf.float32, shape=(N, D_out))
    w1 = tf.placeholder(tf.float32, shape=(D_in, H))
    w2 = tf.placeholder(tf.float32, shape=(H, D_out))

    h = tf.maximum(tf.matmul(x, w1), 0)
    y_pred = tf.matmul(h, w2)
    loss = tf.reduce_sum((y_pred - y) ** 2)
    grad_w1, grad_w2 = tf.gradients(loss, [w1, w2])

    with tf.Session() as sess:
        values = {x: x_data, y: y_data, w1: w1_init.copy(), w2: w2_init.copy()}
        for t in range(500):
            out = sess.run([loss, grad_w1, grad_w2], feed_dict=values)
            loss_val, grad_w1_val, grad_w2_val = out
            values[w1] -= learning_rate * grad_w1_val
            values[w2] -= learning_rate * grad_w2_val


def pytorch():
    device = torch.device('cpu')
    x = torch.from_numpy(x_data).to(device)
    y = torch.from_numpy(y_data).to(device)
    w1 = torch.from_numpy(w1_init.copy()).to(device).requires_grad_()
    w2 = torch.from_numpy(w2_init.copy()).to(device).requires_grad_()

    for t in range(500):
        h = x.mm(w1).clamp(min=0)
        y_pred = h.mm(w2)
        loss = (y_pred - y).pow(2).sum()

        loss.backward()
        with torch.no_grad():
            w1 -= learning_rate * w1.grad
            w2 -= learning_rate * w2.grad
            w1.grad.zero_()
            w2.grad.zero_()


if __name__ == "__main__":
    tensorflow()
    pytorch()

# The same two-layer network, both ways (Lecture 8).
# TensorFlow: the graph is built once, then Session.run executes it every step.
# PyTorch: every line of the loop runs at once, and the graph is rebuilt each iteration.
import numpy as np

import engine.eager as torch
import engine.static as tf

N, D, H = 64, 1000, 100
x = tf.placeholder(tf.float32, shape=(N, D))
y = tf.placeholder(tf.float32, shape=(N, D))
w1 = tf.placeholder(tf.float32, shape=(D, H))
w2 = tf.placeholder(tf.float32, shape=(H, D))

h = tf.maximum(tf.matmul(x, w1), 0)
y_pred = tf.matmul(h, w2)
diff = y_pred - y
loss = tf.reduce_mean(tf.reduce_sum(diff ** 2, axis=1))

grad_w1, grad_w2 = tf.gradients(loss, [w1, w2])


def pytorch_iteration(x, y, w1, w2, learning_rate=1e-6):
    h = x.mm(w1)
    h_relu = h.clamp(min=0)
    y_pred = h_relu.mm(w2)
    loss = (y_pred - y).pow(2).sum()

    grad_y_pred = 2.0 * (y_pred - y)
    grad_w2 = h_relu.t().mm(grad_y_pred)
    grad_h_relu = grad_y_pred.mm(w2.t())
    grad_h = grad_h_relu.clone()
    grad_h[h < 0] = 0
    grad_w1 = x.t().mm(grad_h)

    w1 -= learning_rate * grad_w1
    w2 -= learning_rate * grad_w2
    return loss.item()


dtype = torch.FloatTensor
# dtype = torch.cuda.FloatTensor  # Uncomment this to run on GPU

N_, D_in, H_, D_out = 64, 1000, 100, 10
xt = torch.randn(N_, D_in).type(dtype)
yt = torch.randn(N_, D_out).type(dtype)
w1t = torch.randn(D_in, H_).type(dtype)
w2t = torch.randn(H_, D_out).type(dtype)

with tf.Session() as sess:
    values = {x: np.random.randn(N, D),
              w1: np.random.randn(D, H),
              w2: np.random.randn(H, D),
              y: np.random.randn(N, D)}
    learning_rate = 1e-5
    for t in range(500):
        # static: the graph built once runs again
        loss_val, grad_w1_val, grad_w2_val = sess.run([loss, grad_w1, grad_w2], feed_dict=values)
        values[w1] -= learning_rate * grad_w1_val
        values[w2] -= learning_rate * grad_w2_val

        # dynamic: this call builds a brand-new graph
        loss_val_t = pytorch_iteration(xt, yt, w1t, w2t)

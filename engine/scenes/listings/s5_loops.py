# Lecture 8, static vs dynamic: loops. y_t = (y_{t-1} + x_t) * w
import numpy as np
import engine.eager as torch
import engine.static as tf

# PyTorch: normal Python loops.
T, D = 3, 4
y0 = torch.randn(D)
x = torch.randn(T, D)
w = torch.randn(D)

y = [y0]
for t in range(T):
    prev_y = y[-1]
    next_y = (prev_y + x[t]) * w
    y.append(next_y)

# TensorFlow: a special TF control-flow operator builds the loop into the graph.
T, N, D = 3, 4, 5
x = tf.placeholder(tf.float32, shape=(T, D))
y0 = tf.placeholder(tf.float32, shape=(D,))
w = tf.placeholder(tf.float32, shape=(D,))

def f(prev_y, cur_x):
    return (prev_y + cur_x) * w

y = tf.foldl(f, x, y0)

with tf.Session() as sess:
    values = {
        x: np.random.randn(T, D),
        y0: np.random.randn(D),
        w: np.random.randn(D),
    }
    y_val = sess.run(y, feed_dict=values)

# Lecture 8, static vs dynamic: serialization. A static graph is data: save it to a file, then
# run it in another Python process that has only the file, not the code that built it.
import os
import shutil
import tempfile

import numpy as np
import engine.static as tf
from engine.static.run_saved import run_in_fresh_process

N, D, H = 64, 1000, 100
x = tf.placeholder(tf.float32, shape=(N, D), name="x")
y = tf.placeholder(tf.float32, shape=(N, D), name="y")
w1 = tf.Variable(tf.random_normal((D, H)), name="w1")
w2 = tf.Variable(tf.random_normal((H, D)), name="w2")

h = tf.maximum(tf.matmul(x, w1), 0)
y_pred = tf.matmul(h, w2)
diff = y_pred - y
loss = tf.reduce_mean(tf.reduce_sum(diff ** 2, axis=1))

optimizer = tf.train.GradientDescentOptimizer(1e-5)
updates = optimizer.minimize(loss)

folder = tempfile.mkdtemp()
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    values = {x: np.random.randn(N, D),
              y: np.random.randn(N, D),}
    for t in range(5):
        loss_val, _ = sess.run([loss, updates],
                               feed_dict=values)
    # the graph as data, and the weights' values apart
    graph_file = tf.train.write_graph(sess.graph.as_graph_def(), folder, "graph.json")
    weights_file = tf.train.Saver().save(sess, os.path.join(folder, "weights"))
    loss_here = sess.run(loss, feed_dict=values)

# a fresh process: import the graph def, restore the weights, run the same step
loss_there, _ = run_in_fresh_process(graph_file, weights_file, [loss.name, updates.name],
                                     feed_dict={x.name: values[x], y.name: values[y]},
                                     device='cpu')
shutil.rmtree(folder)

"""A 3-class classifier in TensorFlow 1: dense layers, dropout, softmax cross entropy, Adam."""

import numpy as np
import tensorflow as tf

hello = tf.constant("Hello, TensorFlow!")

# three Gaussian blobs in the plane
rng = np.random.RandomState(1)
centers = np.array([[0.0, 2.0], [-2.0, -1.0], [2.0, -1.0]])
labels = rng.randint(0, 3, 300)
points = (centers[labels] + 0.6 * rng.randn(300, 2)).astype(np.float32)

tf.set_random_seed(1)
x = tf.placeholder(tf.float32, shape=(None, 2), name="x")
y = tf.placeholder(tf.int64, shape=(None,), name="y")
training = tf.placeholder_with_default(False, shape=(), name="training")

h = tf.layers.dense(x, 32, activation=tf.nn.relu)
h = tf.layers.dropout(h, rate=0.2, training=training)
h = tf.layers.dense(h, 32, activation=tf.nn.tanh)
logits = tf.layers.dense(h, 3)
probabilities = tf.nn.softmax(logits)

loss = tf.losses.sparse_softmax_cross_entropy(labels=y, logits=logits)
train_op = tf.train.AdamOptimizer(learning_rate=0.01).minimize(loss)

predicted = tf.argmax(logits, axis=1)
batch_accuracy = tf.reduce_mean(tf.cast(tf.equal(predicted, y), tf.float32))
accuracy, accuracy_update = tf.metrics.accuracy(labels=y, predictions=predicted)

with tf.Session() as sess:
    print(sess.run(hello))
    sess.run(tf.global_variables_initializer())
    sess.run(tf.local_variables_initializer())
    for epoch in range(30):
        order = rng.permutation(300)
        for i in range(0, 300, 50):
            rows = order[i : i + 50]
            feed = {x: points[rows], y: labels[rows], training: True}
            loss_val, _ = sess.run([loss, train_op], feed_dict=feed)
        if epoch % 5 == 0:
            print("epoch", epoch, "loss", loss_val)
    for i in range(0, 300, 100):
        sess.run(accuracy_update, feed_dict={x: points[i : i + 100], y: labels[i : i + 100]})
    print("final loss", sess.run(loss, feed_dict={x: points, y: labels}))
    print("accuracy", sess.run(accuracy))
    print("batch accuracy", sess.run(batch_accuracy, feed_dict={x: points, y: labels}))
    p = sess.run(tf.squeeze(probabilities[:1]), feed_dict={x: points[:1]})
    print("first point's class probabilities", np.round(p, 3), "label", labels[0])

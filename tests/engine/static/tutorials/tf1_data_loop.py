"""Linear regression fed by tf.data: shuffle, batch, repeat, then loop to OutOfRangeError."""

import numpy as np
import tensorflow as tf

tf.set_random_seed(0)
rng = np.random.RandomState(0)
x_train = rng.uniform(-1, 1, (200, 1)).astype(np.float32)
y_train = (3.0 * x_train + 2.0 + 0.1 * rng.randn(200, 1)).astype(np.float32)

dataset = tf.data.Dataset.from_tensor_slices((x_train, y_train))
dataset = dataset.shuffle(buffer_size=200).batch(20).repeat(30)
iterator = dataset.make_one_shot_iterator()
x, y = iterator.get_next()

w = tf.Variable(tf.zeros([1, 1]), name="w")
b = tf.Variable(tf.zeros([1]), name="b")
y_pred = tf.matmul(x, w) + b
loss = tf.reduce_mean(tf.square(y_pred - y))
train_op = tf.train.MomentumOptimizer(learning_rate=0.05, momentum=0.9).minimize(loss)

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    step = 0
    while True:
        try:
            loss_val, _ = sess.run([loss, train_op])
        except tf.errors.OutOfRangeError:
            print("end of data after", step, "steps")
            break
        if step % 50 == 0:
            print("step", step, "loss", loss_val)
        step += 1
    w_val, b_val = sess.run([w, b])
    print("final loss", loss_val)
    print("w", float(w_val[0, 0]), "b", float(b_val[0]))

"""The same 3-class classifier as a tf.keras Sequential model: compile, then fit."""

import numpy as np
import tensorflow as tf

rng = np.random.RandomState(1)
centers = np.array([[0.0, 2.0], [-2.0, -1.0], [2.0, -1.0]])
labels = rng.randint(0, 3, 300)
points = centers[labels] + 0.6 * rng.randn(300, 2)

tf.set_random_seed(2)
np.random.seed(2)
model = tf.keras.Sequential()
model.add(tf.keras.layers.Dense(32, input_shape=(2,), activation=tf.nn.relu))
model.add(tf.keras.layers.Dense(3, activation="softmax"))
model.compile(
    optimizer=tf.keras.optimizers.Adam(lr=0.01),
    loss="sparse_categorical_crossentropy",
    metrics=["accuracy"],
)
history = model.fit(points, labels, epochs=30, batch_size=32, verbose=0)

print("loss", [round(v, 4) for v in history.history["loss"][::5]])
print("final loss", history.history["loss"][-1])
print("accuracy", history.history["acc"][-1])
print("predicted", model.predict(points[:5]).argmax(axis=1), "labels", labels[:5])

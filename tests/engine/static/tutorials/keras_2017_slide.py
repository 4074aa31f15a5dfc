"""CS231n 2017, Lecture 8, "Keras: High-Level Wrapper" (Keras 1 API), as the slide shows it."""

import numpy as np
from keras.layers.core import Activation, Dense
from keras.models import Sequential
from keras.optimizers import SGD

N, D, H = 64, 1000, 100

model = Sequential()
model.add(Dense(input_dim=D, output_dim=H))
model.add(Activation("relu"))
model.add(Dense(input_dim=H, output_dim=D))

optimizer = SGD(lr=1e0)
model.compile(loss="mean_squared_error", optimizer=optimizer)

x = np.random.randn(N, D)
y = np.random.randn(N, D)
history = model.fit(x, y, nb_epoch=50, batch_size=N, verbose=0)

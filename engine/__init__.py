"""cgviz's engine: the lecture's two programming models over one op table, on numpy or cupy.

``import engine.static as tf`` gives TensorFlow 1's graph-and-session model;
``import engine.eager as torch`` gives PyTorch's eager tensors with autograd. Both emit
events on ``engine.events.STREAM``. This package never imports the UI.
"""

__all__ = ["devices", "events", "ops"]

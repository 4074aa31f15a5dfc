"""Small constants send their value with node_created (labels write them in: Maximum(·, 0))."""

from __future__ import annotations

import numpy as np

import engine.static as tf
from engine.events import STREAM
from engine.static.placement import SMALL_CONST


def created(build) -> dict[str, dict]:
    seen: list[dict] = []
    undo = STREAM.subscribe(seen.append)
    try:
        with tf.Graph().as_default():
            build()
    finally:
        undo()
    return {e["name"]: e for e in seen if e["kind"] == "node_created"}


def test_small_constants_carry_their_value_and_big_ones_do_not() -> None:
    def build() -> None:
        x = tf.placeholder(tf.float32, shape=(3, 4))
        tf.maximum(x, 0)
        tf.reduce_sum(x**2, axis=1)
        tf.constant(np.arange(SMALL_CONST + 1, dtype=np.float32), name="big")

    nodes = created(build)
    assert nodes["Maximum/y"]["value"] == 0.0 and nodes["pow/y"]["value"] == 2.0
    assert nodes["Sum/reduction_indices"]["value"] == 1
    assert "value" not in nodes["big"] and "value" not in nodes["Placeholder"]

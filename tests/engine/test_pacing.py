"""Slow motion never shows as compute: spans that hold several events leave the pacer's
pauses out."""

from __future__ import annotations

import time

import numpy as np

import engine.eager as torch
import engine.static as tf
from engine.events import STREAM, recording

PAUSE_S = 0.01


def slow_pacer(event: dict) -> None:
    time.sleep(PAUSE_S)


def paced(fn):
    STREAM.set_pacer(slow_pacer)
    try:
        with recording() as events:
            fn()
    finally:
        STREAM.set_pacer(None)
    return events


def test_a_paced_session_run_reports_its_compute_not_its_pauses():
    tf.reset_default_graph()
    x = tf.placeholder(tf.float32, shape=(4, 3))
    loss = tf.reduce_sum(tf.matmul(x, tf.constant(np.ones((3, 2), np.float32))) ** 2)
    sess = tf.Session()
    events = paced(lambda: sess.run(loss, {x: np.ones((4, 3))}))
    (done,) = [e for e in events if e["kind"] == "run_finished"]
    paused_ns = len(events) * PAUSE_S * 1e9
    assert done["dur_ns"] < paused_ns / 4, (done["dur_ns"], paused_ns)


def test_a_paced_eager_iteration_reports_its_compute_not_its_pauses():
    torch.new_iteration()
    x = torch.ones(4, 3)

    def two_iterations():
        for _ in range(2):
            (x * 2.0).sum()
        torch.new_iteration()

    events = paced(two_iterations)
    finished = [e for e in events if e["kind"] == "iteration_finished"]
    assert finished
    for e in finished:
        assert e["dur_ns"] < 3 * PAUSE_S * 1e9 / 4, e

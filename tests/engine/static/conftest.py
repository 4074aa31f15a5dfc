"""Every static-graph test starts from a fresh, empty default graph."""

from __future__ import annotations

import pytest

import engine.static as tf


@pytest.fixture(autouse=True)
def fresh_graph():
    tf.reset_default_graph()
    yield
    tf.reset_default_graph()

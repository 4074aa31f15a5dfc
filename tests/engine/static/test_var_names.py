"""``node_created``'s ``var``: the Python name the user's assignment gives an op's output."""

from __future__ import annotations

import engine.static as tf
from engine.events import recording


def named(events) -> dict[str, str | None]:
    """Node name -> var (None where the event has none), for every static node_created."""
    return {e["name"]: e.get("var") for e in events if e["kind"] == "node_created"}


def test_the_lecture_graph_names_its_boxes_by_the_listing_variables():
    with recording() as events:
        x = tf.placeholder(tf.float32, shape=(4, 5))
        w1 = tf.placeholder(tf.float32, shape=(5, 3))
        h = tf.maximum(tf.matmul(x, w1), 0)
        diff = h - 1.0
        loss = tf.reduce_mean(tf.reduce_sum(diff**2, axis=1))
    got = named(events)
    assert {k: v for k, v in got.items() if v} == {
        "Placeholder": "x",
        "Placeholder_1": "w1",
        "Maximum": "h",
        "sub": "diff",
        "Mean": "loss",
    }
    # made by inner calls, or helpers the outer call made on the way: no name
    for helper in (
        "MatMul",
        "Maximum/y",
        "sub/y",
        "pow",
        "pow/y",
        "Sum",
        "Sum/reduction_indices",
        "Const",
    ):
        assert got[helper] is None, helper
    assert (h.op.name, loss.op.name) == ("Maximum", "Mean")


def test_variables_name_their_variable_node_not_its_helpers():
    with recording() as events:
        w = tf.Variable(tf.random_normal((3, 2)))  # noqa: F841 (the recorded line names it)
        r = tf.random_normal((2, 2))  # noqa: F841
    got = named(events)
    assert got["Variable"] == "w" and got["random_normal_1"] == "r"
    for helper in (
        "Variable/Assign",
        "Variable/read",
        "random_normal",
        "random_normal/mul",
        "random_normal_1/mul",
        "random_normal_1/RandomStandardNormal",
        "random_normal_1/mean",
    ):
        assert got[helper] is None, helper


def test_a_reduction_over_an_unknown_rank_names_the_sum_not_its_range():
    with recording() as events:
        a = tf.placeholder(tf.float32)
        c = tf.reduce_sum(a * a)
    got = named(events)
    assert got["Sum"] == "c" and got["range"] is None and got["Rank"] is None
    assert c.op.name == "Sum"


def test_unclear_lines_get_no_name():
    def layer(t):  # the user's own helper: the op is made on a `return` line
        return tf.matmul(t, t)

    class Box:
        pass

    box = Box()
    with recording() as events:
        a = tf.placeholder(tf.float32, shape=(2, 2), name="a")
        b = c = tf.matmul(a, a, name="chained")
        d, e = tf.matmul(a, a, name="tuple"), tf.matmul(a, a, name="tuple2")
        box.w = tf.matmul(a, a, name="attribute")
        f = layer(a)
        g = [tf.matmul(a, a, name="in_list")]
        z = tf.zeros((2, 2))  # tf.zeros returns tf.constant's op: made by a nested tf.* call
        tf.matmul(a, a, name="bare")
        with tf.name_scope("block"):
            p = tf.placeholder(tf.float32, name="scoped")
    got = named(events)
    assert got["a"] == "a"
    for name in (
        "chained",
        "tuple",
        "tuple2",
        "attribute",
        "MatMul",
        "in_list",
        "zeros",
        "bare",
        "block/scoped",
    ):
        assert got[name] is None, name
    assert b is c and d is not e and f is not None and g and z is not None and p is not None


def test_names_inside_a_user_scope_and_on_every_loop_pass():
    with recording() as events:
        a = tf.placeholder(tf.float32, shape=(2, 2))
        with tf.name_scope("layer"):
            h = tf.maximum(a, 0.0)
        for _ in range(2):
            a = tf.matmul(a, a)
    got = named(events)
    assert got["layer/Maximum"] == "h" and h.op.name == "layer/Maximum"
    assert got["MatMul"] == got["MatMul_1"] == "a"


def test_names_follow_multi_line_calls_and_annotations():
    with recording() as events:
        x: tf.Tensor = tf.placeholder(tf.float32, shape=(2, 2))
        y = tf.matmul(x, x)
    got = named(events)
    assert (got["Placeholder"], got["MatMul"]) == ("x", "y")
    assert y.op.name == "MatMul"


def test_a_late_announce_carries_no_source_and_no_name():
    x = tf.placeholder(tf.float32, shape=(2,))
    with recording() as events:
        tf.get_default_graph().announce()
    got = [e for e in events if e["kind"] == "node_created"]
    assert got and "var" not in got[0] and "source" not in got[0] and x.op.name == "Placeholder"

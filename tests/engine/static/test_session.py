"""``Session.run``: pruning to the fetches, plan caching, feeds and fetch structures."""

from __future__ import annotations

from collections import namedtuple

import numpy as np
import pytest

import engine.static as tf


def entry(sess):
    return list(sess._plans.values())[-1]


# -------------------------------------------------------------------- caching


def test_second_run_reuses_the_plan_and_values_come_from_this_runs_feeds():
    a = tf.placeholder(tf.float32, shape=(2,))
    b = a * 2.0 + 1.0
    with tf.Session() as sess:
        first = sess.run(b, {a: [1.0, 2.0]})
        plan = entry(sess).plan
        second = sess.run(b, {a: [5.0, 6.0]})
        assert sess.plan_count == 1 and entry(sess).plan is plan
        np.testing.assert_array_equal(first, [3.0, 5.0])
        np.testing.assert_array_equal(second, [11.0, 13.0])
        assert sess.run_count == 2


def test_a_changed_feed_shape_replans():
    a = tf.placeholder(tf.float32)
    b = tf.reduce_sum(a * a)
    with tf.Session() as sess:
        assert sess.run(b, {a: [1.0, 2.0]}) == 5.0
        assert sess.run(b, {a: [[1.0], [2.0], [3.0]]}) == 14.0
        assert sess.plan_count == 2
        assert sess.run(b, {a: [3.0, 4.0]}) == 25.0
        assert sess.plan_count == 2


def test_new_nodes_and_new_fetches_replan():
    a = tf.placeholder(tf.float32, shape=())
    b = a + 1
    with tf.Session() as sess:
        sess.run(b, {a: 1.0})
        sess.run([b, a], {a: 1.0})
        assert sess.plan_count == 2
        c = b * 3
        assert sess.run(c, {a: 1.0}) == 6.0
        assert sess.plan_count == 3


def test_a_repeated_call_replays_and_computes_from_the_new_values():
    x = tf.placeholder(tf.float32, shape=(2, 3))
    w = tf.placeholder(tf.float32, shape=(3, 2))
    y = tf.matmul(x, w)
    loss = tf.reduce_sum(y * y)
    fetches = [loss, y]
    rng = np.random.default_rng(3)
    with tf.Session() as sess:
        for _ in range(3):  # the same list and keys each time: the replayed path
            xv, wv = (rng.standard_normal(s).astype(np.float32) for s in ((2, 3), (3, 2)))
            got_loss, got_y = sess.run(fetches, {x: xv, w: wv})
            ref = xv.astype(np.float64) @ wv
            np.testing.assert_allclose(
                got_y, ref, rtol=1e-5, atol=1e-6, err_msg="y (2, 2) float32 on a replayed run"
            )
            np.testing.assert_allclose(
                got_loss, (ref**2).sum(), rtol=1e-5, err_msg="loss () float32 on a replayed run"
            )
        assert sess._replay is not None and sess.plan_count == 1 and sess.run_count == 3


def test_a_call_that_differs_from_the_last_one_is_resolved_again():
    x = tf.placeholder(tf.float32, shape=(None, 2))
    y = x * 2.0
    z = x + 1.0
    with tf.Session() as sess:
        ones = np.ones((1, 2), np.float32)
        np.testing.assert_array_equal(sess.run(y, {x: ones}), [[2.0, 2.0]])
        np.testing.assert_array_equal(sess.run(z, {x: ones}), [[2.0, 2.0]])  # other fetch
        np.testing.assert_array_equal(sess.run(z, {x: [[1.0, 2.0]]}), [[2.0, 3.0]])  # a list
        got = sess.run(z, {x: np.ones((1, 2), np.float64)})  # other dtype: converted
        assert got.dtype == np.float32
        np.testing.assert_array_equal(
            sess.run(z, {x: np.ones((3, 2), np.float32)}), np.full((3, 2), 2.0)
        )  # other shape: another plan
        np.testing.assert_array_equal(sess.run(z, {"Placeholder:0": ones}), [[2.0, 2.0]])
        assert sess.plan_count == 3
        with pytest.raises(ValueError, match="Cannot feed value of shape"):
            sess.run(z, {x: np.ones((1, 3), np.float32)})
        with pytest.raises(TypeError):
            sess.run(z, {x: "text"})
        c = z * 3.0  # a new node: the graph changed
        np.testing.assert_array_equal(sess.run(z, {x: ones}), [[2.0, 2.0]])
        assert sess.plan_count == 4
        np.testing.assert_array_equal(sess.run(c, {x: ones}), [[6.0, 6.0]])
    with pytest.raises(RuntimeError):
        sess.run(z, {x: ones})  # closed, even for the call it replayed last


def test_replayed_runs_still_report_failures():
    a = tf.placeholder(tf.float32, shape=(None, 3))
    b = tf.placeholder(tf.float32, shape=(None, 3))
    c = a + b
    with tf.Session() as sess:
        ok = np.ones((2, 3), np.float32)
        sess.run(c, {a: ok, b: ok})
        sess.run(c, {a: ok, b: ok})
        with pytest.raises(tf.errors.InvalidArgumentError, match="Incompatible shapes"):
            sess.run(c, {a: ok, b: np.ones((4, 3), np.float32)})


# -------------------------------------------------------------------- pruning


def test_only_what_the_fetches_need_runs():
    x = tf.placeholder(tf.float32, shape=(2,))
    v = tf.Variable(tf.zeros((2,)))
    loss = tf.reduce_sum(x * v)
    bump = v.assign(v + 1.0)
    unfed = tf.placeholder(tf.float32, shape=(2,))
    _ = unfed * 2  # needs a feed nobody gives: never runs
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(loss, {x: [1.0, 1.0]})
        plan_ops = {op.name for op in entry(sess).plan.ops}
        assert "Assign" not in plan_ops and "mul_1" not in plan_ops
        np.testing.assert_array_equal(sess.run(v), [0.0, 0.0])
        sess.run(bump)
        np.testing.assert_array_equal(sess.run(v), [1.0, 1.0])


def test_control_dependencies_are_followed_when_pruning():
    v = tf.Variable(0.0)
    inc = v.assign_add(1.0)
    with tf.control_dependencies([inc]):
        read = v.read_value()  # a new read inside the block (v's own snapshot is taken earlier)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        assert sess.run(read) == 1.0
        assert sess.run(read) == 2.0


def test_feeding_an_intermediate_cuts_everything_upstream():
    x = tf.placeholder(tf.float32, shape=(2,))
    h = tf.exp(x)
    y = h * 2.0
    with tf.Session() as sess:  # x is never fed: its consumers are upstream of the feed
        np.testing.assert_array_equal(sess.run(y, {h: [1.0, 3.0]}), [2.0, 6.0])
        kinds = {n.op.name: n.kind for n in entry(sess).plan.nodes}
        assert kinds == {"Exp": "feed", "mul/y": "const", "mul": "run"}
        np.testing.assert_array_equal(sess.run(h, {h: [4.0, 5.0]}), [4.0, 5.0])


def test_a_fed_constant_overrides_it():
    c = tf.constant(2.0)
    with tf.Session() as sess:
        assert sess.run(c * 3, {c: 5.0}) == 15.0
        assert sess.run(c * 3) == 6.0


# ----------------------------------------------------------------- fetches


def test_fetch_structures_are_mirrored():
    a = tf.placeholder(tf.float32, shape=())
    b, c = a + 1, a * 2
    pair = namedtuple("pair", "x y")
    noop = tf.no_op()
    with tf.Session() as sess:
        feed = {a: 3.0}
        assert sess.run(b, feed) == 4.0
        assert sess.run((b, c), feed) == (4.0, 6.0)
        assert sess.run({"b": b, "nest": [c, (b,)], "op": noop}, feed) == {
            "b": 4.0,
            "nest": [6.0, (4.0,)],
            "op": None,
        }
        assert sess.run(pair(b, c), feed) == pair(4.0, 6.0)
        assert sess.run(["add:0", "mul"], feed) == [4.0, None]
        assert sess.run([b, b, noop], feed) == [4.0, 4.0, None]


def test_feeds_by_name_and_by_variable():
    a = tf.placeholder(tf.float32, shape=(), name="a")
    v = tf.Variable(1.0)
    a * v  # noqa: B018 - named "mul", fetched by name below
    with tf.Session() as sess:
        assert sess.run("mul:0", {"a:0": 2.0, v: 10.0}) == 20.0


def test_matching_feeds_are_not_copied_and_variable_fetches_are():
    a = tf.placeholder(tf.float32, shape=(3,))
    same = tf.identity(a)
    v = tf.Variable(np.ones(3, np.float32))
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        arr = np.arange(3, dtype=np.float32)
        assert sess.run(same, {a: arr}) is arr
        got = sess.run(v)
        got[:] = 7
        np.testing.assert_array_equal(sess.run(v), [1.0, 1.0, 1.0])


def test_eval_and_run_use_the_default_session():
    a = tf.constant(2.0)
    v = tf.Variable(3.0)
    with tf.Session() as sess:
        tf.global_variables_initializer().run()
        assert (a * 2).eval() == 4.0 and v.eval() == 3.0
        assert tf.get_default_session() is sess
    with pytest.raises(ValueError, match="No default session is registered"):
        a.eval()


def test_interactive_session_is_the_default_until_closed():
    a = tf.constant(2.0)
    sess = tf.InteractiveSession()
    try:
        assert a.eval() == 2.0
    finally:
        sess.close()
    assert tf.get_default_session() is None


def test_variable_load_and_assign_sub():
    v = tf.Variable(np.zeros(2, np.float32))
    step = v.assign_sub([1.0, 2.0])
    with tf.Session() as sess:
        v.load([5.0, 5.0], sess)
        np.testing.assert_array_equal(sess.run(step), [4.0, 3.0])
        np.testing.assert_array_equal(sess.run(v), [4.0, 3.0])


def test_random_seed_makes_runs_repeatable_and_each_run_draws_anew():
    tf.set_random_seed(3)
    r = tf.random_normal((4,))
    with tf.Session() as s1, tf.Session() as s2:
        a1, a2 = s1.run(r), s1.run(r)
        b1 = s2.run(r)
    np.testing.assert_array_equal(a1, b1)
    assert not np.array_equal(a1, a2)


def test_cond_only_runs_the_taken_branch():
    v = tf.Variable(0.0)
    p = tf.placeholder(tf.bool, shape=())
    out = tf.cond(p, lambda: v.assign_add(1.0), lambda: tf.identity(v) * 10)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        assert sess.run(out, {p: False}) == 0.0
        assert sess.run(out, {p: True}) == 1.0
        assert sess.run(out, {p: True}) == 2.0
        assert sess.run(out, {p: False}) == 20.0


def test_ops_created_outside_the_branches_run_regardless():
    v = tf.Variable(0.0)
    p = tf.placeholder(tf.bool, shape=())
    outside = v.assign_add(1.0)
    out = tf.cond(p, lambda: outside * 1, lambda: tf.constant(-1.0))
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        assert sess.run(out, {p: False}) == -1.0
        assert sess.run(v) == 1.0, "the lecture's warning: created outside, so it ran"


def test_static_shapes_fold_the_gradient_seed_but_unknown_shapes_do_not():
    def plan_of(shape):
        tf.reset_default_graph()
        a = tf.placeholder(tf.float32, shape=shape)
        loss = tf.reduce_mean(tf.reduce_sum(a**2, axis=1))
        (g,) = tf.gradients(loss, [a])
        with tf.Session() as sess:
            out = sess.run(g, {a: np.ones((2, 3))})
            plan = entry(sess).plan
        np.testing.assert_allclose(out, np.full((2, 3), 1.0))  # 2 * a / N with N = 2
        folded = {
            a["name"] for r in plan.rewrites if r["pass"] == "constant_folding" for a in r["added"]
        }
        return folded, {op.name for op in plan.ops}

    folded, ran = plan_of((2, 3))  # Shape -> Fill -> Mean_grad -> Sum_grad: one constant
    assert "gradients/Sum_grad/SumGrad" in folded
    assert not {"gradients/Fill", "gradients/Mean_grad/MeanGrad", "Mean"} & ran
    folded, ran = plan_of((None, 3))
    assert "gradients/Sum_grad/SumGrad" not in folded and "gradients/Sum_grad/SumGrad" in ran

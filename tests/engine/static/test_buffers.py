"""Buffer reuse in static plans: results stay the user's, feeds stay untouched, plans are
cached per feed shapes, and the buffers really are reused."""

from __future__ import annotations

import threading

import numpy as np

import engine.static as tf

from .lecture import randn, t1, t1_numpy


def _values(sess: tf.Session, fetches: list, feeds: dict) -> list[np.ndarray]:
    return [np.asarray(v) for v in sess.run(fetches, feeds)]


def test_t1_matches_numpy_and_uses_buffers():
    fetches, feeds = t1()
    with tf.Session() as sess:
        got = _values(sess, fetches, feeds)
        plan = next(iter(sess._plans.values())).plan
    ref = t1_numpy(*feeds.values())
    for g, r in zip(got, ref, strict=True):
        np.testing.assert_allclose(g, r, rtol=1e-4, atol=1e-4)
    assert plan.buffers, "no kernel writes into a preallocated buffer"
    users = [n for n in plan.nodes if n.buffer is not None]
    assert len(users) > len(plan.buffers), "no buffer is reused (in place or from the pool)"


def test_fetched_arrays_survive_the_next_run():
    fetches, feeds = t1()
    with tf.Session() as sess:
        first = sess.run(fetches, feeds)
        kept = [np.array(v, copy=True) for v in first]
        other = {k: randn(*v.shape) for k, v in feeds.items()}
        second = sess.run(fetches, other)
        for a, b in zip(first, kept, strict=True):
            np.testing.assert_array_equal(a, b)
        for a, b in zip(first, second, strict=True):
            assert not np.shares_memory(a, b)


def test_every_run_computes_from_its_own_feeds():
    fetches, feeds = t1()
    other = {k: randn(*v.shape) for k, v in feeds.items()}
    with tf.Session() as sess:
        for values in (feeds, other, feeds):
            got = _values(sess, fetches, values)
            for g, r in zip(got, t1_numpy(*values.values()), strict=True):
                np.testing.assert_allclose(g, r, rtol=1e-4, atol=1e-4)


def test_feeds_are_never_written():
    fetches, feeds = t1()
    before = {k: v.copy() for k, v in feeds.items()}
    with tf.Session() as sess:
        for _ in range(3):
            sess.run(fetches, feeds)
    for k, v in feeds.items():
        np.testing.assert_array_equal(v, before[k])


def test_plan_cache_hit_and_replan_on_new_feed_shape():
    fetches, feeds = t1(unknown=True)
    with tf.Session() as sess:
        sess.run(fetches, feeds)
        sess.run(fetches, feeds)
        assert sess.plan_count == 1
        x, y, w1, w2 = feeds
        bigger = {x: randn(11, 12), y: randn(11, 12), w1: feeds[w1], w2: feeds[w2]}
        got = _values(sess, fetches, bigger)
        assert sess.plan_count == 2
        for g, r in zip(got, t1_numpy(*bigger.values()), strict=True):
            np.testing.assert_allclose(g, r, rtol=1e-4, atol=1e-4)
        sess.run(fetches, feeds)
        assert sess.plan_count == 2


def test_a_run_that_finds_the_buffers_busy_allocates():
    fetches, feeds = t1()
    with tf.Session() as sess:
        sess.run(fetches, feeds)
        plan = next(iter(sess._plans.values())).plan
        ref = _values(sess, fetches, feeds)
        with plan._busy:  # as if another thread were running this plan now
            got = _values(sess, fetches, feeds)
    for g, r in zip(got, ref, strict=True):
        np.testing.assert_allclose(g, r, rtol=1e-6)


def test_threads_share_a_session():
    fetches, feeds = t1()
    ref = t1_numpy(*feeds.values())
    errors: list[BaseException] = []
    with tf.Session() as sess:

        def work() -> None:
            try:
                for _ in range(20):
                    for g, r in zip(_values(sess, fetches, feeds), ref, strict=True):
                        np.testing.assert_allclose(g, r, rtol=1e-4, atol=1e-4)
            except BaseException as e:  # noqa: BLE001 - reported below
                errors.append(e)

        threads = [threading.Thread(target=work) for _ in range(3)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert not errors, errors[0]


def test_variables_and_fetched_views_never_live_in_buffers():
    x = tf.placeholder(tf.float32, shape=(3, 3))
    v = tf.Variable(np.zeros((3, 3), np.float32))
    t = (x + 1.0) * 2.0
    update = tf.assign(v, t * 3.0)
    view = tf.transpose(t - 1.0)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        a = randn(3, 3)
        first_v, first_view = sess.run([update, view], {x: a})
        keep_v, keep_view = first_v.copy(), first_view.copy()
        sess.run([update, view], {x: randn(3, 3)})
        np.testing.assert_array_equal(first_v, keep_v)
        np.testing.assert_array_equal(first_view, keep_view)
        np.testing.assert_allclose(keep_v, (a + 1) * 6, rtol=1e-6)
        np.testing.assert_allclose(keep_view, ((a + 1) * 2 - 1).T, rtol=1e-6)


def test_buffers_can_be_turned_off():
    fetches, feeds = t1()
    with tf.Session() as sess:
        sess.reuse_buffers = False
        got = _values(sess, fetches, feeds)
        assert not next(iter(sess._plans.values())).plan.buffers
    for g, r in zip(got, t1_numpy(*feeds.values()), strict=True):
        np.testing.assert_allclose(g, r, rtol=1e-4, atol=1e-4)


def test_dropped_fetches_are_recycled_kept_ones_are_not():
    fetches, feeds = t1()
    with tf.Session() as sess:
        out = sess.run(fetches, feeds)
        addr = out[1].__array_interface__["data"][0]
        kept = out[1]
        del out
        again = sess.run(fetches, feeds)  # the user still holds grad_w1: a new array
        assert again[1].__array_interface__["data"][0] != addr
        np.testing.assert_array_equal(kept, again[1])
        del kept
        addr = again[1].__array_interface__["data"][0]
        del again
        third = sess.run(fetches, feeds)  # dropped: its memory is written again
        assert third[1].__array_interface__["data"][0] == addr
        for g, r in zip(third, t1_numpy(*feeds.values()), strict=True):
            np.testing.assert_allclose(g, r, rtol=1e-4, atol=1e-4)

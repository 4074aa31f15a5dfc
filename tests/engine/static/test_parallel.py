"""The parallel plan: the same values as the plan run in order, bit for bit, on random graphs
and on every scene; buffers recycled only after every reader; effects in order; failures
as in order; node events naming the worker; GPU plans in order, with the reason."""

from __future__ import annotations

import threading
from collections import Counter

import numpy as np
import pytest

import engine.eager.tracing as tracing
import engine.static as tf
from engine import devices
from engine.events import recording
from engine.scenes import SCENES
from engine.static import blas_threads, schedule
from engine.static.errors import InvalidArgumentError

SERIAL = tf.ConfigProto(inter_op_parallelism_threads=1)
TWO = tf.ConfigProto(inter_op_parallelism_threads=2)


def sessions(graph: tf.Graph) -> tuple[tf.Session, tf.Session]:
    """A session running in order and one whose plans keep every parallel phase."""
    return tf.Session(graph=graph, config=SERIAL), tf.Session(graph=graph, config=TWO)


def plans(sess: tf.Session) -> list[object]:
    return [entry.plan for entry in sess._plans.values()]


def parallel_phases(sess: tf.Session) -> int:
    return sum(
        sum(p.parallel for p in plan.schedule.phases)  # type: ignore[attr-defined]
        for plan in plans(sess)
        if plan.schedule is not None  # type: ignore[attr-defined]
    )


def same(a: object, b: object, what: str) -> None:
    a_arr, b_arr = np.asarray(a), np.asarray(b)
    assert a_arr.dtype == b_arr.dtype and a_arr.shape == b_arr.shape, what
    assert np.array_equal(a_arr, b_arr, equal_nan=True), f"{what}: values differ"


# ------------------------------------------------------------------ random graphs

DIMS = (3, 4, 5)


def random_graph(seed: int, n_ops: int = 14) -> tuple[tf.Graph, list, dict, list]:
    """Placeholders, then ``n_ops`` random ops (matmuls, elementwise, reductions), a loss,
    and its gradients: returns (graph, fetches, feed shapes, placeholders)."""
    rng = np.random.default_rng(seed)
    g = tf.Graph()
    with g.as_default():
        shapes = [(int(rng.choice(DIMS)), int(rng.choice(DIMS))) for _ in range(4)]
        xs = [tf.placeholder(tf.float32, shape=s) for s in shapes]
        pool = list(xs)
        for _ in range(n_ops):
            a = pool[int(rng.integers(len(pool)))]
            kind = int(rng.integers(7))
            same_shape = [t for t in pool if t.shape.as_list() == a.shape.as_list()]
            rows = [t for t in pool if t.shape.as_list()[0] == a.shape.as_list()[1]]
            if kind == 0 and rows:
                t = tf.matmul(a, rows[int(rng.integers(len(rows)))])
            elif kind == 1:
                t = tf.maximum(a, 0.0)
            elif kind == 2:
                b = same_shape[int(rng.integers(len(same_shape)))]
                t = [tf.add, tf.subtract, tf.multiply][int(rng.integers(3))](a, b)
            elif kind == 3:
                t = tf.transpose(a)
            elif kind == 4:
                t = a * 0.5 + 1.0
            elif kind == 5 and rows:
                t = tf.matmul(a, rows[int(rng.integers(len(rows)))]) - 1.0
            else:
                t = tf.exp(a * 0.1)
            pool.append(t)
        outs = pool[len(xs) :]
        picked = [outs[int(i)] for i in rng.choice(len(outs), size=3, replace=False)]
        loss = tf.reduce_sum(picked[0] * picked[0])
        for t in picked[1:]:
            loss = loss + tf.reduce_sum(t * t)
        grads = [gr for gr in tf.gradients(loss, xs) if gr is not None]
    return g, [loss, *picked, *grads], dict(zip(xs, shapes, strict=True)), xs


@pytest.mark.parametrize("seed", range(40))
def test_random_graphs_give_the_values_of_the_plan_in_order(seed):
    g, fetches, shapes, xs = random_graph(seed)
    serial, par = sessions(g)
    rng = np.random.default_rng(1000 + seed)
    with schedule.policy("always"):
        for run in range(3):  # buffers are reused from run to run
            feed = {x: rng.standard_normal(s).astype(np.float32) for x, s in shapes.items()}
            want, got = serial.run(fetches, feed), par.run(fetches, feed)
            for i, (a, b) in enumerate(zip(want, got, strict=True)):
                same(a, b, f"graph {seed}, run {run}, fetch {i}")
    assert all(plan.schedule is None for plan in plans(serial))  # type: ignore[attr-defined]


def test_random_graphs_do_run_in_parallel():
    """The comparison above means something: most random graphs get parallel phases."""
    with schedule.policy("always"):
        counts = []
        for seed in range(40):
            g, fetches, shapes, _ = random_graph(seed)
            sess = tf.Session(graph=g, config=TWO)
            sess.run(fetches, {x: np.ones(s, np.float32) for x, s in shapes.items()})
            counts.append(parallel_phases(sess))
    assert sum(c > 0 for c in counts) >= 30, counts


def big_step():
    rng = np.random.default_rng(0)
    x_v = rng.standard_normal((192, 256)).astype(np.float32)
    w_v = rng.standard_normal((256, 192)).astype(np.float32)
    g = tf.Graph()
    with g.as_default():
        x, w = tf.placeholder(tf.float32, (192, 256)), tf.placeholder(tf.float32, (256, 192))
        h = tf.maximum(tf.matmul(x, w), 0.0)
        loss = tf.reduce_sum(h * h)
        gx, gw = tf.gradients(loss, [x, w])
    return g, [loss, gx, gw], {x: x_v, w: w_v}


@pytest.fixture
def blas_threads_at():
    """Set BLAS's thread count for a test (given back after)."""
    ctl = blas_threads.control()
    if ctl is None:
        pytest.skip("no OpenBLAS whose threads can be set")
    before = ctl.get()
    yield ctl.set
    ctl.set(before)


def test_big_matmuls_on_one_blas_thread_keep_their_bits(blas_threads_at):
    """Matrices big enough that BLAS would thread them: with BLAS on one thread, the lanes
    (one thread each) compute exactly what the plan in order computes."""
    blas_threads_at(1)
    g, fetches, feed = big_step()
    serial, par = sessions(g)
    with schedule.policy("always"):
        want, got = serial.run(fetches, feed), par.run(fetches, feed)
    for i, (a, b) in enumerate(zip(want, got, strict=True)):
        same(a, b, f"fetch {i}")


def test_big_matmuls_on_two_blas_threads_differ_by_blas_rounding_only(blas_threads_at):
    """With BLAS on two threads, a product in a parallel phase runs on one (the lanes share
    the cores), and OpenBLAS's blocking differs with its thread count: the values agree to
    float32 rounding, as numpy's own do when OPENBLAS_NUM_THREADS changes."""
    blas_threads_at(2)
    g, fetches, feed = big_step()
    serial, par = sessions(g)
    with schedule.policy("always"):
        want, got = serial.run(fetches, feed), par.run(fetches, feed)
    assert parallel_phases(par) >= 1
    for a, b in zip(want, got, strict=True):
        np.testing.assert_allclose(b, a, rtol=2e-5, atol=1e-3)


# ------------------------------------------------------------------ every scene


def scene_values(name: str, mode: schedule.Policy) -> dict[str, np.ndarray]:
    tracing.reset(restart=True)
    with schedule.policy(mode):
        namespace = SCENES[name].run("cpu", 2, seed=0, small=True)
    tracing.reset(restart=True)
    out = {}
    for key, v in namespace.items():
        if isinstance(v, np.ndarray | np.generic | float):
            out[key] = np.asarray(v)
    return out


@pytest.mark.parametrize("name", sorted(SCENES))
def test_every_scene_gives_the_values_of_the_plan_in_order(name):
    want, got = scene_values(name, "never"), scene_values(name, "always")
    assert want.keys() == got.keys()
    for key in want:
        same(want[key], got[key], f"{name}: {key}")


def test_the_scenes_static_graphs_do_run_in_parallel(monkeypatch):
    built: list[object] = []
    real = tf.Session._make_entry

    def spy(self, *args):
        entry = real(self, *args)
        built.append(entry.plan)
        return entry

    monkeypatch.setattr(tf.Session, "_make_entry", spy)
    for name in ("tf-graph", "tf-train", "tf-optimizer", "two-layer", "conditional"):
        scene_values(name, "always")
    scheduled = [p for p in built if p.schedule is not None]  # type: ignore[attr-defined]
    assert len(scheduled) >= 4, [p.sequential for p in built]  # type: ignore[attr-defined]


# ------------------------------------------------------------------ buffers and effects


def two_branches(n: int = 6):
    """x -> a -> two independent chains reading a, each long enough to overlap."""
    x = tf.placeholder(tf.float32, shape=(n, n))
    a = tf.matmul(x, x)
    left = tf.maximum(tf.matmul(a, x), 0.0) * 2.0
    right = tf.exp(tf.matmul(x, a) * 0.01) - 1.0
    return x, a, left, right


def test_a_buffer_is_recycled_only_after_every_reader():
    """Every buffer a node writes was last read by nodes it waits for (same lane, or an
    earlier phase): checked on the phases of many random plans."""
    checked = 0
    with schedule.policy("always"):
        for seed in range(40):
            g, fetches, shapes, _ = random_graph(seed)
            sess = tf.Session(graph=g, config=TWO)
            sess.run(fetches, {x: np.ones(s, np.float32) for x, s in shapes.items()})
            for plan in plans(sess):
                sched = plan.schedule  # type: ignore[attr-defined]
                if sched is None:
                    continue
                where = {}
                for k, phase in enumerate(sched.phases):
                    for lane, nodes in enumerate(phase.lanes):
                        for pos, i in enumerate(nodes):
                            where[i] = (k, lane, pos)
                holder: dict[int, int] = {}  # slot -> the buffer its value lives in
                users: dict[int, list[int]] = {}  # buffer -> nodes that wrote or read it
                for i, node in enumerate(sched.running):
                    for s in node.ins:
                        if s in holder:
                            users[holder[s]].append(i)
                    if node.buffer is not None:
                        for j in users.get(node.buffer, []):
                            assert j == i or _before(where[j], where[i]), (seed, j, i)
                        users[node.buffer] = [i]
                        holder[node.out] = node.buffer
                checked += 1
    assert checked >= 30


def _before(a: tuple[int, int, int], b: tuple[int, int, int]) -> bool:
    """Node at ``a`` finished before node at ``b`` starts (earlier phase, or same lane)."""
    return a[0] < b[0] or (a[0] == b[0] and a[1] == b[1] and a[2] < b[2])


def test_the_end_of_a_long_lane_runs_after_the_join():
    """A lane's nodes that would run alone once the other lanes are done leave the phase:
    after the join they run solo, on every BLAS thread, not on one beside an idle core."""
    cost = [100.0, 10.0, 100.0, 100.0, 5.0]  # lane 0: 0, 1, 2; lane 1: 3, 4
    lanes, tail = schedule._trim([[0, 1, 2], [3, 4]], cost)
    assert (lanes, tail) == ([[0, 1], [3, 4]], [2])
    lanes, tail = schedule._trim([[0, 1], [3, 4]], cost)  # half of 1 overlaps 4
    assert (lanes, tail) == ([[0, 1], [3, 4]], [])
    lanes, tail = schedule._trim([[0, 1], [3]], cost)  # 1 would start as 3 ends
    assert (lanes, tail) == ([[0], [3]], [1])
    lanes, tail = schedule._trim([[3], [0, 2]], [100.0, 0, 100.0, 1.0])  # keeps its first
    assert (lanes, tail) == ([[3], [0]], [2])


def test_the_seed_steps_last_product_runs_solo():
    """The seed step (T1): g @ w2.T and h.T @ g run at once, x.T @ g_a (which needs the
    first) after the join; the values are those of the plan in order."""
    rng = np.random.default_rng(0)
    vals = [rng.standard_normal(s).astype(np.float32) for s in ((64, 100), (64, 10))]
    vals += [rng.standard_normal(s).astype(np.float32) * 0.1 for s in ((100, 20), (20, 10))]
    g = tf.Graph()
    with g.as_default():
        x, y, w1, w2 = (tf.placeholder(tf.float32, shape=v.shape) for v in vals)
        h = tf.maximum(tf.matmul(x, w1), 0)
        diff = tf.matmul(h, w2) - y
        loss = tf.reduce_mean(tf.reduce_sum(diff**2, axis=1))
        fetches = [loss, *tf.gradients(loss, [w1, w2])]
    serial, par = sessions(g)
    feed = dict(zip((x, y, w1, w2), vals, strict=True))
    with schedule.policy("always"):
        want, got = serial.run(fetches, feed), par.run(fetches, feed)
    for i, (a, b) in enumerate(zip(want, got, strict=True)):
        same(a, b, f"fetch {i}")
    phases = schedule.describe(plans(par)[0].schedule)  # type: ignore[attr-defined]
    lanes = [p["lanes"] for p in phases]
    together = [
        sorted(n for ln in p for n in ln if "MatMul" in n.split("/")[-1])
        for p in lanes
        if len(p) > 1
    ]
    assert [p for p in together if len(p) > 1] == [
        ["gradients/MatMul_1_grad/MatMul", "gradients/MatMul_1_grad/MatMul_1"]
    ], lanes
    assert len(lanes[-1]) == 1 and lanes[-1][0][-1].endswith("MatMul_grad/MatMul"), lanes


def test_variables_are_read_and_updated_in_plan_order():
    v = tf.Variable(np.ones((4, 4), np.float32))
    x = tf.placeholder(tf.float32, shape=(4, 4))
    before = tf.matmul(x, v) * 1.0
    with tf.control_dependencies([before]):
        update = tf.assign(v, v * 3.0)
    with tf.control_dependencies([update]):
        after = tf.matmul(x, v.read_value()) + 0.0
    other = tf.exp(tf.matmul(x, x) * 0.01)
    feed = {x: np.arange(16, dtype=np.float32).reshape(4, 4)}
    serial, par = sessions(tf.get_default_graph())
    with schedule.policy("always"):
        for sess in (serial, par):
            sess.run(tf.global_variables_initializer())
        for _ in range(3):
            want = serial.run([before, after, other], feed)
            got = par.run([before, after, other], feed)
            for i, (a, b) in enumerate(zip(want, got, strict=True)):
                same(a, b, f"fetch {i}")


# ------------------------------------------------------------------ events


def test_node_events_name_the_worker_and_overlap():
    x, a, left, right = two_branches(64)
    with tf.Session(config=TWO) as sess, schedule.policy("always"):
        feed = {x: np.ones((64, 64), np.float32) * 0.01}
        sess.run([left, right], feed)
        with recording() as events:
            got = sess.run([left, right], feed)
    nodes = [e for e in events if e["kind"] in ("node_started", "node_finished")]
    assert all("worker" in e for e in nodes)
    workers = {e["worker"] for e in nodes if e["kind"] == "node_finished" and "dur_ns" in e}
    assert workers == {0, 1}
    running: set[int] = set()
    most = 0
    for e in nodes:
        if e["kind"] == "node_started":
            running.add(e["node"])
            most = max(most, len(running))
        else:
            assert e["node"] in running or e.get("feed") or e.get("const"), e
            running.discard(e["node"])
    assert most >= 2, "two nodes were running at once"
    assert not running
    with tf.Session(config=SERIAL) as serial:
        want = serial.run([left, right], feed)
    for i, (w, g) in enumerate(zip(want, got, strict=True)):
        same(w, g, f"fetch {i}")


def test_events_keep_one_order_from_run_to_run():
    x, a, left, right = two_branches(32)
    orders = []
    with tf.Session(config=TWO) as sess, schedule.policy("always"):
        for _ in range(4):
            with recording() as events:
                sess.run([left, right], {x: np.ones((32, 32), np.float32)})
            orders.append(
                [
                    (e["kind"], e["node"], e["worker"])
                    for e in events
                    if e["kind"] in ("node_started", "node_finished")
                ]
            )
    assert all(o == orders[0] for o in orders)


def test_totals_count_every_node_once():
    x, a, left, right = two_branches(16)
    with tf.Session(config=TWO) as sess, schedule.policy("always"):
        feed = {x: np.ones((16, 16), np.float32)}
        with recording(detail="totals") as totals:
            sess.run([left, right], feed)
        with recording() as nodes:
            sess.run([left, right], feed)
    (ev,) = [e for e in totals if e["kind"] == "op_totals"]
    finished = Counter(e["op"] for e in nodes if e["kind"] == "node_finished")
    assert {op: calls for op, (calls, _, _) in ev["ops"].items()} == finished
    assert sum(flops for _, _, flops in ev["ops"].values()) > 0


# ------------------------------------------------------------------ failures


def test_a_failing_node_fails_as_in_order():
    x = tf.placeholder(tf.float32, shape=(None, None))
    y = tf.placeholder(tf.float32, shape=(None, None))
    v = tf.Variable(np.zeros((2, 2), np.float32))
    bad = tf.matmul(tf.exp(x), y)  # inner sizes differ at run time
    good = tf.maximum(tf.matmul(x, tf.transpose(x)), 0.0)
    with tf.control_dependencies([bad, good]):
        update = tf.assign_add(v, tf.ones((2, 2)))
    feed = {x: np.ones((2, 3), np.float32), y: np.ones((2, 2), np.float32)}
    messages = []
    for config in (SERIAL, TWO):
        with tf.Session(config=config) as sess, schedule.policy("always"):
            sess.run(v.initializer)
            for listening in (False, True):
                with recording() if listening else _nothing():
                    with pytest.raises(InvalidArgumentError) as caught:
                        sess.run([good, update], feed)
                messages.append(str(caught.value))
            np.testing.assert_array_equal(sess.run(v), np.zeros((2, 2)))  # never updated
    assert len(set(messages)) == 1, messages


@pytest.mark.parametrize("seed", range(30))
def test_random_failures_raise_what_the_plan_in_order_raises(seed):
    """Placeholders of unknown shape, one fed a shape the graph cannot take: whichever nodes
    fail, and whatever ran at once, the error is the plan in order's first."""
    rng = np.random.default_rng(seed)
    g = tf.Graph()
    with g.as_default():
        xs = [tf.placeholder(tf.float32, shape=None) for _ in range(3)]
        pool = list(xs)
        for _ in range(10):
            a, b = (pool[int(i)] for i in rng.integers(len(pool), size=2))
            op = int(rng.integers(4))
            t = [tf.matmul, tf.add, tf.multiply, lambda p, q: tf.exp(p * 0.1) - q][op](a, b)
            pool.append(t)
        fetches = pool[3:]
    feed = {x: np.ones((4, 4), np.float32) for x in xs}
    feed[xs[int(rng.integers(3))]] = np.ones((4, 3), np.float32)
    outcomes = []
    for config in (SERIAL, TWO):
        with tf.Session(graph=g, config=config) as sess, schedule.policy("always"):
            for listening in (False, True):
                with recording() if listening else _nothing():
                    try:
                        values = sess.run(fetches, feed)
                    except InvalidArgumentError as e:
                        outcomes.append(str(e))
                    else:  # the misfit placeholder broadcast, or no fetch reads it
                        outcomes.append(repr([np.asarray(v).tolist() for v in values]))
    assert len(set(outcomes)) == 1, outcomes


class _nothing:  # noqa: N801 - a context manager standing in for recording()
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


# ------------------------------------------------------------------ pool, GPU, config


def test_two_threads_running_plans_at_once_both_get_the_right_values():
    x, a, left, right = two_branches(48)
    feed_v = np.random.default_rng(0).standard_normal((48, 48)).astype(np.float32) * 0.1
    with tf.Session(config=SERIAL) as serial:
        want = serial.run([left, right], {x: feed_v})
    s1, s2 = tf.Session(config=TWO), tf.Session(config=TWO)
    results: dict[int, list] = {}

    def loop(k: int, sess: tf.Session) -> None:
        results[k] = [sess.run([left, right], {x: feed_v}) for _ in range(30)]

    with schedule.policy("always"):
        threads = [threading.Thread(target=loop, args=(k, s)) for k, s in enumerate((s1, s2, s1))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    for runs in results.values():
        for got in runs:
            for i, (w, g) in enumerate(zip(want, got, strict=True)):
                same(w, g, f"fetch {i}")


def test_gpu_plans_run_in_order_and_say_why():
    from tests import fakecupy

    with devices.simulated_gpu(fakecupy):
        x, a, left, right = two_branches(8)
        with tf.Session(device="gpu", config=TWO) as sess, schedule.policy("always"):
            sess.run([left, right], {x: np.ones((8, 8), np.float32)})
            (plan,) = plans(sess)
    assert plan.schedule is None  # type: ignore[attr-defined]
    assert "GPU" in plan.sequential and "stream" in plan.sequential  # type: ignore[attr-defined]


def test_config_names_the_pools_as_tensorflow_does():
    x, a, left, right = two_branches(8)
    with schedule.policy("always"):
        with tf.Session(config=SERIAL) as sess:
            sess.run([left, right], {x: np.ones((8, 8), np.float32)})
            assert sess.inter_op == 1 and plans(sess)[0].schedule is None  # type: ignore[attr-defined]
        with tf.Session() as sess:  # 0, the default: one worker per core
            assert sess.inter_op >= 1
        config = tf.ConfigProto(inter_op_parallelism_threads=3, intra_op_parallelism_threads=1)
        with tf.Session(config=config) as sess:
            assert (sess.inter_op, sess.intra_op) == (3, 1)


def test_blas_threads_are_shared_out_and_given_back(monkeypatch):
    seen: list[int] = []
    state = {"n": 2}

    class Fake:
        library = "fake"

        @staticmethod
        def get() -> int:
            return state["n"]

        @staticmethod
        def set(n: int) -> None:
            seen.append(n)
            state["n"] = n

    monkeypatch.setattr(blas_threads, "_CONTROL", [Fake()])
    x, a, left, right = two_branches(16)
    with tf.Session(config=TWO) as sess, schedule.policy("always"):
        sess.run([left, right], {x: np.ones((16, 16), np.float32)})
        assert parallel_phases(sess) >= 1
    assert 1 in seen, "a parallel phase runs each lane on one BLAS thread"
    assert state["n"] == 2, "and gives the threads back"
    seen.clear()
    config = tf.ConfigProto(inter_op_parallelism_threads=1, intra_op_parallelism_threads=1)
    with tf.Session(config=config) as sess:
        sess.run([left, right], {x: np.ones((16, 16), np.float32)})
    assert seen == [1, 2], "intra_op_parallelism_threads holds for the run, then is undone"

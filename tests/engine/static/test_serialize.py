"""S3 "Serialization": a graph saved as JSON runs in a fresh process without the code that built
it; Variable values travel apart (Saver)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import engine.static as tf

ROOT = Path(__file__).resolve().parents[3]


def build_t5(N: int = 4, D: int = 5, H: int = 3):
    x = tf.placeholder(tf.float32, shape=(N, D), name="x")
    y = tf.placeholder(tf.float32, shape=(N, D), name="y")
    w1 = tf.Variable(np.linspace(-1, 1, D * H, dtype=np.float32).reshape(D, H))
    w2 = tf.Variable(np.linspace(1, -1, H * D, dtype=np.float32).reshape(H, D))
    h = tf.maximum(tf.matmul(x, w1), 0)
    loss = tf.reduce_mean(tf.reduce_sum((tf.matmul(h, w2) - y) ** 2, axis=1), name="loss")
    train = tf.train.GradientDescentOptimizer(1e-2).minimize(loss)
    return x, y, loss, train


def feeds(N: int = 4, D: int = 5):
    rng = np.random.default_rng(0)
    return rng.standard_normal((N, D)).astype(np.float32), rng.standard_normal((N, D)).astype(
        np.float32
    )


def losses_in_process(steps: int = 3) -> list[float]:
    x, y, loss, train = build_t5()
    xv, yv = feeds()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        return [float(sess.run([loss, train], {x: xv, y: yv})[0]) for _ in range(steps)]


def test_graph_def_is_json_and_mirrors_graphdef():
    x, y, loss, train = build_t5()
    tf.global_variables_initializer()
    gd = tf.get_default_graph().as_graph_def()
    text = json.dumps(gd)
    node = {n["name"]: n for n in json.loads(text)["node"]}
    assert node["MatMul"]["input"] == ["x", "Variable/read"] and node["MatMul"]["op"] == "MatMul"
    assert node["init"]["input"] == ["^Variable/Assign", "^Variable_1/Assign"]
    assert node["Maximum/y"]["value"] == {"dtype": "float32", "shape": [], "data": [0.0]}
    assert node["MatMul"]["attr"] == {"transpose_a": False, "transpose_b": False}


def test_import_graph_def_round_trip_in_process():
    want = losses_in_process()
    gd = tf.get_default_graph().as_graph_def()
    tf.reset_default_graph()
    tf.import_graph_def(json.dumps(gd), name="")
    g = tf.get_default_graph()
    assert [op.name for op in g.get_operations()] == [n["name"] for n in gd["node"]]
    xv, yv = feeds()
    with tf.Session() as sess:
        sess.run("init")
        got = [
            float(sess.run(["loss:0", "GradientDescent"], {"x:0": xv, "y:0": yv})[0])
            for _ in range(3)
        ]
    np.testing.assert_allclose(got, want, rtol=1e-6)
    assert len(tf.trainable_variables()) == 2, "imported Variables are usable again"


def test_import_with_prefix_input_map_and_return_elements():
    a = tf.placeholder(tf.float32, shape=(2,), name="a")
    tf.multiply(a, 3.0, name="out")
    gd = tf.get_default_graph().as_graph_def()
    tf.reset_default_graph()
    five = tf.constant([5.0, 6.0])
    out, op = tf.import_graph_def(gd, input_map={"a:0": five}, return_elements=["out:0", "out"])
    assert out.name == "import/out:0" and op.name == "import/out"
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(out), [15.0, 18.0])


def test_cond_and_foldl_survive_a_round_trip():
    p = tf.placeholder(tf.float32, shape=(), name="p")
    xs = tf.placeholder(tf.float32, shape=(3, 2), name="xs")
    w = tf.constant([2.0, 3.0])
    tf.identity(tf.cond(tf.less(p, 0), lambda: p * 2, lambda: p * 3), name="c")
    tf.identity(tf.foldl(lambda acc, v: (acc + v) * w, xs, tf.zeros((2,))), name="f")
    gd = tf.get_default_graph().as_graph_def()
    tf.reset_default_graph()
    tf.import_graph_def(gd, name="")
    with tf.Session() as sess:
        c, f = sess.run(["c:0", "f:0"], {"p:0": -1.0, "xs:0": np.ones((3, 2))})
    assert c == -2.0
    want = np.zeros(2)
    for _ in range(3):
        want = (want + 1) * [2.0, 3.0]
    np.testing.assert_allclose(f, want)


@pytest.mark.slow
def test_a_saved_graph_runs_in_a_fresh_process_without_the_building_code(tmp_path):
    want = losses_in_process()
    path = tf.train.write_graph(tf.get_default_graph(), str(tmp_path), "t5.json")
    xv, yv = feeds()
    np.save(tmp_path / "x.npy", xv)
    np.save(tmp_path / "y.npy", yv)
    code = (
        "import sys, numpy as np\n"
        "import engine.static as tf\n"
        f"d = {str(tmp_path)!r}\n"
        "tf.import_graph_def(tf.train.read_graph(d + '/t5.json'), name='')\n"
        "x, y = np.load(d + '/x.npy'), np.load(d + '/y.npy')\n"
        "with tf.Session() as sess:\n"
        "    sess.run('init')\n"
        "    for _ in range(3):\n"
        "        print(float(sess.run(['loss:0', 'GradientDescent'], {'x:0': x, 'y:0': y})[0]))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        check=True,
    ).stdout
    np.testing.assert_allclose([float(v) for v in out.split()], want, rtol=1e-6)
    assert Path(path).exists()


def test_saver_keeps_variable_values_apart(tmp_path):
    x, y, loss, train = build_t5()
    xv, yv = feeds()
    saver = tf.train.Saver()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(train, {x: xv, y: yv})
        trained = sess.run(tf.global_variables())
        saver.save(sess, str(tmp_path / "model"))
    with tf.Session() as sess:
        saver.restore(sess, str(tmp_path / "model"))
        for got, want in zip(sess.run(tf.global_variables()), trained, strict=True):
            np.testing.assert_array_equal(got, want)

"""Graph passes: each keeps the fetched values (float32 tolerances), says what it changed in a
``graph_rewritten`` event, and leaves the user's graph alone."""

from __future__ import annotations

import numpy as np
import pytest

import engine.static as tf
from engine.events import KINDS, recording
from engine.static.optimize import NAMES

from .lecture import a02, dense_relu, randn, t1


def t1_forward():
    """T1 fetching only the loss (no gradient reads the product: the ReLU fuses)."""
    fetches, feeds = t1()
    return fetches[:1], feeds


GRAPHS = {"t1": t1, "a02": a02, "dense_relu": dense_relu, "t1_forward": t1_forward}


def _run(fetches, feeds, optimize):
    with tf.Session(optimize=optimize) as sess:
        out = [np.asarray(v) for v in sess.run(fetches, feeds)]
        plan = next(iter(sess._plans.values())).plan
    return out, plan


def _build(name):
    tf.reset_default_graph()
    return GRAPHS[name]()


@pytest.mark.parametrize("graph", list(GRAPHS))
@pytest.mark.parametrize("only", [None, *NAMES])
def test_every_pass_keeps_the_values(graph, only):
    fetches, feeds = _build(graph)
    ref, _ = _run(fetches, feeds, False)
    opts = True if only is None else {n: n == only for n in NAMES}
    got, _ = _run(fetches, feeds, opts)
    for g, r in zip(got, ref, strict=True):
        np.testing.assert_allclose(g, r, rtol=1e-4, atol=1e-5)


def test_user_graph_is_unchanged():
    fetches, feeds = t1()
    g = tf.get_default_graph()
    before = [(op.name, op.type, [t.name for t in op.inputs]) for op in g.get_operations()]
    version = g.version
    _run(fetches, feeds, True)
    assert g.version == version
    assert [(op.name, op.type, [t.name for t in op.inputs]) for op in g.get_operations()] == before


def _rewrites(fetches, feeds, optimize=True):
    with recording() as events, tf.Session(optimize=optimize) as sess:
        sess.run(fetches, feeds)
    return [e for e in events if e["kind"] == "graph_rewritten"], events


def test_rewrite_events_have_their_payload():
    assert "graph_rewritten" in KINDS
    fetches, feeds = t1()
    rewrites, _ = _rewrites(fetches, feeds)
    by_pass = {e["pass"]: e for e in rewrites}
    for e in rewrites:
        for key in KINDS["graph_rewritten"]:
            assert key in e
        assert e["stats"]["nodes_after"] <= e["stats"]["nodes_before"] + len(e["added"])
    g = tf.get_default_graph()
    names = {op.id: op.name for op in g.get_operations()}
    folded = by_pass["constant_folding"]
    assert any(a["name"] == "gradients/Sum_grad/SumGrad" and a["folded"] for a in folded["added"])
    assert "gradients/Shape" in {names.get(i) for i in folded["removed"]}
    assert {a["op"] for a in by_pass["pow_square"]["added"]} == {"Square", "Identity"}
    assert by_pass["identity"]["removed"]
    loss = by_pass["fuse_elementwise"]["added"][0]
    assert loss["op"] == "_FusedElementwise" and loss["name"] == "Mean"
    assert (
        loss["fused"] == ["pow", "Sum", "Mean"]
        and loss["node"] == g.get_operation_by_name("Mean").id
    )
    assert set(by_pass["fuse_elementwise"]["replaced"].values()) == {loss["node"]}
    assert "fuse_matmul" not in by_pass  # the product also feeds the ReLU's gradient mask


def test_off_means_pruning_only():
    fetches, feeds = t1()
    rewrites, _ = _rewrites(fetches[:1], feeds, optimize=False)
    assert [e["pass"] for e in rewrites] == ["prune"]  # the gradients are not fetched


def test_matmul_bias_relu_fuse_under_the_last_name():
    fetches, feeds = dense_relu()
    rewrites, events = _rewrites(fetches, feeds)
    fused = next(e for e in rewrites if e["pass"] == "fuse_matmul")["added"][0]
    assert fused["op"] == "_FusedMatMul" and fused["name"] == "Relu"
    assert fused["fused"] == ["MatMul", "BiasAdd", "Relu"]
    started = [e for e in events if e["kind"] == "node_started" and e.get("op") == "_FusedMatMul"]
    assert started and started[0]["fused"] == ["MatMul", "BiasAdd", "Relu"]
    finished = [e for e in events if e["kind"] == "node_finished" and e.get("fused")]
    assert finished and all(e["dur_ns"] >= 0 for e in finished)


def test_forward_t1_fuses_maximum_of_matmul():
    fetches, feeds = t1()
    rewrites, _ = _rewrites(fetches[:1], feeds)
    fused = next(e for e in rewrites if e["pass"] == "fuse_matmul")["added"][0]
    assert fused["fused"] == ["MatMul", "Maximum"] and fused["name"] == "Maximum"
    loss = next(e for e in rewrites if e["pass"] == "fuse_elementwise")["added"][0]
    assert loss["fused"] == ["sub", "pow", "Sum", "Mean"]


def test_a02_folds_nothing():
    fetches, feeds = a02()
    rewrites, _ = _rewrites(fetches, feeds)
    folded = [a["name"] for e in rewrites if e["pass"] == "constant_folding" for a in e["added"]]
    # only the seed ones(shape(c)) of the scalar sum is static; nothing about x, y, z is
    assert folded == ["gradients/Fill"]


def test_cse_merges_duplicates_but_not_fetches():
    x = tf.placeholder(tf.float32, shape=(3, 4))
    a = tf.exp(x) * 2.0
    b = tf.exp(x) * 2.0
    total = tf.reduce_sum(a + b)
    feeds = {x: randn(3, 4)}
    rewrites, _ = _rewrites([total], feeds, optimize={"cse": True, "fuse_elementwise": False})
    cse = next(e for e in rewrites if e["pass"] == "cse")
    assert len(cse["removed"]) >= 2  # the second Exp and Mul (and its constant)
    got, _ = _run([total, a, b], feeds, True)
    np.testing.assert_allclose(got[0], 4 * np.exp(feeds[x]).sum(), rtol=1e-5)
    assert not np.shares_memory(got[1], got[2])


def test_feeding_a_constant_is_not_folded_away():
    c = tf.constant(2.0)
    d = c * 3.0
    with tf.Session() as sess:
        assert sess.run(d) == pytest.approx(6.0)
        assert sess.run(d, {c: 5.0}) == pytest.approx(15.0)


def test_unknown_pass_is_refused():
    with pytest.raises(ValueError, match="unknown graph optimisation pass"):
        tf.Session(optimize={"nope": True})


def test_config_proto_switches_passes():
    fetches, feeds = t1()
    with tf.Session(config=tf.ConfigProto(allow_soft_placement=True, optimize=False)) as sess:
        sess.run(fetches, feeds)
        assert {r["pass"] for r in next(iter(sess._plans.values())).plan.rewrites} <= {"prune"}


# ------------------------------------------------------------------ scale_matmul


def _plan_ops(fetches, feeds, optimize=True):
    got, plan = _run(fetches, feeds, optimize)
    return got, [(op.type, op.outputs[0]._dims, dict(op.attrs)) for op in plan.ops]


@pytest.mark.parametrize("n", [8, 6])  # 2 / 8 scales exactly; 2 / 6 rounds
def test_t1_scales_the_small_products_not_the_difference(n):
    tf.reset_default_graph()
    fetches, feeds = t1(n=n, d=12, h=5)
    off, _ = _plan_ops(fetches, feeds, {"scale_matmul": False})
    got, ops = _plan_ops(fetches, feeds)
    muls = [dims for kind, dims, _ in ops if kind == "Mul"]
    assert muls == [(n, 5)], f"the only scaling left is of the (N, H) hidden layer: {ops}"
    fused = [attrs for kind, _, attrs in ops if kind == "_FusedMatMul"]
    assert len(fused) == 1 and fused[0]["alpha"] == pytest.approx(2.0 / n)
    assert fused[0]["fused_ops"] == ["Scale"] and fused[0]["transpose_b"]
    for name, g, r in zip(["loss", "grad_w1", "grad_w2"], got, off, strict=True):
        if n == 8:
            np.testing.assert_array_equal(g, r, err_msg=f"{name} {r.shape} float32, 2/8")
        else:
            np.testing.assert_allclose(
                g, r, rtol=1e-5, atol=1e-6, err_msg=f"{name} {r.shape} float32, 2/6"
            )


def test_scale_moves_only_when_every_reader_is_a_product_and_it_is_cheaper():
    x = tf.placeholder(tf.float32, shape=(4, 6))
    a = tf.placeholder(tf.float32, shape=(6, 2))
    b = tf.placeholder(tf.float32, shape=(8, 4))
    feeds = {x: randn(4, 6), a: randn(6, 2), b: randn(8, 4)}
    scaled = x * 0.5
    small = tf.matmul(scaled, a)  # (4, 2) product: cheaper than the (4, 6) factor
    cases = {
        "moved": [tf.reduce_sum(small)],
        "fetched": [small, scaled],  # the scaled value itself is fetched
        "other reader": [tf.reduce_sum(small) + tf.reduce_sum(scaled)],
        "not cheaper": [tf.reduce_sum(tf.matmul(b, scaled))],  # (8, 6) product, (8, 4) b
    }
    for case, fetches in cases.items():
        ref, _ = _run(fetches, feeds, False)
        got, ops = _plan_ops(fetches, feeds, {"fuse_elementwise": False})
        moved = any(kind == "_FusedMatMul" and attrs.get("alpha") for kind, _, attrs in ops)
        moved = moved or any(kind == "Mul" and dims != (4, 6) for kind, dims, _ in ops)
        assert moved == (case == "moved"), f"{case}: {ops}"
        for g, r in zip(got, ref, strict=True):
            np.testing.assert_allclose(g, r, rtol=1e-5, atol=1e-6, err_msg=case)


def test_scale_matmul_reports_what_it_moved():
    fetches, feeds = t1()
    rewrites, events = _rewrites(fetches, feeds)
    moved = next(e for e in rewrites if e["pass"] == "scale_matmul")
    g = tf.get_default_graph()
    names = {op.id: op.name for op in g.get_operations()}
    assert [names.get(i) for i in moved["removed"] if i in names] == [
        "gradients/pow_grad/Mul_1",
        "gradients/MatMul_1_grad/MatMul",
        "gradients/MatMul_1_grad/MatMul_1",
    ]
    fused = next(a for a in moved["added"] if a["op"] == "_FusedMatMul")
    assert fused["name"] == "gradients/MatMul_1_grad/MatMul"
    assert fused["fused"] == ["gradients/pow_grad/Mul_1", "gradients/MatMul_1_grad/MatMul"]
    started = [e for e in events if e["kind"] == "node_started" and e.get("op") == "_FusedMatMul"]
    assert started and started[0]["fused"] == fused["fused"]

"""Node names follow TensorFlow 1's, so the graph reads like TensorBoard."""

from __future__ import annotations

import numpy as np

import engine.static as tf


def names() -> list[str]:
    return [op.name for op in tf.get_default_graph().get_operations()]


def test_t1_graph_names():
    N, D, H = 4, 5, 3
    x = tf.placeholder(tf.float32, shape=(N, D))
    y = tf.placeholder(tf.float32, shape=(N, D))
    w1 = tf.placeholder(tf.float32, shape=(D, H))
    w2 = tf.placeholder(tf.float32, shape=(H, D))
    h = tf.maximum(tf.matmul(x, w1), 0)
    y_pred = tf.matmul(h, w2)
    diff = y_pred - y
    loss = tf.reduce_mean(tf.reduce_sum(diff**2, axis=1))
    assert names() == [
        "Placeholder",
        "Placeholder_1",
        "Placeholder_2",
        "Placeholder_3",
        "MatMul",
        "Maximum/y",
        "Maximum",
        "MatMul_1",
        "sub",
        "pow/y",
        "pow",
        "Sum/reduction_indices",
        "Sum",
        "Const",
        "Mean",
    ]
    assert (loss.name, diff.name, y_pred.op.type, diff.op.type) == (
        "Mean:0",
        "sub:0",
        "MatMul",
        "Sub",
    )
    grad_w1, grad_w2 = tf.gradients(loss, [w1, w2])
    grads = [n for n in names() if n.startswith("gradients/")]
    assert grads[:3] == ["gradients/Shape", "gradients/grad_ys_0", "gradients/Fill"]
    assert "gradients/MatMul_1_grad/MatMul" in grads and "gradients/MatMul_1_grad/MatMul_1" in grads
    # only the gradients needed are built: x is not differentiated, so w1's is the first MatMul
    assert grad_w1.name == "gradients/MatMul_grad/MatMul:0"
    assert grad_w2.name == "gradients/MatMul_1_grad/MatMul_1:0"
    assert all(n.split("/")[1].endswith("_grad") for n in grads[3:])


def test_second_gradients_call_gets_its_own_scope():
    a = tf.placeholder(tf.float32, shape=(2,))
    y = tf.reduce_sum(a * a)
    tf.gradients(y, [a])
    (g,) = tf.gradients(y, [a])
    assert g.op.name.startswith("gradients_1/")


def test_variable_names_t3_t4():
    w1 = tf.Variable(tf.random_normal((3, 2)))
    w2 = tf.Variable(tf.random_normal((2, 3)))
    assert names() == [
        "random_normal/shape",
        "random_normal/mean",
        "random_normal/stddev",
        "random_normal/RandomStandardNormal",
        "random_normal/mul",
        "random_normal",
        "Variable",
        "Variable/Assign",
        "Variable/read",
        "random_normal_1/shape",
        "random_normal_1/mean",
        "random_normal_1/stddev",
        "random_normal_1/RandomStandardNormal",
        "random_normal_1/mul",
        "random_normal_1",
        "Variable_1",
        "Variable_1/Assign",
        "Variable_1/read",
    ]
    assert (w1.name, w1.op.type, w1.value().name) == ("Variable:0", "VariableV2", "Variable/read:0")
    assert repr(w2) == "<tf.Variable 'Variable_1:0' shape=(2, 3) dtype=float32_ref>"
    new_w1 = w1.assign(w1 * 2)
    new_w2 = w2.assign(w2 * 2)
    assert (new_w1.op.name, new_w2.op.name) == ("Assign", "Assign_1")
    updates = tf.group(new_w1, new_w2)
    assert updates.name == "group_deps" and updates.type == "NoOp"
    assert [c.name for c in updates.control_inputs] == ["Assign", "Assign_1"]
    init = tf.global_variables_initializer()
    assert init.name == "init"
    assert [c.name for c in init.control_inputs] == ["Variable/Assign", "Variable_1/Assign"]


def test_optimizer_names_t5():
    w = tf.Variable(tf.zeros((2,)))
    loss = tf.reduce_sum(w * w)
    train = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
    assert train.name == "GradientDescent"
    assert "GradientDescent/learning_rate" in names()
    assert "GradientDescent/update_Variable/ApplyGradientDescent" in names()


def test_dense_layer_names_t7():
    x = tf.placeholder(tf.float32, shape=(4, 5))
    h = tf.layers.dense(inputs=x, units=3, activation=tf.nn.relu)
    out = tf.layers.dense(inputs=h, units=2)
    ops = names()
    for n in (
        "dense/kernel",
        "dense/kernel/Assign",
        "dense/kernel/read",
        "dense/bias",
        "dense/MatMul",
        "dense/BiasAdd",
        "dense/Relu",
        "dense_1/kernel",
        "dense_1/bias",
        "dense_1/MatMul",
        "dense_1/BiasAdd",
    ):
        assert n in ops, n
    assert (h.name, out.name) == ("dense/Relu:0", "dense_1/BiasAdd:0")
    assert any(n.startswith("dense/kernel/Initializer/") for n in ops)


def test_operators_and_scopes():
    a = tf.placeholder(tf.float32, shape=(2, 2))
    exprs = [a + 1, a - 1, a * 2, a / 2, -a, a @ a, 1 - a, tf.matmul(a, a)]
    assert [e.op.name for e in exprs] == [
        "add",
        "sub",
        "mul",
        "truediv",
        "Neg",
        "matmul",
        "sub_1",
        "MatMul_1",
    ]  # matmul == MatMul
    assert [e.op.type for e in exprs] == [
        "Add",
        "Sub",
        "Mul",
        "RealDiv",
        "Neg",
        "MatMul",
        "Sub",
        "MatMul",
    ]
    assert exprs[6].op.inputs[0].op.name == "sub_1/x"
    assert tf.matmul(a, a).op.name == "MatMul_2"  # names are unique case-insensitively
    assert (a @ a).op.name == "matmul_3"
    with tf.name_scope("layer"):
        first = tf.identity(a)
    with tf.name_scope("layer"):
        second = tf.identity(a)
    assert (first.op.name, second.op.name) == ("layer/Identity", "layer_1/Identity")
    assert tf.identity(a, name="out").name == "out:0"


def test_tensor_and_shape_strings():
    p = tf.placeholder(tf.float32, shape=(64, 1000))
    q = tf.placeholder(tf.float32, shape=(None, 4))
    r = tf.placeholder(tf.float32)
    assert repr(p) == "<tf.Tensor 'Placeholder:0' shape=(64, 1000) dtype=float32>"
    assert str(q) == 'Tensor("Placeholder_1:0", shape=(?, 4), dtype=float32)'
    assert str(r.shape) == "<unknown>" and r.get_shape().ndims is None
    assert p.shape.as_list() == [64, 1000] and p.dtype == tf.float32 == np.float32
    assert repr(tf.float32) == "tf.float32"

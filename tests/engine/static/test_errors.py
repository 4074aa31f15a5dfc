"""Every row of the TF error table (engine-semantics.md), with TensorFlow's exact wording and
exception classes, and an ``error`` event before each engine error about a node."""

from __future__ import annotations

import numpy as np
import pytest

import engine.static as tf
from engine.events import recording

TRAILER = "\n\t [[{{node %s}}]]"


@pytest.fixture
def seed_graph():
    x = tf.placeholder(tf.float32, shape=(64, 1000))
    w = tf.placeholder(tf.float32, shape=(1000, 100))
    return x, w, tf.matmul(x, w)


def test_error_classes_are_tensorflows():
    assert issubclass(tf.errors.InvalidArgumentError, tf.errors.OpError)
    assert issubclass(tf.errors.FailedPreconditionError, tf.errors.OpError)
    e = tf.errors.InvalidArgumentError(None, None, "boom")
    assert (e.message, e.op, e.node_def, e.error_code) == ("boom", None, None, 3)


# ------------------------------------------------------------------- feeds


def test_wrong_feed_shape(seed_graph):
    x, w, m = seed_graph
    with tf.Session() as sess, pytest.raises(ValueError) as e:
        sess.run(m, {x: np.zeros((3, 4)), w: np.zeros((1000, 100))})
    assert str(e.value) == (
        "Cannot feed value of shape (3, 4) for Tensor 'Placeholder:0', which has shape '(64, 1000)'"
    )


def test_missing_feed_fails_at_execution_naming_the_placeholder(seed_graph):
    x, w, m = seed_graph
    with (
        tf.Session() as sess,
        recording() as events,
        pytest.raises(tf.errors.InvalidArgumentError) as e,
    ):
        sess.run(m, {w: np.zeros((1000, 100))})
    assert e.value.message == (
        "You must feed a value for placeholder tensor 'Placeholder' with "
        "dtype float and shape [64,1000]" + TRAILER % "Placeholder"
    )
    assert e.value.op is x.op
    errors = [ev for ev in events if ev["kind"] == "error"]
    assert errors and errors[0]["node"] == x.op.id and errors[0]["type"] == "InvalidArgumentError"


def test_missing_feed_of_an_unshaped_placeholder_omits_the_shape():
    z = tf.placeholder(tf.float32)
    with tf.Session() as sess, pytest.raises(tf.errors.InvalidArgumentError) as e:
        sess.run(z * 2)
    assert e.value.message.startswith(
        "You must feed a value for placeholder tensor 'Placeholder' with dtype float\n"
    )


def test_missing_feed_only_matters_when_the_fetches_need_it(seed_graph):
    x, w, m = seed_graph
    unused = tf.placeholder(tf.float32, shape=(2,))
    with tf.Session() as sess:
        out = sess.run(m, {x: np.ones((64, 1000)), w: np.ones((1000, 100))})
    assert out.shape == (64, 100) and unused.op.name == "Placeholder_2"


@pytest.mark.parametrize(
    "value, text",
    [
        ([1.5, 2], "[1.5, 2] with type <class 'list'>"),
        ([2**40, 2], "[1099511627776, 2] with type <class 'list'>"),
    ],
)
def test_lossy_feed_dtype_is_refused(value, text):
    p = tf.placeholder(tf.int32, shape=(2,))
    with tf.Session() as sess, pytest.raises(TypeError) as e:
        sess.run(p + 1, {p: value})
    assert str(e.value) == (
        f"Type of feed value {text} is not compatible with Tensor type "
        "<dtype: 'int32'>. Try explicitly setting the type of the feed "
        "tensor to a larger type (e.g. int64)."
    )


def test_string_feed_into_float_is_refused(seed_graph):
    x, w, m = seed_graph
    with (
        tf.Session() as sess,
        pytest.raises(TypeError, match="is not compatible with Tensor type <dtype: 'float32'>"),
    ):
        sess.run(m, {x: "abc", w: np.zeros((1000, 100))})


def test_float64_feeds_convert_silently_to_float32():
    p = tf.placeholder(tf.float32, shape=(2,))
    with tf.Session() as sess:
        out = sess.run(p * 1, {p: np.array([0.1, 0.2], dtype=np.float64)})
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out, np.array([0.1, 0.2], dtype=np.float32))


def test_bad_feed_key_and_tensor_feed_value(seed_graph):
    x, w, m = seed_graph
    with tf.Session() as sess:
        with pytest.raises(TypeError) as e:
            sess.run(m, {3: 1})
        assert str(e.value) == (
            "Cannot interpret feed_dict key as Tensor: Can not convert a int into a Tensor."
        )
        with pytest.raises(TypeError) as e:
            sess.run(m, {x: m})
        assert str(e.value).startswith(
            "The value of a feed cannot be a tf.Tensor object. "
            "Acceptable feed values include Python scalars, strings, "
            "lists, numpy ndarrays, or TensorHandles."
        )


# ------------------------------------------------------------------ fetches


def test_fetch_none(seed_graph):
    x, w, m = seed_graph
    with tf.Session() as sess:
        for fetch in (None, [m, None]):
            with pytest.raises(TypeError) as e:
                sess.run(fetch)
            assert str(e.value) == "Fetch argument None has invalid type <class 'NoneType'>"


def test_fetch_of_an_unconnected_gradient_is_none():
    a = tf.placeholder(tf.float32, shape=(2,))
    b = tf.placeholder(tf.float32, shape=(2,))
    (g,) = tf.gradients(tf.reduce_sum(a * 2), [b])
    assert g is None
    with tf.Session() as sess, pytest.raises(TypeError, match="Fetch argument None"):
        sess.run(g)


def test_unknown_fetch_names(seed_graph):
    with tf.Session() as sess:
        with pytest.raises(ValueError) as e:
            sess.run("foo:0")
        assert str(e.value) == (
            "Fetch argument 'foo:0' cannot be interpreted as a Tensor. (The "
            "name 'foo:0' refers to a Tensor which does not exist. The "
            "operation, 'foo', does not exist in the graph.)"
        )
        with pytest.raises(ValueError) as e:
            sess.run("foo")
        assert str(e.value) == (
            "Fetch argument 'foo' cannot be interpreted as a Tensor. (The "
            "name 'foo' refers to an Operation not in the graph.)"
        )


def test_fetch_from_another_graph(seed_graph):
    other = tf.Graph()
    with other.as_default():
        p = tf.placeholder(tf.float32, shape=(3,))
    with tf.Session() as sess, pytest.raises(ValueError) as e:
        sess.run(p)
    assert str(e.value) == (
        "Fetch argument <tf.Tensor 'Placeholder:0' shape=(3,) dtype=float32> cannot be "
        'interpreted as a Tensor. (Tensor Tensor("Placeholder:0", shape=(3,), dtype=float32) '
        "is not an element of this graph.)"
    )


def test_fetch_inside_a_cond_branch_is_refused():
    p = tf.placeholder(tf.bool, shape=())
    inner = []
    out = tf.cond(
        p, lambda: inner.append(tf.constant(1.0) * 2) or inner[-1], lambda: tf.constant(3.0)
    )
    with tf.Session() as sess:
        with pytest.raises(ValueError, match="is inside the body of 'cond'"):
            sess.run(inner[0], {p: True})
        assert sess.run(out, {p: True}) == 2.0


# ------------------------------------------------------------ build-time shapes


def test_matmul_shape_mismatch_at_build_time():
    a = tf.placeholder(tf.float32, (3, 4))
    b = tf.placeholder(tf.float32, (5, 6))
    with recording() as events, pytest.raises(ValueError) as e:
        tf.matmul(a, b)
    assert str(e.value) == (
        "Dimensions must be equal, but are 4 and 5 for 'MatMul' (op: "
        "'MatMul') with input shapes: [3,4], [5,6]."
    )
    assert [ev["name"] for ev in events if ev["kind"] == "error"] == ["MatMul"]


def test_elementwise_shape_mismatch_at_build_time():
    with pytest.raises(ValueError) as e:
        tf.placeholder(tf.float32, (3, 4)) + tf.placeholder(tf.float32, (3, 5))
    assert str(e.value) == (
        "Dimensions must be equal, but are 4 and 5 for 'add' (op: 'Add') "
        "with input shapes: [3,4], [3,5]."
    )


def test_matmul_rank_at_build_time():
    with pytest.raises(ValueError) as e:
        tf.matmul(tf.placeholder(tf.float32, (2, 3, 4)), tf.placeholder(tf.float32, (4, 5)))
    assert str(e.value) == (
        "Shape must be rank 2 but is rank 3 for 'MatMul' (op: 'MatMul') "
        "with input shapes: [2,3,4], [4,5]."
    )


def test_dtype_mismatch_at_build_time():
    with pytest.raises(TypeError) as e:
        tf.matmul(tf.placeholder(tf.float32, (3, 4)), tf.placeholder(tf.float64, (4, 6)))
    assert str(e.value) == (
        "Input 'b' of 'MatMul' Op has type float64 that does not match type "
        "float32 of argument 'a'."
    )
    with pytest.raises(TypeError) as e:
        tf.placeholder(tf.float32, (3,)) + tf.placeholder(tf.float64, (3,))
    assert str(e.value) == (
        "Input 'y' of 'Add' Op has type float64 that does not match type float32 of argument 'x'."
    )


def test_assign_shape_mismatch_at_build_time():
    v = tf.Variable(tf.zeros((1024, 40)))
    with pytest.raises(ValueError) as e:
        v.assign(tf.zeros((1024, 24)))
    assert str(e.value) == (
        "Dimension 1 in both shapes must be equal, but are 40 and 24. Shapes "
        "are [1024,40] and [1024,24]. for 'Assign' (op: 'Assign') with input "
        "shapes: [1024,40], [1024,24]."
    )


# ------------------------------------------------------------- run-time shapes


def test_shape_mismatches_at_run_time_when_shapes_are_unknown():
    a = tf.placeholder(tf.float32)
    b = tf.placeholder(tf.float32)
    mm, add = tf.matmul(a, b), a + b
    with tf.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError) as e:
            sess.run(mm, {a: np.zeros((3, 4)), b: np.zeros((5, 6))})
        assert e.value.message == (
            "Matrix size-incompatible: In[0]: [3,4], In[1]: [5,6]" + TRAILER % "MatMul"
        )
        with pytest.raises(tf.errors.InvalidArgumentError) as e:
            sess.run(mm, {a: np.zeros(3), b: np.zeros((3, 6))})
        assert e.value.message.startswith("In[0] is not a matrix. Instead it has shape [3]")
        with pytest.raises(tf.errors.InvalidArgumentError) as e:
            sess.run(add, {a: np.zeros((3, 4)), b: np.zeros((3, 5))})
        assert e.value.message == "Incompatible shapes: [3,4] vs. [3,5]" + TRAILER % "add"
        assert e.value.op is add.op


# ------------------------------------------------------------ session state


def test_uninitialized_variable():
    v = tf.Variable(tf.zeros((2, 3)))
    with tf.Session() as sess:
        with recording() as events, pytest.raises(tf.errors.FailedPreconditionError) as e:
            sess.run(v * 2)
        assert e.value.message == (
            "Attempting to use uninitialized value Variable" + TRAILER % "Variable/read"
        )
        assert e.value.op.name == "Variable/read"
        assert [ev["name"] for ev in events if ev["kind"] == "error"] == ["Variable/read"]
        with pytest.raises(tf.errors.FailedPreconditionError, match="uninitialized value Variable"):
            sess.run(v)


def test_variables_live_in_the_session():
    v = tf.Variable(tf.constant([1.0, 2.0]))
    inc = v.assign_add([1.0, 1.0])
    with tf.Session() as a, tf.Session() as b:
        a.run(tf.global_variables_initializer())
        b.run(tf.global_variables_initializer())
        a.run(inc)
        np.testing.assert_array_equal(a.run(v), [2.0, 3.0])
        np.testing.assert_array_equal(b.run(v), [1.0, 2.0])


def test_closed_session_and_empty_graph():
    c = tf.constant(1.0)
    sess = tf.Session()
    sess.close()
    with pytest.raises(RuntimeError) as e:
        sess.run(c)
    assert str(e.value) == "Attempted to use a closed Session."
    with pytest.raises(RuntimeError) as e:
        tf.Session(graph=tf.Graph()).run([])
    assert str(e.value) == (
        "The Session graph is empty.  Add operations to the graph before calling run()."
    )


def test_bool_and_iteration_of_a_tensor():
    t = tf.constant([1.0, 2.0])
    with pytest.raises(TypeError) as e:
        if t:
            pass
    assert str(e.value).startswith(
        "Using a `tf.Tensor` as a Python `bool` is not allowed. Use "
        "`if t is not None:` instead of `if t:`"
    )
    with pytest.raises(TypeError, match="only iterable when eager execution is enabled"):
        iter(t)


def test_no_gradient_through_control_flow():
    a = tf.placeholder(tf.float32, shape=())
    y = tf.cond(tf.less(a, 0.0), lambda: a * 2, lambda: a * 3)
    with pytest.raises(LookupError) as e:
        tf.gradients(y, [a])
    assert str(e.value) == "No gradient defined for operation 'cond' (op type: If)"


def test_cond_rejects_a_python_bool():
    with pytest.raises(TypeError, match="pred must not be a Python bool"):
        tf.cond(True, lambda: tf.constant(1.0), lambda: tf.constant(2.0))


def test_optimizer_without_variables():
    loss = tf.reduce_sum(tf.placeholder(tf.float32, (2,)))
    with pytest.raises(ValueError, match="No variables to optimize."):
        tf.train.GradientDescentOptimizer(0.1).minimize(loss)


# ----------------------------------------------------------------- devices


def test_explicit_gpu_without_soft_placement_fails_like_tf(monkeypatch):
    from engine import devices

    monkeypatch.setattr(devices, "gpu_status", lambda: (False, "no cupy"))
    monkeypatch.setattr("engine.static.plan.gpu_status", lambda: (False, "no cupy"))
    with tf.device("/gpu:0"):
        c = tf.constant(1.0) + 1
    with (
        tf.Session(config=tf.ConfigProto()) as sess,
        pytest.raises(tf.errors.InvalidArgumentError) as e,
    ):
        sess.run(c)
    assert e.value.message == (
        "Cannot assign a device for operation Const: {{node Const}} was explicitly assigned to "
        "/device:GPU:0 but available devices are [ /job:localhost/replica:0/task:0/device:CPU:0 "
        "]. Make sure the device specification refers to a valid device."
    )

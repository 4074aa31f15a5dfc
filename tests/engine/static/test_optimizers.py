"""tf.train's optimizers: values against their update rules written out in numpy, TF 1.x names,
slots initialised like any Variable."""

from __future__ import annotations

import numpy as np
import pytest

import engine.static as tf

RNG = np.random.default_rng(3)
X = RNG.standard_normal((5, 3))
T = RNG.standard_normal((5, 2))
W0 = RNG.standard_normal((3, 2))


def grad_of(w: np.ndarray) -> np.ndarray:
    """d/dw of 0.5 * sum((X @ w - T)^2), by hand."""
    return X.T @ (X @ w - T)


def run_steps(opt: tf.train.Optimizer, steps: int = 4) -> tuple[np.ndarray, list[str]]:
    x = tf.placeholder(tf.float64, shape=(5, 3))
    t = tf.placeholder(tf.float64, shape=(5, 2))
    w = tf.Variable(W0, name="w")
    loss = 0.5 * tf.reduce_sum((tf.matmul(x, w) - t) ** 2)
    train = opt.minimize(loss)
    names = [op.name for op in tf.get_default_graph().get_operations()]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for _ in range(steps):
            assert sess.run(train, {x: X, t: T}) is None
        return sess.run(w), names


def sgd(lr: float, steps: int = 4) -> np.ndarray:
    w = W0.copy()
    for _ in range(steps):
        w = w - lr * grad_of(w)
    return w


def momentum(lr: float, mu: float, nesterov: bool, steps: int = 4) -> np.ndarray:
    w, acc = W0.copy(), np.zeros_like(W0)
    for _ in range(steps):
        g = grad_of(w)
        acc = mu * acc + g
        w = w - (lr * g + lr * mu * acc if nesterov else lr * acc)
    return w


def adam(lr: float, b1: float, b2: float, eps: float, steps: int = 4) -> np.ndarray:
    w, m, v = W0.copy(), np.zeros_like(W0), np.zeros_like(W0)
    for step in range(1, steps + 1):
        g = grad_of(w)
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        lr_t = lr * np.sqrt(1 - b2**step) / (1 - b1**step)
        w = w - lr_t * m / (np.sqrt(v) + eps)
    return w


def rmsprop(lr: float, rho: float, mu: float, eps: float, centered: bool, steps: int = 4):
    w, ms, mom, mg = W0.copy(), np.ones_like(W0), np.zeros_like(W0), np.zeros_like(W0)
    for _ in range(steps):
        g = grad_of(w)
        ms = rho * ms + (1 - rho) * g * g
        mg = rho * mg + (1 - rho) * g
        denom = ms - mg * mg if centered else ms
        mom = mu * mom + lr * g / np.sqrt(denom + eps)
        w = w - mom
    return w


def adagrad(lr: float, init: float, steps: int = 4) -> np.ndarray:
    w, acc = W0.copy(), np.full_like(W0, init)
    for _ in range(steps):
        g = grad_of(w)
        acc = acc + g * g
        w = w - lr * g / np.sqrt(acc)
    return w


CASES = [
    ("GradientDescent", lambda: tf.train.GradientDescentOptimizer(0.01), lambda: sgd(0.01)),
    (
        "Momentum",
        lambda: tf.train.MomentumOptimizer(0.01, 0.9),
        lambda: momentum(0.01, 0.9, False),
    ),
    (
        "Nesterov",
        lambda: tf.train.MomentumOptimizer(0.01, 0.9, use_nesterov=True),
        lambda: momentum(0.01, 0.9, True),
    ),
    ("Adam", lambda: tf.train.AdamOptimizer(0.1), lambda: adam(0.1, 0.9, 0.999, 1e-8)),
    (
        "Adam-custom",
        lambda: tf.train.AdamOptimizer(0.05, beta1=0.5, beta2=0.9, epsilon=1e-3),
        lambda: adam(0.05, 0.5, 0.9, 1e-3),
    ),
    (
        "RMSProp",
        lambda: tf.train.RMSPropOptimizer(0.01),
        lambda: rmsprop(0.01, 0.9, 0.0, 1e-10, False),
    ),
    (
        "RMSProp-momentum-centered",
        lambda: tf.train.RMSPropOptimizer(0.01, decay=0.8, momentum=0.5, centered=True),
        lambda: rmsprop(0.01, 0.8, 0.5, 1e-10, True),
    ),
    ("Adagrad", lambda: tf.train.AdagradOptimizer(0.1), lambda: adagrad(0.1, 0.1)),
    (
        "Adagrad-init",
        lambda: tf.train.AdagradOptimizer(0.1, initial_accumulator_value=2.0),
        lambda: adagrad(0.1, 2.0),
    ),
]


@pytest.mark.parametrize(("label", "make", "reference"), CASES, ids=[c[0] for c in CASES])
def test_update_rule_matches_numpy(label, make, reference):
    got, _ = run_steps(make())
    want = reference()
    np.testing.assert_allclose(
        got, want, rtol=1e-10, atol=1e-12, err_msg=f"{label}: w (3, 2) float64 after 4 steps"
    )
    assert not np.allclose(got, W0), f"{label}: the variable never moved"


def test_adam_names_follow_tf1():
    _, names = run_steps(tf.train.AdamOptimizer(0.1), steps=1)
    for name in [
        "beta1_power",
        "beta2_power",
        "w/Adam",
        "w/Adam/Initializer/zeros",
        "w/Adam_1",
        "Adam/learning_rate",
        "Adam/beta1",
        "Adam/beta2",
        "Adam/epsilon",
        "Adam/update_w/ApplyAdam",
        "Adam/mul",
        "Adam/Assign",
        "Adam/mul_1",
        "Adam/Assign_1",
        "Adam",
    ]:
        assert name in names, name
    group = tf.get_default_graph().get_operation_by_name("Adam")
    assert group.type == "NoOp"
    assert {c.name for c in group.control_inputs} == {
        "Adam/update_w/ApplyAdam",
        "Adam/Assign",
        "Adam/Assign_1",
    }


@pytest.mark.parametrize(
    ("make", "update", "slots"),
    [
        (
            lambda: tf.train.MomentumOptimizer(0.1, 0.9),
            "Momentum/update_w/ApplyMomentum",
            ["w/Momentum"],
        ),
        (
            lambda: tf.train.RMSPropOptimizer(0.1),
            "RMSProp/update_w/ApplyRMSProp",
            ["w/RMSProp", "w/RMSProp_1"],
        ),
        (lambda: tf.train.AdagradOptimizer(0.1), "Adagrad/update_w/ApplyAdagrad", ["w/Adagrad"]),
    ],
)
def test_slot_and_update_names(make, update, slots):
    opt = make()
    _, names = run_steps(opt, steps=1)
    assert update in names
    for slot in slots:
        assert slot in names
        assert slot + "/read" in names
    var = tf.global_variables()[0]
    made = sorted(opt.get_slot(var, n).op.name for n in opt.get_slot_names())
    assert made == slots
    assert all(not v.trainable for v in opt.variables())


def test_rmsprop_rms_starts_at_ones_and_adagrad_at_its_initial_value():
    w = tf.Variable(np.zeros((2, 2)), name="w")
    loss = tf.reduce_sum(w * w)
    rms = tf.train.RMSPropOptimizer(0.1)
    ada = tf.train.AdagradOptimizer(0.1, initial_accumulator_value=0.25)
    rms.minimize(loss)
    ada.minimize(loss)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        np.testing.assert_array_equal(sess.run(rms.get_slot(w, "rms")), np.ones((2, 2)))
        np.testing.assert_array_equal(sess.run(rms.get_slot(w, "momentum")), np.zeros((2, 2)))
        np.testing.assert_array_equal(
            sess.run(ada.get_slot(w, "accumulator")), np.full((2, 2), 0.25)
        )


def test_slots_need_the_initializer_run_after_minimize():
    w = tf.Variable(np.ones((2,)), name="w")
    init = tf.global_variables_initializer()  # made before the slots exist
    train = tf.train.MomentumOptimizer(0.1, 0.9).minimize(tf.reduce_sum(w * w))
    with tf.Session() as sess:
        sess.run(init)
        with pytest.raises(tf.errors.FailedPreconditionError) as e:
            sess.run(train)
        assert str(e.value) == (
            "Attempting to use uninitialized value w/Momentum\n"
            "\t [[{{node Momentum/update_w/ApplyMomentum}}]]"
        )
        sess.run(tf.global_variables_initializer())
        sess.run(train)
        np.testing.assert_allclose(sess.run(w), [0.8, 0.8])


def test_global_step_is_incremented_after_the_updates():
    w = tf.Variable(np.ones((2,)), name="w")
    step = tf.Variable(0, trainable=False, name="global_step")
    train = tf.train.MomentumOptimizer(0.1, 0.5).minimize(tf.reduce_sum(w * w), global_step=step)
    assert train.name == "Momentum" and train.type == "AssignAdd"
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for _ in range(3):
            sess.run(train)
        assert sess.run(step) == 3


def test_minimize_errors_as_tf():
    with pytest.raises(ValueError, match="^No variables to optimize.$"):
        tf.train.AdamOptimizer().minimize(tf.constant(1.0) * 2.0)
    with pytest.raises(ValueError, match="initial_accumulator_value must be positive"):
        tf.train.AdagradOptimizer(0.1, initial_accumulator_value=0.0)

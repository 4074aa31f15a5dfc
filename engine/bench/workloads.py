"""The lecture's seed programs, as the benchmark runs them: numpy, the engine, and torch.

* P2 (the eager loop with a manual backward, ``N, D_in, H, D_out = 64, 1000, 100, 10``): in
  numpy (:func:`numpy_loop`), and as one source text (:data:`EAGER_LOOP`) compiled as user code
  and run on ``engine.eager`` or, where installed, on torch: the very same lines on both.
* P3 (2018 style autograd: ``requires_grad``, ``loss.backward()``, the update under
  ``no_grad``, ``grad.zero_()``): :data:`AUTOGRAD_LOOP`, likewise for the engine and torch.
* T1 (one static step: loss and the gradients of both weights): :func:`numpy_step` and
  :func:`static_graph` for ``Session.run``.
"""

from __future__ import annotations

import linecache
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

LR = 1e-6


@dataclass(frozen=True)
class Sizes:
    """Problem sizes and repetition counts."""

    n: int = 64
    d_in: int = 1000
    h: int = 100
    d_out: int = 10
    d: int = 1000  # the static graph's output width (T1: y is (N, D))
    iterations: int = 500
    runs: int = 100


QUICK = Sizes(iterations=100, runs=20)
"""``--quick``: the seed sizes, fewer iterations."""
TINY = Sizes(n=4, d_in=6, h=5, d_out=3, d=6, iterations=3, runs=3)
"""The test suite's sizes (``--tiny``): every path runs, nothing is measured."""


def numpy_loop(x: Any, y: Any, w1: Any, w2: Any, iterations: int, lr: float = LR) -> Any:
    """P2's loop typed out in numpy (what the engine's eager loop computes)."""
    loss = None
    for _ in range(iterations):
        h = x.dot(w1)
        h_relu = np.maximum(h, 0)
        y_pred = h_relu.dot(w2)
        loss = np.square(y_pred - y).sum()
        grad_y_pred = 2.0 * (y_pred - y)
        grad_w2 = h_relu.T.dot(grad_y_pred)
        grad_h_relu = grad_y_pred.dot(w2.T)
        grad_h = grad_h_relu.copy()
        grad_h[h < 0] = 0
        grad_w1 = x.T.dot(grad_h)
        w1 -= lr * grad_w1
        w2 -= lr * grad_w2
    return loss


EAGER_LOOP = """\
def eager_loop(x, y, w1, w2, iterations, learning_rate=1e-6):
    loss = None
    for t in range(iterations):
        h = x.mm(w1)
        h_relu = h.clamp(min=0)
        y_pred = h_relu.mm(w2)
        loss = (y_pred - y).pow(2).sum()

        grad_y_pred = 2.0 * (y_pred - y)
        grad_w2 = h_relu.t().mm(grad_y_pred)
        grad_h_relu = grad_y_pred.mm(w2.t())
        grad_h = grad_h_relu.clone()
        grad_h[h < 0] = 0
        grad_w1 = x.t().mm(grad_h)

        w1 -= learning_rate * grad_w1
        w2 -= learning_rate * grad_w2
    return loss
"""
EAGER_FILE = "/cgviz-bench/p2_tensors_loop.py"

AUTOGRAD_LOOP = """\
def autograd_loop(x, y, w1, w2, iterations, learning_rate=1e-6):
    loss = None
    for t in range(iterations):
        y_pred = x.mm(w1).clamp(min=0).mm(w2)
        loss = (y_pred - y).pow(2).sum()

        loss.backward()

        with torch.no_grad():
            w1 -= learning_rate * w1.grad
            w2 -= learning_rate * w2.grad
            w1.grad.zero_()
            w2.grad.zero_()
    return loss
"""
AUTOGRAD_FILE = "/cgviz-bench/p3_autograd_loop.py"


def user_code(source: str, filename: str, name: str, torch: Any = None) -> Callable[..., Any]:
    """Compile ``source`` as a user's file would be, so the engine sees the loop as user code
    (its iterations are inferred from the loop coming back round, as in a real script).
    ``torch`` is the module the code's ``torch`` name refers to (the engine's or torch)."""
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    namespace: dict[str, Any] = {"torch": torch}
    exec(compile(source, filename, "exec"), namespace)  # noqa: S102 - our own listing
    fn: Callable[..., Any] = namespace[name]
    return fn


eager_loop = user_code(EAGER_LOOP, EAGER_FILE, "eager_loop")
"""P2's loop exactly as the lecture writes it (manual backward), on any torch-like module."""


def autograd_loop_for(torch: Any) -> Callable[..., Any]:
    """P3's loop (autograd) bound to ``torch`` (``engine.eager`` or torch itself)."""
    return user_code(AUTOGRAD_LOOP, AUTOGRAD_FILE, "autograd_loop", torch)


def numpy_step(x: Any, y: Any, w1: Any, w2: Any) -> tuple[Any, Any, Any]:
    """T1's graph typed out in numpy: loss, dloss/dw1, dloss/dw2."""
    n = x.shape[0]
    a = x @ w1
    h = np.maximum(a, 0)
    diff = h @ w2 - y
    loss = np.mean(np.sum(diff**2, axis=1))
    g_pred = diff * np.float32(2.0 / n)
    grad_w2 = h.T @ g_pred
    g_a = (g_pred @ w2.T) * (a > 0)
    grad_w1 = x.T @ g_a
    return loss, grad_w1, grad_w2


def static_graph(tf: Any, s: Sizes) -> tuple[Any, list[Any]]:
    """T1's graph on ``engine.static``; returns (placeholders, fetches)."""
    tf.reset_default_graph()
    x = tf.placeholder(tf.float32, shape=(s.n, s.d))
    y = tf.placeholder(tf.float32, shape=(s.n, s.d))
    w1 = tf.placeholder(tf.float32, shape=(s.d, s.h))
    w2 = tf.placeholder(tf.float32, shape=(s.h, s.d))
    h = tf.maximum(tf.matmul(x, w1), 0)
    y_pred = tf.matmul(h, w2)
    diff = y_pred - y
    loss = tf.reduce_mean(tf.reduce_sum(diff**2, axis=1))
    grad_w1, grad_w2 = tf.gradients(loss, [w1, w2])
    return (x, y, w1, w2), [loss, grad_w1, grad_w2]


def eager_data(s: Sizes, seed: int = 0) -> tuple[np.ndarray, ...]:
    """x, y, w1, w2 of the eager loops (float32, fixed seed)."""
    rng = np.random.default_rng(seed)
    f32 = np.float32
    return (
        rng.standard_normal((s.n, s.d_in)).astype(f32),
        rng.standard_normal((s.n, s.d_out)).astype(f32),
        rng.standard_normal((s.d_in, s.h)).astype(f32),
        rng.standard_normal((s.h, s.d_out)).astype(f32),
    )


def static_data(s: Sizes, seed: int = 1) -> tuple[np.ndarray, ...]:
    """x, y, w1, w2 of T1's step (float32, fixed seed)."""
    rng = np.random.default_rng(seed)
    f32 = np.float32
    return (
        rng.standard_normal((s.n, s.d)).astype(f32),
        rng.standard_normal((s.n, s.d)).astype(f32),
        rng.standard_normal((s.d, s.h)).astype(f32),
        rng.standard_normal((s.h, s.d)).astype(f32),
    )


def to_tensor(torch: Any, array: np.ndarray, requires_grad: bool = False) -> Any:
    """A float32 CPU tensor of ``torch`` (the engine's or torch) holding a copy of ``array``."""
    t = torch.from_numpy(array.copy())
    return t.requires_grad_() if requires_grad else t


def value(t: Any) -> float:
    """A tensor's (or array's) single value as a Python float."""
    item = getattr(t, "item", None)
    return float(item() if item is not None else t)


def import_torch() -> Any:
    """torch where it is installed (for a same-run comparison), else None."""
    try:
        import torch
    except Exception:  # absent, or a broken install: compare against numpy only
        return None
    return torch

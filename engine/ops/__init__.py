"""The op table: every op once, shared by the static and the eager front end.

An op is one record (:class:`Op`): its forward kernel written against the array module ``xp``
(numpy or cupy, never branching on which), its shape rule, dtype, FLOP count and gradient
rule, the kernel that writes into a planned buffer, which inputs autograd saves, and whether
it is elementwise or fusible. Op names are TensorFlow's op types (``MatMul``, ``Maximum``,
``Sum``); the eager front end shows its own names (``mm``, ``clamp``) and PyTorch's backward
names (``MmBackward0``).

The package, by job:

    table.py     the record type ``Op``, the table ``OPS``, ``define``, the eager builder
    shapes.py    shape rules and FLOP counts (pure functions of shapes)
    math.py      elementwise math (Sin, Cos, Softplus, SmoothL1...), comparisons, IsNan,
                 IsFinite, IsInf
    relu.py      Maximum, Minimum, Relu, Clamp and their branch-free gradient mask
    linalg.py    MatMul, BatchMatMulV2, BiasAdd, reductions (Sum, Mean, Max, Min, Any, All,
                 ArgMax, ArgMin), Cumsum, ArgSort, ``unbroadcast``
    softmax.py   Softmax, LogSoftmax along an axis
    views.py     identity, transpose, reshape, indexing, casts, ExpandDims, Squeeze, Pack,
                 ConcatV2, GatherElements, BroadcastTo, Tile, Gather
    inplace.py   the eager front end's in-place updates and masks
    fused.py     the static graph's fused ops

Gradient rules are written once against a tiny builder ``F``: ``F(op, *args, **attrs)``
applies an op and ``F.unbroadcast(g, x)`` sums a gradient back to ``x``'s shape. The static
front end passes a builder that adds graph nodes (``tf.gradients``); the eager one passes
:class:`Immediate`, which runs kernels at once (``backward()``). A rule returns every input's
gradient, each as a ``lambda:`` (None where no gradient flows); the caller makes only those
its inputs need (:func:`input_grads`), so an input that needs no gradient costs nothing.

How to add an op
----------------

Write its record in the family's module and one line of test. Softplus,
``log(1 + exp(x))``, in ``math.py``::

    define(
        "Softplus",
        kernel=lambda xp, x: xp.logaddexp(x, 0),
        shape=same_shape,
        grad=lambda F, g, out, x: (lambda: F("Mul", g, F("Sigmoid", x)),),
        elementwise=True,
    )

Everything not given has a default: one FLOP per output element, output dtype that of input
0, eager name ``softplus`` and backward name ``SoftplusBackward0``, all inputs saved for
backward, no ``kernel_out`` (a static plan then allocates its result). Give
``kernel_out``/``binder`` (``**ufunc_out("name", arity)`` for a single ufunc) and
``fusible=True`` to let a plan write it in place and fuse it; ``saved=()`` and
``saves_output=True`` when the rule reads only ``out``.

Then, in ``tests/engine/test_ops.py``, one case and its numpy written out; the forward, shape
and finite-difference gradient tests (and, with a ``kernel_out``, ``test_ops_out.py``) pick it
up::

    ("Softplus", [randn(3, 4)], {}),          # in CASES
    "Softplus": lambda x: np.log1p(np.exp(x)),  # in REFERENCE

Both front ends can now run it by name (``tf.gradients`` and ``backward()`` included); a
user-facing spelling is one line in each, e.g. ``softplus = _unary("Softplus", "Softplus")``
in ``engine/static/api.py``.
"""

from __future__ import annotations

# the modules of records (tf_extra: TensorFlow-only ones); importing them registers them
from . import fused, inplace, linalg, math, relu, softmax, tf_extra, views  # noqa: F401
from .fused import bind_fused_elementwise, fused_elementwise
from .linalg import unbroadcast
from .math import ufunc_out
from .relu import CMP, select_bits
from .shapes import (
    Shape,
    ShapeError,
    batch_matmul_shape,
    binary_shape,
    broadcast,
    concat_shape,
    elementwise_flops,
    expand_dims_shape,
    index_shape,
    is_known,
    like_shape,
    matmul_flops,
    matmul_shape,
    no_flops,
    numel,
    pack_shape,
    reduce_axes,
    reduce_flops,
    reduce_shape,
    same_shape,
    squeeze_shape,
    transpose_shape,
)
from .table import OPS, GradRule, Immediate, Op, define, get, input_grads

__all__ = [
    "CMP",
    "OPS",
    "GradRule",
    "Immediate",
    "Op",
    "Shape",
    "ShapeError",
    "batch_matmul_shape",
    "binary_shape",
    "bind_fused_elementwise",
    "broadcast",
    "concat_shape",
    "define",
    "elementwise_flops",
    "expand_dims_shape",
    "fused_elementwise",
    "get",
    "index_shape",
    "input_grads",
    "is_known",
    "like_shape",
    "matmul_flops",
    "matmul_shape",
    "no_flops",
    "numel",
    "pack_shape",
    "reduce_axes",
    "reduce_flops",
    "reduce_shape",
    "same_shape",
    "select_bits",
    "squeeze_shape",
    "transpose_shape",
    "ufunc_out",
    "unbroadcast",
]

"""TensorFlow 1 as the lecture uses it: ``import engine.static as tf``.

Build a graph (placeholders, Variables, math ops, ``tf.gradients``), then ``Session.run`` it:
only the sub-graph the fetches need executes, planned once per (graph version, fetches, feed
shapes) and replayed. The stages, one module each:

* build - ``graph`` (names, scopes, the default graph) holding nodes (``operation``), their
  outputs (``tensor``) and cond / foldl bodies (``body_context``), built by ``api`` (math,
  operators), ``variables``, ``control`` (group, cond, foldl) and ``nn_layers`` (layers, losses,
  optimizer);
  shapes and dtypes are inferred from the op table (``kernels``) as each node is created;
* differentiate - ``gradients`` adds backward nodes by calling the op table's gradient rules
  with a builder that creates nodes;
* plan - ``plan`` prunes to the fetches, orders, folds constants, places on devices and binds
  kernels;
* execute - ``execute`` replays a plan in a tight loop, or timed and reported as events;
* ``session`` ties them together (feeds, fetches, Variables' values); ``serialize`` saves
  graphs as JSON; ``errors`` holds TensorFlow's exception classes and messages.
"""

from __future__ import annotations

from . import errors, keras
from .api import (
    add,
    add_n,
    bias_add,
    cast,
    constant,
    convert_to_tensor,
    divide,
    equal,
    exp,
    fill,
    greater,
    greater_equal,
    identity,
    less,
    less_equal,
    log,
    matmul,
    maximum,
    minimum,
    multiply,
    negative,
    not_equal,
    ones,
    ones_like,
    placeholder,
    placeholder_with_default,
    pow,  # noqa: A004 - TF's name
    random_normal,
    random_uniform,
    rank,
    realdiv,
    reduce_mean,
    reduce_sum,
    relu,
    reshape,
    shape,
    sigmoid,
    square,
    squared_difference,
    stop_gradient,
    subtract,
    tanh,
    to_float,
    transpose,
    truediv,
    truncated_normal,
    zeros,
    zeros_like,
)
from .array_ops import (
    argmax,
    argmin,
    cumsum,
    expand_dims,
    gather,
    one_hot,
    reduce_max,
    reduce_min,
    size,
    squeeze,
    tile,
)
from .control import (
    cond,
    control_dependencies,
    device,
    foldl,
    group,
    name_scope,
    no_op,
    tuple,  # noqa: A004 - TF's name
    variable_scope,
)
from .dtypes import (
    DType,
    as_dtype,
    double,
    float16,
    float32,
    float64,
    half,
    int8,
    int16,
    int32,
    int64,
    string,
    uint8,
)
from .dtypes import bool_ as bool  # noqa: A004 - TF's name
from .gradients import gradients
from .graph import Graph, Operation, Tensor, get_default_graph, reset_default_graph
from .namespace import Unsupported
from .namespaces import contrib, initializers, layers, nn, train
from .namespaces import data_ as data
from .namespaces import losses_ as losses
from .namespaces import metrics_ as metrics
from .nn_layers import (
    constant_initializer,
    glorot_uniform_initializer,
    ones_initializer,
    random_normal_initializer,
    variance_scaling_initializer,
    zeros_initializer,
)
from .optimizers import (
    AdagradOptimizer,
    AdamOptimizer,
    GradientDescentOptimizer,
    MomentumOptimizer,
    Optimizer,
    RMSPropOptimizer,
)
from .serialize import Saver, import_graph_def, read_graph, write_graph
from .session import ConfigProto, GPUOptions, InteractiveSession, Session, get_default_session
from .shapes import TensorShape
from .variables import (
    GraphKeys,
    Variable,
    assign,
    assign_add,
    assign_sub,
    global_variables,
    global_variables_initializer,
    initialize_all_variables,
    local_variables,
    local_variables_initializer,
    trainable_variables,
    variables_initializer,
)


def set_random_seed(seed: int) -> None:
    """``tf.set_random_seed``: the default graph's seed (each random op derives its own)."""
    get_default_graph().seed = int(seed)


def __getattr__(name: str) -> object:
    """A name ``tf`` lacks: one clear line saying so (``cgviz: tf.foo is not supported...``)."""
    if name.startswith("__") and name.endswith("__"):
        raise AttributeError(name)
    raise Unsupported(f"tf.{name}")


def get_seed_of_default_graph() -> int | None:
    """The seed set with ``set_random_seed`` (None when unset)."""
    return get_default_graph().seed


__all__ = [
    "keras",
    "argmax",
    "argmin",
    "cumsum",
    "expand_dims",
    "gather",
    "one_hot",
    "reduce_max",
    "reduce_min",
    "size",
    "squeeze",
    "tile",
    "local_variables",
    "metrics",
    "AdagradOptimizer",
    "AdamOptimizer",
    "MomentumOptimizer",
    "Optimizer",
    "RMSPropOptimizer",
    "GradientDescentOptimizer",
    "data",
    "string",
    "DType",
    "ConfigProto",
    "GPUOptions",
    "Graph",
    "GraphKeys",
    "InteractiveSession",
    "Operation",
    "Saver",
    "Session",
    "Tensor",
    "TensorShape",
    "Variable",
    "add",
    "add_n",
    "as_dtype",
    "assign",
    "assign_add",
    "assign_sub",
    "bias_add",
    "bool",
    "cast",
    "cond",
    "constant",
    "constant_initializer",
    "contrib",
    "control_dependencies",
    "convert_to_tensor",
    "device",
    "divide",
    "double",
    "equal",
    "errors",
    "exp",
    "fill",
    "float16",
    "float32",
    "float64",
    "foldl",
    "get_default_graph",
    "get_default_session",
    "global_variables",
    "global_variables_initializer",
    "glorot_uniform_initializer",
    "gradients",
    "greater",
    "greater_equal",
    "group",
    "half",
    "identity",
    "import_graph_def",
    "initialize_all_variables",
    "initializers",
    "int16",
    "int32",
    "int64",
    "int8",
    "layers",
    "less",
    "less_equal",
    "local_variables_initializer",
    "log",
    "losses",
    "matmul",
    "maximum",
    "minimum",
    "multiply",
    "name_scope",
    "negative",
    "nn",
    "no_op",
    "not_equal",
    "ones",
    "ones_initializer",
    "ones_like",
    "placeholder",
    "placeholder_with_default",
    "pow",
    "random_normal",
    "random_normal_initializer",
    "random_uniform",
    "rank",
    "read_graph",
    "realdiv",
    "reduce_mean",
    "reduce_sum",
    "relu",
    "reset_default_graph",
    "reshape",
    "set_random_seed",
    "shape",
    "sigmoid",
    "square",
    "squared_difference",
    "stop_gradient",
    "subtract",
    "tanh",
    "to_float",
    "train",
    "trainable_variables",
    "transpose",
    "truediv",
    "truncated_normal",
    "tuple",
    "uint8",
    "variable_scope",
    "variables_initializer",
    "variance_scaling_initializer",
    "write_graph",
    "zeros",
    "zeros_initializer",
    "zeros_like",
]

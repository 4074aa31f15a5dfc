"""The ``tf.nn``, ``tf.layers``, ``tf.losses``, ``tf.metrics``, ``tf.train``, ``tf.data``,
``tf.contrib`` and ``tf.initializers`` namespaces, each a :class:`Namespace` that names what
it lacks (``cgviz: tf.contrib.rnn is not supported by the engine ...``)."""

from __future__ import annotations

from . import api, nn_layers, nn_ops, optimizers, serialize
from . import classifier_losses as losses
from . import datasets as data
from . import running_metrics as metrics
from .namespace import Namespace

nn = Namespace(
    "tf.nn",
    relu=api.relu,
    leaky_relu=api.leaky_relu,
    sigmoid=api.sigmoid,
    tanh=api.tanh,
    softplus=nn_ops.softplus,
    softmax=nn_ops.softmax,
    log_softmax=nn_ops.log_softmax,
    bias_add=api.bias_add,
    dropout=nn_ops.dropout,
    softmax_cross_entropy_with_logits=nn_ops.softmax_cross_entropy_with_logits,
    softmax_cross_entropy_with_logits_v2=nn_ops.softmax_cross_entropy_with_logits_v2,
    sparse_softmax_cross_entropy_with_logits=nn_ops.sparse_softmax_cross_entropy_with_logits,
)
"""``tf.nn``: activations, dropout, cross entropies with logits."""

layers = Namespace("tf.layers", dense=nn_layers.dense, dropout=nn_ops.layers_dropout)
"""``tf.layers``: dense and dropout layers."""

losses_ = Namespace(
    "tf.losses",
    mean_squared_error=nn_layers.mean_squared_error,
    softmax_cross_entropy=losses.softmax_cross_entropy,
    sparse_softmax_cross_entropy=losses.sparse_softmax_cross_entropy,
    compute_weighted_loss=losses.compute_weighted_loss,
    get_losses=losses.get_losses,
    get_total_loss=losses.get_total_loss,
    Reduction=losses.Reduction,
)
"""``tf.losses``: regression and classification losses."""

metrics_ = Namespace("tf.metrics", accuracy=metrics.accuracy, mean=metrics.mean)
"""``tf.metrics``: running metrics in local Variables."""

train = Namespace(
    "tf.train",
    Optimizer=optimizers.Optimizer,
    GradientDescentOptimizer=optimizers.GradientDescentOptimizer,
    MomentumOptimizer=optimizers.MomentumOptimizer,
    AdamOptimizer=optimizers.AdamOptimizer,
    RMSPropOptimizer=optimizers.RMSPropOptimizer,
    AdagradOptimizer=optimizers.AdagradOptimizer,
    Saver=serialize.Saver,
    write_graph=serialize.write_graph,
    read_graph=serialize.read_graph,
)
"""``tf.train``: optimizers, Saver and graph files."""

data_ = Namespace(
    "tf.data",
    Dataset=data.Dataset,
    Iterator=data.DatasetIterator,
    make_one_shot_iterator=data.make_one_shot_iterator,
    make_initializable_iterator=data.make_initializable_iterator,
)
"""``tf.data``: Dataset pipelines read through an iterator node."""

contrib = Namespace(
    "tf.contrib",
    layers=Namespace(
        "tf.contrib.layers",
        xavier_initializer=nn_layers.xavier_initializer,
        variance_scaling_initializer=nn_layers.contrib_variance_scaling_initializer,
    ),
)
"""``tf.contrib``: the lecture's initializers only."""

initializers = Namespace(
    "tf.initializers",
    variance_scaling=nn_layers.variance_scaling_initializer,
    glorot_uniform=nn_layers.glorot_uniform_initializer,
    random_normal=nn_layers.random_normal_initializer,
    zeros=nn_layers.zeros_initializer,
    ones=nn_layers.ones_initializer,
    constant=nn_layers.constant_initializer,
)
"""``tf.initializers``."""

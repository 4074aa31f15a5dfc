"""``tf.losses``' classifier losses and ``compute_weighted_loss``, as TF 1.x builds them.

Each loss computes one value per example, multiplies it by ``weights`` and reduces it as
``reduction`` says; the default (``SUM_BY_NONZERO_WEIGHTS``) divides the weighted sum by how
many weights are not zero, which with the default ``weights=1.0`` is the mean (built as one
``Mean`` named ``value``, as ``mean_squared_error`` is). The result is added to the ``losses``
collection.
"""

from __future__ import annotations

from typing import Any

from . import api
from . import dtypes as dt
from .graph import Tensor
from .nn_ops import softmax_cross_entropy_with_logits_v2, sparse_softmax_cross_entropy_with_logits
from .shapes import TensorShape
from .variables import GraphKeys


class Reduction:
    """``tf.losses.Reduction``: how per-example losses become the loss."""

    NONE = "none"
    SUM = "weighted_sum"
    SUM_OVER_BATCH_SIZE = "weighted_sum_over_batch_size"
    MEAN = "weighted_mean"
    SUM_BY_NONZERO_WEIGHTS = "weighted_sum_by_nonzero_weights"
    SUM_OVER_NONZERO_WEIGHTS = SUM_BY_NONZERO_WEIGHTS

    @classmethod
    def all(cls) -> tuple[str, ...]:
        """Every reduction's name."""
        return (cls.NONE, cls.SUM, cls.MEAN, cls.SUM_OVER_BATCH_SIZE, cls.SUM_BY_NONZERO_WEIGHTS)


def _unit(weights: Any) -> bool:
    return not api.is_tensor_like(weights) and isinstance(weights, int | float) and weights == 1


def compute_weighted_loss(
    losses: Any,
    weights: Any = 1.0,
    scope: str | None = None,
    loss_collection: str | None = GraphKeys.LOSSES,
    reduction: str = Reduction.SUM_BY_NONZERO_WEIGHTS,
) -> Tensor:
    """``tf.losses.compute_weighted_loss``: ``losses * weights`` reduced by ``reduction``."""
    if reduction not in Reduction.all():
        raise ValueError(f"Invalid Reduction Key {reduction}.")
    g = api.graph_of(losses, weights)
    with g.as_default(), g.name_scope(scope or "weighted_loss"):
        per = api.convert_to_tensor(losses)
        unit = _unit(weights)
        weighted = per if unit else api.multiply(per, api.cast(weights, per.dtype))
        if reduction == Reduction.NONE:
            loss = weighted
        elif reduction == Reduction.SUM:
            loss = api.reduce_sum(weighted, name="value")
        elif unit or reduction == Reduction.SUM_OVER_BATCH_SIZE:
            loss = api.reduce_mean(weighted, name="value")
        else:
            total = api.reduce_sum(weighted, name="Sum")
            spread = api.multiply(api.ones_like(per), api.cast(weights, per.dtype))
            if reduction == Reduction.MEAN:
                count = api.reduce_sum(spread, name="num_present")
            else:
                nonzero = api.cast(api.not_equal(spread, 0.0), per.dtype)
                count = api.reduce_sum(nonzero, name="num_present")
            loss = api.apply_op("DivNoNan", [total, count], "value", "value")
    if loss_collection:
        g.add_to_collection(loss_collection, loss)
    return loss


def softmax_cross_entropy(
    onehot_labels: Any,
    logits: Any,
    weights: Any = 1.0,
    label_smoothing: float = 0,
    scope: str | None = None,
    loss_collection: str | None = GraphKeys.LOSSES,
    reduction: str = Reduction.SUM_BY_NONZERO_WEIGHTS,
) -> Tensor:
    """``tf.losses.softmax_cross_entropy(onehot_labels, logits)``: the cross entropy of the
    softmax of ``logits`` with the label distributions (smoothed towards uniform by
    ``label_smoothing``), averaged over the examples."""
    if onehot_labels is None:
        raise ValueError("onehot_labels must not be None.")
    if logits is None:
        raise ValueError("logits must not be None.")
    g = api.graph_of(onehot_labels, logits)
    with g.as_default(), g.name_scope(scope or "softmax_cross_entropy_loss") as name:
        lg = api.convert_to_tensor(logits)
        labels = api.cast(onehot_labels, lg.dtype)
        if lg._dims is not None and labels._dims is not None and len(lg._dims) == len(labels._dims):
            for a, b in zip(lg._dims, labels._dims, strict=True):
                if a is not None and b is not None and a != b:
                    raise ValueError(
                        f"Shapes {TensorShape(lg._dims)} and {TensorShape(labels._dims)} "
                        f"are incompatible"
                    )
        if label_smoothing:
            classes = lg._dims[-1] if lg._dims is not None else None
            if classes is None:
                raise ValueError("label_smoothing needs the number of classes known")
            ls = float(label_smoothing)
            labels = api.add(api.multiply(labels, 1.0 - ls), ls / classes)
        per = softmax_cross_entropy_with_logits_v2(
            labels=api.stop_gradient(labels, name="labels_stop_gradient"),
            logits=lg,
            name="xentropy",
        )
        return compute_weighted_loss(per, weights, name, loss_collection, reduction)


def sparse_softmax_cross_entropy(
    labels: Any,
    logits: Any,
    weights: Any = 1.0,
    scope: str | None = None,
    loss_collection: str | None = GraphKeys.LOSSES,
    reduction: str = Reduction.SUM_BY_NONZERO_WEIGHTS,
) -> Tensor:
    """``tf.losses.sparse_softmax_cross_entropy(labels, logits)``: the cross entropy of the
    softmax of ``logits`` at the class indices ``labels``, averaged over the examples."""
    if labels is None:
        raise ValueError("labels must not be None.")
    if logits is None:
        raise ValueError("logits must not be None.")
    g = api.graph_of(labels, logits)
    with g.as_default(), g.name_scope(scope or "sparse_softmax_cross_entropy_loss") as name:
        lab = api.convert_to_tensor(labels)
        if not lab.dtype.is_integer:
            lab = api.cast(lab, dt.int64)
        per = sparse_softmax_cross_entropy_with_logits(labels=lab, logits=logits, name="xentropy")
        return compute_weighted_loss(per, weights, name, loss_collection, reduction)


def get_losses(scope: str | None = None, loss_collection: str = GraphKeys.LOSSES) -> list[Any]:
    """``tf.losses.get_losses``: the losses collection."""
    from .graph import get_default_graph

    return get_default_graph().get_collection(loss_collection, scope)


def get_total_loss(add_regularization_losses: bool = True, name: str = "total_loss") -> Tensor:
    """``tf.losses.get_total_loss``: the sum of the collected losses."""
    return api.add_n(get_losses(), name=name)

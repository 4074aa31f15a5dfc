"""``tf.metrics``: running metrics over many runs, kept in local Variables.

``tf.metrics.accuracy(labels, predictions)`` returns ``(accuracy, update_op)``: the Variables
``accuracy/total`` and ``accuracy/count`` (in the ``local_variables`` collection, started by
``tf.local_variables_initializer()``) add up the correct predictions and the predictions seen
each time ``update_op`` runs; ``accuracy`` reads ``total / count`` (0 before any update) and
``update_op`` gives the value after its own update.
"""

from __future__ import annotations

from typing import Any

from . import api
from . import dtypes as dt
from .array_ops import size, squeeze
from .control import control_dependencies
from .graph import Tensor
from .variables import LOCAL_VARIABLES, METRIC_VARIABLES, Variable, assign_add


def _metric_variable(name: str) -> Variable:
    return Variable(
        lambda: api.zeros((), dt.float32),
        trainable=False,
        collections=[LOCAL_VARIABLES, METRIC_VARIABLES],
        name=name,
    )


def mean(
    values: Any,
    weights: Any = None,
    metrics_collections: Any = None,
    updates_collections: Any = None,
    name: str | None = None,
) -> tuple[Tensor, Tensor]:
    """``tf.metrics.mean``: the (weighted) mean of every value seen by ``update_op``."""
    g = api.graph_of(values, weights)
    with g.as_default(), g.name_scope(name or "mean"):
        v = api.cast(values, dt.float32)
        total, count = _metric_variable("total"), _metric_variable("count")
        if weights is None:
            num = api.cast(size(v), dt.float32)
        else:
            w = api.multiply(api.ones_like(v), api.cast(weights, dt.float32))
            v = api.multiply(v, w)
            num = api.reduce_sum(w)
        update_total = assign_add(total, api.reduce_sum(v))
        with control_dependencies([v]):
            update_count = assign_add(count, num)
        value = api.apply_op("DivNoNan", [total, count], "value", "value")
        update = api.apply_op("DivNoNan", [update_total, update_count], "update_op", "update_op")
    for key, item in ((metrics_collections, value), (updates_collections, update)):
        for collection in key or ():
            g.add_to_collection(collection, item)
    return value, update


def accuracy(
    labels: Any,
    predictions: Any,
    weights: Any = None,
    metrics_collections: Any = None,
    updates_collections: Any = None,
    name: str | None = None,
) -> tuple[Tensor, Tensor]:
    """``tf.metrics.accuracy``: how often ``predictions`` equal ``labels``, over every batch
    ``update_op`` has seen."""
    g = api.graph_of(labels, predictions)
    with g.as_default(), g.name_scope(name or "accuracy") as scope:
        lab = api.convert_to_tensor(labels)
        pred = api.convert_to_tensor(predictions)
        lab, pred = _remove_squeezable_dimensions(lab, pred)
        a, b = lab._dims, pred._dims
        if (
            a is not None
            and b is not None
            and (len(a) != len(b) or any(x and y and x != y for x, y in zip(a, b, strict=True)))
        ):
            raise ValueError(f"Shapes {pred.shape} and {lab.shape} are incompatible")
        if lab.dtype != pred.dtype:
            pred = api.cast(pred, lab.dtype)
        correct = api.to_float(api.equal(pred, lab))
        return mean(correct, weights, metrics_collections, updates_collections, scope)


def _remove_squeezable_dimensions(labels: Tensor, predictions: Tensor) -> tuple[Tensor, Tensor]:
    """Drop a trailing size-1 axis from whichever of the two has one axis more."""
    a, b = labels._dims, predictions._dims
    if a is None or b is None:
        return labels, predictions
    if len(a) == len(b) + 1 and a[-1] == 1:
        return squeeze(labels, [-1]), predictions
    if len(b) == len(a) + 1 and b[-1] == 1:
        return labels, squeeze(predictions, [-1])
    return labels, predictions

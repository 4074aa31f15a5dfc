"""``keras.models.Sequential``: layers in a row, compiled into a static graph and trained by
``fit`` in the Keras Session.

``compile(optimizer, loss, metrics)`` builds, in the default graph, the input placeholder
(``dense_input``), the layers' ops, the target placeholder (``dense_1_target``), the loss under
``loss/`` and the optimizer's update ops (``training/SGD/...``, grouped into one NoOp). ``fit``
then runs ``[loss, train_op]`` once per batch - the graph is built once and run many times,
the static half of the lecture - and returns a :class:`History` of the epoch means.
Keras 1's ``nb_epoch`` is ``epochs``.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence
from typing import Any

import numpy as np

from .. import api, array_ops
from .. import dtypes as dt
from ..graph import Tensor, get_default_graph
from ..namespace import missing_names
from ..variables import Variable
from . import backend, losses
from . import optimizers as kopt
from .layers import Layer

__all__ = [
    "History",
    "Sequential",
]


class History:
    """What ``fit`` returns: ``history`` maps each metric (``loss``, ``acc``, ``val_loss``) to
    its value per epoch; ``epoch`` lists the epochs run."""

    def __init__(self, model: Sequential, params: dict[str, Any]) -> None:
        self.model = model
        """The model trained."""
        self.params = params
        """fit's settings (epochs, batch_size, samples...)."""
        self.epoch: list[int] = []
        """The epoch numbers run."""
        self.history: dict[str, list[float]] = {}
        """Each metric's value per epoch."""

    def _record(self, epoch: int, logs: dict[str, float]) -> None:
        self.epoch.append(epoch)
        for key, value in logs.items():
            self.history.setdefault(key, []).append(value)


class Sequential:
    """``Sequential(layers=None)``: ``add`` layers, ``compile``, then ``fit`` / ``predict``."""

    def __init__(self, layers: Sequence[Layer] | None = None, name: str | None = None) -> None:
        self.layers: list[Layer] = []
        """The layers, in order."""
        self.name = name or "sequential"
        """The model's name."""
        self.optimizer: Any = None
        """The TF optimizer ``compile`` was given (None before)."""
        self._compiled: dict[str, Any] | None = None
        self._loss_fn: Any = None
        self._metrics: list[str] = []
        self.history: History | None = None
        """The last ``fit``'s History."""
        for layer in layers or ():
            self.add(layer)

    # ----------------------------------------------------------------- building

    def add(self, layer: Layer) -> None:
        """Append ``layer`` (the first one should say its input shape)."""
        if not isinstance(layer, Layer):
            raise TypeError(
                "The added layer must be an instance of class Layer. Found: " + repr(layer)
            )
        self.layers.append(layer)

    def __call__(self, inputs: Any) -> Tensor:
        """The layers' ops applied to ``inputs`` (a tensor: the 2018 lecture's ``model(x)``)."""
        x = api.convert_to_tensor(inputs)
        for layer in self.layers:
            x = layer(x)
        return x

    @property
    def weights(self) -> list[Variable]:
        """Every layer's Variables."""
        return [w for layer in self.layers for w in layer.weights]

    trainable_weights = weights

    def _input_dims(self, x: Any = None) -> tuple[Any, ...]:
        if not self.layers:
            raise TypeError("The model has no layers: add some before compile or fit")
        hint = self.layers[0].input_shape_hint
        if hint is not None:
            return (None, *hint)
        if x is not None:
            return (None, *np.shape(x)[1:])
        raise ValueError(
            "This model has not yet been built: give the first layer an input_shape (or Keras "
            "1's input_dim), or call fit first"
        )

    def compile(
        self,
        optimizer: Any = "rmsprop",
        loss: Any = None,
        metrics: Sequence[Any] | None = None,
        loss_weights: Any = None,
        sample_weight_mode: Any = None,
        **kwargs: Any,
    ) -> None:
        """Choose the optimizer and loss; the training graph is built now when the input
        shape is known, else on the first ``fit``."""
        if loss is None:
            raise ValueError("compile needs a loss (e.g. loss='mean_squared_error')")
        self.optimizer = kopt.get(optimizer)
        self._loss_fn = losses.get(loss)
        self._metrics = [
            m if isinstance(m, str) else getattr(m, "__name__", str(m)) for m in metrics or ()
        ]
        for m in self._metrics:
            if m not in ("accuracy", "acc"):
                raise ValueError(f"Unknown metric function: {m} (this engine has 'accuracy')")
        self._compiled = None
        if self.layers and self.layers[0].input_shape_hint is not None:
            self._build_training()

    def _build_training(self, x: Any = None, y: Any = None) -> dict[str, Any]:
        if self._compiled is not None:
            return self._compiled
        if self.optimizer is None:
            raise RuntimeError("You must compile your model before using it.")
        g = get_default_graph()
        dims = self._input_dims(x)
        first = self.layers[0]
        inputs = api.placeholder(dt.float32, dims, name=first.name + "_input")
        outputs = self(inputs)
        sparse = self._loss_fn is losses.sparse_categorical_crossentropy
        target_dims: Any = (None,) * (len(outputs._dims or ()) - (1 if sparse else 0))
        target = api.placeholder(dt.float32, target_dims, name=self.layers[-1].name + "_target")
        with g.name_scope("loss"):
            with g.name_scope(self.layers[-1].name + "_loss"):
                per_example = self._loss_fn(target, outputs)
                loss = api.reduce_mean(per_example, name="value")
        fetch: dict[str, Tensor] = {"loss": loss}
        if self._metrics:
            with g.name_scope("metrics"), g.name_scope("acc"):
                fetch["acc"] = self._accuracy(target, outputs, sparse)
        with g.name_scope("training"):
            train = self.optimizer.minimize(loss, var_list=self.trainable_weights)
        self._compiled = {
            "inputs": inputs,
            "outputs": outputs,
            "target": target,
            "fetch": fetch,
            "train": train,
            "sparse": sparse,
        }
        return self._compiled

    def _accuracy(self, target: Tensor, outputs: Tensor, sparse: bool) -> Tensor:
        if sparse:
            truth = api.cast(target, dt.int64)
        elif self._loss_fn is losses.binary_crossentropy:
            hit = api.equal(target, api.cast(api.greater(outputs, 0.5), dt.float32))
            return api.reduce_mean(api.cast(hit, dt.float32), name="Mean")
        else:
            truth = array_ops.argmax(target, axis=-1)
        hit = api.equal(truth, array_ops.argmax(outputs, axis=-1))
        return api.reduce_mean(api.cast(hit, dt.float32), name="Mean")

    # ---------------------------------------------------------------- running

    def _session(self) -> Any:
        sess = backend.get_session()
        extra = self.optimizer.variables() if self.optimizer is not None else []
        backend.initialise(sess, self.weights + extra)
        return sess

    def fit(
        self,
        x: Any = None,
        y: Any = None,
        batch_size: int | None = None,
        epochs: int = 1,
        verbose: int = 1,
        callbacks: Any = None,
        validation_split: float = 0.0,
        validation_data: Any = None,
        shuffle: bool = True,
        class_weight: Any = None,
        sample_weight: Any = None,
        initial_epoch: int = 0,
        steps_per_epoch: Any = None,
        nb_epoch: int | None = None,
        **kwargs: Any,
    ) -> History:
        """Train for ``epochs`` (Keras 1: ``nb_epoch``) passes over ``x``, ``y`` in batches
        of ``batch_size`` (32), shuffled each epoch; returns the History of epoch means."""
        if kwargs:
            raise TypeError(f"Unrecognized keyword arguments: {kwargs}")
        if callbacks or class_weight is not None or sample_weight is not None:
            raise ValueError("fit here takes no callbacks, class_weight or sample_weight")
        if nb_epoch is not None:
            epochs = nb_epoch
        if self.optimizer is None:
            raise RuntimeError("You must compile your model before using it.")
        x, y = self._arrays(x, y)
        if validation_split and validation_data is None:
            cut = int(len(x) * (1.0 - validation_split))
            x, y, validation_data = x[:cut], y[:cut], (x[cut:], y[cut:])
        built = self._build_training(x, y)
        sess = self._session()
        n = len(x)
        size = int(batch_size or 32)
        history = History(
            self, {"epochs": epochs, "batch_size": size, "samples": n, "verbose": verbose}
        )
        names = list(built["fetch"])
        fetches = [built["fetch"][k] for k in names] + [built["train"]]
        phase = backend.learning_phase()
        for epoch in range(initial_epoch, epochs):
            start = time.perf_counter()
            order = np.random.permutation(n) if shuffle else np.arange(n)
            sums = dict.fromkeys(names, 0.0)
            for lo in range(0, n, size):
                rows = order[lo : lo + size]
                feed = {built["inputs"]: x[rows], built["target"]: y[rows], phase: True}
                values = sess.run(fetches, feed)
                for key, value in zip(names, values, strict=False):
                    sums[key] += float(value) * len(rows)
            logs = {k: v / max(n, 1) for k, v in sums.items()}
            if validation_data is not None:
                vx, vy = validation_data[0], validation_data[1]
                val = self.evaluate(vx, vy, batch_size=size, verbose=0)
                val_list = val if isinstance(val, list) else [val]
                logs.update({f"val_{k}": v for k, v in zip(names, val_list, strict=True)})
            history._record(epoch, logs)
            if verbose:
                self._report(epoch, epochs, n, time.perf_counter() - start, logs, verbose)
        self.history = history
        return history

    def _report(
        self, epoch: int, epochs: int, n: int, seconds: float, logs: dict[str, float], verbose: int
    ) -> None:
        figures = " - ".join(f"{k}: {v:.4f}" for k, v in logs.items())
        print(f"Epoch {epoch + 1}/{epochs}")
        if verbose == 1:
            per = seconds / max(n, 1) * 1e6
            print(f"{n}/{n} [{'=' * 30}] - {seconds:.0f}s {per:.0f}us/sample - {figures}")
        else:
            print(f" - {seconds:.0f}s - {figures}")
        sys.stdout.flush()

    def evaluate(
        self,
        x: Any = None,
        y: Any = None,
        batch_size: int | None = None,
        verbose: int = 1,
        **_: Any,
    ) -> Any:
        """The loss (and accuracy, if compiled with it) over ``x``, ``y``: a number, or a
        list [loss, acc]."""
        x, y = self._arrays(x, y)
        built = self._build_training(x, y)
        sess = self._session()
        names = list(built["fetch"])
        size = int(batch_size or 32)
        sums = dict.fromkeys(names, 0.0)
        for lo in range(0, len(x), size):
            feed = {built["inputs"]: x[lo : lo + size], built["target"]: y[lo : lo + size]}
            values = sess.run([built["fetch"][k] for k in names], feed)
            for key, value in zip(names, values, strict=True):
                sums[key] += float(value) * len(x[lo : lo + size])
        result = [sums[k] / max(len(x), 1) for k in names]
        if verbose:
            print(" - ".join(f"{k}: {v:.4f}" for k, v in zip(names, result, strict=True)))
        return result[0] if len(result) == 1 else result

    def predict(
        self, x: Any, batch_size: int | None = None, verbose: int = 0, **_: Any
    ) -> np.ndarray:
        """The model's outputs for ``x``, in batches of ``batch_size`` (32)."""
        arr = np.asarray(x, dtype=np.float32)
        if self._compiled is None:
            g = get_default_graph()
            inputs = api.placeholder(
                dt.float32, self._input_dims(arr), name=self.layers[0].name + "_input"
            )
            with g.as_default():
                self._predict = (inputs, self(inputs))
        else:
            self._predict = (self._compiled["inputs"], self._compiled["outputs"])
        sess = backend.get_session()
        backend.initialise(sess, self.weights)
        inputs, outputs = self._predict
        size = int(batch_size or 32)
        parts = [
            sess.run(outputs, {inputs: arr[lo : lo + size]}) for lo in range(0, len(arr), size)
        ]
        return np.concatenate(parts) if parts else np.zeros((0,), np.float32)

    def _arrays(self, x: Any, y: Any) -> tuple[np.ndarray, np.ndarray]:
        if x is None or y is None:
            raise ValueError("fit and evaluate here need x and y arrays")
        xa, ya = np.asarray(x, dtype=np.float32), np.asarray(y, dtype=np.float32)
        if len(xa) != len(ya):
            raise ValueError(
                f"Input arrays should have the same number of samples as target arrays. Found "
                f"{len(xa)} input samples and {len(ya)} target samples."
            )
        if (
            self._loss_fn is losses.sparse_categorical_crossentropy
            and ya.ndim == 2
            and ya.shape[1] == 1
        ):
            ya = ya[:, 0]
        return xa, ya

    # --------------------------------------------------------------- weights

    def get_weights(self) -> list[np.ndarray]:
        """Every weight's value, in layer order."""
        sess = backend.get_session()
        backend.initialise(sess, self.weights)
        return [sess.run(w) for w in self.weights]

    def set_weights(self, weights: Sequence[Any]) -> None:
        """Load ``weights`` (as ``get_weights`` lists them) into the Keras Session."""
        sess = backend.get_session()
        backend.initialise(sess, self.weights)
        for var, value in zip(self.weights, weights, strict=True):
            var.load(value, sess)

    def count_params(self) -> int:
        """How many numbers the weights hold."""
        return sum(layer.count_params() for layer in self.layers)

    def summary(self, print_fn: Any = print) -> None:
        """A table of the layers, their output shapes and parameter counts."""
        dims: tuple[Any, ...] = self._input_dims()
        rows = []
        for layer in self.layers:
            if not layer.built:
                with get_default_graph().as_default():
                    layer(api.placeholder(dt.float32, dims, name=layer.name + "_shape_probe"))
            dims = layer.compute_output_shape(dims)
            rows.append((f"{layer.name} ({type(layer).__name__})", str(dims), layer.count_params()))
        line = "_" * 65
        print_fn(f'Model: "{self.name}"')
        print_fn(line)
        print_fn(f"{'Layer (type)':<29}{'Output Shape':<26}{'Param #'}")
        print_fn("=" * 65)
        for name, shape, count in rows:
            print_fn(f"{name:<29}{shape:<26}{count}")
        print_fn("=" * 65)
        total = self.count_params()
        print_fn(f"Total params: {total:,}")
        print_fn(f"Trainable params: {total:,}")
        print_fn("Non-trainable params: 0")
        print_fn(line)


__getattr__ = missing_names("keras.models")

"""``tf.data``: a ``Dataset`` pipeline over numpy data, read in a graph through an iterator.

A :class:`Dataset` is a recipe: ``from_tensor_slices`` (or ``from_tensors``, ``range``) then
``shuffle``, ``batch``, ``repeat``, ``take``, ``skip``, ``prefetch``, each returning a new
recipe. Nothing is read while building. ``make_one_shot_iterator()`` adds an iterator node
(``OneShotIterator``), ``get_next()`` an ``IteratorGetNext`` node whose outputs are the next
element's components; every ``Session.run`` that needs them takes one element. The iterator's
position lives in the Session (like a Variable's value), so two sessions read independently.
Past the end, the run fails with ``tf.errors.OutOfRangeError: End of sequence``, which is how a
TF 1 loop ends::

    while True:
        try:
            sess.run(train_op)
        except tf.errors.OutOfRangeError:
            break

``shuffle(buffer_size)`` is TF's buffered shuffle: the buffer holds the next ``buffer_size``
elements and each output is drawn uniformly from it (a small buffer shuffles only locally); it
reshuffles on every pass of a ``repeat`` after it. Its random stream follows
``tf.set_random_seed`` and ``seed=`` as the random ops do.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from . import api, errors
from . import dtypes as dt
from .control import _pack
from .graph import Operation, Tensor, get_default_graph
from .shapes import Dims, TensorShape

Element = tuple[np.ndarray, ...]
"""One element: its components, flattened in the structure's order."""


class Pass:
    """What a pass over a dataset may keep across the passes of one iterator's life (a
    ``repeat`` makes several): the random generator and each stage's own state."""

    __slots__ = ("rng", "state")

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng
        self.state: dict[object, Any] = {}


Source = Callable[[Pass], Iterator[Element]]
"""Makes a fresh pass over a dataset."""


class Dataset:
    """``tf.data.Dataset``: a recipe of elements (each a structure of arrays).

    Attributes:
        output_types: the components' dtypes, in the element's structure.
        output_shapes: the components' static shapes, in the element's structure.
    """

    def __init__(
        self, source: Source, structure: Any, dtypes: list[dt.DType], dims: list[Dims]
    ) -> None:
        self._source = source
        self._structure = structure
        self._dtypes = dtypes
        self._dims = dims

    # ------------------------------------------------------------ constructors

    @staticmethod
    def from_tensor_slices(tensors: Any) -> Dataset:
        """One element per row: slices of every component along its first axis."""
        structure, arrays = _components(tensors)
        if any(a.ndim == 0 for a in arrays):
            raise ValueError("Slicing a scalar is not supported: components need an axis 0")
        n = arrays[0].shape[0]
        for a in arrays[1:]:
            if a.shape[0] != n:
                raise ValueError(
                    f"Dimensions {n} and {a.shape[0]} are not compatible: every component "
                    f"of from_tensor_slices needs the same size along axis 0"
                )

        def source(p: Pass) -> Iterator[Element]:
            for i in range(n):
                yield tuple(a[i] for a in arrays)

        return Dataset(
            source,
            structure,
            [dt.as_dtype(a.dtype) for a in arrays],
            [tuple(a.shape[1:]) for a in arrays],
        )

    @staticmethod
    def from_tensors(tensors: Any) -> Dataset:
        """One element: the whole of ``tensors``."""
        structure, arrays = _components(tensors)

        def source(p: Pass) -> Iterator[Element]:
            yield tuple(arrays)

        return Dataset(
            source, structure, [dt.as_dtype(a.dtype) for a in arrays], [a.shape for a in arrays]
        )

    @staticmethod
    def range(*args: int) -> Dataset:  # noqa: A003 - TF's name
        """``range(stop)`` / ``range(start, stop[, step])`` as int64 scalars."""
        values = np.arange(*args, dtype=np.int64)

        def source(p: Pass) -> Iterator[Element]:
            for v in values:
                yield (np.asarray(v),)

        return Dataset(source, None, [dt.int64], [()])

    # ----------------------------------------------------------- transformations

    def shuffle(
        self,
        buffer_size: int,
        seed: int | None = None,
        reshuffle_each_iteration: bool | None = None,
    ) -> Dataset:
        """Elements drawn at random from a buffer of the next ``buffer_size``."""
        size = int(buffer_size)
        if size <= 0:
            raise errors.InvalidArgumentError(None, None, "buffer_size must be greater than zero.")
        upstream, reshuffle = self._source, reshuffle_each_iteration is not False
        key = object()

        def source(p: Pass) -> Iterator[Element]:
            rng = p.state.get(key)
            if rng is None:
                rng = p.state[key] = np.random.default_rng(int(seed)) if seed is not None else p.rng
            if not reshuffle:  # every pass draws the same order
                first = p.state.setdefault((key, "seed"), int(rng.integers(2**31)))
                rng = np.random.default_rng(first)
            buffer: list[Element] = []
            for element in upstream(p):
                buffer.append(element)
                if len(buffer) == size:
                    i = int(rng.integers(len(buffer)))
                    buffer[i], buffer[-1] = buffer[-1], buffer[i]
                    yield buffer.pop()
            while buffer:
                i = int(rng.integers(len(buffer)))
                buffer[i], buffer[-1] = buffer[-1], buffer[i]
                yield buffer.pop()

        return self._derived(source)

    def batch(self, batch_size: int, drop_remainder: bool = False) -> Dataset:
        """Consecutive elements stacked along a new first axis (the last batch may be short,
        so the batch dimension is unknown unless ``drop_remainder``)."""
        size = int(batch_size)
        if size <= 0:
            raise errors.InvalidArgumentError(None, None, "Batch size must be greater than zero.")
        upstream = self._source

        def source(p: Pass) -> Iterator[Element]:
            rows: list[Element] = []
            for element in upstream(p):
                rows.append(element)
                if len(rows) == size:
                    yield _stack(rows)
                    rows = []
            if rows and not drop_remainder:
                yield _stack(rows)

        first = size if drop_remainder else None
        dims = [None if d is None else (first, *d) for d in self._dims]
        return Dataset(source, self._structure, self._dtypes, dims)

    def repeat(self, count: int | None = None) -> Dataset:
        """The elements ``count`` times over (None or -1: forever)."""
        upstream = self._source
        times = None if count is None or int(count) < 0 else int(count)

        def source(p: Pass) -> Iterator[Element]:
            done = 0
            while times is None or done < times:
                empty = True
                for element in upstream(p):
                    empty = False
                    yield element
                done += 1
                if empty:
                    return

        return self._derived(source)

    def take(self, count: int) -> Dataset:
        """The first ``count`` elements (all when -1)."""
        upstream, n = self._source, int(count)

        def source(p: Pass) -> Iterator[Element]:
            for i, element in enumerate(upstream(p)):
                if 0 <= n <= i:
                    return
                yield element

        return self._derived(source)

    def skip(self, count: int) -> Dataset:
        """All but the first ``count`` elements."""
        upstream, n = self._source, int(count)

        def source(p: Pass) -> Iterator[Element]:
            for i, element in enumerate(upstream(p)):
                if i >= n:
                    yield element

        return self._derived(source)

    def prefetch(self, buffer_size: int) -> Dataset:
        """The same elements (reading ahead changes nothing here)."""
        return self

    def cache(self, filename: str = "") -> Dataset:
        """The same elements (they are in memory already)."""
        return self

    def _derived(self, source: Source) -> Dataset:
        return Dataset(source, self._structure, self._dtypes, self._dims)

    # ------------------------------------------------------------- iterators

    def make_one_shot_iterator(self) -> DatasetIterator:
        """An iterator that starts on its first use in a Session (no initializer to run)."""
        return DatasetIterator(self, initializable=False)

    def make_initializable_iterator(self, shared_name: str | None = None) -> DatasetIterator:
        """An iterator that starts (again) each time its ``initializer`` runs."""
        return DatasetIterator(self, initializable=True)

    # ------------------------------------------------------------- structure

    @property
    def output_types(self) -> Any:
        """The components' dtypes, in the element's structure."""
        return _pack(self._structure, iter(self._dtypes))

    @property
    def output_shapes(self) -> Any:
        """The components' static shapes, in the element's structure."""
        return _pack(self._structure, iter(TensorShape(d) for d in self._dims))

    def __repr__(self) -> str:
        return f"<DatasetV1 shapes: {self.output_shapes}, types: {self.output_types}>"

    def __iter__(self) -> Any:
        raise RuntimeError("dataset.__iter__() is only supported when eager execution is enabled.")


class DatasetIterator:
    """``tf.data.Iterator``: the iterator node, ``get_next()`` and (initializable) its
    ``initializer``."""

    def __init__(self, dataset: Dataset, initializable: bool) -> None:
        g = get_default_graph()
        self._dataset = dataset
        self._op: Operation = g.create_op(
            "IteratorV2" if initializable else "OneShotIterator",
            [],
            name="Iterator" if initializable else "OneShotIterator",
            dtypes=[dt.resource],
            shapes=[()],
            meta={"dataset": dataset},
        )
        self._initializer: Operation | None = None
        if initializable:
            self._initializer = g.create_op(
                "MakeIterator", [self._op.outputs[0]], name="MakeIterator", dtypes=[], shapes=[]
            )

    @property
    def initializer(self) -> Operation:
        """The op that (re)starts the iterator; a one-shot iterator has none."""
        if self._initializer is None:
            raise ValueError(
                "Iterator does not have an initializer. (a one-shot iterator starts by itself)"
            )
        return self._initializer

    def get_next(self, name: str | None = None) -> Any:
        """The next element's components, as tensors, in the dataset's structure."""
        ds = self._dataset
        op = self._op.graph.create_op(
            "IteratorGetNext",
            [self._op.outputs[0]],
            name=name or "IteratorGetNext",
            dtypes=ds._dtypes,
            shapes=ds._dims,
        )
        return _pack(ds._structure, iter(op.outputs))

    @property
    def output_types(self) -> Any:
        """The components' dtypes."""
        return self._dataset.output_types

    @property
    def output_shapes(self) -> Any:
        """The components' static shapes."""
        return self._dataset.output_shapes


def make_one_shot_iterator(dataset: Dataset) -> DatasetIterator:
    """``tf.data.make_one_shot_iterator(dataset)`` (TF 1.13+ spelling)."""
    return dataset.make_one_shot_iterator()


def make_initializable_iterator(
    dataset: Dataset, shared_name: str | None = None
) -> DatasetIterator:
    """``tf.data.make_initializable_iterator(dataset)`` (TF 1.13+ spelling)."""
    return dataset.make_initializable_iterator()


# --------------------------------------------------------------------- kernels


class Started:
    """An iterator's position in one Session: the pass over its dataset."""

    __slots__ = ("elements",)

    def __init__(self, elements: Iterator[Element]) -> None:
        self.elements = elements


def start(iterator_op: Operation, rng: np.random.Generator) -> Started:
    """A fresh pass over the dataset of ``iterator_op``."""
    return Started(iterator_op.meta["dataset"]._source(Pass(rng)))


def next_element(op: Operation, state: Started | None, xp: Any) -> Any:
    """The next element for ``IteratorGetNext`` ``op``: one array, or a tuple of them.

    Raises:
        OutOfRangeError: the pass is over ("End of sequence").
        FailedPreconditionError: an initializable iterator whose initializer never ran.
    """
    if state is None:
        raise errors.op_error(errors.FailedPreconditionError, op, errors.ITERATOR_NOT_INITIALIZED)
    try:
        element = next(state.elements)
    except StopIteration:
        raise errors.op_error(errors.OutOfRangeError, op, errors.END_OF_SEQUENCE) from None
    values = tuple(xp.asarray(v) for v in element)
    return values if len(values) > 1 else values[0]


# --------------------------------------------------------------------- helpers


def _components(tensors: Any) -> tuple[Any, list[np.ndarray]]:
    """The structure of ``tensors`` and its leaves as numpy arrays of TF's dtypes."""
    structure = _structure_of(tensors)
    arrays = []
    for leaf in _leaves(tensors):
        if isinstance(leaf, Tensor) or hasattr(leaf, "_as_tensor"):
            t = api.convert_to_tensor(leaf)
            if t.op.type != "Const":
                raise TypeError(
                    f"tf.data here reads numpy arrays and constants, not {t.op.type} "
                    f"tensors ({t.name}); pass the array itself"
                )
            arrays.append(np.asarray(t.op.meta["value"]))
            continue
        d = dt.of_value(leaf)
        arrays.append(dt.as_bytes(leaf) if d == dt.string else np.asarray(leaf, dtype=d.np))
    return structure, arrays


def _structure_of(value: Any) -> Any:
    """``value``'s nesting with leaves as None (lists count as leaves, as in tf.data)."""
    if isinstance(value, tuple):
        return tuple(_structure_of(v) for v in value)
    if isinstance(value, dict):
        return {k: _structure_of(v) for k, v in value.items()}
    return None


def _leaves(value: Any) -> list[Any]:
    """The leaves of ``value`` in ``_pack``'s order (tuples in order, dicts by sorted key)."""
    if isinstance(value, tuple):
        return [leaf for v in value for leaf in _leaves(v)]
    if isinstance(value, dict):
        return [leaf for k in sorted(value) for leaf in _leaves(value[k])]
    return [value]


def _stack(rows: list[Element]) -> Element:
    return tuple(np.stack(parts) for parts in zip(*rows, strict=True))

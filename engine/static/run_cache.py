"""What a Session keeps between runs: a cached plan per (fetches, feeds) and the last call.

A run looks its plan up by (fetches, fed tensors, feed shapes) (``_Entry``); a run that repeats
the last call with the same objects skips even that lookup (``_Replay``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from operator import attrgetter, is_
from typing import Any

from engine.devices import Device

from .execute import Plan
from .operation import Operation
from .tensor import Tensor


@dataclass
class _Entry:
    """A cached plan with how to map it back onto the fetch structure."""

    plan: Plan
    leaf_index: list[int | None]
    fetch_ids: list[int]
    names: list[str]
    input_devices: list[Device]
    on_gpu: bool
    in_order: bool = False
    """The fetches are the plan's outputs, in order (``leaf_index`` is 0, 1, ...)."""
    metrics: list[tuple[str, int]] | None = None
    """(name, index among the fetched values) of each output a run reports as a ``metric``
    when it is a scalar (worked out on the first observed run)."""


_SIGNATURE = attrgetter("dtype", "shape")


@dataclass(frozen=True, slots=True)
class _Replay:
    """The last run's call, resolved: a run whose fetches and feed keys are the same objects
    (same order) and whose fed values are arrays of the same types, dtypes and shapes, on an
    unchanged graph, means the same plan with the same unconverted feeds, so it skips
    resolving fetches and feeds and looking the plan up. Only the values are new."""

    version: int
    kind: Any
    """The fetches' type: Tensor, Operation, list or tuple."""
    fetches: Any
    """The fetched Tensor, or the tuple of fetched Tensors / Operations."""
    keys: tuple[Any, ...]
    types: tuple[type, ...]
    signatures: tuple[tuple[Any, tuple[int, ...]], ...]
    entry: _Entry
    pack: Callable[[list[Any]], Any]

    def matches(self, version: int, fetches: Any, feed_dict: dict[Any, Any]) -> bool:
        """True when a run of ``fetches`` with ``feed_dict`` is this call again."""
        if version != self.version or type(fetches) is not self.kind:
            return False
        if self.kind is Tensor or self.kind is Operation:
            if fetches is not self.fetches:
                return False
        elif len(fetches) != len(self.fetches) or not all(map(is_, fetches, self.fetches)):
            return False
        return len(feed_dict) == len(self.keys) and all(map(is_, feed_dict, self.keys))

"""``tf.ConfigProto`` and ``tf.GPUOptions``: the options a Session takes from TensorFlow 1."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class ConfigProto:
    """``tf.ConfigProto``: soft placement (False, as in TF), the graph passes, and the two
    thread pools TensorFlow 1 names.

    ``inter_op_parallelism_threads``: how many ops of a plan may run at once (the workers of
    the parallel plan, ``engine/static/parallel.py``); 1 runs the plan in order, 0 (TF's
    default) lets the engine choose: the number of cores. ``intra_op_parallelism_threads``:
    how many threads one op may use (BLAS's); 0 leaves BLAS as it is. The engine never lets the
    two together use more threads than there are cores: ops that run at once share them.
    """

    def __init__(
        self,
        allow_soft_placement: bool = False,
        log_device_placement: bool = False,
        optimize: bool | Mapping[str, bool] | None = None,
        inter_op_parallelism_threads: int = 0,
        intra_op_parallelism_threads: int = 0,
        **_: Any,
    ) -> None:
        self.allow_soft_placement = allow_soft_placement
        """Run ops placed on a missing GPU on the CPU instead of failing."""
        self.optimize = optimize
        """The graph passes to run (see ``Session``'s ``optimize``); None: all."""
        self.log_device_placement = log_device_placement
        """Accepted and ignored (events carry every placement)."""
        self.inter_op_parallelism_threads = int(inter_op_parallelism_threads)
        """Ops of a plan that may run at once (0: one per core; 1: in order)."""
        self.intra_op_parallelism_threads = int(intra_op_parallelism_threads)
        """Threads one op may use (0: BLAS's own setting)."""


class GPUOptions:
    """``tf.GPUOptions``: accepted and ignored."""

    def __init__(self, **_: Any) -> None:
        pass

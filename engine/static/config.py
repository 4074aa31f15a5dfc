"""``tf.ConfigProto`` and ``tf.GPUOptions``: the options a Session takes from TensorFlow 1."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class ConfigProto:
    """``tf.ConfigProto``: only ``allow_soft_placement`` matters here (False, as in TF)."""

    def __init__(
        self,
        allow_soft_placement: bool = False,
        log_device_placement: bool = False,
        optimize: bool | Mapping[str, bool] | None = None,
        **_: Any,
    ) -> None:
        self.allow_soft_placement = allow_soft_placement
        self.optimize = optimize
        """The graph passes to run (see ``Session``'s ``optimize``); None: all."""
        """Run ops placed on a missing GPU on the CPU instead of failing."""
        self.log_device_placement = log_device_placement
        """Accepted and ignored (events carry every placement)."""


class GPUOptions:
    """``tf.GPUOptions``: accepted and ignored."""

    def __init__(self, **_: Any) -> None:
        pass

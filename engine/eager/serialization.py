"""``torch.save`` and ``torch.load``: a checkpoint (a ``state_dict``, a tensor, any picklable
object holding tensors) written with pickle, each tensor as its values on the host. Loaded, a
tensor is made again on the CPU (``map_location`` is accepted; the CPU is where every loaded
tensor starts here). A file PyTorch wrote is not read (nor a file this writes by PyTorch).

    torch.save(model.state_dict(), "net.pt")
    model.load_state_dict(torch.load("net.pt"))
"""

from __future__ import annotations

import io
import os
import pickle
from typing import Any

import numpy as np

from engine.eager.factory import tensor
from engine.eager.nn.module import Parameter
from engine.eager.tensor import Tensor

__all__ = ["load", "save"]


def _tensor(values: np.ndarray, requires_grad: bool, parameter: bool) -> Tensor:
    """A saved tensor made again on the CPU (a ``Parameter`` stays one)."""
    made = tensor(values, requires_grad=requires_grad and not parameter)
    return Parameter(made, requires_grad) if parameter else made


class _Pickler(pickle.Pickler):
    def reducer_override(self, obj: Any) -> Any:
        if isinstance(obj, Tensor):
            values = np.array(obj.detach().cpu().numpy(), copy=True)
            return _tensor, (values, bool(obj.requires_grad), isinstance(obj, Parameter))
        return NotImplemented


def save(obj: Any, f: Any, pickle_protocol: int = pickle.DEFAULT_PROTOCOL) -> None:
    """Write ``obj`` to ``f`` (a path or a binary file)."""
    if isinstance(f, (str, os.PathLike)):
        with open(f, "wb") as out:
            _Pickler(out, protocol=pickle_protocol).dump(obj)
    else:
        _Pickler(f, protocol=pickle_protocol).dump(obj)


class _Unpickler(pickle.Unpickler):
    """Makes only the engine's tensors and the plain containers a checkpoint holds: a
    checkpoint is a file from elsewhere, and unpickling may not run anything else."""

    ALLOWED = {
        ("engine.eager.serialization", "_tensor"),
        ("collections", "OrderedDict"),
        ("numpy", "dtype"),
        ("numpy.core.multiarray", "_reconstruct"),
        ("numpy._core.multiarray", "_reconstruct"),
        ("numpy", "ndarray"),
    }

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in self.ALLOWED or module == "builtins" and name in _BUILTINS:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(
            f"Weights only load failed: unsupported global {module}.{name} in the checkpoint"
        )


_BUILTINS = frozenset({"dict", "list", "tuple", "set", "int", "float", "str", "bool"})


def load(f: Any, map_location: Any = None, weights_only: bool = True, **_: Any) -> Any:
    """Read what :func:`save` wrote to ``f`` (a path or a binary file); every tensor on the
    CPU."""
    if isinstance(f, (str, os.PathLike)):
        with open(f, "rb") as src:
            return _Unpickler(src).load()
    if isinstance(f, (bytes, bytearray)):
        return _Unpickler(io.BytesIO(f)).load()
    return _Unpickler(f).load()

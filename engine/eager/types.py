"""dtypes, devices and the legacy tensor types (``torch.FloatTensor``) as PyTorch names them."""

from __future__ import annotations

import builtins
from typing import TYPE_CHECKING, Any

import numpy as np

from engine import devices
from engine.eager import errors

if TYPE_CHECKING:
    from engine.eager.tensor import Tensor


class dtype:  # noqa: N801 - PyTorch's name
    """A tensor element type (``torch.float32``).

    Attributes:
        name: numpy's name ("float32").
        np: the numpy dtype.
        legacy: the legacy tensor type stem ("Float" for ``torch.FloatTensor``).
    """

    __slots__ = ("name", "np", "legacy", "is_floating_point")

    def __init__(self, name: str, legacy: str) -> None:
        self.name, self.legacy = name, legacy
        self.np: np.dtype[Any] = np.dtype(name)
        self.is_floating_point = self.np.kind == "f"

    def __repr__(self) -> str:
        return "torch." + {"bool": "bool"}.get(self.name, self.name)


float32 = float = dtype("float32", "Float")  # noqa: A001
float64 = double = dtype("float64", "Double")
float16 = half = dtype("float16", "Half")
int64 = long = dtype("int64", "Long")
int32 = int = dtype("int32", "Int")  # noqa: A001
uint8 = dtype("uint8", "Byte")
bool = dtype("bool", "Bool")  # noqa: A001

BY_NUMPY: dict[Any, dtype] = {
    d.np: d for d in (float32, float64, float16, int64, int32, uint8, bool)
}
DEFAULT = float32


def to_numpy_dtype(d: Any) -> np.dtype | None:
    """Our dtype, a numpy dtype or a Python type -> numpy dtype (None stays None)."""
    if d is None:
        return None
    if isinstance(d, dtype):
        return d.np
    if d is builtins.float:
        return np.dtype("float64")
    if d is builtins.int:
        return np.dtype("int64")
    out: np.dtype[Any] = np.dtype(d)
    return out


def of(array_dtype: Any) -> dtype:
    """The torch dtype of a numpy dtype."""
    return BY_NUMPY[np.dtype(array_dtype)]


class device:  # noqa: N801 - PyTorch's name
    """``torch.device('cpu')`` / ``torch.device('cuda:0')``: a name; no GPU is touched until used.

    Attributes:
        type: "cpu" or "cuda".
        index: the device index (None for the CPU).
    """

    __slots__ = ("type", "index")

    def __init__(self, spec: Any, index: Any = None) -> None:
        if isinstance(spec, device):
            spec, index = spec.type, spec.index
        kind, _, idx = str(spec).partition(":")
        kind = {"gpu": "cuda"}.get(kind, kind)
        if kind not in ("cpu", "cuda"):
            raise RuntimeError(
                f"Expected one of cpu, cuda device type at start of device string: {spec}"
            )
        self.type: str = kind
        self.index: builtins.int | None = builtins.int(idx) if idx else index

    def engine(self) -> devices.Device:
        """The engine Device; raises DeviceError (saying why) for an unusable GPU."""
        return devices.get_device("cpu" if self.type == "cpu" else "gpu")

    def __eq__(self, other: object) -> builtins.bool:
        if isinstance(other, str):
            other = device(other)
        return isinstance(other, device) and (self.type, self.index or 0) == (
            other.type,
            other.index or 0,
        )

    def __hash__(self) -> builtins.int:
        return hash((self.type, self.index or 0))

    def __str__(self) -> str:
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __repr__(self) -> str:
        if self.index is None:
            return f"device(type='{self.type}')"
        return f"device(type='{self.type}', index={self.index})"


CPU_DEVICE = device("cpu")
CUDA_DEVICE = device("cuda", 0)


def torch_device(dev: devices.Device) -> device:
    """The torch.device a tensor on engine Device ``dev`` reports."""
    return CPU_DEVICE if dev.name == "cpu" else CUDA_DEVICE


def engine_device(spec: Any) -> devices.Device:
    """A device argument (None, str, torch.device, engine Device) -> engine Device."""
    if spec is None:
        return devices.CPU
    if isinstance(spec, devices.Device):
        return spec
    return device(spec).engine()


class TensorType:
    """A legacy tensor type such as ``torch.FloatTensor``: a (dtype, device) token.

    ``x.type(torch.cuda.FloatTensor)`` converts and moves; ``torch.FloatTensor(2, 3)`` makes an
    uninitialised tensor and ``torch.FloatTensor([1, 2])`` one from data.
    """

    def __init__(self, name: str, dt: dtype, kind: str) -> None:
        self.name, self.dtype, self.kind = name, dt, kind

    def __call__(self, *args: Any) -> Tensor:
        from engine.eager import factory

        dev = "cuda" if self.kind == "cuda" else "cpu"
        if len(args) == 1 and not isinstance(args[0], builtins.int):
            return factory.tensor(args[0], dtype=self.dtype, device=dev)
        return factory.empty(*args, dtype=self.dtype, device=dev)

    def __repr__(self) -> str:
        return f"<class '{self.name}'>"


def _types(prefix: str, kind: str) -> dict[str, TensorType]:
    return {
        f"{d.legacy}Tensor": TensorType(f"{prefix}{d.legacy}Tensor", d, kind)
        for d in (float32, float64, float16, int64, int32, uint8, bool)
    }


CPU_TYPES = _types("torch.", "cpu")
CUDA_TYPES = _types("torch.cuda.", "cuda")


def type_name(array_dtype: Any, dev: devices.Device) -> str:
    """'torch.FloatTensor' / 'torch.cuda.FloatTensor' for an array dtype on a device."""
    prefix = "torch." if dev.name == "cpu" else "torch.cuda."
    return f"{prefix}{of(array_dtype).legacy}Tensor"


def _resolve(spec: Any) -> devices.Device:
    try:
        return engine_device(spec)
    except devices.DeviceError as e:
        errors.fail(str(e), devices.DeviceError)


def _type_by_name(name: str) -> TensorType:
    stem = name.rsplit(".", 1)[-1]
    table = CUDA_TYPES if ".cuda." in name else CPU_TYPES
    if stem not in table:
        raise ValueError(f"invalid type: '{name}'")
    return table[stem]

"""What the graph tells the world about a node: its ``node_created`` payload (with the user's
source line), and where a ``tf.device`` request will run (soft placement).

Soft placement, decided here for events and in ``plan.Planner.place`` for runs: an op asking
for a GPU this machine lacks runs on the CPU; ``node_created`` then carries ``device: "cpu"``,
``requested_device`` and a ``placement`` note saying why (no cupy, no driver, no device).
"""

from __future__ import annotations

import os
import sys
from types import FrameType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .graph import Operation, Tensor

_ENGINE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep


def node_payload(op: Operation, frame: tuple[str, int] | None) -> dict[str, Any]:
    """The payload of ``node_created`` for ``op``."""
    from .kernels import flops_of
    out = op.outputs[0] if op.outputs else None
    dims = out._dims if out is not None else ()
    device, note = placement_hint(op.device)
    payload: dict[str, Any] = {
        "graph": op.graph.graph_id, "node": op._id, "name": op.name, "op": op.type,
        "inputs": [t.op._id for t in op.inputs],
        "control_inputs": [c._id for c in op.control_inputs],
        "shape": None if dims is None else list(dims),
        "dtype": out.dtype.name if out is not None else None,
        "device": device, "mode": "static", "scope": op.name.rpartition("/")[0],
        "flops": flops_of(op), "bytes": _nbytes(out), "grad_of": op._grad_of,
    }
    if op._ctx is not None:
        payload["body"] = op._ctx.branch
    if note:
        payload["requested_device"], payload["placement"] = op.device, note
    if frame is not None:
        payload["source"], payload["line"] = f"{frame[0]}:{frame[1]}", frame[1]
    return payload


def _nbytes(t: Tensor | None) -> int:
    if t is None or t._dims is None or None in t._dims:
        return 0
    n = t.dtype.size
    for d in t._dims:
        n *= d or 0
    return n


def user_names(tensors: list[Tensor]) -> list[str]:
    """What the user's code calls each tensor (``loss``), else its graph name (``Mean:0``).

    Looked up once per plan in the caller's local then global variables, by identity; metrics
    then carry the names the listing uses.
    """
    f: FrameType | None = sys._getframe(1)
    while f is not None and f.f_code.co_filename.startswith(_ENGINE_DIR):
        f = f.f_back
    scopes = (f.f_locals, f.f_globals) if f is not None else ()
    names = []
    for t in tensors:
        found = next((k for scope in scopes for k, v in scope.items()
                      if v is t and not k.startswith("_")), None)
        names.append(found or t.name)
    return names


def user_frame() -> tuple[str, int] | None:
    """(file, line) of the innermost caller outside the engine.

    Gradient nodes are made by the op table's rules (engine/ops.py), so they point at the
    user's ``tf.gradients`` line, as every other node points at the line that made it.
    """
    f: FrameType | None = sys._getframe(2)
    while f is not None and (f.f_code.co_filename.startswith(_ENGINE_DIR)
                             or f.f_code.co_filename.endswith("contextlib.py")):
        f = f.f_back
    return (f.f_code.co_filename, f.f_lineno) if f is not None else None


# ----------------------------------------------------------------------- devices


def canonical_device(spec: Any) -> str:
    """``"/gpu:0"``, ``"gpu"``, ``"/device:GPU:0"`` -> ``"/device:GPU:0"``; None or "" -> ""."""
    if spec is None or spec == "":
        return ""
    if not isinstance(spec, str):
        raise TypeError(f"tf.device expects a device string, got {spec!r}")
    text = spec.strip()
    kind, index = None, "0"
    for part in text.strip("/").split("/"):
        low = part.lower()
        low = low.removeprefix("device:")
        head, _, tail = low.partition(":")
        if head in ("cpu", "gpu", "cuda"):
            kind, index = ("GPU" if head in ("gpu", "cuda") else "CPU"), (tail or "0")
    if kind is None:
        raise ValueError(f"Unknown device specification {spec!r}: use '/cpu:0' or '/gpu:0'")
    return f"/device:{kind}:{index}"


def placement_hint(device: str) -> tuple[str | None, str | None]:
    """Where a node asking for ``device`` will run under soft placement, and a note if moved.

    Returns ("cpu"|"gpu"|None, note): None when unplaced (the Session decides).
    """
    if not device:
        return None, None
    if "GPU" not in device:
        return "cpu", None
    from engine.devices import gpu_status
    ok, reason = gpu_status()
    if ok:
        return "gpu", None
    return "cpu", f"soft placement: {device} unavailable ({reason}); runs on cpu"

"""What the graph tells the world about a node: its ``node_created`` payload (with the user's
source line and variable name), and where a ``tf.device`` request will run (soft placement).

The variable name (``var``): ``h = tf.maximum(tf.matmul(x, w1), 0)`` names the Maximum ``h``.
An op gets the name of a plain ``name = ...`` assignment when all four hold:

1. the user's frame is executing that assignment's outermost call or operator (the inner
   ``tf.matmul`` made the MatMul: no name);
2. no other ``tf.*`` function runs between that call and the op's creation (the ``Maximum/y``
   Const made by ``convert_to_tensor``, ``reduce_mean``'s axis Const: no name);
3. each engine function on the way returns what it is making (``return g.create_op(...)``,
   ``op = g.create_op(...)`` then ``return op.outputs[0]``, or ``self.op = ...`` in
   ``__init__``): ``reduce_sum``'s ``range`` on an unknown rank is kept, not returned;
4. the op is the one the call names after itself: named exactly as the scope it opened
   (``Maximum``, ``random_normal``'s Add, a Variable's VariableV2), or, outside every scope,
   made without one (``Placeholder``). Ops inside the call's scope (``Variable/read``,
   ``random_normal/mul``) get no name.

Anything else (tuple targets, ``self.w = ...``, user helper functions, ``tf.zeros`` which
returns ``tf.constant``'s op, a ``tf.placeholder`` inside a user's name scope) gets none. Each
file is parsed once and each call site looked up once, at graph build with events on; a
Session.run never comes here.
"""

from __future__ import annotations

import ast
import linecache
import os
import sys
from types import CodeType, FrameType, SimpleNamespace
from typing import TYPE_CHECKING, Any

import numpy as np

from engine.events import NodeCreatedPayload

if TYPE_CHECKING:
    from .graph import Operation, Tensor

_ENGINE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep


Site = tuple[str, int, "str | None"]
"""(file, line, var): where the user's code made a node, and the name it is being assigned to
(before rule 3 above, which needs the op)."""


SMALL_CONST = 16
"""Constants of at most this many elements send their value with ``node_created``."""


def node_payload(op: Operation, frame: Site | None) -> NodeCreatedPayload:
    """The payload of ``node_created`` for ``op``; ``frame`` from :func:`user_frame`."""
    from .kernels import flops_of

    out = op.outputs[0] if op.outputs else None
    dims = out._dims if out is not None else ()
    device, note = placement_hint(op.device)
    payload: NodeCreatedPayload = {
        "graph": op.graph.graph_id,
        "node": op._id,
        "name": op.name,
        "op": op.type,
        "inputs": [t.op._id for t in op.inputs],
        "control_inputs": [c._id for c in op.control_inputs],
        "shape": None if dims is None else list(dims),
        "dtype": out.dtype.name if out is not None else None,
        "device": device,
        "mode": "static",
        "scope": op.name.rpartition("/")[0],
        "flops": flops_of(op),
        "bytes": _nbytes(out),
        "grad_of": op._grad_of,
    }
    if op.type == "Const":
        value = op.meta.get("value")
        if value is not None and np.size(value) <= SMALL_CONST:
            arr = np.asarray(value)
            if arr.dtype.kind == "O":  # tf.string: shown as text
                arr = np.vectorize(lambda b: b.decode("utf-8", "replace"), otypes=[object])(arr)
            payload["value"] = arr.tolist()
    if op._ctx is not None:
        payload["body"] = op._ctx.branch
    if note:
        payload["requested_device"], payload["placement"] = op.device, note
    if frame is not None:
        payload["source"], payload["line"] = f"{frame[0]}:{frame[1]}", frame[1]
        if frame[2] is not None:
            stack = op.graph._name_stack
            if op.name == stack if stack else "/" not in op.name:  # rule 4
                payload["var"] = frame[2]
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
        found = next(
            (k for scope in scopes for k, v in scope.items() if v is t and not k.startswith("_")),
            None,
        )
        names.append(found or t.name)
    return names


def user_frame() -> Site | None:
    """(file, line, var) of the innermost caller outside the engine, for the node being made.

    Called from ``Graph.create_op`` (via ``_announce``). Gradient nodes are made by the op
    table's rules (engine/ops/), so they point at the user's ``tf.gradients`` line, as every
    other node points at the line that made it. ``var`` follows rules 1 to 3 above.
    """
    f: FrameType | None = sys._getframe(2)
    inner: list[CodeType] = []  # engine code from create_op out to the function the user called
    while f is not None and (
        f.f_code.co_filename.startswith(_ENGINE_DIR)
        or f.f_code.co_filename.endswith("contextlib.py")
    ):
        inner.append(f.f_code)
        f = f.f_back
    if f is None:
        return None
    var = _assigned_name(f.f_code, f.f_lasti)
    if var is not None and len(inner) > 1:
        public = _public_code()
        frames: FrameType | None = sys._getframe(
            3
        )  # create_op's caller, then out to the user's call
        for code in inner[1:]:
            if (
                frames is None
                or (code is not inner[-1] and code in public)
                or not _returns(code, frames.f_lasti)
            ):  # rules 2 and 3
                var = None
                break
            frames = frames.f_back
    return f.f_code.co_filename, f.f_lineno, var


_SITES: dict[tuple[CodeType, int], str | None] = {}
"""(code, instruction offset) -> the name that call's value is assigned to (rule 1)."""

_FILES: dict[str, tuple[list[str], dict[tuple[Any, ...], str]]] = {}
"""file -> (its linecache lines, {outermost right-hand side's position: assigned name})."""

_RETURNS: dict[tuple[CodeType, int], bool] = {}
"""(engine code, instruction offset) -> whether the function returns that call's value (rule 3)."""

_TREES: dict[str, _Parsed | None] = {}
"""Engine source file -> its functions and parent links (see :func:`_engine_tree`)."""

_PUBLIC: set[CodeType] = set()
"""The code of every ``tf.*`` function and method (rule 2), collected on first use."""


def _assigned_name(code: CodeType, lasti: int) -> str | None:
    """The name a plain assignment gives the call or operator at ``lasti`` in ``code``."""
    key = (code, lasti)
    if key in _SITES:
        return _SITES[key]
    pos = _position(code, lasti)
    name = _assignments(code.co_filename).get(pos) if pos is not None else None
    if len(_SITES) > 65536:  # code objects of scripts run and gone
        _SITES.clear()
    _SITES[key] = name
    return name


def _position(code: CodeType, lasti: int) -> tuple[Any, ...] | None:
    positions = list(code.co_positions())
    return positions[lasti // 2] if 0 <= lasti // 2 < len(positions) else None


def _returns(code: CodeType, lasti: int) -> bool:
    """Whether the engine function running ``code`` returns the value of its call at ``lasti``."""
    key = (code, lasti)
    found = _RETURNS.get(key)
    if found is None:
        found = _RETURNS[key] = _returned(code, _position(code, lasti))
    return found


def _returned(code: CodeType, pos: tuple[Any, ...] | None) -> bool:
    parsed = _engine_tree(code.co_filename)
    if parsed is None or pos is None:
        return False
    funcs, parents = parsed
    func = next(
        (f for f in funcs if f.name == code.co_name and f.lineno <= pos[0] <= (f.end_lineno or 0)),
        None,
    )
    call = (
        next(
            (
                n
                for n in ast.walk(func)
                if isinstance(n, ast.Call)
                and (n.lineno, n.end_lineno, n.col_offset, n.end_col_offset) == pos
            ),
            None,
        )
        if func
        else None
    )
    if call is None or func is None:
        return False
    stmt: ast.AST = call
    while not isinstance(stmt, ast.stmt):
        stmt = parents[stmt]
    if isinstance(stmt, ast.Return):
        return True
    target = (
        stmt.targets[0]
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1
        else stmt.target
        if isinstance(stmt, ast.AnnAssign)
        else None
    )
    if isinstance(target, ast.Attribute):  # self.op = ... in __init__: the object holds it
        return (
            func.name == "__init__"
            and isinstance(target.value, ast.Name)
            and target.value.id == "self"
        )
    return isinstance(target, ast.Name) and any(  # op = ... then return op.outputs[0]
        isinstance(ret, ast.Return)
        and ret.value is not None
        and any(isinstance(n, ast.Name) and n.id == target.id for n in ast.walk(ret.value))
        for ret in ast.walk(func)
    )


_Parsed = tuple[list[ast.FunctionDef], dict[ast.AST, ast.AST]]


def _engine_tree(filename: str) -> _Parsed | None:
    """An engine file's functions (innermost first) and each node's parent."""
    if filename not in _TREES:
        try:
            tree = ast.parse("".join(linecache.getlines(filename)))
        except (SyntaxError, ValueError):
            _TREES[filename] = None
            return None
        parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
        funcs = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)]
        _TREES[filename] = (funcs[::-1], parents)
    return _TREES[filename]


def _assignments(filename: str) -> dict[tuple[Any, ...], str]:
    """``{(line, end_line, col, end_col) of the value: name}`` for the file's ``name = call``."""
    lines = linecache.getlines(filename)
    cached = _FILES.get(filename)
    if cached is not None and cached[0] is lines:
        return cached[1]
    found: dict[tuple[Any, ...], str] = {}
    try:
        tree: ast.Module | None = ast.parse("".join(lines))
    except (SyntaxError, ValueError):
        tree = None
    for node in ast.walk(tree) if tree is not None else ():
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            target, value = node.target, node.value
        else:
            continue
        if isinstance(target, ast.Name) and isinstance(value, ast.Call | ast.BinOp | ast.UnaryOp):
            found[(value.lineno, value.end_lineno, value.col_offset, value.end_col_offset)] = (
                target.id
            )
    _FILES[filename] = (lines, found)
    return found


def _public_code() -> set[CodeType]:
    """The code objects of ``tf.*``: functions, namespaces' functions, engine classes' methods."""
    if _PUBLIC:
        return _PUBLIC
    import engine.static as tf

    seen: set[int] = set()

    def visit(obj: Any, depth: int) -> None:
        if id(obj) in seen or depth > 3:
            return
        seen.add(id(obj))
        if isinstance(obj, type):
            if obj.__module__.startswith("engine."):
                for member in vars(obj).values():
                    visit(getattr(member, "__func__", member), depth + 1)
        elif hasattr(obj, "__code__"):
            _PUBLIC.add(obj.__code__)
        elif obj is tf or isinstance(obj, SimpleNamespace):  # not its submodules
            for key, member in vars(obj).items():
                if not key.startswith("_"):
                    visit(member, depth + 1)

    visit(tf, 0)
    return _PUBLIC


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

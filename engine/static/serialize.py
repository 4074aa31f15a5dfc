"""Serialization (the lecture's S3): a graph as JSON, run later without the code that built it.

``Graph.as_graph_def()`` returns a JSON-serialisable dict mirroring TF's GraphDef:
``{"node": [{"name", "op", "input": ["x", "y:1", "^ctrl"], "device", "attr", "dtype",
"shape", ...}]}``; a Const carries its ``value``, a body op its ``ctx`` (owner and branch), an
``If`` / ``While`` op the names of its body's outputs. ``tf.import_graph_def`` rebuilds the ops
in the default graph (under ``import/`` unless ``name=""``), Variables included, so a fresh
process can ``sess.run("init")`` and then ``sess.run("loss:0", {"x:0": ...})``. Variable
*values* are saved apart, with ``tf.train.Saver``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from . import dtypes as dt
from .graph import BodyContext, Graph, Operation, Tensor, get_default_graph

FORMAT = "cgviz-graphdef"
VERSION = 1


def _encode(value: Any) -> Any:
    if isinstance(value, tuple):
        return {"tuple": [_encode(v) for v in value]}
    if isinstance(value, list):
        return [_encode(v) for v in value]
    if isinstance(value, slice):
        return {"slice": [value.start, value.stop, value.step]}
    if value is Ellipsis:
        return {"ellipsis": True}
    if isinstance(value, np.generic):
        return value.item()
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, list):
        return [_decode(v) for v in value]
    if isinstance(value, dict):
        if "tuple" in value:
            return tuple(_decode(v) for v in value["tuple"])
        if "slice" in value:
            return slice(*value["slice"])
        if "ellipsis" in value:
            return Ellipsis
    return value


def _input_name(t: Tensor) -> str:
    return t.op.name if t.value_index == 0 else f"{t.op.name}:{t.value_index}"


def node_to_dict(op: Operation) -> dict[str, Any]:
    """One op as a graph-def node."""
    node: dict[str, Any] = {
        "name": op.name,
        "op": op.type,
        "input": [_input_name(t) for t in op.inputs] + [f"^{c.name}" for c in op.control_inputs],
        "device": op.device,
        "attr": {k: _encode(v) for k, v in op.attrs.items()},
        "dtype": [t.dtype.name for t in op.outputs],
        "shape": [None if t._dims is None else list(t._dims) for t in op.outputs],
    }
    if op.type == "Const":
        v = np.asarray(op.meta["value"])
        if v.dtype.kind == "O":  # tf.string: bytes as UTF-8 text
            data = [b.decode("utf-8", "surrogateescape") for b in v.ravel().tolist()]
            node["value"] = {"dtype": "string", "shape": list(v.shape), "data": data}
        else:
            node["value"] = {
                "dtype": v.dtype.name,
                "shape": list(v.shape),
                "data": v.ravel().tolist(),
            }
    if op._ctx is not None:
        node["ctx"] = {
            "kind": op._ctx.kind,
            "branch": op._ctx.branch,
            "owner": op._ctx.owner.name if op._ctx.owner else None,
        }
    if op._grad_of is not None:
        node["grad_of"] = op.graph._ops[op._grad_of].name
    if op.type == "If":
        node["body"] = {
            "then_out": [t.name for t in op.meta["then_out"]],
            "else_out": [t.name for t in op.meta["else_out"]],
        }
    elif op.type == "While":
        node["body"] = {
            "args": [a.name for a in op.meta["args"]],
            "out": [t.name for t in op.meta["out"]],
            "has_init": bool(op.meta["has_init"]),
        }
    return node


def graph_to_dict(g: Graph) -> dict[str, Any]:
    """The whole graph (see the module docstring)."""
    return {
        "format": FORMAT,
        "version": VERSION,
        "seed": g.seed,
        "node": [node_to_dict(op) for op in g._ops],
    }


def _load(graph_def: Any) -> dict[str, Any]:
    if isinstance(graph_def, str | bytes):
        graph_def = json.loads(graph_def)
    if not isinstance(graph_def, dict) or "node" not in graph_def:
        raise ValueError("graph_def must be a dict from Graph.as_graph_def() (or its JSON text)")
    if graph_def.get("format", FORMAT) != FORMAT:
        raise ValueError(f"not a {FORMAT} graph def: format={graph_def.get('format')!r}")
    return graph_def


def import_graph_def(
    graph_def: Any,
    input_map: dict[str, Any] | None = None,
    return_elements: Sequence[str] | None = None,
    name: str | None = None,
    op_dict: Any = None,
    producer_op_list: Any = None,
) -> list[Any] | None:
    """``tf.import_graph_def``: add the ops of ``graph_def`` to the default graph.

    Args:
        graph_def: a dict from ``as_graph_def()``, or its JSON text.
        input_map: ``{"name:0": tensor}``: use these tensors instead of those of the def.
        return_elements: names (``"op"`` or ``"op:0"``) whose new ops / tensors to return.
        name: a prefix for the new names (default ``"import"``; ``""`` for none).

    Returns:
        The elements named in ``return_elements``, or None.
    """
    gd = _load(graph_def)
    g = get_default_graph()
    mapped = {k: v for k, v in (input_map or {}).items()}
    new: dict[str, Operation] = {}
    contexts: dict[tuple[str | None, str], BodyContext] = {}
    pending_owner: list[tuple[Operation, dict[str, Any]]] = []
    with g.name_scope("import" if name is None else name) as prefix:
        for node in gd["node"]:
            inputs: list[Tensor] = []
            ctrl: list[Operation] = []
            for ref in node["input"]:
                if ref.startswith("^"):
                    ctrl.append(new[ref[1:]])
                    continue
                key = ref if ":" in ref else f"{ref}:0"
                if key in mapped:
                    inputs.append(mapped[key])
                    continue
                op_name, _, index = key.rpartition(":")
                inputs.append(new[op_name].outputs[int(index)])
            ctx = None
            if "ctx" in node:
                c = node["ctx"]
                ctx = contexts.setdefault(
                    (c["owner"], c["branch"]), BodyContext(c["kind"], c["branch"])
                )
            meta: dict[str, Any] = {}
            if node["op"] == "Const":
                v = node["value"]
                if v["dtype"] == "string":
                    data = [d.encode("utf-8", "surrogateescape") for d in v["data"]]
                    meta["value"] = dt.as_bytes(data).reshape(v["shape"])
                else:
                    meta["value"] = np.asarray(v["data"], dtype=v["dtype"]).reshape(v["shape"])
            op = g.create_op(
                node["op"],
                inputs,
                name=f"{prefix}{node['name']}/",
                attrs={k: _decode(v) for k, v in node["attr"].items()},
                dtypes=[dt.as_dtype(d) for d in node["dtype"]],
                shapes=[None if s is None else tuple(s) for s in node["shape"]],
                meta=meta,
                control_inputs=ctrl,
                device=node.get("device", ""),
                ctx=ctx,
            )
            if "grad_of" in node and node["grad_of"] in new:
                op._grad_of = new[node["grad_of"]]._id
            new[node["name"]] = op
            if "body" in node:
                pending_owner.append((op, node))
    for op, node in pending_owner:
        _link_body(op, node, new, contexts)
    _restore_variables(g, [new[n["name"]] for n in gd["node"] if n["op"] == "VariableV2"], new)
    if g.seed is None and gd.get("seed") is not None:
        g.seed = gd["seed"]
    if not return_elements:
        return None
    out: list[Any] = []
    for ref in return_elements:
        if ":" in ref:
            op_name, _, index = ref.rpartition(":")
            out.append(new[op_name].outputs[int(index)])
        else:
            out.append(new[ref])
    return out


def _tensor(new: dict[str, Operation], name: str) -> Tensor:
    op_name, _, index = name.rpartition(":")
    return new[op_name].outputs[int(index)]


def _link_body(
    op: Operation,
    node: dict[str, Any],
    new: dict[str, Operation],
    contexts: dict[tuple[str | None, str], BodyContext],
) -> None:
    body = node["body"]
    original = node["name"]
    if op.type == "If":
        then_ctx = contexts.setdefault((original, "then"), BodyContext("cond", "then"))
        else_ctx = contexts.setdefault((original, "else"), BodyContext("cond", "else"))
        then_ctx.owner = else_ctx.owner = op
        op.meta["then"], op.meta["else"] = then_ctx, else_ctx
        op.meta["then_out"] = [_tensor(new, n) for n in body["then_out"]]
        op.meta["else_out"] = [_tensor(new, n) for n in body["else_out"]]
    else:
        ctx = contexts.setdefault((original, "body"), BodyContext("foldl", "body"))
        ctx.owner = op
        op.meta.update(
            body=ctx,
            args=[new[n] for n in body["args"]],
            out=[_tensor(new, n) for n in body["out"]],
            has_init=body["has_init"],
        )


def _restore_variables(g: Graph, var_ops: list[Operation], new: dict[str, Operation]) -> None:
    from .variables import Variable

    by_name = {op.name: op for op in new.values()}
    for op in var_ops:
        assign = by_name.get(f"{op.name}/Assign")
        read = by_name.get(f"{op.name}/read")
        if assign is None or read is None:
            continue
        var = Variable.__new__(Variable)
        var.op, var._variable, var._snapshot = op, op.outputs[0], read.outputs[0]
        var.initializer, var.initial_value = assign, assign.inputs[1]
        var.trainable = True
        g.add_to_collection("variables", var)
        g.add_to_collection("trainable_variables", var)


# --------------------------------------------------------------------- files


def write_graph(
    graph_or_graph_def: Any, logdir: str | Path, name: str, as_text: bool = True
) -> str:
    """``tf.train.write_graph``: save the graph def as JSON at ``logdir/name``; returns the path."""
    gd = (
        graph_or_graph_def.as_graph_def()
        if isinstance(graph_or_graph_def, Graph)
        else graph_or_graph_def
    )
    path = Path(logdir) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(gd, indent=1 if as_text else None), encoding="utf-8")
    return str(path)


def read_graph(path: str | Path) -> dict[str, Any]:
    """Read a graph def written by ``write_graph``."""
    return _load(Path(path).read_text(encoding="utf-8"))


class Saver:
    """``tf.train.Saver``: Variable values to and from a ``.npz`` file (names are op names)."""

    def __init__(self, var_list: Sequence[Any] | None = None, **_: Any) -> None:
        from .variables import global_variables

        self._vars = list(var_list) if var_list is not None else global_variables()

    def save(self, sess: Any, save_path: str, global_step: Any = None, **_: Any) -> str:
        """Write every variable's value in ``sess``; returns the path written."""
        path = save_path if global_step is None else f"{save_path}-{int(global_step)}"
        values = sess.run({v.op.name: v for v in self._vars})
        file = path if path.endswith(".npz") else path + ".npz"
        arrays: dict[str, Any] = {k.replace("/", "__"): np.asarray(v) for k, v in values.items()}
        np.savez(file, **arrays)
        return path

    def restore(self, sess: Any, save_path: str) -> None:
        """Load the values saved by ``save`` into ``sess``."""
        file = save_path if save_path.endswith(".npz") else save_path + ".npz"
        with np.load(file) as data:
            for v in self._vars:
                sess.load_variable(v, data[v.op.name.replace("/", "__")])

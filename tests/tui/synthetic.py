"""A deterministic stand-in scene: the two-layer net's events, by the engine's schema, no math.

Used by the UI tests so they do not depend on the engine's timings (or on it being finished):
one static graph built once and run once per iteration, and one eager graph per iteration.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from engine.events import STREAM, EventStream
from engine.scenes.korean import KO as KOREAN

SOURCE = """\
import engine.static as tf
import engine.eager as torch

N, D, H = 64, 1000, 100
x = tf.placeholder(tf.float32, shape=(N, D))
y = tf.placeholder(tf.float32, shape=(N, D))
w1 = tf.Variable(tf.random_normal((D, H)))
w2 = tf.Variable(tf.random_normal((H, D)))
h = tf.maximum(tf.matmul(x, w1), 0)
y_pred = tf.matmul(h, w2)
loss = tf.reduce_mean(tf.reduce_sum((y_pred - y) ** 2, axis=1))
grad_w1, grad_w2 = tf.gradients(loss, [w1, w2])
new_w1 = w1.assign(w1 - 1e-5 * grad_w1)
new_w2 = w2.assign(w2 - 1e-5 * grad_w2)
updates = tf.group(new_w1, new_w2)

xt, yt = torch.randn(N, D), torch.randn(N, D)
w1t = torch.randn(D, H, requires_grad=True)
w2t = torch.randn(H, D, requires_grad=True)
for t in range(50):
    y_pred = xt.mm(w1t).clamp(min=0).mm(w2t)
    loss = (y_pred - yt).pow(2).sum()
    loss.backward()
"""

N, D, H = 64, 1000, 100

# name, op, inputs (names), shape, line, scope, grad_of (name)
STATIC: list[tuple[str, str, list[str], list[int] | None, int, str, str | None]] = [
    ("Placeholder", "Placeholder", [], [N, D], 5, "", None),
    ("Placeholder_1", "Placeholder", [], [N, D], 6, "", None),
    ("random_normal", "RandomNormal", [], [D, H], 7, "", None),
    ("Variable", "VariableV2", [], [D, H], 7, "", None),
    ("random_normal_1", "RandomNormal", [], [H, D], 8, "", None),
    ("Variable_1", "VariableV2", [], [H, D], 8, "", None),
    ("MatMul", "MatMul", ["Placeholder", "Variable"], [N, H], 9, "", None),
    ("Maximum", "Maximum", ["MatMul"], [N, H], 9, "", None),
    ("MatMul_1", "MatMul", ["Maximum", "Variable_1"], [N, D], 10, "", None),
    ("sub", "Sub", ["MatMul_1", "Placeholder_1"], [N, D], 11, "", None),
    ("pow", "Pow", ["sub"], [N, D], 11, "", None),
    ("Sum", "Sum", ["pow"], [N], 11, "", None),
    ("Mean", "Mean", ["Sum"], [], 11, "", None),
    ("gradients/Mean_grad/Tile", "Tile", ["Mean"], [N], 12, "gradients", "Mean"),
    (
        "gradients/Sum_grad/Tile",
        "Tile",
        ["gradients/Mean_grad/Tile"],
        [N, D],
        12,
        "gradients",
        "Sum",
    ),
    (
        "gradients/pow_grad/mul",
        "Mul",
        ["gradients/Sum_grad/Tile", "sub"],
        [N, D],
        12,
        "gradients",
        "pow",
    ),
    (
        "gradients/MatMul_1_grad/MatMul",
        "MatMul",
        ["gradients/pow_grad/mul", "Variable_1"],
        [N, H],
        12,
        "gradients",
        "Maximum",
    ),
    (
        "gradients/MatMul_1_grad/MatMul_1",
        "MatMul",
        ["Maximum", "gradients/pow_grad/mul"],
        [H, D],
        12,
        "gradients",
        "Variable_1",
    ),
    (
        "gradients/Maximum_grad/Select",
        "Select",
        ["gradients/MatMul_1_grad/MatMul", "MatMul"],
        [N, H],
        12,
        "gradients",
        "MatMul",
    ),
    (
        "gradients/MatMul_grad/MatMul_1",
        "MatMul",
        ["Placeholder", "gradients/Maximum_grad/Select"],
        [D, H],
        12,
        "gradients",
        "Variable",
    ),
    ("mul", "Mul", ["gradients/MatMul_grad/MatMul_1"], [D, H], 13, "", None),
    ("sub_1", "Sub", ["Variable", "mul"], [D, H], 13, "", None),
    ("Assign", "Assign", ["Variable", "sub_1"], [D, H], 13, "", None),
    ("mul_1", "Mul", ["gradients/MatMul_1_grad/MatMul_1"], [H, D], 14, "", None),
    ("sub_2", "Sub", ["Variable_1", "mul_1"], [H, D], 14, "", None),
    ("Assign_1", "Assign", ["Variable_1", "sub_2"], [H, D], 14, "", None),
    ("group_deps", "NoOp", ["Assign", "Assign_1"], None, 15, "", None),
]
PRUNED = {"random_normal", "random_normal_1"}
VARS = {
    "Placeholder": "x",
    "Placeholder_1": "y",
    "Variable": "w1",
    "Variable_1": "w2",
    "Maximum": "h",
    "MatMul_1": "y_pred",
    "Mean": "loss",
    "group_deps": "updates",
}
"""The listing's variable names, as the engine's ``var`` gives them to static nodes."""

# name, op, inputs, shape, line
EAGER: list[tuple[str, str, list[str], list[int], int]] = [
    ("x", "randn", [], [N, D], 17),
    ("y", "randn", [], [N, D], 17),
    ("w1", "randn", [], [D, H], 18),
    ("w2", "randn", [], [H, D], 19),
    ("mm", "mm", ["x", "w1"], [N, H], 21),
    ("clamp", "clamp", ["mm"], [N, H], 21),
    ("mm_1", "mm", ["clamp", "w2"], [N, D], 21),
    ("sub", "sub", ["mm_1", "y"], [N, D], 22),
    ("pow", "pow", ["sub"], [N, D], 22),
    ("sum", "sum", ["pow"], [], 22),
]
GRADS = ["sum", "pow", "sub", "mm_1", "w2", "clamp", "mm", "w1"]

# what the static Session's graph passes report on STATIC (optimized=True), as the engine
# shapes them: pass, removed (names), added (name, op, inputs, fused), replaced (name -> name)
REWRITES: list[
    tuple[str, list[str], list[tuple[str, str, list[str], list[str]]], dict[str, str]]
] = [
    ("prune", ["random_normal", "random_normal_1"], [], {}),
    (
        "fuse_matmul",
        ["MatMul", "Maximum"],
        [("Maximum", "_FusedMatMul", ["Placeholder", "Variable"], ["MatMul", "Maximum"])],
        {"MatMul": "Maximum"},
    ),
    (
        "fuse_elementwise",
        ["pow", "Sum", "Mean"],
        [("Mean", "_FusedElementwise", ["sub"], ["pow", "Sum", "Mean"])],
        {"pow": "Mean", "Sum": "Mean"},
    ),
]
DATA_NS = {"disk": 6_000_000, "ram": 400_000, "prefetch": 60_000}
"""How long a synthetic batch keeps the loop waiting, by source."""


def _flops(op: str, shape: list[int] | None) -> int:
    size = 1
    for d in shape or ():
        size *= d
    return size * (2 * (D if op in ("MatMul", "mm") else 1))


@dataclass
class SyntheticScene:
    """Looks like an engine Scene: ``run(device, iterations, seed)`` emits on ``stream``."""

    name: str = "two-layer"
    title: str = "Two-layer net: static graph vs eager loop"
    caption: str = "synthetic events (tests)"
    title_ko: str = KOREAN["two-layer"][0]
    caption_ko: str = KOREAN["two-layer"][1]
    source: str = SOURCE
    stream: EventStream = field(default_factory=lambda: STREAM)
    fail_at: int | None = None
    """Emit an error at this eager iteration (a bad-shape demo), then stop."""
    optimized: bool = False
    """Report the graph passes (REWRITES) before the first Session.run, and run their plan."""
    data: tuple[str, ...] = ()
    """Sources of each eager iteration's batch (a ``data`` event each; the last repeats)."""

    def run(self, device: str = "cpu", iterations: int | None = None, seed: int = 0) -> None:
        """Emit the scene's events: build the static graph, then iterate."""
        emit = self.stream.emit
        emit(
            "scene",
            name=self.name,
            title=self.title,
            caption=self.caption,
            title_ko=self.title_ko,
            caption_ko=self.caption_ko,
            source=self.source,
            file="two_layer.py",
        )
        emit("graph_created", graph="static:0", mode="static", name="two-layer")
        ids = {}
        for i, (name, op, ins, shape, line, scope, grad_of) in enumerate(STATIC):
            ids[name] = i
            emit(
                "node_created",
                **self._node(
                    "static:0",
                    i,
                    name,
                    op,
                    [ids[n] for n in ins],
                    shape,
                    line,
                    scope,
                    ids.get(grad_of) if grad_of else None,
                    device,
                    "static",
                ),
            )
        plan = [ids[n] for n, *_ in STATIC if n not in PRUNED]
        self._fused: dict[int, tuple[str, list[str]]] = {}
        if self.optimized:
            plan = self._rewrite(ids, device)
        for it in range(iterations if iterations is not None else 3):
            self._static_run(device, it, plan)
            if self.fail_at == it:
                gid = f"eager:{it}"
                emit("graph_created", graph=gid, mode="eager", name="loop", iteration=it)
                for i, (name, op, _, shape, line) in enumerate(EAGER[:4]):
                    emit(
                        "node_created",
                        **self._node(gid, i, name, op, [], shape, line, "", None, device, "eager"),
                    )
                    emit(
                        "node_finished", graph=gid, node=i, device=device, dur_ns=8_000, flops=0
                    )  # the inputs ran; only mm fails
                emit(
                    "node_created",
                    **self._node(gid, 4, "mm", "mm", [0, 3], None, 21, "", None, device, "eager"),
                )
                emit(
                    "error",
                    type="ValueError",
                    graph=gid,
                    node=4,
                    message="mm: shapes (64, 1000) and (100, 1000) not aligned",
                )
                return
            self._eager_iteration(device, it)

    def _node(
        self,
        graph: str,
        i: int,
        name: str,
        op: str,
        ins: list[int],
        shape: Any,
        line: int,
        scope: str,
        grad_of: int | None,
        device: str,
        mode: str,
    ) -> dict[str, Any]:
        var = {"var": VARS[name]} if mode == "static" and line and name in VARS else {}
        return dict(
            graph=graph,
            node=i,
            name=name,
            op=op,
            inputs=ins,
            shape=shape,
            dtype="float32",
            device=device,
            mode=mode,
            scope=scope,
            source=f"two_layer.py:{line}",
            line=line,
            flops=_flops(op, shape),
            bytes=4 * _flops("", shape),
            grad_of=grad_of,
            **var,
        )

    def _rewrite(self, ids: dict[str, int], device: str) -> list[int]:
        """Emit the passes' reports; returns the plan they make."""
        count = len(STATIC)
        gone: set[int] = set()
        for name, removed, added, replaced in REWRITES:
            before = count
            gone.update(ids[n] for n in removed)
            payloads = []
            for new, op, ins, fused in added:
                nid = ids[new]
                gone.discard(nid)
                self._fused[nid] = (op, fused)
                shape = STATIC[nid][3]
                payloads.append(
                    {
                        **self._node(
                            "static:0",
                            nid,
                            new,
                            op,
                            [ids[i] for i in ins],
                            shape,
                            0,
                            "",
                            None,
                            device,
                            "static",
                        ),
                        "fused": fused,
                    }
                )
            count += len(added) - len(removed)
            self.stream.emit(
                "graph_rewritten",
                graph="static:0",
                **{"pass": name},
                removed=[ids[n] for n in removed],
                added=payloads,
                replaced={str(ids[a]): ids[b] for a, b in replaced.items()},
                stats={"nodes_before": before, "nodes_after": count},
            )
        return [i for i in range(len(STATIC)) if i not in gone]

    def _static_run(self, device: str, it: int, plan: list[int]) -> None:
        emit = self.stream.emit
        emit("iteration_started", mode="static", iteration=it)
        emit(
            "run_started", graph="static:0", run=it + 1, fetches=[12, 26], plan=plan
        )  # 1-based, as the engine counts
        if device == "gpu":
            emit(
                "transfer",
                direction="H2D",
                bytes=2 * 4 * N * D,
                dur_ns=50_000,
                device=device,
                reason="feed",
            )
        for nid in plan:
            name, op, _, shape, *_ = STATIC[nid]
            extra: dict[str, Any] = {}
            if nid in self._fused:
                op, fused = self._fused[nid]
                extra = {"op": op, "fused": fused}
            emit("node_started", graph="static:0", node=nid, device=device, **extra)
            emit(
                "node_finished",
                graph="static:0",
                node=nid,
                device=device,
                dur_ns=10_000,
                shape=shape,
                dtype="float32",
                bytes=4 * _flops("", shape),
                flops=_flops(op, shape),
                **extra,
            )
        emit("run_finished", graph="static:0", run=it + 1, dur_ns=400_000)
        emit("metric", name="loss", value=1000.0 / (it + 1), mode="static", iteration=it + 1)
        emit("iteration_finished", mode="static", iteration=it, dur_ns=500_000)

    def _eager_iteration(self, device: str, it: int) -> None:
        emit = self.stream.emit
        gid = f"eager:{it}"
        emit("iteration_started", mode="eager", iteration=it)
        if self.data:
            source = self.data[min(it, len(self.data) - 1)]
            emit(
                "data",
                dur_ns=DATA_NS[source],
                source=source,
                batch=it,
                bytes=2 * 4 * N * D,
                mode="eager",
            )
        emit("graph_created", graph=gid, mode="eager", name="loop", iteration=it)
        ids: dict[str, int] = {}
        for i, (name, op, ins, shape, line) in enumerate(EAGER):
            ids[name] = i
            emit(
                "node_created",
                **self._node(
                    gid, i, name, op, [ids[n] for n in ins], shape, line, "", None, device, "eager"
                ),
            )
            emit(
                "node_finished",
                graph=gid,
                node=i,
                device=device,
                dur_ns=8_000,
                flops=_flops(op, shape),
            )  # eager: no node_started, as the engine
        for k, name in enumerate(GRADS):
            emit("grad", graph=gid, node=ids[name], norm=10.0 / (k + 1) / (it + 1))
        emit("metric", name="loss", value=900.0 / (it + 1) ** 1.5, mode="eager", iteration=it)
        emit("iteration_finished", mode="eager", iteration=it, dur_ns=450_000)

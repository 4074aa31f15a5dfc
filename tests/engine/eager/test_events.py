"""What the eager front end emits: one graph per iteration, nodes per op, grads, loss, transfers."""

from __future__ import annotations

import json

import numpy as np

import engine.eager as torch
from engine.events import KINDS, recording


def loop(iterations):
    x = torch.randn(4, 5)
    y = torch.randn(4, 2)
    w1 = torch.randn(5, 3, requires_grad=True)
    w2 = torch.randn(3, 2, requires_grad=True)
    with recording() as events:
        torch.new_iteration()
        for _t in range(iterations):
            y_pred = x.mm(w1).clamp(min=0).mm(w2)
            loss = (y_pred - y).pow(2).sum()
            loss.backward()
            with torch.no_grad():
                w1 -= 1e-3 * w1.grad
                w2 -= 1e-3 * w2.grad
                w1.grad.zero_()
                w2.grad.zero_()
        torch.new_iteration()
    return events


def test_iterations_are_inferred_from_the_loop_coming_back_round():
    events = loop(3)
    started = [e for e in events if e["kind"] == "iteration_started"]
    n0 = started[0]["iteration"]  # (new_iteration may first close a graph left open earlier)
    finished = [e for e in events if e["kind"] == "iteration_finished" and e["iteration"] >= n0]
    graphs = [e for e in events if e["kind"] == "graph_created"]
    assert len(started) == len(finished) == len(graphs) == 3
    assert [e["iteration"] for e in started] == [n0, n0 + 1, n0 + 2]
    assert [g["graph"] for g in graphs] == [f"eager:{n0 + i}" for i in range(3)]
    assert all(g["mode"] == "eager" for g in graphs)
    assert all(f["dur_ns"] > 0 and f["mode"] == "eager" for f in finished)


def test_nodes_of_one_iteration():
    events = loop(2)
    graph = next(e["graph"] for e in events if e["kind"] == "graph_created")
    nodes = [e for e in events if e["kind"] == "node_created" and e["graph"] == graph]
    ids = [n["node"] for n in nodes]
    assert ids == list(range(len(ids)))  # unique, in creation order
    by_name = {}
    for n in nodes:
        by_name.setdefault(n["name"], []).append(n)
    assert {"x", "w1", "w2", "y"} <= set(by_name)  # leaves named after the caller's variables
    assert all(n["op"] == "Leaf" for name in ("x", "w1", "w2", "y") for n in by_name[name])
    mm = by_name["mm"][0]
    assert mm["op"] == "MatMul" and mm["inputs"] == [
        by_name["x"][0]["node"],
        by_name["w1"][0]["node"],
    ]
    assert mm["shape"] == [4, 3] and mm["dtype"] == "float32" and mm["device"] == "cpu"
    assert mm["flops"] == 2 * 4 * 5 * 3 and mm["bytes"] == 4 * 3 * 4 and mm["mode"] == "eager"
    assert mm["source"].endswith(f":{mm['line']}") and "test_events.py" in mm["source"]
    assert {"sub_", "zero_", "clamp", "pow", "sum"} <= set(by_name)
    sub_ = by_name["sub_"][0]
    assert sub_["op"] == "AssignSub" and sub_["inputs"][0] == by_name["w1"][0]["node"]
    for n in nodes:
        json.dumps(n)
        assert all(k in n for k in KINDS["node_created"])
    timed = {e["node"]: e for e in nodes if "dur_ns" in e}  # an op: one event, made and ran
    later = [e for e in events if e["kind"] in ("node_started", "node_finished")]
    ops = [n["node"] for n in nodes if n["op"] != "Leaf"]
    assert set(ops) == set(timed) and not later
    assert all(timed[i]["dur_ns"] >= 0 for i in ops)
    assert all(n["op"] == "Leaf" for n in nodes if "dur_ns" not in n)  # a leaf computes nothing


def test_backward_emits_grads_and_loss():
    events = loop(1)
    graph = next(e["graph"] for e in events if e["kind"] == "graph_created")
    nodes = {e["node"]: e for e in events if e["kind"] == "node_created" and e["graph"] == graph}
    grads = [e for e in events if e["kind"] == "grad"]
    assert grads and all(g["graph"] == graph and g["norm"] >= 0 for g in grads)
    got = {nodes[g["node"]]["name"] for g in grads}
    assert {"sum", "pow", "mm", "clamp", "w1", "w2"} <= got
    w1_grad = next(g for g in grads if nodes[g["node"]]["name"] == "w1")
    assert w1_grad["shape"] == [5, 3]
    loss = [e for e in events if e["kind"] == "metric"]
    assert len(loss) == 1 and loss[0]["name"] == "loss" and loss[0]["mode"] == "eager"


def test_explicit_new_iteration_and_lines_that_repeat_inside_a_call():
    model = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.ReLU(), torch.nn.Linear(4, 2))
    x = torch.randn(5, 3)
    with recording() as events:
        torch.new_iteration()
        for _ in range(2):
            y = model(x)  # several ops, one user line: still one iteration
            y.sum()
        torch.new_iteration()
    assert sum(e["kind"] == "iteration_started" for e in events) == 2
    names = {e["name"] for e in events if e["kind"] == "node_created" and e["op"] == "Leaf"}
    assert {"0.weight", "0.bias", "x"} <= names


def test_no_events_when_nobody_listens():
    with recording() as events:
        pass
    x = torch.randn(2, 2)
    (x * 2).sum()
    assert events == []


def test_every_event_validates_and_each_eager_op_is_one_event():
    events = loop(3)
    seqs = [e["seq"] for e in events]
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)
    assert len({id(e) for e in events}) == len(events)  # one dict per event, never reused
    for e in events:
        assert e["kind"] in KINDS and all(k in e for k in ("seq", "t_ns", *KINDS[e["kind"]]))
        json.loads(json.dumps(e))
    order = {}
    for e in events:
        if e["kind"] in ("node_created", "node_started", "node_finished"):
            order.setdefault((e["graph"], e["node"]), []).append(e)
    # an eager op on the CPU is made and run in one step: one node_created with its dur_ns,
    # sent at the kernel's end (no node_started, no node_finished; static nodes keep theirs)
    assert all(len(sent) == 1 and sent[0]["kind"] == "node_created" for sent in order.values())
    ops = [sent[0] for sent in order.values() if sent[0]["op"] != "Leaf"]
    assert ops and all(e["dur_ns"] >= 0 and e["t_ns"] >= e["dur_ns"] for e in ops)


def test_cached_node_facts_follow_a_change_of_shape_at_the_same_line():
    def step(a, b):
        return a.mm(b)  # one call site, two shapes

    with recording() as events:
        step(torch.ones(2, 3), torch.ones(3, 4))
        step(torch.ones(5, 3), torch.ones(3, 1))
        step(torch.ones(2, 3), torch.ones(3, 4))
    mms = [e for e in events if e["kind"] == "node_created" and e["op"] == "MatMul"]
    assert [m["shape"] for m in mms] == [[2, 4], [5, 1], [2, 4]]
    assert [m["flops"] for m in mms] == [2 * 2 * 3 * 4, 2 * 5 * 3 * 1, 2 * 2 * 3 * 4]
    assert all("dur_ns" in m for m in mms)  # each ran: one event, with its time
    assert len({(m["graph"], m["node"]) for m in mms}) == 3


def test_each_layer_a_module_call_runs_keeps_its_site_from_iteration_to_iteration():
    # model(x) makes every layer's ops at one instruction of the loop: each op keeps its own
    # cached facts there (its site number and shape), the same in every iteration
    model = torch.nn.Sequential(torch.nn.Linear(4, 5), torch.nn.ReLU(), torch.nn.Linear(5, 2))
    x = torch.randn(3, 4)
    with recording() as events:
        torch.new_iteration()
        for _t in range(3):
            y = model(x)
            y.sum()
        torch.new_iteration()
    per_graph: dict[str, list[tuple[int, str, list[int]]]] = {}
    for e in events:
        if e["kind"] == "node_created" and e["op"] != "Leaf":
            per_graph.setdefault(e["graph"], []).append((e["site"], e["op"], e["shape"]))
    first, *others = per_graph.values()
    assert len(others) == 2 and all(other == first for other in others)
    assert [op for _, op, _ in first].count("MatMul") == 2
    assert len({site for site, _, _ in first}) == len(first)  # one site per op, not shared


def test_every_op_of_an_optimizer_step_keeps_its_site_however_many_one_line_makes():
    # opt.step() makes every update op of every parameter at one instruction of the loop
    # (Adam: a dozen per parameter, here over a hundred): each keeps its cached facts there,
    # the same in every iteration, not rebuilt as a cache of a few per line goes round
    dims = (3, 4, 5, 6, 7)
    model = torch.nn.Sequential(
        *(torch.nn.Linear(a, b) for a, b in zip(dims[:-1], dims[1:], strict=True))
    )
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    x = torch.randn(2, 3)
    with recording() as events:
        torch.new_iteration()
        for _t in range(4):
            opt.zero_grad()
            model(x).pow(2).sum().backward()
            opt.step()
        torch.new_iteration()
    step = _line_of("opt.step()")
    per_graph: dict[str, list[tuple[int, str, list[int]]]] = {}
    for e in events:
        if e["kind"] == "node_created" and e["line"] == step:
            per_graph.setdefault(e["graph"], []).append((e["site"], e["op"], e["shape"]))
    first, *others = list(per_graph.values())[1:]  # (the first step also makes the state)
    assert len(first) > 8 * 8 and len(others) == 2 and all(other == first for other in others)


def _line_of(text: str) -> int:
    """The line of this file holding ``text`` (the first)."""
    with open(__file__, encoding="utf-8") as f:
        return next(n for n, line in enumerate(f, 1) if line.strip() == text)


class Block(torch.nn.Module):
    """A module of the user's holding a submodule, as the lecture's ParallelBlock."""

    def __init__(self):
        super().__init__()
        self.inner = torch.nn.Linear(4, 4)

    def forward(self, x):
        h = self.inner(x)
        return h.clamp(min=0)  # another line: the graph has left its first op's line


def test_a_submodule_scopes_its_ops_and_its_parameters_the_model_itself_none():
    # the pane folds a submodule into one box, as torchview draws modules: each op a module
    # makes, and each of its parameters, carries the module's place in the model
    class Net(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.body = torch.nn.Sequential(Block(), torch.nn.Linear(4, 2))

        def forward(self, x):
            return self.body(x) * 2  # the model's own op: no scope

    model = Net()
    x = torch.randn(3, 4)
    with recording() as events:
        torch.new_iteration()
        model(x).sum()
        torch.new_iteration()
    made = [(e["name"], e["op"], e["scope"]) for e in events if e["kind"] == "node_created"]
    scopes = {name: scope for name, _, scope in made}
    assert scopes["body.0.inner.weight"] == scopes["body.0.inner.bias"] == "body/Block_0/inner"
    assert scopes["body.1.weight"] == "body/Linear_1"
    assert scopes["x"] == ""  # the user's input belongs to no module
    ops = [(op, scope) for _, op, scope in made if op != "Leaf"]
    assert ops[:2] == [("MatMul", "body/Block_0/inner"), ("Add", "body/Block_0/inner")], ops
    assert ("Clamp", "body/Block_0") in ops and ("Mul", "") in ops and ("Sum", "") in ops


def test_two_blocks_of_one_class_in_a_forward_make_one_graph_per_iteration():
    # the second block's first op is made at the same instruction as the first block's (one
    # forward method): in another module's scope, it does not start a new iteration
    model = torch.nn.Sequential(Block(), Block())
    x = torch.randn(3, 4)
    with recording() as events:
        torch.new_iteration()
        for _t in range(3):
            model(x).sum().backward()
        torch.new_iteration()
    graphs = [e for e in events if e["kind"] == "graph_created" and e["mode"] == "eager"]
    assert len(graphs) == 3
    first = [e for e in events if e["kind"] == "node_created" and e["graph"] == graphs[0]["graph"]]
    assert first[0]["name"] == "x" and first[0]["shape"] == [3, 4]
    assert {e["scope"] for e in first} >= {"Block_0/inner", "Block_1/inner"}


def test_an_op_on_a_device_that_times_later_sends_created_then_finished():
    # a GPU reports a kernel's time at the iteration's sync point: its node is made before the
    # kernel and finished when the time is known (a fake device on numpy keeps the durations
    # until flush, as the GPU device does)
    from engine import devices
    from engine.eager.tensor import _new

    class LateDevice(devices.Device):
        name = "gpu"

        def __init__(self) -> None:
            self.pending: list[tuple[object, int]] = []

        def measure(self, kernel, args, attrs, done):
            out = kernel(self.xp, *args, **attrs)
            self.pending.append((done, 1234))
            return out

        def flush(self) -> None:
            pending, self.pending = self.pending, []
            for done, dur in pending:
                done(dur)

    dev = LateDevice()
    a = _new(np.ones((2, 3), np.float32), dev)
    b = _new(np.ones((3, 4), np.float32), dev)
    with recording() as events:
        torch.new_iteration()
        for _t in range(2):
            c = a.mm(b)
            c.sum()
        torch.new_iteration()
    mms = [e for e in events if e.get("op") == "MatMul" or e["kind"] == "node_finished"]
    created = [e for e in mms if e["kind"] == "node_created"]
    finished = [e for e in mms if e["kind"] == "node_finished"]
    assert len(created) == 2 and all("dur_ns" not in e for e in created)
    assert all(e["device"] == "gpu" and e["shape"] == [2, 4] for e in created)
    node_of = {(e["graph"], e["node"]): e for e in events if e["kind"] == "node_created"}
    assert len(finished) == 4  # the mm and the sum of each iteration
    assert all(e["dur_ns"] == 1234 and (e["graph"], e["node"]) in node_of for e in finished)
    for e in finished:  # each finished after it was made, before its iteration closed
        closed = next(
            f["seq"]
            for f in events
            if f["kind"] == "iteration_finished" and f"eager:{f['iteration']}" == e["graph"]
        )
        assert node_of[(e["graph"], e["node"])]["seq"] < e["seq"] < closed


def test_send_stamps_seq_and_time_into_a_prebuilt_event():
    from engine.events import EventStream

    stream = EventStream()
    got = []
    stream.subscribe(got.append)
    stream.emit("metric", name="a", value=1.0)
    event = {"seq": 0, "t_ns": 0, "kind": "metric", "name": "b", "value": 2.0}
    stream.send(event)
    assert got[1] is event and event["seq"] == got[0]["seq"] + 1
    assert event["t_ns"] >= got[0]["t_ns"] and list(event)[:3] == ["seq", "t_ns", "kind"]


def test_item_reports_a_metric_named_as_the_line_names_it():
    import engine.eager as torch
    from engine.events import recording

    torch.new_iteration()
    x = torch.ones(3)
    with recording() as events:
        loss = (x * 2.0).sum().item()
        total = (x * 3.0).sum()
        assert total.item() == 9.0
        loss_again = (x * 2.0).sum().item()  # noqa: F841 - another name, another metric
    metrics = [(e["name"], e["value"]) for e in events if e["kind"] == "metric"]
    assert metrics == [("loss", loss), ("total", 9.0), ("loss_again", 6.0)]


def test_set_up_before_the_loop_joins_the_first_iteration_and_a_later_loop_has_its_own():
    x = torch.linspace(-1.0, 1.0, 8)
    with recording() as events:
        torch.new_iteration()
        y = torch.sin(x)  # set-up: runs once, before the loop
        xx = torch.stack([x * float(k) for k in range(1)], dim=1)  # a comprehension: no loop
        w = torch.zeros(1, requires_grad=True)
        for _t in range(4):  # training: its turns are the iterations
            y_pred = (xx * w).squeeze(-1)
            loss = (y_pred - y).pow(2).sum()
            loss.backward()
        with torch.no_grad():
            for _t in range(3):  # evaluation: a loop of its own
                y_pred = (xx * w).squeeze(-1)
                (y_pred - y).pow(2).sum()
        torch.new_iteration()
    started = [e["iteration"] for e in events if e["kind"] == "iteration_started"]
    assert len(started) == 4 + 3, started
    first = next(e["graph"] for e in events if e["kind"] == "graph_created")
    ops = [e["op"] for e in events if e["kind"] == "node_created" and e["graph"] == first]
    assert ops[:3] == ["Leaf", "Sin", "Mul"], "the set-up is drawn in the first iteration"
    assert ops.count("Pack") == 1
    losses = [e for e in events if e["kind"] == "metric" and e["name"] == "loss"]
    assert len(losses) == 4, "one loss per turn of the training loop"


def _double(t):
    return t * 2.0  # an op on a line of its own, between the two of the caller's line


def test_two_ops_of_one_line_with_a_call_between_start_one_iteration():
    x = torch.randn(4, 5)
    w1 = torch.randn(5, 3, requires_grad=True)
    w2 = torch.randn(3, 2, requires_grad=True)
    with recording() as events:
        torch.new_iteration()
        for _t in range(3):
            y_pred = _double(x.mm(w1)).mm(w2)  # P4's relu(x.mm(w1)).mm(w2)
            loss = y_pred.pow(2).sum()
            loss.backward()
        torch.new_iteration()
    assert sum(e["kind"] == "iteration_started" for e in events) == 3


def test_a_variables_storage_is_named_as_the_user_reads_it():
    w1 = torch.randn(3, 2, requires_grad=True)
    with recording() as events:
        torch.new_iteration()
        (w1 * 2.0).sum().backward()
        w1.data -= 0.1 * w1.grad.data  # the 2017 listings' update
        torch.new_iteration()
    leaves = [e["name"] for e in events if e["kind"] == "node_created" and e["op"] == "Leaf"]
    assert leaves == ["w1", "w1.grad.data", "w1.data"]


class _Double(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return x * 2.0

    @staticmethod
    def backward(ctx, grad_y):
        return grad_y * 2.0


def test_ops_of_a_function_an_optimizer_and_dropout_are_named_for_what_they_are():
    """They all run without grad, but none is ``no_grad`` (the hand-written update's scope): a
    custom Function's forward and backward, an optimizer's step, and dropout's mask."""
    w = torch.randn(3, 2, requires_grad=True)
    optimizer = torch.optim.SGD([w], lr=0.1)
    with recording() as events:
        torch.new_iteration()
        y = _Double.apply(w)
        loss = torch.nn.functional.dropout(y, 0.5).sum()
        loss.backward()
        optimizer.step()
        torch.new_iteration()
    made = [(e["name"], e["scope"]) for e in events if e["kind"] == "node_created"]
    assert ("mul", "_Double") in made and ("mul", "_DoubleBackward") in made
    assert ("sub_", "SGD") in made, made
    assert ("dropout mask", "") in made
    assert all(scope != "no_grad" for _, scope in made)


def test_an_op_says_the_numbers_its_label_writes_in_and_keeps_its_site_when_one_changes():
    x = torch.randn(4, 3)
    with recording() as events:
        for t in range(4):  # a number operand that changes (Adam's bias correction does)
            torch.new_iteration()
            (x.clamp(min=0).pow(2).sum(dim=1) * (t + 1.5) + 1e-7).mean()
    made = [e for e in events if e["kind"] == "node_created" and e["op"] != "Leaf"]
    last = {e["name"]: e for e in made}
    assert last["clamp"]["attrs"] == {"min": 0.0}  # max=None is not written in
    assert last["pow"]["op"] == "Square" and last["pow"]["args"] == [None, 2]
    assert last["sum"]["attrs"] == {"axis": 1, "keepdims": False}
    assert last["add"]["args"] == [None, 1e-7]  # the same number every step: written in
    muls = [e for e in made if e["name"] == "mul"]
    assert muls[0]["args"] == [None, 1.5]  # true of the first step
    assert all("args" not in e and "attrs" not in e for e in muls[1:])  # then it changed
    sites = {}
    for e in made:
        sites.setdefault(e["name"], set()).add(e["site"])
    assert len(sites.pop("mul")) == 2, "the number changed once: one new site, not one a step"
    assert all(len(s) == 1 for s in sites.values()), sites
    json.dumps(made)  # a trace writes them as they are


def test_a_batch_loop_inside_an_epoch_loop_is_one_iteration_per_batch_however_warm():
    # x[i:j] calls a Python __getitem__; once warm, Python 3.11 runs that instruction in a
    # specialised form whose frames report another offset: the loop's first op then looked
    # like a new site, and from the sixth batch on every batch ran into one iteration
    x, y = torch.randn(8, 3), torch.randn(8, 1)
    w = torch.randn(3, 1, requires_grad=True)
    with recording() as events:
        for _epoch in range(4):
            for i in range(0, 8, 2):
                loss = ((x[i : i + 2].mm(w) - y[i : i + 2]) ** 2).sum()
                loss.backward()
                with torch.no_grad():
                    w -= 0.01 * w.grad
                    w.grad.zero_()
    made: dict[int, int] = {}
    iteration = None
    for e in events:
        if e["kind"] == "iteration_started":
            iteration = e["iteration"]
        elif e["kind"] == "node_created" and e["op"] != "Leaf":
            made[iteration] = made.get(iteration, 0) + 1
    assert len(made) == 16 and len(set(list(made.values())[1:])) == 1, made

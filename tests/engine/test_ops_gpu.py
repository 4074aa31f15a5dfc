"""The tutorials' ops on the GPU path, through the same op records (GPU logic on a numpy stand-in
for cupy: ``tests/fakecupy.py``).

Every tutorial script runs with its tensors (PyTorch) or its Session (TF 1, Keras) on the
simulated GPU. Each kernel the GPU device runs is watched: what it is given and what it returns
must be device arrays, as cupy requires (it refuses numpy arrays), so a kernel computing with
``numpy`` on the host, or an op whose result stays on the host, is caught. As in TensorFlow,
shapes (integer vectors: ``tf.shape(x)`` feeding ``tf.random_uniform``) live in host memory,
and string constants and the ``tf.data`` iterator run on the CPU.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from engine import devices
from engine.cli.program import load_script
from engine.events import recording

pytestmark = pytest.mark.slow  # every tutorial script, seconds each

HERE = Path(__file__).parent
EAGER = [
    "poly_fit.py",
    "classifier.py",
    "rnn.py",
    "autograd_2017.py",
    "function_2017.py",
    "course_loop.py",
    "attention.py",
]
STATIC = [
    "tf1_classifier.py",
    "tf1_data_loop.py",
    "keras_fit.py",
    "keras_2017_slide.py",
    "keras_2018_slide.py",
]
HOST_OPS = {"OneShotIterator", "IteratorGetNext", "IteratorV2", "MakeIterator"}
"""Ops TensorFlow runs on the CPU whatever the session's device: the ``tf.data`` iterator."""


class _Ufunc:
    """A ufunc of the stand-in with its methods (cupy 14's ufuncs have ``at``, ``reduce``)."""

    def __init__(self, ufunc: np.ufunc, wrap: Any) -> None:
        self.ufunc, self.wrap = ufunc, wrap

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.wrap(self.ufunc(*args, **kwargs))

    def __getattr__(self, name: str) -> Any:
        return getattr(self.ufunc, name)


class _WithUfuncMethods:
    """``tests/fakecupy.py`` whose ufuncs keep their methods (``xp.add.at``)."""

    def __init__(self, fake: Any) -> None:
        self.fake = fake

    def __getattr__(self, name: str) -> Any:
        value = getattr(np, name, None)
        if isinstance(value, np.ufunc):
            return _Ufunc(value, self.fake._wrap)
        return getattr(self.fake, name)


def _arrays(value: Any) -> Iterator[np.ndarray]:
    if isinstance(value, np.ndarray):
        yield value
    elif isinstance(value, (tuple, list)):
        for v in value:
            yield from _arrays(v)


def _may_stay_on_host(a: np.ndarray, gpu: Any) -> bool:
    """A device array, a 0-d value, or a shape (an integer vector, in host memory as in TF)."""
    return bool(gpu.owns(a)) or a.ndim == 0 or (a.ndim == 1 and a.dtype.kind in "iu")


@contextlib.contextmanager
def watched_gpu() -> Iterator[list[str]]:
    """The simulated GPU, its kernels watched; yields the list of host arrays found."""
    from tests import fakecupy

    with devices.simulated_gpu(_WithUfuncMethods(fakecupy)) as gpu:  # type: ignore[arg-type]
        found: list[str] = []
        measure = gpu.measure

        def watch(kernel: Any, args: tuple[Any, ...], attrs: dict[str, Any], done: Any) -> Any:
            fn = args[0] if args and callable(args[0]) else kernel  # static: _invoke(fn, ...)
            name = getattr(fn, "__qualname__", repr(fn))
            for a in _arrays(list(args)):
                if not _may_stay_on_host(a, gpu):
                    found.append(f"{name}: a host input {a.shape}")
            out = measure(kernel, args, attrs, done)
            for a in _arrays(out):
                if not _may_stay_on_host(a, gpu):
                    found.append(f"{name}: a host result {a.shape}")
            return out

        gpu.measure = watch  # type: ignore[method-assign]
        yield found


def _on_cpu(events: list[dict[str, Any]]) -> list[str]:
    """The nodes that ran on the CPU, less those TensorFlow keeps there too."""
    made = {(e["graph"], e["node"]): e for e in events if e["kind"] == "node_created"}
    cpu = set()
    for e in events:
        if e["kind"] == "node_finished" and e["device"] != "gpu":
            node = made[(e["graph"], e["node"])]
            if node["op"] not in HOST_OPS and node["dtype"] != "string":
                cpu.add(f"{node['name']} ({node['op']})")
    return sorted(cpu)


def _run(path: Path, iterations: int | None) -> list[dict[str, Any]]:
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        with recording() as events:
            load_script(str(path), "cpu", iterations).run()
    return events


@pytest.mark.parametrize("script", EAGER)
def test_pytorch_tutorial_on_the_gpu(script):
    import engine.eager as torch

    with watched_gpu() as found:
        torch.set_default_device("cuda")
        try:
            events = _run(HERE / "eager" / "tutorials" / script, 3)
        finally:
            torch.set_default_device(None)
    assert any(e["kind"] == "node_finished" for e in events)
    assert not _on_cpu(events), f"{script}: ran on the CPU: {_on_cpu(events)}"
    assert not found, f"{script}: {sorted(set(found))}"
    losses = [e["value"] for e in events if e["kind"] == "metric" and e["name"] == "loss"]
    assert losses and np.all(np.isfinite(losses))


@pytest.mark.parametrize("script", STATIC)
def test_tensorflow_tutorial_on_the_gpu(script, monkeypatch):
    import engine.static.session as session

    get_device = session.get_device
    monkeypatch.setattr(session, "get_device", lambda d=None: get_device("gpu" if d is None else d))
    with watched_gpu() as found:
        events = _run(HERE / "static" / "tutorials" / script, None)
    assert any(e["kind"] == "node_finished" for e in events)
    assert not _on_cpu(events), f"{script}: ran on the CPU: {_on_cpu(events)}"
    assert not found, f"{script}: {sorted(set(found))}"

"""``import torch``, ``import tensorflow as tf`` and ``import keras`` resolved to the engine,
for one script only.

While :func:`framework_aliases` is active, ``torch`` (and ``torch.nn``, ``torch.optim``,
``torch.utils.data``, ``torch.autograd``, ``torch.nn.functional``, ...) name ``engine.eager``
and its parts, ``tensorflow`` names ``engine.static`` and ``keras`` (the standalone Keras of
the 2017 slides: ``from keras.models import Sequential``, ``from keras.layers.core import
Dense``) names ``engine.static.keras``. The names are put in ``sys.modules`` (and a finder
resolves any other ``torch.*`` name to the engine's object of the same path), so the script
gets the very module objects the engine uses; afterwards every alias is removed and whatever
was there before is put back (and the PyTorch 0.1 mode a script may have turned on by
importing ``Variable`` from ``torch.autograd``, :mod:`engine.eager.legacy`, is off again). A
framework module the engine does not have fails to import
with one line naming it: ``cgviz: tensorflow.contrib.rnn is not supported by the engine (see
'python -m engine api')``.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import sys
import types
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

ALIASES = {"torch": "engine.eager", "tensorflow": "engine.static", "keras": "engine.static.keras"}
"""Framework name -> the engine front end it resolves to."""

KNOWN = {
    "torch": (
        "nn",
        "nn.functional",
        "nn.init",
        "optim",
        "optim.lr_scheduler",
        "autograd",
        "utils",
        "utils.data",
        "cuda",
    ),
    "tensorflow": (
        "nn",
        "train",
        "losses",
        "layers",
        "contrib",
        "contrib.layers",
        "errors",
        "data",
        "metrics",
        "keras",
        "keras.layers",
        "keras.models",
        "keras.optimizers",
        "keras.losses",
        "keras.backend",
    ),
    "keras": (
        "models",
        "layers",
        "layers.core",
        "optimizers",
        "losses",
        "activations",
        "backend",
        "utils",
        "callbacks",
    ),
}
"""Submodule names put in place at once (where the front end has them)."""

_MISSING = object()


def resolve(path: str) -> Any:
    """The engine object a dotted framework-relative path names, or ``_MISSING``.

    ``resolve("engine.eager.nn.functional")`` imports the module if there is one, else walks
    attributes (a front end may expose ``nn.functional`` as an attribute, not a file).
    """
    try:
        return importlib.import_module(path)
    except ModuleNotFoundError as e:
        if e.name is None or not path.startswith(e.name):
            raise
    parent, _, leaf = path.rpartition(".")
    if not parent:
        return _MISSING
    owner = resolve(parent)
    if owner is _MISSING:
        return _MISSING
    return getattr(owner, leaf, _MISSING)


def unsupported(name: str) -> str:
    """The one line saying that the engine lacks the framework name ``name``."""
    return f"cgviz: {name} is not supported by the engine (see 'python -m engine api')"


class _AliasFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Finds ``torch.*`` / ``tensorflow.*`` names the eager alias table did not list."""

    def __init__(self, aliases: dict[str, str]) -> None:
        self.aliases = aliases
        self.added: list[str] = []
        self._own_spec: tuple[Any, Any] = (None, None)

    def target(self, fullname: str) -> str | None:
        top, _, rest = fullname.partition(".")
        base = self.aliases.get(top)
        if base is None:
            return None
        return f"{base}.{rest}" if rest else base

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: types.ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        name = self.target(fullname)
        if name is None:
            return None
        try:
            obj = resolve(name)
        except ModuleNotFoundError:
            obj = _MISSING
        if obj is _MISSING:
            raise ModuleNotFoundError(unsupported(fullname), name=fullname)
        return importlib.util.spec_from_loader(fullname, self, origin=name)

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> Any:
        obj = resolve(str(spec.origin))
        self.added.append(spec.name)
        # importlib stamps __spec__ on what we return; keep the engine module's own.
        self._own_spec = (obj, getattr(obj, "__spec__", None))
        return obj

    def exec_module(self, module: Any) -> None:
        obj, spec = self._own_spec
        if isinstance(obj, types.ModuleType) and spec is not None:
            obj.__spec__ = spec


@contextmanager
def framework_aliases(aliases: dict[str, str] | None = None) -> Iterator[dict[str, str]]:
    """Install the aliases for the block; yields framework name -> engine module name.

    Front ends that do not import (not written yet, or broken) are skipped: the script's
    ``import torch`` then fails with Python's own error.
    """
    table = dict(ALIASES if aliases is None else aliases)
    saved: dict[str, Any] = {}
    installed: dict[str, str] = {}

    def put(name: str, obj: Any) -> None:
        if name not in saved:
            saved[name] = sys.modules.get(name, _MISSING)
        sys.modules[name] = obj

    for framework, target in table.items():
        try:
            front = importlib.import_module(target)
        except ImportError:
            continue
        installed[framework] = target
        put(framework, front)
        for sub in KNOWN.get(framework, ()):
            obj = resolve(f"{target}.{sub}")
            if obj is not _MISSING:
                put(f"{framework}.{sub}", obj)
    finder = _AliasFinder(installed)
    sys.meta_path.insert(0, finder)
    # a script that takes torch.autograd.Variable gets the PyTorch 0.1 idioms, for its run only
    legacy = sys.modules.get("engine.eager.legacy") if "torch" in installed else None
    if legacy is not None:
        legacy.arm()
    try:
        yield installed
    finally:
        if legacy is not None:
            legacy.disarm()
        sys.meta_path.remove(finder)
        for name in finder.added:
            saved.setdefault(name, _MISSING)
        for name, old in saved.items():
            if old is _MISSING:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = old

"""Namespaces of the ``tf`` front end (``tf.nn``, ``tf.train``...) that name what is missing.

A script asking for a name the engine does not have gets one clear line instead of an
``AttributeError`` about ``SimpleNamespace``::

    cgviz: tf.contrib.rnn is not supported by the engine (see 'python -m engine api')

:class:`Unsupported` is an ``AttributeError``, so ``hasattr`` and ``getattr(x, name, default)``
keep working.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

HINT = "(see 'python -m engine api')"


class Unsupported(AttributeError):
    """A framework name the engine does not provide.

    Attributes:
        path: the dotted name as the user wrote it (``tf.contrib.rnn``).
    """

    def __init__(self, path: str) -> None:
        super().__init__(f"cgviz: {path} is not supported by the engine {HINT}")
        self.path = path


class Namespace(SimpleNamespace):
    """A ``SimpleNamespace`` that knows its dotted path and names a missing member.

    Args:
        path: how users spell it (``tf.nn``).
        members: its attributes.
    """

    def __init__(self, path: str, /, **members: Any) -> None:
        super().__init__(**members)
        object.__setattr__(self, "_path", path)
        # a package's mark: ``import tensorflow.contrib.rnn`` then asks the import system's
        # finders (which name what is missing) instead of failing with "not a package"
        object.__setattr__(self, "__path__", [])
        object.__setattr__(self, "__spec__", None)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        raise Unsupported(f"{object.__getattribute__(self, '_path')}.{name}")

    def __repr__(self) -> str:
        return f"<module '{object.__getattribute__(self, '_path')}' (cgviz engine)>"


def missing_names(prefix: str) -> Any:
    """A module-level ``__getattr__`` for a module users know as ``prefix``: a missing name
    raises :class:`Unsupported` (dunder probes stay plain AttributeErrors)."""

    def __getattr__(name: str) -> Any:  # noqa: N807 - the module hook's name
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        raise Unsupported(f"{prefix}.{name}")

    return __getattr__

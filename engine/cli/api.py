"""``python -m engine api [torch|tf|keras]``: what each front end supports, found by looking.

The lists are not kept by hand: they come from walking the front-end module objects that
``import torch`` / ``import tensorflow`` resolve to (``engine.cli.aliases.ALIASES``), so a name
added to a front end shows here at once. The same walk names what a script asked for and the
engine lacks (:func:`unsupported_message`), so ``cgviz run`` can say it in one line instead of
an ``AttributeError`` on an engine object.
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import re
import types
from typing import Any

from engine.cli.aliases import ALIASES

SHORT = {"tf": "tensorflow"}
"""Spellings accepted on the command line for a framework of ``ALIASES``."""
HINT = "(see 'python -m engine api')"


def add_parser(sub: Any) -> None:
    """Register the ``api`` subcommand."""
    p = sub.add_parser(
        "api",
        help="list the framework names the engine supports",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "framework",
        nargs="?",
        help=f"one of: {', '.join(sorted({*ALIASES, *SHORT}))} (default: all)",
    )
    p.set_defaults(handler=main)


def main(args: argparse.Namespace) -> int:
    """Print the supported names of one framework (or all); returns the exit code."""
    from engine.cli.common import UsageError

    wanted = args.framework
    names = list(ALIASES) if wanted is None else [SHORT.get(wanted, wanted)]
    for name in names:
        if name not in ALIASES:
            known = ", ".join(sorted({*ALIASES, *SHORT}))
            raise UsageError(f"api: no framework {wanted!r} (one of: {known})")
    for name in names:
        print(format_listing(name, walk(name)))
    return 0


def _front(framework: str) -> Any:
    try:
        return importlib.import_module(ALIASES[framework])
    except ImportError:
        return None


def _members(cls: type, listed: set[int]) -> list[str]:
    """A class's public members, less those of a base listed on its own (``nn.Module``'s are
    not repeated under every layer); mixins that assemble a class count as the class."""
    own: set[str] = set()
    for base in cls.__mro__:
        if base is object or (base is not cls and id(base) in listed):
            break
        own.update(n for n in vars(base) if not n.startswith("_"))
    inherited = {n for base in cls.__mro__[1:] if id(base) in listed for n in vars(base)}
    return sorted(own - inherited)


def _foreign(value: Any, package: str) -> bool:
    """Imported into a front end rather than part of it (``typing.Any``, ``annotations``)."""
    if type(value).__module__ == "__future__":
        return True
    module = getattr(value, "__module__", None)
    return (inspect.isclass(value) or inspect.isfunction(value)) and not str(module).startswith(
        package
    )


def _public(owner: Any) -> list[str]:
    """The public names of a module or namespace: its ``__all__`` where it has one; else, for a
    module, what it defines itself (no imported helper: ``models`` importing ``optimizers as
    kopt``, ``typing.TYPE_CHECKING``), and for a namespace, all it holds."""
    names = getattr(owner, "__all__", None)
    if names is not None:
        return list(names)
    public = [n for n in vars(owner) if not n.startswith("_")]
    if not isinstance(owner, types.ModuleType):
        return public
    return [n for n in public if n != "TYPE_CHECKING" and _defined_in(owner, vars(owner)[n])]


def _defined_in(module: types.ModuleType, value: Any) -> bool:
    """Whether ``value`` belongs to ``module``: its own submodule, a function or class it
    defines, or a plain value (a constant, a legacy tensor type)."""
    if isinstance(value, types.ModuleType):
        return value.__name__.rpartition(".")[0] == module.__name__
    if inspect.isclass(value) or inspect.isfunction(value):
        return bool(value.__module__ == module.__name__)
    return True


def walk(framework: str) -> dict[str, list[str]]:
    """``{dotted owner: [public names]}`` for the front end of ``framework``: its modules and
    namespaces, and the classes with members of their own (``torch.Tensor``)."""
    front = _front(framework)
    if front is None:
        return {}
    package = front.__name__
    listing: dict[str, list[str]] = {}
    seen: set[int] = set()
    listed = {i for i, path in _paths().items() if path.split(".")[0] == framework}

    def visit(owner: Any, path: str) -> None:
        if id(owner) in seen:
            return
        seen.add(id(owner))
        names = []
        for name in sorted(_public(owner)):
            value = getattr(owner, name, None)
            if isinstance(value, types.ModuleType):
                if value.__name__.startswith(package):
                    visit(value, f"{path}.{name}")
                continue
            if _foreign(value, package):
                continue
            names.append(name)
            if isinstance(value, types.SimpleNamespace):
                visit(value, f"{path}.{name}")
            elif inspect.isclass(value) and value.__module__.startswith(package):
                members = _members(value, listed)
                if members and id(value) not in seen:
                    seen.add(id(value))
                    listing[f"{path}.{name}"] = members
        if names:  # (a package of modules only, ``torch.utils``, has no names of its own)
            listing[path] = names

    visit(front, framework)
    return dict(sorted(listing.items()))


def format_listing(framework: str, listing: dict[str, list[str]]) -> str:
    """The listing as text: one heading per owner, its names wrapped at 100 columns."""
    if not listing:
        return f"{framework}: the engine's front end for it does not import"
    total = sum(len(v) for v in listing.values())
    lines = [f"{framework} ({ALIASES[framework]}): {total} names"]
    for owner, names in listing.items():
        lines.append(f"  {owner}:")
        row = "   "
        for n in names:
            if len(row) + len(n) + 1 > 100:
                lines.append(row)
                row = "   "
            row += " " + n
        lines.append(row)
    return "\n".join(lines)


def _paths() -> dict[int, str]:
    """id of every module, namespace and class of every front end -> its framework path."""
    out: dict[int, str] = {}
    for framework in ALIASES:
        front = _front(framework)
        if front is None:
            continue
        package = front.__name__
        stack: list[tuple[Any, str]] = [(front, framework)]
        while stack:
            owner, path = stack.pop()
            if id(owner) in out:
                continue
            out[id(owner)] = path
            for name in _public(owner):
                value = getattr(owner, name, None)
                inside = isinstance(value, types.ModuleType) and value.__name__.startswith(package)
                if inside or isinstance(value, types.SimpleNamespace):
                    stack.append((value, f"{path}.{name}"))
                elif inspect.isclass(value) and value.__module__.startswith(package):
                    out.setdefault(id(value), f"{path}.{name}")
    return out


def _module_path(module_name: str) -> str | None:
    """``engine.eager.nn`` -> ``torch.nn`` (None: not a front end's module)."""
    for framework, target in ALIASES.items():
        if module_name == target or module_name.startswith(target + "."):
            return framework + module_name[len(target) :]
    return None


def _raised_in(exc: BaseException, filename: str) -> bool:
    """Whether the innermost frame of ``exc``'s traceback runs ``filename``."""
    tb = exc.__traceback__
    if tb is None:
        return False
    while tb.tb_next is not None:
        tb = tb.tb_next
    return tb.tb_frame.f_code.co_filename == filename


_CANNOT_IMPORT = re.compile(r"cannot import name '([^']+)' from '([^']+)'")


def unsupported_message(exc: BaseException, filename: str | None = None) -> str | None:
    """The one line for a framework name the engine lacks, or None where ``exc`` is not that.

    Recognised: an attribute missing on a front end's module, namespace, class or tensor
    (``torch.nn.LSTM``, ``tf.contrib.rnn``, ``x.unfold``), ``from torch.nn import LSTM``, and
    ``import torch.foo``.

    Args:
        exc: what a script raised.
        filename: the script's file: a missing attribute then counts only where the script's
            own line asked for it (the engine's own code asking is a bug to show in full).
    """
    from engine.static.namespace import Unsupported

    missing: str | None = None
    if isinstance(exc, Unsupported):
        missing = exc.path  # a tf namespace or keras module named it as the user spelled it
    elif filename is not None and isinstance(exc, AttributeError) and not _raised_in(exc, filename):
        return None
    elif isinstance(exc, AttributeError) and exc.name and not exc.name.startswith("_"):
        obj = getattr(exc, "obj", None)
        paths = _paths()
        owner = paths.get(id(obj))
        if owner is None and obj is not None and not inspect.isclass(obj):
            owner = paths.get(id(type(obj)))
        if owner is not None:
            missing = f"{owner}.{exc.name}"
    elif isinstance(exc, ImportError):
        m = _CANNOT_IMPORT.search(str(exc))
        if m and (owner := _module_path(m.group(2))) is not None:
            missing = f"{owner}.{m.group(1)}"
        elif isinstance(exc, ModuleNotFoundError) and exc.name:
            top = exc.name.split(".")[0]
            if top in ALIASES and "." in exc.name:
                missing = exc.name
    if missing is None:
        return None
    return f"{missing} is not supported by the engine {HINT}"

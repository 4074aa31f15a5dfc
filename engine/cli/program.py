"""What ``run`` runs: a user's script or a built-in scene, loaded and checked before running.

Loading never raises anything but :class:`UsageError` (missing file, not Python, unknown
scene), so user mistakes are one line. Running raises whatever the program raises; the
traceback shown for it keeps the user's frames (engine frames are hidden unless
``CGVIZ_DEBUG`` is set).
"""

from __future__ import annotations

import ast
import builtins
import contextlib
import io
import os
import sys
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import engine
from engine.cli.aliases import ALIASES, framework_aliases
from engine.cli.common import UsageError, note
from engine.events import STREAM
from engine.trace_text import safe_text

ENGINE_DIR = str(Path(engine.__file__).resolve().parent) + os.sep


@dataclass
class Program:
    """A loaded script or scene.

    Attributes:
        label: what messages call it (the script's path or ``scene NAME``).
        filename: the file name its code objects carry (tracebacks start there).
        run: runs it; returns when it finished, raises what it raised.
        header: extra fields for the trace file's header.
    """

    label: str
    filename: str
    run: Callable[[], Any]
    header: dict[str, Any]


# ------------------------------------------------------------------ scenes


def load_scene(name: str, device: str, iterations: int | None, small: bool, seed: int) -> Program:
    """A built-in scene, by name.

    Raises:
        UsageError: no scene of that name (the message lists the scenes there are).
    """
    from engine.scenes import get_scene

    try:
        scene = get_scene(name)
    except KeyError as e:
        raise UsageError(str(e.args[0])) from None
    if iterations is not None and not scene.loop:
        note(f"scene {name!r} has no loop; --iterations ignored")
    return Program(
        label=f"scene {name}",
        filename=f"scene:{scene.file}",
        run=lambda: scene.run(device, iterations, seed=seed, small=small),
        header={"scene": name, "device": device},
    )


# ------------------------------------------------------------------ scripts


def load_script(
    path_text: str, device: str, iterations: int | None, say_aliases: bool = True
) -> Program:
    """A user's script: read, parsed, loop bound and device lines edited as asked; where
    ``say_aliases``, running it says on stderr which engine front end each framework import
    resolves to (the app says so in its caption, in the user's language).

    Raises:
        UsageError: the file is missing, a directory, unreadable, not a ``.py`` file or not
            valid Python.
    """
    path = Path(path_text)
    if not path.exists():
        raise UsageError(f"no such file: {path_text}")
    if path.is_dir():
        raise UsageError(f"{path_text} is a directory, not a Python script")
    if path.suffix != ".py":
        raise UsageError(f"{path_text} is not a Python script (expected a .py file)")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise UsageError(f"{path_text} is not a Python script (not UTF-8 text)") from None
    except OSError as e:
        raise UsageError(f"cannot read {path_text}: {e.strerror or e}") from None
    if device != "cpu":
        text = _gpu_edits(text, path_text)
    filename = str(path)
    try:
        tree = ast.parse(text, filename=filename)
        bound = _LoopBound(iterations)
        if iterations is not None:
            tree = ast.fix_missing_locations(bound.visit(tree))
        code = compile(tree, filename, "exec")
    except SyntaxError as e:
        where = f"{path_text}:{e.lineno}" if e.lineno else path_text
        raise UsageError(f"{where}: not valid Python: {e.msg}") from None
    except ValueError as e:  # null bytes
        raise UsageError(f"{path_text}: not valid Python: {e}") from None
    if iterations is not None and not bound.count:
        note(
            f"--iterations: no top-level `for ... in range(<number>)` loop in {path_text}; "
            "running it as written"
        )
    imported = _frameworks(tree)

    def run() -> Any:
        namespace: dict[str, Any] = {
            "__name__": "__main__",
            "__file__": filename,
            "__builtins__": builtins,
        }
        from engine.scenes import end_eager_iteration, fresh_state

        fresh_state()  # a run before this one (in this process) may have ended mid-iteration
        old_argv, folder = sys.argv, str(path.resolve().parent)
        sys.argv = [filename]
        sys.path.insert(0, folder)  # as `python SCRIPT.py` does: its folder's modules import
        try:
            with framework_aliases() as installed:
                for framework in imported:
                    target = ALIASES[framework]
                    if framework not in installed:
                        note(f"'import {framework}' cannot resolve: {target} does not import")
                    elif say_aliases:
                        note(f"'import {framework}' resolves to {target} for this script")
                try:
                    exec(code, namespace)  # noqa: S102 - running the user's script is the point
                except (AttributeError, ImportError) as e:  # a framework name the engine lacks:
                    from engine.cli.api import unsupported_message  # one line, no traceback

                    if (missing := unsupported_message(e, filename)) is None:
                        raise
                    note(missing)
                    raise SystemExit(1) from None
            end_eager_iteration()
        finally:
            sys.argv = old_argv
            if folder in sys.path:
                sys.path.remove(folder)
        return namespace

    return Program(
        label=path_text, filename=filename, run=run, header={"script": path.name, "device": device}
    )


def _frameworks(tree: ast.AST) -> list[str]:
    """The aliased frameworks (``torch``, ``tensorflow``) the script imports, in order."""
    found: list[str] = []
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names = [node.module]
        for name in names:
            top = name.split(".")[0]
            if top in ALIASES and top not in found:
                found.append(top)
    return found


def _gpu_edits(text: str, label: str) -> str:
    """Switch the lecture's device lines to the GPU, as scenes do."""
    from engine.scenes import GPU_EDITS

    edited = text
    for old, new in GPU_EDITS:
        edited = edited.replace(old, new)
    if edited == text:
        note(
            f"--device gpu: {label} names no CPU device line to switch "
            "(torch.FloatTensor, torch.device('cpu'), tf.device('/cpu:0')); running it as written"
        )
    else:
        note(f"--device gpu: switched {label}'s device lines to the GPU")
    return edited


class _LoopBound(ast.NodeTransformer):
    """Replaces N in top-level ``for ... in range(N)`` loops (not inside functions/loops)."""

    def __init__(self, iterations: int | None) -> None:
        self.iterations = iterations
        self.count = 0

    def visit_For(self, node: ast.For) -> ast.For:
        it = node.iter
        if (
            isinstance(it, ast.Call)
            and isinstance(it.func, ast.Name)
            and it.func.id == "range"
            and len(it.args) == 1
            and isinstance(it.args[0], ast.Constant)
            and isinstance(it.args[0].value, int)
        ):
            it.args[0] = ast.copy_location(ast.Constant(self.iterations), it.args[0])
            self.count += 1
        return node  # nested loops keep their bounds

    def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.FunctionDef:
        return node

    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef) -> ast.AsyncFunctionDef:
        return node

    def visit_ClassDef(self, node: ast.ClassDef) -> ast.ClassDef:
        return node


# ------------------------------------------------------------------ how a script ended


def script_ending(exc: BaseException, program: Program) -> dict[str, Any] | None:
    """How a program that raised ``exc`` ended, as the payload of an ``error`` event; None
    for a clean end (``sys.exit()``, ``sys.exit(0)``).

    Its ``exit_code`` is what ``python SCRIPT.py`` would exit with: ``sys.exit(3)`` gives 3,
    ``sys.exit("fatal")`` 1 (and the message "fatal"), a ``KeyboardInterrupt`` the script
    raised 130, any other exception 1. A script that raised carries its ``traceback`` (engine
    frames hidden). Texts are made safe to show (:func:`engine.trace_text.safe_text`).

    Args:
        exc: what ended the program (not the engine's own ``Stopped``).
        program: the program it ended.
    """
    code = exit_code(exc)
    if isinstance(exc, SystemExit):
        if code == 0 and not isinstance(exc.code, str):
            return None
        if isinstance(exc.code, int):  # bool included, as Python takes it
            message = f"{safe_text(program.label)} called sys.exit({exc.code!r})"
        else:
            message = safe_text(exc.code, multiline=True)
        return {
            "type": "SystemExit",
            "message": message,
            "exit_code": code,
            "label": safe_text(program.label),
        }
    return {
        "type": type(exc).__name__,
        "message": safe_text(exc, multiline=True)
        or ("interrupted" if isinstance(exc, KeyboardInterrupt) else ""),
        "traceback": safe_text(user_traceback(exc, program.filename), multiline=True),
        "label": safe_text(program.label),
        "exit_code": code,
    }


def exit_code(exc: BaseException) -> int:
    """The exit code Python gives a script that ends by raising ``exc``."""
    if isinstance(exc, SystemExit):
        if exc.code is None:
            return 0
        if isinstance(exc.code, int):
            return int(exc.code) & 0xFF  # what the operating system keeps
        return 1  # sys.exit("message"): Python prints the message, exits 1
    if isinstance(exc, KeyboardInterrupt):
        return 130  # 128 + SIGINT, as a shell reports Python's own interrupt
    return 1


# ------------------------------------------------------------------ tracebacks


def user_traceback(exc: BaseException, filename: str) -> str:
    """The traceback of ``exc`` from the program's first frame on, engine frames hidden."""
    tb = exc.__traceback__
    while tb is not None and tb.tb_frame.f_code.co_filename != filename:
        tb = tb.tb_next
    te = traceback.TracebackException(type(exc), exc, tb or exc.__traceback__)
    hidden = 0
    if not os.environ.get("CGVIZ_DEBUG"):
        hidden = _hide_engine_frames(te, set())
    text = "".join(te.format())
    if hidden:
        text += f"({hidden} engine frame(s) hidden; CGVIZ_DEBUG=1 shows them)\n"
    return text


def _hide_engine_frames(te: traceback.TracebackException, seen: set[int]) -> int:
    if id(te) in seen:
        return 0
    seen.add(id(te))
    keep = [f for f in te.stack if not _internal(f.filename)]
    hidden = len(te.stack) - len(keep)
    if keep:  # never hide everything: an engine bug must still show where
        te.stack = traceback.StackSummary.from_list(keep)
    else:
        hidden = 0
    for chained in (te.__cause__, te.__context__):
        if chained is not None:
            hidden += _hide_engine_frames(chained, seen)
    return hidden


def _internal(filename: str) -> bool:
    return filename.startswith(ENGINE_DIR) or filename.startswith("<frozen importlib")


class _Printed(io.TextIOBase):
    """A text stream that emits each finished line as an ``output`` event.

    A line is sent as a terminal would leave it, and safe to show: a carriage return keeps
    what was written after it (a progress bar's last state), control characters are made
    visible (a script's colour codes or title sequences are text in the UI and in a trace).
    """

    def __init__(self, stream: str) -> None:
        self.stream, self._part = stream, ""

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        *lines, self._part = (self._part + text).split("\n")
        for line in lines:
            STREAM.emit("output", text=_as_shown(line), stream=self.stream)
        return len(text)

    def flush(self) -> None:
        if self._part:
            STREAM.emit("output", text=_as_shown(self._part), stream=self.stream)
            self._part = ""


def _as_shown(line: str) -> str:
    """One printed line as a terminal leaves it (after its last carriage return), made safe."""
    line = line.rstrip("\r")
    if "\r" in line:
        line = line.rsplit("\r", 1)[1]
    return safe_text(line, multiline=True)


@contextlib.contextmanager
def printed_as_events() -> Iterator[None]:
    """While inside, what the script prints (stdout and stderr) becomes ``output`` events, so
    a UI that runs it in another process can show it instead of losing it."""
    out, err = _Printed("stdout"), _Printed("stderr")
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            yield
    finally:
        out.flush()
        err.flush()

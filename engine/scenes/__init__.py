"""Scenes: the lecture's listings as runnable programs, in lecture order.

A scene is a listing file in ``listings/`` (the lecture's code with only the import lines
changed to ``engine.static`` / ``engine.eager``) plus what the screen needs: a title, a
one-line caption of the lecture's point, and the edits that switch it to the GPU, change the
number of iterations or shrink it for tests. Edits replace text within a line, so every line
number of the shown listing is the line number in events.
"""

from __future__ import annotations

import linecache
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from engine.events import STREAM

LISTINGS = Path(__file__).parent / "listings"
__all__ = ["SCENES", "Scene", "get_scene", "DEFAULT_SCENE"]

DEFAULT_SCENE = "two-layer"
GPU_EDITS = (
    (
        "dtype = torch.FloatTensor\n# dtype = torch.cuda.FloatTensor",
        "# dtype = torch.FloatTensor\ndtype = torch.cuda.FloatTensor",
    ),
    ("tf.device('/cpu:0')", "tf.device('/gpu:0')"),
    ("torch.device('cpu')", "torch.device('cuda')"),
    ("tf.Session()", "tf.Session(device='gpu')"),
)


@dataclass(frozen=True)
class Scene:
    """One listing of the lecture, ready to run.

    Attributes:
        name: short id used on the command line (``--scene two-layer``).
        title: what the screen's header shows.
        caption: the lecture's point in one line.
        file: the listing's file name in ``listings/``.
        section: the lecture's part ("intro", "tensorflow", "pytorch", "static-vs-dynamic").
        loop: the text of the listing's main loop bound, replaced to change iterations.
        small: (old, new) text edits that shrink sizes for tests.
        gpu: (old, new) text edits of this listing, beyond ``GPU_EDITS``, that put its
            tensors on the GPU (for listings that name no device themselves).
        title_ko: the title in Korean (the UI prefers it when it speaks Korean).
        caption_ko: the caption in Korean.
        parts: the scene's parts, for listings that run several things one after another:
            (key, title, caption, title_ko, caption_ko); the listing calls
            ``engine.scenes.parts.part(key)`` as each begins, and a ``scene`` event captions it.
        side_functions: for a listing whose two sides can run at the same time, each in its
            own engine process: (side, name of the function the listing defines for it), e.g.
            ``(("static", "tensorflow"), ("eager", "pytorch"))``. Run whole, the listing calls
            them one after the other.
    """

    name: str
    title: str
    caption: str
    file: str
    section: str
    loop: str | None = "range(500)"
    small: tuple[tuple[str, str], ...] = field(default=())
    gpu: tuple[tuple[str, str], ...] = field(default=())
    title_ko: str | None = None
    caption_ko: str | None = None
    parts: tuple[tuple[str, str, str, str, str], ...] = field(default=())
    side_functions: tuple[tuple[str, str], ...] = field(default=())

    def source(
        self, device: str = "cpu", iterations: int | None = None, small: bool = False
    ) -> str:
        """The listing as it will run: device, iteration count and size edits applied."""
        text = (LISTINGS / self.file).read_text(encoding="utf-8")
        if device != "cpu":
            for old, new in (*GPU_EDITS, *self.gpu):
                text = text.replace(old, new)
        if small:
            for old, new in self.small:
                text = text.replace(old, new)
        if iterations is not None and self.loop:
            bound = re.sub(r"\d+", str(int(iterations)), self.loop)
            text = text.replace(self.loop, bound)
        return text

    @property
    def sides(self) -> tuple[str, ...]:
        """The sides that can run on their own (``side_functions``), else ()."""
        return tuple(side for side, _ in self.side_functions)

    def run(
        self,
        device: str = "cpu",
        iterations: int | None = None,
        seed: int = 0,
        small: bool = False,
        side: str | None = None,
    ) -> dict[str, Any]:
        """Run the listing; returns its global namespace after it finished.

        Emits a ``scene`` event first, then whatever the engine emits as the listing runs.
        Errors of the listing propagate (the engine has already emitted an ``error`` event).

        Args:
            side: run only this side's function (see ``side_functions``); None runs them all.

        Raises:
            ValueError: ``side`` is not one of the scene's sides.
        """
        if side is not None and side not in self.sides:
            raise ValueError(f"scene {self.name!r} has no side {side!r}; sides: {self.sides}")
        text = self.source(device, iterations, small)
        filename = f"scene:{self.file}"
        linecache.cache[filename] = (len(text), None, text.splitlines(True), filename)
        if STREAM.active:
            STREAM.emit(
                "scene",
                name=self.name,
                title=self.title,
                caption=self.caption,
                title_ko=self.title_ko,
                caption_ko=self.caption_ko,
                source=text,
                file=filename,
                device=device,
            )
        _reset(seed)
        namespace: dict[str, Any] = {"__name__": "__cgviz_scene__", "__file__": filename}
        from engine.scenes import parts

        with parts.running(self):
            exec(compile(text, filename, "exec"), namespace)  # noqa: S102 - our own listings
            for key, function in self.side_functions:
                if side in (None, key):
                    namespace[function]()
        end_eager_iteration()
        return namespace


def end_eager_iteration() -> None:
    """Close the eager loop's last iteration (its GPU timings arrive, iteration_finished)."""
    eager = sys.modules.get("engine.eager")
    finish = getattr(eager, "new_iteration", None)
    if finish is not None:
        finish()


def fresh_state() -> None:
    """A clean eager trace and a fresh default graph, as a new Python process has them.

    An earlier run that was stopped or raised mid-iteration (``Stopped`` from the pacer, a
    script's exception) leaves that iteration open; the eager tracer forgets it here, so this
    run's first iteration is announced (``iteration_started``, ``graph_created``).
    """
    tracing = sys.modules.get("engine.eager.tracing")
    if tracing is not None:
        tracing.reset(restart=True)
    static = sys.modules.get("engine.static")
    if static is not None:
        static.reset_default_graph()


def _reset(seed: int) -> None:
    """:func:`fresh_state` and seeded generators: every run of a scene the same."""
    np.random.seed(seed)
    fresh_state()
    for module, fn in (
        ("engine.static", "set_random_seed"),
        ("engine.eager", "manual_seed"),
    ):
        mod = sys.modules.get(module)
        if mod is None:
            try:
                mod = __import__(module, fromlist=[fn])
            except ImportError:
                continue
        f = getattr(mod, fn, None)
        if f is not None:
            f(seed)


SCENES: dict[str, Scene] = {}


def add(scene: Scene) -> Scene:
    """Register a scene (in lecture order: the order of registration)."""
    SCENES[scene.name] = scene
    return scene


def get_scene(name: str) -> Scene:
    """The scene called ``name``.

    Raises:
        KeyError: no such scene; the message lists the scenes there are.
    """
    try:
        return SCENES[name]
    except KeyError:
        raise KeyError(f"unknown scene {name!r}; scenes: {', '.join(SCENES)}") from None


from engine.scenes import catalog  # noqa: E402,F401 - registers the lecture's listings

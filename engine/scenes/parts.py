"""Parts of a scene: a listing that runs several things one after another says which begins.

``part(key)`` emits a ``scene`` event for the part (name ``"{scene}:{key}"``, its own title
and caption, Korean ones too, and ``part_of`` the scene; no ``source``, so the listing shown
stays). Outside a scene run, or for a key the scene does not list, it does nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from engine.events import STREAM

if TYPE_CHECKING:
    from engine.scenes import Scene

__all__ = ["part", "running"]

_CURRENT: list[Scene] = []


@contextmanager
def running(scene: Scene) -> Iterator[None]:
    """Mark ``scene`` as the one running inside the block (``part`` looks its parts up)."""
    _CURRENT.append(scene)
    try:
        yield
    finally:
        _CURRENT.pop()


def part(key: str) -> None:
    """Caption the part ``key`` of the running scene (a ``scene`` event)."""
    if not _CURRENT or not STREAM.active:
        return
    scene = _CURRENT[-1]
    for name, title, caption, title_ko, caption_ko in scene.parts:
        if name == key:
            STREAM.emit(
                "scene",
                name=f"{scene.name}:{key}",
                title=title,
                caption=caption,
                title_ko=title_ko,
                caption_ko=caption_ko,
                part_of=scene.name,
                part=key,
            )
            return

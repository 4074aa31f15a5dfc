"""What the app is built from: the user's settings, the test hooks, and the parts the factory
makes of them (:func:`tui.app.cgviz_app.make_app` is the factory)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from textual.theme import Theme

    from tui.app.source import RunSource
    from tui.replay.load import Recording

__all__ = ["DEFAULT_SCENE", "DEFAULT_THEME", "Choices", "Hooks", "Parts", "Settings"]

DEFAULT_SCENE = "two-layer"
DEFAULT_THEME = "cgviz-dark"


@dataclass(frozen=True)
class Settings:
    """What the user asked for (the command line's options)."""

    scene: str = DEFAULT_SCENE
    """Scene to open."""
    device: str = "cpu"
    """Device to run on: "cpu" or "gpu"."""
    theme: str = DEFAULT_THEME
    """cgviz-dark, cgviz-light, projector, colorblind, or a Textual theme."""
    iterations: int | None = None
    """Iterations to run (None: the scene's default)."""
    speed: str = "lecture"
    """Named speed (see :data:`tui.engine_link.controls.SPEEDS`)."""
    seed: int = 0
    """Seed of the engine's random numbers."""
    lang: str = "en"
    """Language of the captions: "en" or "ko"."""
    present: bool = False
    """Start in presentation mode (projector theme, big cues, side panels hidden)."""
    race: bool = False
    """Start in race mode (both sides at full speed, a bar shows who is ahead)."""
    bench: str | None = None
    """Benchmark results the bench screen shows (None: the newest saved ones)."""


@dataclass(frozen=True)
class Hooks:
    """How tests and tools run the app; the factory turns them into :class:`Parts`."""

    deterministic: bool = False
    """Fake timings, every event folded and drawn at once, device facts probed at once."""
    autodrain: bool | None = None
    """Drain on a timer (None: unless deterministic; tests then call ``app.drain()``)."""
    autostart: bool = True
    """Start the scene when the app mounts."""
    stream: Any = None
    """A private event stream (the thread engine then listens there)."""
    gpu_status: Callable[[], tuple[bool, str]] | None = None
    """Stands in for the GPU probe."""
    device_info: Callable[[str], dict[str, Any]] | None = None
    """Stands in for the device facts."""
    themes_dir: str | None = None
    """Where theme files are read from (None: themes/)."""
    engine: str | None = None
    """"process" (engine processes) or "thread" (a worker thread here); None: "thread" when
    deterministic or on a private stream, else "process"."""
    freeze_gc: bool = False
    """Once the first screen is drawn, put every object made so far out of the garbage
    collector's way (``gc.freeze``): a full collection then walks ~5,000 objects instead of
    ~80,000, ~5-15 ms instead of ~50-70 ms of the app's thread, a pause a key would wait
    behind; and the frame collects the old generation itself, between keys
    (:class:`tui.app.collector.Collector`). The CLI sets it; an app in a test leaves it off
    (frozen objects are never freed, and a test process makes many apps)."""
    draw_ahead: bool | None = None
    """The static pane works out ahead, in a helper process, what f, o, g and z would draw
    (None: unless deterministic; a test process makes many apps, and each would keep its
    helper busy for a second or more)."""


@dataclass(frozen=True)
class Parts:
    """What the app is made of, built by the factory from :class:`Settings` and :class:`Hooks`."""

    source: RunSource
    """The live engine or a replay's player."""
    scenes: dict[str, Any]
    """Scenes by name (a replay: none)."""
    scene_problem: str = ""
    """Why there are no scenes ("" when there are)."""
    recording: Recording | None = None
    """The replayed trace: its header gives the device panels and the subtitle."""
    gpu_status: Callable[[], tuple[bool, str]] = lambda: (False, "not probed")
    device_info: Callable[[str], dict[str, Any]] = lambda name: {"device": name}
    themes: list[Theme] = field(default_factory=list)
    """The cgviz themes (t cycles through them)."""
    theme_failures: list[str] = field(default_factory=list)
    """Theme files that could not be read, one line each (shown as notices)."""
    exact: bool = False
    """Draw every frame in full and probe devices at once (tests, deterministic)."""
    timer: bool = True
    """Drain on a timer (else the caller calls ``app.drain()``)."""
    autostart: bool = True
    """Start the scene when the app mounts."""
    stream: Any = None
    """The stream a thread engine listens on (None: the engine's own)."""
    freeze_gc: bool = False
    """Freeze the collector's objects after the first frame (:attr:`Hooks.freeze_gc`)."""
    draw_ahead: bool = False
    """The static pane draws ahead (:attr:`Hooks.draw_ahead`)."""


@dataclass
class Choices:
    """What the user has chosen since the start (keys and the palette change it)."""

    device: str
    scene: str
    present: bool
    race: bool

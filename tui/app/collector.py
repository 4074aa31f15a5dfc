"""Full garbage collections between keys, not inside them.

Python collects its oldest generation when enough objects have survived the young ones; a
key that lays the panes out again makes many objects, so that collection (10-50 ms of the
app's thread with the screen's cached strips, each strip with seven small caches of its own)
came most often inside a key's handling or the frame that shows it: the worst key of fifty
paid it. Once the app has drawn its first screen, :class:`Collector` freezes what was made so
far (it lives as long as the app), leaves the young generations to Python and collects the
old one itself every ``FULL_EVERY_S``, from the frame or right after the refresh that shows a
key's effect (a key pressed during it waits ~5-15 ms; one that made the objects no longer pays
for them).

What survives such a collection is frozen too, so the next walks only what was made since:
the panes' caches (kept drawings, routes, and the screen's cached strips, ~50,000 objects)
made each full collection take 80-115 ms of the app's thread, and a key pressed during one
waited that long. What the frozen objects leave as cyclic garbage (a closed screen, an old
eager graph) is collected by a deep collection, which unfreezes everything first, every
``DEEP_EVERY_S``: a long pause once a minute, not every two seconds.
"""

from __future__ import annotations

import gc
import time

__all__ = ["DEEP_EVERY_S", "FULL_EVERY_S", "OVERDUE_S", "Collector"]

FULL_EVERY_S = 2.0
"""How often the frame collects the old generation (Python's own pace here was every 1-3 s)."""
DEEP_EVERY_S = 60.0
"""How often a collection unfreezes what earlier ones froze and walks it all."""
OVERDUE_S = 3 * FULL_EVERY_S
"""A collection this late waits for no key's effect."""
BY_HAND = 1_000_000
"""The old generation's threshold once the frame collects it (Python never reaches it)."""


class Collector:
    """Collects the old generation at moments no key waits for (once :meth:`take_over` ran)."""

    def __init__(self) -> None:
        self.active = False
        """The frame collects the old generation (Python does until :meth:`take_over`)."""
        self._at = self._deep_at = time.monotonic()
        self._waiting = False
        self._held = 0.0
        """No collection before this time (a key whose effect comes later, a step's node)."""
        self._threshold: tuple[int, int, int] | None = None

    def take_over(self) -> None:
        """Collect once, freeze every object made so far (widgets, styles and modules live as
        long as the app: a full collection then walks what was made since, not ~80,000
        objects), and collect the old generation from the frame from now on."""
        gc.collect()
        gc.freeze()
        self._threshold = young, middle, old = gc.get_threshold()
        gc.set_threshold(young, middle, BY_HAND)
        self.active = True
        self._at = self._deep_at = time.monotonic()

    def give_back(self) -> None:
        """Python collects the old generation again (the app ends)."""
        gc.unfreeze()
        if self._threshold is not None:
            gc.set_threshold(*self._threshold)
            self._threshold = None
        self.active = False

    def key(self, hold: float = 0.0) -> None:
        """A key was pressed: no collection until :meth:`shown`, nor for ``hold`` seconds
        (its effect comes later than the next refresh: a step's node from the engine)."""
        self._waiting = True
        self._held = max(self._held, time.monotonic() + hold)

    def shown(self) -> None:
        """The screen was refreshed after the last key: a collection that came due meanwhile
        runs now, before the next key is likely (a frame later, it was often under way when
        the next of a quick run of keys came)."""
        self._waiting = False
        self.between_keys()

    def between_keys(self) -> bool:
        """Collect the old generation if it is due and no key's effect is waiting to be
        shown (called once a frame); True if it did."""
        if not self.active:
            return False
        now = time.monotonic()
        late = now - self._at
        waits = self._waiting or now < self._held
        if late < FULL_EVERY_S or (waits and late < OVERDUE_S):
            return False
        if now - self._deep_at >= DEEP_EVERY_S:
            gc.unfreeze()
            self._deep_at = now
        gc.collect()
        gc.freeze()  # what survived lives on: the next collection walks what was made since
        self._at = time.monotonic()
        return True

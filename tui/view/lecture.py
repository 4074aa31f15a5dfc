"""The lecture's scenes as the app walks them: order, which panes run, the listing for `scenes`.

Scenes come from the engine (``engine.scenes.SCENES``, registered in lecture order); this
module only reads their fields. Which side a scene runs on follows its section: the
TensorFlow part runs a static graph only, the PyTorch part an eager loop only, the
static-vs-dynamic part both (a scene's own ``sides`` field wins when it has one).
"""

from __future__ import annotations

from typing import Any

from rich.cells import cell_len

from tui.i18n import cell_ljust, scene_text, tr

__all__ = ["BOTH", "format_scene_list", "neighbour", "scene_sides"]

BOTH = frozenset({"static", "eager"})
"""Both panes run."""

_BY_SECTION = {"tensorflow": frozenset({"static"}), "pytorch": frozenset({"eager"})}
_BY_NAME = {
    "tf-graph": frozenset({"static"}),
    "torch-graph": frozenset({"eager"}),
    "serialization": frozenset({"static"}),  # static vs dynamic, but its listing is TF only
}


def scene_sides(name: str, scene: Any) -> frozenset[str]:
    """The panes a scene runs: {"static"}, {"eager"} or both (unknown: both)."""
    own = getattr(scene, "sides", None)
    if own:
        return frozenset(own) & BOTH or BOTH
    if name in _BY_NAME:
        return _BY_NAME[name]
    return _BY_SECTION.get(str(getattr(scene, "section", "")), BOTH)


def neighbour(names: list[str], current: str, step: int) -> str | None:
    """The scene ``step`` places after ``current`` in lecture order (no wrap), or None."""
    if not names:
        return None
    if current not in names:
        return names[0]
    i = names.index(current) + step
    return names[i] if 0 <= i < len(names) else None


def format_scene_list(
    scenes: dict[str, Any], default: str, lang: str = "en", captions: bool = True
) -> str:
    """The table ``cgviz scenes`` prints: name, section, title (and caption), lecture order.

    Columns are padded in terminal cells, so Korean titles line up too.
    """
    header = tuple(tr("scenes.header", lang).split("|"))
    rows = [header]
    texts = {}
    for name, scene in scenes.items():
        title, caption = scene_text(name, scene, lang)
        texts[name] = caption
        rows.append(
            (name + (" *" if name == default else ""), str(getattr(scene, "section", "")), title)
        )
    widths = [max(cell_len(r[i]) for r in rows) for i in range(2)]
    out = []
    for n, (name, section, title) in enumerate(rows):
        out.append(f"{cell_ljust(name, widths[0])}  {cell_ljust(section, widths[1])}  {title}")
        if captions and n:
            out.append(" " * (widths[0] + 2) + texts[name.removesuffix(" *")])
    out.append(tr("scenes.footer", lang, name=default))
    return "\n".join(out)

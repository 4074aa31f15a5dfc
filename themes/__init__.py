"""Themes as data: TOML files beside this module, loaded into Textual themes.

Each file holds one theme::

    name = "cgviz-dark"
    dark = true
    [colors]        # Textual's base colours: primary, secondary, accent, foreground,
                    # background, surface, panel, boost, warning, error, success
    [variables]     # our own: node-running, node-done, edge, device-gpu, heat-0 ...

Colours are checked with ``Color.parse``. A file that cannot be read, parsed or validated is
reported in the failures list and skipped; loading never raises for a bad file.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from textual.color import Color, ColorParseError
from textual.theme import Theme

__all__ = ["THEMES_DIR", "VARIABLES", "load_themes", "theme_from_data"]

THEMES_DIR = Path(__file__).parent
"""Where the bundled theme files live."""

BASE_COLOURS = (
    "primary",
    "secondary",
    "accent",
    "foreground",
    "background",
    "surface",
    "panel",
    "boost",
    "warning",
    "error",
    "success",
)
VARIABLES = (
    "node-defined",
    "node-pruned",
    "node-pending",
    "node-running",
    "node-done",
    "node-error",
    "node-grad",
    "edge",
    "edge-dim",
    "device-cpu",
    "device-gpu",
    "heat-0",
    "heat-1",
    "heat-2",
    "heat-3",
    "heat-4",
    "source-current",
)
"""Theme variables of our own (each a colour); a theme may set any of them."""


class ThemeFileError(ValueError):
    """A theme file that cannot be used; the message names the problem."""


def _colour(where: str, value: Any) -> str:
    if not isinstance(value, str):
        raise ThemeFileError(f"{where}: expected a colour string, got {value!r}")
    try:
        Color.parse(value)
    except ColorParseError:
        raise ThemeFileError(f"{where}: {value!r} is not a colour") from None
    return value


def theme_from_data(data: dict[str, Any], origin: str = "<data>") -> Theme:
    """Build a Textual theme from a parsed TOML table.

    Raises:
        ThemeFileError: a missing name or primary colour, an unknown key, or a bad colour.
    """
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ThemeFileError(f"{origin}: 'name' is missing")
    colours = data.get("colors", {})
    if not isinstance(colours, dict) or "primary" not in colours:
        raise ThemeFileError(f"{origin}: [colors] needs at least 'primary'")
    unknown = set(colours) - set(BASE_COLOURS)
    if unknown:
        raise ThemeFileError(f"{origin}: unknown colour(s) {', '.join(sorted(unknown))}")
    variables = data.get("variables", {})
    if not isinstance(variables, dict):
        raise ThemeFileError(f"{origin}: [variables] must be a table")
    checked = {k: _colour(f"{origin}: colors.{k}", v) for k, v in colours.items()}
    extra = {str(k): _colour(f"{origin}: variables.{k}", v) for k, v in variables.items()}
    return Theme(name=name.strip(), dark=bool(data.get("dark", True)), variables=extra, **checked)


def load_themes(directory: Path | str | None = None) -> tuple[list[Theme], list[str]]:
    """Load every ``*.toml`` theme of a directory (default: the bundled ones).

    Returns:
        (themes in file-name order, one message per file that failed).
    """
    themes: list[Theme] = []
    failures: list[str] = []
    folder = Path(directory) if directory is not None else THEMES_DIR
    for path in sorted(folder.glob("*.toml")):
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
            themes.append(theme_from_data(data, path.name))
        except (OSError, UnicodeDecodeError) as e:
            failures.append(f"{path.name}: cannot read: {e}")
        except tomllib.TOMLDecodeError as e:
            failures.append(f"{path.name}: not valid TOML: {e}")
        except ThemeFileError as e:
            failures.append(str(e))
    return themes, failures

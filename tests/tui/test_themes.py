"""Theme files: the bundled ones load; a bad one is reported and skipped, never fatal."""

from __future__ import annotations

from pathlib import Path

from textual.color import Color

from tests.tui.conftest import Notified, build_app
from themes import VARIABLES, load_themes

BUNDLED = {"cgviz-dark", "cgviz-light", "projector", "colorblind"}


def test_bundled_themes_load_and_set_every_variable() -> None:
    themes, failures = load_themes()
    assert failures == []
    assert {t.name for t in themes} == BUNDLED
    for theme in themes:
        missing = set(VARIABLES) - set(theme.variables)
        assert not missing, f"{theme.name} lacks {missing}"


def test_bad_files_are_reported_and_skipped(tmp_path: Path) -> None:
    (tmp_path / "good.toml").write_text('name = "good"\n[colors]\nprimary = "#123456"\n')
    (tmp_path / "badcolour.toml").write_text(
        'name = "bad"\n[colors]\nprimary = "#123456"\n[variables]\nedge = "not-a-colour"\n'
    )
    (tmp_path / "broken.toml").write_text("name = = \n")
    (tmp_path / "noname.toml").write_text('[colors]\nprimary = "red"\n')
    themes, failures = load_themes(tmp_path)
    assert [t.name for t in themes] == ["good"]
    assert len(failures) == 3
    joined = "\n".join(failures)
    assert "not-a-colour" in joined and "broken.toml" in joined and "noname.toml" in joined


async def test_app_notifies_theme_failures_and_keeps_running(tmp_path: Path) -> None:
    for theme in Path(__import__("themes").THEMES_DIR).glob("*.toml"):
        (tmp_path / theme.name).write_text(theme.read_text())
    (tmp_path / "zz-bad.toml").write_text('name = "zz"\n[colors]\nprimary = "nope"\n')
    app = build_app(themes_dir=str(tmp_path), autostart=False, theme="projector")
    notified = Notified()  # every notification posted, whether or not its toast has gone
    async with app.run_test(size=(120, 40), message_hook=notified) as pilot:
        await pilot.pause()
        assert app.theme == "projector"
        said = [n.message for n in notified.notes]
        assert any("zz-bad.toml" in m for m in said), said


def _luminance(colour: str) -> float:
    """WCAG relative luminance of a colour."""
    c = Color.parse(colour)
    lin = [v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4 for v in c.normalized]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def _contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two colours (1 to 21)."""
    dark, light = sorted((_luminance(a), _luminance(b)))
    return (light + 0.05) / (dark + 0.05)


def test_every_state_reads_on_the_pane_and_pruned_is_not_defined() -> None:
    """On a projector a colour under 3:1 against its background vanishes (WCAG's floor for
    graphics and large text): light's pruned nodes were 2.1:1, dark's 2.3:1, and pruned nodes
    are what tf-variables is about (the assigns that never run). Dim edges stay visible, and
    pruned stays apart from defined (its dashed border says it too)."""
    themes, _ = load_themes()
    for theme in themes:
        pane = theme.surface or theme.background
        assert pane is not None
        colours = theme.variables
        for name in VARIABLES:
            if name.startswith(("node-", "heat-", "device-")) or name == "edge":
                ratio = _contrast(colours[name], pane)
                assert ratio >= 3.0, f"{theme.name}: {name} {ratio:.2f}:1 on {pane}"
        assert _contrast(colours["edge-dim"], pane) >= 2.0, theme.name
        assert _contrast(colours["node-pruned"], colours["node-defined"]) >= 1.5, theme.name

"""Theme files: the bundled ones load; a bad one is reported and skipped, never fatal."""

from __future__ import annotations

from pathlib import Path

from tests.tui.conftest import build_app
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
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert app.theme == "projector"
        messages = [n.message for n in app._notifications]
        assert any("zz-bad.toml" in m for m in messages)

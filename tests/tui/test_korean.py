"""Korean all the way (--lang ko): the footer's words and tooltips too."""

from __future__ import annotations

from tests.tui.conftest import build_app, finish
from tui.i18n import KEY_WORDS


def test_every_binding_with_an_id_has_korean_words() -> None:
    app = build_app(iterations=1, autostart=False)
    ids = {b.id for group in app._bindings.key_to_bindings.values() for b in group if b.id}
    assert ids and not ids - set(KEY_WORDS["ko"]), sorted(ids - set(KEY_WORDS["ko"]))


async def test_the_footer_speaks_korean() -> None:
    app = build_app(iterations=1, lang="ko")
    async with app.run_test(size=(160, 48)) as pilot:
        await finish(pilot)
        shown = {b.id: b.description for _, b, *_ in app.screen.active_bindings.values() if b.show}
        assert shown["app.quit"] == "종료" and shown["run.pause"] == "일시정지"
        assert all(not desc.isascii() for bid, desc in shown.items() if bid in KEY_WORDS["ko"])
        groups = {
            b.group.description for _, b, *_ in app.screen.active_bindings.values() if b.group
        }
        assert groups == {"장면", "속도"}

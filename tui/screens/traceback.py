"""A modal panel with the traceback of a user's script that raised (the app keeps running).

Every text here comes from the script (or a trace): shown as plain text, never as markup,
with control characters made visible (``safe_text``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from tui.engine_link import safe_text
from tui.screens import SCREENSHOT

if TYPE_CHECKING:
    from textual.app import ComposeResult


class TracebackScreen(ModalScreen[None]):
    """The user's traceback (engine frames hidden), titled with what raised; escape closes."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "escape,q,enter",
            "dismiss",
            "Close",
            tooltip="Close the traceback",
            id="traceback.close",
        ),
        SCREENSHOT,
    ]

    def __init__(self, title: str, text: str, footer: str) -> None:
        super().__init__()
        self.title_text, self.text, self.footer = title, text, footer

    def compose(self) -> ComposeResult:
        with Vertical(id="traceback-box") as box:
            box.border_title = Content(safe_text(self.title_text))
            box.border_subtitle = Content(safe_text(self.footer))
            with VerticalScroll(id="traceback-body"):
                yield Static(Content(safe_text(self.text, multiline=True)), id="traceback-text")

"""The default session: the innermost ``Session.as_default()`` block (``Tensor.eval``,
``Operation.run`` and ``Variable.load`` use it when given no session)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .graph import _STACK

if TYPE_CHECKING:
    from .session import Session


def get_default_session() -> Session | None:
    """The innermost default session, or None."""
    return _STACK.sessions[-1] if _STACK.sessions else None


def _session_for(session: Session | None, what: str) -> Session:
    s = session or get_default_session()
    if s is None:
        if what == "execute operation":
            raise ValueError(
                "Cannot execute operation using `run()`: No default session is "
                "registered. Use `with sess.as_default():` or pass an explicit "
                "session to `run(session=sess)`"
            )
        raise ValueError(
            f"Cannot {what} using `eval()`: No default session is registered. Use "
            f"`with sess.as_default()` or pass an explicit session to "
            f"`eval(session=sess)`"
        )
    return s

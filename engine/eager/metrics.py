"""What an eager loop reports besides its ops: metrics, once per iteration and name.

``loss.backward()`` reports ``loss``; ``.item()`` of a one-element tensor reports a metric named
as the user's line names it (``loss = (y_pred - y).pow(2).sum().item()`` → ``loss``).
"""

from __future__ import annotations

import linecache
import re

from engine.eager.tracing import STATE, user_frame
from engine.events import STREAM


def metric(name: str, value: float) -> None:
    """Emit a metric of the current iteration, once per name (backward() and .item() agree)."""
    key = (STATE.token, name)  # token: unique per iteration graph, across runs too
    if key in _METRICS_SENT:
        return
    if len(_METRICS_SENT) > 64:
        _METRICS_SENT.clear()
    _METRICS_SENT.add(key)
    STREAM.emit("metric", name=name, value=float(value), mode="eager", iteration=STATE.iteration)


_METRICS_SENT: set[tuple[int, str]] = set()
_ASSIGNED = re.compile(r"\s*([A-Za-z_]\w*)\s*(?:\[[^]]*\])?\s*[-+*/]?=[^=]")
_ITEM_NAMES: dict[tuple[str, int], str | None] = {}


def item_metric(value: float) -> None:
    """``.item()`` of a one-element tensor: a metric named as the user's line names it.

    ``loss = (y_pred - y).pow(2).sum().item()`` becomes metric ``loss``; a value read without
    an assignment (``print(t, loss.item())``) takes the tensor's variable name when the line
    reads one ``x.item()`` and no other ``.item()`` (a line printing several values, such as
    ``f"{layer.bias.item()} + {layer.weight[:, 0].item()} x"``, names none); anything else is
    not reported.
    """
    frame = user_frame()
    if frame is None:
        return
    key = (frame.f_code.co_filename, frame.f_lineno)
    if key not in _ITEM_NAMES:
        text = linecache.getline(frame.f_code.co_filename, frame.f_lineno)
        m = _ASSIGNED.match(text)
        if m is None and text.count(".item()") == 1:
            m = re.search(r"([A-Za-z_]\w*)\.item\(\)", text)
        _ITEM_NAMES[key] = m.group(1) if m else None
    name = _ITEM_NAMES[key]
    if name is not None:
        metric(name, value)

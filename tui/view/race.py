"""Race mode's figures: both sides at full speed on one device, who is ahead. Pure.

The lecture's trade-off, measured live: a static graph is built once and run many times; an
eager loop rebuilds its graph every iteration. Each side's rate is measured on its own engine
process's clock (the static side's from when its graph began to be built, the eager side's
from its first iteration's start, to its latest finish, from ``t_ns``), so the UI's own frame
rate never enters it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.cells import cell_len

from tui.i18n import cell_ljust, tr
from tui.view.stats import fmt_ns

if TYPE_CHECKING:
    from tui.view.state import ViewState

SIDES = ("static", "eager")
BAR_FULL, BAR_EMPTY = "█", "░"


def rate(state: ViewState, mode: str) -> float | None:
    """Iterations per second since the side started (None before one has finished): the
    race's own average, so a side that finished keeps the rate it ran at."""
    span = elapsed(state, mode)
    return state.done[mode] * 1e9 / span if span else None


def elapsed(state: ViewState, mode: str) -> int | None:
    """A side's race time, in ns: from its start (the static side's graph building, the eager
    side's first iteration) to its latest finish, on its own process's clock (so the two
    sides can be compared although their clocks differ)."""
    start, end = state.started_at.get(mode), state.done_at.get(mode)
    return end - start if start is not None and end is not None else None


def pane_figures(state: ViewState, mode: str, lang: str = "en") -> str:
    """A pane's race subtitle: ``412 it/s · 2.43ms/it``, both of the whole loop: its time per
    iteration is the side's time so far over the iterations done (``1 / rate``), everything
    its loop does included (a TensorFlow loop's numpy between two Session.runs too, and the
    building of its graph), so the two figures agree; the engine's own time of one run or
    iteration is on the status line."""
    r, span = rate(state, mode), elapsed(state, mode)
    done = state.done[mode]
    rate_text = f"{r:,.0f}" if r is not None else "–"
    t = fmt_ns(span / done) if span and done else "–"
    return tr("race.pane", lang, rate=rate_text, t=t)


def race_lines(state: ViewState, total: int, width: int, lang: str = "en") -> str:
    """Two lines, one per side: a progress bar of iterations done out of ``total``, its rate,
    and on the leader's line by how much it leads (by rate) or that it finished first."""
    labels = {m: tr(f"race.{m}", lang) for m in SIDES}
    name_w = max(cell_len(v) for v in labels.values())
    figures = {m: pane_figures(state, m, lang) for m in SIDES}
    done = {m: min(state.done[m], total) for m in SIDES}
    rates = {m: rate(state, m) for m in SIDES}
    spans = {m: elapsed(state, m) for m in SIDES}
    lead = _leader(done, rates, spans, total)
    tail_w = max(cell_len(f) for f in figures.values()) + 2
    verdict = _verdict(lead, rates, done, spans, total, lang)
    bar_w = max(4, width - name_w - tail_w - cell_len(verdict) - 8)
    lines = []
    for m in SIDES:
        filled = round(bar_w * done[m] / total) if total else 0
        bar = BAR_FULL * filled + BAR_EMPTY * (bar_w - filled)
        count = f"{done[m]}/{total}".rjust(len(str(total)) * 2 + 1)
        line = f"{cell_ljust(labels[m], name_w)} {bar} {count}  {figures[m]}"
        lines.append(line + (f"  {verdict}" if m == lead else ""))
    return "\n".join(lines)


def _leader(
    done: dict[str, int],
    rates: dict[str, float | None],
    spans: dict[str, int | None],
    total: int,
) -> str | None:
    static, eager = done["static"], done["eager"]
    if static != eager:
        return "static" if static > eager else "eager"
    if static >= total:  # both done: the one that took less time of its own clock
        s, e = spans["static"], spans["eager"]
        return None if s is None or e is None or s == e else ("static" if s < e else "eager")
    rs, re_ = rates["static"], rates["eager"]
    if rs is None or re_ is None or rs == re_:
        return None
    return "static" if rs > re_ else "eager"


def _verdict(
    lead: str | None,
    rates: dict[str, float | None],
    done: dict[str, int],
    spans: dict[str, int | None],
    total: int,
    lang: str,
) -> str:
    if lead is None:
        return ""
    if done[lead] >= total:
        other = spans["eager" if lead == "static" else "static"]
        mine = spans[lead]
        if mine is not None and other is not None:
            return tr("race.won_in", lang, t=fmt_ns(mine), other=fmt_ns(other))
        return tr("race.won", lang)
    other = "eager" if lead == "static" else "static"
    r_lead, r_other = rates[lead], rates[other]
    if r_lead and r_other:
        return tr("race.ahead", lang, x=f"{r_lead / r_other:.2f}")
    return tr("race.ahead_only", lang)

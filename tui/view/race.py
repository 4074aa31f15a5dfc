"""Race mode's figures: both sides at full speed on one device, who is ahead and why. Pure.

The lecture's trade-off, measured live: a static graph is built once and run many times; an
eager loop rebuilds its graph every iteration. Each side's rate is measured on its own engine
process's clock (the static side's from when its graph began to be built, the eager side's
from its first iteration's start, to its latest finish, from ``t_ns``), so the UI's own frame
rate never enters it.

Why a side is ahead is told as two straight lines, each side's time for n iterations: a
one-time cost (the static side's graph building and first run; the eager side's first
iteration, where the first calls warm up) plus n times its steady time per iteration (the
median of its recent loop steps). Where the lines cross is the break-even: after how many
iterations the side that is faster per iteration pulls ahead. What a side lost beyond the
lines (iterations slower than its steady time: a busy CPU, a pause of Python's) is said too,
so the bars, the lines and the status line's medians tell one story.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.cells import cell_len

from tui.i18n import cell_ljust, tr
from tui.view.stats import fmt_ns

if TYPE_CHECKING:
    from tui.view.state import ViewState

SIDES = ("static", "eager")
BAR_FULL, BAR_EMPTY = "█", "░"
MIN_STEPS = 10
"""Loop steps each side needs before its steady time per iteration (their median) is told."""
SLOW_SHARE = 0.05
"""A side's slow iterations are told once they cost more than this share of its time."""


@dataclass(frozen=True)
class TradeOff:
    """Each side's time for n iterations as ``once + n * pace``, and where the two cross."""

    once: dict[str, int]
    """One-time cost in ns: the first run's / iteration's time from the side's start beyond
    a steady one (static: building the graph, planning and warming up its first run)."""
    pace: dict[str, int]
    """Steady time per loop iteration in ns: the median of the side's recent loop steps."""
    slow: dict[str, int]
    """Time in ns the side's later iterations took beyond ``pace`` (0 when none)."""
    faster: str | None
    """The side faster per iteration (None: equally fast)."""
    after: int
    """Iterations after which ``faster`` is ahead (0: from the start)."""


def trade_off(state: ViewState) -> TradeOff | None:
    """Both sides' lines, once each has run ``MIN_STEPS`` loop steps (None before)."""
    once, pace, slow = {}, {}, {}
    for m in SIDES:
        steps, first, span = state.steps[m], state.first_ns.get(m), elapsed(state, m)
        if len(steps) < MIN_STEPS or first is None or span is None:
            return None
        pace[m] = sorted(steps)[len(steps) // 2]
        once[m] = max(0, first - pace[m])
        slow[m] = max(0, span - first - (state.done[m] - 1) * pace[m])
    if pace["static"] == pace["eager"]:
        return TradeOff(once, pace, slow, None, 0)
    fast = "static" if pace["static"] < pace["eager"] else "eager"
    other = "eager" if fast == "static" else "static"
    gap = once[fast] - once[other]
    after = math.ceil(gap / (pace[other] - pace[fast])) if gap > 0 else 0
    return TradeOff(once, pace, slow, fast, after)


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
    iteration is on the status line, the steady time per iteration on the race's why line."""
    r, span = rate(state, mode), elapsed(state, mode)
    done = state.done[mode]
    rate_text = f"{r:,.0f}" if r is not None else "–"
    t = fmt_ns(span / done) if span and done else "–"
    return tr("race.pane", lang, rate=rate_text, t=t)


def race_lines(state: ViewState, total: int, width: int, lang: str = "en", rows: int = 3) -> str:
    """``rows`` lines (3 or 4): one per side, a progress bar of iterations done out of
    ``total``, its rate, and on the leader's line by how much it leads (by rate) or that it
    finished first; then why (:func:`why_lines`). No line is wider than ``width`` cells."""
    figures = {m: pane_figures(state, m, lang) for m in SIDES}
    done = {m: min(state.done[m], total) for m in SIDES}
    rates = {m: rate(state, m) for m in SIDES}
    spans = {m: elapsed(state, m) for m in SIDES}
    lead = _leader(done, rates, spans, total)
    tail_w = max(cell_len(f) for f in figures.values())
    count_w = len(str(total)) * 2 + 1
    verdicts = _verdicts(lead, rates, done, spans, total, lang) or ("",)
    # the longest names and verdict that leave the bar 4 cells: who leads must be told
    for short, verdict in [(s, v) for s in ("", "_short") for v in verdicts] + [("_short", "")]:
        labels = {m: tr(f"race.{m}{short}", lang) for m in SIDES}
        name_w = max(cell_len(v) for v in labels.values())
        fixed = name_w + count_w + tail_w + 4  # and the blanks between them: 1, 1, 2
        if fixed + 4 + _gap(verdict) <= width:
            break
    bar_w = max(4, width - fixed - _gap(verdict))
    lines = []
    for m in SIDES:
        filled = round(bar_w * done[m] / total) if total else 0
        bar = BAR_FULL * filled + BAR_EMPTY * (bar_w - filled)
        count = f"{done[m]}/{total}".rjust(count_w)
        line = f"{cell_ljust(labels[m], name_w)} {bar} {count}  {figures[m]}"
        lines.append(line + (f"  {verdict}" if m == lead and verdict else ""))
    lines += why_lines(state, width, lang, max(1, rows - 2))
    return "\n".join(_fit(line, width) for line in lines)


def why_lines(state: ViewState, width: int, lang: str = "en", rows: int = 1) -> list[str]:
    """Why the leader leads, in ``rows`` lines (1 or 2) of the widest wording that fits
    ``width``: the static side's one-time cost and both sides' steady time per iteration,
    where their lines cross, and what slow iterations cost beyond the lines (on a line of its
    own when there are two). Blank until both sides have run ``MIN_STEPS`` loop steps."""
    trade = trade_off(state)
    if trade is None:
        return [""] * rows
    fields = {
        "build": brief_ns(trade.once["static"]),
        "ps": brief_ns(trade.pace["static"]),
        "pe": brief_ns(trade.pace["eager"]),
        "first": brief_ns(trade.once["eager"]),
    }
    wordings = [tr(f"race.why{k}", lang, **fields) for k in ("", "_short", "_tiny")] + [""]
    crosses = [_cross(trade, lang, k) for k in ("", "_short")]
    slows = _slow(state, trade, lang)
    stories = [(w, c) for w in wordings for c in crosses]
    if rows > 1:
        return [_widest(stories, width), _widest([(s,) for s in slows], width)]
    # slow iterations, where they cost much, reconcile the bars with the lines: they go in
    # before the wording's length
    return [_widest([(*story, s) for s in slows for story in stories] + stories, width)]


def _widest(variants: list[tuple[str, ...]], width: int) -> str:
    """The first of ``variants`` (parts joined by " · ") that fits ``width``."""
    lines = [" · ".join(p for p in parts if p) for parts in variants]
    return next((line for line in lines if cell_len(line) <= width), lines[-1] if lines else "")


def _cross(trade: TradeOff, lang: str, short: str = "") -> str:
    """Where the lines cross: after how many iterations the faster side leads (``short``:
    "_short" for the short wording)."""
    if trade.faster is None:
        return tr(f"race.cross_same{short}", lang)
    if trade.faster == "eager" and not trade.after:
        return tr(f"race.cross_never{short}", lang)
    side = tr(f"race.side.{trade.faster}", lang)
    if not trade.after:
        return tr(f"race.cross_start{short}", lang, side=side)
    return tr(f"race.cross_after{short}", lang, side=side, n=_about(trade.after))


def brief_ns(ns: float) -> str:
    """A duration to three significant figures (``812ns``, ``45.6µs``, ``163ms``, ``1.20s``):
    the why line's figures are medians and one-time costs, worth no more digits."""
    for unit, scale in (("s", 1e9), ("ms", 1e6), ("µs", 1e3)):
        if ns >= scale * 0.9995:  # (999.96µs is 1.00ms, not 1000µs)
            value = ns / scale
            return f"{value:.{max(0, 2 - int(math.log10(value)))}f}{unit}"
    return f"{ns:.0f}ns"


def _about(n: int) -> str:
    """An iteration count to two significant figures (a median's noise allows no more)."""
    digits = len(str(n))
    return f"{round(n, 2 - digits) if digits > 2 else n:,}"


def _slow(state: ViewState, trade: TradeOff, lang: str) -> list[str]:
    """What slow iterations cost the sides beyond their lines, longest wording first (none
    unless one side's cost more than ``SLOW_SHARE`` of its time)."""
    if not any(trade.slow[m] > SLOW_SHARE * (elapsed(state, m) or 0) for m in SIDES):
        return []
    fields = {m: brief_ns(trade.slow[m]) for m in SIDES}
    return [tr(f"race.slow{k}", lang, **fields) for k in ("", "_short")]


def _gap(verdict: str) -> int:
    return cell_len(verdict) + 2 if verdict else 0


def _fit(line: str, width: int) -> str:
    """``line`` cut to ``width`` cells (a terminal too narrow for even the shortest)."""
    if cell_len(line) <= width:
        return line
    while cell_len(line) > max(0, width - 1):
        line = line[:-1]
    return line + "…"


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


def _verdicts(
    lead: str | None,
    rates: dict[str, float | None],
    done: dict[str, int],
    spans: dict[str, int | None],
    total: int,
    lang: str,
) -> tuple[str, ...]:
    """The leader's verdict, longest wording first (none when nobody leads)."""
    if lead is None:
        return ()
    if done[lead] >= total:
        other = spans["eager" if lead == "static" else "static"]
        mine = spans[lead]
        if mine is not None and other is not None:
            won_in = tr("race.won_in", lang, t=fmt_ns(mine), other=fmt_ns(other))
            return won_in, tr("race.won", lang)
        return (tr("race.won", lang),)
    other = "eager" if lead == "static" else "static"
    r_lead, r_other = rates[lead], rates[other]
    if r_lead and r_other:
        return tr("race.ahead", lang, x=f"{r_lead / r_other:.2f}"), tr("race.ahead_only", lang)
    return (tr("race.ahead_only", lang),)

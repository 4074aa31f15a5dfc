"""The one-line texts around the panes: the status line, pane subtitles and the legend. Pure."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.cells import cell_len
from textual.content import Content

from tui.engine_link.runner import SPEEDS
from tui.i18n import STRINGS, phrase, tr, word
from tui.view.race import brief_ns, trade_off
from tui.view.rewrites import pass_counts
from tui.view.stats import fmt_ns

if TYPE_CHECKING:
    from tui.engine_link.runner import Runner
    from tui.view.state import ViewState

COLOUR_MODES = ("state", "device", "heat")
"""How boxes can be coloured."""

LEGENDS: dict[str, tuple[tuple[str, str], ...]] = {
    "state": (
        ("node-defined", "legend.defined"),
        ("node-pending", "legend.pending"),
        ("node-running", "legend.running"),
        ("node-done", "legend.done"),
        ("node-pruned", "legend.pruned"),
        ("node-error", "legend.error"),
    ),
    "device": (
        ("device-cpu", "legend.cpu"),
        ("device-gpu", "legend.gpu"),
        ("node-running", "legend.running"),
        ("node-pruned", "legend.pruned.short"),
    ),
    "heat": (
        ("heat-0", "legend.fastest"),
        ("heat-1", ""),
        ("heat-2", ""),
        ("heat-3", ""),
        ("heat-4", "legend.slowest"),
    ),
}
"""Colour mode -> (theme variable, label key) swatches."""


def legend(mode: str, lang: str = "en", width: int = 0, control: bool = False) -> Content:
    """The legend line of a colour mode, swatches in theme colours; on a narrow screen
    (``width`` cells) with short labels ("pruned", not "pruned (not fetched)"), then without
    its heading, so no swatch is cut off. ``control``: a dashed control edge is drawn, and
    the line says what it is (``┄⇢ control dependency``)."""
    heading = Content(tr("legend.by", lang, mode=tr(f"mode.{mode}", lang)) + "  ")
    line = Content("")
    for short, head, gap in ((False, True, "   "), (True, True, "  "), (True, False, "  ")):
        items = [
            Content.from_markup(f"[${var}]■[/]")
            + Content(f" {tr(_short(key) if short else key, lang)}" if key else "")
            for var, key in LEGENDS[mode]
        ]
        if control:
            key = _short("legend.control") if short else "legend.control"
            items.append(Content.from_markup("[$edge]┄⇢[/]") + Content(f" {tr(key, lang)}"))
        line = Content(gap).join([heading, *items] if head else items)
        if not width or line.cell_length <= width:
            break
    return line


def _short(key: str) -> str:
    return key + ".short" if key + ".short" in STRINGS["en"] else key


def pane_title(
    mode: str, as_run: bool = False, lang: str = "en", width: int = 0, other: str = ""
) -> str:
    """A graph pane's top border: which framework, and for the static graph which view (a
    shorter name where ``width`` cells are too few for the long one). ``other``: the pane
    hidden beside this one on a small terminal (``w`` shows it), named at the end:
    ``static graph · TensorFlow 1 · as built · w ▸ eager loop``."""
    if mode != "static":
        title = tr("pane.eager", lang)
    else:
        view = tr("pane.as_run" if as_run else "pane.as_built", lang)
        title = f"{tr('pane.static', lang)} · {view}"
        if width and cell_len(title) > width:
            title = f"{tr('pane.static.short', lang)} · {view}"
    if other:
        hint = f" · w ▸ {tr(f'pane.{other}.brief', lang)}"
        if not width or cell_len(title + hint) <= width:
            title += hint
    return title


def pane_subtitle(
    state: ViewState, mode: str, as_run: bool = False, lang: str = "en", width: int = 0
) -> str:
    """What a graph pane's bottom border says: run number, iteration, or the error; for the
    static graph as run, what the graph passes did (short pass names when ``width`` is tight)."""
    graph = state.graphs[mode]
    if graph is None:
        return ""
    if graph.error:
        return f"✗ {graph.error}"
    if mode == "static" and as_run:
        if state.as_run is None:
            return tr("passes.waiting", lang)
        tries = [
            (f"Session.run #{graph.run} · ", False, None),
            ("", False, None),
            ("", True, None),
        ]
        steps = len((pass_counts(state.rewrites) or ([], 0, 0))[0])
        tries += [("", True, keep) for keep in range(steps - 1, -1, -1)]
        for head, short, keep in tries:
            text = head + passes_summary(state.rewrites, lang, short, keep)
            if not width or cell_len(text) <= width:
                break
        return text
    if mode == "static":
        if graph.plan is None:
            return tr("sub.defined", lang, n=len(graph.nodes))
        # the engine's number of the run drawn; at full speed most runs are skimmed, not drawn,
        # and the title says how many there were: "Session.run #1 (of 50)"
        total = state.iteration["static"]
        run = tr("sub.run_of", lang, run=graph.run, total=total) if total > graph.run else graph.run
        counts = {"run": run, "k": graph.run_size, "n": len(graph.nodes)}
        text = tr("sub.run", lang, **counts)
        if width and cell_len(text) > width:
            text = tr("sub.run.short", lang, **counts)
        if state.overlap.get("pairs"):  # the last run ran ops at once: on how many workers
            more = tr("sub.parallel", lang, n=len(state.workers_busy))
            text += more if not width or cell_len(text + more) <= width else ""
        return text
    return tr("sub.iteration", lang, it=state.iteration["eager"] + 1, n=len(graph.nodes))


def passes_summary(
    rewrites: list[dict[str, Any]], lang: str = "en", short: bool = False, keep: int | None = None
) -> str:
    """ "29 → 16 nodes · passes: constant folding −5, fusion −4" (the reports' own counts).

    Args:
        rewrites: the graph passes' reports.
        lang: language.
        short: short pass names ("fold", "fuse").
        keep: name only this many passes, those that removed the most nodes (in their own
            order), and count the rest ("+2 more"): for a narrow pane.
    """
    counts = pass_counts(rewrites)
    if counts is None:
        return tr("passes.none", lang)
    steps, before, after = counts
    prefix = "pass.short." if short else "pass."
    shown = steps
    if keep is not None and keep < len(steps):
        big = sorted(range(len(steps)), key=lambda i: -abs(steps[i][1]))[:keep]
        shown = [steps[i] for i in sorted(big)]
    parts = [
        f"{tr(prefix + name, lang) if (prefix + name) in STRINGS['en'] else name} "
        f"{'−' if n > 0 else '+' if n < 0 else '±'}{abs(n)}"
        for name, n in shown
    ]
    if len(shown) < len(steps):
        parts.append(tr("passes.more", lang, k=len(steps) - len(shown)))
    head = "" if short else tr("passes.head", lang) + " "
    return f"{tr('passes.nodes', lang, a=before, b=after)} · {head}{', '.join(parts)}"


def side_times(state: ViewState, device: str) -> tuple[int, int] | None:
    """Median time of the recent static runs and eager iterations on ``device`` (ns), or
    None until both sides have one."""
    stats = state.devices[device]
    s, e = stats.recent_median("static"), stats.recent_median("eager")
    return (s, e) if s and e is not None else None


def status_text(
    state: ViewState,
    runner: Runner,
    device: str,
    narrow: bool = False,
    lang: str = "en",
    sides: frozenset[str] | None = None,
    events: bool = True,
    tight: int = 0,
    race: bool = False,
    says: bool = True,
) -> str:
    """The status line: run state, speed, device, progress, recent times, event counts.

    ``runner`` is the live :class:`Runner` or a replay's :class:`tui.replay.player.Player`;
    ``sides`` the panes the scene runs (a TensorFlow-only scene times its Session.runs);
    ``events`` False leaves out the event count (where the line has no room for it);
    ``tight`` 1 says the run state by its sign alone (``▶``) and the speed by its name,
    with narrower separators, 2 also leaves out the speed and the device: the run and
    iteration numbers and their times are the last to go (:func:`fit_status`). The times are
    the median of the recent runs and iterations, as the device panels say them; in a race
    (``race``), each side's steady time per loop step, as the race box says them. The two
    sides' ratio says what it is (``0.78× static``) where ``says``.
    """
    narrow = narrow or tight > 0
    if runner.running:
        run = tr("status.paused" if runner.paused else "status.running", lang)
    else:
        run = tr("status.finished" if state.finished else "status.idle", lang)
    delay = dict(SPEEDS)[runner.speed]
    speed = (
        tr("status.per_node", lang, speed=word("speed", runner.speed, lang), delay=f"{delay:g}")
        if delay
        else tr("status.full", lang)
    )
    if delay and not narrow:  # "speed lecture (0.2s/node)"; full speed says it alone
        speed = tr("status.speed", lang, speed=speed)
    if tight:
        run, speed = run.split(" ", 1)[0], word("speed", runner.speed, lang)
    parts = [run, speed, device.upper()] if tight < 2 else [run]
    ran = {mode for mode, graph in state.graphs.items() if graph is not None}
    timed = "static" if (sides or ran) == {"static"} else "eager"  # TensorFlow only: its runs
    median = state.devices[device].recent_median(timed)
    if "static" in ran or not ran:  # a one-sided scene counts only the side that runs
        static = state.graphs["static"]  # the run under way counts, as "iteration n" does
        runs = max(static.runs if static is not None else 0, state.iteration["static"])
        # (a skimmed run sends no run_started: at full speed the finished ones are counted)
        parts.append(
            tr("status.run_short", lang, n=runs)
            if narrow
            else tr("status.static_runs", lang, n=runs)
        )
    if "eager" in ran or not ran:
        parts.append(
            tr("status.it_short", lang, n=state.iteration["eager"] + 1)
            if narrow
            else tr("status.eager_it", lang, n=state.iteration["eager"] + 1)
        )
    both = side_times(state, device) if ran == {"static", "eager"} else None
    trade = trade_off(state) if race else None
    if trade is not None:  # a race: each side's steady time per loop step, as its box says
        s, e = trade.pace["static"], trade.pace["eager"]
        parts.append(tr("status.race_pace", lang, s=brief_ns(s), e=brief_ns(e), r=f"{e / s:.2f}"))
    elif both is not None:  # the two sides of one network: their times side by side
        s, e = both
        key = (
            "status.sides" if not narrow else "status.sides_short" if says else "status.sides_bare"
        )
        parts.append(tr(key, lang, s=fmt_ns(s), e=fmt_ns(e), r=f"{e / s:.2f}"))
    else:
        key = "status.median_it" if timed == "eager" else "status.median_run"
        parts.append(tr(key + ("_short" if narrow else ""), lang, t=fmt_ns(median)))
    if events:
        parts.append(tr("status.events", lang, n=f"{state.events:,}"))
    skimmed = state.skimmed + runner.skimmed
    if skimmed and not narrow:
        parts.append(tr("status.skimmed", lang, n=f"{skimmed:,}"))
    elif getattr(runner, "complete", False) and runner.speed == "full" and not narrow:
        parts.append(tr("status.nothing_skimmed", lang))
    dropped = state.dropped - runner.skimmed
    if dropped > 0:
        parts.append(tr("status.dropped", lang, n=f"{dropped:,}"))
    if state.errors:
        parts.append(tr("status.errors", lang, n=len(state.errors)))
    return ("  ·  " if not tight else " · ").join(parts)


def fit_status(
    state: ViewState,
    runner: Runner,
    device: str,
    width: int,
    narrow: bool = False,
    lang: str = "en",
    sides: frozenset[str] | None = None,
    race: bool = False,
) -> str:
    """The status line in ``width`` cells where it can be: each try shorter than the last,
    words going before figures (short words, the ratio's word, no event count, the run state
    as a sign, no speed or device), so a small terminal still shows the run and iteration
    numbers and their times (at 80 columns the line was cut after "Session.run", before its
    time); the shortest try where none fits."""
    text = ""
    for short, events, tight, says in (
        (narrow, True, 0, True),
        (True, True, 0, True),
        (True, True, 0, False),
        (True, False, 0, True),
        *[(True, False, t, False) for t in range(3)],
    ):
        text = status_text(state, runner, device, short, lang, sides, events, tight, race, says)
        if cell_len(text) <= width:
            break
    return text


def cue_text(state: ViewState, lang: str = "en") -> str:
    """The presentation cue: what just happened, in one sentence ("" before anything); a
    finished Session.run also says what its workers did (:func:`overlap_text`)."""
    key, fields = state.cue
    if not key:
        return tr("cue.finished", lang) if state.finished else ""
    text = tr(key, lang, **fields)
    note = overlap_text(state, lang) if key == "cue.run_done" else ""
    return f"{text} · {note}" if note else text


def overlap_text(state: ViewState, lang: str = "en") -> str:
    """What the last Session.run's plan did with its workers, measured: which ops ran at once
    and the run's time against the eager iteration ("MatMul_1 ‖ MatMul_2 ran at once:
    Session.run 0.81× the eager iteration"), or why it ran in order ("Session.run in order: no
    kernels worth running at once"); "" before a run."""
    pairs = state.overlap.get("pairs") or []
    if not pairs:
        if not state.in_order:
            return ""
        why = state.in_order.split(" (", 1)[0].split(": ", 1)[0]  # the reason's head
        return tr("overlap.in_order", lang, why=phrase(why, lang))
    graph = state.graphs["static"]
    nodes = {n.name: n for n in graph.nodes.values()} if graph is not None else {}

    def overlapped(pair: tuple[str, str]) -> int:  # at most the shorter op's time
        return min((nodes[n].last_ns or 0) if n in nodes else 0 for n in pair)

    def label(name: str) -> str:  # as its box says it: the user's variable, else the op's name
        return nodes[name].label if name in nodes else name.rsplit("/", 1)[-1]

    a, b = max(pairs, key=overlapped)  # the pair that ran together longest
    text = tr("overlap.pair", lang, a=label(a), b=label(b))
    if len(pairs) > 1:
        text += tr("overlap.more", lang, n=len(pairs) - 1)
    eager, static = state.overlap.get("eager_ns") or 0, state.overlap.get("static_ns") or 0
    if eager and static:
        text += tr("overlap.ratio", lang, r=f"{static / eager:.2f}")
    return text

"""The help screen: what the panes show and every key."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Markdown

from tui.screens import SCREENSHOT

if TYPE_CHECKING:
    from textual.app import ComposeResult

HELP = """\
# cgviz: static graphs vs eager loops

**Left pane: static graph (TensorFlow 1).** The whole graph is built once and drawn
*defined, not run*. Each `Session.run` lights the nodes it executes in order; nodes the
fetches do not need stay dim, with dashed borders.

**Right pane: eager loop (PyTorch).** Empty at the start of every iteration; each op appears
the moment the Python loop creates it, next to its inputs. Nothing already drawn moves. The
next iteration starts from an empty canvas again.

Boxes shrink to fit the pane: full boxes (name, shape, time) while the whole graph fits, then
one-row boxes `[name shape]`; `z` picks a size. A full box draws its gradient under its value
(`∇`), as micrograd does. The `gradients/` scope of the static graph folds into one box;
unfold it with `f`.

| Key | Action |
|:-|:-|
| `space` | pause / resume |
| `s` | step: run to the next node, then pause |
| `+` / `-` | faster / slower (slow … full speed) |
| `r` | restart the scene |
| `d` | switch device (CPU numpy / GPU cupy) |
| `n` / `p`, `PageDown` / `PageUp` | next / previous scene in lecture order (replay: marker) |
| `P` | presentation mode: projector theme, big cues, side panels hidden |
| `f` | fold / unfold name scopes |
| `o` | orientation: left-to-right / top-to-bottom |
| `g` | static graph as built / as run (after the graph passes: folded, fused, pruned) |
| `b` | benchmark results: CPU vs GPU table, matmul GFLOP/s (`cgviz bench` saves them) |
| `m` | colour by state / device / time (heat) |
| `z` | box size: fit the pane (auto), full, compact, one-row |
| `t` | next theme |
| `tab`, `]` `[`, `enter` | focus a pane, select nodes, open the node card |
| `escape` | close the card / this help |
| `ctrl+s` | save an SVG screenshot |
| `ctrl+p` | command palette |
| `q` | quit |

Record any run with `--record run.jsonl`; replay it anywhere (say, recorded on a GPU server,
shown on a laptop) with `cgviz replay run.jsonl`: the recorded device and timings, no engine.
In a replay `.` / `,` step one node forward / back, `>` / `<` jump to the next / previous
phase marker (graph built, forward, backward, update, end) and `k` pauses at every marker.
`cgviz export-cast run.jsonl demo.cast` writes an asciinema recording with those markers.

Timings are measured by the engine around each kernel (CUDA events on the GPU); the pauses
of slow motion and stepping happen outside the timed regions. While slowed or stepped, the
device panels give each run's time as the sum of its ops (`Σops`): the pauses are not compute.
"""


class HelpScreen(ModalScreen[None]):
    """A modal page of help; any of escape, q, ? or F1 closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "escape,q,question_mark,f1",
            "dismiss",
            "Close",
            tooltip="Close the help",
            id="help.close",
        ),
        SCREENSHOT,
    ]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-body"):
            yield Markdown(HELP)

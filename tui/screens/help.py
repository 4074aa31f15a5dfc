"""The help screen: what the panes show and every key (in English or Korean, as the app speaks)."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.align import Align
from rich.table import Table
from rich.text import Text
from textual.binding import Binding, BindingType

from tui.screens import SCREENSHOT
from tui.screens.tint import TintedModal
from tui.widgets.page_text import PageText

if TYPE_CHECKING:
    from textual.app import App, ComposeResult

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
unfold it with `f`. A module box marked `↻` updates state of its own as it runs (BatchNorm's
running statistics).

| Key | Action |
|:-|:-|
| `space` | pause / resume |
| `s` | step: run to the next node, then pause |
| `+` / `-` | faster / slower (slow … full speed) |
| `r` | restart the scene |
| `d` | switch device (CPU numpy / GPU cupy) |
| `n` / `p`, `PageDown` / `PageUp` | next / previous scene in lecture order (replay: marker) |
| `P` | presentation mode: projector theme, big cues, side panels hidden |
| `R` | race: both sides at full speed on the same device, who is ahead |
| `/` | find a node by name or variable, in both panes |
| `w` | small terminals: show the other graph pane |
| `f` | fold / unfold name scopes |
| `o` | orientation: left-to-right / top-to-bottom |
| `g` | static graph as built / as run (after the graph passes: folded, fused, pruned) |
| `b` | benchmark results: CPU vs GPU table, matmul GFLOP/s (`cgviz bench` saves them) |
| `m` | colour by state / device / time (heat) |
| `z` | box size: fit the pane (auto), full, compact, one-row |
| `t` | next theme |
| `tab`, `]` `[`, `enter` | select a node: its card, its source line, its twin in the other pane |
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


HELP_KO = """\
# cgviz: 정적 그래프 vs 즉시 실행 루프

**왼쪽 창: 정적 그래프 (TensorFlow 1).** 그래프 전체를 한 번 만들고 *정의됨, 실행 전* 상태로
그립니다. `Session.run`은 실행하는 노드를 순서대로 밝힙니다. fetch에 필요 없는 노드는 흐린
채로 점선 테두리를 가집니다.

**오른쪽 창: 즉시 실행 루프 (PyTorch).** 반복이 시작될 때마다 비어 있고, 파이썬 루프가 연산을
만드는 순간 그 연산이 입력 옆에 나타납니다. 이미 그려진 것은 움직이지 않습니다. 다음 반복은
다시 빈 화면에서 시작합니다.

상자는 창에 맞게 줄어듭니다: 그래프 전체가 들어가면 큰 상자(이름, 모양, 시간), 아니면 한 줄
상자 `[이름 모양]`; `z`로 크기를 고릅니다. 큰 상자는 값 아래에 기울기(`∇`)를 그립니다
(micrograd처럼). 정적 그래프의 `gradients/` 범위는 상자 하나로 접힙니다; `f`로 펼칩니다.
`↻` 표시가 붙은 모듈 상자는 실행하며 자기 상태를 갱신합니다 (BatchNorm의 이동 통계).

| 키 | 동작 |
|:-|:-|
| `space` | 일시정지 / 다시 시작 |
| `s` | 한 단계: 다음 노드까지 실행하고 멈춤 |
| `+` / `-` | 빠르게 / 느리게 (느리게 … 최고 속도) |
| `r` | 장면을 처음부터 다시 |
| `d` | 장치 전환 (CPU numpy / GPU cupy) |
| `n` / `p`, `PageDown` / `PageUp` | 강의 순서로 다음 / 이전 장면 (재생: 표시) |
| `P` | 발표 모드: 프로젝터 테마, 큰 안내, 옆 패널 숨김 |
| `R` | 경주: 두 쪽 모두 같은 장치에서 최고 속도로, 누가 앞서는지 |
| `/` | 이름이나 변수로 노드 찾기 (두 창 모두) |
| `w` | 작은 터미널: 다른 그래프 창 보기 |
| `f` | 이름 범위 접기 / 펼치기 |
| `o` | 방향: 왼쪽→오른쪽 / 위→아래 |
| `g` | 작성한 정적 그래프 / 실행되는 그래프 (최적화 패스 뒤: 상수 접기, 융합, 가지치기) |
| `b` | `cgviz bench`가 저장한 벤치마크 결과: CPU vs GPU 표, matmul GFLOP/s |
| `m` | 색 기준: 상태 / 장치 / 시간 |
| `z` | 상자 크기: 창에 맞춤 (자동), 전체, 작게, 한 줄 |
| `t` | 다음 테마 |
| `tab`, `]` `[`, `enter` | 노드 선택: 카드, 소스 줄, 다른 창의 짝 |
| `escape` | 카드 / 이 도움말 닫기 |
| `ctrl+s` | SVG 스크린샷 저장 |
| `ctrl+p` | 명령 팔레트 |
| `q` | 종료 |

어떤 실행이든 `--record run.jsonl`로 녹화하고, 어디서든 (예: GPU 서버에서 녹화해 노트북에서)
`cgviz replay run.jsonl`로 재생합니다: 녹화된 장치와 시간 그대로, 엔진 없이.
재생 중 `.` / `,`는 한 노드 앞 / 뒤로, `>` / `<`는 다음 / 이전 단계 표시(그래프 완성, 순전파,
역전파, 갱신, 끝)로 가고, `k`는 표시마다 멈춥니다.
`cgviz export-cast run.jsonl demo.cast`는 그 표시를 담은 asciinema 녹화를 씁니다.

시간은 엔진이 각 커널 둘레에서 잽니다 (GPU에서는 CUDA 이벤트). 느린 재생과 한 단계 실행의
멈춤은 측정 구간 밖에서 일어납니다. 느리게 하거나 한 단계씩 갈 때 장치 패널은 실행 시간을
연산 시간의 합(`Σ연산`)으로 보여 줍니다: 멈춘 시간은 계산이 아닙니다.
"""


class HelpScreen(TintedModal):
    """A modal page of help; any of escape, q, ? or F1 closes it."""

    NAME = "help"
    """The name it is installed under (see :meth:`open`)."""

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

    @classmethod
    def open(cls, app: App[object]) -> None:
        """Show the help: built at its first opening, then shown again as it is (composing its
        Markdown costs ~150 ms of CPU, too much for a key each time)."""
        if not app.is_screen_installed(cls.NAME):
            app.install_screen(cls(), cls.NAME)
        app.push_screen(cls.NAME)

    def on_screen_resume(self) -> None:
        self.query_one("#help-body", PageText).scroll_home(animate=False)

    def compose(self) -> ComposeResult:
        text = HELP_KO if getattr(self.app, "lang", "en") == "ko" else HELP
        yield PageText(blocks(text), id="help-body")


def blocks(text: str) -> list[Align | Text | Table]:
    """The help's paragraphs as Rich texts and its table of keys as a Rich table (the page
    draws them once per width). Textual's Markdown made a widget per table cell (~200 ms of
    the ~300 ms ``?`` cost to open) and several per paragraph (the first ``?`` still cost
    ~120 ms of CPU)."""
    out: list[Align | Text | Table] = []
    for part in text.split("\n\n"):
        if part.startswith("|"):
            out.append(key_table(part))
        elif part.startswith("# "):
            out.append(Align.center(code_spans(part[2:], "bold")))
        else:  # the source's line breaks are soft: the paragraph wraps to the width
            out.append(paragraph(part.replace("\n", " ")))
    return out


def paragraph(markdown: str) -> Text:
    """A paragraph with ``**bold**``, ``*italic*`` and ```code``` (bold, the marks dropped)."""
    text = Text()
    for i, piece in enumerate(markdown.split("**")):
        if i % 2:
            text.append_text(code_spans(piece, "bold"))
            continue
        for j, part in enumerate(piece.split("*")):
            text.append_text(code_spans(part, "italic" if j % 2 else ""))
    return text


def key_table(markdown: str) -> Table:
    """A Markdown table (a header row, a rule, then rows) as a Rich table: the first column
    (the keys) bold, `code` in the others bold."""
    rows = [
        [cell.strip() for cell in line.strip().strip("|").split("|")]
        for line in markdown.splitlines()
    ]
    table = Table(box=None, pad_edge=False, expand=True, header_style="bold")
    for i, heading in enumerate(rows[0]):
        table.add_column(heading, style="bold" if i == 0 else "", no_wrap=i == 0)
    for key, *rest in rows[2:]:
        table.add_row(key.replace("`", ""), *(code_spans(cell) for cell in rest))
    return table


def code_spans(cell: str, style: str = "") -> Text:
    """``a `b` c`` as text in ``style`` with b in bold (the backticks dropped)."""
    text = Text()
    for i, piece in enumerate(cell.split("`")):
        text.append(piece, style=f"{style} bold".strip() if i % 2 else style)
    return text

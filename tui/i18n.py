"""The UI's words in English and Korean: one small table per language, looked up by key.

``tr(key, lang, **fields)`` formats a string; a key missing in Korean falls back to English, so
a half-translated table never breaks the screen. Scene titles and captions in Korean come with
the scenes themselves (``title_ko`` / ``caption_ko``, also carried by recorded ``scene`` events).
Widths are terminal cells (``rich.cells.cell_len``): a Hangul syllable takes two.
"""

from __future__ import annotations

from typing import Any

from rich.cells import cell_len

__all__ = ["LANGS", "STRINGS", "cell_ljust", "scene_text", "tr"]

LANGS = ("en", "ko")
"""Languages the UI speaks."""

STRINGS: dict[str, dict[str, str]] = {
    "en": {
        "pane.static": "static graph · TensorFlow 1",
        "pane.static.short": "static · TF 1",
        "pane.eager": "eager loop · PyTorch",
        "pane.as_built": "as built",
        "pane.as_run": "as run",
        "pane.data": "data loading · {device}: waiting vs computing",
        "passes.waiting": "as run: shown once Session.run has planned the graph",
        "passes.none": "no graph pass changed the graph",
        "passes.head": "passes:",
        "passes.nodes": "{a} → {b} nodes",
        "passes.more": "+{k} more",
        "pass.prune": "pruning",
        "pass.constant_folding": "constant folding",
        "pass.pow_square": "pow→square",
        "pass.identity": "identities",
        "pass.arithmetic": "arithmetic",
        "pass.cse": "CSE",
        "pass.fuse_matmul": "fusion",
        "pass.fuse_elementwise": "elementwise fusion",
        "pass.short.prune": "prune",
        "pass.short.constant_folding": "fold",
        "pass.short.pow_square": "pow²",
        "pass.short.identity": "id",
        "pass.short.arithmetic": "arith",
        "pass.short.cse": "CSE",
        "pass.short.fuse_matmul": "fuse",
        "pass.short.fuse_elementwise": "fuse·ew",
        "view.as_run": "static graph as run: after the graph passes (fused, folded, pruned)",
        "view.as_built": "static graph as built: the graph your code made",
        "pane.source": "source",
        "pane.loss": "loss",
        "pane.output": "printed output",
        "pane.cpu": "CPU · numpy",
        "pane.gpu": "GPU · cupy",
        "empty.static": "waiting for the graph to be built…",
        "empty.eager": "waiting for the first iteration…",
        "none.static": "no static graph in this scene: it is PyTorch only",
        "none.eager": "no eager loop in this scene: it is TensorFlow only",
        "none.static.run": "no static graph in this run",
        "none.eager.run": "no eager loop in this run",
        "legend.by": "colour by {mode}:",
        "legend.defined": "defined, not run",
        "legend.pending": "pending",
        "legend.running": "running",
        "legend.done": "done",
        "legend.pruned": "pruned (not fetched)",
        "legend.error": "error",
        "legend.defined.short": "defined",
        "legend.cpu": "CPU (numpy)",
        "legend.gpu": "GPU (cupy)",
        "legend.pruned.short": "pruned",
        "legend.fastest": "fastest",
        "legend.slowest": "slowest (relative to the slowest node)",
        "status.running": "▶ running",
        "status.paused": "⏸ paused",
        "status.finished": "■ finished",
        "status.idle": "■ idle",
        "status.speed": "speed {speed}",
        "status.full": "full speed",
        "status.static_runs": "static runs {n}",
        "status.eager_it": "eager iteration {n}",
        "status.last_it": "last iteration {t}",
        "status.events": "{n} events",
        "status.last_run": "last Session.run {t}",
        "status.sides": "per iteration: static {s} · eager {e} · eager/static {r}×",
        "status.sides_short": "static {s} · eager {e} ({r}×)",
        "race.static": "static (TensorFlow)",
        "race.eager": "eager (PyTorch)",
        "race.pane": "{rate} it/s · {t}/it",
        "race.ahead": "ahead ×{x}",
        "race.ahead_only": "ahead",
        "race.won": "finished first",
        "race.won_in": "finished first: {t} against {other}",
        "race.on": "race: both sides at full speed",
        "race.off": "race over",
        "status.errors": "{n} error(s)",
        "status.run_short": "run {n}",
        "status.it_short": "it {n}",
        "status.replay": "replay {k}/{n}",
        "status.marker_pause": "pause at markers",
        "cue.built": "The static graph is built: {n} nodes, nothing computed yet",
        "cue.run": "Session.run #{run}: executes {k} of {n} nodes (only what the fetches need)",
        "cue.static_node": "Session.run executes {name}",
        "cue.static_grad": "Session.run executes {name} (backward)",
        "cue.static_update": "Session.run updates the weights: {name}",
        "cue.run_done": "Session.run #{run} done",
        "cue.iteration": "iteration {it}: the graph is rebuilt",
        "cue.eager_node": "iteration {it}: {name} = {op} runs at once, a new node",
        "cue.eager_grad": "iteration {it}: backward reaches {name}",
        "cue.error": "error: {message}",
        "cue.finished": "run finished",
        "marker.built": "static graph built",
        "marker.forward": "{where}: forward",
        "marker.backward": "{where}: backward",
        "marker.update": "{where}: update",
        "marker.end": "{where}: end",
        "where.run": "Session.run #{n}",
        "where.iteration": "iteration {n}",
        "replay.label": "replay · recorded on {device} · {date}",
        "traceback.title": "{label} raised {type}",
        "traceback.close": "escape: close",
        "note.aliases": "{names} resolve to the engine for this script",
        "saved": "saved {path}",
        "scenes.header": "name|section|title",
        "scenes.footer": "(* default scene; open one: cgviz --scene {name})",
    },
    "ko": {
        "pane.static": "정적 그래프 · TensorFlow 1",
        "pane.static.short": "정적 · TF 1",
        "pane.eager": "즉시 실행 루프 · PyTorch",
        "pane.as_built": "작성한 그래프",
        "pane.as_run": "실행되는 그래프",
        "pane.data": "데이터 로딩 · {device}: 대기 vs 계산",
        "passes.waiting": "실행되는 그래프: Session.run이 계획을 세운 뒤에 보입니다",
        "passes.none": "그래프를 바꾼 최적화 패스 없음",
        "passes.head": "패스:",
        "passes.nodes": "노드 {a} → {b}개",
        "passes.more": "외 {k}개",
        "pass.prune": "가지치기",
        "pass.constant_folding": "상수 접기",
        "pass.pow_square": "pow→square",
        "pass.identity": "항등 제거",
        "pass.arithmetic": "산술 정리",
        "pass.cse": "공통 부분식",
        "pass.fuse_matmul": "융합",
        "pass.fuse_elementwise": "원소별 융합",
        "pass.short.prune": "가지치기",
        "pass.short.constant_folding": "상수",
        "pass.short.pow_square": "pow²",
        "pass.short.identity": "항등",
        "pass.short.arithmetic": "산술",
        "pass.short.cse": "CSE",
        "pass.short.fuse_matmul": "융합",
        "pass.short.fuse_elementwise": "원소융합",
        "view.as_run": "실행되는 정적 그래프: 최적화 패스 뒤 (융합, 상수 접기, 가지치기)",
        "view.as_built": "작성한 정적 그래프: 코드가 만든 그대로",
        "pane.source": "소스",
        "pane.loss": "손실",
        "pane.output": "출력",
        "pane.cpu": "CPU · numpy",
        "pane.gpu": "GPU · cupy",
        "empty.static": "그래프를 만드는 중…",
        "empty.eager": "첫 반복을 기다리는 중…",
        "none.static": "이 장면에는 정적 그래프가 없습니다: PyTorch만 사용",
        "none.eager": "이 장면에는 즉시 실행 루프가 없습니다: TensorFlow만 사용",
        "none.static.run": "이 실행에는 정적 그래프가 없습니다",
        "none.eager.run": "이 실행에는 즉시 실행 루프가 없습니다",
        "legend.by": "색 기준 {mode}:",
        "legend.defined": "정의됨, 실행 전",
        "legend.pending": "대기",
        "legend.defined.short": "정의됨",
        "legend.running": "실행 중",
        "legend.done": "완료",
        "legend.pruned": "제외됨 (fetch에 불필요)",
        "legend.error": "오류",
        "legend.cpu": "CPU (numpy)",
        "legend.gpu": "GPU (cupy)",
        "legend.pruned.short": "제외됨",
        "legend.fastest": "가장 빠름",
        "legend.slowest": "가장 느림 (가장 느린 노드 기준)",
        "status.running": "▶ 실행 중",
        "status.paused": "⏸ 일시 정지",
        "status.finished": "■ 끝",
        "status.idle": "■ 대기",
        "status.speed": "속도 {speed}",
        "status.full": "최고 속도",
        "status.static_runs": "정적 실행 {n}회",
        "status.eager_it": "즉시 실행 반복 {n}",
        "status.last_it": "마지막 반복 {t}",
        "status.events": "이벤트 {n}개",
        "status.last_run": "마지막 Session.run {t}",
        "status.sides": "반복당: static {s} · eager {e} · eager/static {r}×",
        "status.sides_short": "static {s} · eager {e} ({r}×)",
        "race.static": "정적 (TensorFlow)",
        "race.eager": "즉시 실행 (PyTorch)",
        "race.pane": "{rate} 반복/초 · 반복당 {t}",
        "race.ahead": "앞섬 ×{x}",
        "race.ahead_only": "앞섬",
        "race.won": "먼저 끝남",
        "race.won_in": "먼저 끝남: {t} 대 {other}",
        "race.on": "경주: 두 쪽 모두 최고 속도",
        "race.off": "경주 끝",
        "status.errors": "오류 {n}개",
        "status.run_short": "실행 {n}",
        "status.it_short": "반복 {n}",
        "status.replay": "재생 {k}/{n}",
        "status.marker_pause": "마커에서 멈춤",
        "cue.built": "정적 그래프 완성: 노드 {n}개, 아직 아무것도 계산하지 않음",
        "cue.run": "Session.run #{run}: 노드 {n}개 중 {k}개 실행 (fetch에 필요한 것만)",
        "cue.static_node": "Session.run이 {name} 실행",
        "cue.static_grad": "Session.run이 {name} 실행 (역전파)",
        "cue.static_update": "Session.run이 가중치 갱신: {name}",
        "cue.run_done": "Session.run #{run} 끝",
        "cue.iteration": "반복 {it}: 그래프를 다시 만듭니다",
        "cue.eager_node": "반복 {it}: {name} = {op} 즉시 실행, 새 노드",
        "cue.eager_grad": "반복 {it}: 역전파가 {name}에 도달",
        "cue.error": "오류: {message}",
        "cue.finished": "실행 끝",
        "marker.built": "정적 그래프 완성",
        "marker.forward": "{where}: 순전파",
        "marker.backward": "{where}: 역전파",
        "marker.update": "{where}: 갱신",
        "marker.end": "{where}: 끝",
        "where.run": "Session.run #{n}",
        "where.iteration": "반복 {n}",
        "replay.label": "재생 · {device}에서 녹화 · {date}",
        "traceback.title": "{label}에서 {type} 발생",
        "traceback.close": "escape: 닫기",
        "note.aliases": "이 스크립트에서 {names}는 엔진을 가리킵니다",
        "saved": "{path}에 저장",
        "scenes.header": "이름|부분|제목",
        "scenes.footer": "(* 기본 장면; 열기: cgviz --scene {name})",
    },
}
"""Language -> key -> text (``str.format`` fields in braces)."""


KEY_WORDS: dict[str, dict[str, Any]] = {
    "ko": {
        "group.Scene": "장면",
        "group.Speed": "속도",
        "app.quit": ("종료", "cgviz 종료"),
        "run.pause": ("일시정지", "실행을 멈추거나 다시 시작"),
        "run.step": ("한 단계", "다음 노드까지 실행하고 멈춤"),
        "replay.step-back": ("뒤로", "재생: 한 노드 뒤로"),
        "lecture.next": ("다음", "다음 장면 (재생: 다음 표시)"),
        "lecture.previous": ("이전", "이전 장면 (재생: 이전 표시)"),
        "replay.next-marker": ("표시 ▶", "재생: 다음 단계 표시"),
        "replay.previous-marker": ("◀ 표시", "재생: 이전 단계 표시"),
        "replay.marker-pause": ("표시에서 멈춤", "재생: 단계 표시마다 멈춤"),
        "run.race": ("경주", "경주: 두 쪽 모두 같은 장치에서 최고 속도로; 누가 앞서는지 막대로"),
        "view.present": ("발표", "발표 모드: 프로젝터 테마, 큰 안내, 옆 패널 숨김"),
        "run.faster": ("빠르게", "더 빠르게 (최고 속도까지)"),
        "run.slower": ("느리게", "더 느리게 (강의 속도까지)"),
        "run.restart": ("다시", "장면을 처음부터 다시"),
        "run.device": ("장치", "CPU(numpy)와 GPU(cupy) 사이 전환"),
        "run.scene": ("장면", "다음 장면 열기"),
        "view.fold": ("접기", "이름 범위 접기/펼치기 (gradients/)"),
        "view.orientation": ("방향", "그래프를 왼쪽→오른쪽 또는 위→아래로"),
        "view.as-run": ("실행 그래프", "작성한 정적 그래프, 또는 그래프 최적화 뒤 실행되는 그래프"),
        "app.bench": ("벤치", "벤치마크의 CPU vs GPU 표와 matmul GFLOP/s (최근 결과)"),
        "view.colour": ("색", "상태, 장치 또는 시간으로 색칠"),
        "view.compact": ("상자 크기", "노드 상자: 창에 맞춤, 전체, 작게, 한 줄"),
        "view.theme": ("테마", "다음 cgviz 테마"),
        "view.close-card": ("카드 닫기", "노드 카드 숨기기"),
        "app.screenshot": ("스크린샷", "SVG 스크린샷 저장"),
        "app.help": ("도움말", "키와 각 창이 보여 주는 것"),
    },
}
"""Footer word and tooltip of each binding (by its id) in languages other than English; the
English ones are the bindings' own."""


def tr(key: str, lang: str = "en", **fields: Any) -> str:
    """The text of ``key`` in ``lang`` (English when missing), formatted with ``fields``."""
    table = STRINGS.get(lang) or STRINGS["en"]
    text = table.get(key)
    if text is None:
        text = STRINGS["en"].get(key, key)
    return text.format(**fields) if fields else text


def key_words(binding_id: str, lang: str, default: Any = None) -> Any:
    """(footer word, tooltip) of a binding in ``lang`` (a group's word for ``group.<name>``),
    or ``default`` to keep its English."""
    return KEY_WORDS.get(lang, {}).get(binding_id, default)


def scene_text(name: str, scene: Any, lang: str = "en") -> tuple[str, str]:
    """(title, caption) of a scene in ``lang``: the scene's own (``title_ko``, ``caption_ko``
    for Korean), else its English ones."""
    title = str(getattr(scene, "title", "") or name)
    caption = str(getattr(scene, "caption", "") or "")
    if lang == "ko":
        title = str(getattr(scene, "title_ko", None) or title)
        caption = str(getattr(scene, "caption_ko", None) or caption)
    return title, caption


def cell_ljust(text: str, width: int) -> str:
    """Pad ``text`` with spaces to ``width`` terminal cells (wide characters count two)."""
    return text + " " * max(0, width - cell_len(text))

"""`cgviz ...` as a user runs it: lists, one-line errors for every mistake, exports."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from engine.events import EventStream, trace_to
from tests.tui.synthetic import SyntheticScene


def cgviz(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tui.cli.main", *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=cwd,
    )


@pytest.fixture(scope="module")
def trace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("trace") / "run.jsonl"
    stream = EventStream()
    with trace_to(path, stream, device="cpu", date="2026-11-20 10:00"):
        SyntheticScene(stream=stream).run(iterations=2)
    return path


def test_scenes_in_lecture_order(capsys: pytest.CaptureFixture[str]) -> None:
    from engine.scenes import SCENES
    from tui.cli.main import run_cli

    code = run_cli(["scenes"])
    out, err = capsys.readouterr()
    assert code == 0 and err == "", err
    names = [line.split()[0] for line in out.splitlines()[1:] if line[:1].isalnum()]
    assert names == list(SCENES)


@pytest.fixture
def no_ui(monkeypatch: pytest.MonkeyPatch) -> None:
    """In-process runs of the command line must stop before a UI starts."""
    from textual.app import App

    def run(self: App, *args: object, **kwargs: object) -> None:
        raise AssertionError(f"the UI started ({type(self).__name__})")

    monkeypatch.setattr(App, "run", run)


@pytest.fixture
def mistakes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_ui: None) -> Path:
    """A folder (the working directory) holding files each mistake below names."""
    (tmp_path / "notes.txt").write_text("hello")
    (tmp_path / "broken.py").write_text("def f(:\n")
    (tmp_path / "cut.jsonl").write_text('{"format": "cgviz-trace", "version": 1}\n{"seq": 0, "k')
    (tmp_path / "foreign.jsonl").write_text('{"hello": 1}\n')
    monkeypatch.chdir(tmp_path)
    return tmp_path


MISTAKES = [
    pytest.param(["--scene", "nope"], "unknown scene 'nope'", id="scene"),
    pytest.param(["run", "missing.py"], "no such file", id="missing-script"),
    pytest.param(["run", "notes.txt"], "not a Python script", id="not-python"),
    pytest.param(["run", "broken.py"], "not valid Python", id="syntax"),
    pytest.param(["replay", "missing.jsonl"], "cannot read trace", id="missing-trace"),
    pytest.param(["replay", "cut.jsonl"], "cut.jsonl:2: truncated", id="truncated-trace"),
    pytest.param(["replay", "foreign.jsonl"], "not a cgviz trace", id="foreign-trace"),
    pytest.param(
        ["export-cast", "foreign.jsonl", "o.cast"], "not a cgviz trace", id="export-foreign"
    ),
    pytest.param(["--record", "no/dir.jsonl"], "no such folder", id="record-folder"),
    pytest.param(["--speed", "warp"], "invalid choice", id="speed"),
    pytest.param(["bench", "--view", "notes.txt"], "not a benchmark results file", id="bench"),
]


def _one_line(err: str, args: list[str], words: str) -> None:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("cgviz: error: "), (args, err)
    assert words in lines[0], (args, lines[0])
    assert "Traceback" not in err


@pytest.mark.parametrize(("args", "words"), MISTAKES)
def test_every_user_mistake_is_one_line_and_exit_2(
    mistakes: Path, capsys: pytest.CaptureFixture[str], args: list[str], words: str
) -> None:
    from tui.cli.main import run_cli

    code = run_cli(args)
    out, err = capsys.readouterr()
    assert code == 2, (args, err)
    _one_line(err, args, words)
    assert out == "", (args, out)
    assert sorted(p.name for p in mistakes.iterdir()) == [
        "broken.py",
        "cut.jsonl",
        "foreign.jsonl",
        "notes.txt",
    ]  # nothing written


@pytest.mark.slow
def test_a_mistake_through_the_real_entry_point_is_one_line_and_exit_2() -> None:
    out = cgviz("--scene", "nope")
    assert out.returncode == 2, out.stderr
    _one_line(out.stderr, ["--scene", "nope"], "unknown scene 'nope'")
    assert out.stdout == ""


@pytest.mark.slow
def test_serve_without_textual_serve_says_how_to_install() -> None:
    try:  # textual-serve is optional
        import textual_serve  # noqa: F401
    except ImportError:
        out = cgviz("serve")
        assert out.returncode == 2 and "pip install textual-serve" in out.stderr
    else:
        pytest.skip("textual-serve is installed here")


@pytest.mark.slow  # the replay app runs headless, frame by frame
def test_export_cast_is_valid_asciicast_v2(
    trace: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tui.cli.main import run_cli

    cast = tmp_path / "demo.cast"
    code = run_cli(["export-cast", str(trace), str(cast), "--size", "120x36", "--speed", "32"])
    err = capsys.readouterr().err
    assert code == 0, err
    assert err.startswith(f"cgviz: cast written to {cast}: "), err
    lines = cast.read_text(encoding="utf-8").splitlines()
    header = json.loads(lines[0])
    assert header["version"] == 2 and (header["width"], header["height"]) == (120, 36)
    assert {"timestamp", "env"} <= set(header)
    events = [json.loads(line) for line in lines[1:]]
    times = [e[0] for e in events]
    assert all(b > a for a, b in zip(times, times[1:], strict=False))
    assert {e[1] for e in events} == {"o", "m"}
    labels = [e[2] for e in events if e[1] == "m"]
    assert labels[0] == "static graph built" and "iteration 1: forward" in labels
    assert "\x1b[38;2;" in "".join(e[2] for e in events if e[1] == "o")  # truecolor


def test_chrome_trace_of_a_replay_has_one_process_per_device(trace: Path, tmp_path: Path) -> None:
    from tui.engine_link.recorder import write_chrome
    from tui.replay.load import load_recording

    path = tmp_path / "chrome.json"
    write_chrome(load_recording(trace).events, path)
    data = json.loads(path.read_text())
    names = {
        e["args"]["name"]
        for e in data["traceEvents"]
        if e.get("ph") == "M" and e.get("name") == "process_name"
    }
    pids = {e["pid"] for e in data["traceEvents"] if e.get("ph") == "X"}
    assert names == {"cpu (numpy)"} and len(pids) == 1


def test_bench_view_draws_the_sections(capsys: pytest.CaptureFixture[str]) -> None:
    from tui.cli.main import run_cli

    fixture = Path(__file__).with_name("bench_small.json")
    code = run_cli(["bench", "--view", str(fixture)])
    out, err = capsys.readouterr()
    assert code == 0 and err == "", err
    assert "matmul GFLOP/s on cpu:" in out
    assert "seed workloads on cpu (median):" in out and "eager loop (P2)" in out
    assert "gpu: not measured: no cupy" in out


def test_auto_device_is_the_gpu_where_one_works(monkeypatch) -> None:
    from tui import engine_link
    from tui.cli import main as cli

    monkeypatch.setattr(engine_link, "gpu_status", lambda: (False, "no cupy"))
    assert cli._device("auto") == "cpu" and cli._device("cpu") == "cpu"
    with pytest.raises(cli.CliError, match="--device gpu: no usable GPU on this machine: no cupy"):
        cli._device("gpu")
    monkeypatch.setattr(engine_link, "gpu_status", lambda: (True, "1 CUDA device(s)"))
    assert cli._device("auto") == "gpu" and cli._device("gpu") == "gpu"

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


def test_scenes_in_lecture_order() -> None:
    from engine.scenes import SCENES

    out = cgviz("scenes")
    assert out.returncode == 0, out.stderr
    names = [line.split()[0] for line in out.stdout.splitlines()[1:] if line[:1].isalnum()]
    assert names == list(SCENES)


def _bad(tmp_path: Path) -> list[tuple[list[str], str]]:
    (tmp_path / "notes.txt").write_text("hello")
    (tmp_path / "broken.py").write_text("def f(:\n")
    (tmp_path / "cut.jsonl").write_text('{"format": "cgviz-trace", "version": 1}\n{"seq": 0, "k')
    (tmp_path / "foreign.jsonl").write_text('{"hello": 1}\n')
    return [
        (["--scene", "nope"], "unknown scene 'nope'"),
        (["run", str(tmp_path / "missing.py")], "no such file"),
        (["run", str(tmp_path / "notes.txt")], "not a Python script"),
        (["run", str(tmp_path / "broken.py")], "not valid Python"),
        (["replay", str(tmp_path / "missing.jsonl")], "cannot read trace"),
        (["replay", str(tmp_path / "cut.jsonl")], "cut.jsonl:2: truncated"),
        (["replay", str(tmp_path / "foreign.jsonl")], "not a cgviz trace"),
        (
            ["export-cast", str(tmp_path / "foreign.jsonl"), str(tmp_path / "o.cast")],
            "not a cgviz trace",
        ),
        (["--record", str(tmp_path / "no" / "dir.jsonl")], "no such folder"),
        (["--speed", "warp"], "invalid choice"),
        (["bench", "--view", str(tmp_path / "notes.txt")], "not a benchmark results file"),
    ]


def test_every_user_mistake_is_one_line_and_exit_2(tmp_path: Path) -> None:
    for args, words in _bad(tmp_path):
        out = cgviz(*args)
        assert out.returncode == 2, (args, out.stderr)
        lines = out.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("cgviz: error: "), (args, out.stderr)
        assert words in lines[0], (args, lines[0])
        assert "Traceback" not in out.stderr


def test_serve_without_textual_serve_says_how_to_install() -> None:
    pytest.importorskip  # noqa: B018 - documented: textual-serve is optional
    try:
        import textual_serve  # noqa: F401
    except ImportError:
        out = cgviz("serve")
        assert out.returncode == 2 and "pip install textual-serve" in out.stderr
    else:
        pytest.skip("textual-serve is installed here")


def test_export_cast_is_valid_asciicast_v2(trace: Path, tmp_path: Path) -> None:
    cast = tmp_path / "demo.cast"
    out = cgviz("export-cast", str(trace), str(cast), "--size", "120x36", "--speed", "8")
    assert out.returncode == 0, out.stderr
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


def test_bench_view_draws_the_sections(tmp_path: Path) -> None:
    fixture = Path(__file__).with_name("bench_small.json")
    out = cgviz("bench", "--view", str(fixture))
    assert out.returncode == 0, out.stderr
    assert "matmul GFLOP/s on cpu:" in out.stdout
    assert "seed workloads on cpu (median):" in out.stdout and "eager loop (P2)" in out.stdout
    assert "gpu: not measured: no cupy" in out.stdout


def test_auto_device_is_the_gpu_where_one_works(monkeypatch) -> None:
    from tui import engine_link
    from tui.cli import main as cli

    monkeypatch.setattr(engine_link, "gpu_status", lambda: (False, "no cupy"))
    assert cli._device("auto") == "cpu" and cli._device("cpu") == "cpu"
    with pytest.raises(cli.CliError, match="--device gpu: no usable GPU on this machine: no cupy"):
        cli._device("gpu")
    monkeypatch.setattr(engine_link, "gpu_status", lambda: (True, "1 CUDA device(s)"))
    assert cli._device("auto") == "gpu" and cli._device("gpu") == "gpu"

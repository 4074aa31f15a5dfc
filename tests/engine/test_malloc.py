"""The allocator setting: applied once on glibc, a no-op elsewhere or when the user chose."""

from __future__ import annotations

import sys

from engine import malloc


class FakeGlibc:
    def __init__(self):
        self.calls = []
        self.gnu_get_libc_version = lambda: b"2.99"

        def mallopt(param, value):  # a plain function: ctypes attributes can be set on it
            self.calls.append((param, value))
            return 1

        self.mallopt = mallopt


class NotGlibc:
    """A C library without glibc's names (musl, macOS)."""

    def __init__(self):
        self.mallopt_called = False


def _fresh(monkeypatch, libc):
    monkeypatch.setattr(malloc, "_STATUS", None)
    monkeypatch.setattr(malloc, "_libc", lambda: libc)
    monkeypatch.setattr(sys, "platform", "linux")
    for var in (*malloc.USER_VARS, "CGVIZ_MALLOC"):
        monkeypatch.delenv(var, raising=False)


def test_applied_once_on_glibc(monkeypatch):
    libc = FakeGlibc()
    _fresh(monkeypatch, libc)
    first = malloc.tune()
    assert malloc.tune() == first == malloc.status()
    assert libc.calls == [
        (malloc.M_MMAP_THRESHOLD, malloc.MMAP_THRESHOLD),
        (malloc.M_TRIM_THRESHOLD, malloc.TRIM_THRESHOLD),
    ]
    assert first.startswith("glibc 2.99")


def test_no_op_off_glibc(monkeypatch):
    _fresh(monkeypatch, NotGlibc())
    assert malloc.tune() == "left as is (not glibc)"
    monkeypatch.setattr(malloc, "_STATUS", None)
    monkeypatch.setattr(sys, "platform", "darwin")
    assert "not glibc" in malloc.tune()


def test_user_settings_win(monkeypatch):
    libc = FakeGlibc()
    _fresh(monkeypatch, libc)
    monkeypatch.setenv("MALLOC_TRIM_THRESHOLD_", "0")
    assert "set by the user" in malloc.tune()
    monkeypatch.setattr(malloc, "_STATUS", None)
    monkeypatch.delenv("MALLOC_TRIM_THRESHOLD_")
    monkeypatch.setenv("CGVIZ_MALLOC", "default")
    assert "CGVIZ_MALLOC" in malloc.tune()
    assert libc.calls == []


def test_refused_mallopt_is_reported(monkeypatch):
    libc = FakeGlibc()
    libc.mallopt = lambda param, value: 0
    _fresh(monkeypatch, libc)
    assert "refused" in malloc.tune()


def test_the_engine_applied_it_at_import():
    import engine.devices  # noqa: F401

    assert malloc.status() != "not applied"

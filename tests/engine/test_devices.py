"""Devices: the CPU always works; a missing GPU is an answer with a reason, not a crash."""

from __future__ import annotations

import numpy as np
import pytest

from engine import devices
from engine.devices import CPU, DeviceError, get_device, gpu_status


def test_cpu_names_resolve_to_numpy():
    for name in ("cpu", "CPU", "/cpu:0", "/device:CPU:0", None):
        assert get_device(name) is CPU
    assert CPU.xp is np


def test_unknown_device_is_named():
    with pytest.raises(DeviceError, match="unknown device 'tpu'"):
        get_device("tpu")


def test_gpu_status_always_answers_with_a_reason():
    ok, reason = gpu_status()
    assert isinstance(ok, bool) and reason


def test_missing_gpu_says_why(monkeypatch):
    devices._probe_gpu.cache_clear()
    devices._gpu_device.cache_clear()
    monkeypatch.setattr(devices.importlib.util, "find_spec", lambda name: None)
    try:
        assert gpu_status() == (False, "no cupy (install the gpu extra: pip install '.[gpu]')")
        with pytest.raises(DeviceError, match="GPU requested but unavailable: no cupy"):
            get_device("/gpu:0")
        assert devices.device_info("gpu")["reason"].startswith("no cupy")
    finally:
        devices._probe_gpu.cache_clear()
        devices._gpu_device.cache_clear()


def test_cpu_measure_reports_a_duration():
    got = []
    out = CPU.measure(lambda xp, a, b: xp.add(a, b), (np.ones(3), np.ones(3)), {}, got.append)
    assert out.tolist() == [2.0, 2.0, 2.0] and len(got) == 1 and got[0] >= 0


def test_cpu_facts_for_the_lecture_table():
    info = devices.cpu_info()
    assert info["cores"] >= 1 and info["library"].startswith("numpy")


@pytest.mark.gpu
def test_gpu_matmul_matches_numpy():
    gpu = get_device("gpu")
    a = np.random.default_rng(0).standard_normal((64, 32)).astype(np.float32)
    got = gpu.to_host(gpu.xp.asarray(a) @ gpu.xp.asarray(a.T))
    np.testing.assert_allclose(got, a @ a.T, rtol=1e-4, atol=1e-4)


def test_simulated_gpu_runs_the_gpu_code_path():
    from tests import fakecupy

    with devices.simulated_gpu(fakecupy) as gpu:
        assert get_device("cuda:0") is gpu and gpu_status() == (True, "simulated GPU")
        a = gpu.asarray(np.arange(4.0, dtype=np.float32))
        assert gpu.owns(a) and not CPU.owns(a) and devices.device_of(a) is gpu
        got = []
        out = gpu.measure(lambda xp, x: xp.multiply(x, 2), (a,), {}, got.append)
        assert got == [] and gpu.owns(out)  # durations wait for the next sync point
        gpu.flush()
        assert len(got) == 1 and gpu.to_host(out).tolist() == [0.0, 2.0, 4.0, 6.0]
        assert gpu.info()["name"] == "Simulated GPU (numpy)"
    assert get_device("cpu") is CPU

"""Framework aliases live only while a script runs, and give the engine's own module objects."""

from __future__ import annotations

import importlib
import sys

import pytest

import engine
import engine.events
from engine.cli.aliases import framework_aliases


def test_alias_resolves_to_the_same_objects_and_is_removed_after():
    with framework_aliases({"fakefw": "engine"}) as installed:
        assert installed == {"fakefw": "engine"}
        import fakefw  # type: ignore[import-not-found]
        import fakefw.events  # type: ignore[import-not-found]
        from fakefw.events import STREAM  # type: ignore[import-not-found]

        assert fakefw is engine
        assert fakefw.events is engine.events
        assert STREAM is engine.events.STREAM
        with pytest.raises(ModuleNotFoundError):
            importlib.import_module("fakefw.no_such_part")
    assert not [m for m in sys.modules if m.split(".")[0] == "fakefw"]
    assert engine.events.__spec__.name == "engine.events"  # the engine's own spec is kept


def test_alias_to_an_attribute():
    engine.cli_alias_probe = engine.events  # type: ignore[attr-defined]
    try:
        with framework_aliases({"fakefw": "engine"}):
            probe = importlib.import_module("fakefw.cli_alias_probe")
            assert probe is engine.events
    finally:
        del engine.cli_alias_probe  # type: ignore[attr-defined]
    assert "fakefw.cli_alias_probe" not in sys.modules


def test_front_end_that_does_not_import_is_skipped():
    with framework_aliases({"fakefw": "engine.no_such_front_end"}) as installed:
        assert installed == {}
        with pytest.raises(ModuleNotFoundError):
            importlib.import_module("fakefw")


def test_previous_module_is_restored():
    sentinel = object()
    sys.modules["fakefw"] = sentinel  # type: ignore[assignment]
    try:
        with framework_aliases({"fakefw": "engine"}):
            assert sys.modules["fakefw"] is engine
        assert sys.modules["fakefw"] is sentinel
    finally:
        del sys.modules["fakefw"]


def test_keras_resolves_to_the_static_engine_keras_with_keras1_paths():
    import engine.static.keras as ekeras
    import engine.static.keras.layers as elayers

    with framework_aliases() as installed:
        assert installed["keras"] == "engine.static.keras"
        import tensorflow as tf  # type: ignore[import-not-found]
        from keras.layers.core import Activation, Dense  # type: ignore[import-not-found]
        from keras.models import Sequential  # type: ignore[import-not-found]
        from keras.optimizers import SGD  # type: ignore[import-not-found]

        assert Sequential is ekeras.Sequential and Dense is elayers.Dense
        assert Activation is elayers.Activation and SGD is ekeras.optimizers.SGD
        assert tf.keras is ekeras


def test_a_framework_module_the_engine_lacks_fails_in_one_line():
    with framework_aliases(), pytest.raises(ModuleNotFoundError) as e:
        importlib.import_module("tensorflow.contrib.rnn")
    assert str(e.value) == (
        "cgviz: tensorflow.contrib.rnn is not supported by the engine (see 'python -m engine api')"
    )

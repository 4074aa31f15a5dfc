"""``keras.backend``: the Session Keras runs in, and the learning-phase flag.

One Session per graph, made on first use; each ``fit`` / ``predict`` / ``evaluate`` first
initialises the Variables that Session has not initialised yet (layer weights, optimizer
slots), as Keras on TF 1 does.
"""

from __future__ import annotations

from typing import Any

from .. import api
from .. import dtypes as dt
from ..graph import Graph, Tensor, get_default_graph
from ..namespace import missing_names
from ..session import Session
from ..variables import Variable, variables_initializer

__all__ = [
    "clear_session",
    "eval",
    "floatx",
    "get_session",
    "get_value",
    "learning_phase",
    "placeholder",
    "set_session",
]

_SESSIONS: dict[int, tuple[Graph, Session]] = {}
_INITIALISED: dict[int, set[int]] = {}
_PHASES: dict[int, Tensor] = {}


def get_session() -> Session:
    """The Keras Session of the default graph (made on first use)."""
    g = get_default_graph()
    entry = _SESSIONS.get(id(g))
    if entry is None or entry[0] is not g or entry[1]._closed:
        entry = _SESSIONS[id(g)] = (g, Session(graph=g))
        _INITIALISED[id(entry[1])] = set()
    return entry[1]


def set_session(session: Session) -> None:
    """Make ``session`` the Keras Session of its graph."""
    _SESSIONS[id(session.graph)] = (session.graph, session)
    _INITIALISED.setdefault(id(session), set())


def clear_session() -> None:
    """Forget the Keras Sessions (and start a fresh default graph, as Keras does)."""
    for _, sess in _SESSIONS.values():
        sess.close()
    _SESSIONS.clear()
    _INITIALISED.clear()
    _PHASES.clear()
    from ..graph import reset_default_graph

    reset_default_graph()


def initialise(session: Session, variables: list[Variable]) -> None:
    """Run the initializers of ``variables`` this session has not run yet."""
    done = _INITIALISED.setdefault(id(session), set())
    new = [v for v in variables if v.op._id not in done]
    if new:
        session.run(variables_initializer(new, name="keras_init"))
        done.update(v.op._id for v in new)


def learning_phase() -> Tensor:
    """``keras_learning_phase``: a bool fed True while ``fit`` trains (dropout on), False by
    default."""
    g = get_default_graph()
    phase = _PHASES.get(id(g))
    if phase is None or phase.graph is not g:
        with g.as_default(), g.name_scope(""):
            phase = api.placeholder_with_default(False, (), name="keras_learning_phase")
        _PHASES[id(g)] = phase
    return phase


def floatx() -> str:
    """The float type of weights and inputs."""
    return "float32"


def placeholder(
    shape: Any = None, ndim: int | None = None, dtype: Any = None, name: str | None = None
) -> Tensor:
    """A placeholder of ``shape`` (or of ``ndim`` unknown dimensions)."""
    if shape is None and ndim is not None:
        shape = (None,) * ndim
    return api.placeholder(dt.as_dtype(dtype or floatx()), shape, name=name)


def eval(x: Any) -> Any:  # noqa: A001 - Keras' name
    """The value of ``x`` in the Keras Session."""
    return get_session().run(x)


def get_value(x: Any) -> Any:
    """The value of a Variable in the Keras Session."""
    return get_session().run(x)


__getattr__ = missing_names("keras.backend")

"""cgviz's terminal UI: draws engine events; never does math, never reaches into the engine."""

from __future__ import annotations

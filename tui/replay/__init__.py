"""Recordings: loading a trace, playing it back, phase markers and asciicast export."""

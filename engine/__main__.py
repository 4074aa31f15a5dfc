"""``python -m engine``: the headless command line (see ``engine.cli``)."""

from __future__ import annotations

if __name__ == "__main__":
    import sys

    from engine.cli import main

    sys.exit(main())

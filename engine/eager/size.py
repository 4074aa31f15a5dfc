"""``torch.Size``: a tensor's shape."""

from __future__ import annotations


class Size(tuple):
    """``torch.Size``: a tuple of ints."""

    def __repr__(self) -> str:
        return f"torch.Size({list(self)})"

    def numel(self) -> int:
        n = 1
        for d in self:
            n *= d
        return n

"""The Tensor's Python operators: ``+ - * / ** @``, comparisons, indexing, ``len``, ``iter``.

Sugar over the math methods and :func:`engine.eager.tensor._binary`; ``Tensor`` gets them by
inheriting :class:`Operators`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import engine.eager.tensor as core
from engine import ops
from engine.eager.inplace import InPlace
from engine.eager.shaping import _index_key

if TYPE_CHECKING:
    from engine.eager.tensor import Operand, Tensor

OPS = ops.OPS
_ADD, _SUB, _MUL, _DIV, _NEG = OPS["Add"], OPS["Sub"], OPS["Mul"], OPS["RealDiv"], OPS["Neg"]


class Operators(InPlace):
    """Arithmetic and comparison operators, their method spellings (``add``...) and indexing."""

    __slots__ = ()

    # ------------------------------------------------------------- arithmetic

    def __add__(self, o: Any) -> Tensor:
        return core._binary(_ADD, self, o)

    def __radd__(self, o: Any) -> Tensor:
        return core._binary(_ADD, self, o, reverse=True)

    def __sub__(self, o: Any) -> Tensor:
        return core._binary(_SUB, self, o)

    def __rsub__(self, o: Any) -> Tensor:
        return core._binary(_SUB, self, o, reverse=True, name="rsub")

    def __mul__(self, o: Any) -> Tensor:
        return core._binary(_MUL, self, o)

    def __rmul__(self, o: Any) -> Tensor:
        return core._binary(_MUL, self, o, reverse=True)

    def __truediv__(self, o: Any) -> Tensor:
        return core._binary(_DIV, self, o)

    def __rtruediv__(self, o: Any) -> Tensor:
        return core._binary(_DIV, self, o, reverse=True)

    def __neg__(self) -> Tensor:
        return core.apply(_NEG, (self,), (self.array,), {}, self._dev)

    def __pow__(self, e: Any) -> Tensor:
        return self.pow(e)

    def __rpow__(self, base: Any) -> Tensor:
        return core._binary(OPS["Pow"], self, base, reverse=True, name="pow")

    def __matmul__(self, o: Any) -> Tensor:
        return self.matmul(o)

    def add(self, o: Operand) -> Tensor:
        return self + o

    def sub(self, o: Operand) -> Tensor:
        return self - o

    def mul(self, o: Operand) -> Tensor:
        return self * o

    def div(self, o: Operand) -> Tensor:
        return self / o

    def neg(self) -> Tensor:
        return -self

    # ------------------------------------------------------------ comparisons

    def __lt__(self, o: Any) -> Tensor:
        return core._binary(OPS["Less"], self, o, name="lt")

    def __le__(self, o: Any) -> Tensor:
        return core._binary(OPS["LessEqual"], self, o, name="le")

    def __gt__(self, o: Any) -> Tensor:
        return core._binary(OPS["Greater"], self, o, name="gt")

    def __ge__(self, o: Any) -> Tensor:
        return core._binary(OPS["GreaterEqual"], self, o, name="ge")

    def __eq__(self, o: Any) -> Tensor:  # type: ignore[override]
        return core._binary(OPS["Equal"], self, o, name="eq")

    def __ne__(self, o: Any) -> Tensor:  # type: ignore[override]
        return core._binary(OPS["NotEqual"], self, o, name="ne")

    def lt(self, o: Any) -> Tensor:
        return self.__lt__(o)

    def le(self, o: Any) -> Tensor:
        return self.__le__(o)

    def gt(self, o: Any) -> Tensor:
        return self.__gt__(o)

    def ge(self, o: Any) -> Tensor:
        return self.__ge__(o)

    def eq(self, o: Any) -> Tensor:
        return self.__eq__(o)

    def ne(self, o: Any) -> Tensor:
        return self.__ne__(o)

    # -------------------------------------------------------------- indexing

    def __getitem__(self, key: Any) -> Tensor:
        key = _index_key(self, key)
        return core.apply(OPS["Index"], (self,), (self.array,), {"index": key}, self._dev)

    def __len__(self) -> int:
        if self.array.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return int(self.array.shape[0])

    def __iter__(self) -> Any:
        if self.array.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return (self[i] for i in range(self.array.shape[0]))

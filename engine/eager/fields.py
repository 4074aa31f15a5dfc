"""The fields every eager Tensor has, in one slotted base that the Tensor's mixins share.

``Tensor`` is assembled from mixins, one job each (``methods``, ``operators``, ``inplace``,
``host``); each derives from :class:`TensorFields`, so its methods see the same typed fields
and the instances stay slotted (no ``__dict__``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from engine.devices import Device
    from engine.eager.graph import AccumulateGrad, Node, ViewOf
    from engine.eager.tensor import Tensor


class TensorFields:
    """The slots of a Tensor.

    Attributes:
        array: the numpy or cupy array holding the values.
        requires_grad: whether autograd tracks ops on this tensor.
        grad_fn: the node that made this tensor (None for leaves).
        grad: the accumulated gradient of a leaf (None until a backward reaches it).
    """

    __slots__ = (
        "array",
        "_dev",
        "requires_grad",
        "grad_fn",
        "grad",
        "_vc",
        "_gtok",
        "_nid",
        "_acc",
        "_name",
        "_view",
        "_leaf",
        "_scope",
        "__weakref__",
    )
    array: Any
    _dev: Device
    requires_grad: bool
    grad_fn: Node | None
    grad: Tensor | None
    _vc: list[int]
    """The version counter, shared with views and detached copies (``_version``)."""
    _gtok: int
    """The event graph token ``_nid`` belongs to (``tracing.STATE.token``)."""
    _nid: int
    """The node id of this tensor in the current event graph (-1: none)."""
    _acc: AccumulateGrad | None
    """The leaf's AccumulateGrad node, made on first request."""
    _name: str | None
    """The user's name for it (a module's parameter name), shown on its leaf node."""
    _view: ViewOf | None
    """For a view of another tensor's storage (``h[0]``, ``h.t()``, ``h.view(12)``): what it
    is a view of and how; None otherwise."""
    _leaf: tuple[Any, str | None, str, dict[str, Any]] | None
    """The Leaf event this tensor was last shown by, while it holds the same array under
    the same name at the same line: (array, name, source, the event's template)."""
    _scope: str
    """The scope of the module that holds it, a parameter or a buffer (``BatchNorm1d_1``;
    "" for the model's own): its leaf is drawn inside that module's box. Unset on any other
    tensor: read it as ``getattr(t, "_scope", "")``."""

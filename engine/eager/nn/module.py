"""``nn.Module``, ``nn.Parameter`` and ``nn.Sequential``: parameters found by attribute, buffers
(state that is no parameter, as BatchNorm's running statistics) registered by name, both kept
or restored by name (``state_dict``, ``load_state_dict``)."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator
from typing import Any, NamedTuple

from engine.eager import tracing, types
from engine.eager.fields import TensorFields
from engine.eager.grad_mode import no_grad
from engine.eager.tensor import Tensor, _new


class Parameter(Tensor):
    """A tensor that a Module registers as one of its parameters (requires grad by default)."""

    __slots__ = ()

    def __new__(cls, data: Tensor | None = None, requires_grad: bool = True) -> Parameter:
        if data is None:
            from engine.eager.factory import empty

            data = empty(0)
        t = object.__new__(cls)
        src = _new(data.array, data._dev)
        for slot in TensorFields.__slots__:  # a fresh tensor's fields, on this Parameter
            if slot not in ("requires_grad", "_scope", "__weakref__"):
                setattr(t, slot, getattr(src, slot))
        t.requires_grad = requires_grad
        t._scope = ""
        return t

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()


class Module:
    """Base of every layer and model: ``__call__`` runs ``forward``; attributes register.

    Parameters and submodules assigned as attributes (``self.linear1 = nn.Linear(...)``) are
    found by ``parameters()``; ``super().__init__()`` must run first, as in PyTorch.
    """

    training = True

    def __init__(self) -> None:
        object.__setattr__(self, "_parameters", {})
        object.__setattr__(self, "_buffers", {})
        object.__setattr__(self, "_modules", {})
        object.__setattr__(self, "training", True)

    def __setattr__(self, name: str, value: Any) -> None:
        params = self.__dict__.get("_parameters")
        if isinstance(value, Parameter):
            if params is None:
                raise AttributeError("cannot assign parameters before Module.__init__() call")
            value._name = name
            params[name] = value
            self.__dict__.pop(name, None)
            return
        if isinstance(value, Module):
            modules = self.__dict__.get("_modules")
            if modules is None:
                raise AttributeError("cannot assign module before Module.__init__() call")
            # its ops are scoped by the name it has here, and its parameters and buffers with
            # them (the pane folds a submodule into one box, as torchview draws modules); a
            # numbered child says its class: Linear_0
            label = f"{type(value).__name__}_{name}" if name.isdigit() else name
            value.__dict__.setdefault("_scope_name", label)
            for sub, t in [*value.named_parameters(), *value.named_buffers()]:
                t._name = f"{name}.{sub}"
                inner = getattr(t, "_scope", "")
                t._scope = f"{label}/{inner}" if inner else label
            modules[name] = value
            self.__dict__.pop(name, None)
            return
        buffers = self.__dict__.get("_buffers")
        if buffers is not None and name in buffers:
            if value is not None and not isinstance(value, Tensor):
                raise TypeError(
                    f"cannot assign '{type(value).__name__}' as buffer '{name}' "
                    "(torch.Tensor or None expected)"
                )
            buffers[name] = value
            return
        if params is not None and name in params:
            if value is not None:
                raise TypeError(
                    f"cannot assign '{type(value).__name__}' as parameter '{name}' "
                    "(torch.nn.Parameter or None expected)"
                )
            params[name] = None
            return
        object.__setattr__(self, name, value)

    def __getattr__(self, name: str) -> Any:
        d = self.__dict__
        if "_parameters" in d and name in d["_parameters"]:
            return d["_parameters"][name]
        if "_buffers" in d and name in d["_buffers"]:
            return d["_buffers"][name]
        if "_modules" in d and name in d["_modules"]:
            return d["_modules"][name]
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def forward(self, *args: Any) -> Any:
        raise NotImplementedError(
            f'Module [{type(self).__name__}] is missing the required "forward" function'
        )

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        label = self.__dict__.get("_scope_name")
        if label is None:  # the model the user calls: its own ops stay open, as top-level ops
            return self.forward(*args, **kwargs)
        outer = tracing.SCOPE[0]
        scopes = self.__dict__.get("_scopes")
        if scopes is None:
            scopes = self.__dict__["_scopes"] = {}
        scope = scopes.get(outer)
        if scope is None:  # one string per place it is called from: sites compare by identity
            scope = scopes[outer] = f"{outer}/{label}" if outer else label
        with tracing.scope(scope):
            return self.forward(*args, **kwargs)

    def named_parameters(self, prefix: str = "") -> Iterator[tuple[str, Parameter]]:
        """(dotted name, parameter) for this module and every submodule, each once."""
        seen: set[int] = set()
        for name, p in self._named(prefix):
            if id(p) not in seen:
                seen.add(id(p))
                yield name, p

    def _named(self, prefix: str) -> Iterator[tuple[str, Parameter]]:
        for name, p in self.__dict__["_parameters"].items():
            if p is not None:
                yield prefix + name, p
        for name, m in self.__dict__["_modules"].items():
            yield from m._named(f"{prefix}{name}.")

    def parameters(self) -> Iterator[Parameter]:
        for _, p in self.named_parameters():
            yield p

    def register_buffer(self, name: str, tensor: Tensor | None, persistent: bool = True) -> None:
        """Keep ``tensor`` as state that no optimizer updates (a running mean): it moves with
        ``to()`` and, when ``persistent``, is saved in ``state_dict()``."""
        buffers = self.__dict__.get("_buffers")
        if buffers is None:
            raise AttributeError("cannot assign buffer before Module.__init__() call")
        if "." in name or not name:
            raise KeyError(f'buffer name can\'t contain "." or be empty, got "{name}"')
        if tensor is not None and not isinstance(tensor, Tensor):
            raise TypeError(
                f"cannot assign '{type(tensor).__name__}' object to buffer '{name}' "
                "(torch Tensor or None required)"
            )
        if tensor is not None:  # what its leaf node is called, and in which box it is drawn
            tensor._name, tensor._scope = name, ""
        buffers[name] = tensor
        if not persistent:
            self.__dict__.setdefault("_transient", set()).add(name)

    def named_buffers(self, prefix: str = "") -> Iterator[tuple[str, Tensor]]:
        """(dotted name, buffer) for this module and every submodule."""
        for name, b in self.__dict__["_buffers"].items():
            if b is not None:
                yield prefix + name, b
        for name, m in self.__dict__["_modules"].items():
            yield from m.named_buffers(f"{prefix}{name}.")

    def buffers(self) -> Iterator[Tensor]:
        for _, b in self.named_buffers():
            yield b

    def _state(self, prefix: str) -> Iterator[tuple[str, Tensor]]:
        """What ``state_dict`` keeps, in PyTorch's order: each module's parameters, then its
        persistent buffers, then its submodules'."""
        d = self.__dict__
        for name, p in d["_parameters"].items():
            if p is not None:
                yield prefix + name, p
        transient = d.get("_transient", ())
        for name, b in d["_buffers"].items():
            if b is not None and name not in transient:
                yield prefix + name, b
        for name, m in d["_modules"].items():
            yield from m._state(f"{prefix}{name}.")

    def state_dict(self) -> OrderedDict[str, Tensor]:
        """Every parameter and persistent buffer by its dotted name (``fc1.weight``,
        ``bn.running_mean``), detached: what a checkpoint keeps
        (``torch.save(model.state_dict(), path)``)."""
        return OrderedDict((name, t.detach()) for name, t in self._state(""))

    def load_state_dict(self, state_dict: dict[str, Any], strict: bool = True) -> Any:
        """Copy the values of ``state_dict`` into the parameters of the same names; with
        ``strict``, a name missing or unexpected is an error, as PyTorch words it."""
        own = dict(self._state(""))
        missing = [k for k in own if k not in state_dict]
        unexpected = [k for k in state_dict if k not in own]
        errors = []
        if strict:
            if missing:
                errors.append(f"Missing key(s) in state_dict: {_keys(missing)}. ")
            if unexpected:
                errors.append(f"Unexpected key(s) in state_dict: {_keys(unexpected)}. ")
        for name, p in own.items():
            value = state_dict.get(name)
            if value is None:
                continue
            if tuple(value.shape) != tuple(p.shape):
                errors.append(
                    f"size mismatch for {name}: copying a param with shape {value.shape!r} "
                    f"from checkpoint, the shape in current model is {p.shape!r}."
                )
        if errors:
            raise RuntimeError(
                f"Error(s) in loading state_dict for {type(self).__name__}:\n\t"
                + "\n\t".join(errors)
            )
        with no_grad():
            for name, p in own.items():
                if name in state_dict:
                    p.copy_(state_dict[name])
        return IncompatibleKeys(missing, unexpected)

    def children(self) -> Iterator[Module]:
        yield from self.__dict__["_modules"].values()

    def modules(self) -> Iterator[Module]:
        yield self
        for m in self.children():
            yield from m.modules()

    def apply(self, fn: Any) -> Module:
        """Call ``fn`` on every submodule, then on this one (``model.apply(init_weights)``)."""
        for m in self.children():
            m.apply(fn)
        fn(self)
        return self

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Forget the accumulated gradients (None, or zeros in place)."""
        for p in self.parameters():
            if p.grad is not None:
                if set_to_none:
                    p.grad = None
                else:
                    p.grad.zero_()

    def train(self, mode: bool = True) -> Module:
        for m in self.modules():
            object.__setattr__(m, "training", mode)
        return self

    def eval(self) -> Module:
        return self.train(False)

    def to(self, *args: Any, **kwargs: Any) -> Module:
        """Move/convert every parameter in place (its ``.data``), as PyTorch does, and every
        buffer (floating ones only change dtype, as PyTorch's do)."""
        for p in self.parameters():
            p.data = p.data.to(*args, **kwargs)
        for m in self.modules():
            buffers = m.__dict__["_buffers"]
            for name, b in buffers.items():
                if b is not None:
                    moved = buffers[name] = _moved(b, args, kwargs)
                    moved._name, moved._scope = b._name, getattr(b, "_scope", "")
        return self

    def cuda(self) -> Module:
        return self.to("cuda")

    def double(self) -> Module:
        """Floating parameters and buffers in float64 (``model.double()``)."""
        return self.to(types.float64)

    def float(self) -> Module:
        return self.to(types.float32)

    def cpu(self) -> Module:
        return self.to("cpu")

    def extra_repr(self) -> str:
        return ""

    def __repr__(self) -> str:
        children = self.__dict__.get("_modules", {})
        if not children:
            return f"{type(self).__name__}({self.extra_repr()})"
        lines = [f"  ({name}): " + repr(m).replace("\n", "\n  ") for name, m in children.items()]
        return f"{type(self).__name__}(\n" + "\n".join(lines) + "\n)"


class Sequential(Module):
    """Modules applied one after the other."""

    def __init__(self, *modules: Module) -> None:
        super().__init__()
        for i, m in enumerate(modules):
            setattr(self, str(i), m)

    def forward(self, x: Any) -> Any:
        for m in self.__dict__["_modules"].values():
            x = m(x)
        return x

    def __getitem__(self, i: int) -> Module:
        module: Module = list(self.__dict__["_modules"].values())[i]
        return module

    def __len__(self) -> int:
        return len(self.__dict__["_modules"])


class ModuleList(Module):
    """A list of modules whose parameters the model finds (a plain list would hide them)."""

    def __init__(self, modules: Any = None) -> None:
        super().__init__()
        for m in modules or ():
            self.append(m)

    def append(self, module: Module) -> ModuleList:
        setattr(self, str(len(self)), module)
        return self

    def extend(self, modules: Any) -> ModuleList:
        for m in modules:
            self.append(m)
        return self

    def __getitem__(self, i: Any) -> Any:
        modules = self.__dict__["_modules"]
        if isinstance(i, slice):  # a view: its modules keep the names this list gave them
            part = ModuleList()
            part.__dict__["_modules"].update(list(modules.items())[i])
            return part
        return list(modules.values())[i]

    def __len__(self) -> int:
        return len(self.__dict__["_modules"])

    def __iter__(self) -> Iterator[Module]:
        return iter(list(self.__dict__["_modules"].values()))

    def forward(self, *args: Any) -> Any:
        raise NotImplementedError('Module [ModuleList] is missing the required "forward" function')


class ModuleDict(Module):
    """Modules by name (a plain dict would hide their parameters), in insertion order."""

    def __init__(self, modules: Any = None) -> None:
        super().__init__()
        if modules is not None:
            self.update(modules)

    def __getitem__(self, key: str) -> Module:
        module: Module = self.__dict__["_modules"][key]
        return module

    def __setitem__(self, key: str, module: Module) -> None:
        if not isinstance(module, Module):
            raise TypeError(f"{type(module).__name__} is not a Module subclass")
        setattr(self, key, module)

    def __delitem__(self, key: str) -> None:
        del self.__dict__["_modules"][key]

    def __len__(self) -> int:
        return len(self.__dict__["_modules"])

    def __iter__(self) -> Iterator[str]:
        return iter(list(self.__dict__["_modules"]))

    def __contains__(self, key: object) -> bool:
        return key in self.__dict__["_modules"]

    def keys(self) -> list[str]:
        return list(self.__dict__["_modules"])

    def values(self) -> list[Module]:
        return list(self.__dict__["_modules"].values())

    def items(self) -> list[tuple[str, Module]]:
        return list(self.__dict__["_modules"].items())

    def update(self, modules: Any) -> None:
        """Add ``modules``: a mapping, or (name, module) pairs."""
        pairs = modules.items() if hasattr(modules, "items") else modules
        for key, module in pairs:
            self[key] = module

    def pop(self, key: str) -> Module:
        module = self[key]
        del self[key]
        return module

    def clear(self) -> None:
        self.__dict__["_modules"].clear()

    def forward(self, *args: Any) -> Any:
        raise NotImplementedError('Module [ModuleDict] is missing the required "forward" function')


class IncompatibleKeys(NamedTuple):
    """What ``load_state_dict`` found missing or unexpected (without ``strict``)."""

    missing_keys: list[str]
    unexpected_keys: list[str]

    def __repr__(self) -> str:
        if not self.missing_keys and not self.unexpected_keys:
            return "<All keys matched successfully>"
        return (
            f"_IncompatibleKeys(missing_keys={self.missing_keys}, "
            f"unexpected_keys={self.unexpected_keys})"
        )


def _moved(b: Tensor, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Tensor:
    """A buffer after ``Module.to(*args, **kwargs)``: a dtype applies only to floating ones
    (``num_batches_tracked`` stays int64)."""
    if b.dtype.is_floating_point:
        return b.to(*args, **kwargs)
    device = kwargs.get("device")
    if device is None:
        device = next((a for a in args if not _is_dtype(a)), None)
    return b.to(device) if device is not None else b


def _is_dtype(a: Any) -> bool:
    from engine.eager import types

    return isinstance(a, types.dtype)


def _keys(names: list[str]) -> str:
    return ", ".join(f'"{k}"' for k in names)

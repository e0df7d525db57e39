"""Small value classes that behave like dataclasses, without importing ``dataclasses``.

``import dataclasses`` pulls in ``inspect`` (with ``ast``, ``dis`` and
``tokenize``): about 6 ms, a tenth of the pre-commit hook's whole run. The
few value classes the hook touches (``Issue``, ``Document``, ``FileReport``...)
derive from these instead: the same constructor, ``repr`` and ``==`` as
``@dataclass`` generates, and for ``FrozenRecord`` hashing and immutability.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from typing import Any


class AnnotationGeneric:
    """Stands in at run time for ``typing.Generic`` (not imported on the hook's path) as the
    base of a class the type checker sees as generic: ``Cls[int]`` appears only in annotations,
    which are never evaluated, so subscripting just gives the class."""

    def __class_getitem__(cls, _params: object) -> type:
        return cls


class Record:
    """Fields named by ``_fields`` (in order); ``repr`` and ``==`` compare them, like a dataclass."""

    _fields: tuple[str, ...] = ()

    def _init(self, **values: Any) -> None:
        """Set the fields, then run ``__post_init__`` if the class has one (as a dataclass would)."""
        for name, value in values.items():
            object.__setattr__(self, name, value)
        post_init = getattr(self, "__post_init__", None)
        if post_init is not None:
            post_init()

    def _values(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in self._fields)

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._fields)
        return f"{type(self).__qualname__}({shown})"

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        assert isinstance(other, Record)
        return self._values() == other._values()

    # Defining __eq__ without __hash__ makes a Record unhashable, as a dataclass with eq is.


class FrozenRecord(Record):
    """A ``Record`` whose fields cannot change after ``_init`` (``__post_init__`` may use
    ``object.__setattr__``, as with a frozen dataclass); hashable."""

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"cannot delete field {name!r}")

    def __hash__(self) -> int:
        return hash(self._values())

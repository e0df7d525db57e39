"""A cache keyed by the identity of objects (schemas: dicts, which cannot be hashed)."""

from __future__ import annotations

from typing import Any, Callable


class ByIdentity:
    """Values made once per tuple of objects, found by the objects' ``id``s. The objects are
    kept with their value, so an ``id`` is never reused for another object while cached."""

    __slots__ = ("_entries",)

    def __init__(self) -> None:
        self._entries: dict[tuple[int, ...], tuple[tuple[Any, ...], Any]] = {}

    def get(self, objects: tuple[Any, ...], make: Callable[[], Any]) -> Any:
        """The value for ``objects``, made by ``make()`` the first time."""
        key = tuple(map(id, objects))
        entry = self._entries.get(key)
        if entry is None:
            entry = (objects, make())
            self._entries[key] = entry
        return entry[1]

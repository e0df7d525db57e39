"""JSON pointers (RFC 6901): building, splitting and walking them, in one place.

A pointer names a value in a document (``/git/base_branch``, ``/ports/2``) or,
walked through ``properties`` and ``items``, the subschema that describes it.
Each token escapes ``~`` as ``~0`` and ``/`` as ``~1``, so a key may hold either.
A leaf module: it imports nothing from the toolkit.
"""

from __future__ import annotations

from typing import Any, Iterable


class _Missing:
    """What ``resolve`` returns for a pointer that names nothing in the document."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()


def escape(token: object) -> str:
    """One key or index as a pointer token."""
    return str(token).replace("~", "~0").replace("/", "~1")


def unescape(token: str) -> str:
    """A pointer token as the key it stands for (``~1`` first, as RFC 6901 says)."""
    return token.replace("~1", "/").replace("~0", "~")


def join(tokens: Iterable[object]) -> str:
    """The pointer to the value reached through ``tokens`` (keys or list indexes)."""
    return "".join("/" + escape(token) for token in tokens)


def child(pointer: str, token: object) -> str:
    """The pointer to the member ``token`` of the value at ``pointer``."""
    return f"{pointer}/{escape(token)}"


def parent(pointer: str) -> str:
    """The pointer to the value holding the one at ``pointer`` (the root is its own parent)."""
    return pointer.rsplit("/", 1)[0]


def split(pointer: str) -> list[str]:
    """The keys (unescaped) along ``pointer``; ``""`` is the root and has none.

    Empty tokens are kept: ``/a/`` names the key ``""`` inside ``a``.
    """
    if not pointer:
        return []
    if not pointer.startswith("/"):
        raise ValueError(f"not a JSON pointer: {pointer!r}")
    return [unescape(token) for token in pointer[1:].split("/")]


def list_index(token: str, length: int) -> int | None:
    """``token`` as an index into a list of ``length`` items, if it is a canonical one."""
    if not (token.isascii() and token.isdigit()) or (token != "0" and token.startswith("0")):
        return None
    index = int(token)
    return index if index < length else None


def resolve(document: Any, pointer: str) -> Any:
    """The value at ``pointer`` in ``document``, or ``MISSING``."""
    node = document
    for token in split(pointer):
        if isinstance(node, dict):
            if token not in node:
                return MISSING
            node = node[token]
        elif isinstance(node, list):
            index = list_index(token, len(node))
            if index is None:
                return MISSING
            node = node[index]
        else:
            return MISSING
    return node


def path(document: Any, pointer: str) -> list[str | int]:
    """The keys and list indexes along ``pointer`` in ``document`` (a token is an int where
    the value it indexes is a list), as jsonschema spells an error's path."""
    out: list[str | int] = []
    node = document
    for token in split(pointer):
        index = list_index(token, len(node)) if isinstance(node, list) else None
        if index is not None:
            out.append(index)
            node = node[index]
        else:
            out.append(token)
            node = node.get(token) if isinstance(node, dict) else None
    return out


def subschema(schema: dict[str, Any], pointer: str) -> dict[str, Any]:
    """The subschema describing the value at the document location ``pointer``
    (through ``properties`` and ``items``); ``{}`` where the schema says nothing."""
    node = schema
    for token in split(pointer):
        properties = node.get("properties", {})
        if token in properties:
            node = properties[token]
        elif isinstance(node.get("items"), dict) and token.isascii() and token.isdigit():
            node = node["items"]
        else:
            return {}
    return node


def dotted(pointer: str) -> str:
    """``/airyra/port`` as people write it: ``airyra.port`` (``""`` for the root)."""
    # Keep empty tokens: a key "" is a key too, and must not read as its parent.
    return ".".join(split(pointer))

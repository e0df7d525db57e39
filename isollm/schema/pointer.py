"""JSON pointers (RFC 6901: ``/git/base_branch``, ``/ports/2``; ``~`` is ``~0``, ``/`` is ``~1``),
naming a value in a document or, through ``properties`` and ``items``, the subschema describing it.
"""

from __future__ import annotations

from typing import Any, Iterable


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()  # what ``resolve`` returns for a pointer that names nothing


def escape(token: object) -> str:
    return str(token).replace("~", "~0").replace("/", "~1")


def join(tokens: Iterable[object]) -> str:
    return "".join("/" + escape(token) for token in tokens)


def child(pointer: str, token: object) -> str:
    return f"{pointer}/{escape(token)}"


def parent(pointer: str) -> str:
    """The root is its own parent."""
    return pointer.rsplit("/", 1)[0]


def split(pointer: str) -> list[str]:
    """The keys (unescaped) along ``pointer``; empty ones are kept (``/a/`` names the key ``""`` in ``a``)."""
    if not pointer:
        return []
    if not pointer.startswith("/"):
        raise ValueError(f"not a JSON pointer: {pointer!r}")
    return [token.replace("~1", "/").replace("~0", "~") for token in pointer[1:].split("/")]  # ~1 first (RFC 6901)


def list_index(token: str, length: int) -> int | None:
    """``token`` as an index into a list of ``length`` items, if it is a canonical one (no ``01``)."""
    if not (token.isascii() and token.isdigit()) or (token != "0" and token.startswith("0")):
        return None
    index = int(token)
    return index if index < length else None


def resolve(document: Any, pointer: str) -> Any:
    node = document
    for token in split(pointer):
        if isinstance(node, list):
            index = list_index(token, len(node))
            if index is None:
                return MISSING
            node = node[index]
        elif isinstance(node, dict) and token in node:
            node = node[token]
        else:
            return MISSING
    return node


def subschema(schema: dict[str, Any], pointer: str) -> dict[str, Any]:
    """The subschema describing the value at ``pointer``; ``{}`` where the schema says nothing."""
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
    """``/airyra/port`` as people write it: ``airyra.port`` (an empty key stays: ``a.``, not ``a``)."""
    return ".".join(split(pointer))

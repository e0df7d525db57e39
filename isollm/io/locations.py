"""What a parsed document records about each value, kept without one pointer string per value.

A JSON pointer repeats every key above the value it names, so storing one per value
costs depth times key length each: 60 nested 1,000-character keys over a 20,000-item
list would hold 1.2 GB of pointers for a 100 KB file. Instead each value is a node
(a small int) that knows its parent and its own key or index; what the document
records (a line and column, a span, a source text) is stored by node, and a pointer
is walked down to its node, or built from its node, only when someone asks.
Memory is then a constant per value, whatever the depth or the length of the keys.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TypeVar

from isollm.schema import pointer as pointers

V = TypeVar("V")

ROOT = 0  # the node of the document's top value


class NodeTree:
    """Every value of a document as a node: its parent node and its key (a str) or index (an int)."""

    __slots__ = ("parents", "tokens", "members", "items")

    def __init__(self) -> None:
        self.parents: list[int] = []
        self.tokens: list[str | int] = []
        self.members: dict[tuple[int, str], int] = {}  # (mapping's node, key): the member's node
        self.items: dict[int, list[int]] = {}  # a list's node: its items' nodes, in order

    def add(self, parent: int, token: str | int) -> int:
        """A new node under ``parent`` (-1 for the top value): the member ``token`` (a str) of a
        mapping, which a repeated key makes name the new node, or the next item (an int) of a list."""
        node = len(self.parents)
        self.parents.append(parent)
        self.tokens.append(token)
        if isinstance(token, int):
            self.items.setdefault(parent, []).append(node)
        elif parent >= 0:
            self.members[(parent, token)] = node
        return node

    def find(self, pointer: str) -> int | None:
        """The node ``pointer`` names, or None."""
        if not self.parents:
            return None
        try:
            tokens = pointers.split(pointer)
        except ValueError:
            return None
        node = ROOT
        for token in tokens:
            items = self.items.get(node)
            if items is None:
                found = self.members.get((node, token))
            else:
                index = pointers.list_index(token, len(items))
                found = None if index is None else items[index]
            if found is None:
                return None
            node = found
        return node

    def pointer(self, node: int, *, replaced: bool = False) -> str | None:
        """The pointer naming ``node``, built now (it is not stored). None for a node a repeated
        key replaced, or one inside it, which no pointer names any more, unless ``replaced``
        asks for the pointer it had."""
        tokens = []
        while node > ROOT:
            parent, token = self.parents[node], self.tokens[node]
            if not replaced and isinstance(token, str) and self.members.get((parent, token)) != node:
                return None
            tokens.append(token)
            node = parent
        return pointers.join(reversed(tokens))


class Located(Mapping[str, V]):
    """A read-only mapping from pointer to what was recorded for that value (``doc.values["/git"]``)."""

    __slots__ = ("tree", "by_node")

    def __init__(self, tree: NodeTree, by_node: dict[int, V] | None = None) -> None:
        self.tree = tree
        self.by_node: dict[int, V] = {} if by_node is None else by_node

    def __getitem__(self, pointer: str) -> V:
        node = self.tree.find(pointer) if self.by_node and isinstance(pointer, str) else None
        if node is None or node not in self.by_node:
            raise KeyError(pointer)
        return self.by_node[node]

    def __len__(self) -> int:
        return sum(1 for _ in self.items())

    def __bool__(self) -> bool:  # without building a pointer
        return bool(self.by_node)

    def __iter__(self) -> Iterator[str]:
        return (pointer for pointer, _ in self.items())

    def items(self) -> Iterator[tuple[str, V]]:  # type: ignore[override]
        """(pointer, value) in document order; each pointer is built as it is reached (not looked up)."""
        for node, value in self.by_node.items():
            pointer = self.tree.pointer(node)
            if pointer is not None:
                yield pointer, value

    def __repr__(self) -> str:
        return f"Located({dict(self.items())!r})"

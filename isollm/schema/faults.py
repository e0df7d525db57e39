"""Where a value breaks its schema, found with the fast compiled checks, in document order.

Explaining a problem takes jsonschema, about 80 us per error and a walk of the whole
value. This walk goes first and costs far less: it follows ``properties``,
``additionalProperties`` and ``items`` down to the parts that fail, so the explainer
runs on those parts alone, only on the first ones by position, and the rest are
counted without being explained. Each part is a ``Fault``.
"""

from __future__ import annotations

from typing import Any, Iterator, NamedTuple

from isollm.schema.decide import check_within
from isollm.schema.keywords import host_port_conflicts

# How a fault is explained:
WHOLE = "whole"            # the value against its whole schema (nothing below it to walk)
OWN = "own"                # a mapping or list against its schema's own rules (its members are walked)
UNKNOWN_KEY = "unknownKey"  # a key the mapping's schema does not allow
HOST_PORTS = "hostPorts"   # the config's host ports: used twice, or taken by another field

# The keywords that apply to a value's members (and hostPortsDistinct, told apart): the rest
# are the rules of the mapping or list itself.
_NOT_OWN = frozenset({"properties", "additionalProperties", "items", "hostPortsDistinct"})


class Fault(NamedTuple):
    """A failing part: the value at ``tokens`` (keys and indexes from the top), the schema to
    explain it with, the whole schema of that value (``node_schema``), and how (``kind``)."""

    tokens: tuple[str | int, ...]
    instance: Any
    schema: Any
    node_schema: Any
    kind: str


def faults(root: dict[str, Any], instance: Any, *, known_invalid: bool = False) -> Iterator[Fault]:
    """The failing parts of ``instance`` against the schema ``root``, parents before their
    members, members in document order (``known_invalid``: the caller checked the whole already)."""
    return _walk(root, root, instance, (), known_invalid)


def _walk(root: dict[str, Any], schema: Any, instance: Any, tokens: tuple[str | int, ...],
          known_invalid: bool = False) -> Iterator[Fault]:
    if not known_invalid and check_within(root, schema)(instance):
        return
    if not isinstance(schema, dict):  # the schema ``false``
        yield Fault(tokens, instance, schema, schema, WHOLE)
        return
    items = schema.get("items")
    in_mapping = isinstance(instance, dict) and any(k in schema for k in ("properties", "additionalProperties"))
    in_list = isinstance(instance, list) and isinstance(items, dict)
    if not (in_mapping or in_list):
        yield Fault(tokens, instance, schema, schema, WHOLE)
        return
    found = False
    own = {k: v for k, v in schema.items() if k not in _NOT_OWN}
    if not check_within(root, own)(instance):
        found = True
        yield Fault(tokens, instance, own, schema, OWN)
    spec = schema.get("hostPortsDistinct")
    if spec is not None and next(host_port_conflicts(spec, instance, schema), None) is not None:
        found = True
        yield Fault(tokens, instance, schema, schema, HOST_PORTS)
    if in_mapping:
        properties = schema.get("properties", {})
        extra = schema.get("additionalProperties", True)
        for key, value in instance.items():
            if key in properties:
                members = _walk(root, properties[key], value, (*tokens, key))
            elif extra is False:
                found = True
                yield Fault((*tokens, key), value, schema, schema, UNKNOWN_KEY)
                continue
            else:
                members = _walk(root, extra, value, (*tokens, key))
            for fault in members:
                found = True
                yield fault
    else:
        for index, item in enumerate(instance):
            for fault in _walk(root, items, item, (*tokens, index)):
                found = True
                yield fault
    if not found:  # a rule this walk does not know failed: explain the value whole
        yield Fault(tokens, instance, schema, schema, WHOLE)


"""The ``hostPortsDistinct`` keyword, shared by both validators."""

from __future__ import annotations

from typing import Any, Iterator

from isollm.schema import pointer
from isollm.schema.formats import host_port
from isollm.schema.loader import schema_default
from isollm.schema.messages import schema_message


def host_port_conflicts(spec: dict[str, Any], instance: Any, schema: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """``hostPortsDistinct``: (pointer, message) for each host port used twice or reserved.

    ``spec`` names the list of port entries and the pointers of fields whose port
    the list must avoid; an absent field counts with its schema ``default``.
    """
    if not isinstance(instance, dict):
        return
    entries = pointer.resolve(instance, spec["list"])
    if not isinstance(entries, list):
        return
    # A port counts in the range the entries' own schema allows.
    items = pointer.subschema(schema, spec["list"]).get("items", {})
    bounds = {"minimum": items["minimum"], "maximum": items["maximum"]}
    reserved: dict[str, str] = {}
    for where in spec.get("reserved", []):
        value = pointer.resolve(instance, where)
        if value is pointer.MISSING:
            value = schema_default(schema, where)
        port = host_port(value, **bounds)
        if port is not None:
            reserved.setdefault(port, pointer.dotted(where))
    seen: set[str] = set()
    for index, entry in enumerate(entries):
        port = host_port(entry, **bounds)
        if port is None:
            continue
        where = pointer.child(spec["list"], index)
        if port in seen:
            yield where, schema_message(schema, "hostPortsDistinct.duplicate", location=where, instance=entry,
                                        port=port)
        seen.add(port)
        if port in reserved:
            yield where, schema_message(schema, "hostPortsDistinct.reserved", location=where, instance=entry,
                                        port=port, reserved=reserved[port])

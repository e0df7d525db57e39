"""The ``hostPortsDistinct`` keyword, shared by both validators."""

from __future__ import annotations

from typing import Any, Iterator

from isollm.schema import pointer
from isollm.schema.formats import host_port
from isollm.schema.messages import schema_message


def port_bounds(schema: dict[str, Any], entries: str) -> dict[str, int]:
    """The port range of the entries at ``entries``: their own schema's minimum and maximum."""
    items = pointer.subschema(schema, entries).get("items", {})
    missing = [keyword for keyword in ("minimum", "maximum") if keyword not in items]
    if missing:
        raise ValueError(f"hostPortsDistinct: the entries of {entries} need {' and '.join(missing)} in their schema")
    return {"minimum": int(items["minimum"]), "maximum": int(items["maximum"])}


def host_port_conflicts(spec: dict[str, Any], instance: Any, schema: dict[str, Any],
                        bounds: dict[str, int] | None = None) -> Iterator[tuple[str, str]]:
    """``hostPortsDistinct``: (pointer, message) for each host port used twice or reserved.

    ``spec`` names the list of port entries and the pointers of fields whose port
    the list must avoid; an absent field counts with its schema ``default``.
    ``bounds``: the entries' ``port_bounds``, when the caller has them already.
    """
    if not isinstance(instance, dict):
        return
    entries = pointer.resolve(instance, spec["list"])
    if not isinstance(entries, list):
        return
    if bounds is None:  # a port counts in the range its entry's schema allows
        bounds = port_bounds(schema, spec["list"])
    reserved: dict[str, str] = {}
    for where in spec.get("reserved", []):
        value = pointer.resolve(instance, where)
        if value is pointer.MISSING:
            value = pointer.subschema(schema, where).get("default")
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
            # A repeat is told as a repeat; its first use already says whatever else is wrong.
            yield where, schema_message(schema, "hostPortsDistinct.duplicate", location=where, instance=entry,
                                        port=port)
            continue
        seen.add(port)
        if port in reserved:
            yield where, schema_message(schema, "hostPortsDistinct.reserved", location=where, instance=entry,
                                        port=port, reserved=reserved[port])

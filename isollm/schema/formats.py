"""The rules both validators share, so they enforce exactly the same: ECMA-262 ``pattern`` semantics,
what standard JSON Schema keywords cannot say (formats, the ``hostPortsDistinct`` keyword), and whole
numbers: JSON Schema counts ``3.0`` as an integer, which Python cannot count with and the Go isollm
refuses, so it becomes an ``int`` wherever values enter (config, state; ``whole_numbers``).

A format check returns True for a fine value or one that is not a string (``type`` speaks for
those) and raises ``ValueError`` with a short reason otherwise; what it needs from the schema it
takes as keyword arguments, which ``format_check`` fills from the keywords beside ``format``.
"""

from __future__ import annotations

import re
from functools import cache, partial
from typing import Any, Callable, Iterator, Mapping

from isollm.schema import pointer
from isollm.schema.loader import schema_types
from isollm.schema.messages import schema_message


def as_whole(value: Any) -> Any:
    """``3`` for ``3.0``; any other value unchanged (``3.5``, ``inf``, ``nan`` are left to validation)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def whole_numbers(schema: Mapping[str, Any], value: Any) -> Any:
    """``value`` with every whole-number float where ``schema`` wants an integer made an int."""
    if "integer" in schema_types(schema):
        value = as_whole(value)
    if isinstance(value, list) and isinstance(schema.get("items"), Mapping):
        return [whole_numbers(schema["items"], item) for item in value]
    properties = schema.get("properties")
    if isinstance(value, dict) and isinstance(properties, Mapping):
        return {key: whole_numbers(properties[key], item) if key in properties else item
                for key, item in value.items()}
    return value


# What decides the meaning of a ``$``: an escape, a character class's brackets, the dollar itself.
# Found by ``re`` (in C), not char by char in Python: the grammars run to thousands of characters.
_TOKENS = re.compile(r"\\[\s\S]|[\[\]$]")


def ecma_to_python(pattern: str) -> str:
    """The Python spelling of an ECMA-262 pattern: ECMA's ``$`` matches only at the very end, Python's
    also before a final newline (``"name\\n"`` would pass ``^[a-z]+$``). An escaped ``$`` or one in a
    character class is a literal dollar and stays."""
    if "$" not in pattern:
        return pattern
    in_class = False

    def replace(token: re.Match[str]) -> str:
        nonlocal in_class
        text = token.group()
        if text in ("[", "]"):
            in_class = text == "["
        return r"\Z" if text == "$" and not in_class else text

    return _TOKENS.sub(replace, pattern)


@cache
def compile_pattern(pattern: str) -> re.Pattern[str]:
    return re.compile(ecma_to_python(pattern))


def is_port_mapping(value: object, *, minimum: int, maximum: int) -> bool:
    """``port`` or ``host:container``, each a decimal number from ``minimum`` to ``maximum``."""
    if not isinstance(value, str):
        return True
    parts = value.split(":")
    if len(parts) > 2:
        raise ValueError("invalid format, expected 'port' or 'host:container'")
    for part in parts:
        if not (part.isascii() and part.isdigit()):
            raise ValueError("not a valid number")
        if not minimum <= int(part) <= maximum:
            raise ValueError(f"port out of range ({minimum}-{maximum})")
    if any(len(part) > 1 and part.startswith("0") for part in parts):
        # Go's Atoi reads 03000 as 3000, the Go isollm's duplicate check as another port: say it once.
        plain = ":".join(str(int(part)) for part in parts)
        raise ValueError(f"has a leading zero; write {plain}")
    return True


def format_reason(format_name: str, cause: Exception | None) -> str:
    """Why a value fails a format: the check's own reason, else that it is not one."""
    return str(cause) if cause is not None else f"is not a valid {format_name}"


def host_port(value: object, *, minimum: int, maximum: int) -> str | None:
    """The host side of a valid port entry, as text; None for an invalid entry."""
    value = as_whole(value)  # JSON Schema counts 8080.0 as the integer 8080, so must the port rules
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        return None
    text = str(value)
    try:
        is_port_mapping(text, minimum=minimum, maximum=maximum)
    except ValueError:
        return None
    return str(int(text.split(":")[0]))


def port_bounds(schema: dict[str, Any], entries: str) -> dict[str, int]:
    """The port range of the entries at ``entries``: their own schema's minimum and maximum."""
    items = pointer.subschema(schema, entries).get("items", {})
    missing = [keyword for keyword in ("minimum", "maximum") if keyword not in items]
    if missing:
        raise ValueError(f"hostPortsDistinct: the entries of {entries} need {' and '.join(missing)} in their schema")
    return {"minimum": int(items["minimum"]), "maximum": int(items["maximum"])}


def host_port_conflicts(spec: dict[str, Any], instance: Any, schema: dict[str, Any],
                        bounds: dict[str, int] | None = None) -> Iterator[tuple[str, str]]:
    """``hostPortsDistinct``: (pointer, message) for each host port used twice or reserved. ``spec``
    names the list of entries and the fields (absent: their ``default``) whose port it must avoid."""
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


_FINGERPRINT = re.compile(r"[0-9a-f]{12,64}")


def image_pins_version(value: str) -> bool:
    """Whether an image reference names a version (tag, alias version, digest or fingerprint)."""
    if "@" in value or _FINGERPRINT.fullmatch(value):
        return True
    head, colon, _ = value.partition(":")
    if colon and "/" not in head and "." not in head and head != "localhost":
        return True  # LXD remote:alias, e.g. ubuntu:24.04 or images:ubuntu/24.04
    return value.rfind(":") > value.rfind("/")


# RFC 3339 as check-jsonschema's own "date-time" reads it (lowercase t/z, ',' fraction, no leap second),
# so a file is judged alike without our class; the state schemas' ``pattern`` narrows it to Go's.
@cache
def _rfc3339() -> re.Pattern[str]:
    # Compiled at the first timestamp (only state files hold one): ~0.3 ms the hook never pays.
    return re.compile(
        r"(?P<year>[0-9]{4})-(?P<month>[0-9]{2})-(?P<day>[0-9]{2})[Tt]"
        r"(?P<hour>[0-9]{2}):(?P<minute>[0-9]{2}):(?P<second>[0-9]{2})"
        r"(?:[.,](?P<fraction>[0-9]+))?"
        r"(?P<zone>[Zz]|(?P<sign>[+-])(?P<zhour>[0-9]{2}):(?P<zminute>[0-9]{2}))", re.ASCII)


def rfc3339_parts(value: str) -> re.Match[str]:
    """The fields of an RFC 3339 timestamp, checked for range; ValueError says what is wrong."""
    match = _rfc3339().fullmatch(value)
    if match is None:
        raise ValueError("expected YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM)")
    year, month, day = int(match["year"]), int(match["month"]), int(match["day"])
    if year == 0:
        raise ValueError("year 0000 is not supported")
    if not 1 <= month <= 12:
        raise ValueError(f"month {month} out of range")
    import calendar  # only state files hold timestamps: the hook need not load it (bench/run.py --clean)

    if not 1 <= day <= calendar.monthrange(year, month)[1]:
        raise ValueError(f"day {day} out of range for {year:04d}-{month:02d}")
    if int(match["hour"]) > 23 or int(match["minute"]) > 59 or int(match["second"]) > 59:
        raise ValueError("time of day out of range")
    if match["sign"] and (int(match["zhour"]) > 23 or int(match["zminute"]) > 59):
        raise ValueError("time zone offset out of range")
    return match


def is_date_time(value: object) -> bool:
    """An RFC 3339 timestamp with a real date and time of day (nanoseconds, 0001-01-01 included)."""
    if isinstance(value, str):
        rfc3339_parts(value)
    return True


# Format name -> (check, the keywords beside "format" whose values the check takes).
FORMAT_CHECKS: dict[str, tuple[Callable[..., bool], tuple[str, ...]]] = {
    "date-time": (is_date_time, ()),
}


def format_check(name: str, subschema: Mapping[str, Any]) -> Callable[[object], bool] | None:
    """The check for the format ``name`` with its arguments from ``subschema``; None if not ours."""
    entry = FORMAT_CHECKS.get(name)
    if entry is None:
        return None
    check, keywords = entry
    missing = [keyword for keyword in keywords if keyword not in subschema]
    if missing:
        raise ValueError(f"format {name!r} needs {', '.join(missing)} beside it in the schema")
    return partial(check, **{keyword: subschema[keyword] for keyword in keywords}) if keywords else check

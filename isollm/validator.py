"""``isollm.validator:IsollmValidator`` (for ``check-jsonschema --validator-class``): Draft 2020-12
with the ``hostPortsDistinct`` keyword, the toolkit's formats (``date-time`` as Go writes it, whatever
format checker the caller passes) and ECMA-262 ``pattern`` semantics (``$`` is the end of the string).
"""

from __future__ import annotations

from collections import deque
from typing import Any, Iterator

from jsonschema import Draft202012Validator, validators
from jsonschema.exceptions import ValidationError as JsonschemaValidationError

from isollm.schema import pointer
from isollm.schema.formats import compile_pattern, format_check, format_reason, host_port_conflicts
from isollm.schema.messages import schema_message

_standard_format = Draft202012Validator.VALIDATORS["format"]


def _format(validator: Any, format_name: str, instance: Any,
            schema: dict[str, Any]) -> Iterator[JsonschemaValidationError]:
    check = format_check(format_name, schema)
    if check is None:
        yield from _standard_format(validator, format_name, instance, schema)
        return
    cause: ValueError | None = None
    try:
        if check(instance):
            return
    except ValueError as error:
        cause = error
    reason = format_reason(format_name, cause)
    # No location here: jsonschema builds an error's path as it returns from the descent.
    yield JsonschemaValidationError(schema_message(schema, "format", instance=instance, reason=reason), cause=cause)


def _pattern(validator: Any, pattern: str, instance: Any,
             schema: dict[str, Any]) -> Iterator[JsonschemaValidationError]:
    if isinstance(instance, str) and not compile_pattern(pattern).search(instance):
        yield JsonschemaValidationError(f"{instance!r} does not match {pattern!r}")


def _host_ports(validator: Any, spec: dict[str, Any], instance: Any,
                schema: dict[str, Any]) -> Iterator[JsonschemaValidationError]:
    for where, message in host_port_conflicts(spec, instance, schema):
        yield JsonschemaValidationError(message, path=deque(pointer.path(instance, where)))


IsollmValidator = validators.extend(  # type: ignore[no-untyped-call]
    Draft202012Validator,
    {"format": _format, "pattern": _pattern, "hostPortsDistinct": _host_ports},
)

__all__ = ["IsollmValidator"]

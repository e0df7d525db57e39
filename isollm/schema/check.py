"""One entry point for validating a value against a schema, fast when it is valid."""

from __future__ import annotations

from itertools import islice
from typing import Any

from isollm.errors import MAX_LISTED, Issue, first_listed
from isollm.io.yamlio import Document
from isollm.schema.decide import checker_for
from isollm.schema.loader import load_schema
from isollm.schema.messages import schema_message
from isollm.schema.pointer import subschema


def validate_instance(name: str, instance: Any, document: Document | None = None,
                      limit: int | None = MAX_LISTED) -> list[Issue]:
    """The problems of ``instance`` against the named schema, in file order: the first
    ``limit`` of them (all when None), then a ``LeftOut`` counting the rest.

    The compiled check decides; jsonschema (slow to import) runs only to
    explain a failure, and only until ``limit`` problems are told.
    """
    issues: list[Issue] = []
    more = 0
    if document is not None:  # its duplicate keys first
        shown = document.duplicates if limit is None else islice(document.duplicates, limit)
        issues = [Issue(schema_message(subschema(load_schema(name), d.pointer), "duplicateKey", location=d.pointer,
                                       key=d.key, first_line=d.first_line), d.pointer, d.line, d.column, "duplicateKey")
                  for d in shown]
        more = len(document.duplicates) - len(issues)
    if not checker_for(name)(instance):
        from isollm.schema.explain import explain

        explained, unexplained = explain(name, instance, document, limit, known_invalid=True)
        issues.extend(explained)
        more += unexplained
    return first_listed(issues, limit, more=more)

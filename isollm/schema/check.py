"""One entry point for validating a value against a schema, fast when it is valid."""

from __future__ import annotations

from typing import Any

from isollm.schema.decide import checker_for
from isollm.errors import Issue
from isollm.io.yamlio import Document
from isollm.schema.loader import load_schema
from isollm.schema.messages import schema_message
from isollm.schema.pointer import subschema


def duplicate_key_issues(name: str, document: Document | None) -> list[Issue]:
    if document is None:
        return []
    schema = load_schema(name)
    return [Issue(schema_message(subschema(schema, d.pointer), "duplicateKey", location=d.pointer, key=d.key,
                                 first_line=d.first_line),
                  d.pointer, d.line, d.column, "duplicateKey")
            for d in document.duplicates]


def _order(issue: Issue) -> tuple[int, int]:
    return (issue.line if issue.line is not None else 1 << 30, issue.column or 0)


def validate_instance(name: str, instance: Any, document: Document | None = None) -> list[Issue]:
    """Every problem of ``instance`` against the named schema, in file order.

    The compiled check decides; jsonschema (slow to import) runs only to
    explain a failure.
    """
    issues = duplicate_key_issues(name, document)
    if not checker_for(name)(instance):
        from isollm.schema.explain import explain

        issues.extend(explain(name, instance, document))
    return sorted(issues, key=_order)

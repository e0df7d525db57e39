"""A validator compiled from a schema into closures: decides valid or not, fast.

It understands exactly the keywords our schemas use and refuses to compile a schema with any
other, so a schema change is never silently ignored here. Importing it costs a few milliseconds,
against ~75 ms for jsonschema, which ``validate_instance`` imports only to explain a failure.
"""

from __future__ import annotations

import math
import operator
from functools import lru_cache
from itertools import islice
from typing import TYPE_CHECKING, Any, Callable

from isollm.errors import MAX_LISTED, Issue, first_listed
from isollm.schema.formats import compile_pattern, format_check, host_port_conflicts, port_bounds
from isollm.schema.loader import load_schema
from isollm.schema.messages import schema_message
from isollm.schema.pointer import MISSING, resolve, subschema

if TYPE_CHECKING:
    from isollm.io.yamlio import Document

Check = Callable[[Any], bool]

ANNOTATIONS = frozenset({
    "$schema", "$id", "$comment", "$defs", "title", "description", "markdownDescription",
    "default", "examples", "enumDescriptions", "markdownEnumDescriptions", "defaultSnippets",
    "x-messages", "x-comment", "readOnly", "writeOnly", "deprecated", "deprecationMessage", "patternErrorMessage",
})


def _is_integer(instance: Any) -> bool:
    return (isinstance(instance, int) and not isinstance(instance, bool)) or (
        isinstance(instance, float) and math.isfinite(instance) and instance.is_integer())


# One predicate per JSON type, built once: a type check runs on nearly every value.
_TYPE_CHECKS: dict[str, Check] = {
    "integer": _is_integer,
    "number": lambda instance: isinstance(instance, (int, float)) and not isinstance(instance, bool),
    "string": lambda instance: isinstance(instance, str),
    "object": lambda instance: isinstance(instance, dict),
    "array": lambda instance: isinstance(instance, list),
    "boolean": lambda instance: isinstance(instance, bool),
    "null": lambda instance: instance is None,
}


def _equal(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    return bool(a == b)


def _every(checks: list[Check]) -> Check:
    """All of ``checks``, in order, stopping at the first that fails (a loop: no generator per call)."""
    if len(checks) == 1:
        return checks[0]

    def check(instance: Any) -> bool:
        for part in checks:
            if not part(instance):
                return False
        return True
    return check


# keyword: (the type of the values it bounds, what of them it bounds, how that compares with the bound)
_BOUNDS: dict[str, tuple[str, Callable[[Any], Any] | None, Callable[[Any, Any], bool]]] = {
    "minimum": ("number", None, operator.ge), "maximum": ("number", None, operator.le),
    "minLength": ("string", len, operator.ge), "maxLength": ("string", len, operator.le),
}


def _bound(limit: Any, kind: str, measure: Callable[[Any], Any] | None, compare: Callable[[Any, Any], bool]) -> Check:
    applies = _TYPE_CHECKS[kind]
    if measure is None:
        return lambda instance: not applies(instance) or compare(instance, limit)
    return lambda instance: not applies(instance) or compare(measure(instance), limit)


class _Compiler:
    def __init__(self, root: dict[str, Any]) -> None:
        self.root = root
        self.refs: dict[str, Check] = {}

    def compile(self, schema: Any) -> Check:
        if isinstance(schema, bool):
            return lambda instance: schema
        checks: list[Check] = []
        for keyword, value in schema.items():
            if keyword in ANNOTATIONS:
                continue
            if keyword in _BOUNDS:
                checks.append(_bound(value, *_BOUNDS[keyword]))
                continue
            builder = getattr(self, "_kw_" + keyword.replace("$", "dollar_"), None)
            if builder is None:
                raise ValueError(f"the fast validator does not support the keyword {keyword!r}")
            checks.append(builder(value, schema))
        return _every(checks)

    def _kw_type(self, value: Any, schema: Any) -> Check:
        options = [_TYPE_CHECKS[name] for name in ([value] if isinstance(value, str) else value)]
        if len(options) == 1:
            return options[0]
        return lambda instance: any(option(instance) for option in options)

    def _kw_enum(self, value: Any, schema: Any) -> Check:
        if all(isinstance(option, str) for option in value):
            # Strings equal only strings: a set lookup says the same as comparing each.
            options = frozenset(value)
            return lambda instance: isinstance(instance, str) and instance in options
        return lambda instance: any(_equal(instance, option) for option in value)

    def _kw_const(self, value: Any, schema: Any) -> Check:
        return lambda instance: _equal(instance, value)

    def _kw_pattern(self, value: Any, schema: Any) -> Check:
        # Compiled at its first string: re takes milliseconds per grammar, which a config without the key never pays.
        return lambda instance: not isinstance(instance, str) or compile_pattern(value).search(instance) is not None

    def _kw_format(self, value: Any, schema: Any) -> Check:
        checker = format_check(value, schema)
        if checker is None:
            raise ValueError(f"the fast validator has no checker for format {value!r}")

        def check(instance: Any) -> bool:
            try:
                return checker(instance)
            except ValueError:
                return False
        return check

    def _kw_items(self, value: Any, schema: Any) -> Check:
        item = self.compile(value)
        return lambda instance: not isinstance(instance, list) or all(map(item, instance))

    def _kw_required(self, value: Any, schema: Any) -> Check:
        names = frozenset(value)
        return lambda instance: not isinstance(instance, dict) or instance.keys() >= names

    def _kw_properties(self, value: Any, schema: Any) -> Check:
        compiled = {name: self.compile(sub) for name, sub in value.items()}
        # A property's text default is valid (tests/test_schemas.py): not checked again, so the patterns
        # it would compile (~2.5 ms a hook run on a short config) are compiled only for text the user wrote.
        defaults = {name: sub["default"] for name, sub in value.items() if isinstance(sub.get("default"), str)}

        def check(instance: Any) -> bool:
            if isinstance(instance, dict):
                for key, item in instance.items():
                    sub = compiled.get(key)
                    if sub is not None and not (isinstance(item, str) and item == defaults.get(key)) and not sub(item):
                        return False
            return True
        return check

    def _kw_additionalProperties(self, value: Any, schema: Any) -> Check:
        if value is True:
            return lambda instance: True
        if value is not False:  # as any keyword no schema uses: refused, never silently ignored
            raise ValueError("the fast validator supports additionalProperties true or false only")
        known = frozenset(schema.get("properties", {}))
        return lambda instance: not isinstance(instance, dict) or known.issuperset(instance)

    def _kw_not(self, value: Any, schema: Any) -> Check:
        inner = self.compile(value)
        return lambda instance: not inner(instance)

    def _kw_allOf(self, value: Any, schema: Any) -> Check:
        return _every([self.compile(sub) for sub in value])

    def _kw_if(self, value: Any, schema: Any) -> Check:
        condition = self.compile(value)
        then = self.compile(schema.get("then", True))
        otherwise = self.compile(schema.get("else", True))
        return lambda instance: then(instance) if condition(instance) else otherwise(instance)

    def _kw_then(self, value: Any, schema: Any) -> Check:
        self.compile(value)  # compiled (and so checked) here; applied by the "if" beside it, if any
        return lambda instance: True

    _kw_else = _kw_then

    def _kw_dollar_ref(self, value: Any, schema: Any) -> Check:
        if not value.startswith("#/"):
            raise ValueError(f"the fast validator supports only local $ref, not {value!r}")
        if value not in self.refs:
            self.refs[value] = lambda instance: True  # placeholder breaks recursion
            target = resolve(self.root, value[1:])
            if target is MISSING:
                raise ValueError(f"$ref {value!r} names nothing in the schema")
            self.refs[value] = self.compile(target)
        return lambda instance: self.refs[value](instance)

    def _kw_hostPortsDistinct(self, value: Any, schema: Any) -> Check:
        bounds = port_bounds(schema, value["list"])  # a schema without a port range fails here, not mid-validation
        return lambda instance: next(host_port_conflicts(value, instance, schema, bounds), None) is None


def compile_schema(schema: Any, root: dict[str, Any] | None = None) -> Check:
    """The check for ``schema``; for a part of a schema ``root``, its ``$ref``s resolve against the whole."""
    return _Compiler(schema if root is None else root).compile(schema)


@lru_cache(maxsize=None)
def checker_for(name: str) -> Check:
    return compile_schema(load_schema(name))


def validate_instance(name: str, instance: Any, document: Document | None = None,
                      limit: int | None = MAX_LISTED) -> list[Issue]:
    """The problems of ``instance`` against the named schema (its ``document``'s duplicate keys
    first), in file order: the first ``limit`` (all when None), then a ``LeftOut`` counting the rest.
    jsonschema (slow to import) runs only to explain a failure, until ``limit`` problems are told."""
    issues: list[Issue] = []
    more = 0
    if document is not None:
        shown = document.duplicates if limit is None else islice(document.duplicates, limit)
        issues = [Issue(schema_message(subschema(load_schema(name), d.pointer), "duplicateKey", location=d.pointer,
                                       key=d.key, first_line=d.first_line), d.pointer, d.line, d.column, "duplicateKey")
                  for d in shown]
        more = len(document.duplicates) - len(issues)
    if not checker_for(name)(instance):
        from isollm.schema.explain import explain

        explained, unexplained = explain(name, instance, document, limit)
        issues.extend(explained)
        more += unexplained
    return first_listed(issues, limit, more=more)

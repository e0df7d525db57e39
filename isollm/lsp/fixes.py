"""Quick fixes (LSP code actions) for the problems the check stage reports in a config.

Only a problem with one obvious fix gets one, and each is judged before it is offered: the
one check stage runs on the fixed text, and the fix is kept only when the problem is gone
and no other one appears. Positions are LSP's: 0-based lines, characters as code points.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right
from typing import Any

from lsprotocol import types as lsp

from isollm.names import CONFIG_FILE_NAME, MISNAMED_CONFIG
from isollm.schema import pointer as pointers
from isollm.schema.loader import load_schema
from isollm.schema.messages import closest

SCHEMA = load_schema("config")

# A scalar of numbers (a port "8080:80", an address), which a leading zero would make ambiguous.
_NUMBERS = re.compile(r"(['\"]?)[-+]?[0-9][0-9.:]*\1")
_LEADING_ZEROS = re.compile(r"(?<![0-9])0+(?=[0-9])")
_UNQUOTABLE = re.compile(r"[-+]?[\w.]+")


def code_actions(text: str, uri: str, diagnostics: list[lsp.Diagnostic]) -> list[lsp.CodeAction]:
    """The quick fixes of the ``diagnostics`` (as the server publishes them) that have one
    obvious fix: a mistyped key renamed to the key it is closest to; numbers written without
    their leading zeros (``workers: 010``, a port ``08080``, an address ``010.0.0.1``); a
    quoted number or boolean unquoted where the schema wants one; ``isollm.yml`` renamed.
    Diagnostics of other sources are left alone."""
    actions = []
    fixer: _Fixer | None = None
    for diagnostic in diagnostics:
        if diagnostic.source != "isollm":
            continue
        if diagnostic.code == "fileName":
            actions.extend(_rename_file(uri, diagnostic))
            continue
        fixer = fixer or _Fixer(text)
        action = fixer.fix(uri, diagnostic)
        if action is not None:
            actions.append(action)
    return actions


def _rename_file(uri: str, diagnostic: lsp.Diagnostic) -> list[lsp.CodeAction]:
    if not uri.endswith("/" + MISNAMED_CONFIG):
        return []
    renamed = uri[: -len(MISNAMED_CONFIG)] + CONFIG_FILE_NAME
    edit = lsp.WorkspaceEdit(document_changes=[lsp.RenameFile(kind="rename", old_uri=uri, new_uri=renamed)])
    return [lsp.CodeAction(title=f"Rename to {CONFIG_FILE_NAME}", kind=lsp.CodeActionKind.QuickFix,
                           diagnostics=[diagnostic], is_preferred=True, edit=edit)]


class _Fixer:
    """The text of one document, read once, and the fixes of its problems."""

    def __init__(self, text: str) -> None:
        from isollm.errors import IsollmError
        from isollm.io.yamlio import Document, parse_yaml

        self.text = text
        self.starts = [0] + [match.end() for match in re.finditer(r"\r\n|\r|\n", text)]
        self.problems: list[tuple[str, str]] | None = None  # read when a fix is to be judged
        self.document: Document | None
        try:
            self.document = parse_yaml(text, spans=True)
        except IsollmError:
            self.document = None

    def fix(self, uri: str, diagnostic: lsp.Diagnostic) -> lsp.CodeAction | None:
        found = self._fix(diagnostic)
        if found is None:
            return None
        title, edit = found
        if not self._fixes(edit, str(diagnostic.code)):
            return None
        return lsp.CodeAction(title=title, kind=lsp.CodeActionKind.QuickFix, diagnostics=[diagnostic],
                              is_preferred=True, edit=lsp.WorkspaceEdit(changes={uri: [edit]}))

    def _fix(self, diagnostic: lsp.Diagnostic) -> tuple[str, lsp.TextEdit] | None:
        document = self.document
        start = diagnostic.range.start
        if document is None or not 0 <= start.line < len(self.starts):
            return None
        at = (start.line + 1, start.character + 1)
        if diagnostic.code == "additionalProperties":
            where = next((p for p, place in document.keys.items() if place == at), None)
            span = document.spans.get(where) if where is not None else None
            if where is None or span is None or span.key_start < 0:
                return None
            name, parent = pointers.split(where)[-1], pointers.parent(where)
            close = closest(name, pointers.subschema(SCHEMA, parent).get("properties", {}))
            if close is None:
                return None
            return f'Rename "{name}" to "{close}"', self._edit(span.key_start, span.key_end, close)
        where = next((p for p, place in document.values.items() if place == at), None)
        span = document.spans.get(where) if where is not None else None
        if where is None or span is None or span.kind != "scalar":
            return None
        written = self.text[span.start:span.end]
        if diagnostic.code in ("leadingZero", "pattern") and _NUMBERS.fullmatch(written):
            # workers: 010, airyra.port: 07432, a port "08080:080", an IPv4 address 010.0.0.1
            plain = _LEADING_ZEROS.sub("", written)
            if plain != written:
                return f"Write {plain}", self._edit(span.start, span.end, plain)
        if diagnostic.code == "unquoted" and span.style == "":
            # base_branch: 1.10 -> "1.10": the one spelling YAML 1.2 tools read as text too
            quoted = json.dumps(written)
            return f"Write {quoted}", self._edit(span.start, span.end, quoted)
        value = pointers.resolve(document.data, where)
        if (diagnostic.code == "type" and span.style in ("'", '"') and isinstance(value, str)
                and _UNQUOTABLE.fullmatch(value)):
            return f"Write {value} without quotes", self._edit(span.start, span.end, value)
        return None

    def _edit(self, start: int, end: int, new_text: str) -> lsp.TextEdit:
        return lsp.TextEdit(lsp.Range(self._position(start), self._position(end)), new_text)

    def _position(self, offset: int) -> lsp.Position:
        line = bisect_right(self.starts, offset) - 1
        return lsp.Position(line, offset - self.starts[line])

    def _offset(self, position: lsp.Position) -> int:
        return self.starts[position.line] + position.character

    def _fixes(self, edit: lsp.TextEdit, keyword: str) -> bool:
        """Whether the text with ``edit`` has one ``keyword`` problem fewer and no new problem."""
        from isollm.check import check_config

        fixed = (self.text[: self._offset(edit.range.start)] + edit.new_text
                 + self.text[self._offset(edit.range.end):])
        if self.problems is None:
            self.problems = _problems(check_config(self.text))
        return _fewer(self.problems, _problems(check_config(fixed)), keyword)


def _problems(checked: Any) -> list[tuple[str, str]]:
    return [(issue.keyword, issue.message) for issue in [*checked.errors, *checked.warnings]]


def _fewer(before: list[tuple[str, str]], after: list[tuple[str, str]], keyword: str) -> bool:
    """Whether ``after`` is ``before`` less at least one ``keyword`` problem, and nothing new."""
    remaining = list(before)
    for problem in after:
        if problem not in remaining:
            return False
        remaining.remove(problem)
    return any(kind == keyword for kind, _ in remaining)

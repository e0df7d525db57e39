"""``isollm lsp``: a Language Server over stdio that shows in an editor what the hook would say.

Diagnostics come from the one check stage (``isollm.check.check_config``) on the editor's
text, so they are the problems ``isollm validate --format json`` reports for the same text:
the same messages, errors as severity 1 and warnings as 2, each starting at its line and
column (1-based in an ``Issue``, 0-based in LSP; no line: line 0), ``source`` "isollm",
``code`` the keyword. The JSON lists the first problems and counts the rest apart
(``errors_not_listed``); here that count is one more diagnostic at line 0, of severity
Information (it is not a problem itself), code ``leftOut``, after the listed ones.

Only documents named ``isollm.yaml`` or ``isollm.yml`` (told to be renamed) are served.
Changes are coalesced rather than debounced: one check at a time per document, in a worker
thread; when it ends and the text changed meanwhile, the latest text is checked next, so the
last diagnostics published are always those of the final text and a burst never queues.
Completion, hover and quick fixes are ``isollm.lsp.features``' pure functions.
"""

from __future__ import annotations

import asyncio
import bisect
import logging
import os
import re
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path

from isollm import __version__
from isollm.check import Checked, check_config, not_read
from isollm.errors import ConfigError, Issue, LeftOut
from isollm.io.schema_copy import refresh_for_config
from isollm.io.yamlio import within_limit
from isollm.lsp import features
from isollm.names import CONFIG_FILE_NAME, MISNAMED_CONFIG
from isollm.util.oneline import one_line

logger = logging.getLogger(__name__)

SOURCE = "isollm"
SERVED_NAMES = (CONFIG_FILE_NAME, MISNAMED_CONFIG)
_SEVERITY = {"error": types.DiagnosticSeverity.Error, "warning": types.DiagnosticSeverity.Warning}
# Line breaks as LSP counts them, and as the YAML reader counts them (NEL, LS and PS too).
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_YAML_LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")
# Where a problem's range ends: its value or key as written, up to a space, a flow
# separator or a key's colon.
_TOKEN_END = re.compile(r"\s|[,\]}]|:(?:\s|$)")


def document_name(uri: str) -> str:
    """The name diagnostics use for the document at ``uri``: its path for a file, else the URI."""
    return to_fs_path(uri) or uri


def served(uri: str) -> bool:
    """Whether the document at ``uri`` is an isollm config (by its name, as the hook finds it)."""
    return os.path.basename(document_name(uri)) in SERVED_NAMES


def check_text(text: str, name: str) -> Checked:
    """The check of an editor's ``text`` as ``isollm validate`` checks the same file's bytes:
    larger than a config may be, it is not read."""
    try:
        within_limit(text.encode("utf-8", "surrogatepass"), name)
    except ConfigError as error:
        return not_read(name, error)
    return check_config(text, name)


def _token_end(line: str, start: int) -> int:
    """The end of the value or key that starts at ``start`` in ``line`` (quoted: its quotes)."""
    if start >= len(line):
        return start
    quote = line[start]
    if quote in "'\"":
        close = line.find(quote, start + 1)
        return close + 1 if close > start else len(line.rstrip())
    found = _TOKEN_END.search(line, start + 1)
    return found.start() if found else len(line.rstrip())


def diagnostics(checked: Checked, text: str, units: Any = None) -> list[types.Diagnostic]:
    """The LSP diagnostics of what the check found in ``text``, in file order.

    ``units`` counts a string in the client's position units (pygls' ``client_num_units``);
    by default in code points, as the check stage counts columns."""
    count = units or len
    lines = _Lines(text)
    found = [_diagnostic(issue, lines, count) for issue in [*checked.errors, *checked.warnings]
             if not isinstance(issue, LeftOut)]
    found.sort(key=lambda d: (d.range.start.line, d.range.start.character))
    found += [types.Diagnostic(range=types.Range(types.Position(0, 0), types.Position(0, 0)),
                               message=issue.message, severity=types.DiagnosticSeverity.Information,
                               source=SOURCE, code=issue.keyword)
              for issue in checked.errors if isinstance(issue, LeftOut)]
    return found


class _Lines:
    """Where the YAML reader's lines and LSP's lines start in a text, to turn one into the other."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.yaml = [0, *(m.end() for m in _YAML_LINE_BREAK.finditer(text))]
        self.lsp = [0, *(m.end() for m in _LINE_BREAK.finditer(text))]

    def place(self, line: int, column: int) -> tuple[int, str, int]:
        """LSP's line, that line's text and the column in it (code points) of a 0-based YAML position."""
        offset = min(self.yaml[min(line, len(self.yaml) - 1)] + column, len(self.text))
        at = bisect.bisect_right(self.lsp, offset) - 1
        end = self.lsp[at + 1] if at + 1 < len(self.lsp) else len(self.text)
        return at, self.text[self.lsp[at]:end].rstrip("\r\n"), offset - self.lsp[at]


def _diagnostic(issue: Issue, lines: _Lines, count: Any) -> types.Diagnostic:
    line, text, column = lines.place((issue.line or 1) - 1, (issue.column or 1) - 1)
    end = _token_end(text, column)
    return types.Diagnostic(
        range=types.Range(types.Position(line, count(text[:column])), types.Position(line, count(text[:end]))),
        message=issue.message, severity=_SEVERITY.get(issue.severity, types.DiagnosticSeverity.Error),
        source=SOURCE, code=issue.keyword)


class IsollmLanguageServer(LanguageServer):
    """The server: the open config documents, each checked by one task at a time."""

    def __init__(self) -> None:
        super().__init__("isollm", __version__, text_document_sync_kind=types.TextDocumentSyncKind.Full)
        self.checker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="isollm-check")
        self.checking: dict[str, asyncio.Task[None]] = {}
        self.shut_down = False

    def report_server_error(self, error: Exception, source: Any) -> None:
        """A message the server could not read or handle is logged, never shown as a pop-up."""
        logger.warning("%s: %s", type(error).__name__, error)

    def text(self, uri: str) -> str | None:
        """The editor's text of an open config document, None for any other."""
        document = self.workspace.text_documents.get(uri)
        return document.source if document is not None and served(uri) else None

    def check_soon(self, uri: str) -> None:
        """Check ``uri``'s latest text, unless a check of it is under way (it then checks again)."""
        if served(uri) and uri not in self.checking:
            self.checking[uri] = asyncio.ensure_future(self._check(uri))

    async def _check(self, uri: str) -> None:
        try:
            while (document := self.workspace.text_documents.get(uri)) is not None:
                version, text = document.version, document.source
                checked = await asyncio.get_running_loop().run_in_executor(
                    self.checker, check_text, text, document_name(uri))
                if uri not in self.workspace.text_documents:  # closed meanwhile
                    break
                found = diagnostics(checked, text, self.workspace.position_codec.client_num_units)
                self.text_document_publish_diagnostics(
                    types.PublishDiagnosticsParams(uri=uri, diagnostics=found, version=version))
                if self.workspace.text_documents[uri].version == version:
                    break
        except Exception:  # a bug of ours: said in the log, and the next change is checked again
            logger.exception("checking %s failed", uri)
        finally:
            self.checking.pop(uri, None)


server = IsollmLanguageServer()


@server.feature(types.TEXT_DOCUMENT_DID_OPEN)
def did_open(ls: IsollmLanguageServer, params: types.DidOpenTextDocumentParams) -> None:
    uri = params.text_document.uri
    ls.check_soon(uri)
    path = to_fs_path(uri)
    if served(uri) and path and os.path.isdir(os.path.dirname(path)):
        # As validate does: after a clone, yaml-language-server finds the schema its modeline names.
        warning = refresh_for_config(path, params.text_document.text.encode("utf-8", "replace"))
        if warning:
            logger.warning("%s", warning)


@server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
def did_change(ls: IsollmLanguageServer, params: types.DidChangeTextDocumentParams) -> None:
    ls.check_soon(params.text_document.uri)


@server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
def did_close(ls: IsollmLanguageServer, params: types.DidCloseTextDocumentParams) -> None:
    if served(params.text_document.uri):
        ls.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=params.text_document.uri, diagnostics=[]))


def _cursor(ls: IsollmLanguageServer, uri: str, position: types.Position) -> tuple[str, int, int] | None:
    """The text of an open config and a position in it in code points (the features' units)."""
    text = ls.text(uri)
    if text is None:
        return None
    lines = _LINE_BREAK.split(text)
    line = lines[position.line] if position.line < len(lines) else ""
    return text, position.line, _code_points(line, position.character, ls.workspace.position_codec.client_num_units)


def _code_points(line: str, units: int, count: Any) -> int:
    """How many characters of ``line`` the client's first ``units`` units hold."""
    if line.isascii():
        return min(units, len(line))
    seen = 0
    for index, char in enumerate(line):
        if seen >= units:
            return index
        seen += count(char)
    return len(line)


@server.feature(types.TEXT_DOCUMENT_COMPLETION, types.CompletionOptions(trigger_characters=[":", " "]))
def completion(ls: IsollmLanguageServer, params: types.CompletionParams) -> list[types.CompletionItem]:
    cursor = _cursor(ls, params.text_document.uri, params.position)
    if cursor is None:
        return []
    path = to_fs_path(params.text_document.uri)
    return features.completions(*cursor, Path(path).parent if path else None)


@server.feature(types.TEXT_DOCUMENT_HOVER)
def hover(ls: IsollmLanguageServer, params: types.HoverParams) -> types.Hover | None:
    cursor = _cursor(ls, params.text_document.uri, params.position)
    return None if cursor is None else features.hover(*cursor)


@server.feature(types.TEXT_DOCUMENT_CODE_ACTION,
                types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix]))
def code_action(ls: IsollmLanguageServer, params: types.CodeActionParams) -> list[types.CodeAction]:
    text = ls.text(params.text_document.uri)
    if text is None:
        return []
    return features.code_actions(text, params.text_document.uri, list(params.context.diagnostics))


@server.feature(types.SHUTDOWN)
def shutdown(ls: IsollmLanguageServer, params: None) -> None:
    ls.shut_down = True


class _OneLine(logging.Formatter):
    """A log record as one line of the editor's server log: what failed and why, no traceback."""

    def format(self, record: logging.LogRecord) -> str:
        text = record.getMessage().split("\n", 1)[0]  # pygls puts a traceback in some messages
        error = record.exc_info[1] if record.exc_info else None
        if error is not None:
            text += f": {type(error).__name__}: {error}"
        return "isollm lsp: " + one_line(text)


def serve() -> int:
    """Serve on stdin and stdout until ``exit``: 0 after ``shutdown``, else 1 (as LSP says)."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_OneLine())
    logging.basicConfig(level=logging.WARNING, handlers=[handler])
    # The protocol's own stream (pygls closes it at exit); a stray print goes to stderr.
    stdout = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    saved, sys.stdout = sys.stdout, sys.stderr
    try:
        server.start_io(sys.stdin.buffer, stdout)
    finally:
        sys.stdout = saved
        server.checker.shutdown(wait=False, cancel_futures=True)
    return 0 if server.shut_down else 1

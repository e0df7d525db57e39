"""``isollm lsp``: a Language Server over stdio that shows in an editor what the hook would say
(its contract: ``docs/cli.md``, *isollm lsp*)."""

from __future__ import annotations

import asyncio
import bisect
import logging
import os
import re
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from itertools import accumulate
from pathlib import Path
from typing import Any, TypeVar

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path

from isollm import __version__
from isollm.check import Checked, check_config, not_read
from isollm.errors import ConfigError, LeftOut, one_line
from isollm.io.schema_copy import refresh_for_config
from isollm.io.yamlio import within_limit
from isollm.lsp import features
from isollm.names import CONFIG_FILE_NAME, MISNAMED_CONFIG

logger = logging.getLogger(__name__)
T = TypeVar("T")

_SEVERITY = {"error": types.DiagnosticSeverity.Error, "warning": types.DiagnosticSeverity.Warning}
# Line breaks as the YAML reader counts them (LSP's, and NEL, LS and PS too).
_YAML_LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")
# Where a problem's range ends: its value or key ends at a space, a flow separator or a key's colon.
_TOKEN_END = re.compile(r"\s|[,\]}]|:(?:\s|$)")


def document_name(uri: str) -> str:
    return to_fs_path(uri) or uri


def served(uri: str) -> bool:
    return os.path.basename(document_name(uri)) in (CONFIG_FILE_NAME, MISNAMED_CONFIG)


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
    if line[start] in "'\"":
        close = line.find(line[start], start + 1)
        return close + 1 if close > start else len(line.rstrip())
    found = _TOKEN_END.search(line, start + 1)
    return found.start() if found else len(line.rstrip())


def diagnostics(checked: Checked, text: str, count: Callable[[str], int]) -> list[types.Diagnostic]:
    """The LSP diagnostics of what the check found in ``text``, in file order, columns counted by
    ``count`` (in the client's units). YAML counts NEL, LS and PS as line breaks, LSP does not."""
    yaml_starts = [0, *(m.end() for m in _YAML_LINE_BREAK.finditer(text))]
    lsp_starts = [0, *(m.end() for m in features.LINE_BREAK.finditer(text))]
    found = []
    for issue in [*checked.errors, *checked.warnings]:
        severity = _SEVERITY.get(issue.severity, types.DiagnosticSeverity.Error)
        if isinstance(issue, LeftOut):  # not a problem itself: after the listed ones, at line 0
            line = start = stop = 0
            severity = types.DiagnosticSeverity.Information
        else:
            yaml_line = min((issue.line or 1) - 1, len(yaml_starts) - 1)
            offset = min(yaml_starts[yaml_line] + (issue.column or 1) - 1, len(text))
            line = bisect.bisect_right(lsp_starts, offset) - 1
            end = lsp_starts[line + 1] if line + 1 < len(lsp_starts) else len(text)
            written, column = text[lsp_starts[line]:end].rstrip("\r\n"), offset - lsp_starts[line]
            start, stop = count(written[:column]), count(written[:_token_end(written, column)])
        found.append(types.Diagnostic(types.Range(types.Position(line, start), types.Position(line, stop)),
                                      issue.message, severity, source="isollm", code=issue.keyword))
    found.sort(key=lambda d: (d.severity == types.DiagnosticSeverity.Information, d.range.start.line,
                              d.range.start.character))
    return found


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
        document = self.workspace.text_documents.get(uri)
        return document.source if document is not None and served(uri) else None

    def check_soon(self, uri: str) -> None:
        """Check ``uri``'s latest text, unless a check of it is under way (it then checks again).
        Coalesced rather than debounced: the last diagnostics published are those of the final
        text, and a burst of changes never queues."""
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
    lines = features.LINE_BREAK.split(text)
    line = lines[position.line] if position.line < len(lines) else ""
    count = ls.workspace.position_codec.client_num_units
    units = range(len(line) + 1) if line.isascii() else [0, *accumulate(map(count, line))]  # where each char starts
    return text, position.line, min(bisect.bisect_left(units, position.character), len(line))


def _in_client_units(ls: IsollmLanguageServer, text: str, result: T, ranged: list[Any]) -> T:
    """``result``, each ``.range`` in ``ranged`` (the features count code points) in the client's units."""
    if not text.isascii():  # ASCII counts the same in every unit
        lines = features.LINE_BREAK.split(text)
        for item in ranged:
            item.range = ls.workspace.position_codec.range_to_client_units(lines, item.range)
    return result


@server.feature(types.TEXT_DOCUMENT_COMPLETION, types.CompletionOptions(trigger_characters=[":", " "]))
def completion(ls: IsollmLanguageServer, params: types.CompletionParams) -> list[types.CompletionItem]:
    cursor = _cursor(ls, params.text_document.uri, params.position)
    if cursor is None:
        return []
    path = to_fs_path(params.text_document.uri)
    items = features.completions(*cursor, Path(path).parent if path else None)
    edits = [item.text_edit for item in items if isinstance(item.text_edit, types.TextEdit)]
    return _in_client_units(ls, cursor[0], items, edits)


@server.feature(types.TEXT_DOCUMENT_HOVER)
def hover(ls: IsollmLanguageServer, params: types.HoverParams) -> types.Hover | None:
    cursor = _cursor(ls, params.text_document.uri, params.position)
    found = None if cursor is None else features.hover(*cursor)
    return found if found is None or cursor is None else _in_client_units(ls, cursor[0], found, [found])


@server.feature(types.TEXT_DOCUMENT_CODE_ACTION,
                types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix]))
def code_action(ls: IsollmLanguageServer, params: types.CodeActionParams) -> list[types.CodeAction]:
    text = ls.text(params.text_document.uri)
    if text is None:
        return []
    actions = features.code_actions(text, params.text_document.uri, params.context.diagnostics)
    edits = [edit for action in actions if action.edit and action.edit.changes
             for changes in action.edit.changes.values() for edit in changes]
    return _in_client_units(ls, text, actions, edits)


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

"""The one exception family of the toolkit, and the located problem it reports (``Issue``).

Whatever goes wrong with a file (not YAML, not a config, a value against the schema) is an
``Issue``; the errors that report problems carry them as ``.issues``. Every message is made safe
to print as one readable line (``one_line``): messages quote what a hostile file holds (a newline
splitting a diagnostic, a terminal escape, a lone surrogate, 1 MB of value).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from typing_extensions import Self

MAX_MESSAGE_CHARS = 500
_ELLIPSIS = " ... "
# C0/C1 controls, DEL, str.splitlines() separators, lone surrogates, and bidirectional controls.
_BIDI_CHARS = "\u200e\u200f\u202a-\u202e\u2066-\u2069"
_UNSAFE_CHARS = f"[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff{_BIDI_CHARS}]"
BIDI_CONTROLS = re.compile(f"[{_BIDI_CHARS}]")


@functools.cache
def _unsafe() -> re.Pattern[str]:
    # Compiled at the first unprintable text: ~0.4 ms a hook run on printable messages never pays.
    return re.compile(_UNSAFE_CHARS)


def _escape(match: re.Match[str]) -> str:
    return match.group().encode("unicode_escape").decode("ascii")  # \n, \x1b, \u202e, as Python writes them


def printable_text(text: str) -> str:
    """``text`` escaped as ``one_line`` escapes it, but whole and with its line breaks and tabs:
    a value printed for a person (a multi-line ``setup_script`` stays a script)."""
    if text.isprintable():
        return text
    return _unsafe().sub(lambda match: match.group() if match.group() in "\n\t" else _escape(match), text)


def json_text(document: object) -> str:
    """``document`` as indented JSON for a terminal: text kept readable (not ``\\u`` escaped), but
    bidirectional controls escaped as control characters already are (they only occur inside
    strings, where ``\\uXXXX`` means the same character)."""
    import json

    text = json.dumps(document, indent=2, ensure_ascii=False)
    return BIDI_CONTROLS.sub(_escape, text)


def one_line(text: str, limit: int = MAX_MESSAGE_CHARS) -> str:
    """``text`` with unprintable characters escaped, shortened in the middle to ``limit``."""
    if len(text) > 4 * limit:  # escaping can only lengthen: cut first, so cost stays bounded
        text = text[: 2 * limit] + text[-2 * limit:]
    # Every unsafe character is one isprintable() refuses (Cc, Cf, Cs, Zl, Zp): most text needs no regex.
    if not text.isprintable():
        text = _unsafe().sub(_escape, text)
    if len(text) <= limit:
        return text
    keep = (limit - len(_ELLIPSIS)) // 2
    return text[:keep] + _ELLIPSIS + text[-keep:]


def printable_path(path: str) -> str:
    """``path`` on one line: a newline in a file name would start a diagnostic line of its own."""
    return one_line(path, limit=4096)


class _IssueFields(NamedTuple):
    message: str
    pointer: str = ""
    line: int | None = None
    column: int | None = None
    keyword: str = ""
    path: str = ""
    severity: str = "error"


# A NamedTuple, not a dataclass: dataclasses (inspect, ast...) cost the hook ~10 ms (bench/RESULTS.md).
class Issue(_IssueFields):
    """One problem (or warning) and where it is: ``path`` (empty for a value from no file),
    1-based ``line`` and ``column`` (from a file), a JSON ``pointer``; ``keyword`` names the rule
    (a schema keyword, ``load``, ``duplicateKey``...), ``severity`` is ``error`` or ``warning``."""

    __slots__ = ()

    def __new__(cls, message: str, pointer: str = "", line: int | None = None, column: int | None = None,
                keyword: str = "", path: str = "", severity: str = "error") -> Self:
        # Messages quote user values: keep every one printable on one line.
        return super().__new__(cls, one_line(message), pointer, line, column, keyword, path, severity)

    def located(self, *, path: str | None = None, line: int | None = None, column: int | None = None) -> Issue:
        """This issue with the file, line and column it lacks filled in."""
        return self._replace(path=self.path or path or "", line=self.line if self.line is not None else line,
                             column=self.column if self.column is not None else column)

    def where(self, path: str | None = None) -> str:
        """``PATH:LINE:COL`` (as much of it as is known; ``path`` overrides the issue's own)."""
        shown = printable_path(self.path if path is None else path)
        if self.line is None:
            return shown
        place = str(self.line) if self.column is None else f"{self.line}:{self.column}"
        return f"{shown}:{place}" if shown else place

    def __str__(self) -> str:
        where = self.where()
        return f"{where}: {self.message}" if where else self.message

    def to_dict(self) -> dict[str, Any]:
        """The fields ``--format json`` reports for a problem of a file."""
        return {field: getattr(self, field) for field in ("message", "pointer", "line", "column", "keyword")}


# At most this many problems of a file are listed (the first by position), the rest counted: a screenful.
MAX_LISTED = 100


class LeftOut(Issue):
    """Stands, last in a list of problems, for the ``more`` problems not listed."""

    more: int
    listed: int

    def __new__(cls, count: int, path: str = "", listed: int = MAX_LISTED) -> Self:
        problems = "problem" if count == 1 else "problems"
        self = super().__new__(cls, f"... and {count} more {problems} (only the first {listed} are listed)",
                               keyword="leftOut", path=path)
        self.more = count
        self.listed = listed
        return self

    def located(self, *, path: str | None = None, line: int | None = None, column: int | None = None) -> Issue:
        return self if self.path or not path else LeftOut(self.more, path, self.listed)


def by_position(issue: Issue) -> tuple[int, int]:
    """Sort key: file order; a problem of the whole file (no line) first, a ``LeftOut`` last."""
    if isinstance(issue, LeftOut):
        return (1 << 62, 0)
    return (issue.line or 0, issue.column or 0)


def first_listed(issues: Sequence[Issue], limit: int | None = MAX_LISTED, *, more: int = 0) -> list[Issue]:
    """``issues`` in file order, the first ``limit`` of them, then one ``LeftOut`` counting the rest: those cut,
    the ``more`` known to be left out already, and those any ``LeftOut`` in ``issues`` counts."""
    listed = sorted((i for i in issues if not isinstance(i, LeftOut)), key=by_position)
    more += not_listed(issues)
    if limit is not None and len(listed) > limit:
        more += len(listed) - limit
        listed = listed[:limit]
    return [*listed, LeftOut(more, listed=MAX_LISTED if limit is None else limit)] if more else listed


def not_listed(issues: Sequence[Issue]) -> int:
    return sum(i.more for i in issues if isinstance(i, LeftOut))


class IsollmError(Exception):
    """Base of every error the toolkit raises on purpose."""


class UsageError(IsollmError):
    """The command was called wrongly (exit status 2)."""


class LocatedError(IsollmError):
    """An error that is a list of located problems (``.issues``), all of them, shown under ``title``."""

    title = ""

    def __init__(self, issues: Sequence[Issue], *, path: str = "", title: str | None = None) -> None:
        self.path = path
        if title is not None:
            self.title = title
        self.issues = [issue.located(path=path) for issue in issues]
        super().__init__(str(self))

    def locate(self, *, path: str | None = None, line: int | None = None, column: int | None = None) -> Self:
        """This error, its problems given the file, line and column they lack (``Issue.located``)."""
        self.path = self.path or path or ""
        self.issues = [issue.located(path=path, line=line, column=column) for issue in self.issues]
        self.args = (str(self),)
        return self

    @property
    def errors(self) -> list[str]:
        return [issue.message for issue in self.issues]

    def __str__(self) -> str:
        if not self.title and len(self.issues) == 1:
            return str(self.issues[0])
        return self.title + ":" + "".join(f"\n  - {issue}" for issue in self.issues)


class ConfigError(LocatedError):
    """A file cannot be read as a config at all (missing, not YAML, not a mapping...): one problem."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None, *, path: str = "") -> None:
        super().__init__([Issue(message, "", line, column, "load", path)], path=path)

    @property
    def message(self) -> str:
        return self.issues[0].message

    @property
    def line(self) -> int | None:
        return self.issues[0].line

    @property
    def column(self) -> int | None:
        return self.issues[0].column


class YamlError(ConfigError):
    """The text cannot be read as one YAML document of plain data."""


class ValidationError(LocatedError):
    """Every problem found in a value, not only the first."""

    title = "config validation failed"


class StateError(IsollmError):
    """A state file is missing, unreadable or invalid."""


class NoSessionError(StateError):
    """There is no session file."""

    def __init__(self, message: str = "no active session") -> None:
        super().__init__(message)


class SessionExistsError(StateError):
    """A session file exists already."""

    def __init__(self, message: str = "session already exists") -> None:
        super().__init__(message)


class WorkerNotFoundError(StateError):
    """There is no state file for the named worker."""

    def __init__(self, name: str) -> None:
        super().__init__(f"worker {name} not found")
        self.name = name


class InvalidStateError(StateError, ValidationError):
    """A state file on disk cannot be used: not JSON, from a newer isollm, or against its schema."""

    def __str__(self) -> str:
        return f"{printable_path(self.path)}: " + ValidationError.__str__(self)

"""The one exception family of the toolkit, and the located problem it reports."""

from __future__ import annotations

from typing import Any

from isollm.util.record import FrozenRecord
from isollm.util.oneline import one_line



class Issue(FrozenRecord):
    """One problem (or warning) found in a file or a value.

    ``pointer`` is a JSON pointer into the document; ``line`` and ``column`` are
    1-based and set only when the value came from a file. Immutable and
    hashable, compared by value.
    """

    __match_args__ = ("message", "pointer", "line", "column", "keyword")
    _fields = __match_args__
    message: str
    pointer: str
    line: int | None
    column: int | None
    keyword: str

    def __init__(self, message: str, pointer: str = "", line: int | None = None, column: int | None = None,
                 keyword: str = "") -> None:
        self._init(message=message, pointer=pointer, line=line, column=column, keyword=keyword)

    def __post_init__(self) -> None:
        # Messages quote user values: keep every one printable on one line.
        object.__setattr__(self, "message", one_line(self.message))

    def to_dict(self) -> dict[str, Any]:
        return {
            "message": self.message,
            "pointer": self.pointer,
            "line": self.line,
            "column": self.column,
            "keyword": self.keyword,
        }


class IsollmError(Exception):
    """Base of every error the toolkit raises on purpose."""


class UsageError(IsollmError):
    """The command was called wrongly (exit status 2)."""


class ConfigError(IsollmError):
    """A file cannot be read as a config at all (missing, not YAML, not a mapping...)."""

    def __init__(self, message: str, *, path: str = "", line: int | None = None,
                 column: int | None = None) -> None:
        message = one_line(message)
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line
        self.column = column

    def __str__(self) -> str:
        return self.message


class ValidationError(IsollmError):
    """Every problem found in a value, not only the first."""

    def __init__(self, issues: list[Issue], *, path: str = "", title: str = "config validation failed") -> None:
        self.issues = list(issues)
        self.path = path
        self.title = title
        super().__init__(str(self))

    @property
    def errors(self) -> list[str]:
        return [issue.message for issue in self.issues]

    def __str__(self) -> str:
        return self.title + ":" + "".join(f"\n  - {m}" for m in self.errors)


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
    """A state file on disk cannot be used: not JSON, from a newer isollm, or against its schema.

    Both a ``StateError`` and a ``ValidationError``: ``.path`` names the file and
    ``.issues`` says what is wrong, with line and column where known.
    """

    def __init__(self, issues: list[Issue], *, path: str, title: str) -> None:
        ValidationError.__init__(self, issues, path=path, title=title)

    def __str__(self) -> str:
        return f"{self.path}: " + ValidationError.__str__(self)

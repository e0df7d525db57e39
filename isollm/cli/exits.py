"""The one place where the toolkit's errors become a message and an exit status."""

from __future__ import annotations

import sys

from isollm.errors import IsollmError, UsageError
from isollm.util.oneline import one_line

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from typing import Callable

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2


def _print_error(text: str) -> None:
    # Messages quote what the user typed or wrote: each line is escaped and bounded.
    # str(ValidationError) is a title and one "  - message" line per problem.
    lines = str(text).split("\n")
    print("\n".join(f"error: {one_line(line)}" if i == 0 else one_line(line) for i, line in enumerate(lines)),
          file=sys.stderr)


def guarded(action: Callable[[], int | None]) -> int:
    """Run ``action``; turn expected failures into a one-line message and a status."""
    restore: list[tuple[Callable[..., None], str]] = []
    for stream in (sys.stdout, sys.stderr):
        # A file name from argv or a value from a file may hold text the terminal's
        # encoding cannot take (lone surrogates); escape it rather than crash. Put back
        # afterwards: a caller of main() in its own process keeps its streams as they were.
        reconfigure, errors = getattr(stream, "reconfigure", None), getattr(stream, "errors", None)
        if reconfigure is not None and isinstance(errors, str) and errors != "backslashreplace":
            reconfigure(errors="backslashreplace")
            restore.append((reconfigure, errors))
    try:
        return _run(action)
    finally:
        for reconfigure, errors in restore:
            try:
                reconfigure(errors=errors)  # flushes first: a closed pipe must not raise here
            except (OSError, ValueError):
                pass


def _run(action: Callable[[], int | None]) -> int:
    try:
        return action() or EXIT_OK
    except IsollmError as error:
        _print_error(str(error))
        return EXIT_USAGE if isinstance(error, UsageError) else EXIT_FAILED
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_FAILED
    except OSError as error:
        # A file system failure (permissions, a full disk, a file where a directory
        # belongs) is an operation that failed, not a bug: one line, status 1.
        where = f": {error.filename}" if error.filename else ""
        _print_error(f"{error.strerror or error}{where}")
        return EXIT_FAILED

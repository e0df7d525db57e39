"""The one place where the toolkit's errors become a message and an exit status."""

from __future__ import annotations

import sys
from typing import Callable

from isollm.errors import IsollmError, UsageError

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2


def guarded(action: Callable[[], int | None]) -> int:
    """Run ``action``; turn expected failures into a one-line message and a status."""
    try:
        return action() or EXIT_OK
    except IsollmError as error:
        print(f"error: {error}", file=sys.stderr)
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
        print(f"error: {error.strerror or error}{where}", file=sys.stderr)
        return EXIT_FAILED

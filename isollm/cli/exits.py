"""The one place where the toolkit's errors become a message and an exit status."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable
from typing import TextIO

from isollm.errors import IsollmError, UsageError
from isollm.util.oneline import one_line

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2


def _say(text: str) -> None:
    """Print to stderr; if stderr itself is gone (closed, a full disk) there is no one to tell."""
    try:
        print(text, file=sys.stderr, flush=True)
    except (OSError, ValueError):
        _discard(sys.stderr)


def _print_error(text: str) -> None:
    # Messages quote what the user typed or wrote: each line is escaped and bounded.
    # str(ValidationError) is a title and one "  - message" line per problem.
    _say("error: " + "\n".join(one_line(line) for line in text.split("\n")))


def _discard(stream: TextIO | None) -> None:
    """Point ``stream``'s file descriptor at /dev/null (Python's advice for SIGPIPE): what is still
    buffered for a reader that went away is dropped there, not re-raised at exit as
    "Exception ignored ... BrokenPipeError"."""
    try:
        fd = stream.fileno()  # type: ignore[union-attr]
    except (AttributeError, OSError, ValueError):  # no stream, or not a file (a test's capture)
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, fd)
    os.close(devnull)


def _flush_stdout() -> OSError | None:
    """Flush stdout now; the error if it cannot take the output (its reader went away, a full
    disk), after which it is discarded."""
    try:
        sys.stdout.flush()  # never None here: _prepare_streams put /dev/null in its place
    except OSError as error:
        _discard(sys.stdout)
        return error
    return None


def _prepare_streams() -> list[tuple[Callable[..., None], str]]:
    """Make stdout and stderr safe to print to; what to put back afterwards."""
    restore: list[tuple[Callable[..., None], str]] = []
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if stream is None:  # the descriptor was closed (`>&-`): nobody reads what goes there
            setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))  # noqa: SIM115
            continue
        # A file name from argv or a value from a file may hold text the terminal's
        # encoding cannot take (lone surrogates); escape it rather than crash. Put back
        # afterwards: a caller of main() in its own process keeps its streams as they were.
        reconfigure, errors = getattr(stream, "reconfigure", None), getattr(stream, "errors", None)
        if reconfigure is not None and isinstance(errors, str) and errors != "backslashreplace":
            reconfigure(errors="backslashreplace")
            restore.append((reconfigure, errors))
    return restore


def _os_error_text(error: OSError) -> str:
    """What an ``OSError`` means, with the file it names. A bare "No such file or directory"
    is ``os.getcwd()`` in a directory deleted meanwhile: the shell's ``$PWD`` names it."""
    if error.filename:
        return f"{error.strerror or error}: {error.filename}"
    if isinstance(error, FileNotFoundError):
        try:
            os.getcwd()
        except FileNotFoundError:
            where = os.environ.get("PWD", "")
            return (f"the current directory{' ' + where if where else ''} no longer exists (deleted?): "
                    "cd to one that does")
    return str(error.strerror or error)


def guarded(action: Callable[[], int | None]) -> int:
    """Run ``action``; turn expected failures into a one-line message and a status.

    Its output is flushed here, so that output nobody can take (``isollm --help | head -0``,
    ``> /dev/full``) ends the command with status 1 and at most one line (none for a closed
    pipe: its reader chose to stop), never a traceback or an "Exception ignored" at exit.
    """
    restore = _prepare_streams()
    output_error: OSError | None = None
    try:
        status = action() or EXIT_OK
    except IsollmError as error:
        _print_error(str(error))
        status = EXIT_USAGE if isinstance(error, UsageError) else EXIT_FAILED
    except KeyboardInterrupt:
        _say("interrupted")
        status = 130
    except OSError as error:
        status = EXIT_FAILED
        output_error = _flush_stdout()
        if output_error is None and not isinstance(error, BrokenPipeError):
            # A file system failure (permissions, a full disk, a file where a directory
            # belongs) is an operation that failed, not a bug: one line, status 1.
            _print_error(_os_error_text(error))
    finally:
        output_error = output_error or _flush_stdout()
        for reconfigure, errors in restore:
            with contextlib.suppress(OSError, ValueError):  # it flushes first: a closed pipe must not raise here
                reconfigure(errors=errors)
    if output_error is not None:
        if not isinstance(output_error, BrokenPipeError):
            _print_error(f"cannot write the output: {output_error.strerror or output_error}")
        return EXIT_FAILED
    return status

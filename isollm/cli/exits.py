"""The one place where the toolkit's errors become a message and an exit status."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable
from typing import TextIO

from isollm.errors import IsollmError, UsageError
from isollm.util.oneline import one_line


def _say(text: str) -> None:
    """Print to stderr; if stderr itself is gone (closed, a full disk) there is no one to tell."""
    try:
        print(text, file=sys.stderr, flush=True)
    except (OSError, ValueError):
        _discard(sys.stderr)


def _print_error(text: str) -> None:
    # Messages quote what the user typed or wrote: each line (ValidationError has one a problem) escaped, bounded.
    _say("error: " + "\n".join(one_line(line) for line in text.split("\n")))


def _discard(stream: TextIO | None) -> None:
    """Point ``stream``'s descriptor at /dev/null (Python's advice for SIGPIPE): what is still buffered
    for a reader that went away is dropped, not re-raised at exit as "Exception ignored ... BrokenPipeError"."""
    try:
        fd = stream.fileno()  # type: ignore[union-attr]
    except (AttributeError, OSError, ValueError):  # no stream, or not a file (a test's capture)
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, fd)
    os.close(devnull)


def _flush_stdout() -> OSError | None:
    try:
        sys.stdout.flush()  # never None here: _prepare_streams put /dev/null in its place
    except OSError as error:
        _discard(sys.stdout)
        return error
    return None


def _prepare_streams() -> list[tuple[Callable[..., None], str]]:
    """Make stdout and stderr safe to print to; returns what to put back afterwards."""
    restore: list[tuple[Callable[..., None], str]] = []
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if stream is None:  # the descriptor was closed (`>&-`): nobody reads what goes there
            setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))  # noqa: SIM115
            continue
        # Text the terminal's encoding cannot take (lone surrogates in a file name) is escaped, not a
        # crash; put back afterwards, for a caller of main() in its own process.
        reconfigure, errors = getattr(stream, "reconfigure", None), getattr(stream, "errors", None)
        if reconfigure is not None and isinstance(errors, str) and errors != "backslashreplace":
            reconfigure(errors="backslashreplace")
            restore.append((reconfigure, errors))
    return restore


def _os_error_text(error: OSError) -> str:
    """What an ``OSError`` means, with the file it names; a bare "No such file or directory" is
    ``os.getcwd()`` in a directory deleted meanwhile, which the shell's ``$PWD`` names."""
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
    """Run ``action``; turn expected failures into one line and a status (0 ok, 1 failed, 2 usage).

    Output nobody can take (``isollm --help | head -0``, ``> /dev/full``) ends with status 1 and at
    most one line (none for a closed pipe), never a traceback or an "Exception ignored" at exit.
    """
    restore = _prepare_streams()
    output_error: OSError | None = None
    try:
        status = action() or 0
    except IsollmError as error:
        _print_error(str(error))
        status = 2 if isinstance(error, UsageError) else 1
    except KeyboardInterrupt:
        _say("interrupted")
        status = 130
    except OSError as error:
        status = 1
        output_error = _flush_stdout()
        if output_error is None and not isinstance(error, BrokenPipeError):
            # A file system failure (permissions, a full disk) is an operation that failed, not a bug.
            _print_error(_os_error_text(error))
    finally:
        output_error = output_error or _flush_stdout()
        for reconfigure, errors in restore:
            with contextlib.suppress(OSError, ValueError):  # it flushes first: a closed pipe must not raise here
                reconfigure(errors=errors)
    if output_error is not None:
        if not isinstance(output_error, BrokenPipeError):
            _print_error(f"cannot write the output: {output_error.strerror or output_error}")
        return 1
    return status

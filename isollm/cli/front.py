"""Every ``isollm`` command, said once: Fire builds the command tree, its dispatch and ``--help`` from here.

A method is a command, a group object (``config``, ``state``) holds the commands under its word, and
the docstrings are the help. A parameter without a default is a required positional, also ``--key KEY``;
one with a default is a flag, positional too before ``*``; a ``False`` default makes a switch. A method
checks what a signature cannot say and returns the command to run: Fire runs nothing, so a word left
over is refused before anything ran. Neither Fire nor the commands are imported here (the hook's path).
``guarded`` is the one place where the toolkit's errors become a message and the exit status the help states.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Sequence
from typing import TextIO

from isollm.errors import IsollmError, UsageError, one_line

# The Go orchestrator's commands: asked of this isollm, they get a message saying where they belong.
ORCHESTRATOR_COMMANDS = ("up", "down", "status", "task", "worker", "sync")


def usage_error(message: str, words: Sequence[str] = ()) -> UsageError:
    """A usage error naming the help to read, on one line whatever the user typed."""
    return UsageError(f"{one_line(message)} (see '{' '.join(['isollm', *words])} --help')")


def _one_of(value: str, choices: Sequence[str], what: str, command: str) -> str:
    if value not in choices:
        raise usage_error(f"{what} must be one of: {', '.join(choices)} (got {value!r})", command.split())
    return value


class Run:
    """The command Fire chose with its arguments; ``launch`` runs it once Fire has read every word."""

    def __init__(self, command: Callable[..., int], *args: object, **kwargs: object) -> None:
        self.command, self.args, self.kwargs = command, args, kwargs

    def run(self, **options: object) -> int:
        """Run the command; ``options`` are the caller's own (the hook's ``quiet_valid``)."""
        return self.command(*self.args, **self.kwargs, **options)


class Config:
    """Show, query, change or edit the project's isollm.yaml."""

    def show(self, path: str | None = None, *, format: str = "yaml") -> Run:  # noqa: A002
        """Print the resolved config, defaults filled in; problems go to stderr.

        Prints even an invalid config (exit 0); exits 1 only when the file cannot be read.
        PATH may be given without --path: isollm config show svc/isollm.yaml.

        Args:
            path: The config to show (by default the project's isollm.yaml): a file, a directory
                (its isollm.yaml) or - (standard input).
            format: yaml (headed with the file's path) or json.
        """
        from isollm.cli.commands import config

        return Run(config.show, path, _one_of(format, ("yaml", "json"), "--format", "config show"))

    def get(self, key: str, path: str | None = None) -> Run:
        """Print one value of the resolved config (defaults count); a section prints as YAML.

        An optional key that is not set prints nothing. Problems of the file go to stderr;
        an unknown key is refused with a suggestion (exit 1).

        Args:
            key: Dotted key, e.g. workers or git.base_branch.
            path: The config to read instead of the project's: a file, a directory (its isollm.yaml)
                or - (standard input).
        """
        from isollm.cli.commands import config

        return Run(config.get_value, key, path)

    def set(self, key: str, value: str) -> Run:
        """Set one value in isollm.yaml, changing nothing else (comments, order and quoting stay).

        VALUE is read for the key's type: `workers 5`, `ports '["3000", "8080:80"]'`; a string
        key takes the text as typed. A change that adds a problem, or one to an isollm.yaml
        changed on disk meanwhile, is refused and the file left as it was (exit 1); on a file
        with other problems, a change that adds none is made and the problems left are listed.
        Write -- before a value that starts with '-': isollm config set claude.command -- -x.

        Args:
            key: Dotted key, e.g. workers or git.base_branch.
            value: The new value.
        """
        from isollm.cli.commands import config

        return Run(config.set_value, key, value)

    def unset(self, key: str) -> Run:
        """Remove a key from isollm.yaml so its default applies; nothing else changes.

        A required key (project) cannot be unset; a key that is not written is left alone.

        Args:
            key: Dotted key, e.g. git.upstream.
        """
        from isollm.cli.commands import config

        return Run(config.unset_value, key)

    def edit(self) -> Run:
        """Edit isollm.yaml in $VISUAL, else $EDITOR, else vi.

        You edit a copy. A valid result replaces isollm.yaml exactly as you wrote it;
        an invalid one is shown with its errors and you choose to edit again or abort
        (without a terminal: abort, exit 1). isollm.yaml is never left invalid.
        The variable may hold arguments, e.g. EDITOR="code --wait".
        """
        from isollm.cli.commands import config

        return Run(config.edit_file)


class State:
    """Inspect the runtime state in .isollm/ (session and workers)."""

    def show(self, *, format: str = "text") -> Run:  # noqa: A002
        """Show the session (live, stale or none) and a table of the workers.

        Invalid state files are reported on stderr; the command still exits 0.

        Args:
            format: text (for people) or json.
        """
        from isollm.cli.commands import state

        return Run(state.show, _one_of(format, ("text", "json"), "--format", "state show"))

    def check(self) -> Run:
        """Validate every state file; PATH:LINE:COL: error: MESSAGE for each problem; exit 1 if any."""
        from isollm.cli.commands import state

        return Run(state.check)

    def clean(self, *, unknown_session: bool = False) -> Run:
        """Remove a stale session (its process is gone); refuses while the session is live.

        Also removes temporary files, older than an hour, left by writes that were killed
        (this toolkit's and the Go isollm's NAME.json.tmp).
        A session written by an isollm that records no PID (isollm up's session.json) may
        still be running: it is removed only with --unknown-session.

        Args:
            unknown_session: Also remove a session whose liveness cannot be told (no PID recorded).
        """
        from isollm.cli.commands import state

        return Run(state.clean, unknown_session)


class Isollm:
    """isollm: set up, validate and inspect an isollm project (isollm.yaml and .isollm/).

    Exit status: 0 success (warnings allowed), 1 invalid input or a failed operation,
    2 usage error. Run `isollm COMMAND --help` for the flags of a command and
    `isollm --version` for the version. The commands up, down, status, task, worker and sync
    belong to the isollm orchestrator, the Go program of the same name.
    """

    config = Config()
    state = State()

    def init(self, *, name: str | None = None, workers: str | None = None, image: str | None = None) -> Run:
        """Create isollm.yaml, the .isollm/ state directory and its .gitignore entry here.

        Refuses to overwrite an existing isollm.yaml. On a terminal, asks for the values
        not given as flags. An invalid value is refused with its message and nothing is written.

        Args:
            name: Project name (default: this directory's name). {name_rule}
            workers: How many agent containers run in parallel, {workers_min}-{workers_max} (default {workers_default}).
            image: Container image (default {image_default}).
        """
        from isollm.cli.commands import init

        return Run(init.run, name=name, workers=workers, image=image)

    def validate(self, *path: str, format: str = "text") -> Run:  # noqa: A002
        """Validate config files (default: the project's isollm.yaml); exit 0 valid, 1 invalid.

        Prints PATH: valid for each valid file (the pre-commit hook, isollm-validate,
        is this command without those lines). Write -- before paths that start with '-'.

        Args:
            path: Files to check; a directory means its isollm.yaml, - standard input (named <stdin> in diagnostics).
            format: text (PATH:LINE:COL: error: MESSAGE on stderr), json or github (workflow annotations).
        """
        from isollm.cli import report

        return Run(report.validate, path, _one_of(format, ("text", "json", "github"), "--format", "validate"))

    def lsp(self) -> Run:
        """Run the language server on stdin and stdout, for an editor to start (see README's Editor section).

        Editors show the problems isollm validate reports, as you type, with completion, hover
        and quick fixes, for files named isollm.yaml. Needs the lsp extra:
        pip install 'isollm-toolkit[lsp]'.
        """
        return Run(_serve_lsp)

    def schema(self, name: str = "config", *, path: bool = False) -> Run:
        """Print a JSON Schema (config, session, worker or task), or with --path where it is installed.

        An editor or plain check-jsonschema pointed at the path checks all isollm validate checks
        but duplicate host ports and a clash with airyra.port; check-jsonschema gets those
        too with --validator-class isollm.validator:IsollmValidator.

        Args:
            name: config (isollm.yaml), session (.isollm/session.json), worker (.isollm/workers/*.json)
                or task (.isollm/tasks/*.json, read only).
            path: Print the path of the installed schema file instead of its content.
        """
        from isollm.schema.loader import SCHEMA_NAMES

        return Run(_print_schema, _one_of(name, SCHEMA_NAMES, "NAME", "schema"), path=path)


def _serve_lsp() -> int:
    try:
        import pygls  # noqa: F401  (which brings lsprotocol, its dependency)
    except ImportError:
        raise IsollmError("isollm lsp needs the lsp extra: pip install 'isollm-toolkit[lsp]'") from None
    from isollm.lsp.server import serve

    return serve()


def _print_schema(name: str, *, path: bool) -> int:
    from isollm.schema.loader import schema_path

    location = schema_path(name)
    # Unreadable (a broken install): guarded says why, with the path.
    text = f"{location}\n" if path else location.read_text(encoding="utf-8")
    sys.stdout.write(text if text.endswith("\n") else text + "\n")
    return 0


def commands(group: object) -> list[str]:
    return [name for name in dir(group) if not name.startswith("_")]


def schema_facts() -> dict[str, object]:
    """The schema's rules and defaults ``init --help`` quotes (``{workers_max}``), so that it cannot drift from them."""
    from isollm.schema.loader import load_schema

    props = load_schema("config")["properties"]
    project, workers = props["project"], props["workers"]
    return {"name_rule": f"{project['x-messages']['pattern'].capitalize()}, "
                         f"{project['minLength']}-{project['maxLength']} characters.",
            "workers_min": workers["minimum"], "workers_max": workers["maximum"],
            "workers_default": workers["default"], "image_default": props["image"]["default"]}


def flag(name: str) -> str:
    """How a parameter is written as a flag: ``unknown_session`` is ``--unknown-session``."""
    return "--" + name.replace("_", "-")


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

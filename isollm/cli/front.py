"""The ``isollm`` command line: a thin Fire front over ``isollm.cli.commands``.

Fire does the dispatch and builds ``--help`` from the docstrings below. Where
its defaults break our CLI contract it is fenced in:

- Every argument reaches the command as the text the user typed
  (``SetParseFn(str)``); Fire would otherwise turn ``2024`` into an int,
  ``True`` into a bool and ``fix#12`` into ``'fix'``. Commands convert.
- A command method only *chooses* what to run. ``main`` runs it after Fire has
  consumed every argument, so an unknown flag is a usage error instead of
  being silently ignored by a command that already ran.
- Fire's own output is captured and re-emitted by ``main``: help on stdout
  with status 0, a usage error as one line on stderr with status 2, return
  values never. With its output captured Fire never sees a terminal, so it
  never starts a pager.
"""

from __future__ import annotations

import contextlib
import importlib
import inspect
import io
import re
import sys
from typing import Any, Callable, Sequence, TypeVar, cast

import fire
from fire.decorators import SetParseFn

from isollm.cli.exits import EXIT_USAGE, guarded

Action = Callable[[], int]
F = TypeVar("F", bound=Callable[..., Any])


def _as_typed(method: F) -> F:
    """Have Fire pass every argument of ``method`` as the text the user typed."""
    return cast(F, SetParseFn(str)(method))


class _Chosen:
    """What a command method returns: a token with nothing for Fire to print, call or walk into."""

    __slots__ = ()

    def __str__(self) -> str:
        return ""


class _Front:
    """Holds the action the command line chose, for ``main`` to run."""

    def __init__(self) -> None:
        self.actions: list[Action] = []

    def choose(self, module: str, function: str, *args: Any, **kwargs: Any) -> Any:
        """Choose ``isollm.cli.commands.<module>.<function>(*args, **kwargs)``; imported only when run."""
        def action() -> int:
            command = importlib.import_module(f"isollm.cli.commands.{module}")
            status: int = getattr(command, function)(*args, **kwargs)
            return status

        self.actions.append(action)
        return _Chosen()


class ConfigCommands:
    """Show or edit the project's isollm.yaml."""

    def __init__(self, front: _Front) -> None:
        self._front = front

    @_as_typed
    def show(self, *, format: str = "yaml") -> Any:  # noqa: A002
        """Print the resolved config, defaults filled in; problems go to stderr.

        Prints even an invalid config (exit 0); exits 1 only when the file cannot be read.

        Args:
          format: yaml (headed with the file's path) or json.
        """

        return self._front.choose("config_show", "run", format)

    def edit(self) -> Any:
        """Edit isollm.yaml in $VISUAL, else $EDITOR, else vi.

        You edit a copy. A valid result replaces isollm.yaml exactly as you wrote it;
        an invalid one is shown with its errors and you choose to edit again or abort
        (without a terminal: abort, exit 1). isollm.yaml is never left invalid.
        The variable may hold arguments, e.g. EDITOR="code --wait".
        """

        return self._front.choose("config_edit", "run")


class StateCommands:
    """Inspect the runtime state in .isollm/ (session, workers and the Go isollm's task files)."""

    def __init__(self, front: _Front) -> None:
        self._front = front

    @_as_typed
    def show(self, *, format: str = "text") -> Any:  # noqa: A002
        """Show the session (live, stale, unknown or none), a table of the workers and the tasks.

        Invalid state files are reported on stderr; the command still exits 0.

        Args:
          format: text (for people) or json.
        """

        return self._front.choose("state", "show", format)

    def check(self) -> Any:
        """Validate every state file; PATH:LINE:COL: error: MESSAGE for each problem; exit 1 if any."""

        return self._front.choose("state", "check")

    @_as_typed
    def clean(self, *, unknown_session: str | bool = False) -> Any:
        """Remove a stale session (its process is gone); refuses while the session is live.

        A session written by an isollm without a PID (the session file of the Go
        `isollm up`) may still be running: it is removed only with --unknown-session.
        Also removes temporary files, older than an hour, left by writes that were killed.

        Args:
          unknown_session: Also remove a session whose liveness cannot be told (no PID
            recorded). Use it only when that session no longer runs.
        """

        return self._front.choose("state", "clean", unknown_session)


class Cli:
    """isollm: set up, validate and inspect an isollm project (isollm.yaml and .isollm/).

    Exit status: 0 success (warnings allowed), 1 invalid input or a failed operation,
    2 usage error. Run `isollm COMMAND --help` for the flags of a command.
    """

    def __init__(self, front: _Front) -> None:
        self._front = front
        self.config = ConfigCommands(front)
        self.state = StateCommands(front)

    @_as_typed
    def init(self, *, name: str | None = None, workers: str | None = None, image: str | None = None) -> Any:
        """Create isollm.yaml, the .isollm/ state directory and its .gitignore entry here.

        Refuses to overwrite an existing isollm.yaml. On a terminal, asks for the values
        not given as flags. An invalid value is refused with its message and nothing is written.

        Args:
          name: Project name (default: this directory's name). {name_rule}
          workers: How many agent containers run in parallel, {workers_min}-{workers_max} (default {workers_default}).
          image: Container image (default {image_default}).
        """

        return self._front.choose("init", "run", name=name, workers=workers, image=image)

    @_as_typed
    def validate(self, *paths: str, format: str = "text") -> Any:  # noqa: A002
        """Validate config files (default: the project's isollm.yaml); exit 0 valid, 1 invalid.

        Args:
          paths: Files to check.
          format: text (PATH:LINE:COL: error: MESSAGE on stderr), json or github (workflow annotations).
        """

        return self._front.choose("validate", "run", list(paths), format)

    @_as_typed
    def schema(self, name: str = "config", *, path: str | bool = False) -> Any:
        """Print a JSON Schema (config, session, worker or task), or with --path where it is installed.

        Usage: isollm schema [config|session|worker|task] [--path]. Point an editor or
        check-jsonschema at the path to get the same checks as isollm validate.

        Args:
          name: config (isollm.yaml), session (.isollm/session.json), worker (.isollm/workers/*.json)
            or task (.isollm/tasks/*.json, written by the Go isollm).
          path: Print the path of the installed schema file instead of its content.
        """

        if name == "config" and path not in (True, False, "True", "False"):
            # `isollm schema --path worker`: Fire hands "worker" to --path; the user meant the name.
            name, path = str(path), True
        return self._front.choose("schema", "run", name, path=path)


_GROUPS = {"config": ConfigCommands, "state": StateCommands}
_FIRE_MESSAGES = (
    (re.compile(r"Could not consume arg: (.*)"), "unexpected argument: {0}"),
    (re.compile(r"Cannot find key: (.*)"), "unknown command: {0}"),
    (re.compile(r"The function received no value for the required argument: (.*)"), "missing argument: {0}"),
)
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_FLAG = re.compile(r"--.*|-[a-zA-Z].*")  # what Fire takes for a flag rather than a value


def _public(owner: type) -> set[str]:
    return {name for name, _ in inspect.getmembers(owner, inspect.isfunction) if not name.startswith("_")}


def _resolve(args: Sequence[str]) -> tuple[list[str], Callable[..., Any] | None, str | None]:
    """(the command words, the command method they name or None, the first word naming nothing).

    Checked before Fire runs because Fire would walk into any attribute
    (``isollm __class__``) instead of saying the command does not exist.
    """
    owner: type = Cli
    words: list[str] = []
    for arg in args[:2]:
        if _FLAG.fullmatch(arg):
            break
        if owner is Cli and arg in _GROUPS:
            owner = _GROUPS[arg]
            words.append(arg)
            continue
        if arg not in _public(owner):
            return words, None, arg
        words.append(arg)
        method: Callable[..., Any] = getattr(owner, arg)
        return words, method, None
    return words, None, None


def _value_flags(method: Callable[..., Any] | None) -> dict[str, str]:
    """The flags of ``method`` that take a value, by name and by one-letter shortcut."""
    flags: dict[str, str] = {}
    if method is not None:
        for parameter in inspect.signature(method).parameters.values():
            if parameter.default is not parameter.empty and not isinstance(parameter.default, bool):
                flags[parameter.name] = flags[parameter.name[0]] = parameter.name
    return flags


def _precheck(args: list[str]) -> str | None:
    """A usage problem Fire would accept silently (a flag without its value, Fire's own flags)."""
    _, method, unknown = _resolve(args)
    if unknown is not None:
        return f"unknown command: {unknown}"
    value_flags = _value_flags(method)
    for index, arg in enumerate(args):
        if arg == "--":
            return "'--' is not supported (write a path that starts with '-' as ./-name)"
        if arg == "-":
            return "'-' (standard input) is not supported; give a file path"
        long, short = re.fullmatch(r"--(\w+)", arg), re.fullmatch(r"-([A-Za-z])", arg)
        if long and long.group(1).startswith("no") and long.group(1)[2:] in value_flags.values():
            return f"unknown flag: {arg}"  # Fire would read --noNAME as NAME=False
        key = long.group(1) if long and long.group(1) in value_flags.values() else short.group(1) if short else ""
        if key in value_flags and (index + 1 == len(args) or _FLAG.fullmatch(args[index + 1])):
            return f"--{value_flags[key]} needs a value"
    return None


def _usage_error(message: str, args: Sequence[str]) -> int:
    message = " ".join(message.split())  # one line, whatever the user typed
    words = " ".join(["isollm", *_resolve(args)[0]])
    print(f"error: {message} (see '{words} --help')", file=sys.stderr)
    return EXIT_USAGE


def _fire_problem(captured: str) -> str:
    for line in captured.splitlines():
        if line.startswith("ERROR: "):
            text = line[len("ERROR: "):]
            for pattern, template in _FIRE_MESSAGES:
                found = pattern.fullmatch(text)
                if found:
                    return template.format(*found.groups())
            return text
    return "invalid command line"


def _help_text(captured: str) -> str:
    """Fire's help, minus what is noise to a user of this CLI.

    Dropped: Fire's "INFO: Showing help" note, the "Type:" of each flag (every
    value arrives as text), and the FIRE_METADATA "group" that ``SetParseFn``
    leaves as an attribute of each command function.
    """
    kept: list[str] = []
    for line in _ANSI.sub("", captured).splitlines():
        if line.startswith("INFO: Showing help") or line.strip().startswith("Type: ") \
                or line.strip() == "Default: None":
            continue
        if line.strip() == "FIRE_METADATA":
            # Drop the now empty GROUPS heading and its "GROUP is one of" line.
            while kept and (not kept[-1].strip() or "GROUP" in kept[-1]):
                kept.pop()
            continue
        line = line.replace(" GROUP | <flags>", " <flags>").replace(" GROUP | ", " ")
        kept.append(line[:-2] if line.startswith("    isollm") and line.endswith(" -") else line)
    return "\n".join(kept).strip("\n") + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    problem = _precheck(args)
    if problem:
        return _usage_error(problem, args)
    front = _Front()
    out, err = io.StringIO(), io.StringIO()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            result = fire.Fire(Cli(front), command=args, name="isollm")
    except fire.core.FireExit as exit_:
        if exit_.code == 0:
            sys.stdout.write(_help_text(err.getvalue() + out.getvalue()))
            return 0
        return _usage_error(_fire_problem(err.getvalue()), args)
    if isinstance(result, _Chosen) and front.actions:
        return guarded(front.actions[-1])
    if args[:1] in ([], *([group] for group in _GROUPS)) and len(args) <= 1:
        sys.stdout.write(_help_text(out.getvalue()))  # a bare `isollm` or `isollm config`
        return 0
    return _usage_error(f"unknown command: {' '.join(args)}", args)


def _fill_init_help() -> None:
    """Put the schema's rules and defaults into ``init --help``, so the help cannot drift from them."""
    from isollm.schema.loader import load_schema

    props = load_schema("config")["properties"]
    project, workers = props["project"], props["workers"]
    Cli.init.__doc__ = (Cli.init.__doc__ or "").format(
        name_rule=f"{project['x-messages']['pattern'].capitalize()}, "
                  f"{project['minLength']}-{project['maxLength']} characters.",
        workers_min=workers["minimum"], workers_max=workers["maximum"], workers_default=workers["default"],
        image_default=props["image"]["default"])


_fill_init_help()

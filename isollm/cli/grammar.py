"""Reading a command line by the command table: which command, with which values.

One grammar for every entry point (``isollm``, its fast path, the
``isollm-validate`` hook), the conventions Fire's help describes:

- ``--name VALUE``, ``--name=VALUE`` and ``-n VALUE`` (the parameter's first
  letter, where no other parameter of the command shares it) give a value;
  ``--name`` alone sets a flag. ``-`` and a word such as ``-1`` are values,
  not flags. Given twice, the last value counts.
- Positional words fill the command's required parameters, then its optional
  positional ones (those not given as flags), then its variadic one; a missing
  required one, or anything left, is an error.
- ``--`` ends the flags: every word after it is positional (a path that starts
  with ``-``). ``-h`` or ``--help`` before it asks for help.

Every value stays the text the user typed: converting is the command's job.
"""

from __future__ import annotations

from isollm.cli.table import (BY_WORDS, COMMANDS, FLAG, GROUPS, ORCHESTRATOR_COMMANDS, POSITIONAL, REQUIRED,
                              VARIADIC, VERSION_FLAG, Command, Param)
from isollm.errors import UsageError
from isollm.util.oneline import one_line

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence

HELP_FLAGS = ("-h", "--help")


class Help:
    """The user asked for the help of ``words`` (``()``: the whole program)."""

    __slots__ = ("words",)

    def __init__(self, words: Sequence[str]) -> None:
        self.words = tuple(words)


class Version:
    """The user asked for the version (``isollm --version``)."""

    __slots__ = ()


class Invocation:
    """A command and the keyword arguments of its function."""

    __slots__ = ("command", "arguments")

    def __init__(self, command: Command, arguments: dict[str, object]) -> None:
        self.command = command
        self.arguments = arguments


def usage_error(message: str, words: Sequence[str] = ()) -> UsageError:
    """A usage error naming the help to read, on one line whatever the user typed."""
    where = " ".join(["isollm", *words])
    return UsageError(f"{one_line(message)} (see '{where} --help')")


def _unknown(what: str, word: str, known: Sequence[str], words: Sequence[str]) -> UsageError:
    """``unknown command: valdate (did you mean 'validate'?)``."""
    from isollm.schema.messages import closest  # the one config keys' "did you mean" uses

    close = closest(word, known)
    hint = f" (did you mean '{close}'?)" if close is not None else ""
    return usage_error(f"unknown {what}: {word}{hint}", words)


def is_flag(arg: str) -> bool:
    """Whether ``arg`` is written as a flag (``--x``, ``-x``) rather than a value (``-``, ``-1``)."""
    return arg.startswith("--") or (len(arg) > 1 and arg[0] == "-" and arg[1].isascii() and arg[1].isalpha())


def parse(args: Sequence[str]) -> Help | Version | Invocation:
    """What ``args`` (the words after ``isollm``) ask for; ``UsageError`` if they ask wrongly."""
    args = list(args)
    if not args or args[0] in HELP_FLAGS:
        return Help(())
    first = args[0]
    if first == VERSION_FLAG:
        if len(args) > 1:
            raise usage_error(f"unexpected argument: {args[1]}")
        return Version()
    if first in ORCHESTRATOR_COMMANDS:
        raise usage_error(f"'{first}' is a command of the isollm orchestrator (the Go program), not of this "
                          "isollm, which sets up and checks a project's config and state")
    if is_flag(first):
        if first == "--":
            raise usage_error("expected a command, got --")
        raise _unknown("flag", first.partition("=")[0], [VERSION_FLAG, *HELP_FLAGS], ())
    if first in GROUPS:
        if len(args) == 1 or args[1] in HELP_FLAGS:
            return Help((first,))
        words: tuple[str, ...] = (first, args[1])
    else:
        words = (first,)
    command = BY_WORDS.get(words)
    if command is None:
        known = [c.words[-1] for c in COMMANDS if c.words[:-1] == words[:-1]]
        raise _unknown("command", words[-1], known + ([] if len(words) > 1 else list(GROUPS)), words[:-1])
    return _bind(command, args[len(words):])


def _by_flag(command: Command) -> dict[str, Param]:
    """The command's parameters by how a flag names them: ``--name`` and, when unique, ``-n``."""
    params = [p for p in command.params if p.kind not in (VARIADIC, REQUIRED)]
    names = {p.flag: p for p in params}
    for param in params:
        if sum(other.name[0] == param.name[0] for other in params) == 1:
            names[f"-{param.name[0]}"] = param
    return names


def _choice(command: Command, param: Param, value: str) -> str:
    if param.choices and value not in param.choices:
        what = param.flag if param.kind not in (POSITIONAL, REQUIRED) else param.name.upper()
        raise usage_error(f"{what} must be one of: {', '.join(param.choices)} (got {value!r})", command.words)
    return value


def _bind(command: Command, rest: list[str]) -> Help | Invocation:
    flags = _by_flag(command)
    values: dict[str, object] = {}
    positional: list[str] = []
    index = 0
    while index < len(rest):
        arg = rest[index]
        index += 1
        if not is_flag(arg):
            positional.append(arg)
            continue
        if arg == "--":
            positional.extend(rest[index:])
            break
        if arg in HELP_FLAGS:
            return Help(command.words)
        name, has_value, value = arg.partition("=")
        param = flags.get("--" + name[2:].replace("-", "_") if name.startswith("--") else name)
        if param is None:
            known = [flag for flag in flags if flag.startswith("--")] + list(HELP_FLAGS)
            raise _unknown("flag", name, known, command.words)
        if param.kind == FLAG:
            if has_value:
                raise usage_error(f"{param.flag} takes no value (got {value!r})", command.words)
            values[param.name] = True
            continue
        if not has_value:
            if index == len(rest) or is_flag(rest[index]):
                raise usage_error(f"{param.flag} needs a value", command.words)
            value = rest[index]
            index += 1
        values[param.name] = _choice(command, param, value)
    arguments: dict[str, object] = {}
    for param in command.params:
        if param.kind == VARIADIC:
            arguments[param.dest], positional = positional, []
        elif param.name in values:
            arguments[param.dest] = values[param.name]
        elif param.kind in (POSITIONAL, REQUIRED) and positional:
            arguments[param.dest] = _choice(command, param, positional.pop(0))
        elif param.kind == REQUIRED:
            raise usage_error(f"missing argument: {param.name.upper()}", command.words)
        else:
            arguments[param.dest] = param.default
    if positional:
        raise usage_error(f"unexpected argument: {positional[0]}", command.words)
    return Invocation(command, arguments)

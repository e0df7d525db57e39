"""``isollm --help``: Fire renders the help of classes built from the command table.

Each group of ``isollm.cli.table`` becomes a class and each command a method
whose signature and docstring come from the table, so Fire's help lists the
same commands, flags and defaults the grammar accepts. Only help comes this
way: ``isollm.cli.grammar`` reads the command line, and Fire (with the asyncio
and inspect it imports) is loaded only when help is asked for.

Fire's output is captured and cleaned: help goes to stdout with status 0.
With its output captured Fire never sees a terminal, so it never starts a pager.
"""

from __future__ import annotations

import contextlib
import inspect
import io
import re
from typing import Any, Callable, Sequence

import fire

from isollm.cli.table import (COMMANDS, GROUPS, ORCHESTRATOR_COMMANDS, POSITIONAL, PROGRAM_HELP, REQUIRED,
                              VARIADIC, Command, Param)

_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _parameter(param: Param) -> inspect.Parameter:
    kind = {POSITIONAL: inspect.Parameter.POSITIONAL_OR_KEYWORD, REQUIRED: inspect.Parameter.POSITIONAL_OR_KEYWORD,
            VARIADIC: inspect.Parameter.VAR_POSITIONAL}.get(param.kind, inspect.Parameter.KEYWORD_ONLY)
    default = inspect.Parameter.empty if param.kind in (VARIADIC, REQUIRED) else param.default
    return inspect.Parameter(param.name, kind, default=default)


def _schema_facts() -> dict[str, object]:
    """The schema's rules and defaults quoted in ``init --help``, so the help cannot drift from them."""
    from isollm.schema.loader import load_schema

    props = load_schema("config")["properties"]
    project, workers = props["project"], props["workers"]
    return {"name_rule": f"{project['x-messages']['pattern'].capitalize()}, "
                         f"{project['minLength']}-{project['maxLength']} characters.",
            "workers_min": workers["minimum"], "workers_max": workers["maximum"],
            "workers_default": workers["default"], "image_default": props["image"]["default"]}


def docstring(command: Command) -> str:
    """The command's help as a Google-style docstring, the form Fire reads."""
    text = inspect.cleandoc(command.help)
    if command.params:
        facts = _schema_facts() if "{" in "".join(p.help for p in command.params) else {}
        text += "\n\nArgs:\n" + "\n".join(f"  {p.name}: {p.help.format(**facts)}" for p in command.params)
    return text


def _method(command: Command) -> Callable[..., None]:
    def method(self: object, *args: object, **kwargs: object) -> None:
        """Never called: Fire only renders its help."""

    method.__name__ = method.__qualname__ = command.words[-1]
    method.__doc__ = docstring(command)
    self_param = inspect.Parameter("self", inspect.Parameter.POSITIONAL_ONLY)
    method.__signature__ = inspect.Signature([self_param, *map(_parameter, command.params)])  # type: ignore[attr-defined]
    return method


def _classes() -> type:
    """The program's class: a method per top-level command, an object per group holding its commands."""
    program: dict[str, Any] = {"__doc__": PROGRAM_HELP.format(orchestrator=", ".join(ORCHESTRATOR_COMMANDS))}
    groups: dict[str, dict[str, Any]] = {group: {"__doc__": doc} for group, doc in GROUPS.items()}
    for command in COMMANDS:
        owner = groups[command.words[0]] if len(command.words) > 1 else program
        owner[command.words[-1]] = _method(command)
    for group, body in groups.items():
        program[group] = type(f"{group.capitalize()}Commands", (), body)()
    return type("Isollm", (), program)


def _clean(captured: str) -> str:
    """Fire's help, minus what is noise to a user of this CLI.

    Dropped: Fire's "INFO: Showing help" note, the "Type:" of each flag (every
    value arrives as text) and "Default: None" for flags with no default.
    """
    kept = [line for line in _ANSI.sub("", captured).splitlines()
            if not (line.startswith("INFO: Showing help") or line.strip().startswith("Type: ")
                    or line.strip() == "Default: None")]
    kept = [line[:-2] if line.startswith("    isollm") and line.endswith(" -") else line for line in kept]
    return "\n".join(kept).strip("\n") + "\n"


def help_text(words: Sequence[str]) -> str:
    """The ``--help`` text of ``isollm WORDS`` (the program, a group or a command)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            fire.Fire(_classes()(), command=[*words, "--help"], name="isollm")
        except fire.core.FireExit:
            pass
    return _clean(err.getvalue() + out.getvalue())

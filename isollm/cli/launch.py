"""The ``isollm`` console entry point: Fire reads the command line against ``isollm.cli.front``.

A small guard keeps what Fire would change: Fire reads each value as a Python literal (``1.10`` a float,
``fix#12`` as ``'fix'``), lets a switch take the next word and takes ``--`` as its own, so the guard hands
it every value quoted (``repr``) and every flag as ``--name=VALUE``, and reads ``--`` and ``--help`` itself.
"""

from __future__ import annotations

import ast
import contextlib
import functools
import inspect
import io
import os
import shutil
import sys
from collections.abc import Iterator, Sequence
from typing import Any

import fire

from isollm.cli import front
from isollm.cli.front import Isollm, Run, flag, guarded, usage_error
from isollm.errors import UsageError

HELP_FLAGS = ("-h", "--help")
# The real paths of the isollm programs an orchestrator command was passed through (see _pass_on).
PASSED_THROUGH = "ISOLLM_TOOLKIT_PASSED_THROUGH"
ORCHESTRATOR_SOURCE = "https://github.com/pierre-yves-mathieu/isollm"
VERSION_FLAG = "--version"


def main(argv: Sequence[str] | None = None, **options: object) -> int:
    """Run ``isollm ARGV``; ``options`` go to the command's function (the hook's quiet_valid).

    Only as a program (no ``argv``) is an orchestrator command passed on, replacing this process.
    """
    args = list(sys.argv[1:] if argv is None else argv)
    return guarded(lambda: _run(args, options, program=argv is None))


def _pass_on(args: list[str]) -> None:
    """Replace this process by the orchestrator's ``isollm`` (the Go program) if one is on PATH.

    Each ``isollm`` this command came through already (this one, another copy of the toolkit, a
    pyenv shim) is skipped: PASSED_THROUGH lists their real paths, so a command never loops.
    """
    tried = [path for path in os.environ.get(PASSED_THROUGH, "").split(os.pathsep) if path]
    here = os.path.realpath(sys.argv[0])
    skipped = {*tried, here}
    for directory in os.environ.get("PATH", "").split(os.pathsep):
        candidate = shutil.which("isollm", path=directory or ".")
        if candidate is None or (real := os.path.realpath(candidate)) in skipped:
            continue
        os.environ[PASSED_THROUGH] = os.pathsep.join([*tried, here, real])
        try:
            sys.stdout.flush()
            sys.stderr.flush()
            os.execv(candidate, [candidate, *args])
        except OSError:
            os.environ[PASSED_THROUGH] = os.pathsep.join(tried)
            skipped.add(real)  # not runnable after all: the next one


def _is_flag(word: str) -> bool:
    """Whether ``word`` is written as a flag (``--x``, ``-x``) rather than a value (``-``, ``-1``)."""
    return word.startswith("--") or (len(word) > 1 and word[0] == "-" and word[1].isascii() and word[1].isalpha())


def _unknown(what: str, word: str, known: Sequence[str], words: Sequence[str]) -> UsageError:
    from isollm.schema.messages import closest  # the one config keys' "did you mean" uses

    close = closest(word, known)
    return usage_error(f"unknown {what}: {word}" + (f" (did you mean '{close}'?)" if close else ""), words)


def _run(args: list[str], options: dict[str, object], *, program: bool = False) -> int:
    if args[:1] == [VERSION_FLAG]:
        if len(args) > 1:
            raise usage_error(f"unexpected argument: {args[1]}")
        from isollm import __version__

        print(f"isollm (isollm-toolkit) {__version__}")
        return 0
    if args[:1] and args[0] in front.ORCHESTRATOR_COMMANDS:
        if program:
            _pass_on(args)
        raise usage_error(f"'{args[0]}' is a command of the isollm orchestrator (the Go program), not of this "
                          "isollm, which sets up and checks a project's config and state; with the orchestrator's "
                          f"isollm ({ORCHESTRATOR_SOURCE}) on PATH after this one, this one passes it on")
    node: Any = Isollm()
    words: list[str] = []
    for word in args:  # the words naming a group, then a command
        if callable(node) or word in HELP_FLAGS:
            break
        if word == "--":
            raise usage_error("expected a command, got --", words)
        if _is_flag(word):
            known = [*([VERSION_FLAG] if not words else []), *HELP_FLAGS]
            raise _unknown("flag", word.partition("=")[0], known, words)
        if word not in front.commands(node):
            raise _unknown("command", word, front.commands(node), words)
        node = getattr(node, word)
        words.append(word)
    rest = args[len(words):]
    head = rest[:rest.index("--")] if "--" in rest else rest
    if not callable(node) or set(head) & set(HELP_FLAGS):
        sys.stdout.write(help_text(words))
        return 0
    tail = rest[len(head) + 1:]
    chosen = _fire([*words, *_flags_for_fire(node, head, words), *map(repr, tail)], words)
    return chosen.run(**options)


def _flags_for_fire(command: Any, head: list[str], words: list[str]) -> list[str]:
    """``head`` (the words before ``--``) as Fire is to read them: ``--name=VALUE`` or a value, quoted."""
    params = [p for p in inspect.signature(command).parameters.values() if p.kind is not p.VAR_POSITIONAL]
    spellings = {flag(p.name): p for p in params}
    initials = [p.name[0] for p in params]
    for p in params:  # -f for --format: as Fire's help shows it, for a flag no other shares a letter with
        if p.default is not p.empty and initials.count(p.name[0]) == 1:
            spellings["-" + p.name[0]] = p
    fire_args = []
    words_left = iter(head)
    for word in words_left:
        if not _is_flag(word):
            fire_args.append(repr(word))
            continue
        spelling, has_value, value = word.partition("=")
        param = spellings.get(spelling)
        if param is None:
            raise _unknown("flag", spelling, [*(s for s in spellings if s.startswith("--")), *HELP_FLAGS], words)
        if param.default is False:  # a switch: present or not
            if has_value:
                raise usage_error(f"{flag(param.name)} takes no value (got {value!r})", words)
            fire_args.append(f"--{param.name}=True")
            continue
        if not has_value:
            following = next(words_left, None)
            if following is None or _is_flag(following):
                raise usage_error(f"{flag(param.name)} needs a value", words)
            value = following
        fire_args.append(f"--{param.name}={value!r}")
    return fire_args


def _fire(args: list[str], words: list[str]) -> Run:
    """The command Fire chooses for ``args``; a usage error for words it could not place."""
    try:
        with _fire_quietly():
            chosen: Run = fire.Fire(Isollm(), command=args, name="isollm", serialize=lambda chosen: None)
        return chosen
    except fire.core.FireExit as exit_:
        trace = exit_.trace
    failed = trace.elements[-1]
    if isinstance(trace.GetResult(), Run):  # the command took its arguments, and some were left
        raise usage_error(f"unexpected argument: {ast.literal_eval(failed.args[0])}", words)
    # The command could not be called: Fire says which required argument has no value.
    raise usage_error(f"missing argument: {failed.ErrorAsStr().rsplit(' ', 1)[-1].upper()}", words)


@contextlib.contextmanager
def _fire_quietly() -> Iterator[io.StringIO]:
    """Fire with what it writes (help, on stderr) captured: no pager, no colours, whatever the terminal."""
    captured = io.StringIO()
    stdin, colours = sys.stdin, os.environ.get("ANSI_COLORS_DISABLED")
    sys.stdin = stdin or io.StringIO()  # Fire asks whether stdin is a terminal, even when it is closed
    os.environ["ANSI_COLORS_DISABLED"] = "1"  # termcolor's switch, above FORCE_COLOR
    try:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(captured):
            yield captured
    finally:
        sys.stdin = stdin
        if colours is None:
            del os.environ["ANSI_COLORS_DISABLED"]
        else:
            os.environ["ANSI_COLORS_DISABLED"] = colours


def help_text(words: Sequence[str]) -> str:
    """Fire's ``--help`` of ``isollm WORDS``, as it is accepted: a switch as typed (``--path``), every
    flag with dashes, without Fire's ``Type:`` and ``Default: None`` lines and the ``-`` after a command
    without arguments."""
    node = functools.reduce(getattr, words, Isollm())
    with _fire_quietly() as captured, contextlib.suppress(fire.core.FireExit):
        fire.Fire(Isollm(), command=[*words, "--", "--help"], name="isollm")
    text = captured.getvalue()
    if callable(node):
        for param in inspect.signature(node).parameters.values():
            shown = flag(param.name) + ("" if param.default is False else f"={param.name.upper()}")
            text = text.replace(f"--{param.name}={param.name.upper()}", shown)
    if "{" in text:
        for fact, value in front.schema_facts().items():
            text = text.replace("{" + fact + "}", str(value))
    lines = [line.removesuffix(" -") if line.startswith("    isollm ") else line for line in text.splitlines()
             if not line.lstrip().startswith(("Type: ", "Default: None"))]
    return "\n".join(lines).strip("\n") + "\n"

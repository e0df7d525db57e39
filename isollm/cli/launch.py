"""The ``isollm`` console entry point: the read-only hot commands without Fire.

``isollm config show`` and ``isollm state show`` run inside editor integrations,
prompts and scripts, so their start-up counts. Fire (and the asyncio, inspect
and argparse it pulls in) costs about as much as the whole rest of such a run,
so the plain spellings of these two commands are dispatched here, to the same
command functions through the same error handler Fire's front would use. Any
other spelling (help, a positional format, an unknown flag...) goes to Fire,
whose front (``isollm.cli.front``) stays the one place that defines the CLI.
"""

from __future__ import annotations

import sys
from typing import Sequence

# (group, command) -> (module in isollm.cli.commands, function); the same targets
# the Fire front chooses for these commands.
_HOT = {
    ("config", "show"): ("config_show", "run"),
    ("state", "show"): ("state", "show"),
}


def _plain_value(value: str) -> bool:
    return value.isascii() and value.isalpha()


def hot_command(args: Sequence[str]) -> tuple[str, str, tuple[str, ...]] | None:
    """(module, function, arguments) when ``args`` is a plain spelling of a hot command."""
    target = _HOT.get(tuple(args[:2]))  # type: ignore[arg-type]
    if target is None:
        return None
    rest = list(args[2:])
    if not rest:
        return (*target, ())
    if len(rest) == 1 and rest[0].startswith("--format=") and _plain_value(rest[0][9:]):
        return (*target, (rest[0][9:],))
    if len(rest) == 2 and rest[0] == "--format" and _plain_value(rest[1]):
        return (*target, (rest[1],))
    return None


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    hot = hot_command(args)
    if hot is not None:
        import importlib

        from isollm.cli.exits import guarded

        module, function, arguments = hot
        try:
            command = importlib.import_module(f"isollm.cli.commands.{module}")
        except ModuleNotFoundError as error:
            if error.name != f"isollm.cli.commands.{module}":
                raise
        else:
            def action() -> int:
                status: int = getattr(command, function)(*arguments)
                return status

            return guarded(action)
    from isollm.cli.front import main as fire_main

    return fire_main(args)


if __name__ == "__main__":
    raise SystemExit(main())

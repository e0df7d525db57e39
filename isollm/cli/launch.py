"""The ``isollm`` console entry point: read the command line by the table, run the command.

``isollm.cli.grammar`` reads the arguments against ``isollm.cli.table``; the
command's module is imported only once it is chosen, and runs inside the one
error handler (``isollm.cli.exits.guarded``). Fire is loaded only to render
``--help``, so every command starts without it: ``validate``, ``config show``
and ``state show`` run inside editors, prompts, scripts and the pre-commit hook,
where start-up counts.
"""

from __future__ import annotations

import sys

from isollm.cli.exits import guarded

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence


def main(argv: Sequence[str] | None = None, **options: object) -> int:
    """Run ``isollm ARGV``; ``options`` go to the command's function as they are (the hook's quiet_valid)."""
    args = list(sys.argv[1:] if argv is None else argv)

    def action() -> int:
        from isollm.cli.grammar import Help, Version, parse

        chosen = parse(args)
        if isinstance(chosen, Help):
            from isollm.cli.front import help_text

            sys.stdout.write(help_text(chosen.words))
            return 0
        if isinstance(chosen, Version):
            from isollm import __version__

            print(f"isollm (isollm-toolkit) {__version__}")
            return 0
        command = chosen.command
        __import__(command.module)  # not importlib: the hook need not load it
        function = getattr(sys.modules[command.module], command.function)
        status: int = function(**chosen.arguments, **options)
        return status

    return guarded(action)


if __name__ == "__main__":
    raise SystemExit(main())

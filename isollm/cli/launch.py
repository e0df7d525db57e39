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


def main(argv: Sequence[str] | None = None, *, whole_process: bool | None = None, **options: object) -> int:
    """Run ``isollm ARGV``; ``options`` go to the command's function as they are (the hook's quiet_valid).

    ``whole_process``: this run is all the process does (see ``_import_for_process``); by
    default, when the arguments are the process's own (``argv`` None).
    """
    args = list(sys.argv[1:] if argv is None else argv)
    if whole_process is None:
        whole_process = argv is None

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
        if whole_process:
            _import_for_process(command.module)
        else:
            __import__(command.module)  # not importlib: the hook need not load it
        function = getattr(sys.modules[command.module], command.function)
        status: int = function(**chosen.arguments, **options)
        return status

    return guarded(action)


def _import_for_process(module: str) -> None:
    """Import a command's module for a process that runs this one command, then exits.

    Its imports (yaml, the schema, ours) make objects that live until the process
    exits, none of them garbage: the cycle collector is paused meanwhile, and then
    told to leave them alone (``gc.freeze``), also in its full pass at exit. Its
    passes over them were 7% of the hook's run on a valid file. Not when a caller
    hands ``main`` its arguments (tests, the API): freezing would keep whatever
    garbage that process holds at the moment for good.
    """
    import gc

    enabled = gc.isenabled()
    gc.disable()
    try:
        __import__(module)  # not importlib: the hook need not load it
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


if __name__ == "__main__":
    raise SystemExit(main())

"""``isollm-validate``: the pre-commit hook's entry point.

It is ``isollm validate`` without the ``PATH: valid`` lines: the same grammar, the same exit
statuses and error lines for any arguments. It reads the few words a commit passes (paths,
``--format``, ``-f``, ``--``) itself and calls the same ``validate`` command, so that it starts
without Fire; any other word (help, a flag it does not know, a flag without its value) goes to
``isollm validate``'s own reader, whose messages are then the same by construction.
"""

from __future__ import annotations

import sys

from isollm.cli.exits import guarded
from isollm.cli.front import Isollm

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence


def _read(args: Sequence[str]) -> tuple[list[str], str] | None:
    """The paths and format ``args`` give; None for anything else."""
    paths: list[str] = []
    output_format = "text"
    words = iter(args)
    for word in words:
        if word == "--":
            return [*paths, *words], output_format
        name, has_value, value = word.partition("=")
        if name in ("--format", "-f"):
            following = value if has_value else next(words, None)
            if following is None or (not has_value and following.startswith("-")):
                return None
            output_format = following
        elif word.startswith("-") and word != "-":
            return None
        else:
            paths.append(word)
    return paths, output_format


def main(argv: Sequence[str] | None = None) -> int:
    """Check the files named by ``argv`` (the process's own arguments when None: it is then
    the program, and ends when this returns)."""
    args = list(sys.argv[1:] if argv is None else argv)
    read = _read(args)
    if read is None:
        from isollm.cli.launch import main as isollm

        return isollm(["validate", *args], quiet_valid=True)
    paths, output_format = read
    status = guarded(lambda: Isollm().validate(*paths, format=output_format).run(quiet_valid=True))
    if argv is None:
        import gc

        # The process ends now, and everything it made lives until then: the collector's full
        # pass at exit would only walk and free it, ~4.5 ms of a 40 ms run (bench/RESULTS.md).
        gc.freeze()
    return status


if __name__ == "__main__":
    raise SystemExit(main())

"""``isollm-validate``, the pre-commit hook: ``isollm validate`` without the ``PATH: valid`` lines.

It reads the few words a commit passes (paths, ``--format``, ``-f``, ``--``) itself, to start without
Fire; any other word goes to ``isollm validate``'s own reader, so statuses and messages are the same.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence


def _read(args: Sequence[str]) -> tuple[list[str], str] | None:
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
    """Check the files ``argv`` names (None: the process's own arguments, as ``isollm-validate``)."""
    if argv is not None:
        return _validate(list(argv))
    import gc

    # What the imports and the check make lives until the program exits: the cycle collector
    # would walk it over and over while it grows, and once more in full at exit, for nothing.
    # Paused, then told to leave it alone: ~7 ms of a 45 ms run in a fresh venv (bench/RESULTS.md).
    gc.disable()
    try:
        return _validate(sys.argv[1:])
    finally:
        gc.freeze()
        gc.enable()


def _validate(args: list[str]) -> int:
    # Imported here, in main's pause of the collector.
    from isollm.cli.front import Isollm, guarded

    read = _read(args)
    if read is None:
        from isollm.cli.launch import main as isollm

        return isollm(["validate", *args], quiet_valid=True)
    paths, output_format = read
    return guarded(lambda: Isollm().validate(*paths, format=output_format).run(quiet_valid=True))


if __name__ == "__main__":
    raise SystemExit(main())

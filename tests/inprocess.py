"""Run the CLI's own ``main(argv)`` in this process, as check-jsonschema's and pre-commit's tests do."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Callable, NamedTuple, Sequence

import pytest


class Result(NamedTuple):
    returncode: int
    stdout: str
    stderr: str


def run_main(main: Callable[[Sequence[str]], int], args: Sequence[str], cwd: str | os.PathLike[str],
             capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, stdin: bytes = b"") -> Result:
    """``main(args)`` from ``cwd``, with what it printed; stdin holds ``stdin``, never the terminal."""
    import io
    import sys

    capsys.readouterr()  # drop what earlier calls printed
    with monkeypatch.context() as patch:
        patch.chdir(Path(cwd))
        patch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8"))
        status = main(list(args))
    out, err = capsys.readouterr()
    return Result(status, out, err)

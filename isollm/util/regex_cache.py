"""``re.compile`` without parsing again a pattern this interpreter compiled before.

Python's ``re`` parses and compiles a pattern in Python code: the schema's long
grammars (image references, hosts, remotes, ports) took the pre-commit hook
longer than everything else it does on a valid file. What ``re`` compiles a
pattern to is a list of integers that ``_sre.compile`` makes the pattern object
from; that list is kept between runs (``isollm.util.kept``), so a later run
builds the same pattern object (equal to ``re.compile``'s: same text, flags and
code) without parsing. ``_sre`` validates the code it is given: an entry it
refuses is compiled afresh, as is any pattern on a Python whose ``re``
internals differ from what this module expects.
"""

from __future__ import annotations

import re

import _sre  # type: ignore[import-not-found]  # re's engine (in C): no type stubs

from isollm.util.kept import keep, recall

try:  # re's own parser and compiler, loaded with it
    from re import _compiler, _parser  # type: ignore[attr-defined]  # Python 3.11+: no type stubs
except ImportError:  # pragma: no cover - Python 3.10
    import sre_compile as _compiler
    import sre_parse as _parser

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from typing import Any

    # What _sre.compile takes after the pattern text: flags, code, groups, groupindex, indexgroup.
    Arguments = tuple[int, list[int], int, dict[str, int], tuple[Any, ...]]

# The code's meaning changes with these: an entry kept under other values is never looked up.
_ENGINE = (_sre.MAGIC, _sre.CODESIZE)


def compile_kept(text: str, flags: int = 0) -> re.Pattern[str]:
    """``re.compile(text, flags)``, from the code kept when this interpreter compiled it before."""
    key = ("re", text, int(flags), _ENGINE)
    args = recall(key)
    if args is not None:
        try:
            return _sre.compile(text, *args)  # type: ignore[no-any-return]
        except Exception:  # noqa: BLE001 - a damaged entry, whatever its shape: compile afresh
            pass
    pattern, args = _compile(text, int(flags))
    if args is not None:
        keep(key, args)
    return pattern


def _compile(text: str, flags: int) -> tuple[re.Pattern[str], Arguments | None]:
    """What ``re.compile`` does (``re._compiler.compile``), keeping what it gives ``_sre``."""
    try:
        tree = _parser.parse(text, flags)
        code = [int(op) for op in _compiler._code(tree, flags)]  # plain ints (re names its opcodes), for marshal
        state = tree.state
        groupindex = dict(state.groupdict)
        indexgroup: list[Any] = [None] * state.groups
        for name, index in groupindex.items():
            indexgroup[index] = name
        args: Arguments = (int(flags | state.flags), code, state.groups - 1, groupindex, tuple(indexgroup))
        rebuilt = _sre.compile(text, *args)
    except Exception:  # noqa: BLE001 - a bad pattern, or another Python's internals: as re.compile does
        return re.compile(text, flags), None
    # Kept only if it is exactly what re.compile makes here (patterns compare their text, flags
    # and code): should a Python's re ever compile differently, its own result is used, unkept.
    pattern = re.compile(text, flags)
    return (pattern, args) if rebuilt == pattern else (pattern, None)

"""Work kept between runs, as Python keeps compiled modules: one file beside the bytecode.

Every command starts by parsing the schema (JSON) and compiling its patterns
(``re``, in Python code): for the pre-commit hook on a valid file that was more
than everything else it does. Both results are plain data (a dict, lists of
integers), so like bytecode they can be kept: ``keep`` notes a value under a
key, and at exit the values noted are written (``marshal``) to one file beside
this module's bytecode (``__pycache__``, or ``sys.pycache_prefix``), for the
exact interpreter that wrote it. ``recall`` gives a value back in a later run.

It is a cache like the bytecode beside it: written only where Python writes
bytecode (never with ``-B`` or ``PYTHONDONTWRITEBYTECODE``; read even then),
replaced whole, and not trusted blindly: a file from another interpreter or a
damaged one reads as empty, and each caller checks what it recalls against its
input (the schema's bytes; ``_sre`` validates pattern code) before using it.
A read-only installation keeps nothing and works as if there were no file.
"""

from __future__ import annotations

import marshal
import os
import sys

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from typing import Any

# A file written by another interpreter (or an older layout of this one) is not read.
_HEADER = ("isollm-kept-1", sys.version, sys.implementation.cache_tag)
# Keys come from our schemas and modules: a file with more holds what old versions kept too.
MAX_ENTRIES = 512


def kept_path() -> str | None:
    """The file, beside this module's bytecode; None when Python keeps no bytecode for it."""
    cached = globals().get("__cached__")
    if not isinstance(cached, str) or not cached.endswith(".pyc"):
        return None
    return cached[:-len(".pyc")] + ".marshal"


def _read(path: str) -> dict[Any, Any]:
    try:
        with open(path, "rb") as handle:
            header, entries = marshal.loads(handle.read())
    except (OSError, ValueError, EOFError, TypeError):  # missing, damaged, or not a pair
        return {}
    if header != _HEADER or not isinstance(entries, dict):
        return {}
    return entries


class _Store:
    def __init__(self) -> None:
        self.loaded: dict[Any, Any] | None = None
        self.new: dict[Any, Any] = {}
        self.used: set[Any] = set()

    def entries(self) -> dict[Any, Any]:
        if self.loaded is None:
            path = kept_path()
            self.loaded = _read(path) if path else {}
        return self.loaded

    def save(self) -> None:
        """Write the values noted by this process, with those the file already holds."""
        path = kept_path()
        if not self.new or path is None or sys.dont_write_bytecode:
            return
        entries = {**_read(path), **self.new}
        if len(entries) > MAX_ENTRIES:
            entries = {key: value for key, value in entries.items() if key in self.used}
        temporary = f"{path}.{os.getpid()}.tmp"
        try:
            data = marshal.dumps((_HEADER, entries))
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(temporary, "xb") as handle:
                handle.write(data)
            os.replace(temporary, path)
        except (OSError, ValueError):  # read-only (as bytecode would be), or a value marshal cannot write
            try:
                os.unlink(temporary)
            except OSError:
                pass
            return
        self.loaded, self.new = entries, {}


_STORE = _Store()


def recall(key: Any) -> Any:
    """The value kept under ``key`` by this or an earlier run of this interpreter; None if none."""
    _STORE.used.add(key)
    new = _STORE.new.get(key)
    return new if new is not None else _STORE.entries().get(key)


def keep(key: Any, value: Any) -> None:
    """Note ``value`` (plain data that ``marshal`` writes) under ``key``, to be written at exit."""
    store = _STORE
    if not store.new and not sys.dont_write_bytecode and kept_path() is not None:
        import atexit

        atexit.register(store.save)
    store.used.add(key)
    store.new[key] = value

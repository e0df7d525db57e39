"""How long ``isollm lsp`` takes from a ``didChange`` to its ``publishDiagnostics``.

``python3 bench/bench_lsp.py --rounds N FILE...``: starts one server, opens each file's text
as an ``isollm.yaml``, then sends its whole text again as a change N times, timing each
change until the diagnostics of that version arrive. Prints JSON: median seconds by file.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import IO, Any


def _send(stream: IO[bytes], message: dict[str, Any]) -> None:
    body = json.dumps({"jsonrpc": "2.0", **message}).encode("utf-8")
    stream.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
    stream.flush()


def _read(stream: IO[bytes]) -> dict[str, Any]:
    length = 0
    while line := stream.readline().strip():
        name, _, value = line.decode("ascii").partition(":")
        if name.lower() == "content-length":
            length = int(value)
    if not length:
        raise SystemExit("bench_lsp: the server closed its output")
    message: dict[str, Any] = json.loads(stream.read(length))
    return message


def _until(stream: IO[bytes], accept: Any) -> dict[str, Any]:
    while not accept(message := _read(stream)):
        pass
    return message


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=50)
    parser.add_argument("files", nargs="+")
    args = parser.parse_args(argv)
    flags = ["-S"] if sys.flags.no_site else []  # as this child was started (run.py --clean)
    server = subprocess.Popen([sys.executable, *flags, "-m", "isollm", "lsp"], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE)
    assert server.stdin is not None and server.stdout is not None
    out, inp = server.stdin, server.stdout
    _send(out, {"id": 1, "method": "initialize", "params": {"processId": os.getpid(), "capabilities": {}}})
    _until(inp, lambda m: m.get("id") == 1)
    _send(out, {"method": "initialized", "params": {}})
    medians = {}
    for index, file in enumerate(args.files):
        text = Path(file).read_text(encoding="utf-8")
        uri = (Path(file).resolve().parent / f"doc{index}" / "isollm.yaml").as_uri()

        def published(version: int, uri: str = uri) -> Any:
            return lambda m: (m.get("method") == "textDocument/publishDiagnostics"
                              and m["params"]["uri"] == uri and m["params"].get("version") == version)

        _send(out, {"method": "textDocument/didOpen",
                    "params": {"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": text}}})
        _until(inp, published(1))
        seconds = []
        for version in range(2, args.rounds + 2):
            started = time.perf_counter()
            _send(out, {"method": "textDocument/didChange", "params": {
                "textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]}})
            _until(inp, published(version))
            seconds.append(time.perf_counter() - started)
        medians[file] = statistics.median(seconds)
    _send(out, {"id": 2, "method": "shutdown"})
    _until(inp, lambda m: m.get("id") == 2)
    _send(out, {"method": "exit"})
    if server.wait(timeout=30) != 0:
        raise SystemExit("bench_lsp: the server did not exit with status 0")
    print(json.dumps(medians))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""A minimal Language Server Protocol client over stdio, enough to drive yaml-language-server.

JSON-RPC messages framed by ``Content-Length`` headers; a reader thread sorts what the
server sends into responses (by id), notifications (by method) and requests it answers.
"""

from __future__ import annotations

import json
import queue
import subprocess
import threading
import time
from pathlib import Path
from typing import Any, Callable


class LspError(RuntimeError):
    pass


class LspClient:
    def __init__(self, command: list[str], settings: dict[str, Any], cwd: Path,
                 env: dict[str, str] | None = None) -> None:
        self.settings = settings
        self._process = subprocess.Popen(command, cwd=cwd, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                         stderr=subprocess.DEVNULL)
        self._next_id = 0
        self._responses: dict[int, Any] = {}
        self._notifications: queue.Queue[dict[str, Any]] = queue.Queue()
        self._seen: list[dict[str, Any]] = []
        self._lock = threading.Condition()
        self._reader = threading.Thread(target=self._read_loop, daemon=True)
        self._reader.start()

    @property
    def process(self) -> subprocess.Popen[bytes]:
        return self._process

    # -- framing -----------------------------------------------------------------
    def _send(self, message: dict[str, Any]) -> None:
        self.send_raw(json.dumps({"jsonrpc": "2.0", **message}).encode("utf-8"))

    def send_raw(self, body: bytes) -> None:
        """``body`` framed as a message, whatever it holds (a test's malformed message)."""
        assert self._process.stdin is not None
        self._process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self._process.stdin.flush()

    def _read_message(self) -> dict[str, Any] | None:
        stream = self._process.stdout
        assert stream is not None
        length = None
        while True:
            line = stream.readline()
            if not line:
                return None
            line = line.strip()
            if not line:
                break
            name, _, value = line.decode("ascii").partition(":")
            if name.lower() == "content-length":
                length = int(value)
        if length is None:
            raise LspError("message without Content-Length")
        message: dict[str, Any] = json.loads(stream.read(length))
        return message

    def _read_loop(self) -> None:
        while (message := self._read_message()) is not None:
            if "method" in message and "id" in message:
                self._answer(message)
            elif "method" in message:
                self._notifications.put(message)
            else:
                with self._lock:
                    self._responses[message["id"]] = message
                    self._lock.notify_all()

    def _answer(self, request: dict[str, Any]) -> None:
        result: Any = None
        if request["method"] == "workspace/configuration":
            result = [self.settings.get(item.get("section", ""), None) for item in request["params"]["items"]]
        self._send({"id": request["id"], "result": result})

    # -- API ---------------------------------------------------------------------
    def request(self, method: str, params: Any, timeout: float = 30) -> Any:
        with self._lock:
            self._next_id += 1
            request_id = self._next_id
        self._send({"id": request_id, "method": method, "params": params})
        deadline = time.monotonic() + timeout
        with self._lock:
            while request_id not in self._responses:
                left = deadline - time.monotonic()
                if left <= 0 or self._process.poll() is not None:
                    raise LspError(f"no answer to {method}")
                self._lock.wait(min(left, 0.5))
            response = self._responses.pop(request_id)
        if "error" in response:
            raise LspError(f"{method}: {response['error']}")
        return response.get("result")

    def notify(self, method: str, params: Any) -> None:
        self._send({"method": method, "params": params})

    @property
    def seen(self) -> int:
        """How many notifications have been read so far (for ``wait_for(..., since=)``)."""
        return len(self._seen)

    def wait_for(self, method: str, accept: Callable[[dict[str, Any]], bool], timeout: float = 30,
                 since: int = 0) -> dict[str, Any]:
        """The params of the first ``method`` notification (seen before, from the ``since``-th on, or
        arriving) that ``accept``s."""
        for params in self._seen[since:]:
            if params["method"] == method and accept(params["params"]):
                return params["params"]  # type: ignore[no-any-return]
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            try:
                message = self._notifications.get(timeout=left)
            except queue.Empty:
                break
            self._seen.append(message)
            if message["method"] == method and accept(message["params"]):
                return message["params"]  # type: ignore[no-any-return]
        raise LspError(f"no {method} notification within {timeout}s")

    def close(self) -> None:
        try:
            self.request("shutdown", None, timeout=5)
            self.notify("exit", None)
            self._process.wait(timeout=5)
        except (LspError, OSError, subprocess.TimeoutExpired):
            self._process.kill()
            self._process.wait()

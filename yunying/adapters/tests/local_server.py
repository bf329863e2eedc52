"""What every fake platform server shares: a local port served from a thread inside a ``with``
block, and a request handler that turns HTTP into :class:`FakeRequest` and writes the answer.

The fakes (:mod:`fake_wechat`, :mod:`fake_douyin`) only decide what a platform answers; the
group-bot fake (``yunying/notify/tests/fake_bots.py``) shares the life cycle and reads its
requests itself, to check their signatures.
"""

from __future__ import annotations

import json
import threading
import urllib.parse
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Self


@dataclass(frozen=True)
class FakeRequest:
    """One request as the fake received it (path without the leading slash)."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes
    # The body read as JSON when it is JSON (not for forms or multipart uploads), else None.
    json: Any = None


class LocalServer:
    """Serves :meth:`handler` on a free port of 127.0.0.1 while in a ``with`` block."""

    _server: ThreadingHTTPServer | None = None
    _thread: threading.Thread | None = None

    def handler(self) -> type[BaseHTTPRequestHandler]:
        raise NotImplementedError

    def __enter__(self) -> Self:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self.handler())
        self._server.daemon_threads = True
        # A short poll interval: shutdown() waits for the loop's next poll.
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    @property
    def base_url(self) -> str:
        if self._server is None:
            raise RuntimeError(f"{type(self).__name__} is not running; use it as a context manager")
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"


class FakeHandler(BaseHTTPRequestHandler):
    """Reads a request on one of :attr:`routes` (404 for any other path) and hands it to
    :meth:`answer`."""

    routes: frozenset[str] = frozenset()

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def answer(self, request: FakeRequest) -> None:
        raise NotImplementedError

    def _serve(self) -> None:
        parsed = urllib.parse.urlsplit(self.path)
        path = parsed.path.lstrip("/")
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        if path not in self.routes:
            self.write(404, b"not found", "text/plain")
            return
        payload: Any = None
        if body and not self.headers.get("Content-Type", "").startswith(
            ("multipart/", "application/x-www-form-urlencoded")
        ):
            try:
                payload = json.loads(body.decode("utf-8"))
            except (UnicodeDecodeError, ValueError):
                payload = None
        self.answer(
            FakeRequest(
                method=self.command,
                path=path,
                query=dict(urllib.parse.parse_qsl(parsed.query)),
                headers={k.lower(): v for k, v in self.headers.items()},
                body=body,
                json=payload,
            )
        )

    def write_json(self, status: int, answer: Any, content_type: str) -> None:
        self.write(status, json.dumps(answer, ensure_ascii=False).encode("utf-8"), content_type)

    def write(self, status: int, data: bytes, content_type: str, location: str = "") -> None:
        try:
            self.send_response(status)
            if location:
                self.send_header("Location", location)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up waiting (a stalled answer); nothing left to tell it

    def log_message(self, format: str, *args: Any) -> None:
        pass  # keep test output clean; assertions use the fake's requests

"""A real HTTP server on loopback that serves recorded responses: the offline demo's "internet", and the
engine tests' misbehaving site.

A recording is a directory with ``index.json``, a list of ``{"url", "file", "status", "content_type"}``; a request
matches an entry on path and query (query parameters in any order). A POST entry adds ``"method": "POST"`` and the
``"body"`` it answers (or the ``Dropbox-API-Arg`` header, where Dropbox's file API puts its argument).
``misbehave`` lets a test answer some requests itself: a 429 with Retry-After, a 503, a slow answer, a dropped
connection, a truncated body.
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit

__all__ = ["Misbehaviour", "Recording", "ReplayServer", "request_key"]


def request_key(url: str, method: str = "GET", body: str = "") -> str:
    """Path plus sorted query (plus method and body for a POST): the same request whatever the parameter order or host."""
    parts = urlsplit(url)
    query = urlencode(sorted(parse_qsl(parts.query, keep_blank_values=True)))
    key = parts.path + (f"?{query}" if query else "")
    return f"POST {key} {_canonical(body)}" if method == "POST" else key


def _canonical(body: str) -> str:
    try:
        return json.dumps(json.loads(body), sort_keys=True)
    except ValueError:
        return body


@dataclass(frozen=True)
class Recording:
    status: int
    body: bytes
    content_type: str


Misbehaviour = Callable[[BaseHTTPRequestHandler, str, int], bool]
"""Called with (handler, request key, how many times this key was asked before); returns True if it answered."""


class ReplayServer:
    def __init__(self, root: Path | None = None, misbehave: Misbehaviour | None = None) -> None:
        self.recordings: dict[str, Recording] = {}
        if root is not None:
            for entry in json.loads((root / "index.json").read_text(encoding="utf-8")):
                body = (root / entry["file"]).read_bytes()
                key = request_key(entry["url"], entry.get("method", "GET"), entry.get("body", ""))
                content_type = entry.get("content_type", "text/html; charset=utf-8")
                self.recordings[key] = Recording(entry.get("status", 200), body, content_type)
        self.misbehave = misbehave
        self.hits: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread: threading.Thread | None = None

    def add(self, url: str, body: bytes | str, content_type: str = "text/html; charset=utf-8", status: int = 200) -> None:
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.recordings[request_key(url)] = Recording(status, data, content_type)

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> ReplayServer:
        self._thread = threading.Thread(target=self._server.serve_forever, name="cpdata-replay", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> ReplayServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # headers and body go out in two writes: without this, 40 ms delayed ACKs

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode("utf-8", "replace") if length else ""
                self.serve(request_key(self.path, "POST", body or self.headers.get("Dropbox-API-Arg", "")))

            def do_GET(self) -> None:
                self.serve(request_key(self.path))

            def serve(self, key: str) -> None:
                with server._lock:
                    seen = server.hits[key]
                    server.hits[key] += 1
                if server.misbehave is not None and server.misbehave(self, key, seen):
                    return
                recording = server.recordings.get(key)
                if recording is None:
                    self.answer(404, b"not recorded: " + key.encode(), "text/plain")
                else:
                    self.answer(recording.status, recording.body, recording.content_type)

            def answer(self, status: int, body: bytes, content_type: str, headers: dict[str, str] | None = None) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:  # keep test and demo output clean
                pass

        return Handler

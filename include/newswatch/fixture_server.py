"""A loopback HTTP server for the bundled sample site (the demo) and the tests' fixtures.

Serves files from a folder, replacing the placeholder `__BASE_URL__` with the server's own
address, and answers conditional GETs (ETag / If-None-Match → 304) like a real feed host.
Tests register extra routes (slow drips, redirects, huge bodies) with `route`.
"""

from __future__ import annotations

import hashlib
import mimetypes
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

PLACEHOLDER = b"__BASE_URL__"
Handler = Callable[[BaseHTTPRequestHandler], None]
_TYPES = {".xml": "application/rss+xml; charset=utf-8", ".rss": "application/rss+xml; charset=utf-8",
          ".atom": "application/atom+xml; charset=utf-8", ".html": "text/html; charset=utf-8"}


class FixtureServer:
    def __init__(self, root: Path, host: str = "127.0.0.1", port: int = 0) -> None:
        self.root = root.resolve()
        self.routes: dict[str, Handler] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []  # (path, headers) as received
        server = self

        class _Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                server.requests.append((self.path, {k.lower(): v for k, v in self.headers.items()}))
                path = urlsplit(self.path).path
                if path in server.routes:
                    server.routes[path](self)
                else:
                    server._serve_file(self, path)

            def log_message(self, *args: object) -> None:
                pass  # quiet: the pipeline logs what matters

        self.httpd = ThreadingHTTPServer((host, port), _Handler)
        self.httpd.daemon_threads = True
        self.base_url = f"http://{host}:{self.httpd.server_address[1]}"
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def route(self, path: str, handler: Handler) -> None:
        self.routes[path] = handler

    def _serve_file(self, handler: BaseHTTPRequestHandler, path: str) -> None:
        file = (self.root / path.lstrip("/")).resolve()
        if not file.is_file() or self.root not in file.parents:
            handler.send_error(404, "Not Found")
            return
        body = file.read_bytes().replace(PLACEHOLDER, self.base_url.encode())
        etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
        if handler.headers.get("If-None-Match") == etag:
            handler.send_response(304)
            handler.send_header("ETag", etag)
            handler.end_headers()
            return
        handler.send_response(200)
        handler.send_header("Content-Type", _TYPES.get(file.suffix) or mimetypes.guess_type(file.name)[0]
                            or "application/octet-stream")
        handler.send_header("Content-Length", str(len(body)))
        handler.send_header("ETag", etag)
        handler.end_headers()
        handler.wfile.write(body)

    def start(self) -> "FixtureServer":
        self._thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self) -> "FixtureServer":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

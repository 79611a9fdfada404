"""A local HTTP server that stands in for an outside service in the fetch tests: it answers
GET requests with what the test's `answer(path, params)` gives, logs each request, and gives the
failures a test asks for first (a status, or a dropped connection)."""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

from kg import config


class Service:
    """A local server's log of requests (time, path, parameters) and the failures still to give."""

    def __init__(self):
        self.requests: list[tuple[float, str, dict[str, str]]] = []
        self.failures: list[str] = []
        self.always: str | None = None

    def starts(self, path: str, name: str) -> list[str]:
        return [params.get(name) for _, p, params in self.requests if p.endswith(path)]


def serve(monkeypatch, setting: str, answer, path: str = ""):
    """A local server whose answer(path, params) gives (content type, body); `setting` of
    kg.config points at it (plus `path`)."""
    service = Service()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            url = urlparse(self.path)
            params = {k: v[0] for k, v in parse_qs(url.query).items()}
            service.requests.append((time.monotonic(), url.path, params))
            failure = service.failures.pop(0) if service.failures else service.always
            if failure == "drop":
                self.connection.close()
                return
            if failure in ("429", "500", "503"):
                self.send_response(int(failure))
                if failure == "429":
                    self.send_header("Retry-After", "0")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            kind, body = answer(url.path, params)
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setattr(config, setting, f"http://127.0.0.1:{server.server_address[1]}{path}")
    return server, service

"""A read-only SPARQL 1.1 Protocol endpoint over a build's RDF store.

`GET /query?query=...`, or `POST /query` with a form field `query` or an
`application/sparql-query` body; `default-graph-uri` and `named-graph-uri` set the query's
dataset, and relative IRIs resolve against the endpoint's URL. Results come in the format the
`Accept` header asks for (SPARQL JSON, XML, CSV, TSV; Turtle, N-Triples or JSON-LD for
CONSTRUCT and DESCRIBE). Updates are refused (403), and so is SERVICE unless its endpoint is
allowed (kg.sparql_service). Each query runs in a child process under a time and a memory
limit (kg.serve_query), at most `max_queries` at once.

Against other web pages in the user's browser: a request is answered only when its Host header
names the address the server listens on (no DNS rebinding), and a cross-origin request only from
an allowed origin, which alone gets CORS headers. Against slow or broken clients: a connection
must send its request and read its answer within `connection_timeout` each, the body is at most
`max_body` bytes, at most `max_connections` are open at once; one request per connection.
"""

from __future__ import annotations

import re
import socket
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pyoxigraph

from kg.serve_query import Answer, QueryPool, text_answer
from kg.sparql_service import service_refusal

MAX_BODY = 1 << 20
BUSY = b"HTTP/1.0 503 Service Unavailable\r\nRetry-After: 1\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 32\r\nConnection: close\r\n\r\ntoo many connections: try again\n"
FORM = "application/x-www-form-urlencoded"


class RequestError(Exception):
    """A request we answer with `status` and a one-line message."""

    def __init__(self, status: int, message: str, headers: tuple[tuple[str, str], ...] = ()):
        super().__init__(message)
        self.status, self.headers = status, headers


class SparqlEndpoint(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 64

    def __init__(
        self, address: tuple[str, int], location: Path, timeout: float, *, memory_limit: int = 1024, max_queries: int = 2,
        allow_service: tuple[str, ...] = (), cors_origins: tuple[str, ...] = (), connection_timeout: float = 30.0,
        max_body: int = MAX_BODY, max_connections: int = 32,
    ):
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, SparqlHandler)
        self.queries = QueryPool(str(location), timeout, memory_limit, max_queries, isolate=not allow_service)
        self.allow_service = frozenset(allow_service)
        self.cors_origins = frozenset(cors_origins)
        self.connection_timeout, self.max_body = connection_timeout, max_body
        self.connections = threading.BoundedSemaphore(max_connections)
        port = self.server_address[1]
        host = f"[{address[0]}]" if ":" in address[0] else address[0]
        names = {"localhost", "127.0.0.1", "[::1]", host.lower()}
        self.hosts = {f"{name}:{port}" for name in names} | (names if port == 80 else set())

    def process_request(self, request, client_address) -> None:
        """One thread per connection, up to the cap; past it an immediate 503."""
        if not self.connections.acquire(blocking=False):
            try:
                request.settimeout(1)
                request.sendall(BUSY)
            except OSError:
                pass
            self.shutdown_request(request)
            return
        try:
            super().process_request(request, client_address)
        except BaseException:
            self.connections.release()
            raise

    def process_request_thread(self, request, client_address) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self.connections.release()

    def handle_error(self, request, client_address) -> None:
        """A connection that broke: one line, no traceback."""
        kind, error, _ = sys.exc_info()
        sys.stderr.write(f"kg serve: connection from {client_address[0]} ended: {kind.__name__ if kind else ''} {error or ''}\n")


class SparqlHandler(BaseHTTPRequestHandler):
    server: SparqlEndpoint
    server_version = "kg-sparql"

    def setup(self) -> None:
        super().setup()
        self.connection.settimeout(self.server.connection_timeout)
        self.expired = False
        self.deadline = self._arm()

    def finish(self) -> None:
        self.deadline.cancel()
        super().finish()

    def _arm(self) -> threading.Timer:
        """Close the connection unless disarmed within the connection timeout."""
        timer = threading.Timer(self.server.connection_timeout, self._expire)
        timer.daemon = True
        timer.start()
        return timer

    def _expire(self) -> None:
        self.expired = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    # -- answers

    def _cors_headers(self) -> list[tuple[str, str]]:
        if not self.server.cors_origins:
            return []
        origin = self.headers.get("Origin")
        allowed = [("Access-Control-Allow-Origin", origin)] if origin in self.server.cors_origins else []
        return [*allowed, ("Vary", "Origin")]

    def _send(self, answer: Answer) -> None:
        media = answer.media + ("; charset=utf-8" if answer.media.startswith("text/") else "")
        try:
            self.send_response(answer.status)
            for name, value in [("Content-Type", media), ("Content-Length", str(answer.length)), *answer.headers, *self._cors_headers()]:
                self.send_header(name, value)
            self.end_headers()
            for chunk in answer.chunks:
                self.wfile.write(chunk)
        except OSError:  # the client went away or was too slow: nothing more to say to it
            self.close_connection = True

    # -- requests

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding"):
            raise RequestError(411, "send the body with a Content-Length, not a Transfer-Encoding")
        lengths = self.headers.get_all("Content-Length") or ["0"]
        if len(lengths) > 1 or not re.fullmatch(r"[0-9]+", lengths[0].strip()):
            raise RequestError(400, "the Content-Length header must be one whole number of bytes")
        length = int(lengths[0])
        if length > self.server.max_body:
            raise RequestError(413, f"the request body is over the {self.server.max_body} byte limit")
        body = self.rfile.read(length) if length else b""
        if len(body) < length:
            raise RequestError(400, "the request body is shorter than its Content-Length")
        return body

    def _check_origin(self) -> None:
        hosts = self.headers.get_all("Host") or []
        if len(hosts) != 1 or hosts[0].strip().lower() not in self.server.hosts:
            raise RequestError(421, "the Host header does not name this server's address (localhost or the address it listens on, with the port)")
        origin = self.headers.get("Origin")
        if origin is not None and origin not in self.server.cors_origins and origin.lower() != f"http://{hosts[0].strip().lower()}":
            raise RequestError(403, f"cross-origin requests from {origin} are refused (allow an origin with --cors-origin)")

    def _params(self, body: bytes) -> tuple[str | None, dict[str, list[str]], bool]:
        """(the query, the dataset parameters, whether it is an update) of a GET or POST."""
        url = urlsplit(self.path)
        if url.path == "/update":
            return None, {}, True
        if url.path != "/query":
            raise RequestError(404, "the SPARQL endpoint is /query")
        params = _form(url.query)
        media, _, options = (self.headers.get("Content-Type") or "").partition(";")
        media = media.strip().lower()
        direct = None
        if self.command == "POST":
            if media == "application/sparql-update":
                return None, params, True
            charset = re.search(r"charset\s*=\s*\"?([\w-]+)", options, re.IGNORECASE)
            if charset and charset.group(1).lower() not in ("utf-8", "utf8"):
                raise RequestError(415, "the request body must be UTF-8")
            if media not in (FORM, "application/sparql-query"):
                raise RequestError(415, f"POST a query as {FORM} (field 'query') or as application/sparql-query")
            try:
                text = body.decode("utf-8")
            except UnicodeDecodeError:
                raise RequestError(400, "the request body is not valid UTF-8") from None
            if media == FORM:
                for name, values in _form(text).items():
                    params.setdefault(name, []).extend(values)
            else:
                direct = text
        if "update" in params or "using-graph-uri" in params or "using-named-graph-uri" in params:
            return None, params, True
        queries = params.get("query", []) + ([direct] if direct is not None else [])
        if len(queries) != 1 or not queries[0].strip():
            raise RequestError(400, "give exactly one SPARQL query, in the 'query' parameter or as the body")
        return queries[0], params, False

    def _handle(self) -> None:
        try:
            body = self._read_body()
            self.deadline.cancel()
            if self.expired:  # what came before the deadline may be cut short: not a request
                return
            self._check_origin()
            if self.command == "OPTIONS":
                return self._send(text_answer(204, "", (("Allow", "GET, POST, OPTIONS"), *_PREFLIGHT)))
            if self.command not in ("GET", "POST"):
                raise RequestError(405, "use GET or POST", (("Allow", "GET, POST, OPTIONS"),))
            query, params, update = self._params(body)
            if update:
                raise RequestError(403, "this endpoint is read-only: SPARQL updates are refused")
            refusal = service_refusal(query, self.server.allow_service)
            if refusal:
                raise RequestError(400, refusal)
            options = {"base_iri": f"http://{self.headers['Host'].strip().lower()}/query", **_dataset(params)}
        except RequestError as error:
            return self._send(text_answer(error.status, str(error), error.headers))
        with self.server.queries.answer(query, self.headers.get("Accept", ""), options) as answer:
            self.deadline = self._arm()
            self._send(answer)

    do_GET = do_POST = do_OPTIONS = do_PUT = do_DELETE = do_PATCH = _handle


_PREFLIGHT = (
    ("Access-Control-Allow-Methods", "GET, POST"),
    ("Access-Control-Allow-Headers", "Content-Type, Accept"),
    ("Access-Control-Max-Age", "600"),
)


def _form(text: str) -> dict[str, list[str]]:
    """URL-encoded parameters, UTF-8 strictly."""
    try:
        return parse_qs(text, keep_blank_values=True, errors="strict", max_num_fields=1000)
    except (UnicodeDecodeError, ValueError):
        raise RequestError(400, "the parameters are not valid URL-encoded UTF-8") from None


def _dataset(params: dict[str, list[str]]) -> dict:
    """Store.query arguments for the protocol's dataset; it replaces the query's FROM clauses."""
    default, named = params.get("default-graph-uri"), params.get("named-graph-uri")
    if default is None and named is None:
        return {}
    try:
        return {
            "default_graph": [pyoxigraph.NamedNode(iri) for iri in default or []],
            "named_graphs": [pyoxigraph.NamedNode(iri) for iri in named or []],
        }
    except ValueError as error:
        raise RequestError(400, f"a graph IRI is not valid: {error}") from None


def serve(location: Path, host: str, port: int, timeout: float, *, ready: threading.Event | None = None, **limits) -> None:
    """Serve until interrupted; `limits` are SparqlEndpoint's keyword arguments."""
    with SparqlEndpoint((host, port), location, timeout, **limits) as server:
        if ready:
            ready.set()
        server.serve_forever()

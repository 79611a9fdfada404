"""A read-only SPARQL 1.1 Protocol endpoint over a build's RDF store.

`GET /query?query=...`, or `POST /query` with a form field `query` or an
`application/sparql-query` body. Results come in the format the `Accept` header asks for
(SPARQL JSON, XML, CSV, TSV; Turtle or N-Triples for CONSTRUCT and DESCRIBE). Each query runs
in a child process that is killed at the time limit, so a runaway query cannot hold the
server; updates are refused.
"""

from __future__ import annotations

import multiprocessing
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pyoxigraph

RESULT_FORMATS = {
    "application/sparql-results+json": pyoxigraph.QueryResultsFormat.JSON,
    "application/json": pyoxigraph.QueryResultsFormat.JSON,
    "application/sparql-results+xml": pyoxigraph.QueryResultsFormat.XML,
    "application/xml": pyoxigraph.QueryResultsFormat.XML,
    "text/csv": pyoxigraph.QueryResultsFormat.CSV,
    "text/tab-separated-values": pyoxigraph.QueryResultsFormat.TSV,
}
GRAPH_FORMATS = {
    "text/turtle": pyoxigraph.RdfFormat.TURTLE,
    "application/n-triples": pyoxigraph.RdfFormat.N_TRIPLES,
    "application/ld+json": pyoxigraph.RdfFormat.JSON_LD,
}


def _pick(accept: str, formats: dict, default: str) -> str:
    """The first media type of an Accept header that we serve (quality values ignored)."""
    for part in accept.split(","):
        media = part.split(";")[0].strip().lower()
        if media in formats:
            return media
    return default


def _answer(location: str, query: str, accept: str, connection) -> None:
    """Run one query in this (child) process and send (status, media type, body) back."""
    try:
        store = pyoxigraph.Store.read_only(location)
        result = store.query(query)
        if isinstance(result, pyoxigraph.QueryTriples):
            media = _pick(accept, GRAPH_FORMATS, "text/turtle")
            body = result.serialize(format=GRAPH_FORMATS[media])
        else:
            media = _pick(accept, RESULT_FORMATS, "application/sparql-results+json")
            body = result.serialize(format=RESULT_FORMATS[media])
        connection.send((200, media, body))
    except SyntaxError as error:
        connection.send((400, "text/plain", f"invalid SPARQL query: {error}".encode()))
    except Exception as error:  # the engine's own message, in one line
        connection.send((500, "text/plain", " ".join(str(error).split()).encode()))


class SparqlEndpoint(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], location: Path, timeout: float):
        super().__init__(address, SparqlHandler)
        self.location = str(location)
        self.query_timeout = timeout
        self.context = multiprocessing.get_context("fork")

    def run_query(self, query: str, accept: str) -> tuple[int, str, bytes]:
        receiver, sender = self.context.Pipe(duplex=False)
        worker = self.context.Process(target=_answer, args=(self.location, query, accept, sender), daemon=True)
        worker.start()
        sender.close()
        if receiver.poll(self.query_timeout):
            try:
                answer = receiver.recv()
            except EOFError:
                answer = (500, "text/plain", b"the query process ended without an answer")
        else:
            answer = (503, "text/plain", f"query stopped after the {self.query_timeout:g} s time limit".encode())
        worker.kill()
        worker.join()
        receiver.close()
        return answer


class SparqlHandler(BaseHTTPRequestHandler):
    server: SparqlEndpoint

    def _send(self, status: int, media: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", media + ("; charset=utf-8" if media.startswith("text/") else ""))
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Access-Control-Allow-Origin", "*")
        self.end_headers()
        self.wfile.write(body)

    def _refuse_update(self) -> None:
        self._send(HTTPStatus.FORBIDDEN, "text/plain", b"this endpoint is read-only: SPARQL updates are refused")

    def _query(self, query: str | None) -> None:
        if not query:
            self._send(HTTPStatus.BAD_REQUEST, "text/plain", b"give a SPARQL query in the 'query' parameter")
            return
        self._send(*self.server.run_query(query, self.headers.get("Accept", "")))

    def do_GET(self) -> None:
        url = urlparse(self.path)
        if url.path == "/update":
            return self._refuse_update()
        if url.path != "/query":
            return self._send(HTTPStatus.NOT_FOUND, "text/plain", b"the SPARQL endpoint is /query")
        self._query(parse_qs(url.query).get("query", [None])[0])

    def do_POST(self) -> None:
        url = urlparse(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode("utf-8", "replace")
        media = (self.headers.get("Content-Type") or "").split(";")[0].strip()
        form = parse_qs(body) if media == "application/x-www-form-urlencoded" else {}
        if url.path == "/update" or media == "application/sparql-update" or "update" in form:
            return self._refuse_update()
        if url.path != "/query":
            return self._send(HTTPStatus.NOT_FOUND, "text/plain", b"the SPARQL endpoint is /query")
        self._query(body if media == "application/sparql-query" else form.get("query", [None])[0])


def serve(location: Path, host: str, port: int, timeout: float, *, ready: threading.Event | None = None) -> None:
    """Serve until interrupted."""
    with SparqlEndpoint((host, port), location, timeout) as server:
        if ready:
            ready.set()
        server.serve_forever()

"""Queries of `kg serve`, each run in a forked child process under limits.

A child opens the store read-only, caps its own data memory (RLIMIT_DATA: heap and anonymous
mappings, not RocksDB's file mappings, so the store still opens under a low cap), leaves the
network when no SERVICE endpoint is allowed (a new network namespace, where the kernel lets it),
runs the query and sends the serialized answer back in chunks. The parent gives up at the time
limit, tells an out-of-memory abort from other failures, and runs at most `max_queries` at once.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import multiprocessing.connection
import os
import resource
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

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
CHUNK = 1 << 20
_CLONE_NEWUSER, _CLONE_NEWNET = 0x10000000, 0x40000000


@dataclass
class Answer:
    """What to send back: status, media type, extra headers, body length and its chunks."""

    status: int
    media: str
    length: int
    chunks: Iterator[bytes]
    headers: tuple[tuple[str, str], ...] = ()


def text_answer(status: int, message: str, headers: tuple[tuple[str, str], ...] = ()) -> Answer:
    body = message.encode()
    return Answer(status, "text/plain", len(body), iter([body]), headers)


def _pick(accept: str, formats: dict, default: str) -> str:
    """The first media type of an Accept header that we serve (quality values ignored)."""
    for part in accept.split(","):
        media = part.split(";")[0].strip().lower()
        if media in formats:
            return media
    return default


def _leave_network() -> None:
    """Move this process into a network namespace of its own (no interfaces), if allowed."""
    try:
        unshare = ctypes.CDLL(None, use_errno=True).unshare
    except (OSError, AttributeError):
        return
    if unshare(_CLONE_NEWNET) != 0:
        unshare(_CLONE_NEWUSER | _CLONE_NEWNET)


def _answer(location: str, query: str, accept: str, options: dict, memory_mb: int, isolate: bool, connection) -> None:
    """Child process: run one query and send (status, media, length) and then the body in chunks."""
    # the server's own handlers raise in Python code, which a query in the engine never
    # returns to: the child must die at once when the server stops it or is stopped
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)  # the engine's own out-of-memory report is turned into an HTTP answer
    if isolate:
        _leave_network()
    if memory_mb:
        resource.setrlimit(resource.RLIMIT_DATA, (memory_mb << 20, memory_mb << 20))
    try:
        store = pyoxigraph.Store.read_only(location)
        result = store.query(query, **options)
        if isinstance(result, pyoxigraph.QueryTriples):
            media = _pick(accept, GRAPH_FORMATS, "text/turtle")
            body = result.serialize(format=GRAPH_FORMATS[media])
        else:
            media = _pick(accept, RESULT_FORMATS, "application/sparql-results+json")
            body = result.serialize(format=RESULT_FORMATS[media])
        status = 200
    except SyntaxError as error:
        status, media, body = 400, "text/plain", f"invalid SPARQL query: {error}".encode()
    except MemoryError:
        status, media, body = 503, "text/plain", b""
    except Exception as error:  # the engine's own message, in one line
        status, media, body = 500, "text/plain", " ".join(str(error).split()).encode()
    connection.send((status, media, len(body)))
    view = memoryview(body)
    for start in range(0, len(body), CHUNK):
        connection.send_bytes(view[start : start + CHUNK])
    connection.close()


class QueryPool:
    """Runs queries in child processes: at most `max_queries` at once, each under the limits."""

    def __init__(self, location: str, timeout: float, memory_mb: int, max_queries: int, isolate: bool):
        self.location, self.timeout, self.memory_mb, self.isolate = location, timeout, memory_mb, isolate
        self.slots = threading.BoundedSemaphore(max_queries)
        self.context = multiprocessing.get_context("fork")

    def _over_memory(self) -> Answer:
        return text_answer(503, f"query stopped: over the {self.memory_mb} MB memory limit")

    @contextmanager
    def answer(self, query: str, accept: str, options: dict) -> Iterator[Answer]:
        """The answer to a query; its chunks must be read inside the `with` block. An answer
        without a body to relay is given once the child is gone and its slot free again."""
        if not self.slots.acquire(blocking=False):
            yield text_answer(503, "all query slots are busy: try again shortly", (("Retry-After", "1"),))
            return
        receiver, sender = self.context.Pipe(duplex=False)
        worker = self.context.Process(
            target=_answer, args=(self.location, query, accept, options, self.memory_mb, self.isolate, sender), daemon=True
        )
        done = False

        def end() -> None:
            nonlocal done
            if not done:
                done = True
                sender.close()
                if worker.pid is not None:
                    worker.kill()
                    worker.join()
                receiver.close()
                self.slots.release()

        try:
            worker.start()
            sender.close()
            answer, relayed = self._first(worker, receiver)
            if not relayed:
                end()
            yield answer
        finally:
            end()

    def _first(self, worker, receiver) -> tuple[Answer, bool]:
        """(the child's answer, whether its body is still to be relayed from the child)."""
        if not multiprocessing.connection.wait([receiver, worker.sentinel], self.timeout):
            return text_answer(503, f"query stopped after the {self.timeout:g} s time limit"), False
        try:
            if not receiver.poll(0):  # gone without a word (the pipe may live on in a sibling child)
                raise EOFError
            status, media, length = receiver.recv()
        except EOFError:
            worker.join(1)
            if worker.exitcode in (-signal.SIGABRT, -signal.SIGSEGV, -signal.SIGKILL) and self.memory_mb:
                return self._over_memory(), False
            return text_answer(500, "the query process ended without an answer"), False
        if status == 503 and length == 0:  # MemoryError in Python
            return self._over_memory(), False
        if status != 200:  # the engine's message: short, read now
            return text_answer(status, b"".join(self._chunks(receiver, length)).decode()), False
        return Answer(status, media, length, self._chunks(receiver, length)), True

    @staticmethod
    def _chunks(receiver, length: int) -> Iterator[bytes]:
        sent = 0
        while sent < length:
            chunk = receiver.recv_bytes()
            sent += len(chunk)
            yield chunk

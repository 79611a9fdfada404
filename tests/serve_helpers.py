"""Helpers of the `kg serve` tests: a real server in a subprocess, small stores, raw HTTP."""

from __future__ import annotations

import gc
import http.client
import socket
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph

REPO = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def make_store(folder: Path, triples: int = 10) -> Path:
    """A build-like folder whose rdf/oxigraph store holds `triples` triples; returns the folder."""
    (folder / "rdf").mkdir(parents=True)
    store = pyoxigraph.Store(str(folder / "rdf" / "oxigraph"))
    store.extend(
        pyoxigraph.Quad(pyoxigraph.NamedNode(f"urn:s{i}"), pyoxigraph.NamedNode("urn:p"), pyoxigraph.Literal(f"value {i}"))
        for i in range(triples)
    )
    store.flush()
    del store
    gc.collect()
    return folder


class Server:
    """`kg serve` in a subprocess, by its command line or by `kg.serve.serve(**code)`; stderr kept in a file."""

    def __init__(self, store: Path, log: Path, *options: str, timeout: float = 5, code: dict | None = None):
        self.port, self.log = free_port(), log
        location = store / "rdf" / "oxigraph"
        if code is None:
            command = [sys.executable, "-m", "kg", "serve", "--store", str(store), "--port", str(self.port), "--timeout", str(timeout), *options]
        else:
            command = [sys.executable, "-c", "import sys; from pathlib import Path; from kg.serve import serve; "
                       f"serve(Path({str(location)!r}), '127.0.0.1', {self.port}, {timeout}, **{code!r})"]
        with open(log, "w") as errors:
            self.process = subprocess.Popen(command, stderr=errors, cwd=REPO)
        self.url = f"http://127.0.0.1:{self.port}/query"
        for _ in range(200):
            if self.process.poll() is not None:
                raise RuntimeError(f"the server did not start: {self.stderr()}")
            try:
                if request(self.port, "GET", "/query?query=ASK%7B%7D")[0] == 200:
                    return
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError("the server did not answer")

    def stderr(self) -> str:
        return self.log.read_text()

    def stop(self) -> None:
        """SIGTERM, as a service manager stops it; it must be gone within 10 s (else killed, and an error)."""
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            raise


def request(port: int, method: str, path: str, body: bytes | str | None = None, headers: dict | None = None,
            timeout: float = 10) -> tuple[int, http.client.HTTPMessage, bytes]:
    """(status, headers, body) of one request; Host is 127.0.0.1:port unless `headers` says otherwise."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        headers = dict(headers or {})
        skip_host = any(name.lower() == "host" for name in headers)
        connection.putrequest(method, path, skip_host=skip_host, skip_accept_encoding=True)
        data = body.encode() if isinstance(body, str) else body
        if data is not None:
            headers.setdefault("Content-Length", str(len(data)))
        for name, value in headers.items():
            connection.putheader(name, value)
        connection.endheaders(data)
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


def raw(port: int, data: bytes, timeout: float = 5) -> bytes:
    """Everything the server sends back to `data` until it closes (or `timeout` passes: then raises)."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as connection:
        connection.sendall(data)
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
        return answer

"""`kg serve` and broken or slow HTTP clients: a clear 4xx at once, no traceback, no thread held."""

import socket
import time

import pytest
from serve_helpers import Server, make_store, raw, request


@pytest.fixture(scope="module")
def plain(tmp_path_factory):
    """A server as `kg serve` starts it, with its default limits."""
    folder = tmp_path_factory.mktemp("plain")
    running = Server(make_store(folder / "graph"), folder / "stderr.txt")
    yield running
    running.stop()


@pytest.fixture(scope="module")
def strict(tmp_path_factory):
    """A server whose connections must be done in 0.6 s, at most 3 at once."""
    folder = tmp_path_factory.mktemp("strict")
    running = Server(make_store(folder / "graph"), folder / "stderr.txt", code={"connection_timeout": 0.6, "max_connections": 3})
    yield running
    running.stop()


def post_head(server, length: str, extra: str = "") -> bytes:
    return (f"POST /query HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\nContent-Type: application/sparql-query\r\n"
            f"{extra}Content-Length: {length}\r\n\r\n").encode()


@pytest.mark.parametrize("length, status", [("-1", 400), ("abc", 400), ("1e3", 400), ("+5", 400), ("99999999999999", 413), ("1048577", 413)])
def test_a_bad_or_too_large_content_length_is_answered_at_once(plain, length, status):
    started = time.monotonic()
    answer = raw(plain.port, post_head(plain, length), timeout=3)
    assert answer.startswith(f"HTTP/1.0 {status} ".encode()) and time.monotonic() - started < 2
    assert "Traceback" not in plain.stderr()


def test_two_content_lengths_and_chunked_bodies_are_refused(plain):
    assert raw(plain.port, post_head(plain, "6", "Content-Length: 7\r\n") + b"ASK {}", timeout=3).startswith(b"HTTP/1.0 400 ")
    chunked = post_head(plain, "0").replace(b"Content-Length: 0", b"Transfer-Encoding: chunked") + b"6\r\nASK {}\r\n0\r\n\r\n"
    assert raw(plain.port, chunked, timeout=3).startswith(b"HTTP/1.0 411 ")
    assert "Traceback" not in plain.stderr()


def test_a_body_of_the_size_limit_is_read(plain):
    query = "ASK {}" + " " * ((1 << 20) - 6)
    status, _, body = request(plain.port, "POST", "/query", query, {"Content-Type": "application/sparql-query"})
    assert (status, body.count(b'"boolean":true')) == (200, 1)


@pytest.mark.parametrize("method, status", [("PUT", 405), ("DELETE", 405), ("PATCH", 405)])
def test_other_methods_get_405(plain, method, status):
    answer, headers, _ = request(plain.port, method, "/query?query=ASK%7B%7D")
    assert (answer, headers["Allow"]) == (status, "GET, POST, OPTIONS")


def test_an_idle_connection_is_closed_at_the_timeout(strict):
    started = time.monotonic()
    assert raw(strict.port, b"", timeout=5) == b""
    assert time.monotonic() - started < 3


def test_a_slow_client_is_cut_off_however_it_trickles(strict):
    """One byte every 0.2 s keeps each read alive; the whole request must still come in 0.6 s."""
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", strict.port), timeout=5) as connection:
        connection.sendall(b"GET /query?query=ASK%7B%7D HTTP/1.1\r\n")
        try:
            for byte in b"X-Slow: " + b"x" * 100:
                connection.sendall(bytes([byte]))
                time.sleep(0.2)
                if time.monotonic() - started > 6:
                    break
            closed = connection.recv(100) == b""
        except (BrokenPipeError, ConnectionResetError):
            closed = True
    assert closed and time.monotonic() - started < 3
    assert "Traceback" not in strict.stderr()


def test_connections_past_the_cap_get_503_at_once(strict):
    idle = [socket.create_connection(("127.0.0.1", strict.port), timeout=5) for _ in range(3)]
    try:
        time.sleep(0.2)
        started = time.monotonic()
        answer = raw(strict.port, f"GET /query?query=ASK%7B%7D HTTP/1.1\r\nHost: 127.0.0.1:{strict.port}\r\n\r\n".encode(), timeout=3)
        assert answer.startswith(b"HTTP/1.0 503 ") and b"Retry-After: 1" in answer
        assert time.monotonic() - started < 1
        time.sleep(1)  # the idle ones are closed at their timeout, and their slots free again
        assert request(strict.port, "GET", "/query?query=ASK%7B%7D")[0] == 200
    finally:
        for connection in idle:
            connection.close()
    assert "Traceback" not in strict.stderr()

"""`kg serve`: a real SPARQL client gets answers; updates, SERVICE calls and other sites' pages are
refused; runaway queries stop at the time and memory limits, and only so many run at once."""

import contextlib
import json
import os
import signal
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from SPARQLWrapper import CSV, JSON, SPARQLWrapper
from serve_helpers import Server, make_store, request

from conftest import read_jsonl

KG = "https://example.org/kg/schema#"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


@pytest.fixture(scope="module")
def server(small_store, tmp_path_factory):
    """`kg serve` of conftest's small_store (read only), whose queries may take 1 s."""
    running = Server(small_store, tmp_path_factory.mktemp("serve") / "stderr.txt", timeout=1)
    running.titles = sorted(paper["title"] for paper in read_jsonl(small_store / "papers.jsonl"))
    yield running
    running.stop()


@pytest.fixture(scope="module")
def endpoint(server):
    return server.url


def get(server, query: str, headers: dict | None = None):
    return request(server.port, "GET", "/query?query=" + urllib.parse.quote(query), headers=headers)


def test_a_real_client_gets_an_answer(server):
    client = SPARQLWrapper(server.url)
    client.setQuery(f"SELECT ?title WHERE {{ ?p a <{KG}Paper> ; <https://schema.org/name> ?title }} ORDER BY STR(?title)")
    client.setReturnFormat(JSON)
    rows = client.queryAndConvert()["results"]["bindings"]
    assert [r["title"]["value"] for r in rows] == server.titles and len(rows) == 7


def test_post_and_csv_by_content_negotiation(server):
    client = SPARQLWrapper(server.url)
    client.setMethod("POST")
    client.setQuery(f"SELECT (COUNT(?p) AS ?n) WHERE {{ ?p a <{KG}Paper> }}")
    client.setReturnFormat(CSV)
    assert client.queryAndConvert().decode().split() == ["n", str(len(server.titles))]


def test_updates_are_refused(endpoint, server):
    update = urllib.parse.urlencode({"update": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"}).encode()
    for url in (endpoint.replace("/query", "/update"), endpoint):
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(url, data=update, timeout=5)
        assert refused.value.code == 403
    assert request(server.port, "GET", "/query?" + update.decode())[0] == 403
    client = SPARQLWrapper(endpoint)
    client.setQuery("ASK { <urn:a> <urn:b> <urn:c> }")
    client.setReturnFormat(JSON)
    assert client.queryAndConvert()["boolean"] is False


def test_a_runaway_query_stops_at_the_time_limit(endpoint):
    started = time.monotonic()
    with pytest.raises(urllib.error.HTTPError) as stopped:
        urllib.request.urlopen(endpoint + "?query=" + urllib.parse.quote(RUNAWAY), timeout=30)
    assert stopped.value.code == 503 and b"time limit" in stopped.value.read()
    assert time.monotonic() - started < 6


def test_sigterm_stops_the_server_at_once_with_a_query_running(small_store, tmp_path):
    """A query child left to the engine would keep the server from exiting until it ended."""
    running = Server(small_store, tmp_path / "stderr.txt", timeout=60)
    runaway = threading.Thread(target=lambda: suppress_oserror(get, running, RUNAWAY), daemon=True)
    runaway.start()
    time.sleep(0.5)
    children = [pid for task in Path(f"/proc/{running.process.pid}/task").iterdir() for pid in (task / "children").read_text().split()]
    assert children  # the query's process (a child of the thread that answers)
    started = time.monotonic()
    running.process.terminate()
    try:
        assert running.process.wait(timeout=10) == 143 and time.monotonic() - started < 5
    finally:
        for pid in [running.process.pid, *children]:
            with contextlib.suppress(ProcessLookupError):
                os.kill(int(pid), signal.SIGKILL)
    assert "kg: terminated" in running.stderr().splitlines()
    time.sleep(0.2)
    assert not [pid for pid in children if Path("/proc", pid).exists()]  # and the query's process is gone


def suppress_oserror(function, *args):
    try:
        function(*args)
    except OSError:
        pass


def test_a_bad_query_gets_the_engine_message(endpoint):
    with pytest.raises(urllib.error.HTTPError) as bad:
        urllib.request.urlopen(endpoint + "?query=" + urllib.parse.quote("SELEKT nothing"), timeout=5)
    assert bad.value.code == 400 and b"invalid SPARQL query" in bad.value.read()


def test_queries_past_the_default_two_at_once_get_503_at_once(server):
    """Two runaway queries take both slots; a third is told to come back, then served again."""
    runaways = [threading.Thread(target=get, args=(server, RUNAWAY)) for _ in range(2)]
    for thread in runaways:
        thread.start()
    time.sleep(0.3)
    started = time.monotonic()
    status, headers, body = get(server, "ASK {}")
    assert (status, headers["Retry-After"]) == (503, "1") and b"busy" in body
    assert time.monotonic() - started < 1
    for thread in runaways:
        thread.join()
    assert get(server, "ASK {}")[0] == 200


# -- SERVICE: no requests to other addresses on behalf of the client (finding 13)


@pytest.fixture(scope="module")
def intranet():
    """A stand-in for an internal web service: records each request and answers one SPARQL row."""
    calls = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            calls.append((self.path, self.rfile.read(int(self.headers.get("Content-Length") or 0))))
            body = json.dumps({"head": {"vars": ["s"]}, "results": {"bindings": [{"s": {"type": "literal", "value": "SECRET"}}]}}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/sparql-results+json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST

        def log_message(self, *args):
            pass

    service = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=service.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{service.server_address[1]}", calls
    service.shutdown()
    service.server_close()


SERVICE_CALLS = {
    "plain": "SELECT * WHERE {{ SERVICE <{url}/sparql> {{ ?s ?p ?o }} }}",
    "case and comment": "SELECT * WHERE {{ sErViCe # the endpoint:\n <{url}/sparql> {{ ?s ?p ?o }} }}",
    "prefixed name": "PREFIX in: <{url}/> SELECT * WHERE {{ SERVICE in:sparql {{ ?s ?p ?o }} }}",
    "glued prefixed name": "PREFIX : <{url}/> SELECT * WHERE {{ SERVICE:sparql{{ ?s ?p ?o }} }}",
    "silent": "SELECT * WHERE {{ SERVICE SILENT <{url}/sparql> {{ ?s ?p ?o }} }}",
    "glued silent": "SELECT * WHERE {{ SERVICESILENT<{url}/sparql>{{ ?s ?p ?o }} }}",
    "variable": "SELECT * WHERE {{ BIND(<{url}/sparql> AS ?x) SERVICE ?x {{ ?s ?p ?o }} }}",
    "after a quote escaped in a name": "PREFIX e: <urn:e:> SELECT * WHERE {{ ?a ?b e:x\\' . SERVICE <{url}/sparql> {{ ?s ?p ?o }} }} #'",
}


@pytest.mark.parametrize("form", list(SERVICE_CALLS))
def test_service_is_refused_by_default(server, intranet, form):
    url, calls = intranet
    before = len(calls)
    status, _, body = get(server, SERVICE_CALLS[form].format(url=url))
    assert status == 400 and body.startswith(b"SERVICE (federated query) is refused")
    assert b"SECRET" not in body and len(calls) == before


def test_the_word_service_in_strings_iris_and_variables_is_no_call(server):
    query = 'SELECT ?service WHERE { BIND("SERVICE <http://x/> { }" AS ?service) FILTER(?service != <http://x/SERVICE>) } # SERVICE'
    status, _, body = get(server, query, {"Accept": "text/csv"})
    assert status == 200 and body.decode().split("\r\n")[1] == "SERVICE <http://x/> { }"


@pytest.fixture(scope="module")
def allowing(intranet, tmp_path_factory):
    """A server over 3000 triples that may call the intranet's /sparql, lets https://app.example
    read its answers, and whose queries may use 200 MB."""
    folder = tmp_path_factory.mktemp("allowing")
    running = Server(make_store(folder / "graph", 3000), folder / "stderr.txt", "--allow-service", intranet[0] + "/sparql",
                     "--cors-origin", "https://app.example", "--memory-limit", "200", timeout=30)
    yield running
    running.stop()


def test_an_allowed_endpoint_may_be_called_and_no_other(allowing, intranet):
    url, calls = intranet
    for query in (SERVICE_CALLS["plain"], SERVICE_CALLS["prefixed name"], SERVICE_CALLS["silent"]):
        status, _, body = get(allowing, query.format(url=url))
        assert status == 200 and json.loads(body)["results"]["bindings"] == [{"s": {"type": "literal", "value": "SECRET"}}]
    before = len(calls)
    for query in (SERVICE_CALLS["variable"], SERVICE_CALLS["plain"].replace("/sparql>", "/admin>"), SERVICE_CALLS["glued prefixed name"]):
        status, _, body = get(allowing, query.format(url=url))
        assert status == 400 and body.startswith(b"SERVICE is refused: only <" + url.encode() + b"/sparql> may be called")
    assert len(calls) == before


# -- browsers: other sites' pages get nothing (finding 13)


@pytest.mark.parametrize("host", ["evil.example:{port}", "evil.example", "127.0.0.1:1", "localhost.evil.example:{port}"])
def test_a_host_that_is_not_this_server_gets_421(server, host):
    """DNS rebinding: a page of evil.example whose name now points at 127.0.0.1 is not answered."""
    status, _, body = get(server, "ASK {}", {"Host": host.format(port=server.port)})
    assert status == 421 and b"Host" in body


@pytest.mark.parametrize("host", ["localhost:{port}", "127.0.0.1:{port}", "[::1]:{port}", "LOCALHOST:{port}"])
def test_the_names_of_this_server_are_answered(server, host):
    assert get(server, "ASK {}", {"Host": host.format(port=server.port)})[0] == 200


def test_no_cors_by_default_and_other_origins_are_refused(server):
    status, headers, _ = get(server, "ASK {}")
    assert status == 200 and headers["Access-Control-Allow-Origin"] is None
    status, headers, body = get(server, "ASK {}", {"Origin": "https://evil.example"})
    assert status == 403 and headers["Access-Control-Allow-Origin"] is None and b"cross-origin" in body
    same = f"http://127.0.0.1:{server.port}"
    assert get(server, "ASK {}", {"Origin": same})[0] == 200


def test_an_allowed_origin_is_echoed_and_others_are_not(allowing):
    status, headers, _ = get(allowing, "ASK {}", {"Origin": "https://app.example"})
    assert (status, headers["Access-Control-Allow-Origin"], headers["Vary"]) == (200, "https://app.example", "Origin")
    status, headers, _ = get(allowing, "ASK {}", {"Origin": "https://evil.example"})
    assert status == 403 and headers["Access-Control-Allow-Origin"] is None
    status, headers, _ = request(allowing.port, "OPTIONS", "/query", headers={
        "Origin": "https://app.example", "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"})
    assert status == 204 and headers["Access-Control-Allow-Origin"] == "https://app.example"
    assert "POST" in headers["Access-Control-Allow-Methods"] and "Content-Type" in headers["Access-Control-Allow-Headers"]


# -- memory (finding 14)


def test_a_query_over_the_memory_limit_is_stopped_and_the_server_goes_on(allowing):
    started = time.monotonic()
    status, _, body = get(allowing, "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f")
    assert (status, body) == (503, b"query stopped: over the 200 MB memory limit")
    assert time.monotonic() - started < 15
    status, _, body = get(allowing, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", {"Accept": "text/csv"})
    assert status == 200 and body.split() == [b"n", b"3000"]
    assert "Traceback" not in allowing.stderr() and "memory allocation" not in allowing.stderr()

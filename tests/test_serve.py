"""`kg serve`: a real SPARQL client gets answers; updates are refused; runaway queries stop."""

import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
from SPARQLWrapper import CSV, JSON, SPARQLWrapper

from conftest import FIXTURES

KG = "https://example.org/kg/schema#"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory):
    from click.testing import CliRunner

    from kg.cli import main

    store = tmp_path_factory.mktemp("serve") / "graph"
    CliRunner().invoke(main, ["build", str(FIXTURES / "ingest" / "arxiv.xml"), "--out", str(store)], catch_exceptions=False)
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "kg", "serve", "--store", str(store), "--port", str(port), "--timeout", "2"],
        stderr=subprocess.PIPE, text=True,
    )
    url = f"http://127.0.0.1:{port}/query"
    for _ in range(100):
        try:
            urllib.request.urlopen(url + "?query=" + urllib.parse.quote("ASK {}"), timeout=1)
            break
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.1)
    yield url
    server.terminate()
    server.wait(timeout=10)


def test_a_real_client_gets_an_answer(endpoint):
    client = SPARQLWrapper(endpoint)
    client.setQuery(f"SELECT ?title WHERE {{ ?p a <{KG}Paper> ; <https://schema.org/name> ?title }} ORDER BY ?title")
    client.setReturnFormat(JSON)
    rows = client.queryAndConvert()["results"]["bindings"]
    assert [r["title"]["value"] for r in rows] == ["SAM-Med2D", "Segment Anything in Medical Images"]


def test_post_and_csv_by_content_negotiation(endpoint):
    client = SPARQLWrapper(endpoint)
    client.setMethod("POST")
    client.setQuery(f"SELECT (COUNT(?p) AS ?n) WHERE {{ ?p a <{KG}Paper> }}")
    client.setReturnFormat(CSV)
    assert client.queryAndConvert().decode().split() == ["n", "2"]


def test_updates_are_refused(endpoint):
    update = urllib.parse.urlencode({"update": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"}).encode()
    for url in (endpoint.replace("/query", "/update"), endpoint):
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(url, data=update, timeout=5)
        assert refused.value.code == 403
    client = SPARQLWrapper(endpoint)
    client.setQuery("ASK { <urn:a> <urn:b> <urn:c> }")
    client.setReturnFormat(JSON)
    assert client.queryAndConvert()["boolean"] is False


def test_a_runaway_query_stops_at_the_time_limit(endpoint):
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
    started = time.monotonic()
    with pytest.raises(urllib.error.HTTPError) as stopped:
        urllib.request.urlopen(endpoint + "?query=" + urllib.parse.quote(query), timeout=30)
    assert stopped.value.code == 503 and b"time limit" in stopped.value.read()
    assert time.monotonic() - started < 6


def test_a_bad_query_gets_the_engine_message(endpoint):
    with pytest.raises(urllib.error.HTTPError) as bad:
        urllib.request.urlopen(endpoint + "?query=" + urllib.parse.quote("SELEKT nothing"), timeout=5)
    assert bad.value.code == 400 and b"invalid SPARQL query" in bad.value.read()

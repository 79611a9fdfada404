"""The W3C SPARQL 1.1 Protocol tests against `kg serve`, one test each, read from the copy of
the suite in tests/fixtures/sparql11-protocol (see its NOTICE.md).

Each test's requests go to the server as written (path /sparql/ onto /query, headers, body in
its encoding); the status class, ASK boolean and result format must be the expected ones. The
suite's data files are loaded into a store of their own, each into the named graph its tests
call it by. The endpoint is read-only: every update_* test must get 403 at its update, and the
store must be unchanged after it (its following ASK answers false).
"""

import json
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest
from rdflib import RDF, RDFS, Graph, Namespace
from rdflib.collection import Collection
from serve_helpers import REPO, Server, request

SUITE = Path(__file__).parent / "fixtures" / "sparql11-protocol"
SHARED_SUITE = REPO.parent / "shared" / "conformance" / "sparql11-protocol"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
STATUS_CLASS = "http://www.w3.org/2011/http-statusCodes#StatusCode"
FORMATS = {
    "boolean": {"application/sparql-results+json", "application/sparql-results+xml"},
    "tabular": {"application/sparql-results+json", "application/sparql-results+xml", "text/csv", "text/tab-separated-values"},
    "RDF": {"text/turtle", "application/n-triples", "application/rdf+xml"},
}


def _tests() -> list[tuple[str, dict]]:
    """(name, {requests, data}) of each manifest entry, in the manifest's order."""
    if not (SUITE / "manifest.ttl").is_file():
        return []
    graph = Graph().parse(SUITE / "manifest.ttl", format="turtle")
    manifest = next(graph.subjects(RDF.type, MF.Manifest))
    tests = []
    for entry in Collection(graph, graph.value(manifest, MF.entries)):
        requests = []
        for node in Collection(graph, graph.value(graph.value(entry, MF.action), HT.requests)):
            body, response = graph.value(node, HT.body), graph.value(node, HT.resp)
            headers = graph.value(node, HT.headers)
            requests.append({
                "method": str(graph.value(node, HT.methodName)),
                "path": str(graph.value(node, HT.absolutePath)),
                "headers": {str(graph.value(h, HT.fieldName)): str(graph.value(h, HT.fieldValue)) for h in (Collection(graph, headers) if headers else [])},
                "body": str(graph.value(body, CNT.chars)).encode(str(graph.value(body, CNT.characterEncoding))) if body else None,
                "status": {str(code)[len(STATUS_CLASS)] for code in graph.objects(response, MF.expectedStatus)},
                "boolean": None if graph.value(response, MF.expectedBoolean) is None else graph.value(response, MF.expectedBoolean).toPython(),
                "format": str(graph.value(response, MF.expectedFormat) or "") or None,
            })
        data = {str(graph.value(d, RDFS.label)): str(graph.value(d, UT.graph)) for d in graph.objects(entry, UT.graphData)}
        tests.append((str(entry).rsplit("#", 1)[1], {"requests": requests, "data": data}))
    return tests


TESTS = _tests()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    import gc

    import pyoxigraph

    folder = tmp_path_factory.mktemp("protocol")
    (folder / "graph" / "rdf").mkdir(parents=True)
    store = pyoxigraph.Store(str(folder / "graph" / "rdf" / "oxigraph"))
    graphs = {name: file for _, test in TESTS for name, file in test["data"].items()}
    for name, file in graphs.items():
        store.load(path=str(SUITE / Path(file).name), format=pyoxigraph.RdfFormat.N_TRIPLES, to_graph=pyoxigraph.NamedNode(name))
    store.flush()
    del store
    gc.collect()
    running = Server(folder / "graph", folder / "stderr.txt")
    yield running
    running.stop()
    assert "Traceback" not in running.stderr()


def _boolean(media: str, body: bytes) -> bool:
    if media == "application/sparql-results+json":
        return json.loads(body)["boolean"]
    element = ElementTree.fromstring(body).find("{http://www.w3.org/2005/sparql-results#}boolean")
    return element.text.strip() == "true"


@pytest.mark.skipif(not TESTS, reason=f"the W3C protocol suite is not at {SUITE}")
@pytest.mark.parametrize("name, test", TESTS or [("none", {})], ids=[name for name, _ in TESTS] or ["none"])
def test_w3c_protocol(server, name, test):
    refused = False
    for step in test["requests"]:
        path = "/query" + step["path"][len("/sparql/"):]
        status, headers, body = request(server.port, step["method"], path, step["body"], step["headers"])
        media = (headers["Content-Type"] or "").split(";")[0].strip()
        if name.startswith("update_") and not refused:
            assert status == 403, body
            refused = True
            continue
        assert str(status)[0] in step["status"], (status, body)
        if step["format"]:
            assert media in FORMATS[step["format"]], media
        if step["boolean"] is not None:
            assert _boolean(media, body) is (step["boolean"] and not refused), body


@pytest.mark.skipif(not SHARED_SUITE.is_dir(), reason=f"no shared suite at {SHARED_SUITE} to compare the copy with")
def test_the_copy_of_the_suite_is_the_shared_one():
    for name in ("manifest.ttl", "data1.nt", "data2.nt", "data3.nt"):
        assert (SUITE / name).read_bytes() == (SHARED_SUITE / name).read_bytes(), name

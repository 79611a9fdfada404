"""A real Neo4j 5 Community, started by `kg neo4j serve` on the test corpus's build: the counts
of all three engines agree, a second load changes nothing, every library query gives the same
rows on Neo4j, the embedded store and SPARQL, and Neo4j Browser draws a query's graph.

Needs Java and Maven (the launcher is built once into kg's cache folder). Outside CI these
tests skip, saying so, when either is missing; CI sets KG_REQUIRE_NEO4J=1, and then they fail.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from kg.queries import load_library, run_cypher, run_cypher_neo4j, run_sparql
from test_queries import comparable

LIBRARY = load_library()
PASSWORD = "kg-test-password"
MISSING = [tool for tool in ("java", "mvn") if shutil.which(tool) is None]
if MISSING and not os.environ.get("KG_REQUIRE_NEO4J"):
    pytest.skip(f"the Neo4j tests need {' and '.join(MISSING)} (Java 17+ and Maven)", allow_module_level=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Served:
    process: subprocess.Popen
    uri: str
    browser_url: str
    guide_url: str
    lines: list[str]
    data: Path


def start_serve(store: Path, data: Path) -> Served:
    """`kg neo4j serve` in a child process, once it has printed its three lines."""
    bolt, http = free_port(), free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "kg", "neo4j", "serve", "--store", str(store), "--bolt-port", str(bolt),
         "--http-port", str(http), "--data", str(data)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**os.environ, "NEO4J_PASSWORD": PASSWORD})
    lines = []
    deadline = time.monotonic() + 600  # the first run builds the launcher with Maven
    while len(lines) < 3 and time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        lines.append(line.rstrip("\n"))
    if len(lines) < 3:
        process.kill()
        raise AssertionError(f"kg neo4j serve did not start: {lines} {process.stderr.read()[-2000:]}")
    return Served(process, f"bolt://localhost:{bolt}", f"http://localhost:{http}/browser/",
                  f"http://localhost:{http}/kg/guide.html", lines, data)


def stop(served: Served) -> int:
    if served.process.poll() is None:
        served.process.send_signal(signal.SIGTERM)
    return served.process.wait(timeout=120)


@pytest.fixture(scope="module")
def neo4j(corpus_store, tmp_path_factory):
    """Neo4j with the corpus build loaded, for the whole module."""
    served = start_serve(corpus_store, tmp_path_factory.mktemp("neo4j-data"))
    yield served
    assert stop(served) in (0, 143)


def cypher_on(served: Served):
    return lambda text, values: run_cypher_neo4j(text, values, uri=served.uri, user="neo4j", password=PASSWORD)


def stats(run_kg, store: Path, served: Served) -> dict:
    result = run_kg("stats", "--store", store, "--neo4j", "--neo4j-uri", served.uri, "--neo4j-password", PASSWORD, "--json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_serve_prints_the_browser_url_the_bolt_uri_and_the_guide(neo4j):
    browser, bolt, guide = neo4j.lines
    assert browser.startswith(f"Neo4j Browser: {neo4j.browser_url}?connectURL=bolt%3A%2F%2Flocalhost%3A")
    assert bolt.startswith(f"Bolt:          {neo4j.uri} ")
    assert guide == f"Guide:         :play {neo4j.guide_url}"
    import urllib.request

    with urllib.request.urlopen(neo4j.guide_url, timeout=10) as response:
        assert response.read().decode().count("<slide") == len(LIBRARY) + 1
    with urllib.request.urlopen(neo4j.browser_url, timeout=10) as response:
        assert b"<html" in response.read().lower()


def test_neo4j_holds_the_same_counts_as_the_embedded_and_rdf_stores(neo4j, corpus_store, run_kg):
    counts = stats(run_kg, corpus_store, neo4j)
    assert counts["neo4j"]["nodes"] == counts["cypher"]["nodes"] == counts["rdf"]["nodes"]
    assert counts["neo4j"]["edges"] == counts["cypher"]["edges"] == counts["rdf"]["edges"]
    assert counts["neo4j"]["nodes"]["Paper"] == 29


def test_a_second_load_changes_no_count(neo4j, corpus_store, run_kg):
    before = stats(run_kg, corpus_store, neo4j)["neo4j"]
    result = run_kg("load", "neo4j", "--store", corpus_store, "--neo4j-uri", neo4j.uri, "--neo4j-password", PASSWORD)
    assert result.exit_code == 0, result.stderr
    assert stats(run_kg, corpus_store, neo4j)["neo4j"] == before


@pytest.mark.parametrize("name", sorted(LIBRARY))
def test_every_library_query_gives_the_same_rows_on_all_three_engines(neo4j, corpus_store, name):
    query = LIBRARY[name]
    values = query.bind({})
    embedded = run_cypher(corpus_store, query.text("cypher"), values)
    assert embedded, f"{name} returns no rows on the corpus build"
    assert comparable(cypher_on(neo4j)(query.text("cypher", "neo4j"), values)) == comparable(embedded)
    assert comparable(run_sparql(corpus_store, query.text("sparql"), values)) == comparable(embedded)


def test_kg_query_runs_the_neo4j_form_of_a_query_on_neo4j(neo4j, run_kg):
    result = run_kg("query", "entity-neighbourhood", "--neo4j", "--neo4j-uri", neo4j.uri, "--neo4j-password", PASSWORD,
                    "--json")
    assert result.exit_code == 0, result.stderr
    rows = json.loads(result.stdout)
    assert any({"relation": "BASED_ON", "direction": "out", "neighbour": "SAM"}.items() <= row.items() for row in rows)


def test_a_wrong_password_is_refused(neo4j, corpus_store, run_kg):
    result = run_kg("stats", "--store", corpus_store, "--neo4j", "--neo4j-uri", neo4j.uri, "--neo4j-password", "not-it-at-all")
    assert result.exit_code == 1 and "refused the credentials" in result.stderr


GRASS = Path(__file__).parents[1] / "kg" / "data" / "queries" / "neo4j-browser.grass"


def hex_colour(text: str) -> tuple[int, int, int]:
    return tuple(int(text[i:i + 2], 16) for i in (1, 3, 5))


def type_into(browser, selector: str, text: str) -> None:
    browser.evaluate(f"document.querySelector({json.dumps(selector)}).focus()")
    browser.call("Input.insertText", text=text)


def run_in_browser(browser, command: str) -> None:
    """Type one command into Browser's editor and run it (one line: the editor indents new lines)."""
    type_into(browser, ".monaco-editor textarea", " ".join(command.split()))
    browser.evaluate("document.querySelector('[data-testid=editor-Run]').click()")


def test_neo4j_browser_draws_a_library_query_in_the_kg_style(neo4j, corpus_store, browser, tmp_path):
    from headless_browser import png_colours

    query = LIBRARY["models-on-dataset"]
    browser.open(neo4j.lines[0].split(": ", 1)[1])
    assert browser.wait_until("!!document.querySelector('input[data-testid=password]')", 120), "no connect form"
    assert browser.evaluate("document.querySelector('input[data-testid=boltaddress]').value") == neo4j.uri.split("//")[1]
    type_into(browser, "input[data-testid=username]", "neo4j")
    type_into(browser, "input[data-testid=password]", PASSWORD)
    browser.evaluate("document.querySelector('button[data-testid=connect]').click()")
    assert browser.wait_until("document.body.innerText.includes('connected as user neo4j')", 60)
    grass = GRASS.read_text(encoding="utf-8")
    run_in_browser(browser, ":style " + grass)
    assert browser.wait_until("JSON.parse(localStorage.getItem('neo4j.grass') || '{}')['node.Model'] !== undefined", 30)
    graph = "\n".join(line for line in query.text("cypher", "browser").splitlines() if not line.startswith("//"))
    run_in_browser(browser, graph.replace("$dataset", repr(query.parameters["dataset"].default)))
    assert browser.wait_until("document.querySelectorAll('svg g.node').length >= 3", 60), "no graph drawn"
    time.sleep(2)  # the layout settles
    shot = browser.screenshot()
    (tmp_path / "neo4j-browser.png").write_bytes(shot)
    assert "Something went wrong" not in browser.evaluate("document.body.innerText")
    # each label in the colour the style gives it
    colours = png_colours(shot)
    for label in ("Model", "Dataset", "Paper"):
        colour = grass.split(f"node.{label} {{", 1)[1].split("color:", 1)[1].split(";", 1)[0].strip()
        assert hex_colour(colour) in colours, f"no {label} node in {colour}"
    # captions are the names the table form of the query gives
    captions = [text.strip().rstrip("…") for text in browser.evaluate(
        "Array.from(document.querySelectorAll('svg g.node text')).map(t => t.textContent)")]
    models = {row["model"] for row in run_cypher(corpus_store, query.text("cypher"), query.bind({}))}
    assert any(caption and any(model.startswith(caption) for model in models) for caption in captions), (captions, models)


def test_the_daily_routine_fetch_add_load_sends_neo4j_only_what_changed(neo4j, corpus_store, run_kg, tmp_path, monkeypatch):
    """The README's three commands: `kg fetch arxiv` (from a local server that answers as the
    arXiv API does), `kg build` into the build, `kg load neo4j`; a copy of one paper with a
    longer abstract comes in too. (Near the end of this module: the server then holds the
    updated copy of the build.)"""
    from conftest import CORPUS, read_jsonl
    from kg.stores.cypher_store import connect, run_query
    from local_service import serve
    from test_fetch_arxiv import PAPERS as FETCHED, atom_page

    server, _ = serve(monkeypatch, "ARXIV_API_URL", lambda path, params: (
        "application/atom+xml", atom_page(int(params["start"]), int(params["max_results"]))), "/api/query")
    try:
        fetched = tmp_path / "arxiv.jsonl"
        result = run_kg("fetch", "arxiv", "--query", "cat:eess.IV", "--since", "2026-11-25", "-o", fetched, "--no-progress")
        assert result.exit_code == 0, result.stderr
    finally:
        server.shutdown()
        server.server_close()
    graph = tmp_path / "graph"
    shutil.copytree(corpus_store, graph)
    paper = next(p for p in read_jsonl(CORPUS) if p["id"] == "C03")
    changed = tmp_path / "changed.jsonl"
    changed.write_text(json.dumps({**paper, "abstract": paper["abstract"] + " We also evaluate it on LIDC-IDRI."}) + "\n")
    result = run_kg("build", fetched, changed, "--out", graph)
    assert result.exit_code == 0 and "updated" in result.stderr and "4 papers analyzed" in result.stderr, result.stderr
    load = ["load", "neo4j", "--store", graph, "--neo4j-uri", neo4j.uri, "--neo4j-password", PASSWORD]
    result = run_kg(*load)
    assert result.exit_code == 0 and "what changed since generation 1 of the build" in result.stderr, result.stderr
    rows_sent = int(result.stderr.split("(")[1].split()[0])
    everything = sum(len(run_query(connect(graph / "cypher"), q)) for q in ("MATCH (n) RETURN n.id", "MATCH ()-[r]->() RETURN 1"))
    assert 0 < rows_sent < everything / 4
    counts = stats(run_kg, graph, neo4j)
    assert counts["neo4j"] == {"nodes": counts["cypher"]["nodes"], "edges": counts["cypher"]["edges"]}
    assert counts["neo4j"]["nodes"]["Paper"] == 29 + 3  # the 3 fetched papers since 2026-11-25
    edges = "MATCH (p:Paper {id: $id})-[r]->(x) RETURN type(r) AS type, x.id AS target ORDER BY type, target"
    for paper_id in ("C03", f"arxiv:{FETCHED[0][0]}", "C01"):
        embedded = run_cypher(graph, edges.replace("type(r)", "label(r)"), {"id": paper_id})
        assert comparable(cypher_on(neo4j)(edges, {"id": paper_id})) == comparable(embedded) != []
    for name, query in LIBRARY.items():
        values = query.bind({})
        assert comparable(cypher_on(neo4j)(query.text("cypher", "neo4j"), values)) == \
               comparable(run_cypher(graph, query.text("cypher"), values)), name
    again = run_kg(*load)
    assert again.exit_code == 0 and "nothing to send" in again.stderr


def test_a_second_serve_on_the_same_data_changes_no_count(neo4j, corpus_store, run_kg):
    """(Last in this module: it stops the module's server and starts another on its data.)"""
    before = stats(run_kg, corpus_store, neo4j)["neo4j"]
    assert stop(neo4j) in (0, 143)
    again = start_serve(corpus_store, neo4j.data)
    try:
        assert stats(run_kg, corpus_store, again)["neo4j"] == before
    finally:
        assert stop(again) in (0, 143)

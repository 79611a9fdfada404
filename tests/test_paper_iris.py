"""Paper and result IRIs are minted from ids, never taken from them; GraphML holds any id."""

import json
from urllib.parse import quote

import networkx as nx
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SKOS

from kg import config

KG = config.SCHEMA_NAMESPACE
DICE = "https://example.org/kg/metric/dice"  # a concept of the ontology, given as a paper id
PAPERS = [
    {"id": DICE, "title": "Liver segmentation on LiTS",
     "abstract": "We segment the liver on LiTS with a U-Net and report a Dice of 0.91.", "published": "2023-01-01"},
    {"id": "P9", "title": "Knee grading from radiographs",
     "abstract": "A ResNet-50 grades knee radiographs with an accuracy of 71%.", "published": "2022-01-01"},
    # the id of P9's first result
    {"id": "P9#result-1", "title": "Chest X-ray classification",
     "abstract": "A DenseNet-121 classifies chest X-ray images with an accuracy of 80%.", "published": "2021-01-01"},
]


def minted(paper_id: str) -> str:
    return f"{config.BASE_IRI}paper/{quote(paper_id, safe='')}"


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    from click.testing import CliRunner

    from kg.cli import main

    folder = tmp_path_factory.mktemp("iris")
    source = folder / "papers.jsonl"
    source.write_text("".join(json.dumps(paper) + "\n" for paper in PAPERS), encoding="utf-8")
    result = CliRunner().invoke(main, ["build", str(source), "--out", str(folder / "graph")], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    return folder / "graph"


def select(store, query: str) -> list[dict]:
    from kg.stores.rdf_store import open_store, sparql

    return sparql(open_store(store / "rdf"), f"PREFIX kg: <{KG}>\nPREFIX skos: <{SKOS}>\n{query}")


def test_a_paper_whose_id_is_a_concept_iri_is_its_own_resource(store):
    papers = select(store, "SELECT ?p ?id WHERE { ?p a kg:Paper ; kg:id ?id }")
    assert sorted((row["id"], row["p"]) for row in papers) == sorted((p["id"], minted(p["id"])) for p in PAPERS)
    # the Dice concept is still only a metric, mentioned by the paper whose id is its IRI
    types = {row["t"] for row in select(store, f"SELECT ?t WHERE {{ <{DICE}> a ?t }}")}
    assert types == {KG + "Metric", str(SKOS.Concept)}
    assert select(store, f"SELECT ?p WHERE {{ ?p kg:mentions <{DICE}> }}") == [{"p": minted(DICE)}]
    # nothing is both a paper and a concept or a result
    assert select(store, "SELECT ?s WHERE { ?s a kg:Paper . { ?s a skos:Concept } UNION { ?s a kg:Result } }") == []


def test_a_paper_whose_id_is_a_result_id_is_not_that_result(store):
    results = select(store, "SELECT ?r ?id ?p WHERE { ?p kg:reports ?r . ?r a kg:Result ; kg:id ?id }")
    assert {row["id"] for row in results} == {"P9#result-1", "P9#result-1#result-1", f"{DICE}#result-1"}
    for row in results:  # each result is reported by the paper its id begins with, under its own IRI
        assert row["p"] == minted(row["id"].rsplit("#result-", 1)[0])
        assert row["r"] == f"{config.BASE_IRI}result/{quote(row['id'], safe='')}"
    assert len({row["r"] for row in results} | {minted(p["id"]) for p in PAPERS}) == 6


def test_every_export_names_the_papers_by_their_minted_iris(store):
    for name, fmt in (("graph.nt", "nt"), ("graph.ttl", "turtle"), ("graph.jsonld", "json-ld")):
        graph = Graph().parse(store / "rdf" / name, format=fmt)
        for paper in PAPERS:
            assert (URIRef(minted(paper["id"])), URIRef(KG + "id"), Literal(paper["id"])) in graph, name
        assert (URIRef(DICE), RDF.type, URIRef(KG + "Paper")) not in graph, name
    # the exports keyed by id still give every paper by its id
    graphml = nx.read_graphml(store / "graph.graphml")
    assert {p["id"] for p in PAPERS} <= set(graphml.nodes)
    # (GraphML has one node per id: the paper given the Dice metric's IRI as its id shares it)
    assert {p["id"] for p in PAPERS} - {DICE} <= {n for n, d in graphml.nodes(data=True) if d["label"] == "Paper"}
    csv_ids = {line.split(",")[0].strip('"') for line in (store / "neo4j" / "nodes_Paper.csv").read_text().splitlines()[1:]}
    assert csv_ids == {p["id"] for p in PAPERS}


def test_stats_counts_of_the_rdf_store_agree_with_the_cypher_store(store, run_kg):
    result = run_kg("stats", "--store", store, "--json")
    assert result.exit_code == 0, result.stderr
    counts = json.loads(result.stdout)
    assert counts["rdf"] == counts["cypher"] and counts["rdf"]["nodes"]["Paper"] == 3


def test_the_build_conforms_and_validate_reports_a_paper_that_is_a_concept(store, run_kg):
    from kg.validate import validate_graph

    result = run_kg("validate", "--store", store)
    assert result.exit_code == 0, result.stdout + result.stderr
    # what the old node_iri made of a paper whose id is the Dice IRI: one resource, two kinds
    graph = Graph().parse(store / "rdf" / "graph.nt", format="nt")
    paper = URIRef(minted(DICE))
    for p, o in list(graph.predicate_objects(paper)):
        graph.remove((paper, p, o))
        graph.add((URIRef(DICE), p, o))
    assert (URIRef(DICE), RDF.type, URIRef(KG + "Metric")) in graph
    violations = validate_graph(graph)
    assert violations and all(line.startswith(DICE + " ") for line in violations)
    assert any("concept" in line for line in violations)


def test_control_characters_in_ids_and_titles_keep_the_graphml_readable(tmp_path):
    from kg.build import analyze_chunk
    from kg.extract import load_ontology
    from kg.graph import EntityGraph
    from kg.records import Paper
    from kg.stores.exports import graphml_text, read_graphml
    from kg.stores.text_outputs import TextWriter, text_outputs, unit_text
    from kg.visualize import entity_view, find_node, graph_page, page_data, usage_overview, with_reserve

    # ingest may refuse such text; the GraphML writer must not depend on it
    abstract = "We train a 3D U-Net on BraTS MRI scans of the brain and report a Dice of 0.88."
    papers = [Paper(id=f"c{char}x", title=f"Tumour {char}segmentation\x0b\x1b", abstract=abstract, published="2021-02-03")
              for char in ("\x01", "\x02", "\x1b")]
    chunk = analyze_chunk(papers, exports=("graphml",))
    entities = EntityGraph(load_ontology())
    entities.add(chunk.shared)
    outputs = text_outputs(("graphml",))
    writer = TextWriter(tmp_path, outputs)
    for text in chunk.texts:
        writer.write(text.segments)
    for key, rows in entities.units():
        writer.write(unit_text(key, rows, outputs).segments)
    writer.close()

    plain = nx.read_graphml(tmp_path / "graph.graphml")
    ids = {"c\\u0001x", "c\\u0002x", "c\\u001Bx"}  # three papers still, told apart
    assert {n for n, d in plain.nodes(data=True) if d["label"] == "Paper"} == ids
    assert {plain.nodes[n]["id"] for n in ids} == ids
    assert plain.nodes["c\\u0001x"]["title"] == "Tumour \\u0001segmentation\\u000B\\u001B"
    assert plain.has_edge("c\\u0001x", "c\\u0001x#result-1")
    graph = read_graphml(tmp_path / "graph.graphml")

    # what `kg viz` draws (it reads the Cypher store; this graph is only GraphML)
    for view in (usage_overview(graph), entity_view(graph, find_node(graph, graphml_text("c\x01x")))):
        assert "c\\\\u0001x" in graph_page(page_data(graph, with_reserve(graph, view), written="today", papers=3))


def test_a_build_with_control_characters_in_ids_is_refused_or_viewable(tmp_path, run_kg):
    source = tmp_path / "papers.jsonl"
    source.write_text("".join(json.dumps({"id": f"c{char}x", "title": f"Tumour {char}segmentation",
                                          "abstract": "We train a 3D U-Net on BraTS and report a Dice of 0.88."}) + "\n"
                              for char in ("\x01", "\x0b", "\x1b")), encoding="utf-8")
    built = run_kg("build", source, "--out", tmp_path / "graph")
    if built.exit_code != 0:  # refused at ingest, in one line that says why
        assert "control character" in built.stderr and len(built.stderr.strip().splitlines()) == 1
        return
    assert run_kg("viz", "--store", tmp_path / "graph", "-o", tmp_path / "page.html").exit_code == 0
    assert run_kg("stats", "--store", tmp_path / "graph", "--plot", tmp_path / "charts").exit_code == 0
    assert len(nx.read_graphml(tmp_path / "graph" / "graph.graphml")) > 3

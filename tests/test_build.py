"""`kg build` and the stores: the same graph in every store, idempotent and incremental
builds, atomic swaps, exports that a second parser reads, SHACL validation and Neo4j loading."""

import json
import shutil

import ladybug
import pyoxigraph
import pytest
from rdflib import Graph, Literal
from rdflib.namespace import RDF

from conftest import SMALL_INPUTS, read_jsonl
from kg.graph import EDGE_TYPES, NODE_PROPERTIES
from kg.stores.cypher_store import connect, cypher_counts, run_query, schema_statements
from kg.stores.exports import read_graphml
from kg.stores.neo4j_loader import constraint_statements, merge_statements
from kg.stores.rdf_store import KG, open_store
from kg.validate import validate_graph

INPUTS = SMALL_INPUTS
EXTRA_PAPER = {"id": "X1", "title": "LungFormer for chest X-ray classification",
               "abstract": "We propose LungFormer, a new model. LungFormer reaches an AUC of 0.91 on CheXpert for pneumonia."}


@pytest.fixture(scope="module")
def built(small_store, tmp_path_factory):
    """The command line's build of INPUTS (conftest's small_store), copied: these tests build into it."""
    return shutil.copytree(small_store, tmp_path_factory.mktemp("build") / "graph")


def stats(run_kg, store):
    result = run_kg("stats", "--store", store, "--json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_both_stores_hold_the_same_graph(built, run_kg):
    data = stats(run_kg, built)
    assert data["cypher"] == data["rdf"]
    assert data["cypher"]["nodes"]["Paper"] == len(read_jsonl(built / "papers.jsonl")) == 7
    assert set(data["cypher"]["nodes"]) <= set(NODE_PROPERTIES) and set(data["cypher"]["edges"]) <= set(EDGE_TYPES)
    assert data["cypher"]["edges"]["MENTIONS"] > 20


def test_every_mention_has_its_evidence(built):
    rows = run_query(connect(built / "cypher"),
                     "MATCH (p:Paper)-[r:MENTIONS]->(e) RETURN r.surface AS surface, r.score AS score, "
                     "r.start_char AS first, r.end_char AS last, r.sentence_start AS sentence_start, "
                     "r.sentence_end AS sentence_end, r.extractor AS extractor, p.abstract AS abstract, "
                     "p.title AS title, r.field AS field")
    assert rows and all(r["surface"] and 0 < r["score"] <= 1 and r["extractor"].startswith("kg ") for r in rows)
    for r in rows:
        text = r["title"] if r["field"] == "title" else r["abstract"]
        assert text[r["first"] : r["last"]] == r["surface"]
        assert r["sentence_start"] <= r["first"] < r["last"] <= r["sentence_end"]
        sentence = text[r["sentence_start"] : r["sentence_end"]]
        assert sentence == sentence.strip() and (r["field"] == "title" or sentence[-1] in ".!?" or r["sentence_end"] == len(text))


def test_every_mention_and_its_place_are_reachable_in_sparql(built):
    """Each MENTIONS edge of the Cypher store is in the RDF store as a kg:mentions triple, and its
    evidence node (kg:evidence, kg:entity) packs the same field, offsets, count, score and role."""
    cypher = run_query(connect(built / "cypher"),
                       "MATCH (p:Paper)-[r:MENTIONS]->(e) RETURN p.id AS paper, e.id AS entity, r.field AS field, "
                       "r.sentence_start AS s0, r.sentence_end AS s1, r.start_char AS c0, r.end_char AS c1, "
                       "r.mention_count AS n, r.score AS score, r.method AS method, r.role AS role")
    found = open_store(built / "rdf").query("""
        PREFIX kg: <https://example.org/kg/schema#>
        SELECT ?paper ?entity ?at ?role WHERE {
          ?p kg:id ?paper ; kg:mentions ?e ; kg:evidence ?u . ?u kg:entity ?e ; kg:mentionsAt ?at .
          OPTIONAL { ?u kg:role ?role }
          BIND (STR(?e) AS ?entity)
        }""")
    sparql = {(s["paper"].value, s["entity"].value): (s["at"].value, s["role"] and s["role"].value) for s in found}
    assert len(sparql) == len(cypher) > 20
    for row in cypher:
        numbers = [row[k] for k in ("s0", "s1", "c0", "c1", "n")]
        packed = " ".join([row["field"], *("-" if v is None else str(v) for v in numbers),
                           repr(row["score"]), row["method"] or "-"])
        assert sparql[row["paper"], row["entity"]] == (packed, row["role"])


def test_the_sentence_of_a_mention_as_the_readme_reads_it(built):
    rows = run_query(connect(built / "cypher"),
                     "MATCH (p:Paper)-[r:MENTIONS]->(e) WHERE r.field = 'abstract' "
                     "RETURN substring(p.abstract, r.sentence_start + 1, r.sentence_end - r.sentence_start) AS sentence, "
                     "r.surface AS surface")
    assert rows and all(r["surface"] in r["sentence"] and r["sentence"].strip() == r["sentence"] for r in rows)


def test_edges_from_a_paper_point_to_their_sentence_in_it(built):
    rows = run_query(connect(built / "cypher"),
                     "MATCH (p:Paper)-[r:ADDRESSES|STUDIES|INTRODUCES]->(e) WHERE r.source = 'text' RETURN r.field AS field, "
                     "r.sentence_start AS first, r.sentence_end AS last, p.title AS title, p.abstract AS abstract, e.name AS name")
    assert rows
    for r in rows:
        text = r["title"] if r["field"] == "title" else r["abstract"]
        assert 0 <= r["first"] < r["last"] <= len(text)


def test_edges_between_entities_name_the_paper_whose_sentence_they_keep(built):
    connection = connect(built / "cypher")
    rows = run_query(connection,
                     "MATCH (a)-[r:EVALUATED_ON|BASED_ON|IN_FAMILY|HAS_MODALITY|COVERS_ORGAN]->(b) "
                     "RETURN label(r) AS type, r.paper AS paper, r.sentence AS sentence, r.source AS source")
    papers = {r["id"]: r for r in run_query(connection, "MATCH (p:Paper) RETURN p.id AS id, p.title AS title, p.abstract AS abstract")}
    assert {r["source"] for r in rows} == {"text", "ontology"}
    for r in rows:
        if r["source"] == "ontology":  # a fact of the ontology comes from no paper
            assert r["paper"] is None and r["sentence"] == ""
        else:
            paper = papers[r["paper"]]
            assert r["sentence"] and (r["sentence"] in paper["abstract"] or r["sentence"] == paper["title"])
    # the same property in RDF, a literal on the edge's statement, names a paper by its id
    store = open_store(built / "rdf")
    named = {row["paper"].value for row in store.query(f"SELECT ?paper WHERE {{ ?s <{KG.paper}> ?paper }}")}
    assert named == {r["paper"] for r in rows if r["paper"]} and named <= set(papers)


def test_the_build_conforms_to_the_shapes(built, run_kg):
    result = run_kg("validate", "--store", built)
    assert result.exit_code == 0 and "conforms" in result.stdout


def test_broken_graphs_are_reported(built):
    data = Graph().parse(built / "rdf" / "graph.nt", format="nt")
    evidence, place = next(data.subject_objects(KG.mentionsAt))
    data.set((evidence, KG.mentionsAt, Literal(place.split(" ", 1)[1])))  # the field left out
    orphan = next(node for node in data.subjects(KG.entity, None) if node != evidence)
    data.remove((None, KG.evidence, orphan))
    paper = next(data.subjects(RDF.type, KG.Paper))
    data.add((paper, KG.evaluatedOn, paper))
    violations = validate_graph(data)
    assert any(str(evidence) in line and "mentionsAt" in line for line in violations)
    assert any(str(orphan) in line for line in violations)
    assert any(str(paper) in line for line in violations)


def test_validate_command_fails_on_a_broken_build(built, run_kg, tmp_path):
    broken = tmp_path / "broken"
    shutil.copytree(built, broken)
    nt = broken / "rdf" / "graph.nt"
    nt.write_text("".join(line for line in nt.read_text().splitlines(keepends=True) if "schema.org/name" not in line))
    result = run_kg("validate", "--store", broken)
    assert result.exit_code == 1 and "SHACL violations" in result.stderr


def test_a_second_build_of_the_same_input_changes_nothing(built, run_kg):
    before = stats(run_kg, built)
    files = {p: p.read_bytes() for p in built.rglob("*") if p.is_file() and "cypher" not in p.parts and "oxigraph" not in p.parts}
    result = run_kg("build", *INPUTS, "--out", built)
    assert result.exit_code == 0 and "(0 new)" in result.stderr
    assert stats(run_kg, built) == before
    assert all(p.read_bytes() == content for p, content in files.items())


def test_one_more_paper_adds_exactly_its_nodes_and_edges(built, run_kg, tmp_path):
    store = tmp_path / "graph"
    shutil.copytree(built, store)
    extra = tmp_path / "extra.jsonl"
    extra.write_text(json.dumps(EXTRA_PAPER) + "\n")
    alone = tmp_path / "alone"
    assert run_kg("build", extra, "--out", alone).exit_code == 0
    before = read_graphml(store / "graph.graphml")
    assert run_kg("build", extra, "--out", store).exit_code == 0
    after = read_graphml(store / "graph.graphml")
    only = read_graphml(alone / "graph.graphml")
    assert set(before.nodes) <= set(after.nodes)
    assert set(after.nodes) - set(before.nodes) == set(only.nodes) - set(before.nodes)
    edges = lambda g: {(a, b, k) for a, b, k in g.edges(keys=True)}
    assert edges(before) <= edges(after)
    assert edges(after) - edges(before) == edges(only) - edges(before)
    assert stats(run_kg, store)["cypher"]["nodes"]["Paper"] == 8


def test_a_failed_build_leaves_the_folder_as_it_was(built, run_kg, tmp_path, monkeypatch):
    store = tmp_path / "graph"
    shutil.copytree(built, store)
    before = sorted(p.relative_to(store) for p in store.rglob("*"))
    manifest = (store / "manifest.json").read_text()

    def fail(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("kg.stores.cypher_store._copy_tables", fail)  # the last step of a build or an update
    extra = tmp_path / "extra.jsonl"
    extra.write_text(json.dumps(EXTRA_PAPER) + "\n")
    result = run_kg("build", extra, "--out", store)
    assert result.exit_code == 130
    assert sorted(p.relative_to(store) for p in store.rglob("*")) == before
    assert (store / "manifest.json").read_text() == manifest
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_rdf_exports_parse_with_an_independent_parser(built):
    folder = built / "rdf"
    reference = Graph().parse(folder / "graph.nt", format="nt")
    for name, fmt in (("graph.ttl", pyoxigraph.RdfFormat.TURTLE), ("graph.nt", pyoxigraph.RdfFormat.N_TRIPLES),
                      ("graph.jsonld", pyoxigraph.RdfFormat.JSON_LD)):
        triples = list(pyoxigraph.parse(path=str(folder / name), format=fmt))
        assert len(triples) == len(reference), name
    # and the reverse: what Oxigraph writes, rdflib reads
    store = open_store(folder)
    for fmt, name in ((pyoxigraph.RdfFormat.TURTLE, "turtle"), (pyoxigraph.RdfFormat.N_TRIPLES, "nt")):
        written = store.dump(format=fmt, from_graph=pyoxigraph.DefaultGraph())
        assert len(Graph().parse(data=written.decode(), format=name)) == len(reference)


def test_neo4j_admin_csv_headers(built):
    folder = built / "neo4j"
    model = (folder / "nodes_Model.csv").read_text().splitlines()[0]
    assert model == "id:ID,name,aliases:string[],is_new:boolean,external_ids:string[],:LABEL"
    paper = (folder / "nodes_Paper.csv").read_text().splitlines()[0].split(",")
    assert paper[0] == "id:ID" and "year:long" in paper and paper[-1] == ":LABEL"
    mentions = (folder / "relationships_MENTIONS.csv").read_text().splitlines()[0].split(",")
    assert mentions[:3] == [":START_ID", ":END_ID", ":TYPE"] and "score:double" in mentions
    assert "--nodes=nodes_Paper.csv" in (folder / "import.sh").read_text()


def test_the_neo4j_statements_on_the_embedded_engine(built, tmp_path):
    """The exact UNWIND ... MERGE statements of `kg load neo4j`, run twice on LadybugDB."""
    graph = read_graphml(built / "graph.graphml")
    connection = ladybug.Connection(ladybug.Database(str(tmp_path / "merged")))
    for statement in schema_statements():
        connection.execute(statement)
    for _ in range(2):  # a re-run changes nothing
        for query, rows in merge_statements(graph):
            connection.execute(query, {"rows": rows})
    assert cypher_counts(connection) == cypher_counts(connect(built / "cypher"))
    names = run_query(connection, "MATCH (m:Model) WHERE m.id = $id RETURN m.name AS name",
                      {"id": "https://example.org/kg/model/u-net"})
    assert names == [{"name": "U-Net"}]
    assert all("IF NOT EXISTS" in s and "REQUIRE n.id IS UNIQUE" in s for s in constraint_statements())


def test_load_neo4j_without_a_server_says_what_to_set(built, run_kg, monkeypatch):
    monkeypatch.delenv("NEO4J_URI", raising=False)
    result = run_kg("load", "neo4j", "--store", built)
    assert result.exit_code == 2 and "set NEO4J_URI" in result.stderr


def test_stats_of_a_missing_store(run_kg, tmp_path):
    result = run_kg("stats", "--store", tmp_path / "nothing")
    assert result.exit_code == 1 and "run `kg build` first" in result.stderr

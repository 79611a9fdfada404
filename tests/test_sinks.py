"""Each store and text output of a build: the pure encoders on small hand-made rows, read back
by another parser; the stores' sinks (kg/stores/sink.py) taking parts and finishing into a
build folder; the text files written unit by unit (kg/stores/text_outputs.py)."""

import csv
import io

import networkx as nx
import pyarrow as pa
import pyarrow.parquet as pq
import pyoxigraph
import pytest

from kg.graph import EDGE_TYPES, NODE_PROPERTIES, GraphRows, entity_key, paper_key
from kg.stores.cypher_store import CypherSink, connect, cypher_counts
from kg.stores.exports import neo4j_header, read_graphml
from kg.stores.rdf_loader import RdfSink
from kg.stores.rdf_store import KG, evidence_iri, paper_iri
from kg.stores.text_outputs import TextWriter, text_outputs, unit_text

UNET = "https://example.org/kg/model/u-net"
SDO = "https://schema.org/"
XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
TITLE = 'U-Net "again"\nfor CT'


def paper(paper_id="P1", title=TITLE):
    """The rows of one paper: its node, a result, a mention of U-Net and the result's edge."""
    rows = GraphRows()
    rows.add_node("Paper", {"id": paper_id, "title": title, "abstract": "We use U-Net.", "year": 2021})
    rows.add_node("Result", {"id": f"{paper_id}#result-1", "metric": "Dice", "value": "0.9"})
    rows.add_edge("MENTIONS", "Paper", "Model", {"from": paper_id, "to": UNET, "field": "abstract", "start_char": 7,
                                                 "end_char": 12, "surface": "U-Net", "score": 0.75})
    rows.add_edge("REPORTS", "Paper", "Result", {"from": paper_id, "to": f"{paper_id}#result-1"})
    return rows


def entities():
    rows = GraphRows()
    rows.add_node("Model", {"id": UNET, "name": "U-Net", "aliases": ["UNet", "U Net"], "is_new": False,
                            "external_ids": ["https://www.wikidata.org/wiki/Q1"]})
    return rows


def test_ntriples_of_a_paper_parse_and_hold_its_triples():
    data = RdfSink.encode([paper()])
    triples = {(t.subject.value, t.predicate.value, t.object) for t in pyoxigraph.parse(data, format=pyoxigraph.RdfFormat.N_TRIPLES)}
    subject = paper_iri("P1")
    values = {(s, p): o for s, p, o in triples}
    assert (subject, RDF_TYPE, pyoxigraph.NamedNode(str(KG.Paper))) in triples
    assert (subject, RDF_TYPE, pyoxigraph.NamedNode(SDO + "ScholarlyArticle")) in triples
    assert values[subject, SDO + "name"] == pyoxigraph.Literal(TITLE)
    assert values[subject, str(KG.year)] == pyoxigraph.Literal("2021", datatype=pyoxigraph.NamedNode(XSD + "integer"))
    assert (subject, str(KG.mentions), pyoxigraph.NamedNode(UNET)) in triples
    evidence = evidence_iri(f"<{subject}>", f"<{UNET}>")
    assert (subject, str(KG.evidence), pyoxigraph.NamedNode(evidence)) in triples
    assert values[evidence, str(KG.entity)] == pyoxigraph.NamedNode(UNET)
    # field, sentence offsets (none here), mention offsets, count (none), score, method (none)
    assert values[evidence, str(KG.mentionsAt)].value == "abstract - - 7 12 - 0.75 -"
    assert not any(p == str(KG.abstract) for _, p, _ in triples)  # the paper's abstract is schema:abstract


def test_ntriples_of_no_rows_are_empty_and_of_two_papers_one_after_the_other():
    assert RdfSink.encode([GraphRows()]) == b""
    two = RdfSink.encode([paper("P1"), paper("P2")])
    assert two == RdfSink.encode([paper("P1")]) + RdfSink.encode([paper("P2")])


def test_parquet_parts_read_back_with_the_schema_columns():
    parts = CypherSink.encode([paper("P1"), paper("P2")])
    assert set(parts) == {"Paper", "Result", "MENTIONS_Paper_Model", "REPORTS_Paper_Result"}
    papers = pq.read_table(pa.BufferReader(parts["Paper"]))
    assert papers.column_names == list(NODE_PROPERTIES["Paper"])
    assert papers.column("id").to_pylist() == ["P1", "P2"] and papers.column("year").type == pa.int64()
    mentions = pq.read_table(pa.BufferReader(parts["MENTIONS_Paper_Model"]))
    assert mentions.column_names == ["from", "to", *EDGE_TYPES["MENTIONS"][0]]
    assert mentions.column("score").to_pylist() == [0.75, 0.75] and mentions.column("method").null_count == 2


def write_text(folder, exports, *units):
    """The text outputs of `exports` written from (key, rows) units, in the order given."""
    outputs = text_outputs(exports)
    writer = TextWriter(folder, outputs)
    for key, rows in units:
        writer.write(unit_text(key, rows, outputs).segments)
    writer.close()


def test_graphml_of_papers_then_entities_reads_with_networkx(tmp_path):
    write_text(tmp_path, ("graphml",), (paper_key("P1"), paper()), (paper_key("P2"), GraphRows()), (entity_key(UNET), entities()))
    text = (tmp_path / "graph.graphml").read_text()
    assert text.index('"P1"') < text.index(UNET)
    plain = nx.read_graphml(tmp_path / "graph.graphml", force_multigraph=True)
    assert plain.nodes["P1"]["title"] == TITLE and plain.nodes["P1"]["year"] == 2021
    assert plain.nodes[UNET]["aliases"] == '["UNet", "U Net"]'
    assert [d["type"] for _, _, d in plain.edges("P1", data=True)] == ["MENTIONS", "REPORTS"]
    assert read_graphml(tmp_path / "graph.graphml").nodes[UNET]["aliases"] == ["UNet", "U Net"]


def test_neo4j_csvs_follow_neo4j_admin_format(tmp_path):
    write_text(tmp_path, ("neo4j",), (paper_key("P1"), paper("P1")), (paper_key("P2"), paper("P2")), (entity_key(UNET), entities()))
    models = list(csv.reader(io.StringIO((tmp_path / "neo4j" / "nodes_Model.csv").read_text())))
    assert models == [["id:ID", "name", "aliases:string[]", "is_new:boolean", "external_ids:string[]", ":LABEL"],
                      [UNET, "U-Net", "UNet;U Net", "false", "https://www.wikidata.org/wiki/Q1", "Model"]]
    papers = list(csv.reader(io.StringIO((tmp_path / "neo4j" / "nodes_Paper.csv").read_text(), newline="")))
    assert papers[0] == neo4j_header(NODE_PROPERTIES["Paper"], node_label="Paper") and "year:long" in papers[0]
    assert [row[0] for row in papers[1:]] == ["P1", "P2"] and papers[1][1] == TITLE
    mentions = list(csv.reader(io.StringIO((tmp_path / "neo4j" / "relationships_MENTIONS.csv").read_text())))
    assert mentions[0][:3] == [":START_ID", ":END_ID", ":TYPE"] and "score:double" in mentions[0]
    assert mentions[1][:3] == ["P1", UNET, "MENTIONS"]
    assert (tmp_path / "neo4j" / "relationships_BROADER.csv").read_text().startswith(":START_ID,:END_ID,:TYPE")
    script = (tmp_path / "neo4j" / "import.sh").read_text()
    assert "--nodes=nodes_Paper.csv" in script and '--array-delimiter=";"' in script


@pytest.mark.parametrize("fmt, name", [(pyoxigraph.RdfFormat.TURTLE, "graph.ttl"), (pyoxigraph.RdfFormat.JSON_LD, "graph.jsonld")])
def test_turtle_and_json_ld_hold_the_triples_of_the_n_triples(tmp_path, fmt, name):
    write_text(tmp_path, ("nt", "ttl", "jsonld"), (paper_key("P1"), paper("P1")), (paper_key("P2"), paper("P2", title="Tab\there")),
               (entity_key(UNET), entities()))
    expected = set(pyoxigraph.parse(path=str(tmp_path / "rdf" / "graph.nt"), format=pyoxigraph.RdfFormat.N_TRIPLES))
    assert len(expected) > 20
    assert set(pyoxigraph.parse(path=str(tmp_path / "rdf" / name), format=fmt)) == expected


def test_the_text_outputs_asked_for(tmp_path):
    assert [o.path for o in text_outputs(())] == ["papers.jsonl", "extraction.jsonl"]
    paths = [o.path for o in text_outputs(("nt", "graphml", "neo4j"))]
    assert paths[:4] == ["papers.jsonl", "extraction.jsonl", "rdf/graph.nt", "graph.graphml"]
    assert "neo4j/nodes_Paper.csv" in paths and "rdf/graph.ttl" not in paths


def test_the_cypher_sink_bulk_loads_its_parts(tmp_path):
    sink = CypherSink(tmp_path / "parts")
    sink.add("0000001", CypherSink.encode([paper("P1"), paper("P2")]))
    sink.add("0000000-00001", CypherSink.encode([entities()]))
    sink.finish(tmp_path)
    assert cypher_counts(connect(tmp_path / "cypher")) == (
        {"Model": 1, "Paper": 2, "Result": 2}, {"MENTIONS": 2, "REPORTS": 2})
    assert sink.seconds["append cypher"] > 0


def test_the_rdf_sink_loads_its_parts(tmp_path):
    sink = RdfSink(tmp_path / "parts")
    sink.add("0000001", RdfSink.encode([paper()]))
    sink.add("0000002", RdfSink.encode([entities()]))
    sink.finish(tmp_path)
    store = pyoxigraph.Store.read_only(str(tmp_path / "rdf" / "oxigraph"))
    expected = RdfSink.encode([paper()]) + RdfSink.encode([entities()])
    assert set(store) == set(pyoxigraph.parse(expected, format=pyoxigraph.RdfFormat.N_TRIPLES)) and len(store) > 10


def test_rewriting_the_text_files_gives_what_writing_them_afresh_gives(tmp_path):
    from kg.stores.text_outputs import lengths, rewrite

    exports = ("nt", "ttl", "jsonld", "graphml", "neo4j")
    outputs = text_outputs(exports)
    old = {paper_key(f"P{n}"): paper(f"P{n}") for n in (1, 2, 3, 5)} | {entity_key(UNET): entities()}
    new = {paper_key(f"P{n}"): paper(f"P{n}") for n in (2, 3, 4, 5, 6)} | {entity_key(UNET): entities()}
    new[paper_key("P3")] = paper("P3", title="Another title")
    write_text(tmp_path / "old", exports, *sorted(old.items()))
    write_text(tmp_path / "expected", exports, *sorted(new.items()))
    changed = {key: unit_text(key, rows, outputs) for key, rows in new.items() if key not in old or key.endswith("P3")}
    changed[paper_key("P1")] = None  # gone
    units = [(key, lengths(unit_text(key, rows, outputs))) for key, rows in sorted(old.items())]
    writer = TextWriter(tmp_path / "new", outputs)
    rewrite(tmp_path / "old", writer, units, changed)
    writer.close()
    for output in outputs:
        assert (tmp_path / "new" / output.path).read_bytes() == (tmp_path / "expected" / output.path).read_bytes(), output.path
    assert b"Another title" in (tmp_path / "new" / "rdf" / "graph.nt").read_bytes()

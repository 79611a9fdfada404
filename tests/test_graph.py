"""The entity graph: entities merged across papers, and given back in bounded batches."""

from conftest import FIXTURES
from kg.graph import EntityEdge, EntityGraph, GraphRows
from kg.ontology import Ontology
from kg.records import Entity

NEW = "https://example.org/kg/entity/"


def papers_rows(n: int) -> list[GraphRows]:
    """n papers, each naming CT, one new model of its own and one new data set it is evaluated on."""
    found = []
    for i in range(n):
        model, dataset = f"{NEW}model/net-{i}", f"{NEW}dataset/set-{i}"
        found.append(GraphRows(
            entities=[Entity("https://example.org/kg/modality/ct", "modality", "CT", ("CT",)),
                      Entity(model, "model", f"Net-{i}", (f"Net-{i}",)), Entity(dataset, "dataset", f"Set-{i}")],
            entity_edges=[EntityEdge(model, "EVALUATED_ON", dataset, 0.8, "s", "text")],
        ))
    return found


def test_rows_come_in_batches_of_at_most_the_size_asked_and_lose_nothing():
    graph = EntityGraph(Ontology.load(FIXTURES / "ontology"))
    for rows in papers_rows(7):
        graph.add(rows)
    whole = list(graph.rows())
    batches = list(graph.rows(batch=4))
    assert len(whole) == 1 and len(batches) > 3 and all(0 < len(b) <= 4 for b in batches)
    merged = GraphRows()
    for batch in batches:
        merged.extend(batch)
    assert merged.nodes == whole[0].nodes and merged.edges == whole[0].edges
    # CT (and the broader modality the ontology gives it) once, 7 models, 7 data sets, 7 edges
    assert len(merged.nodes["Model"]) == len(merged.nodes["Dataset"]) == 7
    assert len(merged.edges[("EVALUATED_ON", "Model", "Dataset")]) == 7
    assert [row["id"] for row in merged.nodes["Model"]] == sorted(row["id"] for row in merged.nodes["Model"])


def test_an_empty_graph_gives_no_rows():
    assert list(EntityGraph(Ontology.load(FIXTURES / "ontology")).rows()) == []


def test_an_edge_keeps_its_best_evidence_whatever_order_papers_come_in():
    model, dataset = f"{NEW}model/net-0", f"{NEW}dataset/set-0"
    entities = [Entity(model, "model", "Net-0"), Entity(dataset, "dataset", "Set-0")]
    stated = {paper: EntityEdge(model, "EVALUATED_ON", dataset, confidence, f"sentence of {paper}", "text", paper)
              for paper, confidence in (("P3", 0.8), ("P1", 0.8), ("P2", 0.6))}
    kept = set()
    for order in (["P3", "P1", "P2"], ["P2", "P1", "P3"], ["P1", "P2", "P3"]):
        graph = EntityGraph(Ontology.load(FIXTURES / "ontology"))
        for paper in order:
            graph.add(GraphRows(entities=entities, entity_edges=[stated[paper]]))
        [rows] = graph.rows()
        [edge] = rows.edges[("EVALUATED_ON", "Model", "Dataset")]
        kept.add((edge["paper"], edge["sentence"]))
    # the higher confidence, then the smaller paper id
    assert kept == {("P1", "sentence of P1")}
    fact = EntityEdge(model, "EVALUATED_ON", dataset, 0.8, "", "ontology")
    assert stated["P1"].better_than(fact) and not fact.better_than(stated["P1"])

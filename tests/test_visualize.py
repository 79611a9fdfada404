"""The views `kg viz` draws: captions cut at a word, one edge per fact, the most used data sets
with the modalities and tasks of their use, query answers drawn as their `draw:` lines say,
and a bounded reserve to expand into. (The pages in headless Chromium: test_viz_pages.py.)"""

import networkx as nx
import pytest

from kg.graph import NODE_PROPERTIES
from kg.queries import load_library
from kg.visualize import (entity_view, fact_edges, label_colours, page_data, query_view, short_caption, usage_overview,
                          with_reserve)


def small_graph() -> nx.MultiDiGraph:
    """Three papers: P1 and P2 evaluate on ChestX-ray14 (recorded as chest X-ray) and address
    classification; P3 only names CheXpert, next to histopathology; P1 also studies and names
    pneumonia, and reports an AUC of ResNet-50 on ChestX-ray14."""
    g = nx.MultiDiGraph()
    for node, label, name in [("d:cxr14", "Dataset", "ChestX-ray14"), ("d:chexpert", "Dataset", "CheXpert"),
                              ("m:cxr", "Modality", "chest X-ray"), ("m:histo", "Modality", "histopathology"),
                              ("t:cls", "Task", "classification"), ("x:pneu", "Disease", "pneumonia"),
                              ("n:resnet", "Model", "ResNet-50"), ("n:cls-model", "Model", "classification")]:
        g.add_node(node, label=label, name=name, id=node)
    for paper in ("P1", "P2", "P3"):
        g.add_node(paper, label="Paper", id=paper, title=f"Paper {paper} on chest radiographs and what they show",
                   abstract="We evaluate on ChestX-ray14. We study pneumonia.")
    g.add_edge("d:cxr14", "m:cxr", type="HAS_MODALITY")
    for paper in ("P1", "P2"):
        g.add_edge(paper, "d:cxr14", type="MENTIONS", role="evaluated", field="abstract", sentence_start=0, sentence_end=28)
        g.add_edge(paper, "t:cls", type="ADDRESSES")
    g.add_edge("P3", "d:chexpert", type="MENTIONS", role="mentioned")
    g.add_edge("P3", "m:histo", type="MENTIONS")
    g.add_edge("P1", "x:pneu", type="MENTIONS", role=None)
    g.add_edge("P1", "x:pneu", type="STUDIES", field="abstract", sentence_start=29, sentence_end=48)
    g.add_node("P1#result-1", label="Result", id="P1#result-1", metric="AUC", value="0.91", kind="score",
               sentence="ResNet-50 reaches an AUC of 0.91 on ChestX-ray14.")
    g.add_edge("P1", "P1#result-1", type="REPORTS")
    g.add_edge("P1#result-1", "n:resnet", type="FOR_MODEL")
    g.add_edge("P1#result-1", "d:cxr14", type="ON_DATASET")
    return g


def test_every_label_has_a_colour():
    assert set(NODE_PROPERTIES) <= set(label_colours())


@pytest.mark.parametrize("text, limit, expected", [
    ("Data sets for multi-label classification of chest radiographs", 34, "Data sets for multi-label…"),
    ("classification", 26, "classification"),
    ("Pneumonoultramicroscopicsilicovolcanoconiosis screening", 26, "Pneumonoultramicroscopics…"),
    ("A survey: methods, data, and metrics", 22, "A survey: methods…"),
])
def test_a_caption_is_cut_at_a_word_with_an_ellipsis(text, limit, expected):
    assert short_caption(text, limit) == expected and len(expected) <= limit


def test_a_paper_and_a_disease_it_studies_and_names_are_joined_by_one_edge():
    g = small_graph()
    assert fact_edges(g, "P1", "x:pneu") == ("studies", {"evidence": "We study pneumonia."})
    assert fact_edges(g, "P1", "d:cxr14")[0] == "evaluated"
    assert fact_edges(g, "P3", "d:chexpert")[0] == "mentions"
    assert fact_edges(g, "d:cxr14", "P1") is None


def test_the_overview_counts_the_papers_that_use_a_data_set_not_those_that_name_it():
    view = usage_overview(small_graph())
    assert "d:cxr14" in view.nodes and "d:chexpert" not in view.nodes and "m:histo" not in view.nodes
    assert view.nodes["d:cxr14"]["papers using it"] == 2
    assert view.edges[("d:cxr14", "m:cxr", "2 papers")]["using papers"] == 2
    assert ("d:cxr14", "t:cls", "2 papers") in view.edges


def test_the_overview_keeps_to_its_node_limit():
    g = small_graph()
    for i in range(30):
        g.add_node(f"d:{i}", label="Dataset", name=f"Set {i}", id=f"d:{i}")
        g.add_node(f"t:{i}", label="Task", name=f"task {i}", id=f"t:{i}")
        g.add_edge("P1", f"d:{i}", type="MENTIONS", role="trained")
        g.add_edge(f"d:{i}", f"t:{i}", type="FOR_TASK")
    view = usage_overview(g, limit=20)
    assert 10 <= len(view.nodes) <= 20
    assert all(s in view.nodes and t in view.nodes for s, t, _ in view.edges)


def test_an_entity_view_draws_a_result_as_an_edge_with_its_value():
    view = entity_view(small_graph(), "d:cxr14")
    assert ("n:resnet", "d:cxr14", "AUC 0.91") in view.edges
    assert view.edges[("n:resnet", "d:cxr14", "AUC 0.91")]["evidence"].startswith("ResNet-50 reaches")
    assert ("P1", "d:cxr14", "evaluated") in view.edges and ("d:cxr14", "m:cxr", "modality") in view.edges
    assert "P1#result-1" not in view.nodes


class Leaderboard:
    """A query as load_library gives it, with draw lines like the library's leaderboard."""

    name, title, files = "board", "Leaderboard", {}
    drawings = ["model:Model -[{metric} {value}]-> dataset:Dataset if kind = score",
                "model:Model -[{metric} +{value}]-> dataset:Dataset if kind = improvement",
                "paper -[{metric} {value}]-> dataset:Dataset if model = null"]


def test_a_query_view_draws_one_edge_per_fact_with_its_value():
    rows = [
        {"model": "ResNet-50", "dataset": "ChestX-ray14", "metric": "AUC", "value": "0.91", "kind": "score", "paper": "P1"},
        {"model": "ResNet-50", "dataset": "ChestX-ray14", "metric": "AUC", "value": "0.91", "kind": "score", "paper": "P1"},
        {"model": "ResNet-50", "dataset": "ChestX-ray14", "metric": "AUC", "value": "3%", "kind": "improvement", "paper": "P2"},
        {"model": None, "dataset": "ChestX-ray14", "metric": "F1", "value": "0.8", "kind": "score", "paper": "P2"},
    ]
    view = query_view(small_graph(), Leaderboard(), rows, {"dataset": "ChestX-ray14"})
    assert set(view.edges) == {("n:resnet", "d:cxr14", "AUC 0.91"), ("n:resnet", "d:cxr14", "AUC +3%"),
                               ("P2", "d:cxr14", "F1 0.8")}
    assert view.edges[("n:resnet", "d:cxr14", "AUC +3%")]["paper"] == "P2"  # the row's values, on hover
    assert "4 rows, all drawn." in view.about


def test_a_query_view_finds_a_name_under_the_label_its_draw_line_gives():
    class Users:
        name, title, files = "users", "Users", {}
        drawings = ["paper -[{role}]-> $task:Task"]

    view = query_view(small_graph(), Users(), [{"paper": "P1", "role": "addresses"}], {"task": "classification"})
    assert list(view.edges) == [("P1", "t:cls", "addresses")]  # not the model named "classification"


@pytest.mark.parametrize("name", [name for name, q in load_library().items() if q.drawings])
def test_every_draw_line_of_the_library_draws_its_query_on_the_test_corpus(name, corpus_store):
    from kg.name_lookup import resolve_names
    from kg.queries import EmbeddedCypher
    from kg.stores.graph_reader import read_graph

    query = load_library()[name]
    cypher = EmbeddedCypher(corpus_store)
    values = resolve_names(query, query.bind({}), {}, cypher)
    rows = cypher(query.text("cypher"), values)
    view = query_view(read_graph(corpus_store), query, rows, values)
    assert rows and view.nodes
    assert all(s in view.nodes and t in view.nodes and text for s, t, text in view.edges)
    if any("-[" in line for line in query.drawings) and name not in ("top-new-entities", "external-ids", "disease-rollup"):
        assert view.edges, name


def test_the_reserve_is_bounded_and_says_what_it_left_out():
    g = small_graph()
    for i in range(10):
        g.add_node(f"Q{i}", label="Paper", id=f"Q{i}", title=f"Q{i}")
        g.add_edge(f"Q{i}", "d:cxr14", type="MENTIONS", role="trained")
    view = with_reserve(g, entity_view(g, "m:cxr"), most=8, per_node=5)
    assert len(view.nodes) + len(view.reserve_nodes) <= 8
    assert view.reserve_nodes.get("d:cxr14", view.nodes.get("d:cxr14"))["edges not in this page"] > 0
    data = page_data(g, view, written="today", papers=13)
    ids = {n["id"] for n in data["nodes"]}
    assert all(e["source"] in ids and e["target"] in ids for e in data["edges"])
    assert sum(n["shown"] for n in data["nodes"]) == len(view.nodes)

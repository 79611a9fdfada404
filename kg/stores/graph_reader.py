"""Reading a build's graph back from its embedded Cypher store into networkx, for the commands
that need the whole graph (`kg load neo4j`, `kg viz`, `kg stats --plot`): the store is always
there, while the GraphML export may have been left out (`kg build --exports`).

The graph has the attributes `read_graphml` gives: a node has its `label` and every property
of that label (None where missing, lists for list properties); an edge, keyed by its type,
has its `type` and the properties it holds. Labels and types come from the closed schema of
`kg.graph`.
"""

from __future__ import annotations

from pathlib import Path

import networkx as nx

from kg.graph import EDGE_TYPES, NODE_PROPERTIES
from kg.stores.cypher_connection import connect, run_query


def read_graph(store: Path) -> nx.MultiDiGraph:
    """The graph of the build in folder `store`, read from `store`/cypher."""
    connection = connect(Path(store) / "cypher")
    graph = nx.MultiDiGraph()
    for label in NODE_PROPERTIES:
        for row in run_query(connection, f"MATCH (n:{label}) RETURN n ORDER BY n.id"):
            _add_node(graph, label, row["n"])
    for kind in EDGE_TYPES:
        query = f"MATCH (a)-[r:{kind}]->(b) RETURN a.id AS source, b.id AS target, r ORDER BY source, target"
        for row in run_query(connection, query):
            _add_edge(graph, kind, row)
    return graph


def _add_node(graph: nx.MultiDiGraph, label: str, node: dict) -> None:
    properties = NODE_PROPERTIES[label]
    data = {name: node.get(name) for name in properties}
    for name, kind in properties.items():
        if kind == "STRING[]" and data[name] is None:
            data[name] = []
    graph.add_node(node["id"], label=label, **data)


def _add_edge(graph: nx.MultiDiGraph, kind: str, row: dict) -> None:
    data = {name: row["r"].get(name) for name in EDGE_TYPES[kind][0] if row["r"].get(name) is not None}
    graph.add_edge(row["source"], row["target"], key=kind, type=kind, **data)


def read_units(store: Path, keys: list[str]) -> nx.MultiDiGraph:
    """The part of the graph of the build in `store` that the units of `keys` (see kg.graph)
    hold now: each paper with its results and every edge from them, each entity node, each
    entity edge (a unit that is gone gives nothing), with the nodes their edges end at."""
    connection = connect(Path(store) / "cypher")
    graph = nx.MultiDiGraph()
    papers = [key[2:] for key in keys if key.startswith("1\t")]
    entities = [key[2:] for key in keys if key.startswith("2\t")]
    edges = [key[2:].split("\0") for key in keys if key.startswith("3\t")]
    ends: set[str] = set()
    if papers:
        for row in run_query(connection, "MATCH (p:Paper) WHERE p.id IN $ids RETURN p", {"ids": papers}):
            _add_node(graph, "Paper", row["p"])
        for row in run_query(connection, "MATCH (p:Paper)-[r]->(b) WHERE p.id IN $ids "
                                         "RETURN label(r) AS kind, p.id AS source, b.id AS target, r", {"ids": papers}):
            _add_edge(graph, row["kind"], row)
            ends.add(row["target"])
        for row in run_query(connection, "MATCH (p:Paper)-[:REPORTS]->(s:Result)-[r]->(b) WHERE p.id IN $ids "
                                         "RETURN label(r) AS kind, s.id AS source, b.id AS target, r", {"ids": papers}):
            _add_edge(graph, row["kind"], row)
            ends.add(row["target"])
    for start, kind, end in edges:
        rows = run_query(connection, f"MATCH (a)-[r:{kind}]->(b) WHERE a.id = $source AND b.id = $target "
                                     "RETURN a.id AS source, b.id AS target, r", {"source": start, "target": end})
        for row in rows:
            _add_edge(graph, kind, row)
            ends.update((start, end))
    wanted = sorted((set(entities) | ends) - set(graph.nodes) | {n for n in graph.nodes if "label" not in graph.nodes[n]})
    if wanted:
        for row in run_query(connection, "MATCH (n) WHERE n.id IN $ids RETURN label(n) AS label, n", {"ids": wanted}):
            if row["label"] in NODE_PROPERTIES:
                _add_node(graph, row["label"], row["n"])
    return graph

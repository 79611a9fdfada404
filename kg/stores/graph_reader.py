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
from kg.stores.cypher_store import connect, run_query


def read_graph(store: Path) -> nx.MultiDiGraph:
    """The graph of the build in folder `store`, read from `store`/cypher."""
    connection = connect(Path(store) / "cypher")
    graph = nx.MultiDiGraph()
    for label, properties in NODE_PROPERTIES.items():
        for row in run_query(connection, f"MATCH (n:{label}) RETURN n ORDER BY n.id"):
            node = row["n"]
            data = {name: node.get(name) for name in properties}
            for name, kind in properties.items():
                if kind == "STRING[]" and data[name] is None:
                    data[name] = []
            graph.add_node(node["id"], label=label, **data)
    for kind, (properties, _) in EDGE_TYPES.items():
        query = f"MATCH (a)-[r:{kind}]->(b) RETURN a.id AS source, b.id AS target, r ORDER BY source, target"
        for row in run_query(connection, query):
            data = {name: row["r"].get(name) for name in properties if row["r"].get(name) is not None}
            graph.add_edge(row["source"], row["target"], key=kind, type=kind, **data)
    return graph

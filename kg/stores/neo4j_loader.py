"""Loading the graph into Neo4j with the official driver.

Uniqueness constraints first, then batched `UNWIND $rows ... MERGE` statements in managed
write transactions (which the driver retries on transient errors), so that a re-run changes
nothing. The server keeps which build and which generation of it it holds (one `KgLoad`
node): after an update of that build, only the units the updates changed are sent (the
build's index lists them, kg/build_index.py), their old nodes and edges deleted first. Labels and relationship types spliced into the Cypher text come only from the closed
schema of `kg.graph`; every value is a query parameter. The same statements run unchanged on
the embedded store (see the tests).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import networkx as nx

from kg.graph import EDGE_TYPES, NODE_PROPERTIES
from kg.records import KGError

BATCH_SIZE = 1000


def constraint_statements() -> list[str]:
    """One uniqueness constraint on `id` per node label (Neo4j 5 syntax)."""
    return [
        f"CREATE CONSTRAINT {label.lower()}_id IF NOT EXISTS FOR (n:{label}) REQUIRE n.id IS UNIQUE"
        for label in NODE_PROPERTIES
    ]


def _batches(rows: list[Any]) -> Iterator[list[Any]]:
    for start in range(0, len(rows), BATCH_SIZE):
        yield rows[start : start + BATCH_SIZE]


def _present(rows: list[dict[str, Any]], properties: dict[str, str]) -> list[str]:
    """The properties some row of the batch has a value for: a column of nulls has no type an
    engine can infer, and setting it would only remove what is not there."""
    return [name for name in properties if any(row.get(name) is not None for row in rows)]


def merge_statements(graph: nx.MultiDiGraph) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    """(Cypher, a batch of rows) for every node label, then every relationship type and pair."""
    for label, properties in NODE_PROPERTIES.items():
        rows = sorted(
            ({name: d.get(name) for name in properties} for _, d in graph.nodes(data=True) if d["label"] == label),
            key=lambda row: row["id"],
        )
        for batch in _batches(rows):
            assignments = ", ".join(f"n.{name} = row.{name}" for name in _present(batch, properties) if name != "id")
            yield f"UNWIND $rows AS row MERGE (n:{label} {{id: row.id}})" + (f" SET {assignments}" if assignments else ""), batch
    for kind, (properties, pairs) in EDGE_TYPES.items():
        for source_label, target_label in pairs:
            rows = sorted(
                ({"source_id": a, "target_id": b, **{name: d.get(name) for name in properties}}
                 for a, b, d in graph.edges(data=True)
                 if d["type"] == kind and graph.nodes[a]["label"] == source_label and graph.nodes[b]["label"] == target_label),
                key=lambda row: (row["source_id"], row["target_id"]),
            )
            for batch in _batches(rows):
                query = (
                    f"UNWIND $rows AS row MATCH (a:{source_label} {{id: row.source_id}}) MATCH (b:{target_label} {{id: row.target_id}}) "
                    f"MERGE (a)-[r:{kind}]->(b)"
                )
                assignments = ", ".join(f"r.{name} = row.{name}" for name in _present(batch, properties))
                yield query + (f" SET {assignments}" if assignments else ""), batch


def connect(uri: str, user: str, password: str, *, attempts: int = 5, wait: float = 2.0):
    """A verified driver for the Neo4j server at `uri`, retried while it starts."""
    import neo4j
    from neo4j.exceptions import AuthError, ServiceUnavailable

    if not uri:
        raise KGError("give the Neo4j server: --neo4j-uri or NEO4J_URI (for example bolt://localhost:7687)")
    # no notifications: a library query names properties that a small build may not have yet
    driver = neo4j.GraphDatabase.driver(uri, auth=(user, password), notifications_min_severity="OFF")
    for attempt in range(1, attempts + 1):
        try:
            driver.verify_connectivity()
            return driver
        except AuthError as error:
            driver.close()
            raise KGError(f"Neo4j at {uri} refused the credentials: {error.message}") from None
        except (ServiceUnavailable, OSError) as error:
            if attempt == attempts:
                driver.close()
                raise KGError(f"cannot reach Neo4j at {uri}: {error}") from None
            time.sleep(wait * attempt)
    raise AssertionError("unreachable")


STATE_LABEL = "KgLoad"  # the one node that says which build the server holds


@dataclass(frozen=True)
class LoadReport:
    """What a load sent: "all" of the build, its "changes" since the generation the server
    held, or nothing ("current"); the rows sent and the nodes and edges they were of."""

    sent: str
    rows: int = 0
    nodes: int = 0
    edges: int = 0
    since: int | None = None


def load_build(store: Path, driver, *, database: str | None = None, progress=None) -> LoadReport:
    """Load the build in folder `store` into Neo4j: all of it, or only what changed since the
    generation of the same build the server holds."""
    from kg.build_index import changes_since, read_meta
    from kg.stores.graph_reader import read_graph, read_units

    meta = read_meta(store)
    build, generation = meta.get("build"), int(meta.get("generation") or 0)
    with driver.session(database=database) as session:
        for statement in constraint_statements():
            session.run(statement).consume()
        held = session.run(f"MATCH (s:{STATE_LABEL}) RETURN s.build AS build, s.generation AS generation").single()
    keys = None
    if build and held and held["build"] == build:
        if held["generation"] == generation:
            return LoadReport("current")
        keys = changes_since(store, held["generation"]) if held["generation"] < generation else None
    if keys is None:
        graph = read_graph(store)
        rows = load_into_neo4j(graph, driver, database=database, progress=progress)
        report = LoadReport("all", rows, graph.number_of_nodes(), graph.number_of_edges())
    else:
        graph = read_units(store, keys)
        with driver.session(database=database) as session:
            for query, parameters in delete_statements(keys, graph):
                session.execute_write(lambda tx, q=query, p=parameters: tx.run(q, **p).consume())
        rows = load_into_neo4j(graph, driver, database=database, progress=progress)
        report = LoadReport("changes", rows, graph.number_of_nodes(), graph.number_of_edges(), held["generation"])
    with driver.session(database=database) as session:
        session.execute_write(lambda tx: tx.run(
            f"MERGE (s:{STATE_LABEL}) SET s.build = $build, s.generation = $generation",
            build=build, generation=generation).consume())
    return report


def describe_load(report: LoadReport) -> str:
    """One line on what a load sent."""
    if report.sent == "current":
        return "Neo4j holds this build as it is; nothing to send"
    what = "the build" if report.sent == "all" else f"what changed since generation {report.since} of the build"
    return f"loaded {what}: {report.nodes} nodes and {report.edges} edges ({report.rows} rows merged)"


def delete_statements(keys: list[str], now: nx.MultiDiGraph) -> Iterator[tuple[str, dict[str, Any]]]:
    """(Cypher, parameters) that delete from Neo4j what the units of `keys` held before an
    update: each paper with its results, each entity edge, and each entity node that `now`
    (what those units hold after it) lacks. Labels come from the schema only."""
    papers = [key[2:] for key in keys if key.startswith("1\t")]
    if papers:
        for batch in _batches(papers):
            yield ("UNWIND $ids AS id MATCH (p:Paper {id: id}) OPTIONAL MATCH (p)-[:REPORTS]->(r:Result) DETACH DELETE p, r",
                   {"ids": batch})
    edges: dict[str, list[dict[str, str]]] = {}
    for key in keys:
        if key.startswith("3\t"):
            start, kind, end = key[2:].split("\0")
            edges.setdefault(kind, []).append({"f": start, "t": end})
    for kind, pairs in edges.items():
        for source_label, target_label in EDGE_TYPES[kind][1]:
            for batch in _batches(pairs):
                yield (f"UNWIND $pairs AS p MATCH (a:{source_label} {{id: p.f}})-[r:{kind}]->(b:{target_label} {{id: p.t}}) "
                       "DELETE r", {"pairs": batch})
    gone = [key[2:] for key in keys if key.startswith("2\t") and key[2:] not in now]
    if gone:
        for label in NODE_PROPERTIES:
            if label not in ("Paper", "Result"):
                for batch in _batches(gone):
                    yield f"UNWIND $ids AS id MATCH (n:{label} {{id: id}}) DETACH DELETE n", {"ids": batch}


def load_into_neo4j(graph: nx.MultiDiGraph, driver, *, database: str | None = None, progress=None) -> int:
    """MERGE every node and edge of `graph` (the constraints made first: `load_build` makes
    them); returns the number of rows sent."""
    sent = 0
    with driver.session(database=database) as session:
        for query, rows in merge_statements(graph):
            session.execute_write(lambda tx, q=query, r=rows: tx.run(q, rows=r).consume())
            sent += len(rows)
            if progress:
                progress(len(rows))
    return sent


def neo4j_counts(driver, *, database: str | None = None) -> tuple[dict[str, int], dict[str, int]]:
    """(nodes per label, edges per type) in the Neo4j server, as `cypher_counts` reads them
    from the embedded store."""
    nodes, _, _ = driver.execute_query(f"MATCH (n) WHERE NOT n:{STATE_LABEL} UNWIND labels(n) AS label RETURN label, count(*) AS n",
                                       database_=database)
    edges, _, _ = driver.execute_query("MATCH ()-[r]->() RETURN type(r) AS type, count(*) AS n", database_=database)
    return (dict(sorted((record["label"], record["n"]) for record in nodes)),
            dict(sorted((record["type"], record["n"]) for record in edges)))

"""Loading the graph into Neo4j with the official driver.

Uniqueness constraints first, then batched `UNWIND $rows ... MERGE` statements in managed
write transactions (which the driver retries on transient errors), so that a re-run changes
nothing. Labels and relationship types spliced into the Cypher text come only from the closed
schema of `kg.graph`; every value is a query parameter. The same statements run unchanged on
the embedded store (see the tests).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
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


def _batches(rows: list[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
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


def load_into_neo4j(graph: nx.MultiDiGraph, driver, *, database: str | None = None, progress=None) -> int:
    """Create the constraints and MERGE the whole graph; returns the number of rows sent."""
    sent = 0
    with driver.session(database=database) as session:
        for statement in constraint_statements():
            session.run(statement).consume()
        for query, rows in merge_statements(graph):
            session.execute_write(lambda tx, q=query, r=rows: tx.run(q, rows=r).consume())
            sent += len(rows)
            if progress:
                progress(len(rows))
    return sent


def neo4j_counts(driver, *, database: str | None = None) -> tuple[dict[str, int], dict[str, int]]:
    """(nodes per label, edges per type) in the Neo4j server, as `cypher_counts` reads them
    from the embedded store."""
    nodes, _, _ = driver.execute_query("MATCH (n) UNWIND labels(n) AS label RETURN label, count(*) AS n", database_=database)
    edges, _, _ = driver.execute_query("MATCH ()-[r]->() RETURN type(r) AS type, count(*) AS n", database_=database)
    return (dict(sorted((record["label"], record["n"]) for record in nodes)),
            dict(sorted((record["type"], record["n"]) for record in edges)))

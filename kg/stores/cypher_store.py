"""The embedded Cypher store: LadybugDB (the maintained fork of Kùzu), no server needed.

The graph is bulk-loaded with `COPY FROM` Parquet files, one per node label and per edge
type and label pair; row-by-row MERGE is the slow path and is kept for Neo4j only.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import ladybug
import networkx as nx
import pyarrow as pa
import pyarrow.parquet as pq

from kg.graph import EDGE_TYPES, NODE_PROPERTIES
from kg.records import KGError

ARROW_TYPES = {"STRING": pa.string(), "INT64": pa.int64(), "DOUBLE": pa.float64(), "BOOLEAN": pa.bool_(), "STRING[]": pa.list_(pa.string())}


def schema_statements() -> list[str]:
    """CREATE statements for every node and relationship table of the schema."""
    statements = []
    for label, properties in NODE_PROPERTIES.items():
        columns = ", ".join(f"{name} {kind}" for name, kind in properties.items())
        statements.append(f"CREATE NODE TABLE {label}({columns}, PRIMARY KEY(id))")
    for kind, (properties, pairs) in EDGE_TYPES.items():
        ends = ", ".join(f"FROM {a} TO {b}" for a, b in pairs)
        columns = "".join(f", {name} {column}" for name, column in properties.items())
        statements.append(f"CREATE REL TABLE {kind}({ends}{columns})")
    return statements


def _table(rows: list[dict[str, Any]], columns: dict[str, str]) -> pa.Table:
    schema = pa.schema([(name, ARROW_TYPES[kind]) for name, kind in columns.items()])
    return pa.Table.from_pylist([{name: row.get(name) for name in columns} for row in rows], schema=schema)


def write_cypher_store(graph: nx.MultiDiGraph, path: Path) -> None:
    """Create a LadybugDB database at `path` holding the graph."""
    connection = ladybug.Connection(ladybug.Database(str(path)))
    for statement in schema_statements():
        connection.execute(statement)
    with tempfile.TemporaryDirectory() as scratch:
        for label, columns in NODE_PROPERTIES.items():
            rows = sorted((d for _, d in graph.nodes(data=True) if d["label"] == label), key=lambda d: d["id"])
            if rows:
                file = Path(scratch, f"{label}.parquet")
                pq.write_table(_table(rows, columns), file)
                connection.execute(f"COPY {label} FROM '{file}'")
        for kind, (properties, pairs) in EDGE_TYPES.items():
            columns = {"from": "STRING", "to": "STRING", **properties}
            for source_label, target_label in pairs:
                rows = sorted(
                    ({"from": a, "to": b, **d} for a, b, d in graph.edges(data=True)
                     if d["type"] == kind and graph.nodes[a]["label"] == source_label and graph.nodes[b]["label"] == target_label),
                    key=lambda d: (d["from"], d["to"]),
                )
                if rows:
                    file = Path(scratch, f"{kind}_{source_label}_{target_label}.parquet")
                    pq.write_table(_table(rows, columns), file)
                    ends = f"(from='{source_label}', to='{target_label}')" if len(pairs) > 1 else ""
                    connection.execute(f"COPY {kind} FROM '{file}' {ends}")


def connect(path: Path, *, read_only: bool = True) -> ladybug.Connection:
    """A connection to the store at `path`."""
    if not Path(path).exists():
        raise KGError(f"no embedded Cypher store at {path}; run `kg build` first")
    return ladybug.Connection(ladybug.Database(str(path), read_only=read_only))


def run_query(connection: ladybug.Connection, query: str, parameters: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """The rows of a Cypher query as dicts (parameters are bound, never pasted in)."""
    result = connection.execute(query, parameters or {})
    names = result.get_column_names()
    rows = []
    while result.has_next():
        rows.append(dict(zip(names, result.get_next())))
    return rows


def cypher_counts(connection: ladybug.Connection) -> tuple[dict[str, int], dict[str, int]]:
    """(nodes per label, edges per type), read from the store itself."""
    nodes = {r["label"]: r["n"] for r in run_query(connection, "MATCH (n) RETURN label(n) AS label, count(*) AS n")}
    edges = {r["type"]: r["n"] for r in run_query(connection, "MATCH ()-[r]->() RETURN label(r) AS type, count(*) AS n")}
    return dict(sorted(nodes.items())), dict(sorted(edges.items()))

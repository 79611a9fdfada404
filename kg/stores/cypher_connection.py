"""Opening the embedded Cypher store (LadybugDB) and reading it: all a query needs, without the
Arrow and Parquet machinery that writes the store (kg/stores/cypher_store.py), so that `kg
query` starts quickly."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.records import KGError

if TYPE_CHECKING:
    import ladybug


def connect(path: Path, *, read_only: bool = True) -> ladybug.Connection:
    """A connection to the store at `path`."""
    if not Path(path).exists():
        raise KGError(f"no embedded Cypher store at {path}; run `kg build` first")
    import ladybug

    # LadybugDB's default buffer pool (80% of the machine's memory): a bounded one (4 GB) opened
    # 0.05 s sooner but failed papers-adapting-model at 100k papers ("buffer pool is full")
    return ladybug.Connection(ladybug.Database(str(path), read_only=read_only))


def run_query(connection: ladybug.Connection, query: str, parameters: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """The rows of a Cypher query as dicts (parameters are bound, never pasted in)."""
    result = connection.execute(query, parameters or {})
    names = result.get_column_names()
    rows = []
    while result.has_next():
        rows.append(dict(zip(names, result.get_next())))
    return rows


NODE_COUNTS = "MATCH (n) RETURN label(n) AS label, count(*) AS n"


def cypher_counts(connection: ladybug.Connection) -> tuple[dict[str, int], dict[str, int]]:
    """(nodes per label, edges per type), read from the store itself."""
    nodes = {r["label"]: r["n"] for r in run_query(connection, NODE_COUNTS)}
    edges = {r["type"]: r["n"] for r in run_query(connection, "MATCH ()-[r]->() RETURN label(r) AS type, count(*) AS n")}
    return dict(sorted(nodes.items())), dict(sorted(edges.items()))

"""The embedded Cypher store: LadybugDB (the maintained fork of Kùzu), no server needed.

The graph is bulk-loaded with `COPY FROM` one Parquet file for each node label and each edge
type and label pair, to which the parts of each chunk of papers are appended as they come;
row-by-row MERGE is the slow path and is kept for Neo4j only.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import re
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.parquet as pq

from kg import config
from kg.graph import EDGE_TYPES, NODE_PROPERTIES, GraphRows, entity_key
# opening and querying a store, kept apart so that a query need not import Arrow
from kg.stores.cypher_connection import connect, cypher_counts, run_query  # noqa: F401 (re-exported)
from kg.stores.sink import Sink

if TYPE_CHECKING:  # ladybug is imported where a store is opened: a build's workers never need it
    import ladybug

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
    return pa.Table.from_pydict({name: [row.get(name) for row in rows] for name in columns}, schema=schema)


def table_name(key: str | tuple[str, str, str]) -> str:
    """The name of the Parquet part of a node label or an (edge type, from, to) key."""
    return key if isinstance(key, str) else "_".join(key)


def parquet_parts(rows: GraphRows) -> dict[str, bytes]:
    """The rows as Parquet files, one per node label and per edge type and label pair."""
    parts = {}
    for label, found in rows.nodes.items():
        parts[table_name(label)] = _parquet(_table(found, NODE_PROPERTIES[label]))
    for key, found in rows.edges.items():
        columns = {"from": "STRING", "to": "STRING", **EDGE_TYPES[key[0]][0]}
        parts[table_name(key)] = _parquet(_table(found, columns))
    return parts


def _parquet(table: pa.Table) -> bytes:
    sink = pa.BufferOutputStream()
    # statistics and dictionaries of long text columns cost more to write than they save LadybugDB
    pq.write_table(table, sink, use_dictionary=False, write_statistics=False)
    return sink.getvalue().to_pybytes()


class CypherTables:
    """One Parquet file per table of the Cypher store under `folder`, to which each chunk's
    parts (as `parquet_parts` makes them) are appended as they come, a row group each: the
    store is then bulk-loaded with one COPY FROM per table, as LadybugDB loads fastest."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.seconds = 0.0  # CPU time spent appending
        self._writers: dict[str, pq.ParquetWriter] = {}

    def add(self, parts: dict[str, bytes]) -> None:
        """Append the parts (Parquet files, by table name) to their tables."""
        start = time.thread_time()
        for name, data in parts.items():
            table = pq.read_table(pa.BufferReader(data))
            if name not in self._writers:
                self._writers[name] = pq.ParquetWriter(self.folder / f"{name}.parquet", table.schema,
                                                       use_dictionary=False, write_statistics=False)
            self._writers[name].write_table(table)
        self.seconds += time.thread_time() - start

    def close(self) -> None:
        for writer in self._writers.values():
            writer.close()
        self._writers.clear()


class CypherSink(Sink):
    """The embedded Cypher store of a build: each chunk's rows as Parquet parts, appended to
    the tables as they come, bulk-loaded into LadybugDB at the end."""

    name = stage = "cypher"

    def __init__(self, scratch: Path, exports: tuple[str, ...] = ()):
        self.scratch = Path(scratch)
        self.tables = CypherTables(self.scratch)
        self.seconds = {"append cypher": 0.0}

    @staticmethod
    def encode(rows: list[GraphRows]) -> dict[str, bytes]:
        """The rows as Parquet files, by table name (see `parquet_parts`)."""
        merged = GraphRows()
        for part in rows:
            merged.extend(part)
        return parquet_parts(merged)

    def add(self, index: str, part: dict[str, bytes]) -> None:
        self.tables.add(part)

    def finish(self, folder: Path) -> None:
        self.close()
        self.seconds["append cypher"] = self.tables.seconds
        # a load too small to checkpoint midway is too small for the memory to matter
        if sum(file.stat().st_size for file in self.scratch.glob("*.parquet")) >= config.CYPHER_CHECKPOINT_BYTES:
            _give_back_memory()
        write_cypher_store(Path(folder, "cypher"), self.scratch)

    def close(self) -> None:
        self.tables.close()


def _give_back_memory() -> None:
    """Hand the memory the analysis freed back to the system before LadybugDB's bulk load
    takes its own: Arrow's allocator and glibc's keep freed memory for reuse, which the load,
    with an allocator of its own, cannot use (a quarter of the build's memory at 10k papers)."""
    gc.collect()
    pa.default_memory_pool().release_unused()
    try:
        ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: nothing to trim
        pass


def write_cypher_store(path: Path, tables: Path) -> None:
    """Create a LadybugDB database at `path` and bulk-load it from the Parquet files under
    `tables` (one per table, named as `table_name` names them)."""
    import ladybug

    database = ladybug.Database(str(path), buffer_pool_size=config.CYPHER_BUFFER_POOL_BYTES, auto_checkpoint=False)
    connection = ladybug.Connection(database)
    for statement in schema_statements():
        connection.execute(statement)
    _copy_tables(connection, tables)
    connection.close()
    database.close()


def _copy_tables(connection: ladybug.Connection, tables: Path) -> None:
    """COPY every Parquet file under `tables` into its table (nodes first), checkpointing as
    config.CYPHER_CHECKPOINT_BYTES says."""
    loads = [(label, Path(tables, f"{label}.parquet"), "") for label in NODE_PROPERTIES]
    for kind, (_, pairs) in EDGE_TYPES.items():
        for source_label, target_label in pairs:
            ends = f"(from='{source_label}', to='{target_label}')" if len(pairs) > 1 else ""
            loads.append((kind, Path(tables, f"{table_name((kind, source_label, target_label))}.parquet"), ends))
    unsaved = 0
    for table, file, ends in loads:
        if file.exists():
            connection.execute(f"COPY {table} FROM {_path_literal(file)} {ends}")
            unsaved += file.stat().st_size
            if unsaved >= config.CYPHER_CHECKPOINT_BYTES:
                connection.execute("CHECKPOINT")
                unsaved = 0
    connection.execute("CHECKPOINT")


class CypherUpdate:
    """What an update changes in the Cypher store: the old rows of the units it replaces or
    removes (`remove`), the rows of the new ones (`add_parts`, `add_rows`); `apply` makes the
    new store a copy of the old one with those changes."""

    def __init__(self, scratch: Path):
        self.tables = CypherTables(scratch)
        self.papers: set[str] = set()
        self.nodes: dict[str, set[str]] = {}  # entity nodes of old rows, by label
        self.edges: dict[tuple[str, str, str], list[dict[str, str]]] = {}  # entity edges of old rows
        self.updates: dict[str, list[dict[str, Any]]] = {}  # entity nodes whose properties changed

    def remove(self, rows: GraphRows) -> None:
        """Take the old rows of a unit that is replaced or gone."""
        for label, found in rows.nodes.items():
            if label == "Paper":
                self.papers.update(row["id"] for row in found)
            elif label != "Result":  # a paper's results go with it
                self.nodes.setdefault(label, set()).update(row["id"] for row in found)
        for key, found in rows.edges.items():
            if key[1] not in ("Paper", "Result"):  # a paper's edges go with it
                self.edges.setdefault(key, []).extend({"f": row["from"], "t": row["to"]} for row in found)

    def add_parts(self, parts: dict[str, bytes]) -> None:
        """Take new rows as Parquet parts (as CypherSink.encode makes them)."""
        self.tables.add(parts)

    def add_rows(self, units: list[GraphRows], existed: set[str]) -> None:
        """Take the new rows of entity and entity edge units; an entity whose key (see
        kg.graph.entity_key) is in `existed` keeps its node and edges, and gets its new
        properties."""
        fresh = GraphRows()
        for rows in units:
            for label, found in rows.nodes.items():
                for row in found:
                    if entity_key(row["id"]) in existed:
                        self.updates.setdefault(label, []).append(row)
                    else:
                        fresh.add_node(label, row)
            for (kind, start, end), found in rows.edges.items():
                for row in found:
                    fresh.add_edge(kind, start, end, row)
        if len(fresh):
            self.add_parts(CypherSink.encode([fresh]))

    def apply(self, old: Path, new: Path) -> None:
        """Make the store `new` a copy of `old` with the changes taken."""
        import shutil

        import ladybug

        self.tables.close()
        shutil.copyfile(old, new)
        database = ladybug.Database(str(new), buffer_pool_size=config.CYPHER_BUFFER_POOL_BYTES, auto_checkpoint=False)
        connection = ladybug.Connection(database)
        try:
            for (kind, start, end), pairs in self.edges.items():
                connection.execute(f"UNWIND $pairs AS p MATCH (a:{start} {{id: p.f}})-[r:{kind}]->(b:{end} {{id: p.t}}) DELETE r",
                                   {"pairs": pairs})
            if self.papers:
                ids = sorted(self.papers)
                connection.execute("MATCH (p:Paper)-[:REPORTS]->(r:Result) WHERE p.id IN $ids DETACH DELETE r", {"ids": ids})
                connection.execute("MATCH (p:Paper) WHERE p.id IN $ids DETACH DELETE p", {"ids": ids})
            for label, ids in self.nodes.items():
                kept = {row["id"] for row in self.updates.get(label, [])}
                if gone := sorted(ids - kept):
                    connection.execute(f"MATCH (n:{label}) WHERE n.id IN $ids DETACH DELETE n", {"ids": gone})
            for label, rows in self.updates.items():
                names = [name for name in NODE_PROPERTIES[label] if name != "id"]
                assignments = ", ".join(f"n.{name} = row.{name}" for name in names)
                rows = [{name: row.get(name) for name in ("id", *names)} for row in rows]
                connection.execute(f"UNWIND $rows AS row MATCH (n:{label} {{id: row.id}}) SET {assignments}", {"rows": rows})
            _copy_tables(connection, self.tables.folder)
        finally:
            connection.close()
            database.close()


def _path_literal(path: Path) -> str:
    """`path` as a Cypher string literal that COPY FROM reads as exactly that one file: its
    glob characters in brackets, then quotes and backslashes escaped."""
    pattern = re.sub(r"([*?\[\]])", r"[\1]", str(path))
    return "'" + pattern.replace("\\", "\\\\").replace("'", "\\'") + "'"

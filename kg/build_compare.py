"""Comparing two builds as a user would see them: the same text files byte for byte, the same
node and edge counts in each store, and the same answer to every question of the query library
in both languages. An update is checked against a full build of the same papers this way (the
tests, benchmarks/bench_update.py)."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from kg.build_index import INDEX_FILE
from kg.queries import EmbeddedCypher, load_library, run_sparql
from kg.stores.text_outputs import text_outputs


def _comparable(rows: list[dict[str, Any]]) -> list[tuple]:
    def value(v: Any) -> Any:
        if isinstance(v, float):
            return round(v, 9)
        if isinstance(v, list):
            return tuple(map(value, v))
        if isinstance(v, dict):
            return tuple(sorted((k, value(x)) for k, x in v.items()))
        return v

    return [tuple((k, value(v)) for k, v in sorted(row.items())) for row in rows]


def differences(first: Path, second: Path, exports: tuple[str, ...] | None = None, *, sparql: bool = True) -> list[str]:
    """What differs between the builds in two folders (an empty list when nothing does): each
    text file (every file of `exports`, by default those both builds' indexes name), the node
    and edge counts of both stores, the rows of every library query, in order, in Cypher and
    (with `sparql`) in SPARQL, and the triples of the RDF stores."""
    from kg.stores.cypher_connection import connect, cypher_counts
    from kg.stores.rdf_store import open_store, rdf_counts

    first, second, found = Path(first), Path(second), []
    paths = [output.path for output in text_outputs(exports)] if exports is not None else _text_files(first)
    for path in paths + ["manifest.json"]:
        a, b = first / path, second / path
        if a.exists() != b.exists():
            found.append(f"{path}: in one build only")
        elif a.exists() and not _same_bytes(a, b):
            found.append(f"{path}: the bytes differ")
    if cypher_counts(connect(first / "cypher")) != cypher_counts(connect(second / "cypher")):
        found.append("the Cypher store's counts differ")
    if rdf_counts(open_store(first / "rdf")) != rdf_counts(open_store(second / "rdf")):
        found.append("the RDF store's counts differ")
    if triples_digest(first) != triples_digest(second):
        found.append("the RDF stores hold different triples")
    cypher = [EmbeddedCypher(first), EmbeddedCypher(second)]
    for name, query in sorted(load_library().items()):
        parameters = query.bind({})
        if _comparable(cypher[0](query.text("cypher"), parameters)) != _comparable(cypher[1](query.text("cypher"), parameters)):
            found.append(f"query {name} (Cypher): the rows differ")
        if sparql and "sparql" in query.files:
            text = query.text("sparql")
            if _comparable(run_sparql(first, text, parameters)) != _comparable(run_sparql(second, text, parameters)):
                found.append(f"query {name} (SPARQL): the rows differ")
    return found


def triples_digest(folder: Path) -> tuple[int, int]:
    """(how many, a sum of digests) of the triples of a build's RDF store: the same for two
    stores that hold the same triples, whatever order they were loaded in."""
    from kg.stores.rdf_store import open_store

    count = total = 0
    for quad in open_store(Path(folder) / "rdf"):
        total = (total + int.from_bytes(hashlib.blake2b(str(quad).encode(), digest_size=8).digest(), "little")) % (1 << 64)
        count += 1
    return count, total


def _text_files(folder: Path) -> list[str]:
    from kg.build_index import read_meta

    outputs = read_meta(folder).get("outputs")
    if outputs is None:
        raise FileNotFoundError(f"{folder / INDEX_FILE}: no index to name the build's text files")
    return outputs.split("\n")


def _same_bytes(a: Path, b: Path) -> bool:
    if a.stat().st_size != b.stat().st_size:
        return False
    with open(a, "rb") as one, open(b, "rb") as other:
        while True:
            block = one.read(1 << 20)
            if block != other.read(1 << 20):
                return False
            if not block:
                return True

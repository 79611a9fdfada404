"""The index of a build (`index.sqlite`): what an update needs to touch only what changed.

It is the SQLite file the build gathered its papers in (kg/paper_sets.py: each paper once,
under every key it is known by), kept, with:

- `analysis`: each paper's analysis, under a digest of its title and abstract, and the
  entities and entity edges it contributes, which an update merges again with the new ones;
- `unit`: each unit of the graph (a paper, an entity, an entity edge; see kg.graph), in key
  order, with its length in each text output (so an update copies unchanged runs), and, for
  an entity or entity edge, its rows and their digest (so an update finds those that changed
  and can remove their old triples from the RDF store);
- `change`: the keys of the units each update replaced or removed, by generation, which
  `kg load neo4j` reads to send a server only what it lacks;
- `meta`: the extractor's key and the text outputs the lengths are of, the build's id and
  generation.

The extractor's key covers everything an analysis depends on: the kg version, its source and
the ontology. When it changes, every paper is analyzed again.
"""

from __future__ import annotations

import hashlib
import json
import pickle
import sqlite3
import uuid
from array import array
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from kg import __version__
from kg.graph import GraphRows, contribution
from kg.ontology import Ontology
from kg.records import PaperAnalysis

INDEX_FILE = "index.sqlite"
FORMAT = "1"

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta(name TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS analysis(id TEXT PRIMARY KEY, text BLOB, data BLOB, shared BLOB) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS unit(key TEXT PRIMARY KEY, lengths BLOB, digest BLOB, rows BLOB) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS change(generation INTEGER, key TEXT, PRIMARY KEY(generation, key)) WITHOUT ROWID;
"""


def text_digest(title: str, abstract: str) -> bytes:
    """The digest under which a paper's analysis is kept: of the text the extractor reads."""
    return hashlib.sha1(f"{title}\0{abstract}".encode("utf-8", "surrogatepass")).digest()


def rows_digest(rows: GraphRows) -> bytes:
    return hashlib.sha1(pickle.dumps((rows.nodes, rows.edges), protocol=5)).digest()


# The source an analysis, and the text and rows a build makes of it, depend on (relative to the
# package): a change to any of them may change what a build holds
EXTRACTOR_SOURCE = (
    "extract", "analysis.py", "link.py", "results.py", "result_clauses.py", "roles.py", "relations.py",
    "families.py", "name_lookup.py", "entities.py", "ontology.py", "phenotypes.py", "text.py", "records.py",
    "config.py", "papers.py", "graph.py", "stores/rdf_store.py", "stores/exports.py", "stores/text_outputs.py",
    "stores/cypher_store.py",
)


def extractor_key(ontology: Ontology) -> str:
    """What an analysis depends on, as text: the kg version, a digest of the source that makes
    analyses and their rows (EXTRACTOR_SOURCE) and one of the ontology's concepts."""
    source = hashlib.sha1()
    package = Path(__file__).parent
    for name in EXTRACTOR_SOURCE:
        for path in sorted(package.joinpath(name).rglob("*.py")) if package.joinpath(name).is_dir() else [package / name]:
            source.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    concepts = hashlib.sha1(repr(sorted(ontology.concepts.items())).encode("utf-8", "surrogatepass"))
    return f"kg {__version__}, source {source.hexdigest()[:12]}, ontology {concepts.hexdigest()[:12]}"


class BuildIndex:
    """The index tables on an open SQLite connection (the paper spool's)."""

    def __init__(self, db: sqlite3.Connection):
        self.db = db
        for statement in SCHEMA.split(";"):
            if statement.strip():
                db.execute(statement)

    @classmethod
    def read_only(cls, path: Path) -> BuildIndex:
        """The index in the file `path`, to read."""
        index = cls.__new__(cls)
        index.db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        return index

    # meta
    def get(self, name: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE name = ?", (name,)).fetchone()
        return row[0] if row else None

    def set(self, name: str, value: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (name, value))

    def why_rebuild(self, key: str, outputs: list[str]) -> str | None:
        """Why an update cannot reuse this index (None when it can)."""
        if self.get("format") != FORMAT:
            return "the build's index is of another format"
        if self.get("extractor") != key:
            return f"the extractor changed (was {self.get('extractor')}; now {key})"
        if self.get("outputs") != "\n".join(outputs):
            return "the exports asked for changed"
        return None

    def note_sizes(self, folder: Path, outputs: Iterable[Any]) -> None:
        """Keep the size of each text output written in `folder`."""
        self.set("sizes", json.dumps({output.path: Path(folder, output.path).stat().st_size for output in outputs}))

    def files_intact(self, folder: Path) -> bool:
        """Whether the text outputs in `folder` have the sizes they were written with (an
        update copies their bytes by the lengths the index keeps)."""
        sizes = json.loads(self.get("sizes") or "{}")
        try:
            return bool(sizes) and all(Path(folder, path).stat().st_size == size for path, size in sizes.items())
        except OSError:
            return False

    def analyses_valid(self, key: str) -> bool:
        """Whether the analyses kept were made by the extractor of `key`."""
        return self.get("format") == FORMAT and self.get("extractor") == key

    def start(self, key: str, outputs: list[str]) -> None:
        """Mark the index as a new build's: a new id, generation 1, no units yet."""
        self.db.execute("DELETE FROM unit")
        self.db.execute("DELETE FROM change")
        for name, value in (("format", FORMAT), ("extractor", key), ("outputs", "\n".join(outputs)),
                            ("build", uuid.uuid4().hex), ("generation", "1")):
            self.set(name, value)

    def forget_analyses(self) -> None:
        self.db.execute("DELETE FROM analysis")

    @property
    def generation(self) -> int:
        return int(self.get("generation") or 0)

    # analyses
    def analysis(self, paper_id: str, text: bytes) -> PaperAnalysis | None:
        """The kept analysis of the paper with that id and text digest (its `paper` unset)."""
        row = self.db.execute("SELECT data FROM analysis WHERE id = ? AND text = ?", (paper_id, text)).fetchone()
        return pickle.loads(row[0]) if row else None

    def old_analysis(self, paper_id: str) -> PaperAnalysis | None:
        row = self.db.execute("SELECT data FROM analysis WHERE id = ?", (paper_id,)).fetchone()
        return pickle.loads(row[0]) if row else None

    def put_analysis(self, analysis: PaperAnalysis, shared: GraphRows) -> None:
        paper = analysis.paper
        data = pickle.dumps(replace(analysis, paper=None), protocol=5)
        contributed = pickle.dumps(contribution(shared), protocol=5)
        self.db.execute("INSERT OR REPLACE INTO analysis VALUES (?, ?, ?, ?)",
                        (paper.id, text_digest(paper.title, paper.abstract), data, contributed))

    def drop_analyses(self, paper_ids: Iterable[str]) -> None:
        self.db.executemany("DELETE FROM analysis WHERE id = ?", [(paper_id,) for paper_id in paper_ids])

    def contributions(self) -> Iterator[tuple[tuple, tuple]]:
        """What each paper contributes to the entity graph (as kg.graph.contribution gives
        it), in paper id order."""
        for (blob,) in self.db.execute("SELECT shared FROM analysis ORDER BY id"):
            yield pickle.loads(blob)

    # units
    def put_unit(self, key: str, lengths: tuple[int, ...], rows: GraphRows | None = None, digest: bytes | None = None) -> None:
        self.db.execute("INSERT OR REPLACE INTO unit VALUES (?, ?, ?, ?)",
                        (key, array("q", lengths).tobytes(), digest,
                         None if rows is None else pickle.dumps(rows, protocol=5)))

    def drop_units(self, keys: Iterable[str]) -> None:
        self.db.executemany("DELETE FROM unit WHERE key = ?", [(key,) for key in keys])

    def units(self) -> Iterator[tuple[str, tuple[int, ...]]]:
        """(key, lengths in each output) of every unit, in key order."""
        for key, lengths in self.db.execute("SELECT key, lengths FROM unit ORDER BY key"):
            yield key, tuple(array("q", lengths))

    def entity_digests(self) -> dict[str, bytes]:
        """The digest of the rows of every entity and entity edge unit, by key."""
        return dict(self.db.execute("SELECT key, digest FROM unit WHERE digest IS NOT NULL"))

    def unit_rows(self, key: str) -> GraphRows:
        row = self.db.execute("SELECT rows FROM unit WHERE key = ?", (key,)).fetchone()
        return pickle.loads(row[0])

    # changes
    def record_changes(self, generation: int, keys: Iterable[str]) -> None:
        self.db.executemany("INSERT OR IGNORE INTO change VALUES (?, ?)", [(generation, key) for key in keys])

    def changes_since(self, generation: int) -> list[str] | None:
        """The keys of every unit replaced or removed after `generation` (None before the
        first generation)."""
        if generation < 1:
            return None
        return [key for (key,) in self.db.execute(
            "SELECT DISTINCT key FROM change WHERE generation > ? ORDER BY key", (generation,))]


def changes_since(folder: Path, generation: int) -> list[str] | None:
    """The keys of the units the updates of the build in `folder` replaced or removed after
    `generation` (None when the index does not go back that far)."""
    index = BuildIndex.read_only(Path(folder) / INDEX_FILE)
    try:
        return index.changes_since(generation)
    finally:
        index.db.close()


def read_meta(folder: Path) -> dict[str, Any]:
    """The meta table of the index of the build in `folder` ({} when it has none)."""
    path = Path(folder) / INDEX_FILE
    if not path.exists():
        return {}
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return dict(db.execute("SELECT name, value FROM meta"))
    except sqlite3.Error:
        return {}
    finally:
        db.close()

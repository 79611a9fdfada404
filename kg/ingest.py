"""Ingest: files and folders in, one list of distinct papers out.

`read` picks a reader by sniffing the file's content (an explicit format overrides), and
`ingest` reads many paths, merges the copies of each paper and counts what it skipped.
"""

from __future__ import annotations

import json
import pickle
import re
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from kg import config
from kg.atomic_file import write_atomically
from kg.formats.arxiv import read_arxiv
from kg.formats.bibtex import read_bibtex
from kg.formats.listing import looks_like_listing, read_listing
from kg.formats.openalex import read_openalex
from kg.formats.pubmed import read_pubmed
from kg.formats.tabular import read_csv, read_jsonl
from kg.records import BadInput, IngestReport, Paper, Skipped, identity_keys, merge_papers

Reader = Callable[[Path], Iterable[Paper | Skipped | BadInput]]
READERS: dict[str, Reader] = {
    "listing": read_listing,
    "jsonl": read_jsonl,
    "csv": read_csv,
    "arxiv": read_arxiv,
    "pubmed": read_pubmed,
    "bibtex": read_bibtex,
    "openalex": read_openalex,
}
assert tuple(READERS) == config.FORMATS


def sniff_format(path: Path) -> str:
    """The name of the format of a file, from its first bytes.

    Raises BadInput for a file that is empty, binary or of no format `kg` reads.
    """
    source = str(path)
    with open(path, "rb") as handle:
        head = handle.read(config.SNIFF_BYTES)
    if not head.strip():
        raise BadInput(source, "file is empty")
    if b"\x00" in head:
        raise BadInput(source, "binary file, not text (is it compressed or a PDF?)")
    text = head.decode("utf-8-sig", "replace").lstrip()
    if text.startswith("<"):
        if re.search(r"<feed\b[^>]*http://www\.w3\.org/2005/Atom", text):
            return "arxiv"
        if re.search(r"<(!DOCTYPE\s+)?PubmedArticleSet\b", text):
            return "pubmed"
        raise BadInput(source, "XML that is neither an arXiv Atom feed nor PubMed efetch XML")
    if text.startswith(("{", "[")):
        first_line = text.split("\n", 1)[0].strip()
        try:
            json.loads(first_line)
        except json.JSONDecodeError:
            return "openalex"  # one JSON document over many lines
        return "openalex" if first_line.startswith("[") else "jsonl"
    if re.match(r"(%[^\n]*\n\s*)*@\s*[A-Za-z]+\s*[{(]", text):
        return "bibtex"
    first_line = text.split("\n", 1)[0].lower()
    if re.search(r"(^|[,\t])\s*\"?title\"?\s*([,\t]|$)", first_line):
        return "csv"
    if looks_like_listing(text):
        return "listing"
    raise BadInput(
        source,
        "unrecognised format; give one with --format ({})".format("|".join(config.FORMATS)),
    )


def read(path: Path, format: str | None = None) -> Iterator[Paper | Skipped | BadInput]:
    """Every record of one file: papers, skipped records and bad records, in file order.

    A fault of the file as a whole (unreadable, empty, binary, unknown format) is raised.
    """
    try:
        name = format or sniff_format(path)
        yield from READERS[name](path)
    except OSError as error:
        raise BadInput(str(path), f"cannot read: {error.strerror or error}") from None


def iter_files(paths: Iterable[Path]) -> Iterator[Path]:
    """The files named, with the files under each folder in sorted order (hidden ones left out)."""
    for path in paths:
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                relative = child.relative_to(path).parts
                if not any(part.startswith(".") for part in relative) and not child.is_dir():
                    yield child
        else:
            yield path


class PaperSet:
    """Distinct papers, with the copies of one paper (same id, DOI, arXiv id, PMID or title) merged."""

    def __init__(self) -> None:
        self._papers: dict[int, Paper] = {}
        self._slot_of: dict[str, int] = {}
        self._next_slot = 0

    def add(self, paper: Paper) -> bool:
        """Add a paper; True when it was merged into one already there."""
        keys = identity_keys(paper)
        slots = sorted({self._slot_of[key] for key in keys if key in self._slot_of})
        if not slots:
            slot, self._next_slot = self._next_slot, self._next_slot + 1
            self._papers[slot] = paper
        else:
            slot = slots[0]
            for other in slots[1:]:  # the new copy joins papers that were apart
                self._papers[slot] = merge_papers(self._papers[slot], self._papers.pop(other))
                keys += [key for key, value in self._slot_of.items() if value == other]
            self._papers[slot] = merge_papers(self._papers[slot], paper)
        for key in keys + identity_keys(self._papers[slot]):
            self._slot_of[key] = slot
        return bool(slots)

    def __iter__(self) -> Iterator[Paper]:
        return iter(self._papers.values())

    def __len__(self) -> int:
        return len(self._papers)


class PaperSpool:
    """Distinct papers as `PaperSet` keeps them, held in an SQLite file rather than in memory
    (a build streams a million papers), and read back in id order."""

    def __init__(self, path: Path):
        self._db = sqlite3.connect(str(path), isolation_level=None)
        for pragma in ("journal_mode=OFF", "synchronous=OFF", "cache_size=-65536"):
            self._db.execute(f"PRAGMA {pragma}")
        self._db.execute("CREATE TABLE paper(slot INTEGER PRIMARY KEY, id TEXT, data BLOB)")
        self._db.execute("CREATE TABLE key(key TEXT PRIMARY KEY, slot INTEGER) WITHOUT ROWID")
        self._db.execute("CREATE INDEX key_slot ON key(slot)")
        self._db.execute("BEGIN")

    def _load(self, slot: int) -> Paper:
        return pickle.loads(self._db.execute("SELECT data FROM paper WHERE slot = ?", (slot,)).fetchone()[0])

    def add(self, paper: Paper) -> bool:
        """Add a paper; True when it was merged into one already there."""
        db, keys = self._db, identity_keys(paper)
        found = db.execute(f"SELECT DISTINCT slot FROM key WHERE key IN ({','.join('?' * len(keys))})", keys)
        slots = sorted(row[0] for row in found)
        if not slots:
            slot = db.execute("INSERT INTO paper(id, data) VALUES (?, ?)", (paper.id, pickle.dumps(paper))).lastrowid
            merged = paper
        else:
            slot, merged = slots[0], self._load(slots[0])
            for other in slots[1:]:  # the new copy joins papers that were apart
                merged = merge_papers(merged, self._load(other))
                db.execute("DELETE FROM paper WHERE slot = ?", (other,))
                db.execute("UPDATE key SET slot = ? WHERE slot = ?", (slot, other))
            merged = merge_papers(merged, paper)
            db.execute("UPDATE paper SET id = ?, data = ? WHERE slot = ?", (merged.id, pickle.dumps(merged), slot))
        db.executemany("INSERT OR REPLACE INTO key VALUES (?, ?)", [(key, slot) for key in {*keys, *identity_keys(merged)}])
        return bool(slots)

    def __len__(self) -> int:
        return self._db.execute("SELECT COUNT(*) FROM paper").fetchone()[0]

    def __iter__(self) -> Iterator[Paper]:
        """The papers in id order."""
        for (data,) in self._db.execute("SELECT data FROM paper ORDER BY id"):
            yield pickle.loads(data)

    def close(self) -> None:
        self._db.close()


def read_papers(
    paths: Iterable[Path], papers: PaperSet | PaperSpool, *, format: str | None = None, skip_bad: bool = False,
) -> IngestReport:
    """Read every file under `paths` into `papers`, which merges the copies of each paper.

    Without `skip_bad` the first bad file or record is raised as BadInput; with it, bad input
    is counted in the report and every good record is kept.
    """
    report = IngestReport()
    for path in iter_files(paths):
        report.files += 1
        try:
            for record in read(path, format):
                if isinstance(record, BadInput):
                    if not skip_bad:
                        raise record
                    report.bad.append(record)
                elif isinstance(record, Skipped):
                    report.skipped.append(record)
                else:
                    report.entries += 1
                    report.merged += papers.add(record)
        except BadInput as error:
            if not skip_bad:
                raise
            report.bad.append(error)
    return report


def ingest(
    paths: Iterable[Path], *, format: str | None = None, skip_bad: bool = False
) -> tuple[list[Paper], IngestReport]:
    """Read every file under `paths` into a list of distinct papers (see `read_papers`)."""
    papers = PaperSet()
    report = read_papers(paths, papers, format=format, skip_bad=skip_bad)
    return list(papers), report


def write_papers(papers: Iterable[Paper], path: str | Path) -> int:
    """Write papers as JSON Lines, atomically (`-` for standard output); returns the count."""
    count = 0
    with write_atomically(path) as handle:
        for paper in papers:
            handle.write(json.dumps(paper.to_dict(), ensure_ascii=False) + "\n")
            count += 1
    return count

"""The papers of an ingest, each once: copies of one paper are merged as they come (see
`kg.papers.identity_keys`), in memory (`PaperSet`) or in an SQLite file (`PaperSpool`).
"""

from __future__ import annotations

import pickle
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from kg.papers import identity_keys, may_merge_by_title, merge_papers
from kg.records import Paper


class PaperSet:
    """Distinct papers, with the copies of one paper (same id, DOI, arXiv id, PMID or title) merged;
    two papers whose sources gave them different ids are not merged for their titles alone."""

    def __init__(self) -> None:
        self._papers: dict[int, Paper] = {}
        self._slot_of: dict[str, int] = {}
        self._next_slot = 0

    def _slots(self, keys: list[str]) -> set[int]:
        return {self._slot_of[key] for key in keys if key in self._slot_of}

    def _load(self, slot: int) -> Paper:
        return self._papers[slot]

    def _insert(self, paper: Paper) -> int:
        slot, self._next_slot = self._next_slot, self._next_slot + 1
        self._papers[slot] = paper
        return slot

    def _put(self, slot: int, paper: Paper) -> None:
        self._papers[slot] = paper

    def _move(self, other: int, slot: int) -> None:
        """Drop the paper in `other`, whose keys now lead to `slot`."""
        del self._papers[other]
        self._slot_of.update({key: slot for key, value in self._slot_of.items() if value == other})

    def _index(self, keys: set[str], slot: int) -> None:
        self._slot_of.update(dict.fromkeys(keys, slot))

    def add(self, paper: Paper) -> bool:
        """Add a paper; True when it was merged into one already there."""
        keys = identity_keys(paper)
        slots = sorted(self._slots(keys[:-1]))
        near = next(iter(self._slots(keys[-1:])), None)  # a paper of the same title
        if near is not None and near not in slots:
            if all(may_merge_by_title(self._load(near), other) for other in [paper, *map(self._load, slots)]):
                slots = sorted([*slots, near])
        if not slots:
            slot, merged = self._insert(paper), paper
        else:
            slot, merged = slots[0], self._load(slots[0])
            for other in slots[1:]:  # the new copy joins papers that were apart
                merged = merge_papers(merged, self._load(other))
                self._move(other, slot)
            merged = merge_papers(merged, paper)
            self._put(slot, merged)
        self._index({*keys, *identity_keys(merged)} if slots else set(keys), slot)
        return bool(slots)

    def __iter__(self) -> Iterator[Paper]:
        return iter(self._papers.values())

    def __len__(self) -> int:
        return len(self._papers)


class PaperSpool(PaperSet):
    """Distinct papers as `PaperSet` keeps them, held in an SQLite file rather than in memory
    (a build streams a million papers), and read back in id order. The file may hold papers
    already (a build's index, kg/build_index.py): after `track()`, the spool notes the papers
    that new copies changed, added or merged away (`changes()`)."""

    def __init__(self, path: Path):
        self._db = sqlite3.connect(str(path), isolation_level=None)
        for pragma in ("journal_mode=OFF", "synchronous=OFF", "cache_size=-65536"):
            self._db.execute(f"PRAGMA {pragma}")
        self._db.execute("CREATE TABLE IF NOT EXISTS paper(slot INTEGER PRIMARY KEY, id TEXT, data BLOB)")
        self._db.execute("CREATE TABLE IF NOT EXISTS key(key TEXT PRIMARY KEY, slot INTEGER) WITHOUT ROWID")
        self._db.execute("CREATE INDEX IF NOT EXISTS key_slot ON key(slot)")
        self._db.execute("CREATE INDEX IF NOT EXISTS paper_id ON paper(id)")
        self._db.execute("BEGIN")
        self._before: dict[int, Paper | None] | None = None

    @property
    def db(self) -> sqlite3.Connection:
        return self._db

    def track(self) -> None:
        """Note from now on the paper each changed slot held before."""
        self._before = {}

    def _note(self, slot: int, *, new: bool = False) -> None:
        if self._before is not None and slot not in self._before:
            self._before[slot] = None if new else self._load(slot)

    def changes(self) -> tuple[dict[str, Paper], dict[str, Paper]]:
        """Since `track()`: (the papers as they were, by id, of every paper changed or gone;
        the papers as they are, by id, of every paper changed or new). A paper whose copies
        changed nothing is in neither."""
        before, after = {}, {}
        for slot, old in (self._before or {}).items():
            row = self._db.execute("SELECT data FROM paper WHERE slot = ?", (slot,)).fetchone()
            new = pickle.loads(row[0]) if row else None
            if old == new:
                continue
            if old is not None:
                before[old.id] = old
            if new is not None:
                after[new.id] = new
        return before, after

    def _slots(self, keys: list[str]) -> set[int]:
        found = self._db.execute(f"SELECT DISTINCT slot FROM key WHERE key IN ({','.join('?' * len(keys))})", keys)
        return {row[0] for row in found}

    def _load(self, slot: int) -> Paper:
        return pickle.loads(self._db.execute("SELECT data FROM paper WHERE slot = ?", (slot,)).fetchone()[0])

    def _insert(self, paper: Paper) -> int:
        slot = self._db.execute("INSERT INTO paper(id, data) VALUES (?, ?)", (paper.id, pickle.dumps(paper))).lastrowid
        self._note(slot, new=True)
        return slot

    def _put(self, slot: int, paper: Paper) -> None:
        self._note(slot)
        self._db.execute("UPDATE paper SET id = ?, data = ? WHERE slot = ?", (paper.id, pickle.dumps(paper), slot))

    def _move(self, other: int, slot: int) -> None:
        self._note(other)
        self._db.execute("DELETE FROM paper WHERE slot = ?", (other,))
        self._db.execute("UPDATE key SET slot = ? WHERE slot = ?", (slot, other))

    def _index(self, keys: set[str], slot: int) -> None:
        self._db.executemany("INSERT OR REPLACE INTO key VALUES (?, ?)", [(key, slot) for key in keys])

    def __len__(self) -> int:
        return self._db.execute("SELECT COUNT(*) FROM paper").fetchone()[0]

    def __iter__(self) -> Iterator[Paper]:
        """The papers in id order."""
        for (data,) in self._db.execute("SELECT data FROM paper ORDER BY id"):
            yield pickle.loads(data)

    def commit(self) -> None:
        """Write what was added so far (the spool is one transaction until then)."""
        self._db.execute("COMMIT")
        self._db.execute("BEGIN")

    def close(self) -> None:
        if self._db.in_transaction:
            self._db.execute("COMMIT")
        self._db.close()

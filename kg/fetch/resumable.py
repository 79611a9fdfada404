"""A fetch's output, kept resumable: the papers so far go to OUT.part as JSON Lines, and
OUT.fetch.json records the run's parameters, where it got to and how much of OUT.part that
covers. An interrupted run leaves both; the next run with the same parameters goes on from
there (a page written after the last record is dropped and fetched again). OUT appears, whole,
only when the run is complete."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kg.atomic_file import write_atomically
from kg.records import BadInput, KGError, Paper, Skipped


@dataclass(frozen=True)
class FetchSummary:
    """What a fetch brought: papers written, entries skipped (no title or abstract), requests
    sent, and whether it went on from an interrupted run."""

    papers: int
    skipped: int
    requests: int
    resumed: bool


def split_papers(records: list[Paper | Skipped | BadInput]) -> tuple[list[Paper], int]:
    """A page's papers, and how many of its records were no usable paper."""
    papers = [record for record in records if isinstance(record, Paper)]
    return papers, len(records) - len(papers)


class ResumableOutput:
    """The output of one fetch: `parameters` (with its "limit", if any) say which run it is;
    `progress` is told how many papers each page adds."""

    def __init__(self, out: Path, parameters: dict[str, Any], progress: Callable[[int], None] | None = None):
        self.out = Path(out)
        if self.out.is_dir():
            raise KGError(f"{out}: is a folder; give the file to write")
        self.part = self.out.with_name(self.out.name + ".part")
        self.state_path = self.out.with_name(self.out.name + ".fetch.json")
        self.parameters = parameters
        self.limit: int | None = parameters.get("limit")
        self.progress = progress
        self.position: Any = None
        self.count = 0
        self.resumed = False
        state = self._state()
        size = 0
        if state and state.get("parameters") == parameters and self.part.is_file():
            self.position, self.count, size = state["position"], state["count"], state["bytes"]
            self.resumed = True
        with open(self.part, "ab") as handle:
            handle.truncate(size)

    def _state(self) -> dict[str, Any] | None:
        try:
            return json.loads(self.state_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    @property
    def wants_more(self) -> bool:
        """Whether the run is still short of its limit."""
        return self.limit is None or self.count < self.limit

    def add(self, papers: list[Paper], position: Any) -> None:
        """Append a page's papers (as many as the limit leaves room for), then record
        `position` (where the next page starts)."""
        if self.limit is not None:
            papers = papers[:self.limit - self.count]
        with open(self.part, "a", encoding="utf-8") as handle:
            for paper in papers:
                handle.write(json.dumps(paper.to_dict(), ensure_ascii=False) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
            size = handle.tell()
        self.count += len(papers)
        self.position = position
        with write_atomically(self.state_path) as handle:
            json.dump({"parameters": self.parameters, "position": position, "count": self.count, "bytes": size}, handle)
        if self.progress:
            self.progress(len(papers))

    def finish(self) -> None:
        """Put the complete output in place and forget the run."""
        os.replace(self.part, self.out)
        self.state_path.unlink(missing_ok=True)

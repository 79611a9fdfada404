"""A fetch's output, kept resumable: the papers so far go to OUT.part as JSON Lines, and
OUT.fetch.json records the run's parameters, where it got to and how much of OUT.part that
covers. An interrupted run leaves both; the next run with the same parameters goes on from
there (a page written after the last record is dropped and fetched again). OUT appears, whole,
only when the run is complete."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kg.atomic_file import write_atomically
from kg.records import KGError, Paper


@dataclass(frozen=True)
class FetchSummary:
    """What a fetch brought: papers written, entries skipped (no title or abstract), requests
    sent, and whether it went on from an interrupted run."""

    papers: int
    skipped: int
    requests: int
    resumed: bool


class ResumableOutput:
    def __init__(self, out: Path, parameters: dict[str, Any]):
        self.out = Path(out)
        if self.out.is_dir():
            raise KGError(f"{out}: is a folder; give the file to write")
        self.part = self.out.with_name(self.out.name + ".part")
        self.state_path = self.out.with_name(self.out.name + ".fetch.json")
        self.parameters = parameters
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

    def add(self, papers: list[Paper], position: Any) -> None:
        """Append a page's papers, then record `position` (where the next page starts)."""
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

    def finish(self) -> None:
        """Put the complete output in place and forget the run."""
        os.replace(self.part, self.out)
        self.state_path.unlink(missing_ok=True)

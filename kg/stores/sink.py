"""The one protocol every store and file export of a build follows, and the part files that
most of them keep until the build ends.

A build gives the rows of each chunk of papers to every sink's `encode`, on whichever worker
analyzed the chunk: `encode` is pure (a static method, so the sink's class is all a worker
needs, and a class pickles by name). The part comes back to the driver in chunk order, where
the sink's `add` takes it; when every chunk is in, `finish` puts the sink's output in the
build folder. The rows keep their order in every part, and the parts are taken in order, so
each output is the same whatever the chunks were.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar, Protocol

from kg.graph import GraphRows


class Sink(Protocol):
    """A store or export of a build, made as `Sink(scratch, exports)`: `scratch` is a folder of
    its own for what it keeps until `finish`, `exports` the file exports the build writes."""

    name: ClassVar[str]  # names its parts and the time spent encoding them
    export: ClassVar[str | None] = None  # the export that asks for it; None: every build has it
    stage: ClassVar[str] = "exports"  # the stage of the build its `finish` is timed in
    seconds: dict[str, float]  # the time the driver spent on it, by what it was spent on

    @staticmethod
    def encode(rows: list[GraphRows]) -> Any:
        """The rows (of one paper each, or of entities) as one part of the output."""

    def add(self, index: str, part: Any) -> None:
        """Take the part of chunk `index` (indexes sort in the order of the outputs)."""

    def finish(self, folder: Path) -> None:
        """Write the output into the build `folder`, from every part taken."""

    def close(self) -> None:
        """Let go of what the sink holds open, when the build fails before `finish`."""


class PartFiles:
    """Parts kept as files `folder/<index><suffix>`, read back in index order."""

    def __init__(self, folder: Path, suffix: str):
        self.folder, self.suffix = Path(folder), suffix

    def write(self, index: str, data: bytes) -> Path | None:
        """Keep `data` as the part `index`, unless it is empty; the file it went to."""
        if not data:
            return None
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / f"{index}{self.suffix}"
        path.write_bytes(data)
        return path

    def paths(self) -> list[Path]:
        """The files of the parts, in index order."""
        return sorted(self.folder.glob(f"*{self.suffix}"))

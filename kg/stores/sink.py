"""The one protocol both stores of a full build follow (the RDF store and the Cypher store;
the text files are kg/stores/text_outputs.py's).

A build encodes the rows of each chunk of papers as each sink's part, on whichever worker
analyzed the chunk (`encode` is pure: a static method, so the sink's class is all a worker
needs, and a class pickles by name). The part comes back to the driver in chunk order, where
the sink's `add` takes it; when every chunk is in, `finish` puts the sink's output in the
build folder. The parts are taken in order, so each store is the same whatever the chunks were.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar, Protocol

from kg.graph import GraphRows


class Sink(Protocol):
    """A store of a build, made as `Sink(scratch, exports)`: `scratch` is a folder of its own for
    what it keeps until `finish`, `exports` the file exports the build writes."""

    name: ClassVar[str]  # names its parts and the time spent encoding them
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
